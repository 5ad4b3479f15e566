/*
 * The room policy file (src/policy/policy.c): "ROLE ROOM_TYPE deny" or
 * "ROLE ROOM_TYPE join [grant ...]" lines, '#' comments.
 *
 * Whatever the input: no crash, no leak, and the same verdict whatever
 * the size of the error buffer. A refusal leaves the table untouched and
 * says why in a NUL-terminated message naming the line. An accepted table
 * is deny by default (no grant without join), uses only known source
 * bits, and written back as policy text parses to the very same table.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "fuzz.h"
#include "policy/policy.h"

#define IN_MAX	((size_t)64 * 1024)	/* policy_load's POLICY_FILE_MAX */

static bool	grants_equal(const struct grants *, const struct grants *);
static bool	tables_equal(const struct policy *, const struct policy *);
static size_t	write_policy(const struct policy *, char *, size_t);
static void	check_table(const struct policy *);

static bool
grants_equal(const struct grants *a, const struct grants *b)
{
	return a->join == b->join && a->publish == b->publish &&
	    a->sources == b->sources && a->subscribe == b->subscribe &&
	    a->publish_data == b->publish_data &&
	    a->update_own_metadata == b->update_own_metadata &&
	    a->room_admin == b->room_admin;
}

static bool
tables_equal(const struct policy *a, const struct policy *b)
{
	int	 r, m;

	for (r = 0; r < ROLE__MAX; r++)
		for (m = 0; m < ROOM__MAX; m++)
			if (!grants_equal(&a->grants[r][m], &b->grants[r][m]))
				return false;
	return true;
}

/* The table as policy text, one line per (role, room). */
static size_t
write_policy(const struct policy *p, char *buf, size_t cap)
{
	const struct grants	*g;
	size_t			 at = 0;
	unsigned		 bit;
	int			 r, m, n;
	char			 sep;

#define PUT(...) do {							\
	n = snprintf(buf + at, cap - at, __VA_ARGS__);			\
	FUZZ_CHECK(n >= 0 && (size_t)n < cap - at);			\
	at += (size_t)n;						\
} while (0)
	PUT("# written back by fuzz_policy\n");
	for (r = 0; r < ROLE__MAX; r++)
		for (m = 0; m < ROOM__MAX; m++) {
			g = &p->grants[r][m];
			PUT("%s\t%s", role_name((enum role)r),
			    room_type_name((enum room)m));
			if (!g->join) {
				PUT(" deny\n");
				continue;
			}
			PUT(" join");
			if (g->publish && g->sources == 0)
				PUT(" publish");
			else if (g->publish) {
				sep = '=';
				for (bit = 1; bit < (1u << SOURCE__COUNT);
				    bit <<= 1)
					if (g->sources & bit) {
						PUT("%s%c%s", sep == '=' ?
						    " publish" : "", sep,
						    source_name(bit));
						sep = ',';
					}
			}
			if (g->subscribe)
				PUT(" subscribe");
			if (g->publish_data)
				PUT(" data");
			if (g->update_own_metadata)
				PUT(" update_metadata");
			if (g->room_admin)
				PUT(" admin");
			PUT("\n");
		}
#undef PUT
	return at;
}

static void
check_table(const struct policy *p)
{
	const struct grants	*g;
	int			 r, m;

	for (r = 0; r < ROLE__MAX; r++)
		for (m = 0; m < ROOM__MAX; m++) {
			g = &p->grants[r][m];
			FUZZ_CHECK(g == policy_grants_for(p, (enum role)r,
			    (enum room)m));
			FUZZ_CHECK(g->sources < (1u << SOURCE__COUNT));
			if (!g->join)
				FUZZ_CHECK(!g->publish && !g->subscribe &&
				    !g->publish_data &&
				    !g->update_own_metadata &&
				    !g->room_admin && g->sources == 0);
			if (g->sources != 0)
				FUZZ_CHECK(g->publish);
		}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct policy	 p, before, tiny, again;
	char		 err[256], small[12], text[4096];
	size_t		 len;
	int		 rc, rc2;

	if (size > IN_MAX)
		size = IN_MAX;
	policy_default(&p);
	before = p;
	tiny = p;
	memset(err, 'x', sizeof(err));
	rc = policy_parse(&p, (const char *)data, size, err, sizeof(err));
	FUZZ_CHECK(rc == 0 || rc == -1);

	/* A short error buffer changes the message, never the verdict. */
	memset(small, 'x', sizeof(small));
	rc2 = policy_parse(&tiny, (const char *)data, size, small,
	    sizeof(small));
	FUZZ_CHECK(rc2 == rc);

	if (rc == -1) {
		FUZZ_CHECK(tables_equal(&p, &before));
		FUZZ_CHECK(tables_equal(&tiny, &before));
		FUZZ_CHECK(memchr(err, '\0', sizeof(err)) != NULL);
		FUZZ_CHECK(strncmp(err, "line ", 5) == 0);
		FUZZ_CHECK(memchr(small, '\0', sizeof(small)) != NULL);
		return 0;
	}
	FUZZ_CHECK(tables_equal(&p, &tiny));
	check_table(&p);

	len = write_policy(&p, text, sizeof(text));
	policy_default(&again);
	if (policy_parse(&again, text, len, err, sizeof(err)) != 0) {
		fprintf(stderr, "written back:\n%.*s\nrefused: %s\n",
		    (int)len, text, err);
		fuzz_fail(__FILE__, __LINE__, "written-back policy parses");
	}
	FUZZ_CHECK(tables_equal(&p, &again));
	return 0;
}
