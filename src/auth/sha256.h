/*
 * SHA-256 for HS256's HMAC and ES256's message digest, through OpenSSL
 * (the CPU's SHA extensions where there are some: several times
 * libsodium's portable code).
 *
 * Threads: each thread hashes with its own digest context, made on its
 * first call and freed when the thread ends (thread-specific data).
 * Nothing is shared between threads, so there is no lock; a context
 * never outlives its thread. Fetching the algorithm and making a context
 * on every call cost more than hashing a whole token (issue 14).
 */
#ifndef SHA256_H
#define SHA256_H

#include <stddef.h>

#define SHA256_LEN	32

/*
 * The digest of the alen bytes at a followed by the blen bytes at b (b
 * may be NULL when blen is 0). Returns 0, or -1 when OpenSSL fails (out
 * of memory): out is then unspecified.
 */
int	sha256_two(const void *a, size_t alen, const void *b, size_t blen,
	    unsigned char out[SHA256_LEN]);

#endif
