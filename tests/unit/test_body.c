/*
 * body: the token request's JSON body, per the SPEC's "Request" section.
 */
#include <string.h>

#include "check.h"
#include "request/body.h"

static struct token_request	 tr;

static enum err
parse(const char *body)
{
	memset(&tr, 0x5a, sizeof(tr));
	return body_parse(body, strlen(body), "user-1", &tr);
}

static void
test_room(void)
{
	CHECK(parse("{\"roomType\":\"audition\"}") == ERR_OK);
	CHECK(tr.room == ROOM_AUDITION && !tr.has_name);
	CHECK(parse("{\"roomType\":\"main_show\"}") == ERR_OK);
	CHECK(tr.room == ROOM_MAIN_SHOW && !tr.has_name);

	/*
	 * The app's existing frontend sends roomName with canPublish and
	 * canSubscribe (SPEC: accept roomName as another name for roomType).
	 */
	CHECK(parse("{\"roomName\":\"main_show\"}") == ERR_OK);
	CHECK(tr.room == ROOM_MAIN_SHOW);
	CHECK(parse("{\"roomName\":\"audition\"}") == ERR_OK);
	CHECK(tr.room == ROOM_AUDITION);
	CHECK(parse("{\"roomType\":\"main_show\",\"roomName\":\"main_show\"}")
	    == ERR_OK);
	CHECK(tr.room == ROOM_MAIN_SHOW);
	/* Both, disagreeing: we would be guessing the client's mind. */
	CHECK(parse("{\"roomType\":\"main_show\",\"roomName\":\"audition\"}")
	    == ERR_INVALID_ROOM_TYPE);
	CHECK(parse("{\"roomType\":\"audition\",\"roomName\":\"main_show\"}")
	    == ERR_INVALID_ROOM_TYPE);
	CHECK(parse("{\"roomType\":\"audition\",\"roomName\":\"bogus\"}")
	    == ERR_INVALID_ROOM_TYPE);
	CHECK(parse("{\"roomType\":\"audition\",\"roomName\":7}")
	    == ERR_INVALID_ROOM_TYPE);
	CHECK(parse("{\"roomType\":\"bogus\",\"roomName\":\"audition\"}")
	    == ERR_INVALID_ROOM_TYPE);
}

/*
 * The client never decides its permissions (SPEC: "ignore any permission
 * the client asks for — the role alone decides"; the Edge Function this
 * replaces granted publish to whoever asked).
 */
static void
test_permissions_ignored(void)
{
	CHECK(parse("{\"roomName\":\"audition\",\"canPublish\":true,"
	    "\"canSubscribe\":true}") == ERR_OK);
	CHECK(tr.room == ROOM_AUDITION);
	CHECK(parse("{\"roomType\":\"main_show\",\"canPublish\":\"yes\","
	    "\"roomAdmin\":true,\"role\":\"host\",\"identity\":\"other\","
	    "\"video\":{\"roomAdmin\":true},\"extra\":[1,2,{}]}") == ERR_OK);
	CHECK(tr.room == ROOM_MAIN_SHOW);
}

