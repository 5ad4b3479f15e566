/*
 * b64url: strict base64url (RFC 4648 section 5, no padding) as JWS
 * (RFC 7515 section 2) requires it.
 */
#include <string.h>

#include <sodium.h>

#include "auth/b64url.h"
#include "check.h"

/* Decode a NUL-terminated string; returns b64url_decode's result. */
static int
dec(const char *in, unsigned char *out, size_t cap, size_t *outlen)
{
	return b64url_decode(out, cap, outlen, in, strlen(in));
}

/* Whether in is refused with a roomy output buffer. */
static int
refused(const char *in)
{
	unsigned char	 out[256];
	size_t		 n = 12345;

	return dec(in, out, sizeof(out), &n) == -1;
}

static void
test_rfc4648_vectors(void)
{
	/* RFC 4648 section 10, with the padding removed (section 3.2, RFC 7515 2) */
	static const struct {
		const char	*bin;
		const char	*enc;
	} v[] = {
		{ "", "" },
		{ "f", "Zg" },
		{ "fo", "Zm8" },
		{ "foo", "Zm9v" },
		{ "foob", "Zm9vYg" },
		{ "fooba", "Zm9vYmE" },
		{ "foobar", "Zm9vYmFy" },
	};
	size_t	 i;

	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		char		 enc[32];
		unsigned char	 bin[32];
		size_t		 n = 999, blen = strlen(v[i].bin);

		CHECK(b64url_encode(enc, sizeof(enc),
		    (const unsigned char *)v[i].bin, blen) == strlen(v[i].enc));
		CHECK_STR(enc, v[i].enc);
		CHECK(dec(v[i].enc, bin, sizeof(bin), &n) == 0);
		CHECK(n == blen);
		CHECK(memcmp(bin, v[i].bin, blen) == 0);
	}
	/* The RFC's padded spellings are refused: JWS has no padding. */
	CHECK(refused("Zg=="));
	CHECK(refused("Zm8="));
	CHECK(refused("Zm9vYg=="));
	CHECK(refused("Zm9vYmE="));
}

static void
test_urlsafe_alphabet(void)
{
	/* RFC 4648 section 5: 62 is '-', 63 is '_' (not '+' and '/') */
	static const unsigned char	 bin[] = { 0xfb, 0xff, 0xbf };
	unsigned char			 out[8];
	char				 enc[8];
	size_t				 n = 0;

	CHECK(b64url_encode(enc, sizeof(enc), bin, sizeof(bin)) == 4);
	CHECK_STR(enc, "-_-_");
	CHECK(dec("-_-_", out, sizeof(out), &n) == 0);
	CHECK(n == 3 && memcmp(out, bin, 3) == 0);
	/* The standard alphabet's spelling of the same bytes (RFC 4648 4). */
	CHECK(refused("+/+/"));
	CHECK(refused("-_+/"));
	CHECK(refused("Zm9v+A"));
	CHECK(refused("Zm9v/A"));
}

static void
test_refusals(void)
{
	unsigned char	 out[16];
	size_t		 n = 0;

	/* Padding anywhere. */
	CHECK(refused("Zm9v="));
	CHECK(refused("Zm9v===="));
	CHECK(refused("Zg=a"));
	CHECK(refused("="));
	/* White space and other bytes outside the alphabet (no ignore set). */
	CHECK(refused("Zm 9v"));
	CHECK(refused(" Zm9v"));
	CHECK(refused("Zm9v "));
	CHECK(refused("Zm9v\n"));
	CHECK(refused("Zm\r\n9v"));
	CHECK(refused("Zm\t9v"));
	CHECK(refused("Zm9v."));
	CHECK(refused("Zm9v!"));
	CHECK(refused("Zm9v\xc3\xa9"));
	/* An embedded NUL is a byte outside the alphabet, not an end. */
	CHECK(b64url_decode(out, sizeof(out), &n, "Zm\0v", 4) == -1);
	/* length % 4 == 1 can never be whole bytes (RFC 4648 section 4) */
	CHECK(refused("Z"));
	CHECK(refused("Zm9vY"));
	CHECK(refused("Zm9vYmFyZ"));
}

/*
 * Non-canonical trailing bits: one byte 0x41 is "QQ" (010000 01|0000);
 * "QR" sets a trailing bit that encodes nothing. Accepting it gives a
 * token two spellings (l8w8jwt accepted altered tokens this way; RFC 4648
 * section 3.5, "canonical encoding").
 */
