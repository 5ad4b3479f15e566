#include <stddef.h>
#include <string.h>
#include <strings.h>


#include "auth/b64url.h"
#include "auth/jwt.h"
#include "jsonparse.h"

static const char *const reasons[JWT_ERR__MAX] = {
	[JWT_OK] = "ok",
	[JWT_ERR_TOO_LARGE] = "token_too_large",
	[JWT_ERR_MALFORMED] = "malformed",
	[JWT_ERR_BASE64] = "bad_base64url",
	[JWT_ERR_JSON] = "bad_json",
	[JWT_ERR_HEADER] = "bad_header",
	[JWT_ERR_ALG] = "alg_not_allowed",
	[JWT_ERR_CRIT] = "unknown_crit",
	[JWT_ERR_NO_KEY] = "unknown_key",
	[JWT_ERR_SIGNATURE] = "bad_signature",
	[JWT_ERR_EXPIRED] = "expired",
	[JWT_ERR_NOT_YET_VALID] = "not_yet_valid",
	[JWT_ERR_CLAIM] = "bad_claim",
	[JWT_ERR_AUDIENCE] = "bad_audience",
	[JWT_ERR_ISSUER] = "bad_issuer",
	[JWT_ERR_NOT_USER] = "not_a_user_token",
	[JWT_ERR_ANONYMOUS] = "anonymous_refused",
	[JWT_ERR_API_KEY] = "api_key_not_user_token",
	[JWT_ERR_REVOKED_USER] = "user_revoked",
	[JWT_ERR_REVOKED_SESSION] = "session_revoked",
};

static const char *const algs[JWT_ALG__MAX] = {
	[JWT_ALG_HS256] = "HS256",
	[JWT_ALG_ES256] = "ES256",
	[JWT_ALG_RS256] = "RS256",
	[JWT_ALG_EDDSA] = "EdDSA",
};

const char *
jwt_err_reason(enum jwt_err e)
{
	return (unsigned)e < JWT_ERR__MAX ? reasons[e] : "unknown";
}

const char *
jwt_alg_name(enum jwt_alg a)
{
	return (unsigned)a < JWT_ALG__MAX ? algs[a] : "";
}

int
jwt_alg_parse(const char *name, enum jwt_alg *out)
{
	size_t	 i;

	/* Exact, case-sensitive (RFC 7515 4.1.1): "none" is never here. */
	for (i = 0; i < JWT_ALG__MAX; i++)
		if (strcmp(name, algs[i]) == 0) {
			*out = (enum jwt_alg)i;
			return 0;
		}
	return -1;
}

/* Decode one base64url segment into doc, which then holds an object. */
static enum jwt_err
decode_json(const char *seg, size_t len, struct json_doc *doc)
{
	unsigned char	 buf[JWT_MAX_LEN];
	size_t		 n;

	json_doc_init(doc);
	if (b64url_decode(buf, sizeof(buf), &n, seg, len) == -1)
		return JWT_ERR_BASE64;
	if (json_parse(doc, (const char *)buf, n) == -1)
		return JWT_ERR_JSON;
	return JWT_OK;
}

/* A kid is only ever a lookup key: keep it to a harmless alphabet. */
int
jwt_kid_valid(const char *kid, size_t len)
{
	size_t	 i;

	if (len == 0 || len > JWT_KID_MAX)
		return 0;
	for (i = 0; i < len; i++) {
		char c = kid[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '-' || c == '_' ||
		    c == '.'))
			return 0;
	}
	return 1;
}

