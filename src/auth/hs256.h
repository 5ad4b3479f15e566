/*
 * HMAC-SHA256 keys for JWS HS256: the key's inner and outer pads are
 * hashed once at start-up and kept in guarded, locked, read-only memory,
 * so a request costs two compressions less and the secret itself need
 * not stay around.
 */
#ifndef HS256_H
#define HS256_H

#include <stddef.h>

#define HS256_TAG_LEN	32

struct hs256_key {
	void	*state;		/* crypto_auth_hmacsha256_state, sodium_malloc'd */
};

/* Returns 0, or -1 when locked memory cannot be had. */
int	hs256_key_init(struct hs256_key *, const unsigned char *secret,
	    size_t len);
/* Wipes and frees; safe on a zeroed key. */
void	hs256_key_free(struct hs256_key *);

void	hs256_mac(const struct hs256_key *, const void *msg, size_t len,
	    unsigned char tag[HS256_TAG_LEN]);

/*
 * Returns 0 when tag is the full 32-byte MAC of msg, compared in constant
 * time; -1 otherwise. Truncated tags are refused: a JWS HS256 signature is
 * always 32 bytes.
 */
int	hs256_verify(const struct hs256_key *, const void *msg, size_t len,
	    const unsigned char *tag, size_t taglen);

#endif
