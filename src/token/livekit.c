#include <stdint.h>
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

/*
 * A unique jti without a getrandom(2) per token: each request thread keys
 * a ChaCha20 stream once from the system CSPRNG and takes one block per
 * token, the block counter as the nonce. Keys are per thread (no lock, no
 * shared state), 256 bits each, so ids from two threads or processes
 * collide with probability about 2^-128; within a thread the counter never
 * repeats (2^64 tokens). Worker processes are exec'd, never forked after a
 * stream was keyed, so no two processes share a key.
 */
static _Thread_local unsigned char	jti_key[crypto_stream_chacha20_KEYBYTES];
static _Thread_local uint64_t		jti_counter;
static _Thread_local int		jti_keyed;
_Static_assert(crypto_stream_chacha20_NONCEBYTES == sizeof(uint64_t),
    "the block counter is the whole nonce");

static void
jti_bytes(unsigned char *out, size_t len)
{
	unsigned char	nonce[crypto_stream_chacha20_NONCEBYTES];

	if (!jti_keyed) {
		crypto_stream_chacha20_keygen(jti_key);
		jti_keyed = 1;
	}
	memcpy(nonce, &jti_counter, sizeof(nonce));
	jti_counter++;
	crypto_stream_chacha20(out, len, nonce, jti_key);
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
	jti_bytes(rnd, sizeof(rnd));
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
