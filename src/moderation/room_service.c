/*
 * Twirp RemoveParticipant over https.c, with a short-lived admin token.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "jsonparse.h"
#include "jsonwrite.h"
#include "moderation/room_service.h"
#include "token/jwt_sign.h"
#include "uuid.h"

#define TWIRP_PATH	"/twirp/livekit.RoomService/RemoveParticipant"

int
room_service_init(struct room_service *rs, const char *livekit_url,
    const char *api_key, const struct hs256_key *secret, char *err,
    size_t errsz)
{
	memset(rs, 0, sizeof(*rs));
	rs->api_key = api_key;
	rs->secret = secret;
	return https_origin_parse(livekit_url, &rs->origin, err, errsz);
}

char *
room_service_admin_token(const struct room_service *rs, const char *room,
    long now)
{
	struct jw	 w;
	char		 buf[1024];
	long		 n;

	jw_init(&w, buf, sizeof(buf));
	jw_open(&w);
	jw_open_object(&w, "video");
	jw_bool(&w, "roomAdmin", true);
	jw_str(&w, "room", room);
	jw_close(&w);
	jw_str(&w, "iss", rs->api_key);
	jw_int(&w, "nbf", now);
	jw_int(&w, "exp", now + ROOM_SERVICE_TOKEN_TTL);
	jw_close(&w);
	if ((n = jw_finish(&w)) < 0)
		return NULL;
	return jwt_sign_hs256(rs->secret, buf, (size_t)n);
}

/* "404 not_found: participant not found" from a Twirp error answer. */
static void
describe_error(const struct https_answer *a, char *msg, size_t msgsz)
{
	struct json_doc		 doc;
	const char		*c = NULL, *t = NULL;
	int			 parsed;

	/* A refused body leaves nothing in doc to free. */
	parsed = a->body_len > 0 &&
	    json_parse(&doc, a->body, a->body_len) == 0;
	if (parsed) {
		c = json_string(json_member(doc.root, "code"));
		t = json_string(json_member(doc.root, "msg"));
	}
	if (c != NULL || t != NULL)
		snprintf(msg, msgsz, "LiveKit answered %d %s: %.200s", a->status,
		    c != NULL ? c : "(no code)", t != NULL ? t : "");
	else
		snprintf(msg, msgsz, "LiveKit answered %d (no Twirp error "
		    "in the body)", a->status);
	/* c and t point into doc: free it last. */
	if (parsed)
		json_doc_free(&doc);
}

enum kick_result
room_service_remove_participant(const struct room_service *rs,
    const char *room, const char *identity, char *msg, size_t msgsz)
{
	struct https_answer	 a;
	struct jw		 w;
	char			 body[1024], auth[2048], rid[UUID_TEXT_SIZE];
	char			 ridh[64], err[256], *tok;
	const char		*headers[6];
	enum kick_result	 r;
	long			 n;

	jw_init(&w, body, sizeof(body));
	jw_open(&w);
	jw_str(&w, "room", room);
	jw_str(&w, "identity", identity);
	jw_close(&w);
	if ((n = jw_finish(&w)) < 0) {
		snprintf(msg, msgsz, "the identity is too long");
		return KICK_FAILED;
	}
	if ((tok = room_service_admin_token(rs, room, (long)time(NULL))) ==
	    NULL) {
		snprintf(msg, msgsz, "cannot sign the admin token");
		return KICK_FAILED;
	}
	snprintf(auth, sizeof(auth), "Authorization: Bearer %s", tok);
	sodium_memzero(tok, strlen(tok));
	free(tok);
	uuid_v4(rid);
	snprintf(ridh, sizeof(ridh), "X-Livekit-Request-Id: %s", rid);
	headers[0] = "Content-Type: application/json;charset=UTF-8";
	headers[1] = "Accept: application/json";
	headers[2] = "User-Agent: livekit-token-revoke";
	headers[3] = auth;
	headers[4] = ridh;
	headers[5] = NULL;
	if (https_post(&rs->origin, TWIRP_PATH, headers, body, (size_t)n,
	    ROOM_SERVICE_TIMEOUT, ROOM_SERVICE_DEADLINE, &a, err,
	    sizeof(err)) == -1) {
		sodium_memzero(auth, sizeof(auth));
		snprintf(msg, msgsz, "no answer from LiveKit at %s: %s",
		    rs->origin.host, err);
		return KICK_FAILED;
	}
	sodium_memzero(auth, sizeof(auth));
	if (a.status == 200) {
		snprintf(msg, msgsz, "removed (request id %s)", rid);
		r = KICK_REMOVED;
	} else {
		describe_error(&a, msg, msgsz);
		r = a.status == 404 ? KICK_NOT_FOUND :
		    a.status == 401 || a.status == 403 ? KICK_REFUSED :
		    KICK_FAILED;
	}
	https_answer_free(&a);
	return r;
}
