#include <string.h>

#include <sodium.h>

#include "auth/b64url.h"
#include "jsonwrite.h"
#include "token/jwt_sign.h"
#include "token/livekit.h"

/*
 * The video grant. LiveKit fills absent fields with permissive defaults
 * (canPublish true), so every refusal is written out explicitly.
 */
static void
video_grant(struct jw *w, const struct livekit_grant *g)
{
	const struct grants	*gr = g->grants;
	unsigned		 bit;

	jw_open_object(w, "video");
	jw_str(w, "room", room_name(g->room));
	jw_bool(w, "roomJoin", gr->join);
	jw_bool(w, "canPublish", gr->publish);
	jw_bool(w, "canSubscribe", gr->subscribe);
	jw_bool(w, "canPublishData", gr->publish_data);
	jw_bool(w, "canUpdateOwnMetadata", gr->update_own_metadata);
	if (gr->room_admin)
		jw_bool(w, "roomAdmin", true);
	if (gr->publish && gr->sources != 0) {
		jw_open_array(w, "canPublishSources");
		for (bit = 1; bit < (1u << SOURCE__COUNT); bit <<= 1)
			if (gr->sources & bit)
				jw_elem_str(w, source_name(bit));
		jw_close_array(w);
	}
	jw_close(w);
}

int
livekit_mint(const struct livekit_signer *s, const struct livekit_grant *g,
    char **token, long *expires_at)
{
	unsigned char	 rnd[16];
	char		 jti[B64URL_ENCODED_SIZE(sizeof(rnd))];
	char		 meta[64], claims[16384];
	struct jw	 w;
	long		 len;

	*token = NULL;
	randombytes_buf(rnd, sizeof(rnd));
	b64url_encode(jti, sizeof(jti), rnd, sizeof(rnd));

	/* metadata is a JSON string holding a JSON object. */
	jw_init(&w, meta, sizeof(meta));
	jw_open(&w);
	jw_str(&w, "role", role_name(g->role));
	jw_close(&w);
	if (jw_finish(&w) == -1)
		return -1;

	jw_init(&w, claims, sizeof(claims));
	jw_open(&w);
	jw_str(&w, "iss", s->api_key);
	jw_str(&w, "sub", g->identity);
	jw_str(&w, "jti", jti);
	jw_int(&w, "iat", g->now);
	jw_int(&w, "nbf", g->now);
	jw_int(&w, "exp", g->now + s->ttl);
	jw_str(&w, "name", g->name);
	jw_str(&w, "metadata", meta);
	jw_open_object(&w, "attributes");
	jw_str(&w, "role", role_name(g->role));
	jw_close(&w);
	video_grant(&w, g);
	jw_close(&w);
	/* Never a truncated claim set: too long is an error. */
	if ((len = jw_finish(&w)) == -1)
		return -1;
	if ((*token = jwt_sign_hs256(&s->secret, claims, (size_t)len)) == NULL)
		return -1;
	*expires_at = g->now + s->ttl;
	return 0;
}
