/*
 * jsonparse: RFC 8259 only, valid UTF-8, no NUL, no duplicate names, depth
 * bound, a top-level object. Vectors are from RFC 8259 (grammar, sections
 * 2-8) and the Unicode Standard table 3-7 (well-formed UTF-8), in the
 * spirit of JSONTestSuite (github.com/nst/JSONTestSuite, its y_/n_ cases).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "check.h"
#include "jsonparse.h"

/* Parse len bytes; 1 when accepted (the object is put), 0 when refused. */
static int
accepts_n(const char *text, size_t len)
{
	struct json_object	*o = (struct json_object *)1;
	int			 rc;

	rc = json_parse_object(text, len, &o);
	if (rc == 0 && o != NULL) {
		json_object_put(o);
		return 1;
	}
	/* A refusal leaves *out NULL (the header's contract). */
	return rc == -1 && o == NULL ? 0 : -1;
}

static int
accepts(const char *text)
{
	return accepts_n(text, strlen(text));
}

static struct json_object *
parse(const char *text)
{
	struct json_object	*o = NULL;

	if (json_parse_object(text, strlen(text), &o) == -1)
		return NULL;
	return o;
}

static struct json_object *
get(struct json_object *o, const char *name)
{
	struct json_object	*v = NULL;

	if (o == NULL || !json_object_object_get_ex(o, name, &v))
		return NULL;
	return v;
}

/* The string member's bytes equal want (wlen bytes). */
static int
str_is(struct json_object *o, const char *name, const char *want, size_t wlen)
{
	struct json_object	*v = get(o, name);

	return v != NULL && json_object_is_type(v, json_type_string) &&
	    (size_t)json_object_get_string_len(v) == wlen &&
	    memcmp(json_object_get_string(v), want, wlen) == 0;
}

/*
 * A text nested depth levels deep, the outer object included: objects
 * {"a":{"a":{}}}, or arrays inside one object {"a":[[]]} (depth >= 2).
 */
static char *
nested(int depth, int arrays)
{
	char	*s, *p;
	int	 i;

	if ((s = malloc((size_t)depth * 8 + 8)) == NULL)
		return NULL;
	p = s;
	*p++ = '{';
	if (arrays) {
		memcpy(p, "\"a\":", 4);
		p += 4;
		for (i = 1; i < depth; i++)
			*p++ = '[';
		for (i = 1; i < depth; i++)
			*p++ = ']';
	} else {
		for (i = 1; i < depth; i++) {
			memcpy(p, "\"a\":{", 5);
			p += 5;
		}
		for (i = 1; i < depth; i++)
			*p++ = '}';
	}
	*p++ = '}';
	*p = '\0';
	return s;
}

