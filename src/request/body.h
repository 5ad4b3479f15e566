/*
 * The token request's JSON body -> what the client asked for.
 *
 * Two shapes share the one token path, told apart by their members:
 *  - the app's own request (camelCase): roomType, or roomName as the
 *    existing frontend sends it, and userName;
 *  - LiveKit's standard token-endpoint request, as livekit-client's
 *    TokenSource.endpoint sends it (snake_case proto field names):
 *    room_name ("audition-room", "main-show") and participant_name.
 * A body with members of both is refused. The answer follows the shape
 * (token/answer.h).
 */
#ifndef BODY_H
#define BODY_H

#include <stdbool.h>
#include <stddef.h>

#include "error.h"
#include "policy/policy.h"
#include "display_name.h"

enum request_shape {
	SHAPE_APP = 0,		/* roomType / roomName / userName */
	SHAPE_LIVEKIT,		/* LiveKit's standard request */
	SHAPE__MAX
};

struct token_request {
	enum request_shape shape;
	enum room	 room;
	bool		 has_name;
	char		 name[DISPLAY_NAME_SIZE];
};

/*
 * Parse the body. Identity, metadata, attributes and room configuration
 * come from the server, never from the client: participant_identity
 * (unless it equals own_identity, the signed-in user's id, which asks for
 * nothing the server would not give), participant_metadata,
 * participant_attributes and room_config are refused in either shape when
 * present and not null; a room_config that sets nothing (the {} LiveKit's
 * mobile SDKs always send, or only null members and empty lists) counts
 * as absent, and does not make a body LiveKit's shape. Permission fields are ignored (the role alone
 * decides); other unknown members are ignored.
 *
 * Returns ERR_OK or ERR_INVALID_JSON, ERR_MIXED_REQUEST,
 * ERR_IDENTITY_NOT_ALLOWED, ERR_METADATA_NOT_ALLOWED,
 * ERR_ATTRIBUTES_NOT_ALLOWED, ERR_ROOM_CONFIG_NOT_ALLOWED; for the app's
 * shape ERR_MISSING_ROOM_TYPE, ERR_INVALID_ROOM_TYPE, ERR_INVALID_USER_NAME;
 * for LiveKit's ERR_MISSING_ROOM_NAME, ERR_INVALID_ROOM_NAME,
 * ERR_INVALID_PARTICIPANT_NAME.
 */
enum err	 body_parse(const char *body, size_t len,
		    const char *own_identity, struct token_request *out);

#endif