static enum jwt_err
parse_header(const struct json_value *h, struct jwt *out)
{
	static const char *const key_refs[] = { "jku", "jwk", "x5u", "x5c",
	    NULL };
	const struct json_value	*v;
	const char		*s;
	size_t			 i;

	if ((s = json_string(json_member(h, "alg"))) == NULL ||
	    jwt_alg_parse(s, &out->alg) == -1)
		return JWT_ERR_ALG;
	/* We implement no extension, so any crit must be refused (7515 4.1.11). */
	if (json_member(h, "crit") != NULL)
		return JWT_ERR_CRIT;
	/*
	 * Keys named or carried by the token itself are never used: only
	 * configured keys verify. A token that brings one is refused outright.
	 */
	for (i = 0; key_refs[i] != NULL; i++)
		if (json_member(h, key_refs[i]) != NULL)
			return JWT_ERR_HEADER;
	if ((v = json_member(h, "typ")) != NULL &&
	    ((s = json_string(v)) == NULL || strcasecmp(s, "JWT") != 0))
		return JWT_ERR_HEADER;
	if ((v = json_member(h, "kid")) != NULL) {
		if ((s = json_string(v)) == NULL || !jwt_kid_valid(s, v->len))
			return JWT_ERR_HEADER;
		memcpy(out->kid, s, v->len + 1);
		out->has_kid = true;
	}
	return JWT_OK;
}

/* Signature sizes that are fixed by the algorithm; RS256's is the key's. */
static int
sig_len_ok(enum jwt_alg alg, size_t n)
{
	switch (alg) {
	case JWT_ALG_HS256:
		return n == 32;
	case JWT_ALG_ES256:	/* raw r||s (RFC 7518 3.4), never DER */
	case JWT_ALG_EDDSA:
		return n == 64;
	case JWT_ALG_RS256:
		return n >= 256 && n <= JWT_SIG_MAX;
	default:
		return 0;
	}
}

/*
 * Supabase's new API keys are not JWTs: sb_publishable_... (what a
 * frontend holds) and sb_secret_... (what it must never hold). An app that
 * passes one as its bearer token needs to hear that, not "malformed".
 */
static int
is_api_key(const char *token, size_t len)
{
	static const char *const prefixes[] = {
		"sb_publishable_", "sb_secret_", NULL
	};
	const char *const	*p;
	size_t			 n;

	for (p = prefixes; *p != NULL; p++) {
		n = strlen(*p);
		if (len > n && memcmp(token, *p, n) == 0)
			return 1;
	}
	return 0;
}

enum jwt_err
jwt_parse(const char *token, size_t len, struct jwt *out)
{
	const char		*dot1, *dot2, *end = token + len;
	struct json_doc		 header;
	enum jwt_err		 e;

	/* All but the doc, which json_doc_init readies far cheaper. */
	memset(out, 0, offsetof(struct jwt, payload_doc));
	json_doc_init(&out->payload_doc);
	json_doc_init(&header);
	if (len > JWT_MAX_LEN)
		return JWT_ERR_TOO_LARGE;
	if (is_api_key(token, len))
		return JWT_ERR_API_KEY;
	if ((dot1 = memchr(token, '.', len)) == NULL ||
	    (dot2 = memchr(dot1 + 1, '.', (size_t)(end - dot1 - 1))) == NULL ||
	    memchr(dot2 + 1, '.', (size_t)(end - dot2 - 1)) != NULL)
		return JWT_ERR_MALFORMED;
	if (dot1 == token || dot2 == dot1 + 1 || dot2 + 1 == end)
		return JWT_ERR_MALFORMED;

	if ((e = decode_json(token, (size_t)(dot1 - token), &header)) != JWT_OK)
		goto fail;
	if ((e = parse_header(header.root, out)) != JWT_OK)
		goto fail;
	if (b64url_decode(out->sig, sizeof(out->sig), &out->sig_len, dot2 + 1,
	    (size_t)(end - dot2 - 1)) == -1) {
		e = JWT_ERR_BASE64;
		goto fail;
	}
	if (!sig_len_ok(out->alg, out->sig_len)) {
		e = JWT_ERR_SIGNATURE;
		goto fail;
	}
	if ((e = decode_json(dot1 + 1, (size_t)(dot2 - dot1 - 1),
	    &out->payload_doc)) != JWT_OK)
		goto fail;
	out->payload = out->payload_doc.root;
	out->signing_input = token;
	out->signing_input_len = (size_t)(dot2 - token);
	json_doc_free(&header);
	return JWT_OK;
fail:
	json_doc_free(&header);
	jwt_free(out);
	return e;
}

void
jwt_free(struct jwt *t)
{
	json_doc_free(&t->payload_doc);
	memset(t, 0, offsetof(struct jwt, payload_doc));
}
