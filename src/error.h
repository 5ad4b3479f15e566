/*
 * The one error enum of the service: zero is success, every other value is
 * an answer the client gets (status, code, message) and a metrics reason.
 */
#ifndef ERROR_H
#define ERROR_H

enum err {
	ERR_OK = 0,
	ERR_INVALID_JSON,
	ERR_MISSING_ROOM_TYPE,
	ERR_INVALID_ROOM_TYPE,
	ERR_INVALID_USER_NAME,
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

#endif
