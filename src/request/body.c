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

/* Returns 1 when any of the names is a member that is not null. */
static int
any_member(struct json_object *o, const char *const *names)
{
	struct json_object	*v;

	for (; *names != NULL; names++)
		if (member(o, *names, &v))
			return 1;
	return 0;
}

static const char *const app_members[] = {
	"roomType", "roomName", "userName", NULL
};
static const char *const livekit_members[] = {
	"room_name", "participant_name", "participant_identity",
	"participant_metadata", "participant_attributes", "room_config", NULL
};

/*
 * What the server alone decides. participant_identity is let through only
 * when it names the signed-in user: it then asks for what the token gets
 * anyway, and an app that passes the identity it knows keeps working.
 */
static enum err
refuse_server_fields(struct json_object *o, const char *own_identity)
{
	struct json_object	*v;

	if (member(o, "participant_identity", &v) &&
	    (!json_object_is_type(v, json_type_string) ||
	    own_identity == NULL || own_identity[0] == '\0' ||
	    strcmp(json_object_get_string(v), own_identity) != 0))
		return ERR_IDENTITY_NOT_ALLOWED;
	if (member(o, "participant_metadata", &v))
		return ERR_METADATA_NOT_ALLOWED;
	if (member(o, "participant_attributes", &v))
		return ERR_ATTRIBUTES_NOT_ALLOWED;
	if (member(o, "room_config", &v))
		return ERR_ROOM_CONFIG_NOT_ALLOWED;
	return ERR_OK;
}

static enum err
parse_room_type(struct json_object *o, struct token_request *out)
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

/* LiveKit's room_name is the LiveKit room itself, exactly. */
static enum err
parse_room_name(struct json_object *o, struct token_request *out)
{
	struct json_object	*v;
	const char		*s;
	int			 r;

	if (!member(o, "room_name", &v))
		return ERR_MISSING_ROOM_NAME;
	if (!json_object_is_type(v, json_type_string))
		return ERR_INVALID_ROOM_NAME;
	s = json_object_get_string(v);
	for (r = 0; r < ROOM__MAX; r++)
		if (strcmp(s, room_name((enum room)r)) == 0) {
			out->room = (enum room)r;
			return ERR_OK;
		}
	return ERR_INVALID_ROOM_NAME;
}

/* Returns ERR_OK, setting out->name when member name is given, or bad. */
static enum err
parse_name(struct json_object *o, const char *name, enum err bad,
    struct token_request *out)
{
	struct json_object	*v;

	if (!member(o, name, &v))
		return ERR_OK;
	if (!json_object_is_type(v, json_type_string) ||
	    display_name_parse(json_object_get_string(v),
	    (size_t)json_object_get_string_len(v), out->name) == -1)
		return bad;
	out->has_name = true;
	return ERR_OK;
}

enum err
body_parse(const char *body, size_t len, const char *own_identity,
    struct token_request *out)
{
	struct json_object	*o;
	enum err		 e;
	int			 app, livekit;

	memset(out, 0, sizeof(*out));
	if (json_parse_object(body, len, &o) == -1)
		return ERR_INVALID_JSON;
	if ((e = refuse_server_fields(o, own_identity)) != ERR_OK)
		goto out;
	app = any_member(o, app_members);
	livekit = any_member(o, livekit_members);
	if (app && livekit) {
		e = ERR_MIXED_REQUEST;
		goto out;
	}
	if (livekit) {
		out->shape = SHAPE_LIVEKIT;
		if ((e = parse_room_name(o, out)) == ERR_OK)
			e = parse_name(o, "participant_name",
			    ERR_INVALID_PARTICIPANT_NAME, out);
	} else {
		out->shape = SHAPE_APP;
		if ((e = parse_room_type(o, out)) == ERR_OK)
			e = parse_name(o, "userName", ERR_INVALID_USER_NAME,
			    out);
	}
out:
	json_object_put(o);
	return e;
}
