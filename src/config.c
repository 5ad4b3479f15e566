#include <sys/socket.h>
#include <sys/stat.h>

#include <arpa/inet.h>
#include <netinet/in.h>

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
#include "log.h"
#include "textfile.h"
#include "utf8.h"

#define SETTING_MAX	4096
#define ENVFILE_MAX	65536	/* bytes in LIVEKIT_TOKEN_ENV_FILE */
#define ENVFILE_LINES	64	/* settings in it */

/*
 * LIVEKIT_TOKEN_ENV_FILE, when set: the settings are read from that file
 * (KEY=VALUE lines, systemd EnvironmentFile syntax without escapes) at
 * every start of a worker, so that a reload, which restarts the workers,
 * sees an edited file: a process's environment cannot change. The file
 * is then the whole configuration: the environment's copies of the
 * settings are ignored (and a secret's copy is still wiped). The text
 * lives in guarded, locked memory and is wiped once parsed into cfg.
 */
struct envfile {
	char		*buf;			/* sodium_malloc'd */
	size_t		 n;
	const char	*key[ENVFILE_LINES];
	const char	*val[ENVFILE_LINES];
};

static struct envfile	*envf;	/* during config_load only */
/* Set by setting() when a value exists but cannot be read: refuse. */
static bool		 setting_refused;

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

static const char *const livekit_schemes[] = { "wss://", "ws://",
    "https://", "http://", NULL };
static const char *const web_schemes[] = { "https://", "http://", NULL };

/*
 * One validator per setting that has a form, shared by config_load and
 * config_get_setting, so that a script is never handed a value that the
 * workers (or --check-config) would refuse. Each returns 0, or -1 with
 * the whole sentence for a person in why.
 */
/* A whole number in [lo, hi]; unit names what it counts, for the reason. */
static int
check_range(const char *v, long lo, long hi, const char *unit, char *why,
    size_t whysz)
{
	long	 n;

	if (parse_long(v, lo, hi, &n) == 0)
		return 0;
	snprintf(why, whysz, "\"%.32s\" is not a whole number %sfrom %ld to "
	    "%ld", v, unit, lo, hi);
	return -1;
}

static int
check_role(const char *v, char *why, size_t whysz)
{
	enum role	 r;

	if (role_parse(v, &r) == 0)
		return 0;
	snprintf(why, whysz, "\"%.32s\" is not one of viewer, contestant, "
	    "performer, judge, host", v);
	return -1;
}

static int
check_bool(const char *v, char *why, size_t whysz)
{
	if (strcmp(v, "1") == 0 || strcmp(v, "true") == 0 ||
	    strcmp(v, "0") == 0 || strcmp(v, "false") == 0)
		return 0;
	snprintf(why, whysz, "\"%.32s\" is not 0 or 1", v);
	return -1;
}

static int
check_livekit_url(const char *v, char *why, size_t whysz)
{
	if (has_scheme(v, livekit_schemes))
		return 0;
	snprintf(why, whysz, "\"%.64s\" is not a wss:// (or ws://, https://) "
	    "URL", v);
	return -1;
}

static int
check_web_url(const char *v, char *why, size_t whysz)
{
	if (has_scheme(v, web_schemes))
		return 0;
	snprintf(why, whysz, "\"%.64s\" is not an https:// URL like "
	    "https://<ref>.supabase.co", v);
	return -1;
}

static int
check_origins(const char *v, char *why, size_t whysz)
{
	struct cors	 c;

	return cors_parse(&c, v, why, whysz);
}

/* One address or CIDR block, IPv4 or IPv6, as nginx's set_real_ip_from. */
static int
cidr_valid(const char *s, size_t len)
{
	char		 buf[INET6_ADDRSTRLEN + 5];
	unsigned char	 addr[sizeof(struct in6_addr)];
	const char	*slash;
	long		 bits, max;
	int		 af;

	if (len == 0 || len >= sizeof(buf))
		return 0;
	memcpy(buf, s, len);
	buf[len] = '\0';
	af = strchr(buf, ':') != NULL ? AF_INET6 : AF_INET;
	max = af == AF_INET6 ? 128 : 32;
	if ((slash = strchr(buf, '/')) != NULL) {
		if (parse_long(slash + 1, 0, max, &bits) == -1 ||
		    slash[1] < '0' || slash[1] > '9')
			return 0;
		buf[slash - buf] = '\0';
	}
	return inet_pton(af, buf, addr) == 1;
}

