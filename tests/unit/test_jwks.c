/*
 * jwks: a JSON Web Key Set (RFC 7517 section 5) into one-algorithm keys,
 * tokens checked end to end through jwt_parse + jwt_verify with keys made
 * here by OpenSSL and libsodium, and SUPABASE_JWKS_FILE reloaded by
 * the keystore without a restart.
 */
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <sodium.h>

#include "auth/b64url.h"
#include "auth/jwks.h"
#include "auth/jwt.h"
#include "auth/jwt_verify.h"
#include "auth/sig.h"
#include "check.h"
#include "auth/keystore.h"

#define PAYLOAD	"{\"sub\":\"8d1f0a4e-5b7c-4c61-9a0e-2f3b4c5d6e7f\"," \
	"\"aud\":\"authenticated\",\"role\":\"authenticated\"," \
	"\"exp\":4102444800}"

static char	 tmpdir[] = "/tmp/test_jwks.XXXXXX";

/* Parse text into a fresh keyset; returns jwks_parse's result. */
static int
parse(const char *text, struct keyset *ks)
{
	char	 err[256];

	memset(ks, 0, sizeof(*ks));
	return jwks_parse(ks, text, strlen(text), NULL, err, sizeof(err));
}

/* How many keys a one-document parse yields (-1: the file is refused). */
static int
count(const char *text)
{
	struct keyset	 ks;
	int		 n;

	n = parse(text, &ks);
	CHECK(n == -1 ? ks.n == 0 : (size_t)n == ks.n);
	keyset_free(&ks);
	return n;
}

static void
b64(char *out, size_t cap, const unsigned char *in, size_t len)
{
	CHECK(b64url_encode(out, cap, in, len) > 0 || len == 0);
}

/* The base64url of a BIGNUM parameter, fixed width when pad is not 0. */
static void
bn_b64(char *out, size_t cap, EVP_PKEY *pkey, const char *param, int pad)
{
	unsigned char	 buf[SIG_RSA_MAX_BITS / 8];
	BIGNUM		*bn = NULL;
	int		 len;

	CHECK(EVP_PKEY_get_bn_param(pkey, param, &bn) == 1);
	len = pad > 0 ? BN_bn2binpad(bn, buf, pad) : BN_bn2bin(bn, buf);
	CHECK(len > 0);
	b64(out, cap, buf, (size_t)len);
	BN_free(bn);
}

/* {"keys":[<one P-256 JWK of pkey, with extra members>]} */
static void
ec_jwks(char *out, size_t cap, EVP_PKEY *pkey, const char *kid,
    const char *extra)
{
	char	 x[64], y[64];

	bn_b64(x, sizeof(x), pkey, OSSL_PKEY_PARAM_EC_PUB_X, 32);
	bn_b64(y, sizeof(y), pkey, OSSL_PKEY_PARAM_EC_PUB_Y, 32);
	snprintf(out, cap, "{\"keys\":[{%s\"kty\":\"EC\",\"crv\":\"P-256\","
	    "\"kid\":\"%s\",\"x\":\"%s\",\"y\":\"%s\"}]}", extra, kid, x, y);
}

static void
rsa_jwks(char *out, size_t cap, EVP_PKEY *pkey, const char *kid,
    const char *extra)
{
	char	 n[700], e[16];

	bn_b64(n, sizeof(n), pkey, OSSL_PKEY_PARAM_RSA_N, 0);
	bn_b64(e, sizeof(e), pkey, OSSL_PKEY_PARAM_RSA_E, 0);
	snprintf(out, cap, "{\"keys\":[{%s\"kty\":\"RSA\",\"kid\":\"%s\","
	    "\"n\":\"%s\",\"e\":\"%s\"}]}", extra, kid, n, e);
}

static void
okp_jwks(char *out, size_t cap, const unsigned char pub[32], const char *kid,
    const char *extra)
{
	char	 x[64];

	b64(x, sizeof(x), pub, 32);
	snprintf(out, cap, "{\"keys\":[{%s\"kty\":\"OKP\",\"crv\":\"Ed25519\","
	    "\"kid\":\"%s\",\"x\":\"%s\"}]}", extra, kid, x);
}

/* "<b64 header>.<b64 payload>" for this header. */
static void
signing_input(char *out, size_t cap, const char *header)
{
	char	 h[512], p[512];

	b64(h, sizeof(h), (const unsigned char *)header, strlen(header));
	b64(p, sizeof(p), (const unsigned char *)PAYLOAD, strlen(PAYLOAD));
	snprintf(out, cap, "%s.%s", h, p);
}

static void
append_sig(char *tok, size_t cap, const unsigned char *sig, size_t len)
{
	size_t	 n = strlen(tok);

	CHECK(n + 2 < cap);
	tok[n++] = '.';
	b64(tok + n, cap - n, sig, len);
}