static void
test_noncanonical(void)
{
	unsigned char	 out[8];
	size_t		 n = 0;

	CHECK(dec("QQ", out, sizeof(out), &n) == 0);
	CHECK(n == 1 && out[0] == 0x41);
	CHECK(refused("QR"));
	CHECK(refused("QT"));
	CHECK(refused("Qf"));
	/* Two bytes 0x41 0x42: "QUI"; "QUJ" sets a trailing bit. */
	CHECK(dec("QUI", out, sizeof(out), &n) == 0);
	CHECK(n == 2 && out[0] == 0x41 && out[1] == 0x42);
	CHECK(refused("QUJ"));
	CHECK(refused("QUL"));
	/* "Zm9vYmFy" + "Zh": 'h' has its low four bits set. */
	CHECK(refused("Zm9vYmFyZh"));
	CHECK(dec("Zm9vYmFyZg", out, sizeof(out), &n) == 0 && n == 7);
}

/*
 * Bytes >= 0x80: libsodium 1.0.18's sodium_base642bin reads characters as
 * signed char, and its constant-time class test took every byte >= 0x80
 * for '_', so "\xc3w" decoded like "_w" (0xff): 129 spellings of each '_'
 * in a token (the malleability class of STYLE 4).
 */
static void
test_high_bytes(void)
{
	unsigned char	 out[8];
	char		 in[4] = { 0, 'w', 0, 0 };
	size_t		 n = 0;
	int		 c, all = 1;

	CHECK(dec("_w", out, sizeof(out), &n) == 0 && n == 1 && out[0] == 0xff);
	for (c = 0x80; c <= 0xff; c++) {
		in[0] = (char)c;
		if (b64url_decode(out, sizeof(out), &n, in, 2) != -1)
			all = 0;
		/* Anywhere in the input, not only first. */
		in[0] = '_';
		in[1] = (char)c;
		if (b64url_decode(out, sizeof(out), &n, in, 2) != -1)
			all = 0;
		in[1] = 'w';
	}
	CHECK(all);
	CHECK(refused("Zm9v_\xff"));
	CHECK(refused("\xdf\xbf\xdf\xbf"));
}

static void
test_capacity(void)
{
	unsigned char	 out[8];
	char		 enc[16];
	size_t		 n = 0;

	/* "foobar" needs six bytes. */
	CHECK(b64url_decode(out, 5, &n, "Zm9vYmFy", 8) == -1);
	CHECK(b64url_decode(out, 6, &n, "Zm9vYmFy", 8) == 0 && n == 6);
	CHECK(b64url_decode(out, 0, &n, "Zg", 2) == -1);
	CHECK(b64url_decode(out, 0, &n, "", 0) == 0 && n == 0);
	/* Encoding "foobar" needs 8 characters and a NUL. */
	CHECK(B64URL_ENCODED_SIZE(6) == 9);
	CHECK(b64url_encode(enc, 8, (const unsigned char *)"foobar", 6) == 0);
	CHECK(b64url_encode(enc, 9, (const unsigned char *)"foobar", 6) == 8);
	CHECK_STR(enc, "Zm9vYmFy");
	CHECK(B64URL_ENCODED_SIZE(1) == 3);
	CHECK(b64url_encode(enc, 2, (const unsigned char *)"f", 1) == 0);
	CHECK(B64URL_ENCODED_SIZE(32) == 44);	/* an HS256 tag: 43 chars */
}

/* Random lengths 0..100 (deterministic seed, so a failure reproduces). */
static void
test_round_trips(void)
{
	unsigned char	 seed[randombytes_SEEDBYTES] = { 'b', '6', '4' };
	unsigned char	 bin[100], back[100];
	char		 enc[B64URL_ENCODED_SIZE(100)];
	size_t		 len, n, elen, i;
	int		 all = 1;

	for (len = 0; len <= 100; len++) {
		seed[31] = (unsigned char)len;
		randombytes_buf_deterministic(bin, len, seed);
		elen = b64url_encode(enc, B64URL_ENCODED_SIZE(len), bin, len);
		if (elen != B64URL_ENCODED_SIZE(len) - 1 || elen % 4 == 1 ||
		    strlen(enc) != elen)
			all = 0;
		for (i = 0; i < elen; i++)
			if (strchr("+/=", enc[i]) != NULL)
				all = 0;
		n = 999;
		if (b64url_decode(back, len, &n, enc, elen) != 0 || n != len ||
		    memcmp(back, bin, len) != 0)
			all = 0;
		/* One byte less room than needed must fail, not overflow. */
		if (len > 0 && b64url_decode(back, len - 1, &n, enc, elen) != -1)
			all = 0;
	}
	CHECK(all);
}

int
main(void)
{
	if (sodium_init() < 0)
		return 1;
	test_rfc4648_vectors();
	test_urlsafe_alphabet();
	test_refusals();
	test_noncanonical();
	test_high_bytes();
	test_capacity();
	test_round_trips();
	return CHECK_DONE();
}
