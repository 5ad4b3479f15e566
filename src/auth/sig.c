#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/rsa.h>
#include <sodium.h>

#include "auth/sha256.h"
#include "auth/sig.h"

/* OpenSSL's public-key check: on the curve, in range, not a weak modulus. */
static int
public_check(EVP_PKEY *pkey)
{
	EVP_PKEY_CTX	*ctx;
	int		 ok;

	if ((ctx = EVP_PKEY_CTX_new_from_pkey(NULL, pkey, NULL)) == NULL)
		return -1;
	ok = EVP_PKEY_public_check(ctx) == 1;
	EVP_PKEY_CTX_free(ctx);
	return ok ? 0 : -1;
}

/* A public key of type name ("EC", "RSA") from params, checked; or NULL. */
static EVP_PKEY *
public_key(const char *name, OSSL_PARAM *params)
{
	EVP_PKEY_CTX	*ctx;
	EVP_PKEY	*pkey = NULL;

	if ((ctx = EVP_PKEY_CTX_new_from_name(NULL, name, NULL)) == NULL)
		return NULL;
	if (EVP_PKEY_fromdata_init(ctx) != 1 ||
	    EVP_PKEY_fromdata(ctx, &pkey, EVP_PKEY_PUBLIC_KEY, params) != 1)
		pkey = NULL;
	EVP_PKEY_CTX_free(ctx);
	if (pkey != NULL && public_check(pkey) == -1) {
		EVP_PKEY_free(pkey);
		pkey = NULL;
	}
	return pkey;
}

EVP_PKEY *
sig_es256_key(const unsigned char x[SIG_EC_COORD_LEN],
    const unsigned char y[SIG_EC_COORD_LEN])
{
	char		 group[] = SN_X9_62_prime256v1;
	unsigned char	 point[1 + 2 * SIG_EC_COORD_LEN];
	OSSL_PARAM	 params[3];
	EVP_PKEY	*pkey;

	/* SEC 1 uncompressed form: both coordinates given, none derived. */
	point[0] = 0x04;
	memcpy(point + 1, x, SIG_EC_COORD_LEN);
	memcpy(point + 1 + SIG_EC_COORD_LEN, y, SIG_EC_COORD_LEN);
	params[0] = OSSL_PARAM_construct_utf8_string(
	    OSSL_PKEY_PARAM_GROUP_NAME, group, 0);
	params[1] = OSSL_PARAM_construct_octet_string(OSSL_PKEY_PARAM_PUB_KEY,
	    point, sizeof(point));
	params[2] = OSSL_PARAM_construct_end();
	pkey = public_key("EC", params);
	ERR_clear_error();
	return pkey;
}

/* Bits in a big-endian number whose first byte is not zero. */
static size_t
be_bits(const unsigned char *p, size_t len)
{
	size_t		 bits = len * 8;
	unsigned char	 top = p[0];

	while ((top & 0x80) == 0) {
		top = (unsigned char)(top << 1);
		bits--;
	}
	return bits;
}

EVP_PKEY *
sig_rs256_key(const unsigned char *n, size_t nlen, const unsigned char *e,
    size_t elen, const char **why)
{
	OSSL_PARAM_BLD	*bld = NULL;
	OSSL_PARAM	*params = NULL;
	BIGNUM		*bn = NULL, *be = NULL;
	EVP_PKEY	*pkey = NULL;
	uint32_t	 ev = 0;
	size_t		 i, bits;

	/* RFC 7518 6.3.1: Base64urlUInt is minimal, so one spelling per key. */
	if (nlen == 0 || n[0] == 0) {
		*why = "the modulus is empty or has a leading zero byte";
		return NULL;
	}
	bits = be_bits(n, nlen);
	if (bits < SIG_RSA_MIN_BITS || bits > SIG_RSA_MAX_BITS) {
		*why = "the modulus is not 2048 to 4096 bits long";
		return NULL;
	}
	/*
	 * An odd exponent of at most 32 bits: 65537 in practice. Small ones
	 * (3) are safe with a verifier that compares the whole encoded
	 * block, as OpenSSL's does; huge ones only make verifying slow.
	 */
	if (elen == 0 || elen > 4 || e[0] == 0) {
		*why = "the exponent is empty, over 32 bits or not minimal";
		return NULL;
	}
	for (i = 0; i < elen; i++)
		ev = (ev << 8) | e[i];
	if (ev < 3 || (ev & 1) == 0) {
		*why = "the exponent is even or below 3";
		return NULL;
	}
	*why = "OpenSSL refused the key";
	if ((bn = BN_bin2bn(n, (int)nlen, NULL)) == NULL ||
	    (be = BN_bin2bn(e, (int)elen, NULL)) == NULL ||
	    (bld = OSSL_PARAM_BLD_new()) == NULL ||
	    OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_N, bn) != 1 ||
	    OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_E, be) != 1 ||
	    (params = OSSL_PARAM_BLD_to_param(bld)) == NULL)
		goto out;
	if ((pkey = public_key("RSA", params)) == NULL)
		*why = "OpenSSL's public-key check refused the key";
