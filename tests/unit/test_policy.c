/*
 * policy: the SPEC's "Roles and room policy" table, cell by cell, and the
 * ROOM_POLICY_FILE format ("ROLE ROOM_TYPE deny" or "ROLE ROOM_TYPE join
 * [grant ...]", '#' comments).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "policy/policy.h"

#define AV	(SOURCE_CAMERA | SOURCE_MICROPHONE)

static int
grants_eq(const struct grants *g, const struct grants *want)
{
	return g->join == want->join && g->publish == want->publish &&
	    g->sources == want->sources && g->subscribe == want->subscribe &&
	    g->publish_data == want->publish_data &&
	    g->update_own_metadata == want->update_own_metadata &&
	    g->room_admin == want->room_admin;
}

static int
policy_eq(const struct policy *a, const struct policy *b)
{
	int	 r, m;

	for (r = 0; r < ROLE__MAX; r++)
		for (m = 0; m < ROOM__MAX; m++)
			if (!grants_eq(&a->grants[r][m], &b->grants[r][m]))
				return 0;
	return 1;
}

/* The SPEC's table, written out again independently of policy.c. */
static void
test_default_table(void)
{
	static const struct {
		enum role	 role;
		enum room	 room;
		struct grants	 g;
	} spec[] = {
		/* judge: publish camera+microphone, update own attributes */
		{ ROLE_JUDGE, ROOM_AUDITION, { .join = true, .publish = true,
		    .sources = AV, .subscribe = true, .publish_data = true,
		    .update_own_metadata = true } },
		/* judge, main show: publish (any source) */
		{ ROLE_JUDGE, ROOM_MAIN_SHOW, { .join = true, .publish = true,
		    .subscribe = true, .publish_data = true,
		    .update_own_metadata = true } },
		{ ROLE_CONTESTANT, ROOM_AUDITION, { .join = true,
		    .publish = true, .sources = AV, .subscribe = true,
		    .publish_data = true } },
		/* contestant, main show: no publish */
		{ ROLE_CONTESTANT, ROOM_MAIN_SHOW, { .join = true,
		    .subscribe = true, .publish_data = true } },
		/* performer: as contestant in audition */
		{ ROLE_PERFORMER, ROOM_AUDITION, { .join = true,
		    .publish = true, .sources = AV, .subscribe = true,
		    .publish_data = true } },
		{ ROLE_PERFORMER, ROOM_MAIN_SHOW, { .join = true,
		    .publish = true, .sources = AV, .subscribe = true,
		    .publish_data = true } },
		/* host: everything plus roomAdmin */
		{ ROLE_HOST, ROOM_AUDITION, { .join = true, .publish = true,
		    .subscribe = true, .publish_data = true,
		    .update_own_metadata = true, .room_admin = true } },
		{ ROLE_HOST, ROOM_MAIN_SHOW, { .join = true, .publish = true,
		    .subscribe = true, .publish_data = true,
		    .update_own_metadata = true, .room_admin = true } },
		/* viewer: refused in audition (403) */
		{ ROLE_VIEWER, ROOM_AUDITION, { .join = false } },
		/* viewer, main show: join, subscribe, data (chat) */
		{ ROLE_VIEWER, ROOM_MAIN_SHOW, { .join = true,
		    .subscribe = true, .publish_data = true } },
	};
	struct policy		 p;
	const struct grants	*g;
	size_t			 i;
	int			 cells = 0;

	memset(&p, 0xa5, sizeof(p));
	policy_default(&p);
	for (i = 0; i < sizeof(spec) / sizeof(spec[0]); i++) {
		g = policy_grants_for(&p, spec[i].role, spec[i].room);
		if (!grants_eq(g, &spec[i].g))
			fprintf(stderr, "%s in %s differs from the SPEC\n",
			    role_name(spec[i].role), room_name(spec[i].room));
		CHECK(grants_eq(g, &spec[i].g));
		cells++;
	}
	CHECK(cells == ROLE__MAX * ROOM__MAX);

	/* The points the SPEC calls out, asserted one by one. */
	CHECK(!policy_grants_for(&p, ROLE_VIEWER, ROOM_AUDITION)->join);
	CHECK(!policy_grants_for(&p, ROLE_VIEWER, ROOM_MAIN_SHOW)->publish);
	CHECK(!policy_grants_for(&p, ROLE_CONTESTANT, ROOM_MAIN_SHOW)->publish);
	CHECK(policy_grants_for(&p, ROLE_JUDGE, ROOM_AUDITION)
	    ->update_own_metadata);
	CHECK(policy_grants_for(&p, ROLE_JUDGE, ROOM_MAIN_SHOW)
	    ->update_own_metadata);
	CHECK(!policy_grants_for(&p, ROLE_CONTESTANT, ROOM_AUDITION)
	    ->update_own_metadata);
	CHECK(!policy_grants_for(&p, ROLE_PERFORMER, ROOM_MAIN_SHOW)
	    ->update_own_metadata);
	CHECK(!policy_grants_for(&p, ROLE_VIEWER, ROOM_MAIN_SHOW)
	    ->update_own_metadata);
	CHECK(policy_grants_for(&p, ROLE_HOST, ROOM_AUDITION)->room_admin);
	CHECK(policy_grants_for(&p, ROLE_HOST, ROOM_MAIN_SHOW)->room_admin);
	CHECK(!policy_grants_for(&p, ROLE_JUDGE, ROOM_MAIN_SHOW)->room_admin);
	CHECK(!policy_grants_for(&p, ROLE_PERFORMER, ROOM_AUDITION)->room_admin);
	/* Out-of-range indices are refusals, not reads past the table. */
	CHECK(!policy_grants_for(&p, ROLE__MAX, ROOM_MAIN_SHOW)->join);
	CHECK(!policy_grants_for(&p, (enum role)-1, ROOM_MAIN_SHOW)->join);
	CHECK(!policy_grants_for(&p, ROLE_HOST, ROOM__MAX)->join);
}

