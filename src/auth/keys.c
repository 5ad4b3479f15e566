#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <sodium.h>

#include "auth/keys.h"

static struct key *
keyset_grow(struct keyset *ks)
{
	struct key	*k;

	k = reallocarray(ks->keys, ks->n + 1, sizeof(*k));
	if (k == NULL)
		return NULL;
	ks->keys = k;
	k = &ks->keys[ks->n];
	memset(k, 0, sizeof(*k));
	return k;
}

int
keyset_add_hs256(struct keyset *ks, const unsigned char *secret, size_t len)
{
	struct key	*k;

	if ((k = keyset_grow(ks)) == NULL)
		return -1;
	k->alg = JWT_ALG_HS256;
	if (hs256_key_init(&k->hs, secret, len) == -1)
		return -1;
	ks->n++;
	return 0;
}

/* A new named key; kid was checked by the caller (jwks.c). */
static struct key *
keyset_add_named(struct keyset *ks, enum jwt_alg alg, const char *kid)
{
	struct key	*k;
	size_t		 len = strlen(kid);

	if (len == 0 || len > JWT_KID_MAX)
		return NULL;
	if ((k = keyset_grow(ks)) == NULL)
		return NULL;
	k->alg = alg;
	memcpy(k->kid, kid, len + 1);
	return k;
}

int
keyset_add_pkey(struct keyset *ks, enum jwt_alg alg, const char *kid,
    EVP_PKEY *pkey)
{
	struct key	*k;

	if (alg != JWT_ALG_ES256 && alg != JWT_ALG_RS256)
		return -1;
	if ((k = keyset_add_named(ks, alg, kid)) == NULL)
		return -1;
	k->pkey = pkey;
	ks->n++;
	return 0;
}

int
keyset_add_ed25519(struct keyset *ks, const char *kid,
    const unsigned char pub[SIG_ED25519_KEY_LEN])
{
	struct key	*k;

	if ((k = keyset_add_named(ks, JWT_ALG_EDDSA, kid)) == NULL)
		return -1;
	memcpy(k->ed25519, pub, SIG_ED25519_KEY_LEN);
	ks->n++;
	return 0;
}

const struct key *
keyset_find(const struct keyset *ks, enum jwt_alg alg, const char *kid)
{
	size_t	 i;

	for (i = 0; i < ks->n; i++) {
		const struct key *k = &ks->keys[i];

		if (alg == JWT_ALG_HS256) {
			if (k->alg == JWT_ALG_HS256 && k->kid[0] == '\0')
				return k;
			continue;
		}
		/* Public keys are only ever chosen by name. */
		if (kid != NULL && k->kid[0] != '\0' &&
		    strcmp(kid, k->kid) == 0)
			return k;
	}
	return NULL;
}

void
keyset_truncate(struct keyset *ks, size_t n)
{
	size_t	 i;

	for (i = n; i < ks->n; i++) {
		struct key *k = &ks->keys[i];

		hs256_key_free(&k->hs);
		EVP_PKEY_free(k->pkey);
		sodium_memzero(k, sizeof(*k));
	}
	if (n < ks->n)
		ks->n = n;
}

void
keyset_free(struct keyset *ks)
{
	keyset_truncate(ks, 0);
	free(ks->keys);
	ks->keys = NULL;
	ks->n = 0;
}
