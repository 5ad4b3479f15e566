/*
 * The command-line tools beside the worker: --check-config (like nginx
 * -t), check-jwks (what scripts/fetch-jwks installs), mint-dev-jwt.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <json-c/json.h>
#include <sodium.h>

#include "auth/jwks.h"
#include "cli.h"
#include "log.h"
#include "service.h"
#include "token/jwt_sign.h"
#include "uuid.h"

void
usage(void)
{
	fprintf(stderr,
	    "usage: livekit-token                 FastCGI worker (under spawn-fcgi)\n"
	    "       livekit-token --check-config  validate the configuration\n"
	    "       livekit-token check-jwks FILE validate a JWKS file (scripts/fetch-jwks):\n"
	    "                     exits 0 (usable keys), 3 (an empty set) or 1 (refused)\n"
	    "       livekit-token get-setting NAME print one setting as the workers read it\n"
	    "       livekit-token mint-dev-jwt [--sub ID] [--role ROLE] [--email E]\n"
	    "                     [--name NAME] [--ttl SECONDS] [--anonymous] [--anon-key]\n"
	    "                     sign a Supabase-style token with SUPABASE_JWT_SECRET\n");
	exit(2);
}

/*
 * Whether the keys the workers would load can verify any user token: a
 * JWKS file with no usable key and no HS256 secret would refuse every
 * request, so --check-config says so before a worker runs. The keystore
 * decides, as it does for /healthz.
 */
static int
keys_can_verify(const struct service *svc, char *err, size_t errsz)
{
	struct keystore_reader	 r = { NULL };
	const char		*why;

	why = snapshot_unusable(keystore_read(svc->store, &r));
	if (why != NULL)
		snprintf(err, errsz, "%s", why);
	keystore_reader_done(&r);
	return why == NULL;
}

int
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
	if (service_init(&svc, &cfg, err, sizeof(err)) == -1 ||
	    (cfg.jwks_file != NULL && !keys_can_verify(&svc, err,
	    sizeof(err)))) {
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

int
get_setting(const char *name)
{
	char	 err[300];
	char	*v;
	int	 rc;

	rc = config_get_setting(name, &v, err, sizeof(err));
	if (rc == SETTING_REFUSED)
		fprintf(stderr, "livekit-token: get-setting: %s\n", err);
	if (rc == SETTING_SET) {
		printf("%s\n", v);
		free(v);
		if (fflush(stdout) == EOF || ferror(stdout)) {
			fprintf(stderr, "livekit-token: get-setting: cannot "
			    "write the value\n");
			return SETTING_REFUSED;
		}
	}
	return rc;
}

/*
 * Whether FILE is a JWKS the workers would take: the same parser, so a
 * fetched file that they would refuse is never installed. A set whose
 * every key is skipped parses, but Supabase serves keys only once the
 * project signs with them: installing it would leave nothing to verify
 * those tokens, so it is refused. An empty set is told apart (its own
 * exit status): legitimate for a project on the legacy secret alone, so
 * the fetcher decides from what is installed.
 */
int
check_jwks(const char *path)
{
	struct jwks_report	 rep;
	struct keyset		 ks;
	char			 err[256];
	size_t			 i;
	int			 n;

	memset(&ks, 0, sizeof(ks));
	memset(&rep, 0, sizeof(rep));
	n = jwks_load(&ks, path, &rep, err, sizeof(err));
	keyset_free(&ks);
	if (n == -1) {
		fprintf(stderr, "livekit-token: %s: %s\n", path, err);
		return 1;
	}
	/* The parser logs nothing: say here which keys the workers skip. */
	for (i = 0; i < rep.nskipped; i++)
		fprintf(stderr, "livekit-token: %s: key %zu%s%s skipped: %s\n",
		    path, rep.skipped[i].index,
		    rep.skipped[i].kid[0] != '\0' ? " kid " : "",
		    rep.skipped[i].kid, rep.skipped[i].why);
	fprintf(stderr, "livekit-token: %s: %d usable key%s\n", path, n,
	    n == 1 ? "" : "s");
	if (n == 0 && rep.nskipped > 0)
		return 1;
	return n == 0 ? CHECK_JWKS_EMPTY : 0;
}

/*
 * Print a token shaped like Supabase's: a user access token, or with
 * --anon-key the project's anon API key. For development and tests only:
 * it needs the very secret that makes such tokens real.
 */
int
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
	char			 uuid[UUID_TEXT_SIZE], *tok, *end;
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
			uuid_v4(uuid);
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

