#include <stdlib.h>
#include <string.h>

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

const struct key *
keyset_find(const struct keyset *ks, enum jwt_alg alg, const char *kid)
{
	size_t	 i;

	for (i = 0; i < ks->n; i++) {
		const struct key *k = &ks->keys[i];

		if (k->alg != alg)
			continue;
		if (alg == JWT_ALG_HS256 && k->kid[0] == '\0')
			return k;
		if (kid != NULL && strcmp(kid, k->kid) == 0)
			return k;
	}
	return NULL;
}

void
keyset_free(struct keyset *ks)
{
	size_t	 i;

	for (i = 0; i < ks->n; i++)
		hs256_key_free(&ks->keys[i].hs);
	free(ks->keys);
	ks->keys = NULL;
	ks->n = 0;
}