static void
test_missing_invalid(void)
{
	CHECK(parse("{}") == ERR_MISSING_ROOM_TYPE);
	CHECK(parse("{\"userName\":\"Al\"}") == ERR_MISSING_ROOM_TYPE);
	CHECK(parse("{\"roomtype\":\"audition\"}") == ERR_MISSING_ROOM_TYPE);
	CHECK(parse("{\"room\":\"audition\"}") == ERR_MISSING_ROOM_TYPE);
	/* null is no value at all. */
	CHECK(parse("{\"roomType\":null}") == ERR_MISSING_ROOM_TYPE);

	CHECK(parse("{\"roomType\":\"bogus\"}") == ERR_INVALID_ROOM_TYPE);
	CHECK(parse("{\"roomType\":\"\"}") == ERR_INVALID_ROOM_TYPE);
	CHECK(parse("{\"roomType\":\"Audition\"}") == ERR_INVALID_ROOM_TYPE);
	CHECK(parse("{\"roomType\":\"audition \"}") == ERR_INVALID_ROOM_TYPE);
	/* The LiveKit room names are not room types. */
	CHECK(parse("{\"roomType\":\"audition-room\"}") == ERR_INVALID_ROOM_TYPE);
	CHECK(parse("{\"roomType\":\"main-show\"}") == ERR_INVALID_ROOM_TYPE);
	CHECK(parse("{\"roomType\":1}") == ERR_INVALID_ROOM_TYPE);
	CHECK(parse("{\"roomType\":true}") == ERR_INVALID_ROOM_TYPE);
	CHECK(parse("{\"roomType\":[\"audition\"]}") == ERR_INVALID_ROOM_TYPE);
	CHECK(parse("{\"roomType\":{\"x\":1}}") == ERR_INVALID_ROOM_TYPE);
	CHECK(parse("{\"roomName\":\"bogus\"}") == ERR_INVALID_ROOM_TYPE);
	/* An embedded NUL could have made "audition\0x" look like audition. */
	CHECK(parse("{\"roomType\":\"audition\\u0000x\"}") == ERR_INVALID_JSON);
}

static void
test_user_name(void)
{
	CHECK(parse("{\"roomType\":\"audition\",\"userName\":\"  Alice  \"}")
	    == ERR_OK);
	CHECK(tr.has_name);
	CHECK_STR(tr.name, "Alice");
	CHECK(parse("{\"roomType\":\"audition\",\"userName\":"
	    "\"Zo\\u00eb \\ud83c\\udfa4\"}") == ERR_OK);
	CHECK(tr.has_name);
	CHECK_STR(tr.name, "Zo\xc3\xab \xf0\x9f\x8e\xa4");
	/* null: as if absent. */
	CHECK(parse("{\"roomType\":\"audition\",\"userName\":null}") == ERR_OK);
	CHECK(!tr.has_name);

	/* The display-name rule: 1-128 characters, no controls. */
	CHECK(parse("{\"roomType\":\"audition\",\"userName\":\"\"}")
	    == ERR_INVALID_USER_NAME);
	CHECK(parse("{\"roomType\":\"audition\",\"userName\":\"   \"}")
	    == ERR_INVALID_USER_NAME);
	CHECK(parse("{\"roomType\":\"audition\",\"userName\":\"a\\nb\"}")
	    == ERR_INVALID_USER_NAME);
	CHECK(parse("{\"roomType\":\"audition\",\"userName\":\"a\\u202eb\"}")
	    == ERR_INVALID_USER_NAME);
	CHECK(parse("{\"roomType\":\"audition\",\"userName\":\"a\\u0085b\"}")
	    == ERR_INVALID_USER_NAME);
	CHECK(parse("{\"roomType\":\"audition\",\"userName\":42}")
	    == ERR_INVALID_USER_NAME);
	CHECK(parse("{\"roomType\":\"audition\",\"userName\":[\"x\"]}")
	    == ERR_INVALID_USER_NAME);
	CHECK(parse("{\"roomType\":\"audition\",\"userName\":false}")
	    == ERR_INVALID_USER_NAME);
	{
		char	 body[512];
		size_t	 at;

		at = (size_t)snprintf(body, sizeof(body),
		    "{\"roomType\":\"audition\",\"userName\":\"");
		memset(body + at, 'a', 128);
		memcpy(body + at + 128, "\"}", 3);
		CHECK(parse(body) == ERR_OK);
		CHECK(tr.has_name && strlen(tr.name) == 128);
		memset(body + at, 'a', 129);
		memcpy(body + at + 129, "\"}", 3);
		CHECK(parse(body) == ERR_INVALID_USER_NAME);
	}
	/* The room is checked first. */
	CHECK(parse("{\"userName\":\"\"}") == ERR_MISSING_ROOM_TYPE);
}

