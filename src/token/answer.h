/*
 * The 200 answer to a token request, in the shape the request came in
 * (request/body.h): the app's {"token","livekitUrl","roomName","identity",
 * "expiresAt"}, or LiveKit's standard {"server_url","participant_token"},
 * which livekit-client's TokenSource.endpoint reads.
 */
#ifndef ANSWER_H
#define ANSWER_H

#include "error.h"
#include "request/body.h"
#include "response/response.h"

struct answer {
	enum request_shape shape;
	const char	*token;		/* the LiveKit access token */
	const char	*livekit_url;	/* LIVEKIT_URL */
	const char	*room;		/* the LiveKit room name */
	const char	*identity;
	long		 expires_at;	/* the token's exp, Unix seconds */
};

/*
 * Write a's answer into resp with status 200. The copy of the token in
 * the working buffer is wiped. Returns ERR_OK, or ERR_INTERNAL when memory
 * ran out.
 */
enum err	 answer_write(struct response *resp, const struct answer *a);

#endif
