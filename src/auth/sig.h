/*
 * The public-key signature primitives behind ES256, RS256 and EdDSA, and
 * the checks a public key must pass before it may verify anything. Only
 * this module speaks OpenSSL. The Wycheproof vector test drives these
 * functions directly: they are exactly what a token's signature meets.
 */
#ifndef SIG_H
#define SIG_H

#include <stddef.h>

#include <openssl/types.h>

#define SIG_ES256_LEN		64	/* raw r||s, RFC 7518 section 3.4 */
#define SIG_EC_COORD_LEN	32	/* a P-256 coordinate */
#define SIG_ED25519_KEY_LEN	32
#define SIG_ED25519_LEN		64
#define SIG_RSA_MIN_BITS	2048
#define SIG_RSA_MAX_BITS	4096

/*
 * A P-256 public key from its affine coordinates (big-endian, 32 bytes
 * each). Returns a new key, or NULL when the point is not a valid point of
 * the curve (off the curve, a coordinate >= p). EVP_PKEY_free releases it.
 */
EVP_PKEY	*sig_es256_key(const unsigned char x[SIG_EC_COORD_LEN],
		    const unsigned char y[SIG_EC_COORD_LEN]);

/*
 * An RSA public key from its modulus and exponent (big-endian, minimal:
 * no leading zero byte). Refuses a modulus outside SIG_RSA_MIN_BITS ..
 * SIG_RSA_MAX_BITS, an exponent that is even, below 3 or over 32 bits,
 * and what OpenSSL's public-key check refuses. Returns a new key, or NULL
 * with the reason in *why (a static string).
 */
EVP_PKEY	*sig_rs256_key(const unsigned char *n, size_t nlen,
		    const unsigned char *e, size_t elen, const char **why);

/*
 * Returns 0 when pub is a canonical Ed25519 point of the prime-order
 * subgroup (neither small-order nor off the curve), -1 otherwise.
 */
int	sig_ed25519_key_check(const unsigned char pub[SIG_ED25519_KEY_LEN]);

/*
 * Each returns 0 when sig is a valid signature of the len bytes of msg
 * under the key, -1 otherwise: a wrong length, a key of another type, a
 * signature that does not verify. ES256 takes raw r||s only (never DER);
 * RS256 is RSASSA-PKCS1-v1_5 with SHA-256 and a signature exactly as long
 * as the modulus.
 */
int	sig_verify_es256(EVP_PKEY *, const void *msg, size_t len,
	    const unsigned char *sig, size_t siglen);
int	sig_verify_rs256(EVP_PKEY *, const void *msg, size_t len,
	    const unsigned char *sig, size_t siglen);
int	sig_verify_ed25519(const unsigned char pub[SIG_ED25519_KEY_LEN],
	    const void *msg, size_t len, const unsigned char *sig,
	    size_t siglen);

#endif
