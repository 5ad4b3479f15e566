/*
 * The revocation list (src/auth/revocation.c): the strict file format,
 * fail-closed refusals, and lookups by user and session with "until".
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "auth/hs256.h"
#include "auth/revocation.h"
#include "check.h"
#include "config.h"
#include "moderation/revocation_file.h"
#include "moderation/revoke.h"
#include "service.h"
#include "token/jwt_sign.h"

#define HDR	REVOCATION_MAGIC "\n"

static struct revocation_list *
parse_ok(const char *text)
{
	struct revocation_list	*l = NULL;
	char			 err[256] = "";

	if (revocation_parse(text, strlen(text), &l, err, sizeof(err)) < 0)
		fprintf(stderr, "unexpected refusal: %s\n", err);
	return l;
}

/* Refused, with a message that contains want (e.g. the line number). */
static int
refused(const char *text, const char *want)
{
	struct revocation_list	*l = NULL;
	char			 err[256] = "";
	long			 n;

	n = revocation_parse(text, strlen(text), &l, err, sizeof(err));
	if (n != -1 || l != NULL) {
		revocation_free(l);
		return 0;
	}
	if (strstr(err, want) == NULL) {
		fprintf(stderr, "message \"%s\" lacks \"%s\"\n", err, want);
		return 0;
	}
	return 1;
}

static void
test_lookup(void)
{
	struct revocation_list	*l;

	l = parse_ok(HDR
	    "# banned until 1000, deleted for good, one signed-out session\n"
	    "\n"
	    "user u-banned 1000\n"
	    "user u-deleted -\n"
	    "session s-out 2000\n"
	    "end 3\n");
	CHECK(l != NULL);
	CHECK(revocation_count(l) == 3);
	CHECK(revocation_check(l, "u-banned", "", 999) == REVOKED_USER);
	/* The ban is lifted at its "until": from that second on, accepted. */
	CHECK(revocation_check(l, "u-banned", "", 1000) == REVOKED_NOT);
	CHECK(revocation_check(l, "u-deleted", NULL, 1L << 40) ==
	    REVOKED_USER);
	CHECK(revocation_check(l, "u-ok", "s-out", 1999) == REVOKED_SESSION);
	CHECK(revocation_check(l, "u-ok", "s-out", 2000) == REVOKED_NOT);
	CHECK(revocation_check(l, "u-ok", "s-other", 0) == REVOKED_NOT);
	/* A user id is not a session id and the other way round. */
	CHECK(revocation_check(l, "s-out", "u-deleted", 0) == REVOKED_NOT);
	/* Exact match only: no prefix, no case folding. */
	CHECK(revocation_check(l, "u-delete", "", 0) == REVOKED_NOT);
	CHECK(revocation_check(l, "U-DELETED", "", 0) == REVOKED_NOT);
	/* User first: both revoked reads as the user. */
	CHECK(revocation_check(l, "u-deleted", "s-out", 0) == REVOKED_USER);
	revocation_free(l);
	CHECK(revocation_check(NULL, "u-deleted", "s-out", 0) == REVOKED_NOT);
}

static void
test_entries(void)
{
	struct revocation_list	*l;
	struct revocation_entry	 e;

	l = parse_ok(HDR "session\tabc\t42\nend 1\n");
	CHECK(l != NULL && revocation_count(l) == 1);
	if (l != NULL) {
		revocation_entry(l, 0, &e);
		CHECK(e.kind == REVOCATION_SESSION);
		CHECK_STR(e.id, "abc");
		CHECK(e.until == 42);
	}
	revocation_free(l);
	l = parse_ok(HDR "end 0\n");
	CHECK(l != NULL && revocation_count(l) == 0);
	CHECK(revocation_check(l, "x", "y", 0) == REVOKED_NOT);
	revocation_free(l);
}

/*
 * Fail closed: a file that is truncated, foreign or ambiguous is refused
 * whole, with the line named, so the reload point keeps the last good
 * list instead of serving part of one.
 */
