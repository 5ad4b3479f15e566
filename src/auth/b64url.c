#include <sodium.h>

#include "auth/b64url.h"

/*
 * Whether all of in is in the URL-safe alphabet. libsodium 1.0.18 reads
 * each character as a plain (signed) char, and its constant-time compare
 * then takes every byte >= 0x80 for '_': "\xc3" decoded like "_", so one
 * token had 129 spellings of each '_'. Checked here first, without an early
 * exit, as libsodium checks the rest.
 */
static int
b64url_alphabet(const char *in, size_t inlen)
{
	unsigned	 bad = 0;
	size_t		 i;

	for (i = 0; i < inlen; i++) {
		unsigned char c = (unsigned char)in[i];

		bad |= !((c >= 'A' && c <= 'Z') | (c >= 'a' && c <= 'z') |
		    (c >= '0' && c <= '9') | (c == '-') | (c == '_'));
	}
	return bad == 0;
}

int
b64url_decode(unsigned char *out, size_t outcap, size_t *outlen,
    const char *in, size_t inlen)
{
	const char	*end = NULL;
	size_t		 n = 0;

	/* A lone trailing sextet can never encode a whole byte. */
	if (inlen % 4 == 1)
		return -1;
	if (!b64url_alphabet(in, inlen))
		return -1;
	/*
	 * No characters to ignore, and the whole input must be consumed:
	 * libsodium then rejects '=', anything outside the URL-safe alphabet
	 * and trailing bits that are not zero (non-canonical encodings), so
	 * one token has exactly one spelling.
	 */
	if (sodium_base642bin(out, outcap, in, inlen, NULL, &n, &end,
	    sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0)
		return -1;
	if (end != in + inlen)
		return -1;
	*outlen = n;
	return 0;
}

size_t
b64url_encode(char *out, size_t outcap, const unsigned char *in, size_t inlen)
{
	size_t	 need;

	need = sodium_base64_ENCODED_LEN(inlen,
	    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	if (outcap < need)
		return 0;
	sodium_bin2base64(out, outcap, in, inlen,
	    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	return need - 1;
}
