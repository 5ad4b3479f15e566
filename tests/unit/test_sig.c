/*
 * sig: the public-key primitives on their own. The RFC examples verify,
 * and every length, encoding or key type a JWS does not allow is refused
 * before any arithmetic (the Wycheproof suite in tests/vectors covers the
 * arithmetic).
 */
#include <string.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>
#include <sodium.h>

#include "auth/b64url.h"
#include "auth/sig.h"
#include "check.h"

/* Decode a base64url literal; returns its length. */
static size_t
dec(const char *in, unsigned char *out, size_t cap)
{
	size_t	 n = 0;

	CHECK(b64url_decode(out, cap, &n, in, strlen(in)) == 0);
	return n;
}

/* The signing input (header.payload) and signature of a compact JWS. */
static size_t
split(const char *jws, size_t *inlen, unsigned char *sig, size_t cap)
{
	const char	*dot = strrchr(jws, '.');

	*inlen = (size_t)(dot - jws);
	return dec(dot + 1, sig, cap);
}

static const unsigned char p256_p[32] = {
	0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0x01,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff, 0xff,
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
};

/* RFC 7515 A.3: ES256, the JWK's x and y, the example JWS. */
static void
test_rfc7515_a3(void)
{
	static const char jws[] = "eyJhbGciOiJFUzI1NiJ9."
	    "eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFt"
	    "cGxlLmNvbS9pc19yb290Ijp0cnVlfQ."
	    "DtEhU3ljbEg8L38VWAfUAqOyKAM6-Xx-F4GawxaepmXFCgfTjDxw5djxLa8ISlSA"
	    "pmWQxfKTUJqPP3-Kg6NU1Q";
	unsigned char	 x[32], y[32], sig[80], der[80];
	size_t		 inlen, siglen;
	EVP_PKEY	*k;

	CHECK(dec("f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU", x,
	    sizeof(x)) == 32);
	CHECK(dec("x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0", y,
	    sizeof(y)) == 32);
	k = sig_es256_key(x, y);
	CHECK(k != NULL);
	siglen = split(jws, &inlen, sig, sizeof(sig));
	CHECK(siglen == SIG_ES256_LEN);
	CHECK(sig_verify_es256(k, jws, inlen, sig, siglen) == 0);
	/* One bit of the message, of r, of s. */
	CHECK(sig_verify_es256(k, jws, inlen - 1, sig, siglen) == -1);
	sig[0] ^= 1;
	CHECK(sig_verify_es256(k, jws, inlen, sig, siglen) == -1);
	sig[0] ^= 1;
	sig[63] ^= 1;
	CHECK(sig_verify_es256(k, jws, inlen, sig, siglen) == -1);
	sig[63] ^= 1;
	/* Lengths: r||s is exactly 64 bytes; a DER form never passes. */
	CHECK(sig_verify_es256(k, jws, inlen, sig, 63) == -1);
	memcpy(der, sig, 64);
	der[64] = 0;
	CHECK(sig_verify_es256(k, jws, inlen, der, 65) == -1);
	CHECK(sig_verify_es256(k, jws, inlen, sig, 0) == -1);
	/* r = 0 or s = 0. */
	memset(der, 0, 32);
	memcpy(der + 32, sig + 32, 32);
	CHECK(sig_verify_es256(k, jws, inlen, der, 64) == -1);
	memcpy(der, sig, 32);
	memset(der + 32, 0, 32);
	CHECK(sig_verify_es256(k, jws, inlen, der, 64) == -1);
	CHECK(sig_verify_es256(NULL, jws, inlen, sig, siglen) == -1);
	/* x >= p is no coordinate: p itself, the field prime (SEC 2 2.4.2). */
	CHECK(sig_es256_key(p256_p, y) == NULL);
	EVP_PKEY_free(k);
}