static void
test_refusals(void)
{
	char	 longid[REVOCATION_ID_MAX + 2], buf[512];

	CHECK(refused("", "empty"));
	CHECK(refused("user a -\nend 1\n", "line 1: the first line"));
	CHECK(refused("livekit-token-revocations 2\nend 0\n", "line 1"));
	CHECK(refused(HDR "user a -\n", "no \"end"));
	CHECK(refused(HDR "user a -\nend 1", "no newline"));
	CHECK(refused(HDR "user a -\nuser b -\nend 1\n", "line 4: \"end 1\""));
	CHECK(refused(HDR "user a -\nend 1\nuser b -\n", "line 4: text after"));
	CHECK(refused(HDR "user a -\nend 01\n", "line 3"));
	CHECK(refused(HDR "group a -\nend 1\n", "line 2: unknown kind"));
	CHECK(refused(HDR "user a\nend 1\n", "line 2: want"));
	CHECK(refused(HDR "user a - x\nend 1\n", "line 2: too many"));
	CHECK(refused(HDR "user  a -\nend 1\n", "line 2: an empty field"));
	CHECK(refused(HDR " user a -\nend 1\n", "line 2: an empty field"));
	CHECK(refused(HDR "user a - \nend 1\n", "line 2"));
	CHECK(refused(HDR "user a -\r\nend 1\n", "line 2: UNTIL"));
	CHECK(refused(HDR "user a 0\nend 1\n", "line 2: UNTIL"));
	CHECK(refused(HDR "user a 01\nend 1\n", "line 2: UNTIL"));
	CHECK(refused(HDR "user a -5\nend 1\n", "line 2: UNTIL"));
	CHECK(refused(HDR "user a 1e9\nend 1\n", "line 2: UNTIL"));
	CHECK(refused(HDR "user a 999999999999\nend 1\n", "line 2: UNTIL"));
	CHECK(refused(HDR "user a#b -\nend 1\n", "line 2: the id"));
	CHECK(refused(HDR "user a\x7f -\nend 1\n", "line 2: the id"));
	CHECK(refused(HDR "user \xc3\xa9 -\nend 1\n", "line 2: the id"));
	memset(longid, 'x', sizeof(longid) - 1);
	longid[sizeof(longid) - 1] = '\0';
	snprintf(buf, sizeof(buf), HDR "user %s -\nend 1\n", longid);
	CHECK(refused(buf, "line 2"));
	longid[REVOCATION_ID_MAX] = '\0';
	snprintf(buf, sizeof(buf), HDR "user %s -\nend 1\n", longid);
	CHECK(refused(buf, "?") == 0);	/* exactly the limit is fine */
	/* Two lines for one user: which "until" holds? Neither: refused. */
	CHECK(refused(HDR "user a 5\nuser a -\nend 2\n", "user a is listed "
	    "twice"));
	/* The same id as a user and as a session is no duplicate. */
	CHECK(refused(HDR "user a 5\nsession a -\nend 2\n", "?") == 0);
	{
		const char	 nul[] = HDR "user a\0b -\nend 1\n";
		struct revocation_list	*l = NULL;
		char		 err[128];

		CHECK(revocation_parse(nul, sizeof(nul) - 1, &l, err,
		    sizeof(err)) == -1 && l == NULL);
		CHECK(strstr(err, "NUL") != NULL);
	}
}

/* Many entries: each one found, none that was not listed. */
static void
test_many(void)
{
	struct revocation_list	*l = NULL;
	char			*text, *p, id[64], err[256];
	size_t			 n = 20000, i, miss = 0, cap = n * 64 + 128;

	text = malloc(cap);
	p = text + sprintf(text, HDR);
	for (i = 0; i < n; i++)
		p += sprintf(p, "%s %08zx-%zu -\n", i % 2 ? "user" : "session",
		    i * 2654435761u, i);
	sprintf(p, "end %zu\n", n);
	CHECK(revocation_parse(text, strlen(text), &l, err, sizeof(err)) ==
	    (long)n);
	for (i = 0; i < n; i++) {
		snprintf(id, sizeof(id), "%08zx-%zu", i * 2654435761u, i);
		if (revocation_check(l, i % 2 ? id : "nobody",
		    i % 2 ? "" : id, 0) != (i % 2 ? REVOKED_USER :
		    REVOKED_SESSION))
			miss++;
		snprintf(id, sizeof(id), "%08zx-%zu", i * 2654435761u, i + n);
		if (revocation_check(l, id, id, 0) != REVOKED_NOT)
			miss++;
	}
	CHECK(miss == 0);
	revocation_free(l);
	free(text);
}

static void
test_load(void)
{
	struct revocation_list	*l = NULL;
	struct stat		 sb;
	char			 path[] = "/tmp/test_revocation.XXXXXX", err[256];
	const char		*text = HDR "user z -\nend 1\n";
	int			 fd;

	CHECK((fd = mkstemp(path)) != -1);
	CHECK(write(fd, text, strlen(text)) == (ssize_t)strlen(text));
	close(fd);
	CHECK(revocation_load(path, &l, &sb, err, sizeof(err)) == 1);
	CHECK(sb.st_ino != 0 && sb.st_size == (off_t)strlen(text));
	CHECK(revocation_check(l, "z", "", 0) == REVOKED_USER);
	revocation_free(l);
	unlink(path);
	CHECK(revocation_load(path, &l, &sb, err, sizeof(err)) == -1);
	CHECK(l == NULL && sb.st_ino == 0 && strstr(err, "cannot open"));
	CHECK(revocation_load("/tmp", &l, &sb, err, sizeof(err)) == -1);
}

