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
	return body_parse(body, strlen(body), &tr);
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
	CHECK(body_parse("{\"roomType\":\"audition\"}\0", 24, &tr)
	    == ERR_INVALID_JSON);
}

int
main(void)
{
	test_room();
	test_permissions_ignored();
	test_missing_invalid();
	test_user_name();
	test_not_json();
	return CHECK_DONE();
}
