/*
 * The revocation list (src/auth/revocation.c): REVOCATION_FILE text.
 *
 * Whatever the input: no crash, no leak, the same verdict whatever the
 * size of the error buffer, and a refusal that names its line and hands
 * back no list. An accepted list finds each of its entries (at time 0,
 * before any "until"), and written back as text parses to the very same
 * entries.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "auth/revocation.h"
#include "fuzz.h"

#define IN_MAX	((size_t)256 * 1024)

/* The list as REVOCATION_FILE text, in malloc'd memory. */
static char *
write_back(const struct revocation_list *l, size_t *len)
{
	struct revocation_entry	 e;
	size_t			 n = revocation_count(l), cap, at, i;
	char			*buf;
	int			 w;

	cap = (n + 2) * (REVOCATION_ID_MAX + 40);
	FUZZ_CHECK((buf = malloc(cap)) != NULL);
	at = (size_t)snprintf(buf, cap, "%s\n", REVOCATION_MAGIC);
	for (i = 0; i < n; i++) {
		revocation_entry(l, i, &e);
		if (e.until == 0)
			w = snprintf(buf + at, cap - at, "%s %s -\n",
			    revocation_kind_name(e.kind), e.id);
		else
			w = snprintf(buf + at, cap - at, "%s %s %ld\n",
			    revocation_kind_name(e.kind), e.id, e.until);
		FUZZ_CHECK(w > 0 && (size_t)w < cap - at);
		at += (size_t)w;
	}
	w = snprintf(buf + at, cap - at, "end %zu\n", n);
	FUZZ_CHECK(w > 0 && (size_t)w < cap - at);
	*len = at + (size_t)w;
	return buf;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct revocation_list	*l = NULL, *tiny = NULL, *again = NULL;
	struct revocation_entry	 e, e2;
	char			 err[256], small[8], *text;
	size_t			 i, len;
	long			 n, n2;

	if (sodium_init() < 0)
		abort();
	if (size > IN_MAX)
		size = IN_MAX;
	memset(err, 'x', sizeof(err));
	memset(small, 'x', sizeof(small));
	n = revocation_parse((const char *)data, size, &l, err, sizeof(err));
	n2 = revocation_parse((const char *)data, size, &tiny, small,
	    sizeof(small));
	FUZZ_CHECK(n == n2);
	revocation_free(tiny);
	if (n == -1) {
		FUZZ_CHECK(l == NULL);
		FUZZ_CHECK(memchr(err, '\0', sizeof(err)) != NULL);
		FUZZ_CHECK(memchr(small, '\0', sizeof(small)) != NULL);
		FUZZ_CHECK(strncmp(err, "line ", 5) == 0 ||
		    strncmp(err, "larger", 6) == 0 ||
		    strstr(err, "listed twice") != NULL ||
		    strcmp(err, "out of memory") == 0);
		return 0;
	}
	FUZZ_CHECK(l != NULL && (size_t)n == revocation_count(l));
	for (i = 0; i < (size_t)n; i++) {
		revocation_entry(l, i, &e);
		FUZZ_CHECK(revocation_id_valid(e.id, strlen(e.id)));
		FUZZ_CHECK(revocation_check(l,
		    e.kind == REVOCATION_USER ? e.id : NULL,
		    e.kind == REVOCATION_SESSION ? e.id : NULL, 0) ==
		    (e.kind == REVOCATION_USER ? REVOKED_USER :
		    REVOKED_SESSION));
	}
	text = write_back(l, &len);
	if (revocation_parse(text, len, &again, err, sizeof(err)) != n) {
		fprintf(stderr, "written back:\n%.*s\nrefused: %s\n",
		    (int)len, text, err);
		fuzz_fail(__FILE__, __LINE__, "written-back list parses");
	}
	for (i = 0; i < (size_t)n; i++) {
		revocation_entry(l, i, &e);
		revocation_entry(again, i, &e2);
		FUZZ_CHECK(e.kind == e2.kind && e.until == e2.until &&
		    strcmp(e.id, e2.id) == 0);
	}
	free(text);
	revocation_free(again);
	revocation_free(l);
	return 0;
}
