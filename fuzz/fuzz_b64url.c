/*
 * Strict base64url (src/auth/b64url.c), both ways.
 *
 * Decode: whatever the input, no out-of-bounds access, even with an output
 * buffer of exactly the decoded size; when it decodes, the output length is
 * the only one possible for that input length, one byte less of room is
 * refused, and encoding it again gives back the identical text (a
 * canonical encoding is unique: no padding, no white space, no stray
 * trailing bits). Encode: the input read as bytes encodes to exactly the
 * advertised length and decodes back to itself.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "auth/b64url.h"
#include "fuzz.h"

#define IN_MAX	4096	/* JWT_MAX_LEN is 8192; a segment is far less */

static int	in_alphabet(const uint8_t *, size_t);
static void	check_decode(const uint8_t *, size_t);
static void	check_encode(const uint8_t *, size_t);

static int
in_alphabet(const uint8_t *s, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		if (!((s[i] >= 'A' && s[i] <= 'Z') ||
		    (s[i] >= 'a' && s[i] <= 'z') ||
		    (s[i] >= '0' && s[i] <= '9') || s[i] == '-' || s[i] == '_'))
			return 0;
	return 1;
}

static void
check_decode(const uint8_t *data, size_t size)
{
	size_t		 cap = size * 3 / 4, n = (size_t)-1, n2, elen, m;
	unsigned char	*out, *small;
	char		*enc;

	/* Exactly the room a valid input of this length needs: ASan sees a
	 * single byte written past it. */
	out = malloc(cap > 0 ? cap : 1);
	FUZZ_CHECK(out != NULL);
	if (b64url_decode(out, cap, &n, (const char *)data, size) != 0) {
		free(out);
		return;
	}
	FUZZ_CHECK(n == cap);
	FUZZ_CHECK(size % 4 != 1);
	FUZZ_CHECK(in_alphabet(data, size));

	/* One byte less of room is an error, never a truncation. */
	if (cap > 0) {
		small = malloc(cap - 1 > 0 ? cap - 1 : 1);
		FUZZ_CHECK(small != NULL);
		FUZZ_CHECK(b64url_decode(small, cap - 1, &n2,
		    (const char *)data, size) == -1);
		free(small);
	}

	elen = B64URL_ENCODED_SIZE(n);
	enc = malloc(elen);
	FUZZ_CHECK(enc != NULL);
	m = b64url_encode(enc, elen, out, n);
	FUZZ_CHECK(m == size);
	FUZZ_CHECK(enc[m] == '\0');
	FUZZ_CHECK(memcmp(enc, data, size) == 0);
	free(enc);
	free(out);
}

static void
check_encode(const uint8_t *data, size_t size)
{
	size_t		 elen = B64URL_ENCODED_SIZE(size), m, n = (size_t)-1;
	char		*enc;
	unsigned char	*back;

	enc = malloc(elen);
	FUZZ_CHECK(enc != NULL);
	/* One byte short (the NUL's) is refused outright. */
	FUZZ_CHECK(b64url_encode(enc, elen - 1, data, size) == 0);
	m = b64url_encode(enc, elen, data, size);
	FUZZ_CHECK(m == elen - 1);
	FUZZ_CHECK(strlen(enc) == m);
	FUZZ_CHECK(m % 4 != 1);
	FUZZ_CHECK(in_alphabet((const uint8_t *)enc, m));

	back = malloc(size > 0 ? size : 1);
	FUZZ_CHECK(back != NULL);
	FUZZ_CHECK(b64url_decode(back, size, &n, enc, m) == 0);
	FUZZ_CHECK(n == size);
	FUZZ_CHECK(memcmp(back, data, size) == 0);
	free(back);
	free(enc);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > IN_MAX)
		size = IN_MAX;
	check_decode(data, size);
	check_encode(data, size);
	return 0;
}