/* "10.0.0.0/8, 192.0.2.1, 2001:db8::/32": comma-separated, spaces allowed. */
static int
check_cidrs(const char *v, char *why, size_t whysz)
{
	const char	*p = v, *end;
	size_t		 n;

	for (;;) {
		while (*p == ' ' || *p == '\t')
			p++;
		end = p + strcspn(p, ",");
		n = (size_t)(end - p);
		while (n > 0 && (p[n - 1] == ' ' || p[n - 1] == '\t'))
			n--;
		if (!cidr_valid(p, n)) {
			snprintf(why, whysz, "\"%.*s\" is not an IPv4 or IPv6 "
			    "address or CIDR block (like 10.0.0.0/8)",
			    (int)(n < 64 ? n : 64), p);
			return -1;
		}
		if (*end == '\0')
			return 0;
		p = end + 1;
	}
}

/*
 * A header name nginx can match, which it interpolates: letters, digits
 * and '-' only. RFC 9110 allows more (a token), but nginx drops a request
 * header holding '_' (underscores_in_headers off) and scripts/nginx-site
 * takes no other, so a wider check passed what the renderer then refused.
 */
static int
check_header_name(const char *v, char *why, size_t whysz)
{
	size_t	 i, n = strlen(v);

	for (i = 0; i < n && n <= 64; i++)
		if (!((v[i] >= 'a' && v[i] <= 'z') ||
		    (v[i] >= 'A' && v[i] <= 'Z') ||
		    (v[i] >= '0' && v[i] <= '9') || v[i] == '-'))
			break;
	if (n > 0 && n <= 64 && i == n)
		return 0;
	snprintf(why, whysz, "\"%.64s\" is not a header name nginx can "
	    "match (letters, digits and '-', like X-Forwarded-For)", v);
	return -1;
}

/*
 * Every name the file may hold: the SPEC's, plus those read for nginx.
 * A secret is never printed by config_get_setting, and its copy in the
 * environment is wiped once read. A number's row gives its range (unit
 * names what it counts, for the reason) instead of a validator.
 */
static const struct {
	const char	*name;
	bool		 secret;
	int		(*check)(const char *, char *, size_t);	/* or NULL */
	long		 lo, hi;
	const char	*unit;		/* non-NULL: a whole number in [lo, hi] */
} known_settings[] = {
	{ .name = "LIVEKIT_API_KEY" },
	{ .name = "LIVEKIT_API_SECRET", .secret = true },
	{ .name = "LIVEKIT_URL", .check = check_livekit_url },
	{ .name = "SUPABASE_URL", .check = check_web_url },
	{ .name = "SUPABASE_ANON_KEY" },
	{ .name = "SUPABASE_JWT_SECRET", .secret = true },
	{ .name = "SUPABASE_JWKS_FILE" },
	{ .name = "CORS_ALLOWED_ORIGINS", .check = check_origins },
	{ .name = "TOKEN_TTL_SECONDS", .lo = 60, .hi = 86400,
	    .unit = "of seconds " },
	{ .name = "JWT_LEEWAY_SECONDS", .lo = 0, .hi = 300,
	    .unit = "of seconds " },
	{ .name = "ROOM_POLICY_FILE" },
	{ .name = "DEFAULT_ROLE", .check = check_role },
	{ .name = "ALLOW_ANONYMOUS", .check = check_bool },
	{ .name = "REVOCATION_FILE" },
	/*
	 * The workers' failed-authentication guard (auth/failguard.h): 1/RPS
	 * is kept in whole milliseconds, and 0 is "off"; a burst of at least
	 * one failure.
	 */
	{ .name = "AUTH_FAILURE_RPS", .lo = 0, .hi = 1000, .unit = "" },
	{ .name = "AUTH_FAILURE_BURST", .lo = 1, .hi = 100000, .unit = "" },
	/* read by nginx's renderer; RATE_LIMIT_RPS=0 is "off" */
	/* The renderer's ranges exactly (scripts/nginx-site). */
	{ .name = "RATE_LIMIT_RPS", .lo = 0, .hi = 100000, .unit = "" },
	{ .name = "RATE_LIMIT_BURST", .lo = 0, .hi = 1000000, .unit = "" },
	{ .name = "RATE_LIMIT_ADDRESS_RPS", .lo = 0, .hi = 100000,
	    .unit = "" },
	{ .name = "RATE_LIMIT_ADDRESS_BURST", .lo = 0, .hi = 1000000,
	    .unit = "" },
	{ .name = "TRUSTED_PROXIES", .check = check_cidrs },
	{ .name = "REAL_IP_HEADER", .check = check_header_name },
};
#define KNOWN_SETTINGS	(sizeof(known_settings) / sizeof(known_settings[0]))

