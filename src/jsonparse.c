#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "jsonparse.h"
#include "utf8.h"

struct parser {
	const unsigned char	*p;
	const unsigned char	*end;
	int			 depth;
	char			*buf;	/* scratch for decoded strings */
	size_t			 bufcap;
};

static int	parse_value(struct parser *, struct json_object **);

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

/*
 * Decode the string starting after its opening quote into ps->buf.
 * A decoded string is never longer than its source, so a scratch buffer
 * as large as the whole text always suffices. Returns its length or -1.
 */
static long
parse_string(struct parser *ps)
{
	size_t	 n = 0;

	for (;;) {
		unsigned char	 c;

		if (ps->p >= ps->end)
			return -1;
		c = *ps->p;
		if (c == '"') {
			ps->p++;
			ps->buf[n] = '\0';
			return (long)n;
		}
		if (c < 0x20)
			return -1;
		if (c == '\\') {
			unsigned	 cp, lo;

			if (++ps->p >= ps->end)
				return -1;
			switch (*ps->p++) {
			case '"': ps->buf[n++] = '"'; continue;
			case '\\': ps->buf[n++] = '\\'; continue;
			case '/': ps->buf[n++] = '/'; continue;
			case 'b': ps->buf[n++] = '\b'; continue;
			case 'f': ps->buf[n++] = '\f'; continue;
			case 'n': ps->buf[n++] = '\n'; continue;
			case 'r': ps->buf[n++] = '\r'; continue;
			case 't': ps->buf[n++] = '\t'; continue;
			case 'u': break;
			default: return -1;
			}
			if (hex4(ps, &cp) == -1)
				return -1;
			if (cp >= 0xdc00 && cp <= 0xdfff)
				return -1;
			if (cp >= 0xd800 && cp <= 0xdbff) {
				if (ps->end - ps->p < 2 || ps->p[0] != '\\' ||
				    ps->p[1] != 'u')
					return -1;
				ps->p += 2;
				if (hex4(ps, &lo) == -1 ||
				    lo < 0xdc00 || lo > 0xdfff)
					return -1;
				cp = 0x10000 + ((cp - 0xd800) << 10) +
				    (lo - 0xdc00);
			}
			/* NUL would truncate C strings downstream. */
			if (cp == 0)
				return -1;
			n += utf8_encode(ps->buf + n, cp);
		} else {
			uint32_t cp8;
			size_t	 len = utf8_decode(ps->p,
			    (size_t)(ps->end - ps->p), &cp8);

			if (len == 0)
				return -1;
			memcpy(ps->buf + n, ps->p, len);
			ps->p += len;
			n += len;
		}
	}
}