/* A DER ECDSA signature of msg; returns its length. */
static size_t
es256_der(EVP_PKEY *pkey, const char *msg, unsigned char *der, size_t cap)
{
	EVP_MD_CTX	*md = EVP_MD_CTX_new();
	size_t		 len = cap;

	CHECK(md != NULL &&
	    EVP_DigestSignInit(md, NULL, EVP_sha256(), NULL, pkey) == 1 &&
	    EVP_DigestSign(md, der, &len, (const unsigned char *)msg,
	    strlen(msg)) == 1);
	EVP_MD_CTX_free(md);
	return len;
}

/* The JWS form: raw r||s (RFC 7518 3.4). */
static void
es256_raw(EVP_PKEY *pkey, const char *msg, unsigned char raw[64])
{
	unsigned char		 der[80];
	const unsigned char	*p = der;
	const BIGNUM		*r, *s;
	ECDSA_SIG		*es;
	size_t			 len;

	len = es256_der(pkey, msg, der, sizeof(der));
	es = d2i_ECDSA_SIG(NULL, &p, (long)len);
	CHECK(es != NULL);
	if (es == NULL)
		return;
	ECDSA_SIG_get0(es, &r, &s);
	CHECK(BN_bn2binpad(r, raw, 32) == 32 &&
	    BN_bn2binpad(s, raw + 32, 32) == 32);
	ECDSA_SIG_free(es);
}

static size_t
rs256_sign(EVP_PKEY *pkey, const char *msg, unsigned char *sig, size_t cap)
{
	EVP_MD_CTX	*md = EVP_MD_CTX_new();
	size_t		 len = cap;

	CHECK(md != NULL &&
	    EVP_DigestSignInit(md, NULL, EVP_sha256(), NULL, pkey) == 1 &&
	    EVP_DigestSign(md, sig, &len, (const unsigned char *)msg,
	    strlen(msg)) == 1);
	EVP_MD_CTX_free(md);
	return len;
}

/* An ES256 token signed by pkey with this header. */
static void
es256_token(char *tok, size_t cap, EVP_PKEY *pkey, const char *header)
{
	unsigned char	 raw[64];

	signing_input(tok, cap, header);
	es256_raw(pkey, tok, raw);
	append_sig(tok, cap, raw, sizeof(raw));
}

/* jwt_parse then jwt_verify: what the service does with a bearer token. */
static enum jwt_err
verify(const char *tok, const struct keyset *ks)
{
	struct jwt	 t;
	enum jwt_err	 e;

	if ((e = jwt_parse(tok, strlen(tok), &t)) != JWT_OK)
		return e;
	e = jwt_verify(&t, ks);
	jwt_free(&t);
	return e;
}

static EVP_PKEY *
ec_key(void)
{
	EVP_PKEY	*k = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");

	CHECK(k != NULL);
	return k;
}

static void
test_supabase_shape(void)
{
	char		 text[1024];
	struct keyset	 ks;
	EVP_PKEY	*k = ec_key();

	/* As Supabase serves it: a uuid kid, ext, key_ops, use, alg. */
	ec_jwks(text, sizeof(text), k, "0f3c8a2e-6a9b-4f6e-9d3c-1b2a3c4d5e6f",
	    "\"alg\":\"ES256\",\"ext\":true,\"key_ops\":[\"verify\"],"
	    "\"use\":\"sig\",");
	CHECK(parse(text, &ks) == 1);
	CHECK(ks.n == 1 && ks.keys[0].alg == JWT_ALG_ES256 &&
	    ks.keys[0].pkey != NULL);
	CHECK(ks.n == 1 && strcmp(ks.keys[0].kid,
	    "0f3c8a2e-6a9b-4f6e-9d3c-1b2a3c4d5e6f") == 0);
	keyset_free(&ks);

	/* Without alg the key type decides: still ES256. */
	ec_jwks(text, sizeof(text), k, "k1", "");
	CHECK(count(text) == 1);
	/* Supabase with only the legacy secret: an empty, valid set. */
	CHECK(count("{\"keys\":[]}") == 0);
	EVP_PKEY_free(k);
}

/*
 * libjwt GHSA-q843-6q5f-w55g: an RSA JWK was accepted for HS256, so the
 * public key became an HMAC secret anyone could sign with. The key's
 * type decides its one algorithm; an "alg" may only repeat it.
 */
