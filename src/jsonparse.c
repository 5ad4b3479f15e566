#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "jsonparse.h"
#include "utf8.h"

/*
 * Heap room once the inline block is full: a chunk holds at least this
 * much, or one allocation that is larger (a long string).
 */
#define CHUNK_MIN	((size_t)16384)
/* Objects up to this size are checked for duplicate names pairwise. */
#define PAIRWISE_MAX	16

struct json_chunk {
	struct json_chunk	*prev;
	size_t			 cap;
	size_t			 used;
	_Alignas(16) unsigned char data[];
};

struct parser {
	const unsigned char	*p;
	const unsigned char	*end;
	int			 depth;
	struct json_doc		*doc;
};

static int	parse_value(struct parser *, struct json_value *);

/* Bump allocation from the doc, 16-byte aligned; NULL when out of memory. */
static void *
doc_alloc(struct json_doc *doc, size_t n)
{
	struct json_chunk	*c = doc->chunks;
	size_t			 cap;
	void			*r;

	n = (n + 15) & ~(size_t)15;
	if (c == NULL && JSON_DOC_INLINE - doc->used >= n) {
		r = doc->inline_block + doc->used;
		doc->used += n;
		return r;
	}
	if (c == NULL || c->cap - c->used < n) {
		cap = n > CHUNK_MIN ? n : CHUNK_MIN;
		if ((c = malloc(sizeof(*c) + cap)) == NULL)
			return NULL;
		c->prev = doc->chunks;
		c->cap = cap;
		c->used = 0;
		doc->chunks = c;
	}
	r = c->data + c->used;
	c->used += n;
	return r;
}

void
json_doc_init(struct json_doc *doc)
{
	doc->root = NULL;
	doc->chunks = NULL;
	doc->used = 0;
}

void
json_doc_free(struct json_doc *doc)
{
	struct json_chunk	*c, *prev;

	for (c = doc->chunks; c != NULL; c = prev) {
		prev = c->prev;
		free(c);
	}
	json_doc_init(doc);
}

static void
skip_ws(struct parser *ps)
{
	while (ps->p < ps->end && (*ps->p == ' ' || *ps->p == '\t' ||
	    *ps->p == '\n' || *ps->p == '\r'))
		ps->p++;
}

static int
hex4(struct parser *ps, unsigned *out)
{
	unsigned	 v = 0;
	int		 i;

	if (ps->end - ps->p < 4)
		return -1;
	for (i = 0; i < 4; i++) {
		unsigned char c = *ps->p++;
		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= c - '0';
		else if (c >= 'a' && c <= 'f')
			v |= c - 'a' + 10;
		else if (c >= 'A' && c <= 'F')
			v |= c - 'A' + 10;
		else
			return -1;
	}
	*out = v;
	return 0;
}

/* After a backslash's 'u': one code point, a surrogate pair joined. */
static int
escaped_code_point(struct parser *ps, unsigned *out)
{
	unsigned	 cp, lo;

	if (hex4(ps, &cp) == -1)
		return -1;
	if (cp >= 0xdc00 && cp <= 0xdfff)
		return -1;
	if (cp >= 0xd800 && cp <= 0xdbff) {
		if (ps->end - ps->p < 2 || ps->p[0] != '\\' || ps->p[1] != 'u')
			return -1;
		ps->p += 2;
		if (hex4(ps, &lo) == -1 || lo < 0xdc00 || lo > 0xdfff)
			return -1;
		cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
	}
	/* NUL would truncate C strings downstream. */
	if (cp == 0)
		return -1;
	*out = cp;
	return 0;
}

/*
 * The string starting after its opening quote, decoded into the doc.
 * Its source runs to the first unescaped quote, and a decoded string is
 * never longer than its source: that bounds the allocation before a byte
 * is decoded. Returns 0, or -1 for a malformed string.
 */