static void
test_valid(void)
{
	struct json_object	*o, *v, *w;

	/* RFC 8259 section 4 and 13 (its example object, shortened) */
	o = parse("{\"Image\":{\"Width\":800,\"Height\":600,"
	    "\"Title\":\"View from 15th Floor\",\"Thumbnail\":{\"Url\":"
	    "\"http://www.example.com/image/481989943\",\"Height\":125,"
	    "\"Width\":100},\"Animated\":false,\"IDs\":[116,943,234,38793]}}");
	CHECK(o != NULL);
	v = get(o, "Image");
	CHECK(v != NULL && json_object_is_type(v, json_type_object));
	CHECK(json_object_get_int64(get(v, "Width")) == 800);
	CHECK(json_object_get_int64(get(get(v, "Thumbnail"), "Height")) == 125);
	w = get(v, "Animated");
	CHECK(w != NULL && json_object_is_type(w, json_type_boolean) &&
	    !json_object_get_boolean(w));
	w = get(v, "IDs");
	CHECK(w != NULL && json_object_is_type(w, json_type_array) &&
	    json_object_array_length(w) == 4 &&
	    json_object_get_int64(json_object_array_get_idx(w, 3)) == 38793);
	json_object_put(o);

	CHECK(accepts("{}") == 1);
	CHECK(accepts(" \t\r\n{ \t\r\n} \t\r\n") == 1);	/* RFC 8259 2: ws */
	CHECK(accepts("{\"a\":[]}") == 1);
	CHECK(accepts("{\"a\":[{},[],\"\",0,true,false,null]}") == 1);
	CHECK(accepts("{\"\":1}") == 1);	/* the empty name is a name */

	/* Numbers, RFC 8259 section 6 */
	o = parse("{\"i\":42,\"n\":-7,\"z\":0,\"nz\":-0,\"f\":1.5,\"nf\":-0.25,"
	    "\"e\":1e3,\"E\":2E-2,\"ep\":1.5e+2,\"max\":9223372036854775807,"
	    "\"min\":-9223372036854775808}");
	CHECK(o != NULL);
	CHECK(json_object_is_type(get(o, "i"), json_type_int) &&
	    json_object_get_int64(get(o, "i")) == 42);
	CHECK(json_object_is_type(get(o, "n"), json_type_int) &&
	    json_object_get_int64(get(o, "n")) == -7);
	CHECK(json_object_get_int64(get(o, "z")) == 0);
	CHECK(json_object_is_type(get(o, "f"), json_type_double) &&
	    json_object_get_double(get(o, "f")) == 1.5);
	CHECK(json_object_get_double(get(o, "nf")) == -0.25);
	CHECK(json_object_is_type(get(o, "e"), json_type_double) &&
	    json_object_get_double(get(o, "e")) == 1000.0);
	CHECK(json_object_get_double(get(o, "E")) == 0.02);
	CHECK(json_object_get_double(get(o, "ep")) == 150.0);
	CHECK(json_object_is_type(get(o, "max"), json_type_int) &&
	    json_object_get_int64(get(o, "max")) == INT64_MAX);
	CHECK(json_object_get_int64(get(o, "min")) == INT64_MIN);
	json_object_put(o);

	/* Literals and null, RFC 8259 section 3 */
	o = parse("{\"t\":true,\"f\":false,\"n\":null}");
	CHECK(o != NULL);
	CHECK(json_object_get_boolean(get(o, "t")) == 1);
	CHECK(json_object_is_type(get(o, "f"), json_type_boolean));
	CHECK(json_object_object_get_ex(o, "n", &v) && v == NULL);
	json_object_put(o);

	/* Escapes, RFC 8259 section 7 */
	o = parse("{\"s\":\"\\\"\\\\\\/\\b\\f\\n\\r\\t\","
	    "\"u\":\"\\u0041\\u00e9\\u20AC\","
	    "\"pair\":\"\\ud83d\\ude00\","		/* U+1F600, RFC 8259 7 */
	    "\"gclef\":\"\\uD834\\uDD1E\","		/* U+1D11E, RFC 8259 7 */
	    "\"raw\":\"\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\","
	    "\"del\":\"\x7f\"}");
	CHECK(o != NULL);
	CHECK(str_is(o, "s", "\"\\/\b\f\n\r\t", 8));
	CHECK(str_is(o, "u", "A\xc3\xa9\xe2\x82\xac", 6));
	CHECK(str_is(o, "pair", "\xf0\x9f\x98\x80", 4));
	CHECK(str_is(o, "gclef", "\xf0\x9d\x84\x9e", 4));
	CHECK(str_is(o, "raw", "\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80", 9));
	CHECK(str_is(o, "del", "\x7f", 1));	/* RFC 8259 7: only < 0x20 */
	json_object_put(o);

	/* An escaped member name is found by its decoded spelling. */
	o = parse("{\"\\u0061b\":1}");
	CHECK(o != NULL && get(o, "ab") != NULL);
	json_object_put(o);

	/* Boundary code points: U+FFFF (EF BF BF), U+10FFFF (F4 8F BF BF). */
	CHECK(accepts("{\"a\":\"\xef\xbf\xbf\xf4\x8f\xbf\xbf\"}") == 1);
	CHECK(accepts("{\"a\":\"\\uffff\\udbff\\udfff\"}") == 1);
}

/*
 * Duplicate member names: RFC 7515 section 4 requires refusing them in a
 * JOSE header, and two readers that pick different duplicates see
 * different claims (the "JSON interoperability" class, CVE-2017-12635
 * CouchDB; jwt header confusion).
 */