static void
test_alg_must_match_key_type(void)
{
	char		 text[2048];
	EVP_PKEY	*rsa, *ec = ec_key();

	rsa = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)2048);
	CHECK(rsa != NULL);
	rsa_jwks(text, sizeof(text), rsa, "r1", "\"alg\":\"HS256\",");
	CHECK(count(text) == 0);
	rsa_jwks(text, sizeof(text), rsa, "r1", "\"alg\":\"none\",");
	CHECK(count(text) == 0);
	rsa_jwks(text, sizeof(text), rsa, "r1", "\"alg\":\"RS512\",");
	CHECK(count(text) == 0);
	rsa_jwks(text, sizeof(text), rsa, "r1", "\"alg\":\"PS256\",");
	CHECK(count(text) == 0);
	rsa_jwks(text, sizeof(text), rsa, "r1", "\"alg\":\"RS256\",");
	CHECK(count(text) == 1);
	rsa_jwks(text, sizeof(text), rsa, "r1", "");
	CHECK(count(text) == 1);
	ec_jwks(text, sizeof(text), ec, "e1", "\"alg\":\"HS256\",");
	CHECK(count(text) == 0);
	ec_jwks(text, sizeof(text), ec, "e1", "\"alg\":\"RS256\",");
	CHECK(count(text) == 0);
	ec_jwks(text, sizeof(text), ec, "e1", "\"alg\":7,");
	CHECK(count(text) == 0);
	EVP_PKEY_free(rsa);
	EVP_PKEY_free(ec);
}

static void
test_skipped_keys(void)
{
	char		 text[1024];
	EVP_PKEY	*k = ec_key();

	/* A JWKS is public: a symmetric key in it is never a secret. */
	CHECK(count("{\"keys\":[{\"kty\":\"oct\",\"kid\":\"s\",\"alg\":"
	    "\"HS256\",\"k\":\"c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0LXNlY3JldA\""
	    "}]}") == 0);
	ec_jwks(text, sizeof(text), k, "e1", "\"use\":\"enc\",");
	CHECK(count(text) == 0);
	ec_jwks(text, sizeof(text), k, "e1", "\"use\":\"SIG\",");
	CHECK(count(text) == 0);
	ec_jwks(text, sizeof(text), k, "e1", "\"key_ops\":[\"encrypt\"],");
	CHECK(count(text) == 0);
	ec_jwks(text, sizeof(text), k, "e1", "\"key_ops\":[],");
	CHECK(count(text) == 0);
	ec_jwks(text, sizeof(text), k, "e1", "\"key_ops\":\"verify\",");
	CHECK(count(text) == 0);
	ec_jwks(text, sizeof(text), k, "e1",
	    "\"key_ops\":[\"sign\",\"verify\"],");
	CHECK(count(text) == 1);
	/* A published private key is a leaked one. */
	ec_jwks(text, sizeof(text), k, "e1", "\"d\":\"AAAA\",");
	CHECK(count(text) == 0);
	/* kid: required for public keys, and jwt.c's alphabet. */
	ec_jwks(text, sizeof(text), k, "", "");
	CHECK(count(text) == 0);
	ec_jwks(text, sizeof(text), k, "a b", "");
	CHECK(count(text) == 0);
	ec_jwks(text, sizeof(text), k, "k/../x", "");
	CHECK(count(text) == 0);
	CHECK(count("{\"keys\":[{\"kty\":\"EC\",\"crv\":\"P-256\","
	    "\"x\":\"AA\",\"y\":\"AA\"}]}") == 0);
	/* Types and curves we do not verify with. */
	CHECK(count("{\"keys\":[{\"kty\":\"OKP\",\"crv\":\"X25519\",\"kid\":"
	    "\"x\",\"x\":\"3p7bfXt9wbTTW2HC7OQ1Nz-DQ8hbeGdNrfx-FG-IK08\"}]}")
	    == 0);
	CHECK(count("{\"keys\":[{\"kty\":\"EC\",\"crv\":\"P-384\",\"kid\":"
	    "\"p\",\"x\":\"AA\",\"y\":\"AA\"}]}") == 0);
	CHECK(count("{\"keys\":[{\"kty\":\"foo\",\"kid\":\"f\"}]}") == 0);
	CHECK(count("{\"keys\":[{\"kid\":\"f\"}]}") == 0);
	/* One usable key among skipped ones is kept. */
	ec_jwks(text, sizeof(text), k, "good", "");
	{
		char	 both[1200];

		snprintf(both, sizeof(both), "{\"keys\":[{\"kty\":\"oct\","
		    "\"kid\":\"s\",\"k\":\"AA\"},%s", text + 9);
		CHECK(count(both) == 1);
	}
	EVP_PKEY_free(k);
}

static void
test_refused_files(void)
{
	char		 text[2048], two[2048];
	struct keyset	 ks;
	char		 err[256];
	EVP_PKEY	*k = ec_key();

	CHECK(count("") == -1);
	CHECK(count("[]") == -1);
	CHECK(count("{}") == -1);
	CHECK(count("{\"keys\":{}}") == -1);
	CHECK(count("{\"keys\":[1]}") == -1);
	CHECK(count("{\"keys\":[],\"keys\":[]}") == -1);
	CHECK(count("{\"keys\":[{\"kty\":\"EC\",\"kty\":\"oct\"}]}") == -1);
	/* Two keys, one kid: which one would verify? */
	ec_jwks(text, sizeof(text), k, "same", "");
	snprintf(two, sizeof(two), "{\"keys\":[%.*s,%.*s]}",
	    (int)strlen(text) - 11, text + 9, (int)strlen(text) - 11,
	    text + 9);
	CHECK(count(two) == -1);
	/* A refused file leaves the set as it was. */
	memset(&ks, 0, sizeof(ks));
	CHECK(jwks_parse(&ks, text, strlen(text), NULL, err, sizeof(err)) == 1);
	CHECK(jwks_parse(&ks, two, strlen(two), NULL, err, sizeof(err)) == -1);
	CHECK(ks.n == 1);
	keyset_free(&ks);
	EVP_PKEY_free(k);
}

