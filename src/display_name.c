#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "display_name.h"
#include "utf8.h"

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

/*
 * Code points that draw nothing: Unicode's Default_Ignorable_Code_Point
 * (zero-width space and joiners, LRM/RLM/ALM, word joiner and invisible
 * operators, the Hangul fillers, variation selectors, BOM, tags) and the
 * blank braille pattern. A name made only of these and white space looks
 * empty, or like nobody, in every participant list.
 */
static int
is_invisible(uint32_t cp)
{
	return cp == 0xad || cp == 0x34f || cp == 0x61c ||
	    cp == 0x115f || cp == 0x1160 || cp == 0x17b4 || cp == 0x17b5 ||
	    (cp >= 0x180b && cp <= 0x180f) || (cp >= 0x200b && cp <= 0x200f) ||
	    (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2060 && cp <= 0x206f) ||
	    cp == 0x2800 || cp == 0x3164 || (cp >= 0xfe00 && cp <= 0xfe0f) ||
	    cp == 0xfeff || cp == 0xffa0 || (cp >= 0xfff0 && cp <= 0xfff8) ||
	    (cp >= 0x1bca0 && cp <= 0x1bca3) ||
	    (cp >= 0x1d173 && cp <= 0x1d17a) ||
	    (cp >= 0xe0000 && cp <= 0xe0fff);
}

int
display_name_parse(const char *in, size_t len, char out[DISPLAY_NAME_SIZE])
{
	const unsigned char	*p = (const unsigned char *)in;
	size_t			 i = 0, n, chars = 0;
	size_t			 first = len, last = 0;	/* non-space span */
	uint32_t		 cp;
	bool			 visible = false;

	/* An ASCII byte is its own code point: no decoding (most names). */
	while (i < len) {
		if (p[i] < 0x80) {
			if (!utf8_is_space_byte((char)p[i])) {
				if (first == len)
					first = i;
				last = i + 1;
			}
			i++;
			continue;
		}
		if ((n = utf8_decode(p + i, len - i, &cp)) == 0)
			return -1;
		if (!utf8_is_space(cp)) {
			if (first == len)
				first = i;
			last = i + n;
		}
		i += n;
	}
	if (first == len)
		return -1;	/* empty once trimmed */
	/* White space is trimmed at the ends; inside, controls are refused. */
	for (i = first; i < last; i += n, chars++) {
		if (p[i] < 0x80) {
			n = 1;
			if (is_forbidden(p[i]))
				return -1;
			visible |= !utf8_is_space_byte((char)p[i]);
			continue;
		}
		n = utf8_decode(p + i, last - i, &cp);
		if (is_forbidden(cp))
			return -1;
		if (!utf8_is_space(cp) && !is_invisible(cp))
			visible = true;
	}
	if (chars > DISPLAY_NAME_MAX_CHARS || !visible)
		return -1;
	memcpy(out, in + first, last - first);
	out[last - first] = '\0';
	return 0;
}
