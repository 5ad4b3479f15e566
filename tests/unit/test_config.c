/*
 * config under ASan + UBSan: the env file, credentials and get-setting
 * in-process, so that the paths issue 10 changed (a trailing comment, an
 * unreadable credential, validators shared with get-setting) are also
 * checked for memory errors and leaks. tests/config drives the binary.
 */
#include <sys/stat.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "check.h"
#include "config.h"

#define SECRET	"0123456789abcdef0123456789abcdef"
#define JWT_SECRET "abcdefghijklmnopqrstuvwxyz0123456789ABCD"

static char	 dir[] = "/tmp/test_config.XXXXXX";
static char	 envpath[256];

static void
write_file(const char *path, const char *text, mode_t mode)
{
	FILE	*f;

	if ((f = fopen(path, "w")) == NULL || fputs(text, f) == EOF ||
	    fclose(f) != 0 || chmod(path, mode) != 0) {
		perror(path);
		exit(1);
	}
}

/* An env file with the LiveKit settings, then extra. */
static void
envfile(const char *extra)
{
	char	 text[2048];

	snprintf(text, sizeof(text), "LIVEKIT_API_KEY=APIkey\n"
	    "LIVEKIT_API_SECRET=" SECRET "\nLIVEKIT_URL=wss://lk.example\n%s",
	    extra);
	write_file(envpath, text, 0600);
	setenv("LIVEKIT_TOKEN_ENV_FILE", envpath, 1);
}

static int
load(struct config *cfg, struct config_problems *pr)
{
	return config_load(cfg, pr);
}

static void
test_env_file(void)
{
	struct config_problems	 pr;
	struct config		 cfg;

	envfile("SUPABASE_JWT_SECRET = '" JWT_SECRET "'\n# comment\n"
	    "TOKEN_TTL_SECONDS=120\nDEFAULT_ROLE=judge\n");
	CHECK(load(&cfg, &pr) == 0 && pr.n == 0);
	CHECK(cfg.supabase_jwt_secret.len == strlen(JWT_SECRET) &&
	    memcmp(cfg.supabase_jwt_secret.bytes, JWT_SECRET,
	    strlen(JWT_SECRET)) == 0);
	CHECK(cfg.token_ttl == 120 && cfg.default_role == ROLE_JUDGE);
	CHECK(cfg.incomplete == NULL);
	config_free(&cfg);
}

/* Regression: "SECRET=<...>   # and/or:" became a 65-byte secret. */
static void
test_trailing_comment_refused(void)
{
	struct config_problems	 pr;
	struct config		 cfg;

	envfile("SUPABASE_JWT_SECRET=" JWT_SECRET "      # and/or:\n");
	CHECK(load(&cfg, &pr) == -1);
	CHECK(pr.n == 1 && strstr(pr.msg[0], "line 4") != NULL &&
	    strstr(pr.msg[0], "SUPABASE_JWT_SECRET") != NULL &&
	    strstr(pr.msg[0], JWT_SECRET) == NULL);
	config_free(&cfg);
	envfile("SUPABASE_JWT_SECRET=\"" JWT_SECRET " # kept\"\n");
	CHECK(load(&cfg, &pr) == 0);
	CHECK(cfg.supabase_jwt_secret.len == strlen(JWT_SECRET " # kept"));
	config_free(&cfg);
}

/* Regression: a credential read error ended the loop like end of file. */
static void
test_unreadable_credential_refused(void)
{
	struct config_problems	 pr;
	struct config		 cfg;
	char			 creds[300], path[400];

	envfile("SUPABASE_JWT_SECRET=" JWT_SECRET "\n");
	snprintf(creds, sizeof(creds), "%s/creds", dir);
	snprintf(path, sizeof(path), "%s/livekit_api_secret", creds);
	CHECK(mkdir(creds, 0700) == 0 && mkdir(path, 0700) == 0);
	setenv("CREDENTIALS_DIRECTORY", creds, 1);
	CHECK(load(&cfg, &pr) == -1);
	CHECK(pr.n >= 1 && strstr(pr.msg[0], "LIVEKIT_API_SECRET") != NULL);
	config_free(&cfg);
	CHECK(rmdir(path) == 0);
	write_file(path, SECRET "XY\n", 0600);
	CHECK(load(&cfg, &pr) == 0);
	CHECK(cfg.livekit_api_secret.len == strlen(SECRET "XY"));
	config_free(&cfg);
	CHECK(unlink(path) == 0 && rmdir(creds) == 0);
	unsetenv("CREDENTIALS_DIRECTORY");
}

