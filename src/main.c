/*
 * livekit-token: start-up (configuration -> keys -> accept loop) and the
 * command-line tools (--check-config, mint-dev-jwt).
 */
#include <getopt.h>
#include <stddef.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <fcgiapp.h>
#include <json-c/json.h>
#include <sodium.h>

#include <sys/socket.h>
#include <sys/un.h>

#include "auth/jwks.h"
#include "config.h"
#include "log.h"
#include "metrics.h"
#include "service.h"
#include "token/jwt_sign.h"

static void
usage(void)
{
	fprintf(stderr,
	    "usage: livekit-token                 FastCGI worker (under spawn-fcgi)\n"
	    "       livekit-token --check-config  validate the configuration\n"
	    "       livekit-token check-jwks FILE validate a JWKS file (scripts/fetch-jwks)\n"
	    "       livekit-token mint-dev-jwt [--sub ID] [--role ROLE] [--email E]\n"
	    "                     [--name NAME] [--ttl SECONDS] [--anonymous] [--anon-key]\n"
	    "                     sign a Supabase-style token with SUPABASE_JWT_SECRET\n");
	exit(2);
}

/* Load the configuration, printing every problem; exit when it is wrong. */
static void
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

static int
check_config(void)
{
	struct config_problems	 pr;
	struct config		 cfg;
	struct service		 svc;
	char			 err[512];
	size_t			 i;
	int			 bad;

	bad = config_load(&cfg, &pr) == -1 || pr.n > 0;
	for (i = 0; i < pr.n; i++)
		fprintf(stderr, "livekit-token: %s\n", pr.msg[i]);
	if (service_init(&svc, &cfg, err, sizeof(err)) == -1) {
		fprintf(stderr, "livekit-token: %s\n", err);
		bad = 1;
	}
	service_free(&svc);
	config_free(&cfg);
	if (bad) {
		fprintf(stderr, "livekit-token: configuration test failed\n");
		return 1;
	}
	fprintf(stderr, "livekit-token: configuration is ok\n");
	return 0;
}

/*
 * Whether FILE is a JWKS the workers would take: the same parser, so a
 * fetched file that they would refuse is never installed.
 */
static int
check_jwks(const char *path)
{
	struct keyset	 ks;
	char		 err[256];
	int		 n;

	memset(&ks, 0, sizeof(ks));
	n = jwks_load(&ks, path, NULL, err, sizeof(err));
	keyset_free(&ks);
	if (n == -1) {
		fprintf(stderr, "livekit-token: %s: %s\n", path, err);
		return 1;
	}
	fprintf(stderr, "livekit-token: %s: %d usable key%s\n", path, n,
	    n == 1 ? "" : "s");
	return 0;
}

static void
random_uuid(char out[37])
{
	unsigned char	 b[16];

	randombytes_buf(b, sizeof(b));
	b[6] = (unsigned char)((b[6] & 0x0f) | 0x40);	/* version 4 */
	b[8] = (unsigned char)((b[8] & 0x3f) | 0x80);	/* RFC 4122 variant */
	snprintf(out, 37, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-"
	    "%02x%02x%02x%02x%02x%02x", b[0], b[1], b[2], b[3], b[4], b[5],
	    b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15]);
}

/*
 * Print a token shaped like Supabase's: a user access token, or with
 * --anon-key the project's anon API key. For development and tests only:
 * it needs the very secret that makes such tokens real.
 */
