/*
 * LiveKit's server API, the one call the moderator needs: Twirp
 * livekit.RoomService/RemoveParticipant, as the official SDKs send it
 * (POST /twirp/livekit.RoomService/RemoveParticipant, JSON body
 * {"room","identity"}, a Bearer token signed HS256 with the API secret
 * whose only grant is roomAdmin for that room).
 */
#ifndef ROOM_SERVICE_H
#define ROOM_SERVICE_H

#include "auth/hs256.h"
#include "moderation/https.h"

#define ROOM_SERVICE_TOKEN_TTL	120	/* seconds; the SDKs use 600 */
#define ROOM_SERVICE_TIMEOUT	10	/* seconds per network step */
#define ROOM_SERVICE_DEADLINE	20	/* seconds for one whole call */

struct room_service {
	struct https_origin	 origin;
	const char		*api_key;
	const struct hs256_key	*secret;
};

enum kick_result {
	KICK_REMOVED = 0,	/* 200: the participant was disconnected */
	KICK_NOT_FOUND,		/* 404: not in that room (or no such room) */
	KICK_REFUSED,		/* 401/403: the key or secret is wrong */
	KICK_FAILED		/* anything else: network, TLS, 5xx */
};

/* Returns 0, or -1 with err when livekit_url is not https:// or wss://. */
int	room_service_init(struct room_service *, const char *livekit_url,
	    const char *api_key, const struct hs256_key *secret,
	    char *err, size_t errsz);

/*
 * The admin token for room at Unix second now: {"video":{"roomAdmin":
 * true,"room":ROOM},"iss":KEY,"nbf":now,"exp":now+TTL}. malloc'd, or NULL.
 */
char	*room_service_admin_token(const struct room_service *,
	    const char *room, long now);

/*
 * Remove identity from room. Says what happened in msg for a person:
 * LiveKit's status, Twirp code and message on an error.
 */
enum kick_result room_service_remove_participant(const struct room_service *,
	    const char *room, const char *identity, char *msg, size_t msgsz);

#endif