static int
parse_string(struct parser *ps, const char **out, size_t *outlen)
{
	const unsigned char	*q = ps->p, *b;
	char			*buf;
	size_t			 n = 0;

	/*
	 * Most strings are printable ASCII to their quote: one scan finds
	 * both, and the copy is the whole string.
	 */
	n = utf8_json_plain(q, (size_t)(ps->end - q), true);
	if (q + n < ps->end && q[n] == '"') {
		if ((buf = doc_alloc(ps->doc, n + 1)) == NULL)
			return -1;
		memcpy(buf, q, n);
		buf[n] = '\0';
		ps->p = q + n + 1;
		*out = buf;
		*outlen = n;
		return 0;
	}
	n = 0;
	/* The first quote after an even run of backslashes (none counts). */
	for (;;) {
		if ((q = memchr(q, '"', (size_t)(ps->end - q))) == NULL)
			return -1;
		for (b = q; b > ps->p && b[-1] == '\\'; b--)
			;
		if ((q - b) % 2 == 0)
			break;
		q++;
	}
	if ((buf = doc_alloc(ps->doc, (size_t)(q - ps->p) + 1)) == NULL)
		return -1;
	while (ps->p < q) {
		const unsigned char	*run = ps->p;
		unsigned char		 c;
		unsigned		 cp;
		uint32_t		 cp8;
		size_t			 len;

		/* Printable ASCII is most of any token: copied a run at once. */
		ps->p += utf8_json_plain(ps->p, (size_t)(q - ps->p), true);
		memcpy(buf + n, run, (size_t)(ps->p - run));
		n += (size_t)(ps->p - run);
		if (ps->p == q)
			break;
		if ((c = *ps->p) < 0x20)
			return -1;
		if (c != '\\') {
			if ((len = utf8_decode(ps->p, (size_t)(q - ps->p),
			    &cp8)) == 0)
				return -1;
			memcpy(buf + n, ps->p, len);
			ps->p += len;
			n += len;
			continue;
		}
		ps->p++;
		switch (*ps->p++) {
		case '"': buf[n++] = '"'; continue;
		case '\\': buf[n++] = '\\'; continue;
		case '/': buf[n++] = '/'; continue;
		case 'b': buf[n++] = '\b'; continue;
		case 'f': buf[n++] = '\f'; continue;
		case 'n': buf[n++] = '\n'; continue;
		case 'r': buf[n++] = '\r'; continue;
		case 't': buf[n++] = '\t'; continue;
		case 'u': break;
		default: return -1;
		}
		/* A \u escape reads up to 12 bytes: never past the quote. */
		if (escaped_code_point(ps, &cp) == -1 || ps->p > q)
			return -1;
		n += utf8_encode(buf + n, cp);
	}
	ps->p = q + 1;
	buf[n] = '\0';
	*out = buf;
	*outlen = n;
	return 0;
}

static void
skip_digits(struct parser *ps)
{
	while (ps->p < ps->end && *ps->p >= '0' && *ps->p <= '9')
		ps->p++;
}

/* At least one digit, then as many as follow. */
static int
digits(struct parser *ps)
{
	if (ps->p >= ps->end || *ps->p < '0' || *ps->p > '9')
		return -1;
	skip_digits(ps);
	return 0;
}

static int
parse_number(struct parser *ps, struct json_value *v)
{
	const unsigned char	*start = ps->p;
	char			 tmp[64];
	size_t			 len;

	v->type = JSON_INT;
	if (ps->p < ps->end && *ps->p == '-')
		ps->p++;
	if (ps->p < ps->end && *ps->p == '0')
		ps->p++;
	else if (digits(ps) == -1)
		return -1;
	if (ps->p < ps->end && *ps->p == '.') {
		v->type = JSON_REAL;
		ps->p++;
		if (digits(ps) == -1)
			return -1;
	}
	if (ps->p < ps->end && (*ps->p == 'e' || *ps->p == 'E')) {
		v->type = JSON_REAL;
		ps->p++;
		if (ps->p < ps->end && (*ps->p == '+' || *ps->p == '-'))
			ps->p++;
		if (digits(ps) == -1)
			return -1;
	}
	len = (size_t)(ps->p - start);
	if (len >= sizeof(tmp))
		return -1;	/* no claim of ours needs 63 digits */
	memcpy(tmp, start, len);
	tmp[len] = '\0';
	errno = 0;
	if (v->type == JSON_INT) {
		v->u.integer = strtoll(tmp, NULL, 10);
		if (errno != ERANGE)
			return 0;
		/*
		 * Past long long: a JSON_REAL, as strtod reads it, never a
		 * clamped integer. GoTrue writes a user_metadata number (a
		 * float64) in [2^63, 1e21) without an exponent, and refusing
		 * it would refuse the user's genuine token; a claim that must
		 * be an integer (exp, nbf, iat) refuses a REAL where it is
		 * read.
		 */
		v->type = JSON_REAL;
		errno = 0;
	}
	v->u.real = strtod(tmp, NULL);
	/* A double that overflows or underflows is refused. */
	return errno == ERANGE ? -1 : 0;
}

static int
literal(struct parser *ps, const char *word)
{
	size_t	 n = strlen(word);

	if ((size_t)(ps->end - ps->p) < n || memcmp(ps->p, word, n) != 0)
		return -1;
	ps->p += n;
	return 0;
}

/*
 * After a member or an element: 1 when a ',' says another follows, 0 when
 * close ends the container, -1 for anything else.
 */
static int
after_item(struct parser *ps, char close)
{
	skip_ws(ps);
	if (ps->p >= ps->end)
		return -1;
	if (*ps->p == ',') {
		ps->p++;
		return 1;
	}
	if (*ps->p == (unsigned char)close) {
		ps->p++;
		return 0;
	}
	return -1;
}

/* One member, as the sorted duplicate check orders them. */
struct member_ref {
	const struct json_value	*v;
};

static int
same_name(const struct json_value *x, const struct json_value *y)
{
	return x->name_len == y->name_len &&
	    memcmp(x->name, y->name, x->name_len) == 0;
}

static int
name_cmp(const void *a, const void *b)
{
	const struct json_value	*x = ((const struct member_ref *)a)->v;
	const struct json_value	*y = ((const struct member_ref *)b)->v;

	if (x->name_len != y->name_len)
		return x->name_len < y->name_len ? -1 : 1;
	return memcmp(x->name, y->name, x->name_len);
}