static void
test_weak_or_broken_keys(void)
{
	char		 text[2048], x[64], y[64];
	unsigned char	 yb[32];
	EVP_PKEY	*rsa, *ec = ec_key();
	BIGNUM		*bn = NULL;

	/* RFC 7518 3.3: 2048 bits at least. */
	rsa = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)1024);
	CHECK(rsa != NULL);
	rsa_jwks(text, sizeof(text), rsa, "small", "\"alg\":\"RS256\",");
	CHECK(count(text) == 0);
	EVP_PKEY_free(rsa);

	/* (x, y + 1): not on the curve (y^2 = x^3 - 3x + b has one y). */
	bn_b64(x, sizeof(x), ec, OSSL_PKEY_PARAM_EC_PUB_X, 32);
	CHECK(EVP_PKEY_get_bn_param(ec, OSSL_PKEY_PARAM_EC_PUB_Y, &bn) == 1);
	CHECK(BN_add_word(bn, 1) == 1 && BN_bn2binpad(bn, yb, 32) == 32);
	BN_free(bn);
	b64(y, sizeof(y), yb, sizeof(yb));
	snprintf(text, sizeof(text), "{\"keys\":[{\"kty\":\"EC\",\"crv\":"
	    "\"P-256\",\"kid\":\"off\",\"x\":\"%s\",\"y\":\"%s\"}]}", x, y);
	CHECK(count(text) == 0);
	/* The coordinates are exactly 32 bytes, strict base64url. */
	snprintf(text, sizeof(text), "{\"keys\":[{\"kty\":\"EC\",\"crv\":"
	    "\"P-256\",\"kid\":\"short\",\"x\":\"%.42s\",\"y\":\"%s\"}]}", x,
	    y);
	CHECK(count(text) == 0);
	snprintf(text, sizeof(text), "{\"keys\":[{\"kty\":\"EC\",\"crv\":"
	    "\"P-256\",\"kid\":\"pad\",\"x\":\"%s=\",\"y\":\"%s\"}]}", x, y);
	CHECK(count(text) == 0);
	/* The point at infinity has no affine form; all-zero is off-curve. */
	CHECK(count("{\"keys\":[{\"kty\":\"EC\",\"crv\":\"P-256\",\"kid\":"
	    "\"z\",\"x\":\"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\",\"y\":"
	    "\"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\"}]}") == 0);
	/* Ed25519: the identity point is small-order. */
	CHECK(count("{\"keys\":[{\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"kid\":"
	    "\"id\",\"x\":\"AQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\"}]}")
	    == 0);
	EVP_PKEY_free(ec);
}

/* {"keys":[{RSA n (with pad bytes), e}]} */
static int
rsa_count(EVP_PKEY *rsa, int pad, const char *e)
{
	char	 n[700], text[1024];

	bn_b64(n, sizeof(n), rsa, OSSL_PKEY_PARAM_RSA_N, pad);
	snprintf(text, sizeof(text), "{\"keys\":[{\"kty\":\"RSA\",\"kid\":"
	    "\"r\",\"n\":\"%s\",\"e\":\"%s\"}]}", n, e);
	return count(text);
}

/* RFC 7518 6.3.1: n and e are minimal big-endian (Base64urlUInt). */
static void
test_rsa_encoding(void)
{
	EVP_PKEY	*rsa;

	rsa = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)2048);
	CHECK(rsa != NULL);
	CHECK(rsa_count(rsa, 0, "AQAB") == 1);
	CHECK(rsa_count(rsa, 257, "AQAB") == 0);	/* leading zero byte */
	CHECK(rsa_count(rsa, 0, "AAEAAQ") == 0);	/* leading zero byte */
	CHECK(rsa_count(rsa, 0, "AQAA") == 0);		/* even */
	CHECK(rsa_count(rsa, 0, "AQ") == 0);		/* 1 */
	CHECK(rsa_count(rsa, 0, "AQAAAAE") == 0);	/* over 32 bits */
	CHECK(rsa_count(rsa, 0, "AQAB=") == 0);		/* padding */
	/* 3 is allowed: OpenSSL compares whole blocks (Wycheproof agrees). */
	CHECK(rsa_count(rsa, 0, "Aw") == 1);
	EVP_PKEY_free(rsa);
}

