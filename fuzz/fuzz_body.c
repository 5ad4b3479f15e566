/*
 * The token request's JSON body (src/request/body.c), as the client sends
 * it: {"roomType":"audition","userName":"Ana"}.
 *
 * Whatever the input: no crash, no leak, and one of the documented
 * answers. ERR_OK only for a body json_parse accepts, with a known
 * room and, when given, a name that display_name_parse keeps as it is;
 * ERR_INVALID_JSON exactly when json_parse refuses the body.
 */
#include <stdint.h>
#include <string.h>


#include "fuzz.h"
#include "jsonparse.h"
#include "request/body.h"
#include "request/request.h"

static void	check_name(const char *);

static void
check_name(const char *name)
{
	char	 again[DISPLAY_NAME_SIZE];
	size_t	 n = strnlen(name, DISPLAY_NAME_SIZE);

	FUZZ_CHECK(n > 0 && n < DISPLAY_NAME_SIZE);
	FUZZ_CHECK(display_name_parse(name, n, again) == 0);
	FUZZ_CHECK(strcmp(again, name) == 0);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct token_request	 req;
	struct json_doc		 doc;
	enum err		 e;
	int			 json_ok;

	/* The service reads no more than this; a longer body is a 413. */
	if (size > REQUEST_BODY_MAX)
		size = REQUEST_BODY_MAX;
	e = body_parse((const char *)data, size, "user-1", &req);
	FUZZ_CHECK(e == ERR_OK || e == ERR_INVALID_JSON ||
	    e == ERR_MISSING_ROOM_TYPE || e == ERR_INVALID_ROOM_TYPE ||
	    e == ERR_INVALID_USER_NAME || e == ERR_MISSING_ROOM_NAME ||
	    e == ERR_INVALID_ROOM_NAME || e == ERR_INVALID_PARTICIPANT_NAME ||
	    e == ERR_IDENTITY_NOT_ALLOWED || e == ERR_METADATA_NOT_ALLOWED ||
	    e == ERR_ATTRIBUTES_NOT_ALLOWED ||
	    e == ERR_ROOM_CONFIG_NOT_ALLOWED || e == ERR_MIXED_REQUEST);

	json_ok = json_parse(&doc, (const char *)data, size) == 0;
	json_doc_free(&doc);
	FUZZ_CHECK(json_ok == (e != ERR_INVALID_JSON));

	if (e != ERR_OK)
		return 0;
	FUZZ_CHECK((unsigned)req.room < ROOM__MAX);
	FUZZ_CHECK((unsigned)req.shape < SHAPE__MAX);
	FUZZ_CHECK(room_type_name(req.room)[0] != '\0');
	if (req.has_name)
		check_name(req.name);
	else
		FUZZ_CHECK(req.name[0] == '\0');
	return 0;
}
