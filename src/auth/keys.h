/*
 * The keys that may verify a Supabase user token. Each key holds exactly
 * one algorithm, and the key decides: a token's alg must equal its key's.
 */
#ifndef KEYS_H
#define KEYS_H

#include <stddef.h>

#include "auth/hs256.h"
#include "auth/jwt.h"

struct key {
	enum jwt_alg		 alg;
	char			 kid[JWT_KID_MAX + 1];	/* "" for the secret */
	struct hs256_key	 hs;	/* JWT_ALG_HS256 */
};

struct keyset {
	struct key	*keys;
	size_t		 n;
};

/* Add the HS256 shared secret. Returns 0, or -1 when out of memory. */
int	keyset_add_hs256(struct keyset *, const unsigned char *secret,
	    size_t len);

/*
 * The key that must verify a token with this alg and kid (kid may be
 * NULL), or NULL when there is none. The legacy HS256 secret is unnamed:
 * it answers HS256 whatever the kid.
 */
const struct key	*keyset_find(const struct keyset *, enum jwt_alg alg,
			    const char *kid);

void	keyset_free(struct keyset *);

#endif