static void
test_duplicates(void)
{
	CHECK(accepts("{\"a\":1,\"a\":2}") == 0);
	CHECK(accepts("{\"a\":1,\"b\":2,\"a\":1}") == 0);
	CHECK(accepts("{\"a\":null,\"a\":null}") == 0);
	/* Spelled differently, equal once decoded. */
	CHECK(accepts("{\"a\":1,\"\\u0061\":2}") == 0);
	CHECK(accepts("{\"\\u0061\":1,\"a\":2}") == 0);
	CHECK(accepts("{\"alg\":\"HS256\",\"al\\u0067\":\"none\"}") == 0);
	CHECK(accepts("{\"\xc3\xa9\":1,\"\\u00e9\":2}") == 0);
	CHECK(accepts("{\"/\":1,\"\\/\":2}") == 0);
	/* Nested objects each have their own names. */
	CHECK(accepts("{\"a\":{\"a\":1},\"b\":{\"a\":2}}") == 1);
	CHECK(accepts("{\"a\":{\"b\":1,\"b\":2}}") == 0);
	CHECK(accepts("{\"a\":[{\"b\":1,\"b\":2}]}") == 0);
	/* Case differs: distinct names. */
	CHECK(accepts("{\"a\":1,\"A\":2}") == 1);
}

static void
test_top_level(void)
{
	/* Valid JSON texts (RFC 8259 2) that are not objects. */
	CHECK(accepts("[]") == 0);
	CHECK(accepts("[{}]") == 0);
	CHECK(accepts("\"s\"") == 0);
	CHECK(accepts("1") == 0);
	CHECK(accepts("null") == 0);
	CHECK(accepts("true") == 0);
	CHECK(accepts("") == 0);
	CHECK(accepts("   ") == 0);
	CHECK(json_parse_object(NULL, 0, &(struct json_object *){ NULL }) == -1);
	/* Trailing bytes and garbage. */
	CHECK(accepts("{}x") == 0);
	CHECK(accepts("{}{}") == 0);
	CHECK(accepts("{},") == 0);
	CHECK(accepts("{}}") == 0);
	CHECK(accepts("{} 1") == 0);
	CHECK(accepts("{\"a\":1}]") == 0);
	/* Truncations. */
	CHECK(accepts("{") == 0);
	CHECK(accepts("{\"a\"") == 0);
	CHECK(accepts("{\"a\":") == 0);
	CHECK(accepts("{\"a\":1") == 0);
	CHECK(accepts("{\"a\":1,") == 0);
	CHECK(accepts("{\"a\":\"x") == 0);
	CHECK(accepts("{\"a\":[1") == 0);
	CHECK(accepts("{\"a\":tru}") == 0);
	/* A byte order mark is not JSON whitespace (RFC 8259 8.1). */
	CHECK(accepts("\xef\xbb\xbf{}") == 0);
	/* Only space, tab, LF, CR are whitespace (RFC 8259 2). */
	CHECK(accepts("{\f}") == 0);
	CHECK(accepts("{\v}") == 0);
	CHECK(accepts("{\xc2\xa0}") == 0);
}

static void
test_nul(void)
{
	/* NUL bytes would truncate C strings downstream. */
	CHECK(accepts_n("{}\0", 3) == 0);
	CHECK(accepts_n("\0{}", 3) == 0);
	CHECK(accepts_n("{\"a\":\"x\0y\"}", 11) == 0);
	CHECK(accepts_n("{\"a\0\":1}", 8) == 0);
	CHECK(accepts_n("{\"a\":1\0}", 8) == 0);
	/* Escaped NUL: \u0000 (RFC 8259 allows it; we cannot carry it). */
	CHECK(accepts("{\"a\":\"\\u0000\"}") == 0);
	CHECK(accepts("{\"a\\u0000b\":1}") == 0);
	CHECK(accepts("{\"sub\":\"admin\\u0000x\"}") == 0);
}

static void
test_surrogates(void)
{
	/* Lone surrogates are not Unicode scalar values (RFC 8259 8.2). */
	CHECK(accepts("{\"a\":\"\\ud800\"}") == 0);
	CHECK(accepts("{\"a\":\"\\ud800x\"}") == 0);
	CHECK(accepts("{\"a\":\"\\udbff\\u0041\"}") == 0);
	CHECK(accepts("{\"a\":\"\\ud800\\ud800\"}") == 0);
	CHECK(accepts("{\"a\":\"\\udc00\"}") == 0);
	CHECK(accepts("{\"a\":\"\\udfff\\ud800\"}") == 0);
	CHECK(accepts("{\"a\":\"\\ud800\\n\"}") == 0);
	CHECK(accepts("{\"a\":\"\\ud800\\") == 0);
	/* Bad hex. */
	CHECK(accepts("{\"a\":\"\\u00g0\"}") == 0);
	CHECK(accepts("{\"a\":\"\\u12\"}") == 0);
	CHECK(accepts("{\"a\":\"\\U0041\"}") == 0);
}

