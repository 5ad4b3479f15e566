/*
 * The keys that may verify a Supabase user token. Each key holds exactly
 * one algorithm, and the key decides: a token's alg must equal its key's.
 * The legacy HS256 secret is unnamed; every public key (from the JWKS)
 * has a kid, unique in the set.
 */
#ifndef KEYS_H
#define KEYS_H

#include <stddef.h>

#include <openssl/types.h>

#include "auth/hs256.h"
#include "auth/jwt.h"
#include "auth/sig.h"

struct key {
	enum jwt_alg		 alg;
	char			 kid[JWT_KID_MAX + 1];	/* "" for the secret */
	struct hs256_key	 hs;		/* JWT_ALG_HS256 */
	EVP_PKEY		*pkey;		/* JWT_ALG_ES256, JWT_ALG_RS256 */
	unsigned char		 ed25519[SIG_ED25519_KEY_LEN]; /* JWT_ALG_EDDSA */
};

struct keyset {
	struct key	*keys;
	size_t		 n;
};

/* Add the HS256 shared secret. Returns 0, or -1 when out of memory. */
int	keyset_add_hs256(struct keyset *, const unsigned char *secret,
	    size_t len);

/*
 * Add an ES256 or RS256 public key named kid; on success the set owns
 * pkey. Returns 0, or -1 (pkey still the caller's) when out of memory or
 * when alg is not ES256 or RS256.
 */
int	keyset_add_pkey(struct keyset *, enum jwt_alg alg, const char *kid,
	    EVP_PKEY *pkey);

/* Add an Ed25519 public key named kid. Returns 0, or -1 out of memory. */
int	keyset_add_ed25519(struct keyset *, const char *kid,
	    const unsigned char pub[SIG_ED25519_KEY_LEN]);

/*
 * The key that must verify a token with this alg and kid (kid may be
 * NULL), or NULL when there is none. The legacy HS256 secret is unnamed:
 * it answers HS256 whatever the kid. Any other algorithm needs a kid, and
 * the key of that kid is returned whatever its algorithm: the caller
 * refuses a token whose alg is not the key's.
 */
const struct key	*keyset_find(const struct keyset *, enum jwt_alg alg,
			    const char *kid);

/* Free the keys from index n on, keeping the first n. */
void	keyset_truncate(struct keyset *, size_t n);
void	keyset_free(struct keyset *);

#endif
