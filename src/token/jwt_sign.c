#include <stdlib.h>
#include <string.h>

#include "auth/b64url.h"
#include "token/jwt_sign.h"

/* base64url('{"alg":"HS256","typ":"JWT"}'), the header the LiveKit SDK writes */
static const char header[] = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9";

char *
jwt_sign_hs256(const struct hs256_key *k, const char *payload, size_t len)
{
	unsigned char	 tag[HS256_TAG_LEN];
	size_t		 hlen = sizeof(header) - 1, plen, cap, at;
	char		*tok;

	if (len > ((size_t)1 << 20))
		return NULL;	/* no LiveKit claim set comes near */
	cap = hlen + 1 + B64URL_ENCODED_SIZE(len) + 1 +
	    B64URL_ENCODED_SIZE(HS256_TAG_LEN);
	if ((tok = malloc(cap)) == NULL)
		return NULL;
	memcpy(tok, header, hlen);
	tok[hlen] = '.';
	at = hlen + 1;
	plen = b64url_encode(tok + at, cap - at,
	    (const unsigned char *)payload, len);
	at += plen;
	if (hs256_mac(k, tok, at, tag) == -1) {
		free(tok);
		return NULL;
	}
	tok[at++] = '.';
	b64url_encode(tok + at, cap - at, tag, sizeof(tag));
	return tok;
}