static void
test_names(void)
{
	enum role	 r = ROLE__MAX;
	enum room	 m = ROOM__MAX;

	CHECK(role_parse("judge", &r) == 0 && r == ROLE_JUDGE);
	CHECK(role_parse("contestant", &r) == 0 && r == ROLE_CONTESTANT);
	CHECK(role_parse("performer", &r) == 0 && r == ROLE_PERFORMER);
	CHECK(role_parse("host", &r) == 0 && r == ROLE_HOST);
	CHECK(role_parse("viewer", &r) == 0 && r == ROLE_VIEWER);
	r = ROLE_JUDGE;
	CHECK(role_parse("Judge", &r) == -1 && r == ROLE_JUDGE);
	CHECK(role_parse("admin", &r) == -1);
	CHECK(role_parse("", &r) == -1);
	CHECK(role_parse("host ", &r) == -1);
	CHECK(role_parse("authenticated", &r) == -1);
	CHECK_STR(role_name(ROLE_JUDGE), "judge");
	CHECK_STR(role_name(ROLE_HOST), "host");
	CHECK_STR(role_name(ROLE__MAX), "viewer");

	/* SPEC "Request": "audition" -> audition-room, "main_show" -> main-show */
	CHECK(room_type_parse("audition", &m) == 0 && m == ROOM_AUDITION);
	CHECK(room_type_parse("main_show", &m) == 0 && m == ROOM_MAIN_SHOW);
	m = ROOM_AUDITION;
	CHECK(room_type_parse("main-show", &m) == -1 && m == ROOM_AUDITION);
	CHECK(room_type_parse("audition-room", &m) == -1);
	CHECK(room_type_parse("Audition", &m) == -1);
	CHECK(room_type_parse("", &m) == -1);
	CHECK_STR(room_name(ROOM_AUDITION), "audition-room");
	CHECK_STR(room_name(ROOM_MAIN_SHOW), "main-show");
	CHECK_STR(room_type_name(ROOM_AUDITION), "audition");
	CHECK_STR(room_type_name(ROOM_MAIN_SHOW), "main_show");
	CHECK_STR(room_name(ROOM__MAX), "");

	/* LiveKit's TrackSource names (livekit-server-sdk grants.ts). */
	CHECK_STR(source_name(SOURCE_CAMERA), "camera");
	CHECK_STR(source_name(SOURCE_MICROPHONE), "microphone");
	CHECK_STR(source_name(SOURCE_SCREEN_SHARE), "screen_share");
	CHECK_STR(source_name(SOURCE_SCREEN_SHARE_AUDIO), "screen_share_audio");
	CHECK(source_name(0) == NULL);
	CHECK(source_name(AV) == NULL);
}

/* The built-in table, spelled in the file format. */
static const char builtin_text[] =
    "# The SPEC's table as a policy file\n"
    "\n"
    "judge      audition   join publish=camera,microphone subscribe data "
    "update_metadata\n"
    "judge      main_show  join publish subscribe data update_metadata\n"
    "contestant audition   join publish=camera,microphone subscribe data\n"
    "contestant main_show  join subscribe data   # no publish\n"
    "performer  audition   join publish=camera,microphone subscribe data\n"
    "performer  main_show  join publish=camera,microphone subscribe data\n"
    "\thost\taudition\tjoin publish subscribe data update_metadata admin\r\n"
    "host       main_show  join publish subscribe data update_metadata "
    "admin\n"
    "viewer     audition   deny\n"
    "viewer     main_show  join subscribe data";	/* no final newline */