static void
test_es256_end_to_end(void)
{
	char		 text[1024], tok[2048], bad[2048];
	unsigned char	 der[80];
	struct keyset	 ks;
	EVP_PKEY	*k = ec_key(), *other = ec_key();
	size_t		 len, n;

	ec_jwks(text, sizeof(text), k, "e1", "\"alg\":\"ES256\",");
	CHECK(parse(text, &ks) == 1);

	es256_token(tok, sizeof(tok), k,
	    "{\"alg\":\"ES256\",\"typ\":\"JWT\",\"kid\":\"e1\"}");
	CHECK(verify(tok, &ks) == JWT_OK);

	/* One changed signature character (not the last: its low bits). */
	memcpy(bad, tok, sizeof(bad));
	n = strlen(bad) - 10;
	bad[n] = bad[n] == 'A' ? 'B' : 'A';
	CHECK(verify(bad, &ks) == JWT_ERR_SIGNATURE);
	/* The same signature over another header. */
	signing_input(bad, sizeof(bad),
	    "{\"alg\":\"ES256\",\"kid\":\"e1\",\"typ\":\"JWT\"}");
	n = strlen(bad);
	snprintf(bad + n, sizeof(bad) - n, "%s", strrchr(tok, '.'));
	CHECK(verify(bad, &ks) == JWT_ERR_SIGNATURE);

	/* Another key's signature under our kid. */
	es256_token(tok, sizeof(tok), other,
	    "{\"alg\":\"ES256\",\"typ\":\"JWT\",\"kid\":\"e1\"}");
	CHECK(verify(tok, &ks) == JWT_ERR_SIGNATURE);

	/* Public keys are chosen by kid only: none, or unknown, is no key. */
	es256_token(tok, sizeof(tok), k, "{\"alg\":\"ES256\",\"typ\":\"JWT\"}");
	CHECK(verify(tok, &ks) == JWT_ERR_NO_KEY);
	es256_token(tok, sizeof(tok), k,
	    "{\"alg\":\"ES256\",\"kid\":\"e2\"}");
	CHECK(verify(tok, &ks) == JWT_ERR_NO_KEY);

	/* RFC 7518 3.4: the JWS signature is r||s, never DER. */
	signing_input(tok, sizeof(tok), "{\"alg\":\"ES256\",\"kid\":\"e1\"}");
	len = es256_der(k, tok, der, sizeof(der));
	CHECK(len != SIG_ES256_LEN);
	CHECK(sig_verify_es256(ks.keys[0].pkey, tok, strlen(tok), der, len)
	    == -1);
	append_sig(tok, sizeof(tok), der, len);
	CHECK(verify(tok, &ks) == JWT_ERR_SIGNATURE);

	/* The kid names an ES256 key: the token's alg does not change it. */
	signing_input(tok, sizeof(tok), "{\"alg\":\"EdDSA\",\"kid\":\"e1\"}");
	memset(der, 0, 64);
	append_sig(tok, sizeof(tok), der, 64);
	CHECK(verify(tok, &ks) == JWT_ERR_ALG);

	keyset_free(&ks);
	EVP_PKEY_free(k);
	EVP_PKEY_free(other);
}

/*
 * Algorithm confusion (libjwt GHSA-q843-6q5f-w55g, CVE-2016-10555 in
 * others): an HS256 token whose HMAC key is the public JWKS text itself.
 * Only the legacy secret answers HS256; a public key never does.
 */
static void
test_hs256_with_public_key_refused(void)
{
	static const unsigned char secret[] =
	    "legacy-supabase-jwt-secret-of-32-characters-at-least";
	char			 text[1024], tok[2048];
	unsigned char		 tag[HS256_TAG_LEN];
	struct hs256_key	 forged;
	struct keyset		 ks;
	EVP_PKEY		*k = ec_key();

	ec_jwks(text, sizeof(text), k, "e1", "");
	CHECK(hs256_key_init(&forged, (const unsigned char *)text,
	    strlen(text)) == 0);
	signing_input(tok, sizeof(tok),
	    "{\"alg\":\"HS256\",\"typ\":\"JWT\",\"kid\":\"e1\"}");
	hs256_mac(&forged, tok, strlen(tok), tag);
	append_sig(tok, sizeof(tok), tag, sizeof(tag));

	/* JWKS only: nothing verifies HS256 at all. */
	CHECK(parse(text, &ks) == 1);
	CHECK(verify(tok, &ks) == JWT_ERR_NO_KEY);
	keyset_free(&ks);

	/* With the legacy secret too: it, not the JWK, checks the MAC. */
	memset(&ks, 0, sizeof(ks));
	CHECK(keyset_add_hs256(&ks, secret, sizeof(secret) - 1) == 0);
	{
		char	 err[256];

		CHECK(jwks_parse(&ks, text, strlen(text), NULL, err,
		    sizeof(err)) == 1);
	}
	CHECK(verify(tok, &ks) == JWT_ERR_SIGNATURE);
	keyset_free(&ks);
	hs256_key_free(&forged);
	EVP_PKEY_free(k);
}

