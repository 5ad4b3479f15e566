/*
 * The strict JSON reader (src/jsonparse.c) that every header, payload and
 * body goes through, read against json-c's own tokener: two readers of one
 * token must never see different claims.
 *
 * Whatever the input: no crash, no leak, and doc.root NULL on a refusal.
 * When it parses:
 *  - the text starts with '{' and the root is an object;
 *  - every name and string is valid UTF-8 with no NUL inside (strlen is
 *    its len);
 *  - json-c, strict, reading exactly these bytes, accepts them too and
 *    builds the same tree: same types, members in the same order, strings
 *    byte-equal, numbers equal. Only that way round: json-c accepts what
 *    we refuse on purpose (duplicate names, keeping the last; lone
 *    surrogates, as U+FFFD; \u0000 and raw control bytes; "-01"; reals
 *    that underflow to subnormal or zero). An integer literal past long
 *    long is a real to us (a claim that must be an integer refuses it)
 *    and json-c's INT64_MIN or INT64_MAX, clamped;
 *  - what json-c writes of its tree (plain, pretty, slashes unescaped)
 *    parses again, with ours, to the same tree: nothing we accept is
 *    something we cannot read back once re-written.
 * One exception, json-c's bug and not ours: before 0.19 it misreads some
 * escaped surrogate pairs (jsonc_misreads). For a text holding one, its
 * tree is no reference; json-c writes a tree built from ours instead.
 */
#include <math.h>
#include <stdint.h>
#include <string.h>

#include <json-c/json.h>

#include "fuzz.h"
#include "jsonparse.h"
#include "utf8.h"

#define IN_MAX	((size_t)64 * 1024)	/* the reader's own limit is 1 MiB */

/*
 * json-c's bound counts every value, scalars too, where ours counts
 * containers: a scalar in our deepest container is one level more. No
 * slack beyond that, so a bound of ours one too loose shows as well.
 */
#define JSONC_DEPTH	(JSONPARSE_MAX_DEPTH + 1)

static int	hex4(const uint8_t *, unsigned *);
static int	jsonc_misreads(const uint8_t *, size_t);
static struct json_object *to_jsonc(const struct json_value *);
static void	text_ok(const char *, size_t);
static void	same_as_jsonc(const struct json_value *,
		    struct json_object *);
static void	same_tree(const struct json_value *,
		    const struct json_value *);
static void	roundtrip(const struct json_value *, struct json_object *,
		    int);
static struct json_object *jsonc_parse(const uint8_t *, size_t);

static int
hex4(const uint8_t *p, unsigned *out)
{
	unsigned	 v = 0;
	int		 i;

	for (i = 0; i < 4; i++) {
		v <<= 4;
		if (p[i] >= '0' && p[i] <= '9')
			v |= p[i] - '0';
		else if ((p[i] | 0x20) >= 'a' && (p[i] | 0x20) <= 'f')
			v |= (p[i] | 0x20) - 'a' + 10;
		else
			return -1;
	}
	*out = v;
	return 0;
}

/*
 * 1 when json-c would misread the text: before 0.19 its IS_HIGH_SURROGATE
 * and IS_LOW_SURROGATE masked 16 bits only, so a pair whose code point has
 * D800-DFFF in its low 16 bits (U+1D800-U+1DFFF, U+2D800-U+2DFFF, ...: a
 * high surrogate whose low 6 bits are 0x36 or 0x37) came out as U+FFFD
 * (json-c pull request 893, commit 7974657). The text is one we accepted,
 * so a high surrogate is always the first half of a pair.
 */
static int
jsonc_misreads(const uint8_t *p, size_t n)
{
#if JSON_C_VERSION_NUM < ((0 << 16) | (19 << 8))
	unsigned	 hi;
	size_t		 i;

	for (i = 0; i + 1 < n; i++) {
		if (p[i] != '\\')
			continue;
		if (p[i + 1] == 'u' && n - i >= 6 && hex4(p + i + 2, &hi) == 0 &&
		    (hi & 0xfc3e) == 0xd836)
			return 1;
		i++;	/* past the escaped byte: in \\ud836, u is text */
	}
#else
	(void)p;
	(void)n;
#endif
	return 0;
}

/* Our tree as json-c objects (null is NULL), for json-c's writer. */
static struct json_object *
to_jsonc(const struct json_value *v)
{
	const struct json_value	*m;
	struct json_object	*o = NULL;

	switch (v->type) {
	case JSON_NULL:
		return NULL;
	case JSON_BOOL:
		o = json_object_new_boolean(v->u.boolean);
		break;
	case JSON_INT:
		o = json_object_new_int64(v->u.integer);
		break;
	case JSON_REAL:
		/* Written "%.17g": exact, and never subnormal (refused). */
		o = json_object_new_double(v->u.real);
		break;
	case JSON_STRING:
		o = json_object_new_string_len(v->u.string, (int)v->len);
		break;
	case JSON_ARRAY:
		FUZZ_CHECK((o = json_object_new_array()) != NULL);
		for (m = v->u.first; m != NULL; m = m->next)
			FUZZ_CHECK(json_object_array_add(o, to_jsonc(m)) == 0);
		break;
	case JSON_OBJECT:
		FUZZ_CHECK((o = json_object_new_object()) != NULL);
		for (m = v->u.first; m != NULL; m = m->next)
			FUZZ_CHECK(json_object_object_add(o, m->name,
			    to_jsonc(m)) == 0);
		break;
	}
	FUZZ_CHECK(o != NULL);
	return o;
}

