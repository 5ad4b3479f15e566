/*
 * livekit-token revoke: write one entry of REVOCATION_FILE (for a host
 * without the database feed) and, with --kick, remove the participant
 * from both rooms through LiveKit's RoomService. The list is written
 * first, so the participant's next token request is already refused when
 * LiveKit disconnects them; a token they already hold still lets them
 * back in until it expires (docs/moderation.md, "What --kick does not do").
 */
#include <ctype.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "auth/revocation.h"
#include "cli.h"
#include "config.h"
#include "moderation/revocation_file.h"
#include "moderation/revoke.h"
#include "moderation/room_service.h"
#include "policy/policy.h"

static void
revoke_usage(void)
{
	fprintf(stderr,
	    "usage: livekit-token revoke --user ID [--until TIME] [--kick] [--file PATH]\n"
	    "       livekit-token revoke --session ID [--until TIME] [--kick --identity USER_ID]\n"
	    "       livekit-token revoke --lift (--user ID | --session ID)\n"
	    "  TIME: Unix seconds, YYYY-MM-DDTHH:MM:SSZ, or +N[s|m|h|d]; default: no end\n"
	    "  --kick: also remove the user from every room (LiveKit RoomService)\n"
	    "  --file: the list to write; default REVOCATION_FILE\n");
}

int
revoke_parse_time(const char *s, long now, long *out)
{
	struct tm	 tm;
	const char	*end;
	char		*e;
	long		 v, mul;

	if (*s == '+') {
		v = strtol(s + 1, &e, 10);
		if (e == s + 1 || v < 0 || v > 3650L * 86400)
			return -1;
		switch (*e) {
		case 's': mul = 1; break;
		case 'm': mul = 60; break;
		case 'h': mul = 3600; break;
		case 'd': mul = 86400; break;
		default: return -1;
		}
		if (e[1] != '\0' || v > 3650L * 86400 / mul)
			return -1;
		*out = now + v * mul;
	} else if (strspn(s, "0123456789") == strlen(s) && *s != '\0' &&
	    strlen(s) <= 12) {
		*out = strtol(s, NULL, 10);
	} else {
		memset(&tm, 0, sizeof(tm));
		if ((end = strptime(s, "%Y-%m-%dT%H:%M:%SZ", &tm)) == NULL ||
		    *end != '\0')
			return -1;
		*out = (long)timegm(&tm);
	}
	if (*out <= 0)
		return -1;
	/* Past it the workers would refuse the list, and keep the old one. */
	return *out > REVOCATION_UNTIL_MAX ? -2 : 0;
}

/* Supabase writes UUIDs in lower case: so do we, for a UUID. */
static void
canonical_id(char *id)
{
	size_t	 i, n = strlen(id);

	if (n != 36)
		return;
	for (i = 0; i < n; i++)
		if ((i == 8 || i == 13 || i == 18 || i == 23) ? id[i] != '-' :
		    !isxdigit((unsigned char)id[i]))
			return;
	for (i = 0; i < n; i++)
		id[i] = (char)tolower((unsigned char)id[i]);
}

/* Remove identity from every room; returns 0 unless a call failed. */
static int
kick(const struct config *cfg, const char *identity)
{
	struct room_service	 rs;
	struct hs256_key	 key;
	char			 err[256], msg[512];
	enum kick_result	 r;
	int			 room, failed = 0;

	if (cfg->livekit_url == NULL || cfg->livekit_api_key == NULL ||
	    cfg->livekit_api_secret.bytes == NULL) {
		fprintf(stderr, "livekit-token revoke: --kick needs LIVEKIT_URL, "
		    "LIVEKIT_API_KEY and LIVEKIT_API_SECRET\n");
		return 1;
	}
	if (hs256_key_init(&key, cfg->livekit_api_secret.bytes,
	    cfg->livekit_api_secret.len) == -1) {
		fprintf(stderr, "livekit-token revoke: out of locked memory\n");
		return 1;
	}
	if (room_service_init(&rs, cfg->livekit_url, cfg->livekit_api_key,
	    &key, err, sizeof(err)) == -1) {
		fprintf(stderr, "livekit-token revoke: LIVEKIT_URL %s\n", err);
		hs256_key_free(&key);
		return 1;
	}
	for (room = 0; room < ROOM__MAX; room++) {
		r = room_service_remove_participant(&rs,
		    room_name((enum room)room), identity, msg, sizeof(msg));
		switch (r) {
		case KICK_REMOVED:
			printf("%s: %s %s\n", room_name((enum room)room),
			    identity, msg);
			break;
		case KICK_NOT_FOUND:
			printf("%s: %s was not there (%s)\n",
			    room_name((enum room)room), identity, msg);
			break;
		case KICK_REFUSED:
			fprintf(stderr, "%s: LiveKit refused the API key or "
			    "secret (LIVEKIT_API_KEY, LIVEKIT_API_SECRET): "
			    "%s\n", room_name((enum room)room), msg);
			failed = 1;
			break;
		case KICK_FAILED:
			fprintf(stderr, "%s: could not remove %s: %s\n",
			    room_name((enum room)room), identity, msg);
			failed = 1;
			break;
		}
	}
	hs256_key_free(&key);
	return failed;
}

