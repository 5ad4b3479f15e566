/*
 * JWS compact tokens, taken apart without any cryptography: three
 * base64url segments, a header and a payload that are JSON objects, and
 * the signature bytes. jwt_verify.h checks the signature, claims.h the
 * payload.
 */
#ifndef JWT_H
#define JWT_H

#include <stdbool.h>
#include <stddef.h>

#include "jsonparse.h"

#define JWT_MAX_LEN	8192	/* longer tokens are refused unread */
#define JWT_KID_MAX	128
#define JWT_SIG_MAX	512	/* RSA 4096 */

enum jwt_alg {
	JWT_ALG_HS256 = 0,
	JWT_ALG_ES256,
	JWT_ALG_RS256,
	JWT_ALG_EDDSA,
	JWT_ALG__MAX
};

/* Why a token was refused; zero is OK. Each has a stable reason name. */
enum jwt_err {
	JWT_OK = 0,
	JWT_ERR_TOO_LARGE,	/* over JWT_MAX_LEN */
	JWT_ERR_MALFORMED,	/* not three segments */
	JWT_ERR_BASE64,		/* a segment is not strict base64url */
	JWT_ERR_JSON,		/* header or payload is not a JSON object */
	JWT_ERR_HEADER,		/* bad typ/kid, or a key reference header */
	JWT_ERR_ALG,		/* alg missing, "none", or not supported */
	JWT_ERR_CRIT,		/* a crit extension we do not understand */
	JWT_ERR_NO_KEY,		/* no configured key for this alg and kid */
	JWT_ERR_SIGNATURE,	/* wrong length or does not verify */
	JWT_ERR_EXPIRED,
	JWT_ERR_NOT_YET_VALID,	/* nbf or iat in the future */
	JWT_ERR_CLAIM,		/* a claim is missing or of the wrong type */
	JWT_ERR_AUDIENCE,
	JWT_ERR_ISSUER,
	JWT_ERR_NOT_USER,	/* role is not "authenticated": an API key */
	JWT_ERR_ANONYMOUS,	/* is_anonymous and anonymous not allowed */
	JWT_ERR_API_KEY,	/* sb_publishable_/sb_secret_: not a JWT at all */
	JWT_ERR_REVOKED_USER,	/* in the revocation list: the user */
	JWT_ERR_REVOKED_SESSION, /* in the revocation list: the session */
	JWT_ERR__MAX
};

struct jwt {
	enum jwt_alg		 alg;
	bool			 has_kid;
	char			 kid[JWT_KID_MAX + 1];
	const char		*signing_input;	/* points into the token */
	size_t			 signing_input_len;
	unsigned char		 sig[JWT_SIG_MAX];
	size_t			 sig_len;
	const struct json_value	*payload;	/* in payload_doc; NULL until parsed */
	struct json_doc		 payload_doc;	/* owned: jwt_free frees it */
};

/* The reason's name for logs and metrics, e.g. "bad_signature". */
const char	*jwt_err_reason(enum jwt_err);
const char	*jwt_alg_name(enum jwt_alg);
/* Returns 0 and sets *out for "HS256", "ES256", "RS256", "EdDSA"; else -1. */
int		 jwt_alg_parse(const char *name, enum jwt_alg *out);

/*
 * Returns 1 when the len bytes of kid are a usable key id: 1 to
 * JWT_KID_MAX characters of [A-Za-z0-9._-]; 0 otherwise. Tokens and JWKS
 * files obey the same rule, so any kid we hold can be matched.
 */
int		 jwt_kid_valid(const char *kid, size_t len);

/*
 * Split and decode token (len bytes, not NUL-terminated) into *out.
 * Returns JWT_OK, or the reason it was refused (and *out holds nothing to
 * free): JWT_ERR_API_KEY for a Supabase sb_publishable_/sb_secret_ key. On JWT_OK the caller must call jwt_free.
 */
enum jwt_err	 jwt_parse(const char *token, size_t len, struct jwt *out);
void		 jwt_free(struct jwt *);

#endif
