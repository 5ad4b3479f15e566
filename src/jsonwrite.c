#include <stdio.h>
#include <string.h>

#include "jsonwrite.h"
#include "utf8.h"

void
jw_init(struct jw *w, char *buf, size_t cap)
{
	memset(w, 0, sizeof(*w));
	w->buf = buf;
	w->cap = cap;
	w->failed = cap == 0;
	if (!w->failed)
		buf[0] = '\0';
}

static void
put(struct jw *w, const char *s, size_t n)
{
	if (w->failed || n >= w->cap - w->len) {
		w->failed = true;
		return;
	}
	memcpy(w->buf + w->len, s, n);
	w->len += n;
	w->buf[w->len] = '\0';
}

/* A string with RFC 8259's escapes; the bytes are valid UTF-8 already. */
static void
put_string(struct jw *w, const char *s)
{
	static const char	 hex[] = "0123456789abcdef";
	const char		*end = s + strlen(s);
	char			 esc[7] = "\\u00";
	size_t			 plain;

	put(w, "\"", 1);
	for (;;) {
		unsigned char c;

		plain = utf8_json_plain((const unsigned char *)s,
		    (size_t)(end - s), false);
		put(w, s, plain);
		if ((s += plain) == end)
			break;
		c = (unsigned char)*s++;
		switch (c) {
		case '"': put(w, "\\\"", 2); break;
		case '\\': put(w, "\\\\", 2); break;
		case '\n': put(w, "\\n", 2); break;
		case '\r': put(w, "\\r", 2); break;
		case '\t': put(w, "\\t", 2); break;
		default:
			esc[4] = hex[c >> 4];
			esc[5] = hex[c & 0xf];
			esc[6] = '\0';
			put(w, esc, 6);
		}
	}
	put(w, "\"", 1);
}

/*
 * "key": in one copy. Keys are this program's own names, never input, so
 * they need no escapes; a name with a byte that would, or that is not
 * printable ASCII (DEL is plain JSON but no name of ours), marks the writer
 * failed instead of being written. A token request
 * writes some forty keys: put_string's scan per key was a third of the
 * writer's instructions.
 */
static void
put_key(struct jw *w, const char *key)
{
	size_t	 n = strlen(key);
	char	*o;

	if (w->failed || n + 3 >= w->cap - w->len ||
	    utf8_json_plain((const unsigned char *)key, n, true) != n ||
	    strchr(key, 0x7f) != NULL) {
		w->failed = true;
		return;
	}
	o = w->buf + w->len;
	o[0] = '"';
	memcpy(o + 1, key, n);
	o[n + 1] = '"';
	o[n + 2] = ':';
	o[n + 3] = '\0';
	w->len += n + 3;
}

/* The comma before a member or element, and its key when there is one. */
static void
member(struct jw *w, const char *key)
{
	if (w->depth == 0) {
		w->failed = true;
		return;
	}
	if (!w->first[w->depth - 1])
		put(w, ",", 1);
	w->first[w->depth - 1] = false;
	if (key != NULL)
		put_key(w, key);
}

static void
push(struct jw *w, const char *open)
{
	if (w->depth == JW_MAX_DEPTH) {
		w->failed = true;
		return;
	}
	put(w, open, 1);
	w->first[w->depth++] = true;
}

static void
pop(struct jw *w, const char *close)
{
	if (w->depth == 0) {
		w->failed = true;
		return;
	}
	w->depth--;
	put(w, close, 1);
}

void
jw_open(struct jw *w)
{
	if (w->depth > 0)
		member(w, NULL);
	push(w, "{");
}

void
jw_close(struct jw *w)
{
	pop(w, "}");
}

void
jw_open_object(struct jw *w, const char *key)
{
	member(w, key);
	push(w, "{");
}

void
jw_open_array(struct jw *w, const char *key)
{
	member(w, key);
	push(w, "[");
}

void
jw_close_array(struct jw *w)
{
	pop(w, "]");
}

void
jw_str(struct jw *w, const char *key, const char *value)
{
	member(w, key);
	put_string(w, value);
}

void
jw_elem_str(struct jw *w, const char *value)
{
	member(w, NULL);
	put_string(w, value);
}

void
jw_int(struct jw *w, const char *key, long long value)
{
	char			 num[24], *p = num + sizeof(num);
	unsigned long long	 u;

	/* Digits from the right, by hand: snprintf cost more than the rest. */
	u = value < 0 ? 0ULL - (unsigned long long)value :
	    (unsigned long long)value;
	do {
		*--p = (char)('0' + u % 10);
		u /= 10;
	} while (u != 0);
	if (value < 0)
		*--p = '-';
	member(w, key);
	put(w, p, (size_t)(num + sizeof(num) - p));
}

void
jw_bool(struct jw *w, const char *key, bool value)
{
	member(w, key);
	if (value)
		put(w, "true", 4);
	else
		put(w, "false", 5);
}

long
jw_finish(struct jw *w)
{
	if (w->failed || w->depth != 0)
		return -1;
	return (long)w->len;
}
