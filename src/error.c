#include "error.h"

static const struct err_info errs[ERR__MAX] = {
	[ERR_OK] = { 200, "ok", "OK" },
	[ERR_INVALID_JSON] = { 400, "invalid_json",
	    "The request body must be a JSON object." },
	[ERR_MISSING_ROOM_TYPE] = { 400, "missing_room_type",
	    "roomType is required: \"audition\" or \"main_show\"." },
	[ERR_INVALID_ROOM_TYPE] = { 400, "invalid_room_type",
	    "roomType must be \"audition\" or \"main_show\"." },
	[ERR_INVALID_USER_NAME] = { 400, "invalid_user_name",
	    "userName must be 1 to 128 characters of text without control "
	    "characters." },
	[ERR_MISSING_AUTHORIZATION] = { 401, "missing_authorization",
	    "Sign in first: send the Supabase access token as "
	    "\"Authorization: Bearer <token>\"." },
	[ERR_INVALID_TOKEN] = { 401, "invalid_token",
	    "The access token is not a valid Supabase user token." },
	[ERR_TOKEN_EXPIRED] = { 401, "token_expired",
	    "The access token has expired: refresh the session and retry." },
	[ERR_TOKEN_REVOKED] = { 401, "token_revoked",
	    "This session was signed out or the account is suspended: sign "
	    "in again, or contact the organisers." },
	/*
	 * Same code as any unusable token, so clients that switch on it keep
	 * working; the message says what the frontend developer must change.
	 */
	[ERR_API_KEY_NOT_USER] = { 401, "invalid_token",
	    "This is the project's API key, not a user's access token: sign "
	    "the user in and send session.access_token as the bearer token." },
	[ERR_FORBIDDEN] = { 403, "forbidden",
	    "Your role may not join this room." },
	[ERR_NOT_FOUND] = { 404, "not_found", "No such endpoint." },
	[ERR_METHOD_NOT_ALLOWED] = { 405, "method_not_allowed",
	    "Use POST (or OPTIONS for a CORS preflight)." },
	[ERR_BODY_TOO_LARGE] = { 413, "body_too_large",
	    "The request body must be at most 8 KiB." },
	[ERR_UNSUPPORTED_MEDIA_TYPE] = { 415, "unsupported_media_type",
	    "Send the body as Content-Type: application/json." },
	[ERR_SERVER_MISCONFIGURED] = { 500, "server_misconfigured",
	    "The token service is not configured completely; the operator "
	    "has been told in the log." },
	[ERR_INTERNAL] = { 500, "internal_error",
	    "Something went wrong on our side; please retry." },
};

const struct err_info *
err_info(enum err e)
{
	if ((unsigned)e >= ERR__MAX)
		e = ERR_INTERNAL;
	return &errs[e];
}
