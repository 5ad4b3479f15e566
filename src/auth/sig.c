#include <stdint.h>
#include <string.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/rsa.h>
#include <sodium.h>

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

int
sig_verify_es256(EVP_PKEY *pkey, const void *msg, size_t len,
    const unsigned char *sig, size_t siglen)
{
	ECDSA_SIG	*es = NULL;
	BIGNUM		*r = NULL, *s = NULL;
	EVP_MD_CTX	*md = NULL;
	unsigned char	*der = NULL;
	int		 derlen, rc = -1;

	if (pkey == NULL || siglen != SIG_ES256_LEN || !is_p256(pkey))
		goto out;
	/*
	 * JWS carries r||s, OpenSSL wants DER: the conversion lives here
	 * and nowhere else, so a DER signature from a token never reaches
	 * OpenSSL's parser. Out-of-range r or s is OpenSSL's to refuse.
	 */
	if ((es = ECDSA_SIG_new()) == NULL ||
	    (r = BN_bin2bn(sig, SIG_EC_COORD_LEN, NULL)) == NULL ||
	    (s = BN_bin2bn(sig + SIG_EC_COORD_LEN, SIG_EC_COORD_LEN,
	    NULL)) == NULL ||
	    ECDSA_SIG_set0(es, r, s) != 1)
		goto out;
	r = s = NULL;	/* es owns them now */
	if ((derlen = i2d_ECDSA_SIG(es, &der)) <= 0)
		goto out;
	if ((md = EVP_MD_CTX_new()) == NULL ||
	    EVP_DigestVerifyInit(md, NULL, EVP_sha256(), NULL, pkey) != 1)
		goto out;
	if (EVP_DigestVerify(md, der, (size_t)derlen, msg, len) == 1)
		rc = 0;
out:
	EVP_MD_CTX_free(md);
	OPENSSL_free(der);
	ECDSA_SIG_free(es);
	BN_free(r);
	BN_free(s);
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
