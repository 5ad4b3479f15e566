#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "config.h"

#define SETTING_MAX	4096

static void
problem(struct config_problems *pr, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void
problem(struct config_problems *pr, const char *fmt, ...)
{
	va_list	 ap;

	if (pr->n == CONFIG_MAX_PROBLEMS)
		return;
	va_start(ap, fmt);
	vsnprintf(pr->msg[pr->n++], sizeof(pr->msg[0]), fmt, ap);
	va_end(ap);
}

/*
 * Read $CREDENTIALS_DIRECTORY/<name in lower case> into buf. Returns its
 * length without a trailing newline, 0 when there is no such credential,
 * -1 when it exists but cannot be read or is too large.
 */
static long
read_credential(const char *name, char *buf, size_t bufsz)
{
	const char	*dir;
	char		 path[PATH_MAX], lower[64];
	size_t		 i, got = 0;
	ssize_t		 n;
	int		 fd;

	if ((dir = getenv("CREDENTIALS_DIRECTORY")) == NULL || *dir == '\0')
		return 0;
	for (i = 0; i < sizeof(lower) - 1 && name[i] != '\0'; i++)
		lower[i] = (char)(name[i] >= 'A' && name[i] <= 'Z' ?
		    name[i] - 'A' + 'a' : name[i]);
	lower[i] = '\0';
	if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, lower) >=
	    sizeof(path))
		return -1;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return errno == ENOENT ? 0 : -1;
	while (got < bufsz && (n = read(fd, buf + got, bufsz - got)) > 0)
		got += (size_t)n;
	close(fd);
	if (got == bufsz)
		return -1;
	while (got > 0 && (buf[got - 1] == '\n' || buf[got - 1] == '\r'))
		got--;
	return (long)got;
}

/*
 * Fetch a setting. Returns a malloc'd copy (NULL if unset or empty). For a
 * secret the environment's copy is wiped, so the value does not linger in
 * /proc/<pid>/environ.
 */
static char *
setting(const char *name, bool secret, struct config_problems *pr)
{
	char	 buf[SETTING_MAX];
	char	*env, *v = NULL;
	long	 n;

	n = read_credential(name, buf, sizeof(buf));
	if (n < 0)
		problem(pr, "%s: the credential file cannot be read or is "
		    "over %d bytes", name, SETTING_MAX);
	else if (n > 0) {
		if (memchr(buf, '\0', (size_t)n) == NULL)
			v = strndup(buf, (size_t)n);
		else
			problem(pr, "%s: the credential holds a NUL byte", name);
		sodium_memzero(buf, sizeof(buf));
	}
	if ((env = getenv(name)) != NULL) {
		if (v == NULL && *env != '\0')
			v = strdup(env);
		if (secret) {
			sodium_memzero(env, strlen(env));
			unsetenv(name);
		}
	}
	return v;
}

/* Move a malloc'd secret into guarded, locked, read-only memory. */
static int
secret_take(struct secret *s, char *v)
{
	size_t	 len;

	memset(s, 0, sizeof(*s));
	if (v == NULL)
		return 0;
	len = strlen(v);
	if ((s->bytes = sodium_malloc(len + 1)) == NULL) {
		sodium_memzero(v, len);
		free(v);
		return -1;
	}
	memcpy(s->bytes, v, len + 1);
	s->len = len;
	sodium_memzero(v, len);
	free(v);
	sodium_mprotect_readonly(s->bytes);
	return 0;
}

static void
secret_free(struct secret *s)
{
	if (s->bytes != NULL)
		sodium_free(s->bytes);	/* wipes before unmapping */
	memset(s, 0, sizeof(*s));
}

/* Parse a whole decimal number in [lo, hi]; -1 otherwise. */
static int
parse_long(const char *s, long lo, long hi, long *out)
{
	char	*end;
	long	 v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || v < lo || v > hi)
		return -1;
	*out = v;
	return 0;
}

