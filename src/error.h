/*
 * The one error enum of the service: zero is success, every other value is
 * an answer the client gets (status, code, message) and a metrics reason.
 */
#ifndef ERROR_H
#define ERROR_H

#include "auth/jwt.h"

enum err {
	ERR_OK = 0,
	ERR_INVALID_JSON,
	ERR_MISSING_ROOM_TYPE,
	ERR_INVALID_ROOM_TYPE,
	ERR_INVALID_USER_NAME,
	/* LiveKit's standard request (request/body.h) */
	ERR_MISSING_ROOM_NAME,
	ERR_INVALID_ROOM_NAME,
	ERR_INVALID_PARTICIPANT_NAME,
	ERR_IDENTITY_NOT_ALLOWED,	/* participant_identity, not the user's */
	ERR_METADATA_NOT_ALLOWED,	/* participant_metadata */
	ERR_ATTRIBUTES_NOT_ALLOWED,	/* participant_attributes */
	ERR_ROOM_CONFIG_NOT_ALLOWED,	/* room_config (agent dispatch) */
	ERR_MIXED_REQUEST,		/* both request shapes in one body */
	ERR_MISSING_AUTHORIZATION,
	ERR_INVALID_TOKEN,
	ERR_TOKEN_EXPIRED,
	ERR_TOKEN_REVOKED,	/* the user or session was revoked */
	ERR_API_KEY_NOT_USER,	/* a Supabase API key sent as a user token */
	ERR_FORBIDDEN,
	ERR_NOT_FOUND,
	ERR_METHOD_NOT_ALLOWED,
	ERR_BODY_TOO_LARGE,
	ERR_UNSUPPORTED_MEDIA_TYPE,
	ERR_RATE_LIMITED,	/* the address is over its failure budget */
	ERR_SERVER_MISCONFIGURED,
	ERR_INTERNAL,
	ERR__MAX
};

struct err_info {
	int		 status;	/* HTTP status */
	const char	*code;		/* the "error" member, stable for clients */
	const char	*message;	/* for a person; never secret or token */
};

/* Returns the table row for e; ERR_INTERNAL's row for an out-of-range e. */
const struct err_info	*err_info(enum err e);

/*
 * The answer for a refused bearer token: ERR_TOKEN_EXPIRED, ERR_TOKEN_REVOKED,
 * ERR_API_KEY_NOT_USER (a Supabase API key, new or legacy, instead of a
 * user's token) or ERR_INVALID_TOKEN; ERR_OK for JWT_OK.
 */
enum err		 err_from_token(enum jwt_err e);

#endif