static void
test_rs256_and_eddsa_end_to_end(void)
{
	char		 text[2048], tok[2048];
	unsigned char	 sig[512], pub[32], sk[64];
	struct keyset	 ks;
	EVP_PKEY	*rsa;
	size_t		 len;

	rsa = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)2048);
	CHECK(rsa != NULL);
	rsa_jwks(text, sizeof(text), rsa, "r1", "\"alg\":\"RS256\",");
	CHECK(parse(text, &ks) == 1);
	signing_input(tok, sizeof(tok), "{\"alg\":\"RS256\",\"kid\":\"r1\"}");
	len = rs256_sign(rsa, tok, sig, sizeof(sig));
	CHECK(len == 256);
	append_sig(tok, sizeof(tok), sig, len);
	CHECK(verify(tok, &ks) == JWT_OK);
	/* libjwt c948840: an RS256 key must not answer another alg. */
	signing_input(tok, sizeof(tok), "{\"alg\":\"ES256\",\"kid\":\"r1\"}");
	append_sig(tok, sizeof(tok), sig, 64);
	CHECK(verify(tok, &ks) == JWT_ERR_ALG);
	keyset_free(&ks);
	EVP_PKEY_free(rsa);

	crypto_sign_keypair(pub, sk);
	okp_jwks(text, sizeof(text), pub, "ed", "\"alg\":\"EdDSA\",");
	CHECK(parse(text, &ks) == 1);
	CHECK(ks.n == 1 && ks.keys[0].alg == JWT_ALG_EDDSA);
	signing_input(tok, sizeof(tok), "{\"alg\":\"EdDSA\",\"kid\":\"ed\"}");
	crypto_sign_detached(sig, NULL, (const unsigned char *)tok,
	    strlen(tok), sk);
	append_sig(tok, sizeof(tok), sig, 64);
	CHECK(verify(tok, &ks) == JWT_OK);
	keyset_free(&ks);
	okp_jwks(text, sizeof(text), pub, "ed", "\"alg\":\"Ed25519\",");
	CHECK(count(text) == 0);
	sodium_memzero(sk, sizeof(sk));
}

/* Write text to path through a rename, as a deploy would. */
static void
put_file(const char *path, const char *text)
{
	char	 tmp[256];
	FILE	*f;

	snprintf(tmp, sizeof(tmp), "%s.new", path);
	f = fopen(tmp, "w");
	CHECK(f != NULL);
	if (f == NULL)
		return;
	fputs(text, f);
	fclose(f);
	CHECK(rename(tmp, path) == 0);
}

/* verify() against the keys the store publishes now. */
static enum jwt_err
verify_now(const char *tok, struct keystore *st)
{
	struct keystore_reader	 r = { NULL };
	enum jwt_err		 e;

	e = verify(tok, snapshot_keys(keystore_read(st, &r)));
	keystore_reader_done(&r);
	return e;
}

/*
 * Two JWKS files' worth of keys, a and b (one ES256 key each, kid "a" and
 * "b"), a token for each, and a store watching path, which holds a.
 */
struct rotation {
	char		 path[256], a[1024], b[1024], ta[2048], tb[2048];
	struct config	 cfg;
	struct keystore	*st;
	EVP_PKEY	*ka, *kb;
};

static int
rotation_start(struct rotation *r, const char *name)
{
	char	 err[512];

	memset(r, 0, sizeof(*r));
	r->ka = ec_key();
	r->kb = ec_key();
	snprintf(r->path, sizeof(r->path), "%s/%s", tmpdir, name);
	ec_jwks(r->a, sizeof(r->a), r->ka, "a", "");
	ec_jwks(r->b, sizeof(r->b), r->kb, "b", "");
	es256_token(r->ta, sizeof(r->ta), r->ka,
	    "{\"alg\":\"ES256\",\"kid\":\"a\"}");
	es256_token(r->tb, sizeof(r->tb), r->kb,
	    "{\"alg\":\"ES256\",\"kid\":\"b\"}");
	put_file(r->path, r->a);
	r->cfg.jwks_file = r->path;
	CHECK((r->st = keystore_open(&r->cfg, err, sizeof(err))) != NULL);
	return r->st != NULL ? 0 : -1;
}

static void
rotation_end(struct rotation *r)
{
	keystore_free(r->st);
	unlink(r->path);
	EVP_PKEY_free(r->ka);
	EVP_PKEY_free(r->kb);
}