static int
mint_dev_jwt(int argc, char *argv[])
{
	static const struct option opts[] = {
		{ "sub", required_argument, NULL, 's' },
		{ "role", required_argument, NULL, 'r' },
		{ "email", required_argument, NULL, 'e' },
		{ "name", required_argument, NULL, 'n' },
		{ "ttl", required_argument, NULL, 't' },
		{ "anonymous", no_argument, NULL, 'a' },
		{ "anon-key", no_argument, NULL, 'k' },
		{ NULL, 0, NULL, 0 }
	};
	struct config		 cfg;
	struct hs256_key	 key;
	struct json_object	*c, *app, *meta;
	const char		*sub = NULL, *role = NULL, *email = NULL;
	const char		*name = NULL, *text;
	char			 uuid[37], *tok, *end;
	long			 ttl = 3600, now = (long)time(NULL);
	int			 ch, anonymous = 0, anon_key = 0;

	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (ch) {
		case 's': sub = optarg; break;
		case 'r': role = optarg; break;
		case 'e': email = optarg; break;
		case 'n': name = optarg; break;
		case 'a': anonymous = 1; break;
		case 'k': anon_key = 1; break;
		case 't':
			ttl = strtol(optarg, &end, 10);
			if (*end != '\0' || ttl < -86400 || ttl > 315360000)
				usage();
			break;
		default: usage();
		}
	}
	load_config(&cfg, 1);
	if (cfg.supabase_jwt_secret.bytes == NULL)
		fatalx("mint-dev-jwt: SUPABASE_JWT_SECRET is not set");
	if (hs256_key_init(&key, cfg.supabase_jwt_secret.bytes,
	    cfg.supabase_jwt_secret.len) == -1)
		fatalx("mint-dev-jwt: out of locked memory");

	c = json_object_new_object();
	if (anon_key) {
		/* The legacy anon key: an API key, not a user. */
		json_object_object_add(c, "iss", json_object_new_string("supabase"));
		json_object_object_add(c, "role", json_object_new_string("anon"));
		json_object_object_add(c, "iat", json_object_new_int64(now));
		json_object_object_add(c, "exp",
		    json_object_new_int64(now + 10L * 365 * 86400));
	} else {
		if (sub == NULL) {
			random_uuid(uuid);
			sub = uuid;
		}
		if (cfg.supabase_issuer != NULL)
			json_object_object_add(c, "iss",
			    json_object_new_string(cfg.supabase_issuer));
		json_object_object_add(c, "sub", json_object_new_string(sub));
		json_object_object_add(c, "aud",
		    json_object_new_string("authenticated"));
		json_object_object_add(c, "exp", json_object_new_int64(now + ttl));
		json_object_object_add(c, "iat", json_object_new_int64(now));
		json_object_object_add(c, "email", json_object_new_string(
		    email != NULL ? email : ""));
		json_object_object_add(c, "phone", json_object_new_string(""));
		app = json_object_new_object();
		json_object_object_add(app, "provider",
		    json_object_new_string(anonymous ? "anonymous" : "email"));
		if (role != NULL)
			json_object_object_add(app, "role",
			    json_object_new_string(role));
		json_object_object_add(c, "app_metadata", app);
		meta = json_object_new_object();
		if (name != NULL)
			json_object_object_add(meta, "full_name",
			    json_object_new_string(name));
		json_object_object_add(c, "user_metadata", meta);
		json_object_object_add(c, "role",
		    json_object_new_string("authenticated"));
		json_object_object_add(c, "aal", json_object_new_string("aal1"));
		json_object_object_add(c, "session_id", json_object_new_string(
		    "00000000-0000-4000-8000-000000000000"));
		json_object_object_add(c, "is_anonymous",
		    json_object_new_boolean(anonymous));
	}
	text = json_object_to_json_string_ext(c,
	    JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
	if ((tok = jwt_sign_hs256(&key, text, strlen(text))) == NULL)
		fatalx("mint-dev-jwt: out of memory");
	printf("%s\n", tok);
	free(tok);
	json_object_put(c);
	hs256_key_free(&key);
	config_free(&cfg);
	return 0;
}

/* FastCGI glue: the pipeline in service.c never sees libfcgi. */

static const char *
fcgi_param(void *ctx, const char *name)
{
	return FCGX_GetParam(name, ((FCGX_Request *)ctx)->envp);
}

static long
fcgi_read(void *ctx, char *buf, size_t n)
{
	return FCGX_GetStr(buf, n > 65536 ? 65536 : (int)n,
	    ((FCGX_Request *)ctx)->in);
}

static int
fcgi_put(void *ctx, const char *buf, size_t len)
{
	/* FCGX_PutStr with a length: libfcgi's printf knows no %zu. */
	return FCGX_PutStr(buf, (int)len, ((FCGX_Request *)ctx)->out) ==
	    (int)len ? 0 : -1;
}

static long
micros_since(const struct timespec *t0)
{
	struct timespec	 t1;

	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (t1.tv_sec - t0->tv_sec) * 1000000L +
	    (t1.tv_nsec - t0->tv_nsec) / 1000;
}

