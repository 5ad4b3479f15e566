/*
 * Display names (src/display_name.c): the LiveKit token's "name",
 * from the request body or the Supabase user's metadata.
 *
 * Whatever the input: no crash, and nothing written past the
 * DISPLAY_NAME_SIZE buffer (it is heap-allocated at exactly that size).
 * On success the output is valid UTF-8, 1-128 code points, with no space
 * at either end and no control or bidi character, a piece of the input,
 * and a fixed point (parsing it again gives it back). The verdict and the
 * output must match a small reference written here from the header's
 * contract, code point by code point.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "display_name.h"

#define IN_MAX	4096	/* a name arrives in a body of at most 8 KiB */

static size_t	ref_decode(const uint8_t *, size_t, uint32_t *);
static bool	ref_space(uint32_t);
static bool	ref_forbidden(uint32_t);
static int	ref_parse(const uint8_t *, size_t, size_t *, size_t *);
static size_t	count_valid(const char *, size_t, uint32_t *, uint32_t *);

/* One UTF-8 sequence (Unicode table 3-7, the well-formed byte ranges). */
static size_t
ref_decode(const uint8_t *p, size_t n, uint32_t *cp)
{
	static const struct {
		uint8_t	 lo0, hi0, lo1, hi1;
		size_t	 len;
	} forms[] = {
		{ 0x00, 0x7f, 0, 0, 1 },
		{ 0xc2, 0xdf, 0x80, 0xbf, 2 },
		{ 0xe0, 0xe0, 0xa0, 0xbf, 3 },
		{ 0xe1, 0xec, 0x80, 0xbf, 3 },
		{ 0xed, 0xed, 0x80, 0x9f, 3 },
		{ 0xee, 0xef, 0x80, 0xbf, 3 },
		{ 0xf0, 0xf0, 0x90, 0xbf, 4 },
		{ 0xf1, 0xf3, 0x80, 0xbf, 4 },
		{ 0xf4, 0xf4, 0x80, 0x8f, 4 },
	};
	size_t	 f, i;

	for (f = 0; f < sizeof(forms) / sizeof(forms[0]); f++) {
		if (p[0] < forms[f].lo0 || p[0] > forms[f].hi0)
			continue;
		if (n < forms[f].len)
			return 0;
		if (forms[f].len == 1) {
			*cp = p[0];
			return 1;
		}
		if (p[1] < forms[f].lo1 || p[1] > forms[f].hi1)
			return 0;
		*cp = p[0] & (0xff >> (forms[f].len + 1));
		for (i = 1; i < forms[f].len; i++) {
			if (i > 1 && (p[i] < 0x80 || p[i] > 0xbf))
				return 0;
			*cp = (*cp << 6) | (p[i] & 0x3f);
		}
		return forms[f].len;
	}
	return 0;
}

/*
 * What the module trims (src/utf8.h): ASCII space and \t-\r, NBSP,
 * OGHAM SPACE MARK, U+2000-200A, NNBSP, MMSP, U+3000.
 */
static bool
ref_space(uint32_t cp)
{
	return cp == 0x20 || (cp >= 0x09 && cp <= 0x0d) || cp == 0xa0 ||
	    cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200a) || cp == 0x202f ||
	    cp == 0x205f || cp == 0x3000;
}

/*
 * Draws nothing (the U+200B, U+3164, U+FEFF, RLM and their kin):
 * soft hyphen, joiners and marks U+200B-200F, word joiner and invisible
 * operators U+2060-206F, Hangul fillers, variation selectors, BOM, tags.
 * A name made only of these and spaces is refused.
 */