static struct json_object *
parse_number(struct parser *ps)
{
	const unsigned char	*start = ps->p;
	int			 integral = 1;
	char			 tmp[64];
	size_t			 len;

	if (ps->p < ps->end && *ps->p == '-')
		ps->p++;
	if (ps->p >= ps->end)
		return NULL;
	if (*ps->p == '0')
		ps->p++;
	else if (*ps->p >= '1' && *ps->p <= '9')
		while (ps->p < ps->end && *ps->p >= '0' && *ps->p <= '9')
			ps->p++;
	else
		return NULL;
	if (ps->p < ps->end && *ps->p == '.') {
		integral = 0;
		ps->p++;
		if (ps->p >= ps->end || *ps->p < '0' || *ps->p > '9')
			return NULL;
		while (ps->p < ps->end && *ps->p >= '0' && *ps->p <= '9')
			ps->p++;
	}
	if (ps->p < ps->end && (*ps->p == 'e' || *ps->p == 'E')) {
		integral = 0;
		ps->p++;
		if (ps->p < ps->end && (*ps->p == '+' || *ps->p == '-'))
			ps->p++;
		if (ps->p >= ps->end || *ps->p < '0' || *ps->p > '9')
			return NULL;
		while (ps->p < ps->end && *ps->p >= '0' && *ps->p <= '9')
			ps->p++;
	}
	len = (size_t)(ps->p - start);
	if (len >= sizeof(tmp))
		return NULL;	/* no claim of ours needs 63 digits */
	memcpy(tmp, start, len);
	tmp[len] = '\0';
	errno = 0;
	if (integral) {
		long long v = strtoll(tmp, NULL, 10);

		/* Out-of-range integers are refused, never clamped. */
		if (errno == ERANGE)
			return NULL;
		return json_object_new_int64(v);
	} else {
		double d = strtod(tmp, NULL);

		if (errno == ERANGE)
			return NULL;
		return json_object_new_double(d);
	}
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

static struct json_object *
parse_object(struct parser *ps)
{
	struct json_object	*obj, *v;
	long			 klen;
	char			*key;

	if ((obj = json_object_new_object()) == NULL)
		return NULL;
	skip_ws(ps);
	if (ps->p < ps->end && *ps->p == '}') {
		ps->p++;
		return obj;
	}
	for (;;) {
		skip_ws(ps);
		if (ps->p >= ps->end || *ps->p != '"')
			goto fail;
		ps->p++;
		if ((klen = parse_string(ps)) < 0)
			goto fail;
		if (json_object_object_get_ex(obj, ps->buf, NULL))
			goto fail;	/* duplicate member name */
		if ((key = strndup(ps->buf, (size_t)klen)) == NULL)
			goto fail;
		skip_ws(ps);
		if (ps->p >= ps->end || *ps->p != ':') {
			free(key);
			goto fail;
		}
		ps->p++;
		if (parse_value(ps, &v) == -1) {
			free(key);
			goto fail;
		}
		if (json_object_object_add(obj, key, v) != 0) {
			json_object_put(v);
			free(key);
			goto fail;
		}
		free(key);
		switch (after_item(ps, '}')) {
		case 0:
			return obj;
		case -1:
			goto fail;
		}
	}
fail:
	json_object_put(obj);
	return NULL;
}

static struct json_object *
parse_array(struct parser *ps)
{
	struct json_object	*arr, *v;

	if ((arr = json_object_new_array()) == NULL)
		return NULL;
	skip_ws(ps);
	if (ps->p < ps->end && *ps->p == ']') {
		ps->p++;
		return arr;
	}
	for (;;) {
		if (parse_value(ps, &v) == -1)
			goto fail;
		if (json_object_array_add(arr, v) != 0) {
			json_object_put(v);
			goto fail;
		}
		switch (after_item(ps, ']')) {
		case 0:
			return arr;
		case -1:
			goto fail;
		}
	}
fail:
	json_object_put(arr);
	return NULL;
}

/*
 * Parse one value into *out. json-c spells JSON null as a NULL object, so
 * success and failure are told apart by the return value: 0 or -1.
 */
static int
parse_value(struct parser *ps, struct json_object **out)
{
	long	 len;

	*out = NULL;
	skip_ws(ps);
	if (ps->p >= ps->end)
		return -1;
	switch (*ps->p) {
	case '{':
	case '[':
		if (++ps->depth > JSONPARSE_MAX_DEPTH)
			return -1;
		*out = (*ps->p++ == '{') ? parse_object(ps) : parse_array(ps);
		ps->depth--;
		break;
	case '"':
		ps->p++;
		if ((len = parse_string(ps)) < 0)
			return -1;
		*out = json_object_new_string_len(ps->buf, (int)len);
		break;
	case 't':
		if (literal(ps, "true") == -1)
			return -1;
		*out = json_object_new_boolean(1);
		break;
	case 'f':
		if (literal(ps, "false") == -1)
			return -1;
		*out = json_object_new_boolean(0);
		break;
	case 'n':
		return literal(ps, "null");
	default:
		*out = parse_number(ps);
		break;
	}
	return *out == NULL ? -1 : 0;
}

int
json_parse_object(const char *text, size_t len, struct json_object **out)
{
	struct parser		 ps;
	struct json_object	*obj = NULL;

	*out = NULL;
	if (text == NULL || len == 0 || len > JSONPARSE_MAX_TEXT)
		return -1;
	memset(&ps, 0, sizeof(ps));
	ps.p = (const unsigned char *)text;
	ps.end = ps.p + len;
	ps.bufcap = len + 1;
	if ((ps.buf = malloc(ps.bufcap)) == NULL)
		return -1;
	skip_ws(&ps);
	if (ps.p < ps.end && *ps.p == '{' && parse_value(&ps, &obj) == -1)
		obj = NULL;
	free(ps.buf);
	if (obj == NULL)
		return -1;
	skip_ws(&ps);
	if (ps.p != ps.end) {
		json_object_put(obj);
		return -1;
	}
	*out = obj;
	return 0;
}