/* The table's index of name, or -1 when it is no setting of ours. */
static int
known_setting(const char *name)
{
	size_t	 i;

	for (i = 0; i < KNOWN_SETTINGS; i++)
		if (strcmp(known_settings[i].name, name) == 0)
			return (int)i;
	return -1;
}

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

/* Whether value holds a '#' right after white space. */
static bool
trailing_comment(const char *value)
{
	const char	*h;

	for (h = strchr(value, '#'); h != NULL; h = strchr(h + 1, '#'))
		if (h > value && utf8_is_space_byte(h[-1]))
			return true;
	return false;
}

/*
 * Parse one line of the file in place. Returns 0 for a setting or a
 * blank or comment line, -1 (with a problem naming the line) otherwise.
 */
static int
envfile_line(struct envfile *ef, char *line, size_t lineno, const char *path,
    struct config_problems *pr)
{
	char			*eq, *end, *v;
	size_t			 i, len;
	bool			 comment;

	while (utf8_is_space_byte(*line))
		line++;
	if (*line == '\0' || *line == '#' || *line == ';')
		return 0;
	if ((eq = strchr(line, '=')) == NULL) {
		problem(pr, "%.128s line %zu: not a KEY=VALUE line", path,
		    lineno);
		return -1;
	}
	for (end = eq; end > line && utf8_is_space_byte(end[-1]); end--)
		continue;
	*end = '\0';
	if (known_setting(line) == -1) {
		problem(pr, "%.128s line %zu: unknown setting \"%.40s\"", path,
		    lineno, line);
		return -1;
	}
	for (i = 0; i < ef->n; i++)
		if (strcmp(ef->key[i], line) == 0) {
			problem(pr, "%.128s line %zu: %s is set twice", path,
			    lineno, line);
			return -1;
		}
	if (ef->n == ENVFILE_LINES) {
		problem(pr, "%.128s line %zu: too many settings", path, lineno);
		return -1;
	}
	v = eq + 1;
	comment = trailing_comment(v);
	while (utf8_is_space_byte(*v))
		v++;
	len = strlen(v);
	while (len > 0 && utf8_is_space_byte(v[len - 1]))
		v[--len] = '\0';
	/* One pair of matching quotes around the whole value is dropped. */
	if (len >= 2 && (v[0] == '"' || v[0] == '\'') && v[len - 1] == v[0]) {
		v[len - 1] = '\0';
		v++;
	} else if (comment) {
		/*
		 * Like systemd's EnvironmentFile=, only whole lines are
		 * comments: "SECRET=abc   # note" would make the secret
		 * "abc   # note". Said here, never found as a bad signature.
		 */
		problem(pr, "%.128s line %zu: %s's value holds a '#' after "
		    "white space: only whole lines are comments (put the "
		    "comment on a line of its own, or quote the value)", path,
		    lineno, line);
		return -1;
	}
	ef->key[ef->n] = line;
	ef->val[ef->n++] = v;
	return 0;
}

/*
 * Read and parse the file named by LIVEKIT_TOKEN_ENV_FILE into ef.
 * Returns 0 when it is not set or was read, -1 (with problems) when it
 * cannot be used; ef->buf is then freed already.
 */