static bool
ref_invisible(uint32_t cp)
{
	static const struct { uint32_t lo, hi; } r[] = {
		{ 0xad, 0xad }, { 0x34f, 0x34f }, { 0x61c, 0x61c },
		{ 0x115f, 0x1160 }, { 0x17b4, 0x17b5 }, { 0x180b, 0x180f },
		{ 0x200b, 0x200f }, { 0x202a, 0x202e }, { 0x2060, 0x206f },
		{ 0x2800, 0x2800 }, { 0x3164, 0x3164 }, { 0xfe00, 0xfe0f },
		{ 0xfeff, 0xfeff }, { 0xffa0, 0xffa0 }, { 0xfff0, 0xfff8 },
		{ 0x1bca0, 0x1bca3 }, { 0x1d173, 0x1d17a },
		{ 0xe0000, 0xe0fff },
	};
	size_t	 i;

	for (i = 0; i < sizeof(r) / sizeof(r[0]); i++)
		if (cp >= r[i].lo && cp <= r[i].hi)
			return true;
	return false;
}

/* C0, DEL, C1, U+2028/2029, bidi embeddings/overrides U+202A-202E and
 * isolates U+2066-2069. */
static bool
ref_forbidden(uint32_t cp)
{
	return cp < 0x20 || (cp >= 0x7f && cp <= 0x9f) ||
	    cp == 0x2028 || cp == 0x2029 ||
	    (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069);
}

/* The contract, spelled out: 0 and the kept byte span, or -1. */
static int
ref_parse(const uint8_t *p, size_t len, size_t *from, size_t *to)
{
	size_t		 i, n, chars = 0, first = 0, last = 0;
	bool		 seen = false, visible = false;
	uint32_t	 cp;

	for (i = 0; i < len; i += n) {
		if ((n = ref_decode(p + i, len - i, &cp)) == 0)
			return -1;
		if (ref_space(cp))
			continue;
		if (!seen)
			first = i;
		seen = true;
		last = i + n;
	}
	if (!seen)
		return -1;
	for (i = first; i < last; i += n) {
		n = ref_decode(p + i, last - i, &cp);
		if (ref_forbidden(cp))
			return -1;
		if (!ref_space(cp) && !ref_invisible(cp))
			visible = true;
		chars++;
	}
	if (chars > DISPLAY_NAME_MAX_CHARS || !visible)
		return -1;
	*from = first;
	*to = last;
	return 0;
}

/* Code points in s if it is all valid UTF-8, else 0; the first and last. */
static size_t
count_valid(const char *s, size_t len, uint32_t *head, uint32_t *tail)
{
	const uint8_t	*p = (const uint8_t *)s;
	size_t		 i, n, chars = 0;
	uint32_t	 cp;

	for (i = 0; i < len; i += n) {
		if ((n = ref_decode(p + i, len - i, &cp)) == 0)
			return 0;
		if (chars++ == 0)
			*head = cp;
		*tail = cp;
	}
	return chars;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char		*out, *again;
	size_t		 n, chars, from = 0, to = 0, i;
	uint32_t	 head = 0, tail = 0, cp;
	int		 rc, want;

	if (size > IN_MAX)
		size = IN_MAX;
	out = malloc(DISPLAY_NAME_SIZE);
	again = malloc(DISPLAY_NAME_SIZE);
	FUZZ_CHECK(out != NULL && again != NULL);

	rc = display_name_parse((const char *)data, size, out);
	want = ref_parse(data, size, &from, &to);
	FUZZ_CHECK(rc == want);
	if (rc != 0)
		goto done;

	n = strnlen(out, DISPLAY_NAME_SIZE);
	FUZZ_CHECK(n < DISPLAY_NAME_SIZE);
	FUZZ_CHECK(n == to - from && memcmp(out, data + from, n) == 0);
	chars = count_valid(out, n, &head, &tail);
	FUZZ_CHECK(chars >= 1 && chars <= DISPLAY_NAME_MAX_CHARS);
	FUZZ_CHECK(!ref_space(head) && !ref_space(tail));
	for (i = 0; i < n; ) {
		size_t	 k = ref_decode((const uint8_t *)out + i, n - i, &cp);

		FUZZ_CHECK(!ref_forbidden(cp));
		i += k;
	}

	/* A kept name is kept as it is. */
	FUZZ_CHECK(display_name_parse(out, n, again) == 0);
	FUZZ_CHECK(strcmp(again, out) == 0);
done:
	free(again);
	free(out);
	return 0;
}