/* SUPABASE_JWKS_FILE changes under a running worker. */
static void
test_reload(void)
{
	struct rotation	 r;
	char		 err[512];

	if (rotation_start(&r, "jwks.json") == -1)
		return;
	CHECK(verify_now(r.ta, r.st) == JWT_OK);
	CHECK(verify_now(r.tb, r.st) == JWT_ERR_NO_KEY);

	/* A rotation: the new file's keys from the next look on. */
	put_file(r.path, r.b);
	CHECK(keystore_refresh(r.st, 1000) == 1);
	CHECK(verify_now(r.ta, r.st) == JWT_ERR_NO_KEY);
	CHECK(verify_now(r.tb, r.st) == JWT_OK);

	/* Within the same second the file is not looked at. */
	put_file(r.path, r.a);
	CHECK(keystore_refresh(r.st, 1000) == 0);
	CHECK(verify_now(r.tb, r.st) == JWT_OK);
	CHECK(keystore_refresh(r.st, 1001) == 1);
	CHECK(verify_now(r.ta, r.st) == JWT_OK);

	/* A broken file keeps the keys in force; so does a missing one. */
	put_file(r.path, "{\"keys\":[");
	CHECK(keystore_refresh(r.st, 1002) == 0);
	CHECK(verify_now(r.ta, r.st) == JWT_OK);
	CHECK(keystore_refresh(r.st, 1003) == 0);
	CHECK(verify_now(r.ta, r.st) == JWT_OK);
	CHECK(unlink(r.path) == 0);
	CHECK(keystore_refresh(r.st, 1004) == 0);
	CHECK(verify_now(r.ta, r.st) == JWT_OK);
	/* And a good file after them is taken again. */
	put_file(r.path, r.b);
	CHECK(keystore_refresh(r.st, 1005) == 1);
	CHECK(verify_now(r.tb, r.st) == JWT_OK);
	CHECK(verify_now(r.ta, r.st) == JWT_ERR_NO_KEY);

	/* A stop cancels: no later version is taken. */
	keystore_cancel(r.st);
	put_file(r.path, r.a);
	CHECK(keystore_refresh(r.st, 1006) == 0);
	CHECK(verify_now(r.tb, r.st) == JWT_OK);

	/* At start-up a broken file is a configuration problem. */
	put_file(r.path, "{\"keys\":[{\"kty\":\"EC\"},{\"kty\":\"EC\"}],}");
	CHECK(keystore_open(&r.cfg, err, sizeof(err)) == NULL);
	CHECK(strstr(err, "SUPABASE_JWKS_FILE") != NULL);
	rotation_end(&r);
}

/* How many lines of stderr mention what, while fn(r, now) runs. */
static int
log_lines(void (*fn)(struct rotation *, long), struct rotation *r, long now,
    const char *what)
{
	char	 path[256], line[1024];
	FILE	*f;
	int	 fd, saved, n = 0;

	snprintf(path, sizeof(path), "%s/stderr", tmpdir);
	fflush(stderr);
	if ((fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600)) == -1 ||
	    (saved = dup(2)) == -1)
		return -1;
	dup2(fd, 2);
	fn(r, now);
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	close(fd);
	if ((f = fopen(path, "r")) == NULL)
		return -1;
	while (fgets(line, sizeof(line), f) != NULL)
		if (strstr(line, what) != NULL)
			n++;
	fclose(f);
	unlink(path);
	return n;
}

static void
refresh(struct rotation *r, long now)
{
	keystore_refresh(r->st, now);
}

/* A broken version is told once, however often it is looked at. */
static void
test_broken_logged_once(void)
{
	struct rotation	 r;

	if (rotation_start(&r, "once.json") == -1)
		return;
	put_file(r.path, "{\"keys\":[");
	CHECK(log_lines(refresh, &r, 4000, "not a strict JSON") == 1);
	CHECK(log_lines(refresh, &r, 4001, "not a strict JSON") == 0);
	CHECK(log_lines(refresh, &r, 4002, "not a strict JSON") == 0);
	/* A new broken version is a new message. */
	put_file(r.path, "{\"keys\":[}");
	CHECK(log_lines(refresh, &r, 4003, "not a strict JSON") == 1);
	CHECK(verify_now(r.ta, r.st) == JWT_OK);
	rotation_end(&r);
}

/* Readers racing the swaps: each counts what it saw, CHECKed after join. */
struct race {
	struct rotation	*r;
	int		 stop;		/* atomic */
	long		 reads, bad;
};

static void *
race_reader(void *arg)
{
	struct race		*rc = arg;
	struct keystore_reader	 r = { NULL };
	const struct keyset	*ks;
	const char		*tok;
	long			 reads = 0, bad = 0;

	while (!__atomic_load_n(&rc->stop, __ATOMIC_ACQUIRE)) {
		ks = snapshot_keys(keystore_read(rc->r->st, &r));
		/* Whole versions only: one key, a or b, that verifies. */
		if (ks->n != 1) {
			bad++;
			continue;
		}
		tok = strcmp(ks->keys[0].kid, "a") == 0 ? rc->r->ta : rc->r->tb;
		if (verify(tok, ks) != JWT_OK)
			bad++;
		reads++;
	}
	keystore_reader_done(&r);
	__atomic_add_fetch(&rc->reads, reads, __ATOMIC_RELAXED);
	__atomic_add_fetch(&rc->bad, bad, __ATOMIC_RELAXED);
	return NULL;
}