static int
envfile_load(struct envfile *ef, struct config_problems *pr)
{
	const char	*path = getenv("LIVEKIT_TOKEN_ENV_FILE");
	struct textfile	 tf;
	char		 why[128];
	char		*line, *nl;
	size_t		 lineno = 0;
	int		 bad = 0;

	memset(ef, 0, sizeof(*ef));
	if (path == NULL || *path == '\0')
		return 0;
	if (textfile_read(path, ENVFILE_MAX, TEXTFILE_SECRET, &tf, why, sizeof(why)) !=
	    TEXTFILE_OK) {
		problem(pr, "LIVEKIT_TOKEN_ENV_FILE: %.128s: %s", path, why);
		return -1;
	}
	/* It holds secrets: like ssh, refuse a file others may read. */
	if ((tf.st.st_mode & (S_IRWXO | S_IWGRP)) != 0) {
		problem(pr, "LIVEKIT_TOKEN_ENV_FILE: %.128s has mode %04o: "
		    "others may read or change it (chmod 600)", path,
		    (unsigned)(tf.st.st_mode & 07777));
		textfile_free(&tf);
		return -1;
	}
	ef->buf = tf.text;	/* guarded memory, now ours to sodium_free */
	ef->n = 0;
	for (line = ef->buf; line != NULL; line = nl) {
		if ((nl = strchr(line, '\n')) != NULL)
			*nl++ = '\0';
		lineno++;
		if (envfile_line(ef, line, lineno, path, pr) == -1)
			bad = 1;
	}
	if (bad) {
		sodium_free(ef->buf);	/* wipes before unmapping */
		memset(ef, 0, sizeof(*ef));
		return -1;
	}
	return 0;
}

/* The file's value for name: NULL when the file does not set it. */
static const char *
envfile_get(const struct envfile *ef, const char *name)
{
	size_t	 i;

	for (i = 0; i < ef->n; i++)
		if (strcmp(ef->key[i], name) == 0)
			return ef->val[i];
	return NULL;
}

/*
 * Read $CREDENTIALS_DIRECTORY/<name in lower case> into *out (guarded
 * memory), without a trailing newline. Returns 1 when read, 0 when there
 * is no such credential, -1 (with a problem) when it exists but cannot be
 * read whole: then the setting is refused, never taken truncated.
 */
static int
read_credential(const char *name, struct textfile *out,
    struct config_problems *pr)
{
	const char	*dir;
	char		 path[PATH_MAX], lower[64], why[128];
	size_t		 i;

	memset(out, 0, sizeof(*out));
	if ((dir = getenv("CREDENTIALS_DIRECTORY")) == NULL || *dir == '\0')
		return 0;
	for (i = 0; i < sizeof(lower) - 1 && name[i] != '\0'; i++)
		lower[i] = (char)(name[i] >= 'A' && name[i] <= 'Z' ?
		    name[i] - 'A' + 'a' : name[i]);
	lower[i] = '\0';
	if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, lower) >=
	    sizeof(path)) {
		problem(pr, "%s: the credential's path is too long", name);
		return -1;
	}
	switch (textfile_read(path, SETTING_MAX, TEXTFILE_SECRET, out, why, sizeof(why))) {
	case TEXTFILE_ABSENT:
		return 0;
	case TEXTFILE_ERROR:
		problem(pr, "%s: the credential %.128s: %s", name, path, why);
		return -1;
	case TEXTFILE_OK:
		break;
	}
	while (out->len > 0 && (out->text[out->len - 1] == '\n' ||
	    out->text[out->len - 1] == '\r'))
		out->text[--out->len] = '\0';
	return 1;
}

/*
 * Fetch a setting: the credential, else LIVEKIT_TOKEN_ENV_FILE's value
 * when that file is in use, else the environment's. Returns a malloc'd
 * copy (NULL if unset or empty). For a secret the environment's copy is
 * wiped, so the value does not linger in /proc/<pid>/environ.
 */
