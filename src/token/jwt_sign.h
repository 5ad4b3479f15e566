/*
 * Compact JWS signing with HS256, the only algorithm LiveKit accepts.
 */
#ifndef JWT_SIGN_H
#define JWT_SIGN_H

#include <stddef.h>

#include "auth/hs256.h"

/*
 * Sign payload (JSON text, len bytes) under the header
 * {"alg":"HS256","typ":"JWT"}. Returns a malloc'd NUL-terminated token,
 * or NULL when out of memory.
 */
char	*jwt_sign_hs256(const struct hs256_key *, const char *payload,
	    size_t len);

#endif
