/*
 * Strict base64url (RFC 4648 section 5, no padding), as JWS requires.
 */
#ifndef B64URL_H
#define B64URL_H

#include <stddef.h>

/* Bytes needed to encode n bytes, terminating NUL included. */
#define B64URL_ENCODED_SIZE(n)	((((n) * 4) + 2) / 3 + 1)

/*
 * Decode inlen characters of in into out (capacity outcap).
 * Refuses padding, any byte outside the alphabet (white space included),
 * an impossible length and non-canonical trailing bits.
 * Returns 0 and sets *outlen, or -1 (also when outcap is too small).
 */
int	b64url_decode(unsigned char *out, size_t outcap, size_t *outlen,
	    const char *in, size_t inlen);

/*
 * Encode inlen bytes; outcap must be at least B64URL_ENCODED_SIZE(inlen).
 * Returns the length written (without the NUL), or 0 if outcap is short.
 */
size_t	b64url_encode(char *out, size_t outcap,
	    const unsigned char *in, size_t inlen);

#endif
