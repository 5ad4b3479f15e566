#include <pthread.h>
#include <stdlib.h>

#include <openssl/evp.h>

#include "auth/sha256.h"

struct digest {
	EVP_MD		*md;
	EVP_MD_CTX	*ctx;
};

static pthread_key_t	 digest_key;
static pthread_once_t	 digest_once = PTHREAD_ONCE_INIT;
static int		 digest_key_ok;

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
	digest_key_ok = pthread_key_create(&digest_key, digest_free) == 0;
}

/* This thread's context, made on first use; NULL when it cannot be. */
static struct digest *
digest_get(void)
{
	struct digest	*d;

	if (pthread_once(&digest_once, digest_key_make) != 0 || !digest_key_ok)
		return NULL;
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

int
sha256_two(const void *a, size_t alen, const void *b, size_t blen,
    unsigned char out[SHA256_LEN])
{
	struct digest	*d;
	unsigned int	 n;

	if ((d = digest_get()) == NULL)
		return -1;
	if (EVP_DigestInit_ex2(d->ctx, d->md, NULL) != 1 ||
	    EVP_DigestUpdate(d->ctx, a, alen) != 1 ||
	    (blen > 0 && EVP_DigestUpdate(d->ctx, b, blen) != 1) ||
	    EVP_DigestFinal_ex(d->ctx, out, &n) != 1 || n != SHA256_LEN)
		return -1;
	return 0;
}
