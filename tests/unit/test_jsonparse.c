/*
 * jsonparse: RFC 8259 only, valid UTF-8, no NUL, no duplicate names, depth
 * bound, a top-level object, read into a json_doc's own tree. Vectors are
 * from RFC 8259 (grammar, sections 2-8) and the Unicode Standard table 3-7
 * (well-formed UTF-8), in the spirit of JSONTestSuite
 * (github.com/nst/JSONTestSuite, its y_/n_ cases). The run is under ASan
 * and LeakSanitizer: a doc that outgrows its inline block and is not given
 * back by json_doc_free fails it.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "jsonparse.h"

/* No member of ours is named this: json_member's answer for "absent". */
#define NO_SUCH	SIZE_MAX

/*
 * Parse len bytes; 1 when accepted, 0 when refused, -1 when the header's
 * contract is broken (root set on failure, or not an object on success).
 */
static int
accepts_n(const char *text, size_t len)
{
	struct json_doc	 doc;
	int		 rc, r;

	/* Poisoned: json_parse must set root either way. */
	doc.root = (const struct json_value *)&doc;
	rc = json_parse(&doc, text, len);
	if (rc == 0)
		r = json_is(doc.root, JSON_OBJECT) ? 1 : -1;
	else
		r = rc == -1 && doc.root == NULL ? 0 : -1;
	json_doc_free(&doc);
	return r;
}

static int
accepts(const char *text)
{
	return accepts_n(text, strlen(text));
}

/* The root of text parsed into doc, or NULL; json_doc_free(doc) after. */
static const struct json_value *
parse(struct json_doc *doc, const char *text)
{
	if (json_parse(doc, text, strlen(text)) == -1)
		return NULL;
	return doc->root;
}

static const struct json_value *
get(const struct json_value *o, const char *name)
{
	return json_member(o, name);
}

/* Element i of an array, or NULL. */
static const struct json_value *
elem(const struct json_value *a, size_t i)
{
	const struct json_value	*v;

	if (!json_is(a, JSON_ARRAY))
		return NULL;
	for (v = a->u.first; v != NULL && i > 0; v = v->next)
		i--;
	return v;
}

static int
int_is(const struct json_value *v, long long want)
{
	return json_is(v, JSON_INT) && v->u.integer == want;
}

static int
real_is(const struct json_value *v, double want)
{
	return json_is(v, JSON_REAL) && v->u.real == want;
}

static int
bool_is(const struct json_value *v, int want)
{
	return json_is(v, JSON_BOOL) && v->u.boolean == want;
}

/*
 * The string member's bytes equal want (wlen bytes), NUL-terminated right
 * after them, as the header promises.
 */