/* A name or a string: no NUL inside, NUL right after, valid UTF-8. */
static void
text_ok(const char *s, size_t len)
{
	const unsigned char	*p = (const unsigned char *)s;
	uint32_t		 cp;
	size_t			 i, n;

	FUZZ_CHECK(s != NULL);
	FUZZ_CHECK(strlen(s) == len);
	for (i = 0; i < len; i += n)
		FUZZ_CHECK((n = utf8_decode(p + i, len - i, &cp)) > 0);
}

/* Reals: equal, and the same zero (-0.0 == 0.0, but is not written so). */
#define SAME_REAL(a, b)	((a) == (b) && !isnan(a) && \
	    signbit(a) == signbit(b))

/* Set by same_as_jsonc when json-c clamped an integer: its tree is then
 * no reference for the round trip, as with jsonc_misreads. */
static int	 jsonc_clamped;

/* Our v against json-c's o (NULL is json-c's null); aborts on a difference. */
static void
same_as_jsonc(const struct json_value *v, struct json_object *o)
{
	const struct json_value		*m;
	struct json_object_iterator	 it, end;
	const char			*name;
	size_t				 i;

	FUZZ_CHECK(v != NULL);
	switch (v->type) {
	case JSON_NULL:
		FUZZ_CHECK(o == NULL);
		return;
	case JSON_BOOL:
		FUZZ_CHECK(json_object_is_type(o, json_type_boolean));
		FUZZ_CHECK(v->u.boolean == 0 || v->u.boolean == 1);
		FUZZ_CHECK(v->u.boolean == json_object_get_boolean(o));
		return;
	case JSON_INT:
		FUZZ_CHECK(json_object_is_type(o, json_type_int));
		FUZZ_CHECK(v->u.integer == json_object_get_int64(o));
		return;
	case JSON_REAL:
		if (json_object_is_type(o, json_type_int)) {
			/*
			 * An integer literal past long long: ours is the
			 * double strtod reads (jsonparse.h), json-c clamps
			 * it to INT64_MIN or INT64_MAX without a word.
			 */
			FUZZ_CHECK(fabs(v->u.real) >= 9223372036854775808.0);
			FUZZ_CHECK(json_object_get_int64(o) ==
			    (v->u.real > 0 ? INT64_MAX : INT64_MIN));
			jsonc_clamped = 1;
			return;
		}
		FUZZ_CHECK(json_object_is_type(o, json_type_double));
		FUZZ_CHECK(SAME_REAL(v->u.real, json_object_get_double(o)));
		return;
	case JSON_STRING:
		text_ok(v->u.string, v->len);
		FUZZ_CHECK(json_object_is_type(o, json_type_string));
		FUZZ_CHECK((size_t)json_object_get_string_len(o) == v->len);
		FUZZ_CHECK(memcmp(json_object_get_string(o), v->u.string,
		    v->len) == 0);
		return;
	case JSON_ARRAY:
		FUZZ_CHECK(json_object_is_type(o, json_type_array));
		FUZZ_CHECK(json_object_array_length(o) == v->len);
		for (i = 0, m = v->u.first; m != NULL; m = m->next, i++) {
			FUZZ_CHECK(i < v->len);
			FUZZ_CHECK(m->name == NULL && m->name_len == 0);
			same_as_jsonc(m, json_object_array_get_idx(o, i));
		}
		FUZZ_CHECK(i == v->len);
		return;
	case JSON_OBJECT:
		FUZZ_CHECK(json_object_is_type(o, json_type_object));
		FUZZ_CHECK((size_t)json_object_object_length(o) == v->len);
		/* json-c keeps insertion order; with no duplicate, ours. */
		it = json_object_iter_begin(o);
		end = json_object_iter_end(o);
		for (i = 0, m = v->u.first; m != NULL; m = m->next, i++) {
			FUZZ_CHECK(i < v->len);
			FUZZ_CHECK(!json_object_iter_equal(&it, &end));
			text_ok(m->name, m->name_len);
			name = json_object_iter_peek_name(&it);
			FUZZ_CHECK(strlen(name) == m->name_len);
			FUZZ_CHECK(memcmp(name, m->name, m->name_len) == 0);
			/* Found by name, first or last: no duplicate hid it. */
			if (i == 0 || m->next == NULL)
				FUZZ_CHECK(json_member(v, m->name) == m);
			same_as_jsonc(m, json_object_iter_peek_value(&it));
			json_object_iter_next(&it);
		}
		FUZZ_CHECK(i == v->len);
		FUZZ_CHECK(json_object_iter_equal(&it, &end));
		return;
	}
	fuzz_fail(__FILE__, __LINE__, "a json_value of no known type");
}

