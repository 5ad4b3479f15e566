/*
 * The service's configuration: the SPEC's environment variables, or for
 * any of them a systemd credential file $CREDENTIALS_DIRECTORY/<lower-case
 * name>, which takes precedence. With LIVEKIT_TOKEN_ENV_FILE set, the
 * settings come from that KEY=VALUE file (read at each start, so a reload
 * sees it changed) instead of the environment. Secrets live in libsodium
 * guarded, locked memory and are wiped by config_free.
 */
#ifndef CONFIG_H
#define CONFIG_H

#include <stdbool.h>
#include <stddef.h>

#include "role.h"
#include "request/cors.h"

#define CONFIG_MAX_PROBLEMS	32

struct secret {
	unsigned char	*bytes;	/* sodium_malloc'd, read-only; NULL if unset */
	size_t		 len;
};

struct config {
	char		*livekit_api_key;
	struct secret	 livekit_api_secret;
	char		*livekit_url;
	char		*supabase_url;		/* without a trailing slash */
	char		*supabase_issuer;	/* supabase_url + "/auth/v1" */
	char		*supabase_anon_key;
	struct secret	 supabase_jwt_secret;
	char		*jwks_file;
	char		*policy_file;
	char		*revocation_file;	/* REVOCATION_FILE, or NULL */
	struct cors	 cors;
	long		 token_ttl;
	long		 leeway;
	enum role	 default_role;
	bool		 allow_anonymous;
	long		 auth_failure_rps;	/* 0: the guard is off */
	long		 auth_failure_burst;
	/*
	 * Set when the service can start but cannot issue tokens: names the
	 * first missing setting (a LiveKit one, or no Supabase key at all).
	 */
	const char	*incomplete;
};

struct config_problems {
	size_t	 n;
	char	 msg[CONFIG_MAX_PROBLEMS][256];
};

/*
 * Read the environment (or LIVEKIT_TOKEN_ENV_FILE) into cfg. Every problem found is added to probs
 * (missing settings included); returns -1 when a setting is present but
 * wrong (the service must not start), 0 otherwise, even if incomplete.
 */
int	config_load(struct config *cfg, struct config_problems *probs);

/*
 * config_load for start-up: log every problem (missing settings too
 * unless quiet_missing) and exit when a setting is wrong.
 */
void	load_config(struct config *cfg, int quiet_missing);

/* What config_get_setting found; the values are its exit statuses. */
enum setting_lookup {
	SETTING_SET = 0,
	SETTING_UNSET = 1,
	SETTING_REFUSED = 2,	/* unknown name, a secret, or a refused file */
};

/*
 * One setting exactly as config_load would read it (credential, else
 * LIVEKIT_TOKEN_ENV_FILE, else the environment), so that scripts ask
 * the binary and never parse the file themselves. SETTING_SET puts a
 * malloc'd copy in *value; SETTING_REFUSED puts the reason in err.
 * Secrets are refused: no script can print one.
 */
int	config_get_setting(const char *name, char **value, char *err,
	    size_t errsz);

/* Free everything, wiping the secrets. */
void	config_free(struct config *cfg);

#endif
