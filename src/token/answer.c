#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "jsonwrite.h"
#include "token/answer.h"

enum err
answer_write(struct response *resp, const struct answer *a)
{
	struct jw	 w;
	char		*body;
	size_t		 cap;
	enum err	 e;

	/*
	 * The token is the bulk of the answer; the URL may need escaping
	 * (\u00XX is six bytes for one); the rest fits in a page.
	 */
	cap = strlen(a->token) + strlen(a->livekit_url) * 6 +
	    strlen(a->identity) * 6 + 1024;
	if ((body = malloc(cap)) == NULL)
		return ERR_INTERNAL;
	jw_init(&w, body, cap);
	jw_open(&w);
	if (a->shape == SHAPE_LIVEKIT) {
		jw_str(&w, "server_url", a->livekit_url);
		jw_str(&w, "participant_token", a->token);
	} else {
		jw_str(&w, "token", a->token);
		jw_str(&w, "livekitUrl", a->livekit_url);
		jw_str(&w, "roomName", a->room);
		jw_str(&w, "identity", a->identity);
		jw_int(&w, "expiresAt", a->expires_at);
	}
	jw_close(&w);
	e = response_json(resp, 200, &w) == 0 ? ERR_OK : ERR_INTERNAL;
	sodium_memzero(body, cap);
	free(body);
	return e;
}
