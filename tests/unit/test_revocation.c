/*
 * The revocation list (src/auth/revocation.c): the strict file format,
 * fail-closed refusals, and lookups by user and session with "until".
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "auth/revocation.h"
#include "check.h"

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
	return CHECK_DONE();
}