static void
test_get_setting(void)
{
	char	 err[300];
	char	*v;

	envfile("SUPABASE_JWT_SECRET=" JWT_SECRET "\nRATE_LIMIT_RPS=\"7\"\n");
	CHECK(config_get_setting("RATE_LIMIT_RPS", &v, err, sizeof(err)) ==
	    SETTING_SET);
	CHECK_STR(v, "7");
	free(v);
	CHECK(config_get_setting("TRUSTED_PROXIES", &v, err, sizeof(err)) ==
	    SETTING_UNSET && v == NULL);
	CHECK(config_get_setting("SUPABASE_JWT_SECRET", &v, err,
	    sizeof(err)) == SETTING_REFUSED && v == NULL);
	CHECK(strstr(err, JWT_SECRET) == NULL);
	CHECK(config_get_setting("NOPE", &v, err, sizeof(err)) ==
	    SETTING_REFUSED && v == NULL);
	envfile("RATE_LIMIT_RPS=7\nTOKEN_TTL_SECONDS=1\n");
	CHECK(config_get_setting("RATE_LIMIT_RPS", &v, err, sizeof(err)) ==
	    SETTING_REFUSED && v == NULL);
	CHECK(strstr(err, "TOKEN_TTL_SECONDS") != NULL);
	envfile("TRUSTED_PROXIES=10.0.0.0/8, ::1\n");
	CHECK(config_get_setting("TRUSTED_PROXIES", &v, err, sizeof(err)) ==
	    SETTING_SET);
	CHECK_STR(v, "10.0.0.0/8, ::1");
	free(v);
	write_file(envpath, "RATE_LIMIT_RPS=7\n", 0644);
	CHECK(config_get_setting("RATE_LIMIT_RPS", &v, err, sizeof(err)) ==
	    SETTING_REFUSED && strstr(err, "chmod 600") != NULL);
}

/*
 * Issue 14: the workers' failed-authentication guard. Defaults 5 a
 * second, burst 50; RATE_LIMIT_RPS=0 (every limit off, for benchmarks)
 * turns it off too unless AUTH_FAILURE_RPS itself is set; a value out of
 * range stops the start as any other.
 */
static void
test_failure_guard(void)
{
	struct config_problems	 pr;
	struct config		 cfg;
	static const struct {
		const char	*extra;
		long		 rps, burst;
	} ok[] = {
		{ "", 5, 50 },
		{ "AUTH_FAILURE_RPS=20\nAUTH_FAILURE_BURST=200\n", 20, 200 },
		{ "AUTH_FAILURE_RPS=0\n", 0, 50 },
		{ "RATE_LIMIT_RPS=0\n", 0, 50 },
		{ "RATE_LIMIT_RPS=3\n", 5, 50 },
		{ "RATE_LIMIT_RPS=0\nAUTH_FAILURE_RPS=7\n", 7, 50 },
		{ "AUTH_FAILURE_RPS=1000\nAUTH_FAILURE_BURST=100000\n", 1000,
		    100000 },
	};
	static const char *const bad[] = {
		"AUTH_FAILURE_RPS=1001\n", "AUTH_FAILURE_RPS=-1\n",
		"AUTH_FAILURE_RPS=5/s\n", "AUTH_FAILURE_BURST=0\n",
		"AUTH_FAILURE_BURST=100001\n", "AUTH_FAILURE_BURST=lots\n",
	};
	char	 text[256];
	size_t	 i;
	int	 all = 1;

	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		snprintf(text, sizeof(text), "SUPABASE_JWT_SECRET=" JWT_SECRET
		    "\n%s", ok[i].extra);
		envfile(text);
		if (load(&cfg, &pr) != 0 || pr.n != 0 ||
		    cfg.auth_failure_rps != ok[i].rps ||
		    cfg.auth_failure_burst != ok[i].burst) {
			fprintf(stderr, "%s: %ld, %ld\n", ok[i].extra,
			    cfg.auth_failure_rps, cfg.auth_failure_burst);
			all = 0;
		}
		config_free(&cfg);
	}
	CHECK(all);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(text, sizeof(text), "SUPABASE_JWT_SECRET=" JWT_SECRET
		    "\n%s", bad[i]);
		envfile(text);
		CHECK(load(&cfg, &pr) == -1 && pr.n == 1 &&
		    strncmp(pr.msg[0], "AUTH_FAILURE_", 13) == 0);
		config_free(&cfg);
	}
}

int
main(void)
{
	char	 cmd[128];

	if (sodium_init() < 0 || mkdtemp(dir) == NULL || clearenv() != 0)
		return 1;
	snprintf(envpath, sizeof(envpath), "%s/env", dir);
	test_env_file();
	test_trailing_comment_refused();
	test_unreadable_credential_refused();
	test_get_setting();
	test_failure_guard();
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "cannot remove %s\n", dir);
	return CHECK_DONE();
}