static int
has_scheme(const char *url, const char *const *schemes)
{
	size_t	 n;

	for (; *schemes != NULL; schemes++) {
		n = strlen(*schemes);
		if (strncmp(url, *schemes, n) == 0 && url[n] != '\0' &&
		    url[n] != '/' && strpbrk(url, " \t\r\n") == NULL)
			return 1;
	}
	return 0;
}

static void
load_numbers(struct config *cfg, struct config_problems *pr, int *bad)
{
	char	*v;

	cfg->token_ttl = 3600;
	if ((v = setting("TOKEN_TTL_SECONDS", false, pr)) != NULL &&
	    parse_long(v, 60, 86400, &cfg->token_ttl) == -1) {
		problem(pr, "TOKEN_TTL_SECONDS: \"%.32s\" is not a whole number "
		    "of seconds from 60 to 86400", v);
		*bad = 1;
	}
	free(v);
	cfg->leeway = 30;
	if ((v = setting("JWT_LEEWAY_SECONDS", false, pr)) != NULL &&
	    parse_long(v, 0, 300, &cfg->leeway) == -1) {
		problem(pr, "JWT_LEEWAY_SECONDS: \"%.32s\" is not a whole "
		    "number of seconds from 0 to 300", v);
		*bad = 1;
	}
	free(v);
	cfg->default_role = ROLE_VIEWER;
	if ((v = setting("DEFAULT_ROLE", false, pr)) != NULL &&
	    role_parse(v, &cfg->default_role) == -1) {
		problem(pr, "DEFAULT_ROLE: \"%.32s\" is not one of viewer, "
		    "contestant, performer, judge, host", v);
		*bad = 1;
	}
	free(v);
	cfg->allow_anonymous = false;
	if ((v = setting("ALLOW_ANONYMOUS", false, pr)) != NULL) {
		if (strcmp(v, "1") == 0 || strcmp(v, "true") == 0)
			cfg->allow_anonymous = true;
		else if (strcmp(v, "0") != 0 && strcmp(v, "false") != 0) {
			problem(pr, "ALLOW_ANONYMOUS: \"%.32s\" is not 0 or 1",
			    v);
			*bad = 1;
		}
	}
	free(v);
}

static void
load_urls(struct config *cfg, struct config_problems *pr, int *bad)
{
	static const char *const lk[] = { "wss://", "ws://", "https://",
	    "http://", NULL };
	static const char *const web[] = { "https://", "http://", NULL };
	size_t	 n;

	cfg->livekit_url = setting("LIVEKIT_URL", false, pr);
	if (cfg->livekit_url != NULL && !has_scheme(cfg->livekit_url, lk)) {
		problem(pr, "LIVEKIT_URL: \"%.64s\" is not a wss:// (or ws://, "
		    "https://) URL", cfg->livekit_url);
		*bad = 1;
	}
	cfg->supabase_url = setting("SUPABASE_URL", false, pr);
	if (cfg->supabase_url == NULL)
		return;
	if (!has_scheme(cfg->supabase_url, web)) {
		problem(pr, "SUPABASE_URL: \"%.64s\" is not an https:// URL "
		    "like https://<ref>.supabase.co", cfg->supabase_url);
		*bad = 1;
		return;
	}
	n = strlen(cfg->supabase_url);
	while (n > 0 && cfg->supabase_url[n - 1] == '/')
		cfg->supabase_url[--n] = '\0';
	if (asprintf(&cfg->supabase_issuer, "%s/auth/v1",
	    cfg->supabase_url) == -1)
		cfg->supabase_issuer = NULL;
}

static void
check_readable(const char *name, const char *path, struct config_problems *pr,
    int *bad)
{
	if (path != NULL && access(path, R_OK) == -1) {
		problem(pr, "%s: cannot read %.128s: %s", name, path,
		    strerror(errno));
		*bad = 1;
	}
}

