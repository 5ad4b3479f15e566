#include "auth/jwt_verify.h"

typedef int (*verify_fn)(const struct key *, const struct jwt *);

static int
verify_hs256(const struct key *k, const struct jwt *t)
{
	return hs256_verify(&k->hs, t->signing_input, t->signing_input_len,
	    t->sig, t->sig_len);
}

/* Indexed by algorithm; a NULL entry is an algorithm we cannot verify. */
static const verify_fn verifiers[JWT_ALG__MAX] = {
	[JWT_ALG_HS256] = verify_hs256,
};

enum jwt_err
jwt_verify(const struct jwt *t, const struct keyset *ks)
{
	const struct key	*k;

	if ((unsigned)t->alg >= JWT_ALG__MAX || verifiers[t->alg] == NULL)
		return JWT_ERR_ALG;
	if ((k = keyset_find(ks, t->alg, t->has_kid ? t->kid : NULL)) == NULL)
		return JWT_ERR_NO_KEY;
	/* The key decides the algorithm; keyset_find already matched them. */
	if (k->alg != t->alg)
		return JWT_ERR_ALG;
	return verifiers[t->alg](k, t) == 0 ? JWT_OK : JWT_ERR_SIGNATURE;
}