/* RFC 8037 A.4: EdDSA over Ed25519, the example JWS. */
static void
test_rfc8037_a4(void)
{
	static const char jws[] = "eyJhbGciOiJFZERTQSJ9."
	    "RXhhbXBsZSBvZiBFZDI1NTE5IHNpZ25pbmc."
	    "hgyY0il_MGCjP0JzlnLWG1PPOt7-09PGcvMg3AIbQR6dWbhijcNR4ki4iylGjg5B"
	    "hVsPt9g7sVvpAr_MuM0KAg";
	unsigned char	 pub[32], sig[80];
	size_t		 inlen, siglen;

	CHECK(dec("11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo", pub,
	    sizeof(pub)) == 32);
	CHECK(sig_ed25519_key_check(pub) == 0);
	siglen = split(jws, &inlen, sig, sizeof(sig));
	CHECK(siglen == SIG_ED25519_LEN);
	CHECK(sig_verify_ed25519(pub, jws, inlen, sig, siglen) == 0);
	CHECK(sig_verify_ed25519(pub, jws, inlen, sig, 63) == -1);
	sig[10] ^= 0x40;
	CHECK(sig_verify_ed25519(pub, jws, inlen, sig, siglen) == -1);
}

/* EVP_PKEY_Q_keygen passes no size for "RSA-PSS": the long way. */
static EVP_PKEY *
rsa_pss_key(void)
{
	EVP_PKEY_CTX	*ctx;
	EVP_PKEY	*k = NULL;

	if ((ctx = EVP_PKEY_CTX_new_id(EVP_PKEY_RSA_PSS, NULL)) == NULL)
		return NULL;
	if (EVP_PKEY_keygen_init(ctx) != 1 ||
	    EVP_PKEY_CTX_set_rsa_keygen_bits(ctx, 2048) != 1 ||
	    EVP_PKEY_keygen(ctx, &k) != 1)
		k = NULL;
	EVP_PKEY_CTX_free(ctx);
	return k;
}

static void
test_key_types_do_not_mix(void)
{
	unsigned char	 msg[] = "header.payload", sig[512];
	EVP_PKEY	*ec, *rsa, *ed, *pss;
	EVP_MD_CTX	*md;
	size_t		 len = sizeof(sig);

	ec = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
	rsa = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)2048);
	ed = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
	pss = rsa_pss_key();
	CHECK(ec != NULL && rsa != NULL && ed != NULL && pss != NULL);

	md = EVP_MD_CTX_new();
	CHECK(md != NULL &&
	    EVP_DigestSignInit(md, NULL, EVP_sha256(), NULL, rsa) == 1 &&
	    EVP_DigestSign(md, sig, &len, msg, sizeof(msg)) == 1);
	EVP_MD_CTX_free(md);
	CHECK(len == 256);
	CHECK(sig_verify_rs256(rsa, msg, sizeof(msg), sig, len) == 0);
	/* RFC 8017 8.2.2: exactly as long as the modulus. */
	CHECK(sig_verify_rs256(rsa, msg, sizeof(msg), sig, len - 1) == -1);
	memmove(sig + 1, sig, len);
	sig[0] = 0;
	CHECK(sig_verify_rs256(rsa, msg, sizeof(msg), sig, len + 1) == -1);
	memmove(sig, sig + 1, len);
	/* The key decides: no RS256 with another key type, no ES256 with RSA. */
	CHECK(sig_verify_rs256(ec, msg, sizeof(msg), sig, len) == -1);
	CHECK(sig_verify_rs256(ed, msg, sizeof(msg), sig, len) == -1);
	CHECK(sig_verify_rs256(pss, msg, sizeof(msg), sig, len) == -1);
	CHECK(sig_verify_rs256(NULL, msg, sizeof(msg), sig, len) == -1);
	CHECK(sig_verify_es256(rsa, msg, sizeof(msg), sig, 64) == -1);
	CHECK(sig_verify_es256(ed, msg, sizeof(msg), sig, 64) == -1);

	EVP_PKEY_free(ec);
	EVP_PKEY_free(rsa);
	EVP_PKEY_free(ed);
	EVP_PKEY_free(pss);
}

/*
 * A secp256k1 signature, valid on its own curve, is not an ES256 one, and
 * not the second time either: the curve is checked where a thread caches
 * its context for a key, so a refusal must not leave one behind.
 */