/* Two trees of ours, names included; aborts on a difference. */
static void
same_tree(const struct json_value *a, const struct json_value *b)
{
	const struct json_value	*x, *y;

	FUZZ_CHECK(a != NULL && b != NULL);
	FUZZ_CHECK(a->type == b->type);
	FUZZ_CHECK(a->name_len == b->name_len);
	FUZZ_CHECK((a->name == NULL) == (b->name == NULL));
	if (a->name != NULL)
		FUZZ_CHECK(memcmp(a->name, b->name, a->name_len) == 0);
	switch (a->type) {
	case JSON_NULL:
		return;
	case JSON_BOOL:
		FUZZ_CHECK(a->u.boolean == b->u.boolean);
		return;
	case JSON_INT:
		FUZZ_CHECK(a->u.integer == b->u.integer);
		return;
	case JSON_REAL:
		FUZZ_CHECK(SAME_REAL(a->u.real, b->u.real));
		return;
	case JSON_STRING:
		FUZZ_CHECK(a->len == b->len);
		FUZZ_CHECK(memcmp(a->u.string, b->u.string, a->len) == 0);
		return;
	case JSON_ARRAY:
	case JSON_OBJECT:
		FUZZ_CHECK(a->len == b->len);
		for (x = a->u.first, y = b->u.first; x != NULL && y != NULL;
		    x = x->next, y = y->next)
			same_tree(x, y);
		FUZZ_CHECK(x == NULL && y == NULL);
		return;
	}
	fuzz_fail(__FILE__, __LINE__, "a json_value of no known type");
}

/* json-c writes o with flags; ours reads that back to the tree root. */
static void
roundtrip(const struct json_value *root, struct json_object *o, int flags)
{
	struct json_doc	 again;
	const char	*s;
	char		*copy;
	size_t		 len;

	s = json_object_to_json_string_ext(o, flags);
	FUZZ_CHECK(s != NULL);
	len = strlen(s);
	/* Our own heap copy, exactly len bytes: no NUL to lean on. */
	copy = malloc(len > 0 ? len : 1);
	FUZZ_CHECK(copy != NULL);
	memcpy(copy, s, len);
	if (json_parse(&again, copy, len) != 0) {
		fprintf(stderr, "json-c wrote what we refuse: %s\n", s);
		fuzz_fail(__FILE__, __LINE__, "json-c output re-parses");
	}
	same_tree(root, again.root);
	json_doc_free(&again);
	free(copy);
}

/*
 * json-c's tokener on exactly size bytes, strict, its UTF-8 check on, all
 * of them read: its object, or NULL when it refuses (the caller puts it).
 */
static struct json_object *
jsonc_parse(const uint8_t *data, size_t size)
{
	struct json_tokener	*tok;
	struct json_object	*o;

	tok = json_tokener_new_ex(JSONC_DEPTH);
	FUZZ_CHECK(tok != NULL);
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT |
	    JSON_TOKENER_VALIDATE_UTF8);
	o = json_tokener_parse_ex(tok, (const char *)data, (int)size);
	if (json_tokener_get_error(tok) != json_tokener_success ||
	    json_tokener_get_parse_end(tok) != size) {
		fprintf(stderr, "json-c: %s at byte %zu\n",
		    json_tokener_error_desc(json_tokener_get_error(tok)),
		    json_tokener_get_parse_end(tok));
		json_object_put(o);
		o = NULL;
	}
	json_tokener_free(tok);
	return o;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct json_doc		 doc;
	struct json_object	*jc;
	size_t			 i = 0;

	if (size > IN_MAX)
		size = IN_MAX;
	/* Poisoned: json_parse must set root either way. */
	doc.root = (const struct json_value *)&doc;
	if (json_parse(&doc, (const char *)data, size) != 0) {
		FUZZ_CHECK(doc.root == NULL);
		json_doc_free(&doc);
		return 0;
	}
	FUZZ_CHECK(json_is(doc.root, JSON_OBJECT));
	FUZZ_CHECK(doc.root->name == NULL && doc.root->next == NULL);
	while (i < size && (data[i] == ' ' || data[i] == '\t' ||
	    data[i] == '\n' || data[i] == '\r'))
		i++;
	FUZZ_CHECK(i < size && data[i] == '{');

	if (jsonc_misreads(data, size))
		jc = to_jsonc(doc.root);
	else {
		if ((jc = jsonc_parse(data, size)) == NULL)
			fuzz_fail(__FILE__, __LINE__,
			    "json-c reads what we accept");
		jsonc_clamped = 0;
		same_as_jsonc(doc.root, jc);
		if (jsonc_clamped) {
			json_object_put(jc);
			jc = to_jsonc(doc.root);
		}
	}

	roundtrip(doc.root, jc, JSON_C_TO_STRING_PLAIN);
	roundtrip(doc.root, jc, JSON_C_TO_STRING_PRETTY);
	roundtrip(doc.root, jc,
	    JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
	json_object_put(jc);
	json_doc_free(&doc);
	return 0;
}
