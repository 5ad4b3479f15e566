#include <stdint.h>
#include <string.h>

#include "token/display_name.h"

/* Decode one UTF-8 code point; returns its length, or 0 when invalid. */
static size_t
utf8_decode(const unsigned char *p, size_t n, uint32_t *cp)
{
	size_t	 len, i;
	uint32_t v;

	if (p[0] < 0x80) {
		*cp = p[0];
		return 1;
	}
	if (p[0] >= 0xc2 && p[0] <= 0xdf) {
		len = 2;
		v = p[0] & 0x1f;
	} else if (p[0] >= 0xe0 && p[0] <= 0xef) {
		len = 3;
		v = p[0] & 0x0f;
	} else if (p[0] >= 0xf0 && p[0] <= 0xf4) {
		len = 4;
		v = p[0] & 0x07;
	} else
		return 0;
	if (n < len)
		return 0;
	for (i = 1; i < len; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		v = (v << 6) | (p[i] & 0x3f);
	}
	/* Overlong forms, surrogates and values past Unicode. */
	if ((len == 3 && v < 0x800) || (len == 4 && v < 0x10000) ||
	    (v >= 0xd800 && v <= 0xdfff) || v > 0x10ffff)
		return 0;
	*cp = v;
	return len;
}

/*
 * Characters that would let one participant's name break or disguise
 * another's line in a UI: C0, DEL, C1, line/paragraph separators and the
 * bidirectional overrides and isolates.
 */
static int
is_forbidden(uint32_t cp)
{
	return cp < 0x20 || (cp >= 0x7f && cp <= 0x9f) ||
	    cp == 0x2028 || cp == 0x2029 ||
	    (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069);
}

static int
is_space(uint32_t cp)
{
	return cp == ' ' || (cp >= '\t' && cp <= '\r') || cp == 0xa0 || cp == 0x3000 ||
	    (cp >= 0x2000 && cp <= 0x200a);
}

int
display_name_parse(const char *in, size_t len, char out[DISPLAY_NAME_SIZE])
{
	const unsigned char	*p = (const unsigned char *)in;
	size_t			 i = 0, n, chars = 0;
	size_t			 first = len, last = 0;	/* non-space span */
	uint32_t		 cp;

	while (i < len) {
		if ((n = utf8_decode(p + i, len - i, &cp)) == 0)
			return -1;
		if (!is_space(cp)) {
			if (first == len)
				first = i;
			last = i + n;
		}
		i += n;
	}
	if (first == len)
		return -1;	/* empty once trimmed */
	/* White space is trimmed at the ends; inside, controls are refused. */
	for (i = first; i < last; i += n) {
		n = utf8_decode(p + i, last - i, &cp);
		if (is_forbidden(cp))
			return -1;
		chars++;
	}
	if (chars > DISPLAY_NAME_MAX_CHARS)
		return -1;
	memcpy(out, in + first, last - first);
	out[last - first] = '\0';
	return 0;
}