static void
test_utf8(void)
{
	/* Unicode table 3-7; "Markus Kuhn UTF-8 decoder stress test" 3-5 */
	static const char *const bad[] = {
		"\xc0\x80",		/* overlong NUL */
		"\xc1\xbf",		/* overlong U+007F */
		"\xe0\x80\x80",		/* overlong, 3 bytes */
		"\xe0\x9f\xbf",		/* overlong U+07FF */
		"\xf0\x80\x80\x80",	/* overlong, 4 bytes */
		"\xf0\x8f\xbf\xbf",	/* overlong U+FFFF */
		"\xed\xa0\x80",		/* U+D800, a surrogate */
		"\xed\xbf\xbf",		/* U+DFFF */
		"\xf4\x90\x80\x80",	/* U+110000 */
		"\xf5\x80\x80\x80",
		"\xf8\x88\x80\x80\x80",
		"\xfe",
		"\xff",
		"\x80",			/* lone continuation */
		"\xbf",
		"\xc3",			/* truncated sequences */
		"\xe2\x82",
		"\xf0\x9f\x98",
		"\xc3\x41",		/* a non-continuation inside */
		"\xe2\x28\xa1",
	};
	char	 buf[64];
	size_t	 i;
	int	 str_refused = 1, name_refused = 1;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(buf, sizeof(buf), "{\"a\":\"x%sy\"}", bad[i]);
		if (accepts(buf) != 0) {
			str_refused = 0;
			fprintf(stderr, "accepted in a value: case %zu\n", i);
		}
		snprintf(buf, sizeof(buf), "{\"%s\":1}", bad[i]);
		if (accepts(buf) != 0) {
			name_refused = 0;
			fprintf(stderr, "accepted in a name: case %zu\n", i);
		}
	}
	CHECK(str_refused);
	CHECK(name_refused);
	/* A truncated sequence at the very end of the text. */
	CHECK(accepts_n("{\"a\":\"\xc3", 7) == 0);
	/* Outside strings, no byte above 0x7f is JSON at all. */
	CHECK(accepts("{\"a\":\xc3\xa9}") == 0);
}

static void
test_numbers(void)
{
	/* RFC 8259 section 6 grammar. */
	CHECK(accepts("{\"a\":01}") == 0);
	CHECK(accepts("{\"a\":00}") == 0);
	CHECK(accepts("{\"a\":-01}") == 0);
	CHECK(accepts("{\"a\":1.}") == 0);
	CHECK(accepts("{\"a\":.5}") == 0);
	CHECK(accepts("{\"a\":+1}") == 0);
	CHECK(accepts("{\"a\":-}") == 0);
	CHECK(accepts("{\"a\":--1}") == 0);
	CHECK(accepts("{\"a\":1e}") == 0);
	CHECK(accepts("{\"a\":1e+}") == 0);
	CHECK(accepts("{\"a\":1.e5}") == 0);
	CHECK(accepts("{\"a\":0x10}") == 0);
	CHECK(accepts("{\"a\":1_000}") == 0);
	CHECK(accepts("{\"a\":NaN}") == 0);
	CHECK(accepts("{\"a\":Infinity}") == 0);
	CHECK(accepts("{\"a\":-Infinity}") == 0);
	CHECK(accepts("{\"a\":0.5}") == 1);
	CHECK(accepts("{\"a\":-0.0e-0}") == 1);
	/* int64 range: one past either end is refused, never clamped. */
	CHECK(accepts("{\"a\":9223372036854775807}") == 1);
	CHECK(accepts("{\"a\":9223372036854775808}") == 0);
	CHECK(accepts("{\"a\":-9223372036854775808}") == 1);
	CHECK(accepts("{\"a\":-9223372036854775809}") == 0);
	CHECK(accepts("{\"a\":18446744073709551616}") == 0);
	CHECK(accepts("{\"exp\":99999999999999999999999999999}") == 0);
	/* A double that overflows is refused too (RFC 8259 9: limits). */
	CHECK(accepts("{\"a\":1e400}") == 0);
}

