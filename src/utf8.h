/*
 * UTF-8, once for the whole service: the JSON parser, display names and
 * the env file all decode and classify text through here.
 */
#ifndef UTF8_H
#define UTF8_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Decode the code point at p (at most n > 0 bytes). Returns its length,
 * or 0 when the bytes are not valid UTF-8: overlong forms, surrogates,
 * values past U+10FFFF and cut sequences (Unicode table 3-7).
 */
size_t	utf8_decode(const unsigned char *p, size_t n, uint32_t *cp);

/* Write cp (at most U+10FFFF, not a surrogate) to o; returns 1 to 4. */
size_t	utf8_encode(char *o, uint32_t cp);

/*
 * White space that is trimmed: ASCII's (space, \t to \r) and Unicode's
 * spaces (U+00A0, U+1680, U+2000-U+200A, U+202F, U+205F, U+3000). NEL and
 * the line and paragraph separators are controls, not space: refused by
 * whoever refuses controls.
 */
bool	utf8_is_space(uint32_t cp);

/* The same for one byte of text (a byte past 0x7f is never space). */
bool	utf8_is_space_byte(char c);

/*
 * The length of the leading span of p (n bytes) that a JSON string holds
 * as it is: no control, no quote, no backslash and, when ascii is set,
 * no byte past 0x7f (those need utf8_decode). Sixteen bytes at a time
 * with SSE2, else eight: the reader and the writer of every token spend
 * most of their time here.
 */
size_t	utf8_json_plain(const unsigned char *p, size_t n, bool ascii);

#endif