static char *
setting(const char *name, struct config_problems *pr)
{
	struct textfile	 cred;
	const char	*fv;
	char		*env, *v = NULL;
	int		 k = known_setting(name);
	bool		 secret = k != -1 && known_settings[k].secret;

	switch (read_credential(name, &cred, pr)) {
	case -1:
		setting_refused = true;
		break;
	case 1:
		if (cred.len > 0 && (v = strdup(cred.text)) == NULL) {
			problem(pr, "%s: out of memory", name);
			setting_refused = true;
		}
		textfile_free(&cred);
		break;
	default:
		break;
	}
	if (envf != NULL && envf->buf != NULL) {
		/* The file is the whole configuration: no environment. */
		if (v == NULL && (fv = envfile_get(envf, name)) != NULL &&
		    *fv != '\0')
			v = strdup(fv);
		if ((env = getenv(name)) != NULL && secret) {
			sodium_memzero(env, strlen(env));
			unsetenv(name);
		}
	} else if ((env = getenv(name)) != NULL) {
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

/*
 * A value of setting i (not a secret): no control characters, which no
 * setting has and which would break a line of whatever a script renders
 * it into, then the setting's own validator. 0, or -1 with why.
 */
static int
check_value(size_t i, const char *v, char *why, size_t whysz)
{
	const char	*c;

	for (c = v; *c != '\0'; c++)
		if ((unsigned char)*c < 0x20 || *c == 0x7f) {
			snprintf(why, whysz, "the value holds a control "
			    "character (byte 0x%02x)", (unsigned char)*c);
			return -1;
		}
	if (known_settings[i].unit != NULL)
		return check_range(v, known_settings[i].lo, known_settings[i].hi,
		    known_settings[i].unit, why, whysz);
	return known_settings[i].check != NULL ?
	    known_settings[i].check(v, why, whysz) : 0;
}

/*
 * Every setting but the secrets, checked by check_value: a problem for each
 * one present but wrong. Returns -1 when there was any.
 */
static int
check_values(struct config_problems *pr)
{
	char	 why[200];
	char	*v;
	size_t	 i;
	int	 rc = 0;

	for (i = 0; i < KNOWN_SETTINGS; i++) {
		if (known_settings[i].secret ||
		    (v = setting(known_settings[i].name, pr)) == NULL)
			continue;
		if (check_value(i, v, why, sizeof(why)) == -1) {
			problem(pr, "%s: %s", known_settings[i].name, why);
			rc = -1;
		}
		free(v);
	}
	return rc;
}

/*
 * The number setting name holds, in its row's range (known_settings),
 * once check_values passed it; dflt when unset. *set says whether it was.
 */
static long
setting_number(const char *name, long dflt, bool *set,
    struct config_problems *pr)
{
	int	 k = known_setting(name);
	long	 n = dflt;
	char	*v;

	if ((v = setting(name, pr)) != NULL && k != -1 &&
	    parse_long(v, known_settings[k].lo, known_settings[k].hi, &n) == -1)
		n = dflt;
	if (set != NULL)
		*set = v != NULL;
	free(v);
	return n;
}

/*
 * The failed-authentication guard: AUTH_FAILURE_RPS, burst
 * AUTH_FAILURE_BURST (README, "Rate limits"). RATE_LIMIT_RPS=0 turns
 * every limit off (benchmarks and suites that send from one address):
 * this one too, unless AUTH_FAILURE_RPS itself is set.
 */
static void
load_failure_guard(struct config *cfg, struct config_problems *pr)
{
	bool	 set;

	cfg->auth_failure_rps = setting_number("AUTH_FAILURE_RPS", 5, &set, pr);
	if (!set && setting_number("RATE_LIMIT_RPS", -1, NULL, pr) == 0)
		cfg->auth_failure_rps = 0;
	cfg->auth_failure_burst = setting_number("AUTH_FAILURE_BURST", 50,
	    NULL, pr);
}

/* The numbers, once check_values passed them (defaults otherwise). */
static void
load_numbers(struct config *cfg, struct config_problems *pr)
{
	char	*v;

	cfg->token_ttl = setting_number("TOKEN_TTL_SECONDS", 3600, NULL, pr);
	cfg->leeway = setting_number("JWT_LEEWAY_SECONDS", 30, NULL, pr);
	cfg->default_role = ROLE_VIEWER;
	if ((v = setting("DEFAULT_ROLE", pr)) != NULL &&
	    role_parse(v, &cfg->default_role) == -1)
		cfg->default_role = ROLE_VIEWER;
	free(v);
	cfg->allow_anonymous = false;
	if ((v = setting("ALLOW_ANONYMOUS", pr)) != NULL)
		cfg->allow_anonymous = strcmp(v, "1") == 0 ||
		    strcmp(v, "true") == 0;
	free(v);
	load_failure_guard(cfg, pr);
}

static void
load_urls(struct config *cfg, struct config_problems *pr)
{
	size_t	 n;

	cfg->livekit_url = setting("LIVEKIT_URL", pr);
	cfg->supabase_url = setting("SUPABASE_URL", pr);
	if (cfg->supabase_url == NULL ||
	    !has_scheme(cfg->supabase_url, web_schemes))
		return;
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

static int
config_read(struct config *cfg, struct config_problems *pr)
{
	char	 why[256];
	char	*v;
	int	 bad = 0;

	cfg->livekit_api_key = setting("LIVEKIT_API_KEY", pr);
	if (secret_take(&cfg->livekit_api_secret,
	    setting("LIVEKIT_API_SECRET", pr)) == -1 ||
	    secret_take(&cfg->supabase_jwt_secret,
	    setting("SUPABASE_JWT_SECRET", pr)) == -1) {
		problem(pr, "cannot allocate locked memory for secrets");
		return -1;
	}
	if (check_values(pr) == -1)
		bad = 1;
	load_urls(cfg, pr);
	cfg->supabase_anon_key = setting("SUPABASE_ANON_KEY", pr);
	cfg->jwks_file = setting("SUPABASE_JWKS_FILE", pr);
	cfg->policy_file = setting("ROOM_POLICY_FILE", pr);
	cfg->revocation_file = setting("REVOCATION_FILE", pr);
	check_readable("SUPABASE_JWKS_FILE", cfg->jwks_file, pr, &bad);
	check_readable("ROOM_POLICY_FILE", cfg->policy_file, pr, &bad);
	load_numbers(cfg, pr);

	v = setting("CORS_ALLOWED_ORIGINS", pr);
	if (cors_parse(&cfg->cors, v != NULL ? v : "*", why,
	    sizeof(why)) == -1)
		bad = 1;	/* check_values named it */
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

int
config_get_setting(const char *name, char **value, char *err, size_t errsz)
{
	struct config_problems	 pr;
	struct envfile		 ef;
	char			 why[200];
	int			 k, rc;

	*value = NULL;
	if ((k = known_setting(name)) == -1) {
		snprintf(err, errsz, "%.64s: not a setting of livekit-token",
		    name);
		return SETTING_REFUSED;
	}
	if (known_settings[k].secret) {
		snprintf(err, errsz, "%s is a secret: it is never printed",
		    name);
		return SETTING_REFUSED;
	}
	memset(&pr, 0, sizeof(pr));
	if (envfile_load(&ef, &pr) == -1) {
		snprintf(err, errsz, "%s", pr.n > 0 ? pr.msg[0] :
		    "LIVEKIT_TOKEN_ENV_FILE is refused");
		return SETTING_REFUSED;
	}
	envf = &ef;
	setting_refused = false;
	/*
	 * Its own value first, so that its problem is the one said; then
	 * every other one: a file the workers would refuse is no source.
	 */
	if ((*value = setting(name, &pr)) != NULL &&
	    check_value((size_t)k, *value, why, sizeof(why)) == -1)
		problem(&pr, "%s: %s", name, why);
	if (pr.n == 0)
		(void)check_values(&pr);
	envf = NULL;
	if (ef.buf != NULL)
		sodium_free(ef.buf);	/* wipes before unmapping */
	rc = *value != NULL ? SETTING_SET : SETTING_UNSET;
	if (pr.n > 0) {
		snprintf(err, errsz, "%s", pr.msg[0]);
		free(*value);
		*value = NULL;
		rc = SETTING_REFUSED;
	}
	return rc;
}

int
config_load(struct config *cfg, struct config_problems *pr)
{
	struct envfile	 ef;
	int		 rc;

	memset(cfg, 0, sizeof(*cfg));
	memset(pr, 0, sizeof(*pr));
	if (envfile_load(&ef, pr) == -1)
		return -1;
	envf = &ef;
	setting_refused = false;
	rc = config_read(cfg, pr);
	if (setting_refused)
		rc = -1;
	envf = NULL;
	if (ef.buf != NULL)
		sodium_free(ef.buf);	/* wipes before unmapping */
	return rc;
}

void
load_config(struct config *cfg, int quiet_missing)
{
	struct config_problems	 pr;
	size_t			 i;
	int			 rc;

	rc = config_load(cfg, &pr);
	for (i = 0; i < pr.n; i++)
		if (rc == -1 || !quiet_missing)
			log_warnx("configuration: %s", pr.msg[i]);
	if (rc == -1)
		fatalx("configuration refused: fix the settings named above");
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
	free(cfg->revocation_file);
	secret_free(&cfg->livekit_api_secret);
	secret_free(&cfg->supabase_jwt_secret);
	memset(cfg, 0, sizeof(*cfg));
}
