/*
 * livekit-token: start-up (configuration -> keys -> FastCGI pool) and the
 * command-line tools (cli.c).
 */
#include <stdio.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sys/prctl.h>
#include <sys/types.h>

#include <sodium.h>

#include "cli.h"
#include "config.h"
#include "fcgi_pool.h"
#include "log.h"
#include "moderation/revoke.h"
#include "service.h"

/* Request threads per process: WORKER_THREADS, 1 to FCGI_POOL_MAX_THREADS. */
static int
thread_count(void)
{
	const char	*v = getenv("WORKER_THREADS");
	char		*end;
	long		 n;

	if (v == NULL || *v == '\0')
		return 16;
	n = strtol(v, &end, 10);
	if (*end != '\0' || n < 1 || n > FCGI_POOL_MAX_THREADS)
		fatalx("WORKER_THREADS: \"%.16s\" is not a number from 1 to %d",
		    v, FCGI_POOL_MAX_THREADS);
	return (int)n;
}

static int
exit_with_parent(void)
{
	const char	*v = getenv("LIVEKIT_TOKEN_EXIT_WITH_PARENT");

	return v != NULL && strcmp(v, "1") == 0;
}

static int
worker(pid_t parent)
{
	struct config		 cfg;
	struct service		 svc;
	char			 err[512];
	int			 threads = thread_count();

	/*
	 * Bearer tokens, minted tokens and secrets sit in this heap: no core
	 * dump of it, and no ptrace by another process of the same user
	 * (systemd's LimitCORE=0 covers the rest).
	 */
	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) == -1)
		fatal("prctl(PR_SET_DUMPABLE)");
	/*
	 * A worker outlives a supervisor killed with -9 (multiwatch, or the
	 * whole pool when systemd cannot kill the cgroup), holding the socket
	 * and the old configuration: under a supervisor that asks for it
	 * (LIVEKIT_TOKEN_EXIT_WITH_PARENT=1, set by livekit-token-service),
	 * the kernel tells us with the graceful stop signal instead. Not by
	 * default: spawn-fcgi without -n forks the worker and exits at once.
	 * A parent already gone before this line shows as a changed pid.
	 */
	if (exit_with_parent()) {
		if (prctl(PR_SET_PDEATHSIG, SIGTERM, 0, 0, 0) == -1)
			fatal("prctl(PR_SET_PDEATHSIG)");
		if (getppid() != parent)
			fatalx("the supervisor is gone: not starting");
	}
	load_config(&cfg, 0);
	if (cfg.incomplete != NULL)
		log_warnx("%s is not set: /healthz answers 503 and token "
		    "requests get 500 server_misconfigured until it is",
		    cfg.incomplete);
	if (service_init(&svc, &cfg, err, sizeof(err)) == -1)
		fatalx("%s", err);
	if (fcgi_pool_run(&svc, threads) == -1)
		fatalx("no request thread left: exiting to be replaced");
	service_free(&svc);
	config_free(&cfg);
	return 0;
}

int
main(int argc, char *argv[])
{
	pid_t	 parent = getppid();	/* the supervisor, before any work */

	if (sodium_init() < 0) {
		fprintf(stderr, "livekit-token: cannot initialise libsodium\n");
		return 1;
	}
	if (argc == 2 && strcmp(argv[1], "--check-config") == 0)
		return check_config();
	if (argc == 3 && strcmp(argv[1], "get-setting") == 0)
		return get_setting(argv[2]);
	if (argc == 3 && strcmp(argv[1], "check-jwks") == 0)
		return check_jwks(argv[2]);
	if (argc >= 2 && strcmp(argv[1], "revoke") == 0)
		return revoke_command(argc - 1, argv + 1);
	if (argc == 3 && strcmp(argv[1], "check-revocations") == 0)
		return check_revocations(argv[2]);
	if (argc >= 2 && strcmp(argv[1], "mint-dev-jwt") == 0)
		return mint_dev_jwt(argc - 1, argv + 1);
	if (argc != 1)
		usage();
	return worker(parent);
}
