/*
 * HMAC-SHA256 (RFC 2104) for JWS HS256. The key block lives in libsodium
 * guarded, locked, read-only memory; the pads derived from it exist only
 * on the stack during one MAC and are wiped after.
 */
#ifndef HS256_H
#define HS256_H

#include <stddef.h>

#define HS256_TAG_LEN	32

struct hs256_key {
	void	*state;		/* the 64-byte key block, sodium_malloc'd */
};

/* Returns 0, or -1 when locked memory cannot be had. */
int	hs256_key_init(struct hs256_key *, const unsigned char *secret,
	    size_t len);
/* Wipes and frees; safe on a zeroed key. */
void	hs256_key_free(struct hs256_key *);

/* Returns 0, or -1 when OpenSSL fails (out of memory). */
int	hs256_mac(const struct hs256_key *, const void *msg, size_t len,
	    unsigned char tag[HS256_TAG_LEN]);

/*
 * Returns 0 when tag is the full 32-byte MAC of msg, compared in constant
 * time; -1 otherwise. Truncated tags are refused: a JWS HS256 signature is
 * always 32 bytes.
 */
int	hs256_verify(const struct hs256_key *, const void *msg, size_t len,
	    const unsigned char *tag, size_t taglen);

#endif