static void
test_not_json(void)
{
	CHECK(parse("") == ERR_INVALID_JSON);
	CHECK(parse("[]") == ERR_INVALID_JSON);
	CHECK(parse("[{\"roomType\":\"audition\"}]") == ERR_INVALID_JSON);
	CHECK(parse("\"audition\"") == ERR_INVALID_JSON);
	CHECK(parse("null") == ERR_INVALID_JSON);
	CHECK(parse("roomType=audition") == ERR_INVALID_JSON);
	CHECK(parse("{\"roomType\":\"audition\"") == ERR_INVALID_JSON);
	CHECK(parse("{\"roomType\":\"audition\"}x") == ERR_INVALID_JSON);
	CHECK(parse("{'roomType':'audition'}") == ERR_INVALID_JSON);
	/* Duplicates: one reader's audition is another's main_show. */
	CHECK(parse("{\"roomType\":\"audition\",\"roomType\":\"main_show\"}")
	    == ERR_INVALID_JSON);
	CHECK(parse("{\"roomType\":\"audition\",\"room\\u0054ype\":"
	    "\"main_show\"}") == ERR_INVALID_JSON);
	CHECK(body_parse("{\"roomType\":\"audition\"}\0", 24, "user-1", &tr)
	    == ERR_INVALID_JSON);
}

/*
 * LiveKit's standard token request, as livekit-client's
 * TokenSource.endpoint sends it: proto field names in snake_case,
 * room_name the LiveKit room itself (issue 12).
 */
static void
test_livekit_shape(void)
{
	CHECK(parse("{\"room_name\":\"audition-room\"}") == ERR_OK);
	CHECK(tr.shape == SHAPE_LIVEKIT && tr.room == ROOM_AUDITION);
	CHECK(!tr.has_name);
	CHECK(parse("{\"room_name\":\"main-show\","
	    "\"participant_name\":\"  Ana  \"}") == ERR_OK);
	CHECK(tr.shape == SHAPE_LIVEKIT && tr.room == ROOM_MAIN_SHOW);
	CHECK(tr.has_name);
	CHECK_STR(tr.name, "Ana");
	/* The app's own shape says so. */
	CHECK(parse("{\"roomType\":\"audition\"}") == ERR_OK);
	CHECK(tr.shape == SHAPE_APP);
	/* null is no value: participant_name null is no name. */
	CHECK(parse("{\"room_name\":\"main-show\",\"participant_name\":null}")
	    == ERR_OK);
	CHECK(tr.shape == SHAPE_LIVEKIT && !tr.has_name);

	/* room_name takes the LiveKit names, not the room types. */
	CHECK(parse("{\"room_name\":\"audition\"}") == ERR_INVALID_ROOM_NAME);
	CHECK(parse("{\"room_name\":\"main_show\"}") == ERR_INVALID_ROOM_NAME);
	CHECK(parse("{\"room_name\":\"Main-Show\"}") == ERR_INVALID_ROOM_NAME);
	CHECK(parse("{\"room_name\":\"main-show \"}") == ERR_INVALID_ROOM_NAME);
	CHECK(parse("{\"room_name\":\"\"}") == ERR_INVALID_ROOM_NAME);
	CHECK(parse("{\"room_name\":7}") == ERR_INVALID_ROOM_NAME);
	CHECK(parse("{\"room_name\":[\"main-show\"]}") ==
	    ERR_INVALID_ROOM_NAME);
	CHECK(parse("{\"room_name\":\"main-show\\u0000x\"}") ==
	    ERR_INVALID_JSON);
	/* participant_name alone is LiveKit's shape, without a room. */
	CHECK(parse("{\"participant_name\":\"Ana\"}") == ERR_MISSING_ROOM_NAME);
	CHECK(parse("{\"room_name\":null,\"participant_name\":\"Ana\"}") ==
	    ERR_MISSING_ROOM_NAME);

	/* participant_name follows the userName rules. */
	CHECK(parse("{\"room_name\":\"main-show\",\"participant_name\":\"\"}")
	    == ERR_INVALID_PARTICIPANT_NAME);
	CHECK(parse("{\"room_name\":\"main-show\","
	    "\"participant_name\":\"a\\u202eb\"}") ==
	    ERR_INVALID_PARTICIPANT_NAME);
	CHECK(parse("{\"room_name\":\"main-show\",\"participant_name\":5}")
	    == ERR_INVALID_PARTICIPANT_NAME);
	{
		char	 body[512];
		size_t	 at;

		at = (size_t)snprintf(body, sizeof(body),
		    "{\"room_name\":\"main-show\",\"participant_name\":\"");
		memset(body + at, 'a', 129);
		memcpy(body + at + 129, "\"}", 3);
		CHECK(parse(body) == ERR_INVALID_PARTICIPANT_NAME);
	}

	/* One shape or the other: never guess which room was meant. */
	CHECK(parse("{\"roomType\":\"audition\",\"room_name\":\"main-show\"}")
	    == ERR_MIXED_REQUEST);
	CHECK(parse("{\"roomType\":\"audition\",\"room_name\":"
	    "\"audition-room\"}") == ERR_MIXED_REQUEST);
	CHECK(parse("{\"room_name\":\"main-show\",\"userName\":\"Ana\"}")
	    == ERR_MIXED_REQUEST);
	CHECK(parse("{\"roomName\":\"main_show\",\"participant_name\":\"A\"}")
	    == ERR_MIXED_REQUEST);
	/* A null member belongs to no shape. */
	CHECK(parse("{\"roomType\":\"audition\",\"room_name\":null}") ==
	    ERR_OK);
	CHECK(tr.shape == SHAPE_APP);
}

