#include <string.h>

#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "utf8.h"

size_t
utf8_decode(const unsigned char *p, size_t n, uint32_t *cp)
{
	unsigned char	 c = p[0];
	unsigned char	 lo = 0x80, hi = 0xbf;	/* second byte's range */
	uint32_t	 v;
	size_t		 len, i;

	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	if (c >= 0xc2 && c <= 0xdf) {
		len = 2;
		v = c & 0x1f;
	} else if (c >= 0xe0 && c <= 0xef) {
		len = 3;
		v = c & 0x0f;
		if (c == 0xe0)
			lo = 0xa0;	/* overlong */
		else if (c == 0xed)
			hi = 0x9f;	/* surrogates */
	} else if (c >= 0xf0 && c <= 0xf4) {
		len = 4;
		v = c & 0x07;
		if (c == 0xf0)
			lo = 0x90;	/* overlong */
		else if (c == 0xf4)
			hi = 0x8f;	/* past U+10FFFF */
	} else
		return 0;
	if (n < len || p[1] < lo || p[1] > hi)
		return 0;
	for (i = 1; i < len; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		v = (v << 6) | (p[i] & 0x3f);
	}
	*cp = v;
	return len;
}

size_t
utf8_encode(char *o, uint32_t cp)
{
	if (cp < 0x80) {
		o[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		o[0] = (char)(0xc0 | (cp >> 6));
		o[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		o[0] = (char)(0xe0 | (cp >> 12));
		o[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		o[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	o[0] = (char)(0xf0 | (cp >> 18));
	o[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
	o[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
	o[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

bool
utf8_is_space(uint32_t cp)
{
	return cp == ' ' || (cp >= '\t' && cp <= '\r') || cp == 0xa0 ||
	    cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200a) || cp == 0x202f ||
	    cp == 0x205f || cp == 0x3000;
}

bool
utf8_is_space_byte(char c)
{
	return (unsigned char)c < 0x80 && utf8_is_space((unsigned char)c);
}

#define ONES	0x0101010101010101ULL
#define HIGHS	0x8080808080808080ULL

/* Nonzero when some byte of x is below n (n at most 0x80). */
static uint64_t
any_below(uint64_t x, unsigned n)
{
	return (x - ONES * n) & ~x & HIGHS;
}

static int
json_plain_byte(unsigned char c, bool ascii)
{
	return c >= 0x20 && c != '"' && c != '\\' && (!ascii || c < 0x80);
}

#ifdef __SSE2__
/*
 * Sixteen bytes at a time where the CPU has SSE2 (every x86-64): the
 * first stop byte's lane straight from a mask. Returns its offset, or n
 * when none of the whole blocks stops; *i is where the blocks ended.
 */
static size_t
plain16(const unsigned char *p, size_t n, bool ascii, size_t *i)
{
	const __m128i	 quote = _mm_set1_epi8('"');
	const __m128i	 bslash = _mm_set1_epi8('\\');
	const __m128i	 ctl = _mm_set1_epi8(0x1f);
	__m128i		 x, stop;
	unsigned	 m;

	for (*i = 0; n - *i >= 16; *i += 16) {
		x = _mm_loadu_si128((const __m128i *)(const void *)(p + *i));
		/* A control is a byte whose unsigned minimum with 0x1f is itself. */
		stop = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(x, quote),
		    _mm_cmpeq_epi8(x, bslash)),
		    _mm_cmpeq_epi8(_mm_min_epu8(x, ctl), x));
		m = (unsigned)_mm_movemask_epi8(stop);
		if (ascii)
			m |= (unsigned)_mm_movemask_epi8(x);	/* bit 7 */
		if (m != 0)
			return *i + (size_t)__builtin_ctz(m);
	}
	return n;
}
#endif

size_t
utf8_json_plain(const unsigned char *p, size_t n, bool ascii)
{
	const uint64_t	 high = ascii ? HIGHS : 0;
	uint64_t	 x;
	size_t		 i = 0;

#ifdef __SSE2__
	size_t		 stop;

	if ((stop = plain16(p, n, ascii, &i)) < n)
		return stop;
#endif
	for (; n - i >= 8; i += 8) {
		memcpy(&x, p + i, sizeof(x));
		if (any_below(x, 0x20) | any_below(x ^ (ONES * '"'), 1) |
		    any_below(x ^ (ONES * '\\'), 1) | (x & high))
			break;
	}
	while (i < n && json_plain_byte(p[i], ascii))
		i++;
	return i;
}