/* One log line and the shared counters for an answered request. */
static void
account(const struct request *req, const struct response *resp,
    const struct outcome *out, long micros)
{
	struct metrics_sample	 ms;
	struct reqlog		 log;

	memset(&log, 0, sizeof(log));
	log.request_id = req->request_id;
	log.method = req->method_name;
	log.path = req->path;
	log.status = resp->status;
	log.error = out->err != ERR_OK ? err_info(out->err)->code : NULL;
	log.reason = out->token_reason != JWT_OK ?
	    jwt_err_reason(out->token_reason) : out->note;
	log.room = out->room >= 0 ? room_name((enum room)out->room) : NULL;
	log.role = out->role >= 0 ? role_name((enum role)out->role) : NULL;
	memcpy(log.user, out->user, sizeof(log.user));
	log.micros = micros;
	log_request(&log);

	ms.status = resp->status;
	ms.err = out->err;
	ms.token_reason = out->token_reason;
	ms.room = out->room;
	ms.role = out->role;
	ms.micros = micros;
	metrics_record(&ms);
}

static void
serve(const struct service *svc, FCGX_Request *fr)
{
	static struct request	 req;	/* 8 KiB body: keep it off the stack */
	struct response		 resp;
	struct outcome		 out;
	struct timespec		 t0;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	response_init(&resp);
	request_parse(&req, fcgi_param, fr);
	if (req.method == METHOD_POST && req.route == ROUTE_TOKEN)
		request_read_body(&req, fcgi_read, fr);
	service_handle(svc, &req, (long)time(NULL), &resp, &out);
	if (response_write(&resp, fcgi_put, fr) == -1 && out.note == NULL)
		out.note = "client_gone";
	account(&req, &resp, &out, micros_since(&t0));
	response_free(&resp);
	/* The body may hold the client's secrets: do not keep it around. */
	sodium_memzero(req.body, req.body_len);
}

/*
 * Where the pool's shared counters live: METRICS_FILE, or beside the
 * FastCGI socket all workers of a pool share (spawn-fcgi hands it to us
 * as standard input), so no setting is needed.
 */
static void
open_metrics(void)
{
	struct sockaddr_un	 sun;
	socklen_t		 len = sizeof(sun);
	const char		*env = getenv("METRICS_FILE");
	char			 path[sizeof(sun.sun_path) + 16];

	if (env != NULL && *env != '\0') {
		metrics_open(env);
		return;
	}
	memset(&sun, 0, sizeof(sun));
	if (getsockname(0, (struct sockaddr *)&sun, &len) == 0 &&
	    sun.sun_family == AF_UNIX && sun.sun_path[0] == '/' &&
	    len > offsetof(struct sockaddr_un, sun_path)) {
		snprintf(path, sizeof(path), "%.*s.metrics",
		    (int)(len - offsetof(struct sockaddr_un, sun_path)),
		    sun.sun_path);
		path[strcspn(path, "\0")] = '\0';
		metrics_open(path);
	} else
		metrics_open(NULL);
}

static void
on_stop(int sig)
{
	(void)sig;
	/* libfcgi: finish the current request, then stop accepting. */
	FCGX_ShutdownPending();
}

static int
worker(void)
{
	struct sigaction	 sa;
	struct config		 cfg;
	struct service		 svc;
	FCGX_Request		 fr;
	char			 err[512];

	load_config(&cfg, 0);
	if (cfg.incomplete != NULL)
		log_warnx("%s is not set: /healthz answers 503 and token "
		    "requests get 500 server_misconfigured until it is",
		    cfg.incomplete);
	if (service_init(&svc, &cfg, err, sizeof(err)) == -1)
		fatalx("%s", err);
	if (FCGX_Init() != 0 || FCGX_InitRequest(&fr, 0, 0) != 0)
		fatalx("cannot initialise libfcgi");
	if (FCGX_IsCGI())
		fatalx("standard input is not a FastCGI socket: start the "
		    "workers with spawn-fcgi (see README, \"make run\")");
	open_metrics();

	/* No SA_RESTART: accept() must return so the loop can end. */
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_stop;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGUSR1, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);

	while (FCGX_Accept_r(&fr) >= 0) {
		service_refresh(&svc, (long)time(NULL));
		serve(&svc, &fr);
		FCGX_Finish_r(&fr);
	}
	FCGX_Free(&fr, 1);
	service_free(&svc);
	config_free(&cfg);
	return 0;
}

int
main(int argc, char *argv[])
{
	if (sodium_init() < 0) {
		fprintf(stderr, "livekit-token: cannot initialise libsodium\n");
		return 1;
	}
	if (argc == 2 && strcmp(argv[1], "--check-config") == 0)
		return check_config();
	if (argc == 3 && strcmp(argv[1], "check-jwks") == 0)
		return check_jwks(argv[2]);
	if (argc >= 2 && strcmp(argv[1], "mint-dev-jwt") == 0)
		return mint_dev_jwt(argc - 1, argv + 1);
	if (argc != 1)
		usage();
	return worker();
}