static void
test_other_curve(void)
{
	unsigned char		 msg[] = "m", der[80], raw[64];
	const unsigned char	*p = der;
	const BIGNUM		*r, *s;
	ECDSA_SIG		*es = NULL;
	EVP_MD_CTX		*md;
	EVP_PKEY		*k;
	size_t			 len = sizeof(der);

	k = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "secp256k1");
	md = EVP_MD_CTX_new();
	CHECK(k != NULL && md != NULL &&
	    EVP_DigestSignInit(md, NULL, EVP_sha256(), NULL, k) == 1 &&
	    EVP_DigestSign(md, der, &len, msg, sizeof(msg)) == 1);
	EVP_MD_CTX_free(md);
	CHECK((es = d2i_ECDSA_SIG(NULL, &p, (long)len)) != NULL);
	if (es != NULL) {
		ECDSA_SIG_get0(es, &r, &s);
		CHECK(BN_bn2binpad(r, raw, 32) == 32 &&
		    BN_bn2binpad(s, raw + 32, 32) == 32);
		CHECK(sig_verify_es256(k, msg, sizeof(msg), raw,
		    sizeof(raw)) == -1);
		CHECK(sig_verify_es256(k, msg, sizeof(msg), raw,
		    sizeof(raw)) == -1);
		ECDSA_SIG_free(es);
	}
	EVP_PKEY_free(k);
}
/*
 * sig_verify_es256 keeps a verification context per key and thread (a few
 * keys, then the oldest is evicted). More keys than it caches, in turn,
 * each freed by its owner while cached, as a JWKS reload frees them: every
 * signature still meets its own key only, and nothing leaks (ASan).
 */
static void
test_es256_context_cache(void)
{
	enum { KEYS = 7, ROUNDS = 3 };
	EVP_PKEY	*priv[KEYS], *pub[KEYS];
	unsigned char	 x[32], y[32], raw[KEYS][64], der[80];
	const unsigned char	*p;
	static const char msg[] = "header.payload";
	BIGNUM		*bx, *by;
	ECDSA_SIG	*es;
	EVP_MD_CTX	*md;
	size_t		 dl;
	int		 i, j, r;

	for (i = 0; i < KEYS; i++) {
		bx = by = NULL;
		priv[i] = EVP_EC_gen("P-256");
		CHECK(priv[i] != NULL);
		CHECK(EVP_PKEY_get_bn_param(priv[i], OSSL_PKEY_PARAM_EC_PUB_X, &bx) == 1);
		CHECK(EVP_PKEY_get_bn_param(priv[i], OSSL_PKEY_PARAM_EC_PUB_Y, &by) == 1);
		CHECK(BN_bn2binpad(bx, x, 32) == 32 && BN_bn2binpad(by, y, 32) == 32);
		BN_free(bx);
		BN_free(by);
		pub[i] = sig_es256_key(x, y);
		CHECK(pub[i] != NULL);
		md = EVP_MD_CTX_new();
		dl = sizeof(der);
		CHECK(EVP_DigestSignInit(md, NULL, EVP_sha256(), NULL, priv[i]) == 1);
		CHECK(EVP_DigestSign(md, der, &dl, (const unsigned char *)msg,
		    strlen(msg)) == 1);
		EVP_MD_CTX_free(md);
		p = der;
		es = d2i_ECDSA_SIG(NULL, &p, (long)dl);
		CHECK(es != NULL);
		CHECK(BN_bn2binpad(ECDSA_SIG_get0_r(es), raw[i], 32) == 32);
		CHECK(BN_bn2binpad(ECDSA_SIG_get0_s(es), raw[i] + 32, 32) == 32);
		ECDSA_SIG_free(es);
		EVP_PKEY_free(priv[i]);
	}
	for (r = 0; r < ROUNDS; r++)
		for (i = 0; i < KEYS; i++)
			for (j = 0; j < KEYS; j++)
				CHECK(sig_verify_es256(pub[i], msg, strlen(msg),
				    raw[j], 64) == (i == j ? 0 : -1));
	/* Freed by their owner while still cached here. */
	for (i = 0; i < KEYS; i++) {
		CHECK(sig_verify_es256(pub[i], msg, strlen(msg), raw[i], 64) == 0);
		EVP_PKEY_free(pub[i]);
	}
}

int
main(void)
{
	if (sodium_init() < 0)
		return 1;
	test_rfc7515_a3();
	test_rfc8037_a4();
	test_key_types_do_not_mix();
	test_other_curve();
	test_es256_context_cache();
	return CHECK_DONE();
}
