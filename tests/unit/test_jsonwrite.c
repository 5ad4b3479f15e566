/*
 * jsonwrite: the writer behind every answer, claim set and log line.
 * Escapes per RFC 8259 section 7, nesting, and never a truncated text.
 */
#include <limits.h>
#include <string.h>

#include <json-c/json.h>

#include "check.h"
#include "jsonc.h"
#include "jsonwrite.h"

static void
test_nesting(void)
{
	struct jw	 w;
	char		 buf[256];

	jw_init(&w, buf, sizeof(buf));
	jw_open(&w);
	jw_str(&w, "a", "x");
	jw_int(&w, "n", -42);
	jw_bool(&w, "t", true);
	jw_bool(&w, "f", false);
	jw_open_object(&w, "o");
	jw_str(&w, "k", "v");
	jw_close(&w);
	jw_open_array(&w, "l");
	jw_elem_str(&w, "1");
	jw_elem_str(&w, "2");
	jw_close_array(&w);
	jw_close(&w);
	CHECK(jw_finish(&w) == (long)strlen(buf));
	CHECK_STR(buf, "{\"a\":\"x\",\"n\":-42,\"t\":true,\"f\":false,"
	    "\"o\":{\"k\":\"v\"},\"l\":[\"1\",\"2\"]}");
}

/* Integers are written by hand: every digit, both ends of the range. */
static void
test_integers(void)
{
	static const struct {
		long long	 v;
		const char	*text;
	} cases[] = {
		{ 0, "{\"n\":0}" },
		{ 7, "{\"n\":7}" },
		{ -1, "{\"n\":-1}" },
		{ 1700000000, "{\"n\":1700000000}" },
		{ LLONG_MAX, "{\"n\":9223372036854775807}" },
		{ LLONG_MIN, "{\"n\":-9223372036854775808}" },
	};
	struct jw	 w;
	char		 buf[64];
	size_t		 i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		jw_init(&w, buf, sizeof(buf));
		jw_open(&w);
		jw_int(&w, "n", cases[i].v);
		jw_close(&w);
		CHECK(jw_finish(&w) == (long)strlen(cases[i].text));
		CHECK_STR(buf, cases[i].text);
	}
}

/* RFC 8259 section 7: quote, reverse solidus and controls are escaped. */
static void
test_escapes(void)
{
	struct json_object	*o, *v;
	struct jw		 w;
	char			 buf[256];
	const char		*nasty = "q\"b\\n\nr\rt\tc\x01" "d\x1f" "e/é";
	long			 n;

	jw_init(&w, buf, sizeof(buf));
	jw_open(&w);
	jw_str(&w, "k", nasty);
	jw_close(&w);
	n = jw_finish(&w);
	CHECK(n > 0);
	CHECK(strstr(buf, "\\u0001") != NULL);
	CHECK(strstr(buf, "\\u001f") != NULL);
	CHECK(strstr(buf, "\\\"") != NULL);
	/* Whatever it wrote reads back as the same string. */
	CHECK(jsonc_parse(buf, (size_t)n, &o) == 0);
	CHECK(o != NULL && json_object_object_get_ex(o, "k", &v));
	if (o != NULL && json_object_object_get_ex(o, "k", &v))
		CHECK_STR(json_object_get_string(v), nasty);
	json_object_put(o);
}

/* No silent truncation: what does not fit fails the whole text. */
static void
test_bounds(void)
{
	struct jw	 w;
	char		 buf[16];
	int		 i;

	jw_init(&w, buf, sizeof(buf));
	jw_open(&w);
	jw_str(&w, "key", "a value far too long for sixteen bytes");
	jw_close(&w);
	CHECK(jw_finish(&w) == -1);

	jw_init(&w, buf, sizeof(buf));
	jw_open(&w);
	jw_str(&w, "k", "0123456");	/* {"k":"0123456"} is 15 + NUL */
	jw_close(&w);
	CHECK(jw_finish(&w) == 15);

	/* Unbalanced or too deep is malformed. */
	jw_init(&w, buf, sizeof(buf));
	jw_open(&w);
	CHECK(jw_finish(&w) == -1);
	jw_init(&w, buf, sizeof(buf));
	jw_close(&w);
	CHECK(jw_finish(&w) == -1);
	{
		char	 big[256];

		jw_init(&w, big, sizeof(big));
		jw_open(&w);
		for (i = 0; i < JW_MAX_DEPTH + 1; i++)
			jw_open_object(&w, "d");
		CHECK(jw_finish(&w) == -1);
	}
	/* A member needs an object around it. */
	jw_init(&w, buf, sizeof(buf));
	jw_str(&w, "k", "v");
	CHECK(jw_finish(&w) == -1);
}

/*
 * Keys are the program's own names, written without escapes: one that
 * would need an escape, or is not ASCII, fails the writer rather than
 * being written raw; and a key is bounded like any other text.
 */
static void
test_keys(void)
{
	static const char *const bad[] = {
		"q\"uote", "back\\slash", "new\nline", "\x01", "del\x7f",
		"caf\xc3\xa9",
	};
	struct jw	 w;
	char		 buf[16];
	size_t		 i, cap;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		jw_init(&w, buf, sizeof(buf));
		jw_open(&w);
		jw_int(&w, bad[i], 1);
		jw_close(&w);
		CHECK(jw_finish(&w) == -1);
	}
	/* {"abcd":1} is 10 bytes: it needs 11 with the NUL, at every cut. */
	for (cap = 1; cap <= 11; cap++) {
		jw_init(&w, buf, cap);
		jw_open(&w);
		jw_int(&w, "abcd", 1);
		jw_close(&w);
		CHECK(jw_finish(&w) == (cap == 11 ? 10 : -1));
		if (cap == 11)
			CHECK_STR(buf, "{\"abcd\":1}");
	}
	/* A key that does not fit fails the writer for good: a later one does not revive it. */
	jw_init(&w, buf, 8);
	jw_open(&w);
	jw_int(&w, "abcdefgh", 1);
	jw_int(&w, "a", 1);
	CHECK(jw_finish(&w) == -1);
}

int
main(void)
{
	test_keys();
	test_nesting();
	test_integers();
	test_escapes();
	test_bounds();
	return CHECK_DONE();
}
