#include "auth/jwt_verify.h"
#include "auth/sig.h"

typedef int (*verify_fn)(const struct key *, const struct jwt *);

static int
verify_hs256(const struct key *k, const struct jwt *t)
{
	return hs256_verify(&k->hs, t->signing_input, t->signing_input_len,
	    t->sig, t->sig_len);
}

static int
verify_es256(const struct key *k, const struct jwt *t)
{
	return sig_verify_es256(k->pkey, t->signing_input,
	    t->signing_input_len, t->sig, t->sig_len);
}

static int
verify_rs256(const struct key *k, const struct jwt *t)
{
	return sig_verify_rs256(k->pkey, t->signing_input,
	    t->signing_input_len, t->sig, t->sig_len);
}

static int
verify_eddsa(const struct key *k, const struct jwt *t)
{
	return sig_verify_ed25519(k->ed25519, t->signing_input,
	    t->signing_input_len, t->sig, t->sig_len);
}

/* Indexed by algorithm; a NULL entry is an algorithm we cannot verify. */
static const verify_fn verifiers[JWT_ALG__MAX] = {
	[JWT_ALG_HS256] = verify_hs256,
	[JWT_ALG_ES256] = verify_es256,
	[JWT_ALG_RS256] = verify_rs256,
	[JWT_ALG_EDDSA] = verify_eddsa,
};

enum jwt_err
jwt_verify(const struct jwt *t, const struct keyset *ks)
{
	const struct key	*k;

	if ((unsigned)t->alg >= JWT_ALG__MAX || verifiers[t->alg] == NULL)
		return JWT_ERR_ALG;
	if ((k = keyset_find(ks, t->alg, t->has_kid ? t->kid : NULL)) == NULL)
		return JWT_ERR_NO_KEY;
	/*
	 * The key decides the algorithm: a kid that names an EC key does not
	 * make an RS256 or EdDSA token checkable with it (libjwt c948840).
	 */
	if (k->alg != t->alg)
		return JWT_ERR_ALG;
	return verifiers[k->alg](k, t) == 0 ? JWT_OK : JWT_ERR_SIGNATURE;
}