/*
 * Through the pipeline (issue 11): a valid token of a revoked user or
 * session gets 401 token_revoked with the reason for the log line, the
 * list is reloaded on change without a restart, and a broken new version
 * keeps the last good list in force.
 */
static unsigned char	 jwt_secret[] =
    "revocation-test-jwt-secret-with-32-characters-at-least";
static unsigned char	 lk_secret[] = "revocation-test-livekit-secret-0123456789";
static char		 lk_key[] = "APIrevocation", lk_url[] = "wss://lk.example";

static void
write_file(const char *path, const char *text)
{
	FILE	*f = fopen(path, "w");

	CHECK(f != NULL);
	if (f == NULL)
		return;
	fputs(text, f);
	fclose(f);
}

/* Ask for a main-show token as sub/session; returns the status. */
static int
ask(struct service *svc, const char *sub, const char *sid, long now,
    struct outcome *out)
{
	struct hs256_key	 k;
	struct keystore_reader	 r = { NULL };
	struct request		 req;
	struct response		 resp;
	char			 payload[512], *tok, auth[1024];
	int			 status;

	CHECK(hs256_key_init(&k, jwt_secret, sizeof(jwt_secret) - 1) == 0);
	snprintf(payload, sizeof(payload), "{\"aud\":\"authenticated\","
	    "\"role\":\"authenticated\",\"sub\":\"%s\",\"session_id\":"
	    "\"%s\",\"exp\":%ld,\"iat\":%ld}", sub, sid, now + 600,
	    now - 10);
	tok = jwt_sign_hs256(&k, payload, strlen(payload));
	snprintf(auth, sizeof(auth), "Bearer %s", tok);
	memset(&req, 0, sizeof(req));
	req.method = METHOD_POST;
	req.method_name = "POST";
	req.route = ROUTE_TOKEN;
	req.path = "/functions/v1/livekit-token";
	req.content_type = "application/json";
	req.authorization = auth;
	strcpy(req.body, "{\"roomType\":\"main_show\"}");
	req.body_len = strlen(req.body);
	req.content_length = (long)req.body_len;
	req.body_state = BODY_READ;
	response_init(&resp);
	service_handle(svc, keystore_read(svc->store, &r), &req, now, &resp,
	    out);
	status = resp.status;
	if (status == 401)
		CHECK(resp.body != NULL &&
		    strstr(resp.body, "\"error\":\"token_revoked\"") != NULL);
	response_free(&resp);
	keystore_reader_done(&r);
	free(tok);
	hs256_key_free(&k);
	return status;
}

static void
test_service(void)
{
	struct config	 cfg;
	struct service	 svc;
	struct outcome	 out;
	char		 path[] = "/tmp/test_revocation_svc.XXXXXX", err[256];
	long		 now = 1767225600;
	int		 fd;

	CHECK((fd = mkstemp(path)) != -1);
	close(fd);
	write_file(path, HDR "user u-banned -\nsession s-out -\nend 2\n");
	memset(&cfg, 0, sizeof(cfg));
	cfg.livekit_api_key = lk_key;
	cfg.livekit_api_secret.bytes = lk_secret;
	cfg.livekit_api_secret.len = sizeof(lk_secret) - 1;
	cfg.livekit_url = lk_url;
	cfg.supabase_jwt_secret.bytes = jwt_secret;
	cfg.supabase_jwt_secret.len = sizeof(jwt_secret) - 1;
	cfg.token_ttl = 600;
	cfg.leeway = 30;
	cfg.revocation_file = path;
	CHECK(service_init(&svc, &cfg, err, sizeof(err)) == 0);

	CHECK(ask(&svc, "u-banned", "s-1", now, &out) == 401);
	CHECK(out.err == ERR_TOKEN_REVOKED);
	CHECK(out.token_reason == JWT_ERR_REVOKED_USER);
	CHECK_STR(jwt_err_reason(out.token_reason), "user_revoked");
	CHECK(ask(&svc, "u-ok", "s-out", now, &out) == 401);
	CHECK(out.token_reason == JWT_ERR_REVOKED_SESSION);
	CHECK_STR(jwt_err_reason(out.token_reason), "session_revoked");
	CHECK(ask(&svc, "u-ok", "s-1", now, &out) == 200);

	/* Lifted in the file: the next second's look picks it up. */
	write_file(path, HDR "session s-out -\nend 1\n");
	CHECK(keystore_refresh(svc.store, now + 1) == 1);
	CHECK(ask(&svc, "u-banned", "s-1", now + 1, &out) == 200);
	CHECK(ask(&svc, "u-ok", "s-out", now + 1, &out) == 401);

	/* A broken version (no "end" line) keeps the list in force. */
	write_file(path, HDR "user u-ok -\n");
	CHECK(keystore_refresh(svc.store, now + 2) == 0);
	CHECK(ask(&svc, "u-ok", "s-out", now + 2, &out) == 401);
	CHECK(ask(&svc, "u-ok", "s-1", now + 2, &out) == 200);

	/* So does a file that is gone (missing is only fine at start-up). */
	unlink(path);
	CHECK(keystore_refresh(svc.store, now + 3) == 0);
	CHECK(keystore_refresh(svc.store, now + 4) == 0);
	CHECK(ask(&svc, "u-ok", "s-out", now + 4, &out) == 401);
	service_free(&svc);
	unlink(path);
}