/* Parse text; returns policy_parse's result, leaving the message in err. */
static int
parse(struct policy *p, const char *text, char *err, size_t errsz)
{
	err[0] = '\0';
	return policy_parse(p, text, strlen(text), err, errsz);
}

static void
test_parse_valid(void)
{
	struct policy	 p, want;
	char		 err[256];

	policy_default(&want);
	memset(&p, 0, sizeof(p));
	CHECK(parse(&p, builtin_text, err, sizeof(err)) == 0);
	CHECK(policy_eq(&p, &want));

	/* Pairs a file leaves out are refused (deny by default). */
	CHECK(parse(&p, "host main_show join subscribe\n", err,
	    sizeof(err)) == 0);
	CHECK(policy_grants_for(&p, ROLE_HOST, ROOM_MAIN_SHOW)->join);
	CHECK(policy_grants_for(&p, ROLE_HOST, ROOM_MAIN_SHOW)->subscribe);
	CHECK(!policy_grants_for(&p, ROLE_HOST, ROOM_MAIN_SHOW)->publish);
	CHECK(!policy_grants_for(&p, ROLE_HOST, ROOM_AUDITION)->join);
	CHECK(!policy_grants_for(&p, ROLE_JUDGE, ROOM_AUDITION)->join);

	/* Only comments and blank lines: everything refused. */
	CHECK(parse(&p, "# nothing\n\n   \n\t# still nothing\n", err,
	    sizeof(err)) == 0);
	CHECK(!policy_grants_for(&p, ROLE_HOST, ROOM_MAIN_SHOW)->join);
	CHECK(parse(&p, "", err, sizeof(err)) == 0);

	/* Every source name, and a source list only with publish=. */
	CHECK(parse(&p, "judge main_show join publish=screen_share,"
	    "screen_share_audio\n", err, sizeof(err)) == 0);
	CHECK(policy_grants_for(&p, ROLE_JUDGE, ROOM_MAIN_SHOW)->publish);
	CHECK(policy_grants_for(&p, ROLE_JUDGE, ROOM_MAIN_SHOW)->sources ==
	    (SOURCE_SCREEN_SHARE | SOURCE_SCREEN_SHARE_AUDIO));
}

/* err starts with "line N: " and contains what. */
static int
names(const char *err, int line, const char *what)
{
	char	 want[32];

	snprintf(want, sizeof(want), "line %d: ", line);
	return strncmp(err, want, strlen(want)) == 0 &&
	    strstr(err, what) != NULL;
}