static int
str_is(const struct json_value *o, const char *name, const char *want,
    size_t wlen)
{
	const struct json_value	*v = get(o, name);

	return json_is(v, JSON_STRING) && v->len == wlen &&
	    json_string(v) == v->u.string &&
	    memcmp(v->u.string, want, wlen) == 0 && v->u.string[wlen] == '\0';
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

/*
 * {"k0":0,"k1":1,...} with n members; member dup is named like member
 * orig instead (a duplicate) unless dup is NO_SUCH. The caller frees it.
 */
static char *
members(size_t n, size_t orig, size_t dup)
{
	char	*s, *p;
	size_t	 i, cap = n * 48 + 4;

	if ((s = malloc(cap)) == NULL)
		return NULL;
	p = s;
	*p++ = '{';
	for (i = 0; i < n; i++)
		p += snprintf(p, cap - (size_t)(p - s), "%s\"k%zu\":%zu",
		    i > 0 ? "," : "", i == dup ? orig : i, i);
	*p++ = '}';
	*p = '\0';
	return s;
}

static void
test_valid(void)
{
	struct json_doc		 doc;
	const struct json_value	*o, *v, *w;

	/* RFC 8259 section 4 and 13 (its example object, shortened) */
	o = parse(&doc, "{\"Image\":{\"Width\":800,\"Height\":600,"
	    "\"Title\":\"View from 15th Floor\",\"Thumbnail\":{\"Url\":"
	    "\"http://www.example.com/image/481989943\",\"Height\":125,"
	    "\"Width\":100},\"Animated\":false,\"IDs\":[116,943,234,38793]}}");
	CHECK(json_is(o, JSON_OBJECT));
	v = get(o, "Image");
	CHECK(json_is(v, JSON_OBJECT));
	CHECK(int_is(get(v, "Width"), 800));
	CHECK(int_is(get(get(v, "Thumbnail"), "Height"), 125));
	CHECK(str_is(v, "Title", "View from 15th Floor", 20));
	w = get(v, "Animated");
	CHECK(bool_is(w, 0));
	w = get(v, "IDs");
	CHECK(json_is(w, JSON_ARRAY) && w->len == 4 &&
	    int_is(elem(w, 3), 38793) && elem(w, 4) == NULL);
	json_doc_free(&doc);

	CHECK(accepts("{}") == 1);
	CHECK(accepts(" \t\r\n{ \t\r\n} \t\r\n") == 1);	/* RFC 8259 2: ws */
	CHECK(accepts("{\"a\":[]}") == 1);
	CHECK(accepts("{\"a\":[{},[],\"\",0,true,false,null]}") == 1);
	CHECK(accepts("{\"\":1}") == 1);	/* the empty name is a name */

	/* Numbers, RFC 8259 section 6 */
	o = parse(&doc, "{\"i\":42,\"n\":-7,\"z\":0,\"nz\":-0,\"f\":1.5,"
	    "\"nf\":-0.25,\"e\":1e3,\"E\":2E-2,\"ep\":1.5e+2,"
	    "\"max\":9223372036854775807,\"min\":-9223372036854775808}");
	CHECK(o != NULL);
	CHECK(int_is(get(o, "i"), 42));
	CHECK(int_is(get(o, "n"), -7));
	CHECK(int_is(get(o, "z"), 0));
	CHECK(int_is(get(o, "nz"), 0));
	CHECK(real_is(get(o, "f"), 1.5));
	CHECK(real_is(get(o, "nf"), -0.25));
	/* An exponent makes a real even when the value is whole. */
	CHECK(real_is(get(o, "e"), 1000.0));
	CHECK(real_is(get(o, "E"), 0.02));
	CHECK(real_is(get(o, "ep"), 150.0));
	CHECK(int_is(get(o, "max"), INT64_MAX));
	CHECK(int_is(get(o, "min"), INT64_MIN));
	json_doc_free(&doc);

	/* Literals and null, RFC 8259 section 3 */
	o = parse(&doc, "{\"t\":true,\"f\":false,\"n\":null}");
	CHECK(o != NULL);
	CHECK(bool_is(get(o, "t"), 1));
	CHECK(bool_is(get(o, "f"), 0));
	/* null is a node of its own (json-c gave a NULL pointer). */
	CHECK(json_is(get(o, "n"), JSON_NULL));
	json_doc_free(&doc);

	/* Escapes, RFC 8259 section 7 */
	o = parse(&doc, "{\"s\":\"\\\"\\\\\\/\\b\\f\\n\\r\\t\","
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
	json_doc_free(&doc);

	/*
	 * Pairs whose code point has D800-DFFF in its low 16 bits: json-c
	 * before 0.19 took the decoded code point for a surrogate and wrote
	 * U+FFFD (json-c pull request 893); fuzz/fuzz_json.c's differential
	 * met it. Ours is the code point itself, in a value and a name.
	 */
	o = parse(&doc, "{\"a\":\"\\ud837\\udfaf\",\"b\":\"\\ud836\\udc00\","
	    "\"c\":\"\\ud876\\udc00\",\"\\udbf6\\udfff\":1}");
	CHECK(str_is(o, "a", "\xf0\x9d\xbe\xaf", 4));	/* U+1DFAF */
	CHECK(str_is(o, "b", "\xf0\x9d\xa0\x80", 4));	/* U+1D800 */
	CHECK(str_is(o, "c", "\xf0\xad\xa0\x80", 4));	/* U+2D800 */
	CHECK(int_is(get(o, "\xf4\x8d\xaf\xbf"), 1));	/* U+10DBFF */
	json_doc_free(&doc);

	/* An escaped member name is found by its decoded spelling. */
	o = parse(&doc, "{\"\\u0061b\":1}");
	CHECK(o != NULL && get(o, "ab") != NULL);
	CHECK(o != NULL && o->u.first != NULL && o->u.first->name_len == 2 &&
	    strcmp(o->u.first->name, "ab") == 0);
	json_doc_free(&doc);

	/* Boundary code points: U+FFFF (EF BF BF), U+10FFFF (F4 8F BF BF). */
	CHECK(accepts("{\"a\":\"\xef\xbf\xbf\xf4\x8f\xbf\xbf\"}") == 1);
	CHECK(accepts("{\"a\":\"\\uffff\\udbff\\udfff\"}") == 1);
}

/*
 * The tree itself: members in the order written, json_member finding the
 * first and the last, null present as JSON_NULL and told apart from an
 * absent member, names only on members, and the accessors' NULL answers.
 */
static void
test_tree(void)
{
	static const char *const names[] = { "z", "a", "m", "n", "b" };
	struct json_doc		 doc;
	const struct json_value	*o, *v, *a;
	size_t			 i;
	int			 in_order = 1;

	o = parse(&doc, "{\"z\":1,\"a\":\"two\",\"m\":[true,null,3.5],"
	    "\"n\":null,\"b\":{}}");
	CHECK(json_is(o, JSON_OBJECT) && o->len == 5 && o->name == NULL &&
	    o->next == NULL);
	if (o == NULL)
		return;
	/* Not sorted, not hashed: the order of the text. */
	for (i = 0, v = o->u.first; v != NULL; v = v->next, i++)
		if (i >= 5 || v->name_len != strlen(names[i]) ||
		    strcmp(v->name, names[i]) != 0)
			in_order = 0;
	CHECK(in_order && i == 5);
	CHECK(get(o, "z") == o->u.first && int_is(get(o, "z"), 1));
	CHECK(json_is(get(o, "b"), JSON_OBJECT) && get(o, "b")->next == NULL &&
	    get(o, "b")->len == 0 && get(o, "b")->u.first == NULL);
	CHECK(str_is(o, "a", "two", 3));
	/* Present and null vs absent. */
	v = get(o, "n");
	CHECK(v != NULL && v->type == JSON_NULL && json_is(v, JSON_NULL));
	CHECK(get(o, "nn") == NULL && get(o, "") == NULL);
	CHECK(get(o, "Z") == NULL);
	/* Elements have no name; null in an array is a node too. */
	a = get(o, "m");
	CHECK(json_is(a, JSON_ARRAY) && a->len == 3);
	CHECK(bool_is(elem(a, 0), 1) && elem(a, 0)->name == NULL &&
	    elem(a, 0)->name_len == 0);
	CHECK(json_is(elem(a, 1), JSON_NULL) && elem(a, 1)->name == NULL);
	CHECK(real_is(elem(a, 2), 3.5) && elem(a, 2)->next == NULL);
	/* The accessors on the wrong type or on NULL. */
	CHECK(json_member(a, "m") == NULL);
	CHECK(json_member(get(o, "a"), "a") == NULL);
	CHECK(json_member(NULL, "a") == NULL);
	CHECK(json_string(get(o, "z")) == NULL);
	CHECK(json_string(get(o, "n")) == NULL);
	CHECK(json_string(NULL) == NULL);
	CHECK(json_string(get(o, "a")) != NULL &&
	    strcmp(json_string(get(o, "a")), "two") == 0);
	CHECK(!json_is(NULL, JSON_NULL));
	CHECK(!json_is(get(o, "z"), JSON_REAL));
	json_doc_free(&doc);

	/* The empty name is found, and is not "absent". */
	o = parse(&doc, "{\"x\":1,\"\":null}");
	CHECK(json_is(get(o, ""), JSON_NULL) && get(o, "")->name_len == 0 &&
	    get(o, "")->name != NULL && get(o, "")->name[0] == '\0');
	json_doc_free(&doc);
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
	/* A prefix is another name (a shorter name is not a match). */
	CHECK(accepts("{\"a\":1,\"ab\":2,\"abc\":3,\"\":4}") == 1);
}

/*
 * Large objects are checked for duplicates by sorting their names, small
 * ones pairwise (jsonparse.c): the same verdict on both sides of the
 * switch, wherever the two members are.
 */
/* 1 when members(n, orig, dup) gets the verdict want; says which if not. */
static int
members_verdict(size_t n, size_t orig, size_t dup, int want)
{
	char	*s;
	int	 got;

	if ((s = members(n, orig, dup)) == NULL)
		return 0;
	got = accepts(s);
	free(s);
	if (got == want)
		return 1;
	fprintf(stderr, "%zu members, %zu named as %zu: %d, want %d\n", n,
	    dup, orig, got, want);
	return 0;
}

static void
test_duplicates_large(void)
{
	static const size_t	 sizes[] = { 2, 3, 15, 16, 17, 33, 2000 };
	size_t			 i, n;
	int			 ok = 1;

	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		n = sizes[i];
		ok &= members_verdict(n, 0, NO_SUCH, 1);
		/* The first and the last. */
		ok &= members_verdict(n, 0, n - 1, 0);
		/* The last two: neighbours in the text and once sorted. */
		ok &= members_verdict(n, n - 2, n - 1, 0);
		/* The first two. */
		ok &= members_verdict(n, 0, 1, 0);
		if (n < 4)
			continue;
		/* In the middle: neighbours, and far apart. */
		ok &= members_verdict(n, n / 2, n / 2 + 1, 0);
		ok &= members_verdict(n, 1, n / 2, 0);
		ok &= members_verdict(n, n / 2, n - 2, 0);
	}
	CHECK(ok);

	/* Equal once decoded, in an object past the pairwise size. */
	CHECK(accepts("{\"a\":0,\"b\":1,\"c\":2,\"d\":3,\"e\":4,\"f\":5,"
	    "\"g\":6,\"h\":7,\"i\":8,\"j\":9,\"k\":10,\"l\":11,\"m\":12,"
	    "\"n\":13,\"o\":14,\"p\":15,\"q\":16,\"\\u0061\":17}") == 0);
	CHECK(accepts("{\"a\":0,\"b\":1,\"c\":2,\"d\":3,\"e\":4,\"f\":5,"
	    "\"g\":6,\"h\":7,\"i\":8,\"j\":9,\"k\":10,\"l\":11,\"m\":12,"
	    "\"n\":13,\"o\":14,\"p\":15,\"q\":16,\"\\u0062b\":17}") == 1);
	/* A duplicate in a large nested object refuses the whole text. */
	CHECK(accepts("{\"x\":{\"a\":0,\"b\":1,\"c\":2,\"d\":3,\"e\":4,"
	    "\"f\":5,\"g\":6,\"h\":7,\"i\":8,\"j\":9,\"k\":10,\"l\":11,"
	    "\"m\":12,\"n\":13,\"o\":14,\"p\":15,\"q\":16,\"i\":17}}") == 0);
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
	CHECK(accepts_n(NULL, 0) == 0);
	CHECK(accepts_n("{}", 0) == 0);
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
	/* The ends of int64 are integers. */
	CHECK(accepts("{\"a\":9223372036854775807}") == 1);
	CHECK(accepts("{\"a\":-9223372036854775808}") == 1);
	/* A double that overflows is refused too (RFC 8259 9: limits). */
	CHECK(accepts("{\"a\":1e400}") == 0);
	/* 63 characters are read, 64 are not: no claim needs more. */
	CHECK(accepts("{\"a\":0.000000000000000000000000000000000000000000"
	    "0000000000000000001}") == 1);
	CHECK(accepts("{\"a\":0.000000000000000000000000000000000000000000"
	    "00000000000000000001}") == 0);
}

/*
 * Regression: an integer literal past int64 was refused, and with it the
 * whole text. GoTrue decodes user_metadata to float64 and writes integers
 * in [2^63, 1e21) without an exponent, so a user could make their own
 * genuine token unparseable (401 bad_json, each retry a failure against
 * their address). Such a literal is a JSON_REAL, as strtod reads it, never
 * a clamped integer: a claim that must be an integer refuses it there.
 */
static void
test_big_integers(void)
{
	struct json_doc		 doc;
	const struct json_value	*o;

	o = parse(&doc, "{\"g\":12345678901234567000,"
	    "\"p\":9223372036854775808,\"n\":-9223372036854775809,"
	    "\"u\":18446744073709551616,"
	    "\"m\":{\"n\":99999999999999999999999999999}}");
	CHECK(o != NULL);
	CHECK(real_is(get(o, "g"), 12345678901234567000.0));
	CHECK(real_is(get(o, "p"), 9223372036854775808.0));
	CHECK(real_is(get(o, "n"), -9223372036854775809.0));
	CHECK(real_is(get(o, "u"), 18446744073709551616.0));
	CHECK(real_is(get(get(o, "m"), "n"), 99999999999999999999999999999.0));
	CHECK(!json_is(get(o, "g"), JSON_INT));
	json_doc_free(&doc);
	/* Still refused: the grammar, and more than 63 characters. */
	CHECK(accepts("{\"a\":012345678901234567000}") == 0);
	CHECK(accepts("{\"a\":-012345678901234567000}") == 0);
	CHECK(accepts("{\"a\":1234567890123456789012345678901234567890"
	    "123456789012345678901234}") == 0);
}

static void
test_depth(void)
{
	char	*s;

	/*
	 * JSONPARSE_MAX_DEPTH (64) levels, the outer object included.
	 * Regression: it was 16, and user_metadata (the user's to write,
	 * two levels down in a token) nested 15 deep refused the user's own
	 * token as bad_json.
	 */
	CHECK(JSONPARSE_MAX_DEPTH == 64);
	s = nested(20, 0);
	CHECK(s != NULL && accepts(s) == 1);
	free(s);
	s = nested(64, 0);
	CHECK(s != NULL && accepts(s) == 1);
	free(s);
	s = nested(65, 0);
	CHECK(s != NULL && accepts(s) == 0);
	free(s);
	s = nested(64, 1);
	CHECK(s != NULL && accepts(s) == 1);
	free(s);
	s = nested(65, 1);
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

/*
 * Past the inline block: a tree that needs heap chunks is read whole and
 * json_doc_free gives every chunk back (LeakSanitizer checks the latter).
 */
static void
test_big(void)
{
	struct json_doc		 doc;
	const struct json_value	*o, *v;
	char			*s, name[32];
	size_t			 i, n, len;
	int			 ok;

	/* 2000 members: nodes and names alone are several chunks. */
	s = members(2000, 0, NO_SUCH);
	CHECK(s != NULL);
	if (s == NULL)
		return;
	o = parse(&doc, s);
	CHECK(json_is(o, JSON_OBJECT) && o->len == 2000);
	ok = o != NULL;
	for (i = 0, v = o != NULL ? o->u.first : NULL; v != NULL;
	    v = v->next, i++) {
		snprintf(name, sizeof(name), "k%zu", i);
		if (v->name_len != strlen(name) || strcmp(v->name, name) != 0 ||
		    !int_is(v, (long long)i))
			ok = 0;
	}
	CHECK(ok && i == 2000);
	/* json_member finds the first, the last and one in between. */
	CHECK(o != NULL && get(o, "k0") == o->u.first);
	CHECK(int_is(get(o, "k1999"), 1999) && get(o, "k1999")->next == NULL);
	CHECK(int_is(get(o, "k1000"), 1000));
	CHECK(get(o, "k2000") == NULL);
	json_doc_free(&doc);
	CHECK(doc.root == NULL);
	/* A doc is reusable once freed. */
	CHECK(json_parse(&doc, s, strlen(s)) == 0 && doc.root->len == 2000);
	json_doc_free(&doc);
	free(s);

	/* A 100 KB string, escapes at both ends, one allocation of its own. */
	n = (size_t)100 * 1024;
	len = n + 32;
	if ((s = malloc(len)) == NULL) {
		CHECK(s != NULL);
		return;
	}
	memcpy(s, "{\"s\":\"\\u00e9", 12);
	memset(s + 12, 'x', n);
	memcpy(s + 12 + n, "\\n\",\"t\":1}", 11);
	o = parse(&doc, s);
	v = get(o, "s");
	CHECK(json_is(v, JSON_STRING) && v->len == n + 3);
	ok = v != NULL && v->len == n + 3 &&
	    memcmp(v->u.string, "\xc3\xa9", 2) == 0 &&
	    v->u.string[n + 2] == '\n' && v->u.string[n + 3] == '\0';
	for (i = 2; ok && i < n + 2; i++)
		if (v->u.string[i] != 'x')
			ok = 0;
	CHECK(ok);
	CHECK(int_is(get(o, "t"), 1));
	json_doc_free(&doc);
	free(s);

	/*
	 * Strings of every size around the inline block's: the one that no
	 * longer fits starts the first chunk, and its neighbours before it
	 * stay where they were.
	 */
	len = JSON_DOC_INLINE + 256;
	if ((s = malloc(len + 32)) == NULL) {
		CHECK(s != NULL);
		return;
	}
	ok = 1;
	for (n = JSON_DOC_INLINE - 256; n < len; n++) {
		memcpy(s, "{\"a\":\"", 6);
		memset(s + 6, 'y', n);
		memcpy(s + 6 + n, "\",\"b\":[\"z\"]}", 13);
		o = parse(&doc, s);
		v = get(o, "a");
		if (v == NULL || v->len != n || v->u.string[0] != 'y' ||
		    v->u.string[n - 1] != 'y' || v->u.string[n] != '\0' ||
		    json_string(elem(get(o, "b"), 0)) == NULL ||
		    strcmp(json_string(elem(get(o, "b"), 0)), "z") != 0) {
			fprintf(stderr, "string of %zu bytes\n", n);
			ok = 0;
		}
		json_doc_free(&doc);
	}
	CHECK(ok);
	free(s);

	/* The text bound: JSONPARSE_MAX_TEXT bytes are read, one more not. */
	len = JSONPARSE_MAX_TEXT;
	if ((s = malloc(len + 1)) == NULL) {
		CHECK(s != NULL);
		return;
	}
	memcpy(s, "{\"s\":\"", 6);
	memset(s + 6, 'w', len - 8);
	memcpy(s + len - 2, "\"}", 2);
	CHECK(accepts_n(s, len) == 1);
	s[len] = ' ';
	CHECK(accepts_n(s, len + 1) == 0);
	free(s);
}

/*
 * A refusal leaves doc->root NULL and nothing to free, wherever the parse
 * stopped: in the inline block, or after it had taken heap chunks. The
 * second case is not freed here on purpose, so that a chunk left behind
 * is a leak LeakSanitizer reports; json_doc_free on a refused doc, even
 * twice, is still safe, as on one json_doc_init made.
 */
static void
test_refused(void)
{
	struct json_doc	 doc;
	char		*s;
	size_t		 len;

	doc.root = (const struct json_value *)&doc;
	CHECK(json_parse(&doc, "{\"a\":1,}", 8) == -1 && doc.root == NULL);
	json_doc_free(&doc);
	CHECK(doc.root == NULL);
	json_doc_free(&doc);
	CHECK(doc.root == NULL);

	/* Refused at its very end, after 2000 members' worth of chunks. */
	s = members(2000, 0, NO_SUCH);
	CHECK(s != NULL);
	if (s == NULL)
		return;
	len = strlen(s);
	s[len - 1] = ',';
	doc.root = (const struct json_value *)&doc;
	CHECK(json_parse(&doc, s, len) == -1 && doc.root == NULL);
	/* The duplicate found only when the object closes. */
	free(s);
	s = members(2000, 5, 1999);
	CHECK(s != NULL);
	if (s == NULL)
		return;
	doc.root = (const struct json_value *)&doc;
	CHECK(json_parse(&doc, s, strlen(s)) == -1 && doc.root == NULL);
	json_doc_free(&doc);
	json_doc_free(&doc);
	CHECK(doc.root == NULL);
	free(s);

	/* A doc that never saw a parse, only json_doc_init, frees too. */
	doc.root = (const struct json_value *)&doc;
	json_doc_init(&doc);
	CHECK(doc.root == NULL);
	json_doc_free(&doc);
	json_doc_free(&doc);
	CHECK(doc.root == NULL);

	/* An accepted doc freed twice: the second is a no-op. */
	CHECK(json_parse(&doc, "{\"a\":[1,2]}", 11) == 0 && doc.root != NULL);
	json_doc_free(&doc);
	json_doc_free(&doc);
	CHECK(doc.root == NULL);
}

/*
 * An escape as the last thing in a string: a decoder that reads its
 * \uXXXX (or the pair's second half) from past the closing quote, or
 * takes an escaped quote for the closing one, shows here.
 */
/* The text parses and its member name is the string want (wlen bytes). */
static int
value_is(const char *text, const char *name, const char *want, size_t wlen)
{
	struct json_doc		 doc;
	int			 ok;

	ok = str_is(parse(&doc, text), name, want, wlen);
	json_doc_free(&doc);
	return ok;
}

static void
test_string_end(void)
{
	struct json_doc		 doc;
	const struct json_value	*o;

	CHECK(value_is("{\"a\":\"\\u00e9\"}", "a", "\xc3\xa9", 2));
	CHECK(value_is("{\"a\":\"\\u00E9\"}", "a", "\xc3\xa9", 2));
	o = parse(&doc, "{\"a\":\"x\\u00e9\",\"\\u00e9\":\"\\u00e9\"}");
	CHECK(str_is(o, "a", "x\xc3\xa9", 3));
	CHECK(str_is(o, "\xc3\xa9", "\xc3\xa9", 2));
	json_doc_free(&doc);
	CHECK(value_is("{\"a\":\"\\ud83d\\ude00\"}", "a", "\xf0\x9f\x98\x80", 4));
	/* "\\": a backslash */
	CHECK(value_is("{\"a\":\"\\\\\"}", "a", "\\", 1));
	/* "\"": a quote */
	CHECK(value_is("{\"a\":\"\\\"\"}", "a", "\"", 1));

	/* A lone high surrogate just before the quote, in a value or a name. */
	CHECK(accepts("{\"a\":\"\\ud83d\"}") == 0);
	CHECK(accepts("{\"\\ud83d\":1}") == 0);
	CHECK(accepts("{\"a\":\"\\ud83d\\\"}") == 0);
	CHECK(accepts("{\"a\":\"\\ud83d\\u\"}") == 0);
	CHECK(accepts("{\"a\":\"\\ud83d\\ude0\"}") == 0);
	CHECK(accepts("{\"a\":\"\\ud83d\\u\"}\"}") == 0);
	/* Cut \u escapes: the quote is not a hex digit. */
	CHECK(accepts("{\"a\":\"\\u00e\"}") == 0);
	CHECK(accepts("{\"a\":\"\\u\"}") == 0);
	CHECK(accepts("{\"a\":\"\\u\"}\"}") == 0);
	/* A backslash as the last byte before the quote escapes it. */
	CHECK(accepts("{\"a\":\"a\\\"}") == 0);
	CHECK(accepts("{\"a\\\":1}") == 0);
	CHECK(accepts("{\"a\":\"\\\"}") == 0);
	/* ... and as the last byte of the text. */
	CHECK(accepts("{\"a\":\"\\") == 0);
	CHECK(accepts("{\"a\":\"\\u00e9") == 0);
	CHECK(accepts("{\"a\":\"\\u00e9\"") == 0);
	/* The escaped quote is content, the next one closes. */
	o = parse(&doc, "{\"a\":\"a\\\"\",\"b\":\"\\\"}\"}");
	CHECK(str_is(o, "a", "a\"", 2));
	CHECK(str_is(o, "b", "\"}", 2));
	json_doc_free(&doc);
}

/*
 * 30,000 members with distinct names: the duplicate check sorts, so this
 * is n log n name comparisons, not the 450 million of a pairwise check.
 * No clock here; a quadratic check would make the suite visibly slow.
 */
static void
test_many(void)
{
	struct json_doc		 doc;
	const struct json_value	*o;
	char			*s;

	s = members(30000, 0, NO_SUCH);
	CHECK(s != NULL);
	if (s == NULL)
		return;
	o = parse(&doc, s);
	CHECK(json_is(o, JSON_OBJECT) && o->len == 30000);
	CHECK(int_is(get(o, "k29999"), 29999));
	json_doc_free(&doc);
	free(s);
	/* And one duplicate among them, far apart. */
	s = members(30000, 3, 29998);
	CHECK(s != NULL && accepts(s) == 0);
	free(s);
}

int
main(void)
{
	test_valid();
	test_tree();
	test_duplicates();
	test_duplicates_large();
	test_top_level();
	test_nul();
	test_surrogates();
	test_utf8();
	test_numbers();
	test_big_integers();
	test_depth();
	test_syntax();
	test_big();
	test_refused();
	test_string_end();
	test_many();
	return CHECK_DONE();
}
