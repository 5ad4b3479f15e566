#include <string.h>

#include <sodium.h>

#include "auth/hs256.h"
#include "auth/sha256.h"

#define BLOCK	64	/* SHA-256's block: HMAC pads the key to it */
_Static_assert(HS256_TAG_LEN == SHA256_LEN, "the tag is one digest");

int
hs256_key_init(struct hs256_key *k, const unsigned char *secret, size_t len)
{
	unsigned char	*block;

	k->state = NULL;
	if ((block = sodium_malloc(BLOCK)) == NULL)
		return -1;
	memset(block, 0, BLOCK);
	/* RFC 2104: a key longer than the block is replaced by its hash. */
	if (len > BLOCK) {
		if (sha256_two(secret, len, NULL, 0, block) == -1) {
			sodium_free(block);
			return -1;
		}
	} else
		memcpy(block, secret, len);
	sodium_mprotect_readonly(block);
	k->state = block;
	return 0;
}

void
hs256_key_free(struct hs256_key *k)
{
	if (k->state != NULL)
		sodium_free(k->state);
	k->state = NULL;
}

int
hs256_mac(const struct hs256_key *k, const void *msg, size_t len,
    unsigned char tag[HS256_TAG_LEN])
{
	const unsigned char	*key = k->state;
	unsigned char		 pad[BLOCK], inner[HS256_TAG_LEN];
	size_t			 i;
	int			 rc;

	for (i = 0; i < BLOCK; i++)
		pad[i] = key[i] ^ 0x36;
	rc = sha256_two(pad, BLOCK, msg, len, inner);
	for (i = 0; i < BLOCK; i++)
		pad[i] = key[i] ^ 0x5c;
	if (rc == 0)
		rc = sha256_two(pad, BLOCK, inner, sizeof(inner), tag);
	sodium_memzero(pad, sizeof(pad));
	sodium_memzero(inner, sizeof(inner));
	return rc;
}

int
hs256_verify(const struct hs256_key *k, const void *msg, size_t len,
    const unsigned char *tag, size_t taglen)
{
	unsigned char	 want[HS256_TAG_LEN];
	int		 rc;

	if (taglen != HS256_TAG_LEN)
		return -1;
	if (hs256_mac(k, msg, len, want) == -1)
		return -1;
	rc = crypto_verify_32(want, tag);
	sodium_memzero(want, sizeof(want));
	return rc == 0 ? 0 : -1;
}