int
revoke_command(int argc, char *argv[])
{
	static const struct option opts[] = {
		{ "user", required_argument, NULL, 'u' },
		{ "session", required_argument, NULL, 's' },
		{ "until", required_argument, NULL, 't' },
		{ "identity", required_argument, NULL, 'i' },
		{ "file", required_argument, NULL, 'f' },
		{ "kick", no_argument, NULL, 'k' },
		{ "lift", no_argument, NULL, 'l' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct config		 cfg;
	enum revocation_kind	 kind;
	const char		*file = NULL, *until_arg = NULL, *what;
	char			 user[REVOCATION_ID_MAX + 1] = "";
	char			 session[REVOCATION_ID_MAX + 1] = "";
	char			 identity[REVOCATION_ID_MAX + 1] = "";
	char			 err[512], when[64], *id;
	long			 now = (long)time(NULL), until = 0, n;
	int			 ch, do_kick = 0, lift = 0, rc = 0;
	struct tm		 tm;

#define ID_ARG(dst) do {						\
	if (strlen(optarg) >= sizeof(dst) ||				\
	    !revocation_id_valid(optarg, strlen(optarg))) {		\
		fprintf(stderr, "livekit-token revoke: \"%.40s\" is not a "	\
		    "user or session id\n", optarg);			\
		return 2;						\
	}								\
	memcpy(dst, optarg, strlen(optarg) + 1);			\
	canonical_id(dst);						\
} while (0)
	optind = 1;
	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (ch) {
		case 'u': ID_ARG(user); break;
		case 's': ID_ARG(session); break;
		case 'i': ID_ARG(identity); break;
		case 't': until_arg = optarg; break;
		case 'f': file = optarg; break;
		case 'k': do_kick = 1; break;
		case 'l': lift = 1; break;
		default:
			revoke_usage();
			return ch == 'h' ? 0 : 2;
		}
	}
#undef ID_ARG
	if (optind != argc || (*user == '\0') == (*session == '\0') ||
	    (lift && (until_arg != NULL || do_kick)) ||
	    (*identity != '\0' && !do_kick)) {
		revoke_usage();
		return 2;
	}
	if (do_kick && *identity == '\0') {
		if (*user == '\0') {
			fprintf(stderr, "livekit-token revoke: --kick with "
			    "--session needs --identity USER_ID: the "
			    "participant to remove\n");
			return 2;
		}
		memcpy(identity, user, sizeof(identity));
	}
	if (until_arg != NULL &&
	    (n = revoke_parse_time(until_arg, now, &until)) != 0) {
		if (n == -2)
			fprintf(stderr, "livekit-token revoke: --until \"%.40s\" "
			    "is after 9999-12-31T23:59:59Z, the last time the "
			    "list can hold (for no end, leave --until out)\n",
			    until_arg);
		else
			fprintf(stderr, "livekit-token revoke: --until "
			    "\"%.40s\": want Unix seconds, YYYY-MM-DDTHH:MM:SSZ "
			    "or +N[s|m|h|d]\n", until_arg);
		return 2;
	}
	if (until != 0 && until <= now) {
		fprintf(stderr, "livekit-token revoke: --until is in the past "
		    "(to end a revocation, use --lift)\n");
		return 2;
	}
	load_config(&cfg, 1);
	if (file == NULL)
		file = cfg.revocation_file;
	if (file == NULL) {
		fprintf(stderr, "livekit-token revoke: REVOCATION_FILE is not "
		    "set (or give --file PATH)\n");
		config_free(&cfg);
		return 1;
	}
	kind = *user != '\0' ? REVOCATION_USER : REVOCATION_SESSION;
	id = *user != '\0' ? user : session;
	what = revocation_kind_name(kind);
	if ((n = revocation_file_set(file, kind, id, lift ? REVOCATION_LIFT :
	    until, now, err, sizeof(err))) == -1) {
		fprintf(stderr, "livekit-token revoke: %s\n", err);
		config_free(&cfg);
		return 1;
	}
	if (lift)
		snprintf(when, sizeof(when), "lifted");
	else if (until == 0)
		snprintf(when, sizeof(when), "revoked with no end");
	else {
		gmtime_r(&(time_t){ (time_t)until }, &tm);
		strftime(when, sizeof(when), "revoked until %Y-%m-%dT%H:%M:%SZ",
		    &tm);
	}
	printf("%s %s: %s in %s (%ld entr%s); the workers apply it within "
	    "seconds\n", what, id, when, file, n, n == 1 ? "y" : "ies");
	if (do_kick)
		rc = kick(&cfg, identity);
	config_free(&cfg);
	return rc;
}

int
check_revocations(const char *path)
{
	struct revocation_list	*l;
	char			 err[512];
	long			 n;

	if ((n = revocation_load(path, &l, NULL, err, sizeof(err))) == -1) {
		fprintf(stderr, "livekit-token: %s: %s\n", path, err);
		return 1;
	}
	revocation_free(l);
	printf("%s: %ld entr%s\n", path, n, n == 1 ? "y" : "ies");
	return 0;
}
