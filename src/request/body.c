#include <string.h>

#include "jsonparse.h"
#include "request/body.h"

/* The member called name when it is present and not null, else NULL. */
static const struct json_value *
member(const struct json_value *o, const char *name)
{
	const struct json_value	*v = json_member(o, name);

	return v != NULL && v->type != JSON_NULL ? v : NULL;
}

/* Returns 1 when any of the names is a member that is not null. */
static int
any_member(const struct json_value *o, const char *const *names)
{
	for (; *names != NULL; names++)
		if (member(o, *names) != NULL)
			return 1;
	return 0;
}

static const char *const app_members[] = {
	"roomType", "roomName", "userName", NULL
};
static const char *const livekit_members[] = {
	"room_name", "participant_name", "participant_identity",
	"participant_metadata", "participant_attributes", NULL
};

/*
 * Whether a value inside room_config asks for nothing: null, an empty
 * list, or an object whose members all ask for nothing. LiveKit's Swift, Android and
 * Flutter SDKs send "room_config":{} on every request (a RoomConfiguration
 * with only its agents, and those unset), so refusing that refused every
 * app built on them. Anything set, even "" or 0, is the server's to
 * decide. Recursion is bounded by JSONPARSE_MAX_DEPTH.
 */
static int
asks_nothing(const struct json_value *v)
{
	const struct json_value	*m;

	if (v == NULL || v->type == JSON_NULL)
		return 1;
	if (v->type == JSON_ARRAY)
		return v->len == 0;
	if (v->type != JSON_OBJECT)
		return 0;
	for (m = v->u.first; m != NULL; m = m->next)
		if (!asks_nothing(m))
			return 0;
	return 1;
}

/*
 * What the server alone decides. participant_identity is let through only
 * when it names the signed-in user: it then asks for what the token gets
 * anyway, and an app that passes the identity it knows keeps working.
 */
static enum err
refuse_server_fields(const struct json_value *o, const char *own_identity)
{
	const struct json_value	*v;

	if ((v = member(o, "participant_identity")) != NULL &&
	    (v->type != JSON_STRING ||
	    own_identity == NULL || own_identity[0] == '\0' ||
	    strcmp(v->u.string, own_identity) != 0))
		return ERR_IDENTITY_NOT_ALLOWED;
	if (member(o, "participant_metadata") != NULL)
		return ERR_METADATA_NOT_ALLOWED;
	if (member(o, "participant_attributes") != NULL)
		return ERR_ATTRIBUTES_NOT_ALLOWED;
	if ((v = member(o, "room_config")) != NULL &&
	    (v->type != JSON_OBJECT || !asks_nothing(v)))
		return ERR_ROOM_CONFIG_NOT_ALLOWED;
	return ERR_OK;
}

static enum err
parse_room_type(const struct json_value *o, struct token_request *out)
{
	const struct json_value	*type = member(o, "roomType");
	const struct json_value	*name = member(o, "roomName");
	enum room		 a = ROOM_AUDITION, b = ROOM_AUDITION;

	if (type == NULL && name == NULL)
		return ERR_MISSING_ROOM_TYPE;
	if (type != NULL && (type->type != JSON_STRING ||
	    room_type_parse(type->u.string, &a) == -1))
		return ERR_INVALID_ROOM_TYPE;
	if (name != NULL && (name->type != JSON_STRING ||
	    room_type_parse(name->u.string, &b) == -1))
		return ERR_INVALID_ROOM_TYPE;
	/* Both given: they must agree, or we would guess the client's mind. */
	if (type != NULL && name != NULL && a != b)
		return ERR_INVALID_ROOM_TYPE;
	out->room = type != NULL ? a : b;
	return ERR_OK;
}

/* LiveKit's room_name is the LiveKit room itself, exactly. */
static enum err
parse_room_name(const struct json_value *o, struct token_request *out)
{
	const struct json_value	*v;
	const char		*s;
	int			 r;

	if ((v = member(o, "room_name")) == NULL)
		return ERR_MISSING_ROOM_NAME;
	if ((s = json_string(v)) == NULL)
		return ERR_INVALID_ROOM_NAME;
	for (r = 0; r < ROOM__MAX; r++)
		if (strcmp(s, room_name((enum room)r)) == 0) {
			out->room = (enum room)r;
			return ERR_OK;
		}
	return ERR_INVALID_ROOM_NAME;
}

/* Returns ERR_OK, setting out->name when member name is given, or bad. */
static enum err
parse_name(const struct json_value *o, const char *name, enum err bad,
    struct token_request *out)
{
	const struct json_value	*v;

	if ((v = member(o, name)) == NULL)
		return ERR_OK;
	if (v->type != JSON_STRING ||
	    display_name_parse(v->u.string, v->len, out->name) == -1)
		return bad;
	out->has_name = true;
	return ERR_OK;
}

enum err
body_parse(const char *body, size_t len, const char *own_identity,
    struct token_request *out)
{
	struct json_doc		 doc;
	const struct json_value	*o;
	enum err		 e;
	int			 app, livekit;

	memset(out, 0, sizeof(*out));
	if (json_parse(&doc, body, len) == -1)
		return ERR_INVALID_JSON;
	o = doc.root;
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
	json_doc_free(&doc);
	return e;
}
