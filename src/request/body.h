/*
 * The token request's JSON body -> what the client asked for.
 */
#ifndef BODY_H
#define BODY_H

#include <stdbool.h>
#include <stddef.h>

#include "error.h"
#include "policy/policy.h"
#include "token/display_name.h"

struct token_request {
	enum room	 room;
	bool		 has_name;
	char		 name[DISPLAY_NAME_SIZE];
};

/*
 * Parse the body. roomType, or roomName as the app's existing frontend
 * sends it, picks the room; permission fields are ignored (the role alone
 * decides); userName is optional. Returns ERR_OK or ERR_INVALID_JSON,
 * ERR_MISSING_ROOM_TYPE, ERR_INVALID_ROOM_TYPE, ERR_INVALID_USER_NAME.
 */
enum err	 body_parse(const char *body, size_t len,
		    struct token_request *out);

#endif