/*
 * Issue 10, "Reload and locks": a reload held the keys' write lock while
 * it read and parsed the file. Now readers never wait: four threads read
 * and verify while the store swaps 200 versions under them; each sees a
 * whole version, and ASan sees no snapshot freed while in use.
 */
static void
test_reload_race(void)
{
	struct rotation	 r;
	struct race	 rc;
	pthread_t	 tid[4];
	int		 i, swaps = 0;

	if (rotation_start(&r, "race.json") == -1)
		return;
	memset(&rc, 0, sizeof(rc));
	rc.r = &r;
	for (i = 0; i < 4; i++)
		CHECK(pthread_create(&tid[i], NULL, race_reader, &rc) == 0);
	for (i = 0; i < 200; i++) {
		put_file(r.path, i % 2 == 0 ? r.b : r.a);
		swaps += keystore_refresh(r.st, 2000 + i);
	}
	__atomic_store_n(&rc.stop, 1, __ATOMIC_RELEASE);
	for (i = 0; i < 4; i++)
		pthread_join(tid[i], NULL);
	CHECK(swaps == 200);
	CHECK(rc.bad == 0);
	CHECK(rc.reads > 0);
	rotation_end(&r);
}

/* A reader keeps its snapshot across swaps until it reads again. */
static void
test_snapshot_outlives_swap(void)
{
	struct rotation		 r;
	struct keystore_reader	 rd = { NULL };
	const struct snapshot	*old;

	if (rotation_start(&r, "hold.json") == -1)
		return;
	old = keystore_read(r.st, &rd);
	put_file(r.path, r.b);
	CHECK(keystore_refresh(r.st, 3000) == 1);
	put_file(r.path, r.a);
	CHECK(keystore_refresh(r.st, 3001) == 1);
	/* Two versions later, the held one is still whole. */
	CHECK(verify(r.ta, snapshot_keys(old)) == JWT_OK);
	CHECK(keystore_read(r.st, &rd) != old);
	keystore_reader_done(&rd);
	rotation_end(&r);
}

/*
 * The parser logs nothing (issue 10, "the JWKS parser logs from inside
 * itself"): what it skipped comes back in the report, for the caller to
 * tell once.
 */
static void
test_skips_reported(void)
{
	struct jwks_report	 rep;
	struct keyset		 ks;
	char			 err[256];
	const char		*text = "{\"keys\":[{\"kty\":\"oct\","
	    "\"kid\":\"s1\",\"k\":\"AAAA\"},{\"kty\":\"EC\"}]}";

	memset(&ks, 0, sizeof(ks));
	CHECK(jwks_parse(&ks, text, strlen(text), &rep, err, sizeof(err)) == 0);
	CHECK(rep.nskipped == 2);
	CHECK(rep.skipped[0].index == 0 && strcmp(rep.skipped[0].kid, "s1") == 0);
	CHECK(strstr(rep.skipped[0].why, "oct") != NULL);
	CHECK(rep.skipped[1].index == 1 && rep.skipped[1].kid[0] == '\0');
	keyset_free(&ks);
}

/*
 * /healthz answered 200 while no key could verify anything (issue 10):
 * the snapshot says why, for /healthz and --check-config.
 */
static void
test_unusable(void)
{
	char		 path[256], err[512];
	struct config	 cfg;
	struct keystore	*st;
	struct keystore_reader r = { NULL };

	snprintf(path, sizeof(path), "%s/empty.json", tmpdir);
	put_file(path, "{\"keys\":[{\"kty\":\"oct\",\"kid\":\"x\"}]}");
	memset(&cfg, 0, sizeof(cfg));
	cfg.jwks_file = path;
	CHECK((st = keystore_open(&cfg, err, sizeof(err))) != NULL);
	if (st == NULL)
		return;
	CHECK(snapshot_unusable(keystore_read(st, &r)) != NULL);
	keystore_reader_done(&r);
	keystore_free(st);
	CHECK(unlink(path) == 0);
}

int
main(void)
{
	if (sodium_init() < 0 || mkdtemp(tmpdir) == NULL)
		return 1;
	test_supabase_shape();
	test_alg_must_match_key_type();
	test_skipped_keys();
	test_refused_files();
	test_weak_or_broken_keys();
	test_rsa_encoding();
	test_es256_end_to_end();
	test_hs256_with_public_key_refused();
	test_rs256_and_eddsa_end_to_end();
	test_reload();
	test_broken_logged_once();
	test_reload_race();
	test_snapshot_outlives_swap();
	test_skips_reported();
	test_unusable();
	rmdir(tmpdir);
	return CHECK_DONE();
}
