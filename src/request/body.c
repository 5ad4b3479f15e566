#include <string.h>

#include <json-c/json.h>

#include "jsonparse.h"
#include "request/body.h"

/* Returns 1 and sets *v when member name is present and not null, else 0. */
static int
member(struct json_object *o, const char *name, struct json_object **v)
{
	return json_object_object_get_ex(o, name, v) && *v != NULL;
}

static enum err
parse_room(struct json_object *o, struct token_request *out)
{
	struct json_object	*type = NULL, *name = NULL;
	enum room		 a = ROOM_AUDITION, b = ROOM_AUDITION;

	if (!member(o, "roomType", &type) && !member(o, "roomName", &name))
		return ERR_MISSING_ROOM_TYPE;
	if (type != NULL && (!json_object_is_type(type, json_type_string) ||
	    room_type_parse(json_object_get_string(type), &a) == -1))
		return ERR_INVALID_ROOM_TYPE;
	(void)member(o, "roomName", &name);
	if (name != NULL && (!json_object_is_type(name, json_type_string) ||
	    room_type_parse(json_object_get_string(name), &b) == -1))
		return ERR_INVALID_ROOM_TYPE;
	/* Both given: they must agree, or we would guess the client's mind. */
	if (type != NULL && name != NULL && a != b)
		return ERR_INVALID_ROOM_TYPE;
	out->room = type != NULL ? a : b;
	return ERR_OK;
}

enum err
body_parse(const char *body, size_t len, struct token_request *out)
{
	struct json_object	*o, *v;
	enum err		 e;

	memset(out, 0, sizeof(*out));
	if (json_parse_object(body, len, &o) == -1)
		return ERR_INVALID_JSON;
	if ((e = parse_room(o, out)) != ERR_OK)
		goto out;
	if (member(o, "userName", &v)) {
		if (!json_object_is_type(v, json_type_string) ||
		    display_name_parse(json_object_get_string(v),
		    (size_t)json_object_get_string_len(v), out->name) == -1) {
			e = ERR_INVALID_USER_NAME;
			goto out;
		}
		out->has_name = true;
	}
out:
	json_object_put(o);
	return e;
}