/*
 * 1 when two members share a name. Pairwise for small objects; larger ones
 * are sorted by name, so that an object of many members costs n log n, not
 * n squared: a header is parsed before its signature is checked.
 */
static int
has_duplicate(struct parser *ps, const struct json_value *obj)
{
	const struct json_value	*a, *b;
	struct member_ref	*v;
	size_t			 i;

	if (obj->len <= PAIRWISE_MAX) {
		for (a = obj->u.first; a != NULL; a = a->next)
			for (b = a->next; b != NULL; b = b->next)
				if (same_name(a, b))
					return 1;
		return 0;
	}
	if ((v = doc_alloc(ps->doc, obj->len * sizeof(struct member_ref))) ==
	    NULL)
		return 1;	/* refused either way: out of memory */
	for (i = 0, a = obj->u.first; a != NULL; a = a->next)
		v[i++].v = a;
	qsort(v, obj->len, sizeof(struct member_ref), name_cmp);
	for (i = 1; i < obj->len; i++)
		if (same_name(v[i - 1].v, v[i].v))
			return 1;
	return 0;
}

/* Members or elements up to the closing bracket, linked in order. */
static int
parse_container(struct parser *ps, struct json_value *c, char close)
{
	const struct json_value	**link = &c->u.first;
	struct json_value	*v;
	const char		*name = NULL;
	size_t			 name_len = 0;

	c->u.first = NULL;
	c->len = 0;
	skip_ws(ps);
	if (ps->p < ps->end && *ps->p == (unsigned char)close) {
		ps->p++;
		return 0;
	}
	for (;;) {
		if (close == '}') {
			skip_ws(ps);
			if (ps->p >= ps->end || *ps->p != '"')
				return -1;
			ps->p++;
			if (parse_string(ps, &name, &name_len) == -1)
				return -1;
			skip_ws(ps);
			if (ps->p >= ps->end || *ps->p != ':')
				return -1;
			ps->p++;
		}
		if ((v = doc_alloc(ps->doc, sizeof(*v))) == NULL)
			return -1;
		memset(v, 0, sizeof(*v));
		v->name = name;
		v->name_len = name_len;
		if (parse_value(ps, v) == -1)
			return -1;
		*link = v;
		link = &v->next;
		c->len++;
		switch (after_item(ps, close)) {
		case 0:
			return close == '}' && has_duplicate(ps, c) ? -1 : 0;
		case -1:
			return -1;
		}
	}
}

static int
parse_value(struct parser *ps, struct json_value *v)
{
	int	 rc;

	skip_ws(ps);
	if (ps->p >= ps->end)
		return -1;
	switch (*ps->p) {
	case '{':
	case '[':
		if (++ps->depth > JSONPARSE_MAX_DEPTH)
			return -1;
		v->type = *ps->p == '{' ? JSON_OBJECT : JSON_ARRAY;
		ps->p++;
		rc = parse_container(ps, v, v->type == JSON_OBJECT ? '}' : ']');
		ps->depth--;
		return rc;
	case '"':
		ps->p++;
		v->type = JSON_STRING;
		return parse_string(ps, &v->u.string, &v->len);
	case 't':
		v->type = JSON_BOOL;
		v->u.boolean = 1;
		return literal(ps, "true");
	case 'f':
		v->type = JSON_BOOL;
		v->u.boolean = 0;
		return literal(ps, "false");
	case 'n':
		v->type = JSON_NULL;
		return literal(ps, "null");
	default:
		return parse_number(ps, v);
	}
}

int
json_parse(struct json_doc *doc, const char *text, size_t len)
{
	struct parser		 ps;
	struct json_value	*root;

	json_doc_init(doc);
	if (text == NULL || len == 0 || len > JSONPARSE_MAX_TEXT)
		return -1;
	memset(&ps, 0, sizeof(ps));
	ps.p = (const unsigned char *)text;
	ps.end = ps.p + len;
	ps.doc = doc;
	if ((root = doc_alloc(doc, sizeof(*root))) == NULL)
		return -1;
	memset(root, 0, sizeof(*root));
	skip_ws(&ps);
	if (ps.p >= ps.end || *ps.p != '{' || parse_value(&ps, root) == -1)
		goto fail;
	skip_ws(&ps);
	if (ps.p != ps.end)
		goto fail;
	doc->root = root;
	return 0;
fail:
	json_doc_free(doc);
	return -1;
}

const struct json_value *
json_member(const struct json_value *obj, const char *name)
{
	const struct json_value	*m;
	size_t			 n;

	if (obj == NULL || obj->type != JSON_OBJECT)
		return NULL;
	n = strlen(name);
	for (m = obj->u.first; m != NULL; m = m->next)
		if (m->name_len == n && memcmp(m->name, name, n) == 0)
			return m;
	return NULL;
}

const char *
json_string(const struct json_value *v)
{
	return v != NULL && v->type == JSON_STRING ? v->u.string : NULL;
}

int
json_is(const struct json_value *v, enum json_value_type t)
{
	return v != NULL && v->type == t;
}
