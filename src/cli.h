/*
 * The command-line side of the binary: usage, and the tools that run
 * instead of the worker.
 */
#ifndef CLI_H
#define CLI_H

#include "config.h"

/* Print the usage and exit 2. */
void	usage(void) __attribute__((noreturn));

/* --check-config: 0 when the configuration is complete and valid, else 1. */
int	check_config(void);

/*
 * get-setting NAME: print the value and a newline, exit 0; 1 (nothing
 * printed) when unset; 2 with a message for an unknown name, a secret or
 * an env file --check-config would refuse.
 */
int	get_setting(const char *name);

/*
 * check-jwks FILE: 0 when the workers would take FILE and it holds a usable
 * key; CHECK_JWKS_EMPTY when it is a valid but empty set (what a project on
 * the legacy secret alone serves); else 1, also when every key in it would
 * be skipped.
 */
#define CHECK_JWKS_EMPTY	3
int	check_jwks(const char *path);

/* mint-dev-jwt [options]: print a Supabase-style token; returns 0. */
int	mint_dev_jwt(int argc, char *argv[]);

#endif