out:
	OSSL_PARAM_free(params);
	OSSL_PARAM_BLD_free(bld);
	BN_free(bn);
	BN_free(be);
	ERR_clear_error();
	return pkey;
}

int
sig_ed25519_key_check(const unsigned char pub[SIG_ED25519_KEY_LEN])
{
	/* Canonical, on the curve, not small-order, in the main subgroup. */
	return crypto_core_ed25519_is_valid_point(pub) == 1 ? 0 : -1;
}

/* The key is a P-256 key: nothing else may meet an ES256 signature. */
static int
is_p256(EVP_PKEY *pkey)
{
	char	 name[32];
	size_t	 len = 0;

	if (EVP_PKEY_get_base_id(pkey) != EVP_PKEY_EC ||
	    EVP_PKEY_get_group_name(pkey, name, sizeof(name), &len) != 1)
		return 0;
	return strcmp(name, SN_X9_62_prime256v1) == 0;
}

/*
 * Per request thread, a ready verification context for each of the last
 * few ES256 keys. EVP_DigestVerifyInit on every token fetched the
 * algorithms from the provider and built a fresh context: in OpenSSL 3 that
 * cost more than the curve arithmetic itself (issue 14). A context holds a
 * reference to its key, so a cached pointer can never be a freed key's
 * address reused; a key dropped by a JWKS reload lives on here until it is
 * evicted or the thread ends (the destructor frees the cache). Only the
 * owning thread touches its cache: no lock. A context is only ever made
 * for a P-256 key, so a key found here has passed is_p256: the check runs
 * once per key and thread, not once per token (it asks the provider for
 * the group's name, half a microsecond).
 */
#define ES256_CACHED	4

struct es256_cache {
	EVP_PKEY	*pkey[ES256_CACHED];
	EVP_PKEY_CTX	*ctx[ES256_CACHED];
	unsigned	 next;
};

static pthread_key_t	es256_tls;
static pthread_once_t	es256_once = PTHREAD_ONCE_INIT;
static int		es256_tls_ok;

static void
es256_cache_free(void *p)
{
	struct es256_cache	*c = p;
	unsigned		 i;

	for (i = 0; i < ES256_CACHED; i++)
		EVP_PKEY_CTX_free(c->ctx[i]);
	free(c);
}

static void
es256_tls_init(void)
{
	es256_tls_ok = pthread_key_create(&es256_tls, es256_cache_free) == 0;
}

/* This thread's context for pkey, made and cached on first use. */
static EVP_PKEY_CTX *
es256_ctx(EVP_PKEY *pkey)
{
	struct es256_cache	*c;
	EVP_PKEY_CTX		*ctx;
	unsigned		 i;

	if (pthread_once(&es256_once, es256_tls_init) != 0 || !es256_tls_ok)
		return NULL;
	if ((c = pthread_getspecific(es256_tls)) == NULL) {
		if ((c = calloc(1, sizeof(*c))) == NULL)
			return NULL;
		if (pthread_setspecific(es256_tls, c) != 0) {
			free(c);
			return NULL;
		}
	}
	for (i = 0; i < ES256_CACHED; i++)
		if (c->ctx[i] != NULL && c->pkey[i] == pkey)
			return c->ctx[i];
	if (!is_p256(pkey) ||
	    (ctx = EVP_PKEY_CTX_new_from_pkey(NULL, pkey, NULL)) == NULL)
		return NULL;
	if (EVP_PKEY_verify_init(ctx) != 1 ||
	    EVP_PKEY_CTX_set_signature_md(ctx, EVP_sha256()) != 1) {
		EVP_PKEY_CTX_free(ctx);
		return NULL;
	}
	i = c->next++ % ES256_CACHED;
	EVP_PKEY_CTX_free(c->ctx[i]);
	c->ctx[i] = ctx;
	c->pkey[i] = pkey;
	return ctx;
}