/*
 * Identity, metadata, attributes and room configuration are the server's
 * (issue 12): each gets its own 400, in either shape, so the client learns
 * which field to drop. An identity equal to the user's own asks for
 * nothing new and is let through.
 */
static void
test_server_fields(void)
{
	CHECK(parse("{\"room_name\":\"main-show\","
	    "\"participant_identity\":\"someone-else\"}") ==
	    ERR_IDENTITY_NOT_ALLOWED);
	CHECK(parse("{\"room_name\":\"main-show\","
	    "\"participant_identity\":\"\"}") == ERR_IDENTITY_NOT_ALLOWED);
	CHECK(parse("{\"room_name\":\"main-show\","
	    "\"participant_identity\":\"user-1 \"}") ==
	    ERR_IDENTITY_NOT_ALLOWED);
	CHECK(parse("{\"room_name\":\"main-show\","
	    "\"participant_identity\":1}") == ERR_IDENTITY_NOT_ALLOWED);
	CHECK(parse("{\"room_name\":\"main-show\","
	    "\"participant_identity\":\"user-1\"}") == ERR_OK);
	CHECK(tr.shape == SHAPE_LIVEKIT && tr.room == ROOM_MAIN_SHOW);
	{
		static const char b[] = "{\"room_name\":\"main-show\","
		    "\"participant_identity\":\"\"}";

		/* No user id to compare with: never a match. */
		CHECK(body_parse(b, strlen(b), "", &tr) ==
		    ERR_IDENTITY_NOT_ALLOWED);
		CHECK(body_parse(b, strlen(b), NULL, &tr) ==
		    ERR_IDENTITY_NOT_ALLOWED);
	}
	CHECK(parse("{\"room_name\":\"main-show\","
	    "\"participant_metadata\":\"{\\\"role\\\":\\\"host\\\"}\"}") ==
	    ERR_METADATA_NOT_ALLOWED);
	CHECK(parse("{\"room_name\":\"main-show\","
	    "\"participant_metadata\":\"\"}") == ERR_METADATA_NOT_ALLOWED);
	CHECK(parse("{\"room_name\":\"main-show\","
	    "\"participant_attributes\":{\"role\":\"host\"}}") ==
	    ERR_ATTRIBUTES_NOT_ALLOWED);
	CHECK(parse("{\"room_name\":\"main-show\","
	    "\"participant_attributes\":{}}") == ERR_ATTRIBUTES_NOT_ALLOWED);
	CHECK(parse("{\"room_name\":\"main-show\",\"room_config\":"
	    "{\"agents\":[{\"agent_name\":\"judge-bot\"}]}}") ==
	    ERR_ROOM_CONFIG_NOT_ALLOWED);
	/* In the app's shape too, before the mixed-shape rule. */
	CHECK(parse("{\"roomType\":\"audition\","
	    "\"participant_metadata\":\"x\"}") == ERR_METADATA_NOT_ALLOWED);
	CHECK(parse("{\"roomType\":\"audition\",\"room_config\":"
	    "{\"name\":\"\"}}") == ERR_ROOM_CONFIG_NOT_ALLOWED);
	/* And before the room: the field is the problem either way. */
	CHECK(parse("{\"participant_identity\":\"x\"}") ==
	    ERR_IDENTITY_NOT_ALLOWED);
	/* null: not set. */
	CHECK(parse("{\"room_name\":\"audition-room\","
	    "\"participant_identity\":null,\"participant_metadata\":null,"
	    "\"participant_attributes\":null,\"room_config\":null}") ==
	    ERR_OK);
}

