#include <stdint.h>

#include "auth/b64url.h"

/*
 * A table codec rather than libsodium's constant-time one: nothing we
 * decode or encode is secret (tokens, signatures, public keys), and the
 * tables cost a fraction of the instructions. libsodium 1.0.18 also read
 * every byte >= 0x80 as '_' (one token, many spellings); here any byte
 * outside the alphabet maps to 0xff and is refused.
 */
static const char alphabet[64] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

#define X	0xff
static const uint8_t values[256] = {
	X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X,
	X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X,
	X, X, X, X, X, X, X, X, X, X, X, X, X, 62, X, X,	/* '-' */
	52, 53, 54, 55, 56, 57, 58, 59, 60, 61, X, X, X, X, X, X,
	X, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14,
	15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, X, X, X, X, 63, /* '_' */
	X, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40,
	41, 42, 43, 44, 45, 46, 47, 48, 49, 50, 51, X, X, X, X, X,
	X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X,
	X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X,
	X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X,
	X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X,
	X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X,
	X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X,
	X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X,
	X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X,
};
#undef X

int
b64url_decode(unsigned char *out, size_t outcap, size_t *outlen,
    const char *in, size_t inlen)
{
	const unsigned char	*p = (const unsigned char *)in;
	size_t			 full = inlen / 4, rest = inlen % 4, n, i;
	uint32_t		 a, b, c, d, bad = 0;

	/* A lone trailing sextet can never encode a whole byte. */
	if (rest == 1)
		return -1;
	n = full * 3 + (rest == 0 ? 0 : rest - 1);
	if (n > outcap)
		return -1;
	/* An invalid character is 0xff: bit 7 of bad remembers it. */
	for (i = 0; i < full; i++, p += 4) {
		a = values[p[0]], b = values[p[1]];
		c = values[p[2]], d = values[p[3]];
		bad |= a | b | c | d;
		out[i * 3] = (unsigned char)(a << 2 | b >> 4);
		out[i * 3 + 1] = (unsigned char)(b << 4 | c >> 2);
		out[i * 3 + 2] = (unsigned char)(c << 6 | d);
	}
	out += full * 3;
	if (rest == 2) {
		a = values[p[0]], b = values[p[1]];
		/* Canonical: the bits below the last byte must be zero. */
		bad |= a | b | ((b & 0x0f) != 0 ? 0x80 : 0);
		out[0] = (unsigned char)(a << 2 | b >> 4);
	} else if (rest == 3) {
		a = values[p[0]], b = values[p[1]], c = values[p[2]];
		bad |= a | b | c | ((c & 0x03) != 0 ? 0x80 : 0);
		out[0] = (unsigned char)(a << 2 | b >> 4);
		out[1] = (unsigned char)(b << 4 | c >> 2);
	}
	if (bad & 0x80)
		return -1;
	*outlen = n;
	return 0;
}

size_t
b64url_encode(char *out, size_t outcap, const unsigned char *in, size_t inlen)
{
	size_t		 full = inlen / 3, rest = inlen % 3, i, o = 0;
	uint32_t	 v;

	if (outcap < B64URL_ENCODED_SIZE(inlen))
		return 0;
	for (i = 0; i < full; i++, in += 3) {
		v = (uint32_t)in[0] << 16 | (uint32_t)in[1] << 8 | in[2];
		out[o++] = alphabet[v >> 18];
		out[o++] = alphabet[(v >> 12) & 0x3f];
		out[o++] = alphabet[(v >> 6) & 0x3f];
		out[o++] = alphabet[v & 0x3f];
	}
	if (rest == 1) {
		v = (uint32_t)in[0] << 16;
		out[o++] = alphabet[v >> 18];
		out[o++] = alphabet[(v >> 12) & 0x3f];
	} else if (rest == 2) {
		v = (uint32_t)in[0] << 16 | (uint32_t)in[1] << 8;
		out[o++] = alphabet[v >> 18];
		out[o++] = alphabet[(v >> 12) & 0x3f];
		out[o++] = alphabet[(v >> 6) & 0x3f];
	}
	out[o] = '\0';
	return o;
}