/* A 32-byte big-endian unsigned integer as a minimal DER INTEGER. */
static size_t
der_uint256(unsigned char *out, const unsigned char v[SIG_EC_COORD_LEN])
{
	size_t	 i = 0, n;

	while (i < SIG_EC_COORD_LEN - 1 && v[i] == 0)
		i++;
	n = SIG_EC_COORD_LEN - i;
	out[0] = 0x02;
	if (v[i] & 0x80) {	/* positive: a leading zero byte */
		out[1] = (unsigned char)(n + 1);
		out[2] = 0x00;
		memcpy(out + 3, v + i, n);
		return n + 3;
	}
	out[1] = (unsigned char)n;
	memcpy(out + 2, v + i, n);
	return n + 2;
}

int
sig_verify_es256(EVP_PKEY *pkey, const void *msg, size_t len,
    const unsigned char *sig, size_t siglen)
{
	EVP_PKEY_CTX	*ctx;
	unsigned char	 der[2 + 2 * (3 + SIG_EC_COORD_LEN)];
	unsigned char	 hash[SHA256_LEN];
	size_t		 n;
	int		 rc = -1;

	if (pkey == NULL || siglen != SIG_ES256_LEN)
		goto out;
	/*
	 * JWS carries r||s, OpenSSL wants DER: the conversion lives here
	 * and nowhere else, so a DER signature from a token never reaches
	 * OpenSSL's parser. Out-of-range r or s (0, >= n) is OpenSSL's to
	 * refuse. At most 2 + 2 x 35 bytes: the short length form.
	 */
	n = der_uint256(der + 2, sig);
	n += der_uint256(der + 2 + n, sig + SIG_EC_COORD_LEN);
	der[0] = 0x30;
	der[1] = (unsigned char)n;
	if ((ctx = es256_ctx(pkey)) == NULL ||
	    sha256_two(msg, len, NULL, 0, hash) == -1)
		goto out;
	if (EVP_PKEY_verify(ctx, der, n + 2, hash, sizeof(hash)) == 1)
		rc = 0;
out:
	ERR_clear_error();	/* a refusal must not pile up in the queue */
	return rc;
}

int
sig_verify_rs256(EVP_PKEY *pkey, const void *msg, size_t len,
    const unsigned char *sig, size_t siglen)
{
	EVP_PKEY_CTX	*pctx = NULL;
	EVP_MD_CTX	*md = NULL;
	int		 bits, rc = -1;

	/* RSA-PSS keys are another algorithm (PS256): refused by base id. */
	if (pkey == NULL || EVP_PKEY_get_base_id(pkey) != EVP_PKEY_RSA)
		goto out;
	bits = EVP_PKEY_get_bits(pkey);
	if (bits < SIG_RSA_MIN_BITS || bits > SIG_RSA_MAX_BITS)
		goto out;
	/* RFC 8017 8.2.2 step 1: exactly k bytes, no more, no fewer. */
	if (EVP_PKEY_get_size(pkey) <= 0 ||
	    siglen != (size_t)EVP_PKEY_get_size(pkey))
		goto out;
	if ((md = EVP_MD_CTX_new()) == NULL ||
	    EVP_DigestVerifyInit(md, &pctx, EVP_sha256(), NULL, pkey) != 1 ||
	    EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PADDING) <= 0)
		goto out;
	if (EVP_DigestVerify(md, sig, siglen, msg, len) == 1)
		rc = 0;
out:
	EVP_MD_CTX_free(md);	/* frees pctx too */
	ERR_clear_error();
	return rc;
}

int
sig_verify_ed25519(const unsigned char pub[SIG_ED25519_KEY_LEN],
    const void *msg, size_t len, const unsigned char *sig, size_t siglen)
{
	if (siglen != SIG_ED25519_LEN)
		return -1;
	/* libsodium refuses non-canonical S, small-order R and A itself. */
	return crypto_sign_verify_detached(sig, msg, len, pub) == 0 ? 0 : -1;
}
