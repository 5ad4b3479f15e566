#include <string.h>

#include <sodium.h>

#include "auth/hs256.h"

int
hs256_key_init(struct hs256_key *k, const unsigned char *secret, size_t len)
{
	crypto_auth_hmacsha256_state	*st;

	k->state = NULL;
	if ((st = sodium_malloc(sizeof(*st))) == NULL)
		return -1;
	crypto_auth_hmacsha256_init(st, secret, len);
	sodium_mprotect_readonly(st);
	k->state = st;
	return 0;
}

void
hs256_key_free(struct hs256_key *k)
{
	if (k->state != NULL)
		sodium_free(k->state);
	k->state = NULL;
}

void
hs256_mac(const struct hs256_key *k, const void *msg, size_t len,
    unsigned char tag[HS256_TAG_LEN])
{
	crypto_auth_hmacsha256_state	 st;

	/* Start from the precomputed pads; the copy is wiped after use. */
	memcpy(&st, k->state, sizeof(st));
	crypto_auth_hmacsha256_update(&st, msg, len);
	crypto_auth_hmacsha256_final(&st, tag);
	sodium_memzero(&st, sizeof(st));
}

int
hs256_verify(const struct hs256_key *k, const void *msg, size_t len,
    const unsigned char *tag, size_t taglen)
{
	unsigned char	 want[HS256_TAG_LEN];
	int		 rc;

	if (taglen != HS256_TAG_LEN)
		return -1;
	hs256_mac(k, msg, len, want);
	rc = crypto_verify_32(want, tag);
	sodium_memzero(want, sizeof(want));
	return rc == 0 ? 0 : -1;
}