/*
 * LiveKit's Swift, Android and Flutter SDKs send "room_config":{} on every
 * request: a configuration that sets nothing is no request of the client's.
 * Anything set in it, even "" or 0 or an agent with no name, still is.
 */
static void
test_empty_room_config(void)
{
	const char	*b;

	b = "{\"room_name\":\"main-show\",\"participant_name\":\"Ana\","
	    "\"room_config\":{}}";
	CHECK(body_parse(b, strlen(b), NULL, &tr) == ERR_OK);
	CHECK(tr.shape == SHAPE_LIVEKIT && tr.room == ROOM_MAIN_SHOW);
	CHECK(tr.has_name && strcmp(tr.name, "Ana") == 0);
	CHECK(parse("{\"room_name\":\"main-show\",\"room_config\":"
	    "{\"name\":null,\"agents\":null,\"metadata\":null}}") == ERR_OK);
	CHECK(parse("{\"room_name\":\"main-show\",\"room_config\":"
	    "{\"agents\":[]}}") == ERR_OK);
	CHECK(parse("{\"room_name\":\"main-show\",\"room_config\":"
	    "{\"x\":{\"y\":{}}}}") == ERR_OK);
	/* It does not make the app's request LiveKit's (mixed). */
	b = "{\"roomType\":\"audition\",\"room_config\":{}}";
	CHECK(body_parse(b, strlen(b), NULL, &tr) == ERR_OK);
	CHECK(tr.shape == SHAPE_APP && tr.room == ROOM_AUDITION);
	CHECK(parse("{\"room_config\":{}}") == ERR_MISSING_ROOM_TYPE);
	/* Set to something, however small. */
	CHECK(parse("{\"room_name\":\"main-show\",\"room_config\":"
	    "{\"agents\":[{}]}}") == ERR_ROOM_CONFIG_NOT_ALLOWED);
	CHECK(parse("{\"room_name\":\"main-show\",\"room_config\":"
	    "{\"empty_timeout\":0}}") == ERR_ROOM_CONFIG_NOT_ALLOWED);
	CHECK(parse("{\"room_name\":\"main-show\",\"room_config\":"
	    "{\"sync_streams\":false}}") == ERR_ROOM_CONFIG_NOT_ALLOWED);
	CHECK(parse("{\"room_name\":\"main-show\",\"room_config\":"
	    "{\"agents\":[null]}}") == ERR_ROOM_CONFIG_NOT_ALLOWED);
	/* Not a configuration at all. */
	CHECK(parse("{\"room_name\":\"main-show\",\"room_config\":[]}") ==
	    ERR_ROOM_CONFIG_NOT_ALLOWED);
	CHECK(parse("{\"room_name\":\"main-show\",\"room_config\":\"\"}") ==
	    ERR_ROOM_CONFIG_NOT_ALLOWED);
	CHECK(parse("{\"room_name\":\"main-show\",\"room_config\":0}") ==
	    ERR_ROOM_CONFIG_NOT_ALLOWED);
}

int
main(void)
{
	test_room();
	test_permissions_ignored();
	test_missing_invalid();
	test_user_name();
	test_not_json();
	test_livekit_shape();
	test_server_fields();
	test_empty_room_config();
	return CHECK_DONE();
}
