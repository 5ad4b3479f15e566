#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <sodium.h>

#include "auth/hs256.h"

#define BLOCK	64	/* SHA-256's block: HMAC pads the key to it */

int
hs256_key_init(struct hs256_key *k, const unsigned char *secret, size_t len)
{
	unsigned char	*block;
	unsigned int	 n;

	k->state = NULL;
	if ((block = sodium_malloc(BLOCK)) == NULL)
		return -1;
	memset(block, 0, BLOCK);
	/* RFC 2104: a key longer than the block is replaced by its hash. */
	if (len > BLOCK) {
		if (EVP_Digest(secret, len, block, &n, EVP_sha256(), NULL) != 1) {
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

/*
 * A digest context per thread, made on first use and freed when the
 * thread ends: OpenSSL's SHA-256 uses the CPU's SHA extensions where there
 * are some (several times libsodium's portable code).
 */
struct digest {
	EVP_MD		*md;
	EVP_MD_CTX	*ctx;
};

static pthread_key_t	 digest_key;
static pthread_once_t	 digest_once = PTHREAD_ONCE_INIT;

static void
digest_free(void *p)
{
	struct digest	*d = p;

	EVP_MD_CTX_free(d->ctx);
	EVP_MD_free(d->md);
	free(d);
}

static void
digest_key_make(void)
{
	if (pthread_key_create(&digest_key, digest_free) != 0)
		abort();
}

static struct digest *
digest_get(void)
{
	struct digest	*d;

	pthread_once(&digest_once, digest_key_make);
	if ((d = pthread_getspecific(digest_key)) != NULL)
		return d;
	if ((d = calloc(1, sizeof(*d))) == NULL)
		return NULL;
	if ((d->md = EVP_MD_fetch(NULL, "SHA256", NULL)) == NULL ||
	    (d->ctx = EVP_MD_CTX_new()) == NULL ||
	    pthread_setspecific(digest_key, d) != 0) {
		digest_free(d);
		return NULL;
	}
	return d;
}

/* One SHA-256 over pad || msg; the pads never outlive the caller's call. */
static int
sha256_pad(const unsigned char pad[BLOCK], const void *msg, size_t len,
    unsigned char out[HS256_TAG_LEN])
{
	struct digest	*d;
	unsigned int	 n;

	if ((d = digest_get()) == NULL)
		return -1;
	if (EVP_DigestInit_ex2(d->ctx, d->md, NULL) != 1 ||
	    EVP_DigestUpdate(d->ctx, pad, BLOCK) != 1 ||
	    EVP_DigestUpdate(d->ctx, msg, len) != 1 ||
	    EVP_DigestFinal_ex(d->ctx, out, &n) != 1 || n != HS256_TAG_LEN)
		return -1;
	return 0;
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
	rc = sha256_pad(pad, msg, len, inner);
	for (i = 0; i < BLOCK; i++)
		pad[i] = key[i] ^ 0x5c;
	if (rc == 0)
		rc = sha256_pad(pad, inner, sizeof(inner), tag);
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