/*
 * Regression: a reload that found REVOCATION_FILE gone took the start-up
 * rule (missing: an empty list) when the file vanished between the
 * reload's stat and the load's own, and published a snapshot with no list
 * at all: every revoked user let in again. Only start-up takes that rule;
 * a reload that meets a missing file keeps the list in force.
 */
static void
test_missing_on_reload(void)
{
	struct revocation_list	*l = (struct revocation_list *)&l;
	struct stat		 sb;
	char			 path[] = "/tmp/test_revocation_miss.XXXXXX";
	char			 err[256] = "";
	int			 fd;

	CHECK((fd = mkstemp(path)) != -1);
	close(fd);
	unlink(path);
	/* At start-up: no list yet, not an error. */
	CHECK(keystore_load_revocations(path, true, &l, &sb, err,
	    sizeof(err)) == 0);
	CHECK(l == NULL && sb.st_ino == 0);
	/* On a reload: a version that cannot be used, so nothing is put in. */
	l = (struct revocation_list *)&l;
	CHECK(keystore_load_revocations(path, false, &l, &sb, err,
	    sizeof(err)) == -1);
	CHECK(l == NULL && sb.st_ino == 0 && err[0] != '\0');
	/* Either way a file that is there is read; unset is no list. */
	write_file(path, HDR "user z -\nend 1\n");
	CHECK(keystore_load_revocations(path, false, &l, &sb, err,
	    sizeof(err)) == 0);
	CHECK(l != NULL && sb.st_ino != 0 &&
	    revocation_check(l, "z", "", 0) == REVOKED_USER);
	revocation_free(l);
	CHECK(keystore_load_revocations(NULL, false, &l, &sb, err,
	    sizeof(err)) == 0 && l == NULL);
	unlink(path);
}

/* --until: Unix seconds, UTC ISO 8601 with Z, or +N with a unit. */
static void
test_parse_time(void)
{
	struct revocation_list	*l;
	long			 t = 0;

	CHECK(revoke_parse_time("1767225600", 0, &t) == 0 && t == 1767225600);
	CHECK(revoke_parse_time("2026-01-01T00:00:00Z", 0, &t) == 0 &&
	    t == 1767225600);
	CHECK(revoke_parse_time("+90s", 1000, &t) == 0 && t == 1090);
	CHECK(revoke_parse_time("+2h", 1000, &t) == 0 && t == 8200);
	CHECK(revoke_parse_time("+7d", 0, &t) == 0 && t == 7 * 86400);
	CHECK(revoke_parse_time("+30m", 0, &t) == 0 && t == 1800);
	CHECK(revoke_parse_time("", 0, &t) == -1);
	CHECK(revoke_parse_time("0", 0, &t) == -1);
	CHECK(revoke_parse_time("+2", 0, &t) == -1);
	CHECK(revoke_parse_time("+2hh", 0, &t) == -1);
	CHECK(revoke_parse_time("+-2h", 0, &t) == -1);
	CHECK(revoke_parse_time("+99999d", 0, &t) == -1);
	CHECK(revoke_parse_time("2026-01-01T00:00:00", 0, &t) == -1);
	CHECK(revoke_parse_time("2026-01-01T00:00:00+01:00", 0, &t) == -1);
	CHECK(revoke_parse_time("tomorrow", 0, &t) == -1);
	CHECK(revoke_parse_time("9999999999999", 0, &t) == -1);
	/*
	 * Nothing past what the file takes (auth/revocation.c refuses UNTIL
	 * above 9999-12-31T23:59:59Z): a time the workers would refuse must
	 * be refused here, in every form, or the list is broken for good.
	 */
	CHECK(revoke_parse_time("253402300799", 0, &t) == 0 &&
	    t == 253402300799L);
	CHECK(revoke_parse_time("253402300800", 0, &t) == -2);
	CHECK(revoke_parse_time("999999999999", 0, &t) == -2);
	CHECK(revoke_parse_time("9999-12-31T23:59:59Z", 0, &t) == 0 &&
	    t == 253402300799L);
	CHECK(revoke_parse_time("10000-01-01T00:00:00Z", 0, &t) == -1);
	/* The bound both the writer and the parser use: either side of it. */
	CHECK(REVOCATION_UNTIL_MAX == 253402300799L);
	l = parse_ok(HDR "user a 253402300799\nend 1\n");
	CHECK(l != NULL);
	revocation_free(l);
	CHECK(refused(HDR "user a 253402300800\nend 1\n", "line 2"));
	CHECK(revoke_parse_time("+1s", 253402300798L, &t) == 0 &&
	    t == 253402300799L);
	CHECK(revoke_parse_time("+1s", 253402300799L, &t) == -2);
	CHECK(revoke_parse_time("+3650d", 253402300799L - 86400, &t) == -2);
}

