#include "error.h"

static const struct err_info errs[ERR__MAX] = {
	[ERR_OK] = { 200, "ok", "OK" },
	[ERR_INVALID_JSON] = { 400, "invalid_json",
	    "The request body must be a JSON object." },
	[ERR_MISSING_ROOM_TYPE] = { 400, "missing_room_type",
	    "roomType is required: \"audition\" or \"main_show\" (or, in "
	    "LiveKit's standard request, room_name: \"audition-room\" or "
	    "\"main-show\")." },
	[ERR_INVALID_ROOM_TYPE] = { 400, "invalid_room_type",
	    "roomType must be \"audition\" or \"main_show\"." },
	[ERR_INVALID_USER_NAME] = { 400, "invalid_user_name",
	    "userName must be 1 to 128 characters of text without control "
	    "characters." },
	[ERR_MISSING_ROOM_NAME] = { 400, "missing_room_name",
	    "room_name is required: \"audition-room\" or \"main-show\"." },
	[ERR_INVALID_ROOM_NAME] = { 400, "invalid_room_name",
	    "room_name must be \"audition-room\" or \"main-show\"." },
	[ERR_INVALID_PARTICIPANT_NAME] = { 400, "invalid_participant_name",
	    "participant_name must be 1 to 128 characters of text without "
	    "control characters." },
	[ERR_IDENTITY_NOT_ALLOWED] = { 400,
	    "participant_identity_not_allowed",
	    "The identity is the signed-in user's id, set by the server: "
	    "leave participant_identity out." },
	[ERR_METADATA_NOT_ALLOWED] = { 400,
	    "participant_metadata_not_allowed",
	    "Metadata is set by the server from the user's role: leave "
	    "participant_metadata out." },
	[ERR_ATTRIBUTES_NOT_ALLOWED] = { 400,
	    "participant_attributes_not_allowed",
	    "Attributes are set by the server from the user's role: leave "
	    "participant_attributes out." },
	[ERR_ROOM_CONFIG_NOT_ALLOWED] = { 400, "room_config_not_allowed",
	    "This service does not let clients configure rooms or dispatch "
	    "agents: leave room_config (agentName, agentMetadata) out." },
	[ERR_MIXED_REQUEST] = { 400, "mixed_request_fields",
	    "Send either roomType/userName or LiveKit's standard "
	    "room_name/participant_name, not both." },
	/*
	 * supabase-js with a publishable key and nobody signed in sends no
	 * Authorization at all: the fix is on the frontend, so say it there.
	 */
	[ERR_MISSING_AUTHORIZATION] = { 401, "missing_authorization",
	    "No user is signed in: sign the user in with Supabase Auth, then "
	    "send session.access_token as \"Authorization: Bearer <token>\" "
	    "(the project's API key is not a user token)." },
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
	/* nginx's own 429 says the same (nginx/errors.conf). */
	[ERR_RATE_LIMITED] = { 429, "rate_limited",
	    "Too many requests: wait the Retry-After seconds and retry." },
	[ERR_SERVER_MISCONFIGURED] = { 500, "server_misconfigured",
	    "The token service is not configured completely; the operator "
	    "has been told in the log." },
	[ERR_INTERNAL] = { 500, "internal_error",
	    "Something went wrong on our side; please retry." },
};

/* Only these reasons get their own answer; every other is invalid_token. */
static const enum err token_errs[JWT_ERR__MAX] = {
	[JWT_ERR_EXPIRED] = ERR_TOKEN_EXPIRED,
	[JWT_ERR_API_KEY] = ERR_API_KEY_NOT_USER,
	[JWT_ERR_NOT_USER] = ERR_API_KEY_NOT_USER,
	[JWT_ERR_REVOKED_USER] = ERR_TOKEN_REVOKED,
	[JWT_ERR_REVOKED_SESSION] = ERR_TOKEN_REVOKED,
};

enum err
err_from_token(enum jwt_err e)
{
	if (e == JWT_OK)
		return ERR_OK;
	if ((unsigned)e >= JWT_ERR__MAX || token_errs[e] == ERR_OK)
		return ERR_INVALID_TOKEN;
	return token_errs[e];
}

const struct err_info *
err_info(enum err e)
{
	if ((unsigned)e >= ERR__MAX)
		e = ERR_INTERNAL;
	return &errs[e];
}