static void
test_parse_errors(void)
{
	struct policy	 p, before;
	char		 err[256];

	policy_default(&p);
	before = p;

	/* The SPEC: "a bad policy file stops start-up with a message naming
	 * the line". */
	CHECK(parse(&p, "# comment\n\njudge audition join fly\n", err,
	    sizeof(err)) == -1);
	CHECK(names(err, 3, "unknown grant \"fly\""));
	/* The table is untouched on failure (header: "*p is untouched"). */
	CHECK(policy_eq(&p, &before));

	CHECK(parse(&p, "judge audition join\nwizard audition join\n", err,
	    sizeof(err)) == -1);
	CHECK(names(err, 2, "unknown role \"wizard\""));
	CHECK(parse(&p, "judge backstage join\n", err, sizeof(err)) == -1);
	CHECK(names(err, 1, "unknown room type \"backstage\""));
	/* The LiveKit room name is not the room type. */
	CHECK(parse(&p, "judge audition-room join\n", err, sizeof(err)) == -1);
	CHECK(names(err, 1, "unknown room type"));

	CHECK(parse(&p, "judge audition join\n\njudge audition join data\n",
	    err, sizeof(err)) == -1);
	CHECK(names(err, 3, "given twice"));
	CHECK(parse(&p, "viewer audition deny\nviewer audition deny\n", err,
	    sizeof(err)) == -1);
	CHECK(names(err, 2, "given twice"));

	CHECK(parse(&p, "viewer audition deny join\n", err, sizeof(err)) == -1);
	CHECK(names(err, 1, "deny cannot be combined"));
	CHECK(parse(&p, "viewer audition join deny\n", err, sizeof(err)) == -1);
	CHECK(names(err, 1, "deny cannot be combined"));
	CHECK(parse(&p, "viewer audition deny subscribe\n", err,
	    sizeof(err)) == -1);
	CHECK(names(err, 1, "deny cannot be combined"));

	CHECK(parse(&p, "viewer main_show subscribe data\n", err,
	    sizeof(err)) == -1);
	CHECK(names(err, 1, "without join"));
	CHECK(parse(&p, "viewer main_show\n", err, sizeof(err)) == -1);
	CHECK(names(err, 1, "no grants"));
	CHECK(parse(&p, "viewer main_show # join\n", err, sizeof(err)) == -1);
	CHECK(names(err, 1, "no grants"));
	CHECK(parse(&p, "viewer\n", err, sizeof(err)) == -1);
	CHECK(names(err, 1, "expected"));

	CHECK(parse(&p, "judge audition join publish=camera,hologram\n", err,
	    sizeof(err)) == -1);
	CHECK(names(err, 1, "unknown grant"));
	CHECK(parse(&p, "judge audition join publish=\n", err,
	    sizeof(err)) == -1);
	CHECK(names(err, 1, "unknown grant"));
	/* A grant given twice on one line: which list would win is a guess. */
	CHECK(parse(&p, "judge audition join publish=camera "
	    "publish=microphone\n", err, sizeof(err)) == -1);
	CHECK(names(err, 1, "\"publish=microphone\" is given twice"));
	CHECK(parse(&p, "judge audition join publish publish=camera\n", err,
	    sizeof(err)) == -1);
	CHECK(names(err, 1, "given twice"));
	CHECK(parse(&p, "judge audition join data join\n", err,
	    sizeof(err)) == -1);
	CHECK(names(err, 1, "\"join\" is given twice"));
	CHECK(policy_eq(&p, &before));
	CHECK(parse(&p, "judge audition join Publish\n", err,
	    sizeof(err)) == -1);
	CHECK(names(err, 1, "unknown grant"));
	CHECK(parse(&p, "Judge audition join\n", err, sizeof(err)) == -1);
	CHECK(names(err, 1, "unknown role"));

	/* A NUL byte and an over-long line are named by line too. */
	CHECK(policy_parse(&p, "judge audition join\nhost\0 x\n", 26, err,
	    sizeof(err)) == -1);
	CHECK(names(err, 2, "NUL"));
	{
		char	 longline[700];

		memset(longline, ' ', sizeof(longline));
		memcpy(longline, "judge audition join", 19);
		longline[sizeof(longline) - 1] = '\0';
		CHECK(parse(&p, longline, err, sizeof(err)) == -1);
		CHECK(names(err, 1, "longer than"));
	}
	CHECK(policy_eq(&p, &before));

	/* A small err buffer is truncated, never overflowed (ASan). */
	CHECK(parse(&p, "judge audition join fly\n", err, 8) == -1);
	CHECK(strlen(err) == 7);
}

static void
test_load(void)
{
	struct policy	 p, want, before;
	char		 err[256], path[] = "/tmp/test_policy.XXXXXX";
	FILE		*f;
	int		 fd;

	policy_default(&p);
	before = p;
	err[0] = '\0';
	CHECK(policy_load(&p, "/nonexistent/policy.conf", err,
	    sizeof(err)) == -1);
	CHECK(strstr(err, "cannot open") != NULL);
	CHECK(policy_eq(&p, &before));
	/* A directory is not a policy file. */
	CHECK(policy_load(&p, "/tmp", err, sizeof(err)) == -1);
	CHECK(policy_eq(&p, &before));

	if ((fd = mkstemp(path)) == -1 || (f = fdopen(fd, "w")) == NULL) {
		CHECK(0);
		return;
	}
	fputs("viewer main_show join subscribe\n", f);
	fclose(f);
	CHECK(policy_load(&p, path, err, sizeof(err)) == 0);
	memset(&want, 0, sizeof(want));
	want.grants[ROLE_VIEWER][ROOM_MAIN_SHOW].join = true;
	want.grants[ROLE_VIEWER][ROOM_MAIN_SHOW].subscribe = true;
	CHECK(policy_eq(&p, &want));

	if ((f = fopen(path, "w")) != NULL) {
		fputs("viewer main_show join\nviewer audition join fly\n", f);
		fclose(f);
	}
	CHECK(policy_load(&p, path, err, sizeof(err)) == -1);
	CHECK(names(err, 2, "unknown grant"));
	CHECK(policy_eq(&p, &want));
	unlink(path);
}

int
main(void)
{
	test_default_table();
	test_names();
	test_parse_valid();
	test_parse_errors();
	test_load();
	return CHECK_DONE();
}