/* The local list: set, replace, lift, drop ended entries, refuse junk. */
static void
test_file_set(void)
{
	struct revocation_list	*l = NULL;
	char			 dir[] = "/tmp/test_revocation_file.XXXXXX";
	char			 path[256], lock[300], err[256];

	CHECK(mkdtemp(dir) != NULL);
	snprintf(path, sizeof(path), "%s/list", dir);
	snprintf(lock, sizeof(lock), "%s.lock", path);
	CHECK(revocation_file_set(path, REVOCATION_USER, "a", 0, 100, err,
	    sizeof(err)) == 1);
	CHECK(revocation_file_set(path, REVOCATION_SESSION, "s", 150, 100, err,
	    sizeof(err)) == 2);
	CHECK(revocation_file_set(path, REVOCATION_USER, "a", 500, 100, err,
	    sizeof(err)) == 2);
	CHECK(revocation_load(path, &l, NULL, err, sizeof(err)) == 2);
	CHECK(revocation_check(l, "a", "", 499) == REVOKED_USER);
	CHECK(revocation_check(l, "a", "", 500) == REVOKED_NOT);
	revocation_free(l);
	/* At 200 the session's entry has ended: it is dropped. */
	CHECK(revocation_file_set(path, REVOCATION_USER, "b", 0, 200, err,
	    sizeof(err)) == 2);
	CHECK(revocation_file_set(path, REVOCATION_USER, "a", REVOCATION_LIFT,
	    200, err, sizeof(err)) == 1);
	CHECK(revocation_load(path, &l, NULL, err, sizeof(err)) == 1);
	CHECK(revocation_check(l, "b", "", 0) == REVOKED_USER);
	CHECK(revocation_check(l, "a", "", 0) == REVOKED_NOT);
	revocation_free(l);
	/* A time the file format refuses is not written: the list stays. */
	CHECK(revocation_file_set(path, REVOCATION_USER, "c", 253402300800L,
	    200, err, sizeof(err)) == -1);
	CHECK(strstr(err, "9999-12-31T23:59:59Z") != NULL);
	CHECK(revocation_load(path, &l, NULL, err, sizeof(err)) == 1);
	CHECK(revocation_check(l, "c", "", 0) == REVOKED_NOT);
	revocation_free(l);
	CHECK(revocation_file_set(path, REVOCATION_USER, "c", 253402300799L,
	    200, err, sizeof(err)) == 2);
	/* A list that does not parse is left alone, not overwritten. */
	write_file(path, "not a list\n");
	CHECK(revocation_file_set(path, REVOCATION_USER, "c", 0, 200, err,
	    sizeof(err)) == -1);
	CHECK(strstr(err, "left as it is") != NULL);
	CHECK(revocation_load(path, &l, NULL, err, sizeof(err)) == -1);
	unlink(path);
	unlink(lock);
	rmdir(dir);
}

int
main(void)
{
	if (sodium_init() < 0)
		return 1;
	test_lookup();
	test_entries();
	test_refusals();
	test_many();
	test_load();
	test_service();
	test_missing_on_reload();
	test_parse_time();
	test_file_set();
	return CHECK_DONE();
}
