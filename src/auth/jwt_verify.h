/*
 * Signature verification: the configured key chosen by (alg, kid) checks
 * the token's signature over its signing input.
 */
#ifndef JWT_VERIFY_H
#define JWT_VERIFY_H

#include "auth/jwt.h"
#include "auth/keys.h"

/*
 * Returns JWT_OK when a configured key of the token's algorithm verifies
 * it; JWT_ERR_NO_KEY when no key matches (a public-key token without a
 * kid, or with an unknown one); JWT_ERR_ALG when the kid names a key of
 * another algorithm; JWT_ERR_SIGNATURE otherwise.
 */
enum jwt_err	 jwt_verify(const struct jwt *, const struct keyset *);

#endif
