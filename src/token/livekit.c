#include <string.h>

#include <json-c/json.h>
#include <sodium.h>

#include "auth/b64url.h"
#include "token/jwt_sign.h"
#include "token/livekit.h"

/*
 * The video grant. LiveKit fills absent fields with permissive defaults
 * (canPublish true), so every refusal is written out explicitly.
 */
static struct json_object *
video_grant(const struct livekit_grant *g)
{
	const struct grants	*gr = g->grants;
	struct json_object	*v, *src;
	unsigned		 bit;

	if ((v = json_object_new_object()) == NULL)
		return NULL;
	json_object_object_add(v, "room", json_object_new_string(
	    room_name(g->room)));
	json_object_object_add(v, "roomJoin", json_object_new_boolean(gr->join));
	json_object_object_add(v, "canPublish",
	    json_object_new_boolean(gr->publish));
	json_object_object_add(v, "canSubscribe",
	    json_object_new_boolean(gr->subscribe));
	json_object_object_add(v, "canPublishData",
	    json_object_new_boolean(gr->publish_data));
	json_object_object_add(v, "canUpdateOwnMetadata",
	    json_object_new_boolean(gr->update_own_metadata));
	if (gr->room_admin)
		json_object_object_add(v, "roomAdmin",
		    json_object_new_boolean(1));
	if (gr->publish && gr->sources != 0) {
		src = json_object_new_array();
		for (bit = 1; bit < (1u << SOURCE__COUNT); bit <<= 1)
			if (gr->sources & bit)
				json_object_array_add(src,
				    json_object_new_string(source_name(bit)));
		json_object_object_add(v, "canPublishSources", src);
	}
	return v;
}

int
livekit_mint(const struct livekit_signer *s, const struct livekit_grant *g,
    char **token, long *expires_at)
{
	struct json_object	*c, *attrs, *video, *meta;
	unsigned char		 rnd[16];
	char			 jti[B64URL_ENCODED_SIZE(sizeof(rnd))];
	const char		*text;
	size_t			 len;
	int			 rc = -1;

	*token = NULL;
	randombytes_buf(rnd, sizeof(rnd));
	b64url_encode(jti, sizeof(jti), rnd, sizeof(rnd));

	if ((c = json_object_new_object()) == NULL)
		return -1;
	json_object_object_add(c, "iss", json_object_new_string(s->api_key));
	json_object_object_add(c, "sub", json_object_new_string(g->identity));
	json_object_object_add(c, "jti", json_object_new_string(jti));
	json_object_object_add(c, "iat", json_object_new_int64(g->now));
	json_object_object_add(c, "nbf", json_object_new_int64(g->now));
	json_object_object_add(c, "exp",
	    json_object_new_int64(g->now + s->ttl));
	json_object_object_add(c, "name", json_object_new_string(g->name));

	/* metadata is a JSON string; json-c escapes the role for us. */
	if ((meta = json_object_new_object()) == NULL)
		goto out;
	json_object_object_add(meta, "role",
	    json_object_new_string(role_name(g->role)));
	json_object_object_add(c, "metadata", json_object_new_string(
	    json_object_to_json_string_ext(meta, JSON_C_TO_STRING_PLAIN)));
	json_object_put(meta);

	if ((attrs = json_object_new_object()) == NULL)
		goto out;
	json_object_object_add(attrs, "role",
	    json_object_new_string(role_name(g->role)));
	json_object_object_add(c, "attributes", attrs);
	if ((video = video_grant(g)) == NULL)
		goto out;
	json_object_object_add(c, "video", video);

	text = json_object_to_json_string_ext(c,
	    JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
	if (text == NULL)
		goto out;
	len = strlen(text);
	if ((*token = jwt_sign_hs256(&s->secret, text, len)) == NULL)
		goto out;
	*expires_at = g->now + s->ttl;
	rc = 0;
out:
	json_object_put(c);
	return rc;
}