int
config_load(struct config *cfg, struct config_problems *pr)
{
	char	 why[256];
	char	*v;
	int	 bad = 0;

	memset(cfg, 0, sizeof(*cfg));
	memset(pr, 0, sizeof(*pr));

	cfg->livekit_api_key = setting("LIVEKIT_API_KEY", false, pr);
	if (secret_take(&cfg->livekit_api_secret,
	    setting("LIVEKIT_API_SECRET", true, pr)) == -1 ||
	    secret_take(&cfg->supabase_jwt_secret,
	    setting("SUPABASE_JWT_SECRET", true, pr)) == -1) {
		problem(pr, "cannot allocate locked memory for secrets");
		return -1;
	}
	load_urls(cfg, pr, &bad);
	cfg->supabase_anon_key = setting("SUPABASE_ANON_KEY", false, pr);
	cfg->jwks_file = setting("SUPABASE_JWKS_FILE", false, pr);
	cfg->policy_file = setting("ROOM_POLICY_FILE", false, pr);
	check_readable("SUPABASE_JWKS_FILE", cfg->jwks_file, pr, &bad);
	check_readable("ROOM_POLICY_FILE", cfg->policy_file, pr, &bad);
	load_numbers(cfg, pr, &bad);

	v = setting("CORS_ALLOWED_ORIGINS", false, pr);
	if (cors_parse(&cfg->cors, v != NULL ? v : "*", why,
	    sizeof(why)) == -1) {
		problem(pr, "CORS_ALLOWED_ORIGINS: %s", why);
		bad = 1;
	}
	free(v);

	/*
	 * LiveKit recommends secrets of at least 32 characters; Supabase's
	 * JWT secret is at least 32. Shorter ones are guessable offline.
	 */
	if (cfg->livekit_api_secret.bytes != NULL &&
	    cfg->livekit_api_secret.len < 32) {
		problem(pr, "LIVEKIT_API_SECRET: shorter than 32 characters");
		bad = 1;
	}
	if (cfg->supabase_jwt_secret.bytes != NULL &&
	    cfg->supabase_jwt_secret.len < 32) {
		problem(pr, "SUPABASE_JWT_SECRET: shorter than 32 characters");
		bad = 1;
	}

	/* Missing settings: the service starts, but cannot issue tokens. */
	if (cfg->livekit_api_key == NULL)
		cfg->incomplete = "LIVEKIT_API_KEY";
	else if (cfg->livekit_api_secret.bytes == NULL)
		cfg->incomplete = "LIVEKIT_API_SECRET";
	else if (cfg->livekit_url == NULL)
		cfg->incomplete = "LIVEKIT_URL";
	else if (cfg->supabase_jwt_secret.bytes == NULL &&
	    cfg->jwks_file == NULL)
		cfg->incomplete = "SUPABASE_JWT_SECRET or SUPABASE_JWKS_FILE";
	if (cfg->livekit_api_key == NULL)
		problem(pr, "LIVEKIT_API_KEY: not set");
	if (cfg->livekit_api_secret.bytes == NULL)
		problem(pr, "LIVEKIT_API_SECRET: not set");
	if (cfg->livekit_url == NULL)
		problem(pr, "LIVEKIT_URL: not set");
	if (cfg->supabase_jwt_secret.bytes == NULL && cfg->jwks_file == NULL)
		problem(pr, "SUPABASE_JWT_SECRET and SUPABASE_JWKS_FILE: "
		    "neither is set, so no user token can be verified");
	return bad ? -1 : 0;
}

void
config_free(struct config *cfg)
{
	free(cfg->livekit_api_key);
	free(cfg->livekit_url);
	free(cfg->supabase_url);
	free(cfg->supabase_issuer);
	free(cfg->supabase_anon_key);
	free(cfg->jwks_file);
	free(cfg->policy_file);
	secret_free(&cfg->livekit_api_secret);
	secret_free(&cfg->supabase_jwt_secret);
	memset(cfg, 0, sizeof(*cfg));
}