static void
test_depth(void)
{
	char	*s;

	/* JSONPARSE_MAX_DEPTH (16) levels, the outer object included. */
	CHECK(JSONPARSE_MAX_DEPTH == 16);
	s = nested(16, 0);
	CHECK(s != NULL && accepts(s) == 1);
	free(s);
	s = nested(17, 0);
	CHECK(s != NULL && accepts(s) == 0);
	free(s);
	s = nested(16, 1);
	CHECK(s != NULL && accepts(s) == 1);
	free(s);
	s = nested(17, 1);
	CHECK(s != NULL && accepts(s) == 0);
	free(s);
	/* Deep enough to overflow a naive recursive parser's stack. */
	s = nested(100000, 1);
	CHECK(s != NULL && accepts(s) == 0);
	free(s);
	/* Depth is a nesting bound, not a count of containers. */
	CHECK(accepts("{\"a\":[],\"b\":[],\"c\":{},\"d\":{},\"e\":[[]],"
	    "\"f\":[],\"g\":[],\"h\":[],\"i\":[],\"j\":[],\"k\":[],"
	    "\"l\":[],\"m\":[],\"n\":[],\"o\":[],\"p\":[],\"q\":[],"
	    "\"r\":[]}") == 1);
}

static void
test_syntax(void)
{
	/* Control characters must be escaped (RFC 8259 section 7). */
	CHECK(accepts("{\"a\":\"x\x01y\"}") == 0);
	CHECK(accepts("{\"a\":\"x\x1fy\"}") == 0);
	CHECK(accepts("{\"a\":\"x\ty\"}") == 0);
	CHECK(accepts("{\"a\":\"x\ny\"}") == 0);
	CHECK(accepts("{\"a\":\"x\ry\"}") == 0);
	CHECK(accepts("{\"a\nb\":1}") == 0);
	/* Unknown escapes. */
	CHECK(accepts("{\"a\":\"\\x41\"}") == 0);
	CHECK(accepts("{\"a\":\"\\'\"}") == 0);
	CHECK(accepts("{\"a\":\"\\a\"}") == 0);
	CHECK(accepts("{\"a\":\"\\0\"}") == 0);
	/* Single quotes, unquoted names, comments (JSON5, not JSON). */
	CHECK(accepts("{'a':1}") == 0);
	CHECK(accepts("{\"a\":'x'}") == 0);
	CHECK(accepts("{a:1}") == 0);
	CHECK(accepts("{/*c*/\"a\":1}") == 0);
	CHECK(accepts("{\"a\":1/*c*/}") == 0);
	CHECK(accepts("{\"a\":1 // c\n}") == 0);
	CHECK(accepts("{\"a\":1}#") == 0);
	CHECK(accepts("{\"a\":1}//") == 0);
	/* Trailing and missing commas, missing colons. */
	CHECK(accepts("{\"a\":1,}") == 0);
	CHECK(accepts("{\"a\":[1,]}") == 0);
	CHECK(accepts("{\"a\":[,1]}") == 0);
	CHECK(accepts("{,\"a\":1}") == 0);
	CHECK(accepts("{\"a\":1 \"b\":2}") == 0);
	CHECK(accepts("{\"a\":[1 2]}") == 0);
	CHECK(accepts("{\"a\" 1}") == 0);
	CHECK(accepts("{\"a\"::1}") == 0);
	CHECK(accepts("{\"a\"}") == 0);
	CHECK(accepts("{1:1}") == 0);
	CHECK(accepts("{null:1}") == 0);
	/* Literals are lower case and whole. */
	CHECK(accepts("{\"a\":True}") == 0);
	CHECK(accepts("{\"a\":NULL}") == 0);
	CHECK(accepts("{\"a\":nul}") == 0);
	CHECK(accepts("{\"a\":truex}") == 0);
	CHECK(accepts("{\"a\":undefined}") == 0);
}

int
main(void)
{
	test_valid();
	test_duplicates();
	test_top_level();
	test_nul();
	test_surrogates();
	test_utf8();
	test_numbers();
	test_depth();
	test_syntax();
	return CHECK_DONE();
}
