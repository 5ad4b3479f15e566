/*
 * service: the whole pipeline without FastCGI, request in, answer out,
 * against the SPEC's endpoints, "Response 200" and "Errors" sections.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <json-c/json.h>
#include <sodium.h>

#include "auth/b64url.h"
#include "auth/hs256.h"
#include "check.h"
#include "config.h"
#include "jsonc.h"
#include "service.h"
#include "token/jwt_sign.h"

#define NOW	1767225600L
#define UID	"8d3f2f5e-4a0b-4c1e-9f6a-2b7c3d4e5f60"
#define TOKEN_PATH	"/functions/v1/livekit-token"

/* Test secrets in static buffers (config.h: normally sodium_malloc'd). */
static unsigned char	 supabase_secret[] =
    "super-secret-jwt-token-with-at-least-32-characters-long";
static unsigned char	 livekit_secret[] =
    "livekit-api-secret-for-unit-tests-0123456789";
static char		 api_key[] = "APIdevkey123";
static char		 livekit_url[] = "wss://livekit.example.com";

static struct config	 cfg;
static struct service	 svc;
static struct hs256_key	 supabase_key, livekit_key, wrong_key;

static struct request	 req;
static struct response	 resp;
static struct outcome	 out;

static void
config_reset(const char *cors)
{
	char	 err[256];

	memset(&cfg, 0, sizeof(cfg));
	cfg.livekit_api_key = api_key;
	cfg.livekit_api_secret.bytes = livekit_secret;
	cfg.livekit_api_secret.len = sizeof(livekit_secret) - 1;
	cfg.livekit_url = livekit_url;
	cfg.supabase_jwt_secret.bytes = supabase_secret;
	cfg.supabase_jwt_secret.len = sizeof(supabase_secret) - 1;
	cfg.token_ttl = 3600;
	cfg.leeway = 30;
	cfg.default_role = ROLE_VIEWER;
	if (cors_parse(&cfg.cors, cors, err, sizeof(err)) == -1)
		abort();
}

static int
start(void)
{
	char	 err[256];

	if (service_init(&svc, &cfg, err, sizeof(err)) == -1) {
		fprintf(stderr, "service_init: %s\n", err);
		return -1;
	}
	return 0;
}

/* A Supabase user token over the payload (printf format); malloc'd. */
static char *
user_token(const struct hs256_key *k, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static char *
user_token(const struct hs256_key *k, const char *fmt, ...)
{
	char	 payload[2048];
	va_list	 ap;

	va_start(ap, fmt);
	vsnprintf(payload, sizeof(payload), fmt, ap);
	va_end(ap);
	return jwt_sign_hs256(k, payload, strlen(payload));
}

/* A user token for role (NULL: no app_metadata.role), exp NOW + 3600. */
static char *
token_for(const char *role)
{
	char	 app[128] = "";

	if (role != NULL)
		snprintf(app, sizeof(app),
		    ",\"app_metadata\":{\"provider\":\"email\",\"role\":\"%s\"}",
		    role);
	return user_token(&supabase_key, "{\"aud\":\"authenticated\","
	    "\"exp\":%ld,\"iat\":%ld,\"sub\":\"" UID "\","
	    "\"email\":\"ada@example.com\",\"role\":\"authenticated\","
	    "\"user_metadata\":{\"full_name\":\"Ada Lovelace\"}%s}",
	    NOW + 3600, NOW - 60, app);
}

/* A POST to the token endpoint as supabase-js sends it. */
static void
post(const char *bearer_token, const char *body)
{
	static char	 auth[9000];

	memset(&req, 0, sizeof(req));
	req.method = METHOD_POST;
	req.method_name = "POST";
	req.route = ROUTE_TOKEN;
	req.path = TOKEN_PATH;
	req.origin = "https://app.example";
	req.content_type = "application/json";
	req.request_id = "0123456789abcdef";
	if (bearer_token != NULL) {
		snprintf(auth, sizeof(auth), "Bearer %s", bearer_token);
		req.authorization = auth;
	}
	if (body != NULL) {
		req.body_len = strlen(body);
		memcpy(req.body, body, req.body_len + 1);
		req.content_length = (long)req.body_len;
		req.body_state = req.body_len > 0 ? BODY_READ : BODY_NONE;
	} else
		req.content_length = -1;
}

static void
simple(enum method m, const char *name, enum route route, const char *path)
{
	memset(&req, 0, sizeof(req));
	req.method = m;
	req.method_name = name;
	req.route = route;
	req.path = path;
	req.content_length = -1;
}

static void
handle(void)
{
	struct keystore_reader	 r = { NULL };

	response_free(&resp);
	response_init(&resp);
	service_handle(&svc, keystore_read(svc.store, &r), &req, NOW, &resp,
	    &out);
	keystore_reader_done(&r);
}

/* The body's "error" member, or "" when there is none. */
static const char *
error_code(void)
{
	static char		 code[64];
	struct json_object	*o, *v;

	code[0] = '\0';
	if (resp.body != NULL &&
	    jsonc_parse(resp.body, resp.body_len, &o) == 0) {
		if (json_object_object_get_ex(o, "error", &v) &&
		    json_object_is_type(v, json_type_string))
			snprintf(code, sizeof(code), "%s",
			    json_object_get_string(v));
		json_object_put(o);
	}
	return code;
}

/* post() then handle() with a fresh token for role; frees the token. */
static void
post_as(const char *role, const char *body)
{
	char	*t = token_for(role);

	post(t, body);
	handle();
	free(t);
}

static struct json_object *
member(struct json_object *o, const char *name)
{
	struct json_object	*v = NULL;

	if (o == NULL || !json_object_object_get_ex(o, name, &v))
		return NULL;
	return v;
}

static void
test_ok(void)
{
	struct json_object	*o = NULL, *lk = NULL, *v, *video;
	const char		*tok, *d1, *d2;
	unsigned char		 sig[64], pl[4096];
	size_t			 siglen = 0, pll = 0;

	post_as("judge", "{\"roomType\":\"audition\"}");
	CHECK(resp.status == 200);
	CHECK(resp.err == ERR_OK && out.err == ERR_OK);
	CHECK(out.role == ROLE_JUDGE && out.room == ROOM_AUDITION);
	CHECK_STR(out.user, UID);
	CHECK_STR(resp.cors_origin, "*");
	CHECK(!resp.vary_origin);
	CHECK(resp.body != NULL &&
	    jsonc_parse(resp.body, resp.body_len, &o) == 0);
	/* {"token","livekitUrl","roomName","identity","expiresAt"} */
	CHECK_STR(json_object_get_string(member(o, "livekitUrl")), livekit_url);
	CHECK_STR(json_object_get_string(member(o, "roomName")), "audition-room");
	CHECK_STR(json_object_get_string(member(o, "identity")), UID);
	v = member(o, "expiresAt");
	CHECK(v != NULL && json_object_is_type(v, json_type_int) &&
	    json_object_get_int64(v) == NOW + 3600);
	v = member(o, "token");
	CHECK(v != NULL && json_object_is_type(v, json_type_string));
	tok = v != NULL ? json_object_get_string(v) : "";
	/* The LiveKit token verifies with LIVEKIT_API_SECRET. */
	d1 = strchr(tok, '.');
	d2 = d1 != NULL ? strchr(d1 + 1, '.') : NULL;
	CHECK(d2 != NULL);
	if (d2 != NULL) {
		CHECK(b64url_decode(sig, sizeof(sig), &siglen, d2 + 1,
		    strlen(d2 + 1)) == 0);
		CHECK(hs256_verify(&livekit_key, tok, (size_t)(d2 - tok), sig,
		    siglen) == 0);
		CHECK(hs256_verify(&supabase_key, tok, (size_t)(d2 - tok), sig,
		    siglen) == -1);
		CHECK(b64url_decode(pl, sizeof(pl) - 1, &pll, d1 + 1,
		    (size_t)(d2 - d1 - 1)) == 0);
		CHECK(jsonc_parse((const char *)pl, pll, &lk) == 0);
		CHECK_STR(json_object_get_string(member(lk, "iss")), api_key);
		CHECK_STR(json_object_get_string(member(lk, "sub")), UID);
		/* user_metadata.full_name, the SPEC's first name fallback. */
		CHECK_STR(json_object_get_string(member(lk, "name")),
		    "Ada Lovelace");
		CHECK(json_object_get_int64(member(lk, "exp")) == NOW + 3600);
		video = member(lk, "video");
		CHECK_STR(json_object_get_string(member(video, "room")),
		    "audition-room");
		CHECK(json_object_get_boolean(member(video,
		    "canUpdateOwnMetadata")));
		json_object_put(lk);
	}
	json_object_put(o);

	/* supabase-js's body from the existing frontend: roomName + asks. */
	post_as("contestant", "{\"roomName\":\"main_show\",\"canPublish\":true,"
	    "\"canSubscribe\":true}");
	CHECK(resp.status == 200);
	CHECK(out.role == ROLE_CONTESTANT && out.room == ROOM_MAIN_SHOW);
	o = NULL;
	if (resp.body != NULL &&
	    jsonc_parse(resp.body, resp.body_len, &o) == 0) {
		CHECK_STR(json_object_get_string(member(o, "roomName")),
		    "main-show");
		json_object_put(o);
	} else
		CHECK(0);

	/* userName wins over the token's names. */
	post_as("judge", "{\"roomType\":\"main_show\",\"userName\":\" Judge "
	    "Judy \"}");
	CHECK(resp.status == 200);
	o = NULL;
	if (resp.body != NULL &&
	    jsonc_parse(resp.body, resp.body_len, &o) == 0) {
		tok = json_object_get_string(member(o, "token"));
		d1 = strchr(tok, '.');
		d2 = strrchr(tok, '.');
		if (b64url_decode(pl, sizeof(pl), &pll, d1 + 1,
		    (size_t)(d2 - d1 - 1)) == 0 &&
		    jsonc_parse((const char *)pl, pll, &lk) == 0) {
			CHECK_STR(json_object_get_string(member(lk, "name")),
			    "Judge Judy");
			json_object_put(lk);
		} else
			CHECK(0);
		json_object_put(o);
	} else
		CHECK(0);

	/* Viewers may watch the main show. */
	post_as("viewer", "{\"roomType\":\"main_show\"}");
	CHECK(resp.status == 200);
	post_as(NULL, "{\"roomType\":\"main_show\"}");
	CHECK(resp.status == 200 && out.role == ROLE_VIEWER);
}

/* SPEC: 403 "forbidden" when the role may not join that room. */
static void
test_forbidden(void)
{
	post_as("viewer", "{\"roomType\":\"audition\"}");
	CHECK(resp.status == 403);
	CHECK_STR(error_code(), "forbidden");
	CHECK(out.err == ERR_FORBIDDEN);
	CHECK(out.role == ROLE_VIEWER && out.room == ROOM_AUDITION);
	/* No role: DEFAULT_ROLE viewer; an unknown role: viewer. */
	post_as(NULL, "{\"roomType\":\"audition\"}");
	CHECK(resp.status == 403);
	post_as("producer", "{\"roomType\":\"audition\"}");
	CHECK(resp.status == 403);

	/*
	 * Privilege escalation regression (CWE-269): a user who wrote
	 * user_metadata.role = "host" for themself is still a viewer.
	 */
	{
		char	*t = user_token(&supabase_key, "{\"aud\":"
		    "\"authenticated\",\"exp\":%ld,\"sub\":\"" UID "\","
		    "\"role\":\"authenticated\",\"user_metadata\":"
		    "{\"role\":\"host\"}}", NOW + 3600);

		post(t, "{\"roomType\":\"audition\"}");
		handle();
		CHECK(resp.status == 403 && out.role == ROLE_VIEWER);
		free(t);
	}
}

static void
test_preflight_and_methods(void)
{
	/* OPTIONS: 204, CORS preflight headers, no body. */
	simple(METHOD_OPTIONS, "OPTIONS", ROUTE_TOKEN, TOKEN_PATH);
	req.origin = "https://app.example";
	handle();
	CHECK(resp.status == 204);
	CHECK(resp.preflight);
	CHECK(resp.body == NULL);
	CHECK_STR(resp.cors_origin, "*");
	CHECK(out.err == ERR_OK);

	/* Anything else on the token path: 405 with Allow: POST, OPTIONS. */
	simple(METHOD_GET, "GET", ROUTE_TOKEN, TOKEN_PATH);
	handle();
	CHECK(resp.status == 405);
	CHECK_STR(resp.allow, "POST, OPTIONS");
	CHECK_STR(error_code(), "method_not_allowed");
	CHECK_STR(resp.cors_origin, "*");
	simple(METHOD_OTHER, "PUT", ROUTE_TOKEN, TOKEN_PATH);
	handle();
	CHECK(resp.status == 405);
	CHECK_STR(resp.allow, "POST, OPTIONS");
	simple(METHOD_HEAD, "HEAD", ROUTE_TOKEN, TOKEN_PATH);
	handle();
	CHECK(resp.status == 405);

	/* Unknown paths: 404 JSON. */
	simple(METHOD_GET, "GET", ROUTE_UNKNOWN, "/functions/v1/other");
	handle();
	CHECK(resp.status == 404);
	CHECK_STR(error_code(), "not_found");
	CHECK(resp.allow == NULL);
	simple(METHOD_POST, "POST", ROUTE_UNKNOWN, "/");
	handle();
	CHECK(resp.status == 404);
}

static void
test_body_errors(void)
{
	char	*t = token_for("judge");
	static char big[REQUEST_BODY_MAX + 2];

	/* 413: over 8 KiB. */
	post(t, NULL);
	req.body_state = BODY_TOO_LARGE;
	req.content_length = 9000;
	handle();
	CHECK(resp.status == 413);
	CHECK_STR(error_code(), "body_too_large");

	/* 415: not application/json (supabase-js always sends it). */
	post(t, "{\"roomType\":\"audition\"}");
	req.content_type = "text/plain;charset=UTF-8";
	handle();
	CHECK(resp.status == 415);
	CHECK_STR(error_code(), "unsupported_media_type");
	post(t, "{\"roomType\":\"audition\"}");
	req.content_type = NULL;
	handle();
	CHECK(resp.status == 415);
	post(t, "{\"roomType\":\"audition\"}");
	req.content_type = "application/json; charset=utf-8";
	handle();
	CHECK(resp.status == 200);

	/* 400s. */
	post(t, "{\"roomType\":");
	handle();
	CHECK(resp.status == 400);
	CHECK_STR(error_code(), "invalid_json");
	post(t, "[\"audition\"]");
	handle();
	CHECK_STR(error_code(), "invalid_json");
	post(t, NULL);		/* no body at all */
	handle();
	CHECK(resp.status == 400);
	CHECK_STR(error_code(), "invalid_json");
	post(t, "{\"roomType\":\"audition\"}");
	req.body_state = BODY_BROKEN;	/* shorter than declared */
	handle();
	CHECK(resp.status == 400);
	post(t, "{}");
	handle();
	CHECK(resp.status == 400);
	CHECK_STR(error_code(), "missing_room_type");
	post(t, "{\"roomType\":\"backstage\"}");
	handle();
	CHECK(resp.status == 400);
	CHECK_STR(error_code(), "invalid_room_type");
	post(t, "{\"roomType\":\"audition\",\"userName\":\"a\\u202eb\"}");
	handle();
	CHECK(resp.status == 400);
	CHECK_STR(error_code(), "invalid_user_name");
	/* Exactly 8 KiB of body is still read and judged. */
	memset(big, ' ', REQUEST_BODY_MAX);
	memcpy(big, "{\"roomType\":\"audition\"}", 23);
	big[REQUEST_BODY_MAX] = '\0';
	post(t, big);
	handle();
	CHECK(resp.status == 200);
	free(t);
}

static void
test_auth_errors(void)
{
	char	*t;
	int	 i;

	/* 401 missing_authorization. */
	post(NULL, "{\"roomType\":\"audition\"}");
	handle();
	CHECK(resp.status == 401);
	CHECK_STR(error_code(), "missing_authorization");
	CHECK_STR(resp.cors_origin, "*");	/* errors keep CORS */
	post(NULL, "{\"roomType\":\"audition\"}");
	req.authorization = "Basic dXNlcjpwYXNz";
	handle();
	CHECK(resp.status == 401);
	CHECK_STR(error_code(), "missing_authorization");

	/* 401 invalid_token, with the reason recorded for the log. */
	post("not-a-jwt", "{\"roomType\":\"audition\"}");
	handle();
	CHECK(resp.status == 401);
	CHECK_STR(error_code(), "invalid_token");
	CHECK(out.token_reason == JWT_ERR_MALFORMED);
	CHECK(out.user[0] == '\0');

	t = user_token(&wrong_key, "{\"aud\":\"authenticated\",\"exp\":%ld,"
	    "\"sub\":\"" UID "\",\"role\":\"authenticated\"}", NOW + 3600);
	post(t, "{\"roomType\":\"audition\"}");
	handle();
	CHECK(resp.status == 401);
	CHECK_STR(error_code(), "invalid_token");
	CHECK(out.token_reason == JWT_ERR_SIGNATURE);
	free(t);

	/* The project's anon key is a signed JWT, not a user. */
	t = user_token(&supabase_key, "{\"iss\":\"supabase\",\"ref\":"
	    "\"abcdefghijklmnop\",\"role\":\"anon\",\"iat\":%ld,\"exp\":%ld}",
	    NOW - 100, NOW + 315360000);
	post(t, "{\"roomType\":\"main_show\"}");
	handle();
	CHECK(resp.status == 401);
	CHECK_STR(error_code(), "invalid_token");
	CHECK(out.token_reason == JWT_ERR_NOT_USER);
	free(t);

	/* 401 token_expired, beyond the leeway only. */
	t = user_token(&supabase_key, "{\"aud\":\"authenticated\",\"exp\":%ld,"
	    "\"sub\":\"" UID "\",\"role\":\"authenticated\"}", NOW - 31);
	post(t, "{\"roomType\":\"main_show\"}");
	handle();
	CHECK(resp.status == 401);
	CHECK_STR(error_code(), "token_expired");
	CHECK(out.token_reason == JWT_ERR_EXPIRED);
	free(t);
	t = user_token(&supabase_key, "{\"aud\":\"authenticated\",\"exp\":%ld,"
	    "\"sub\":\"" UID "\",\"role\":\"authenticated\"}", NOW - 29);
	post(t, "{\"roomType\":\"main_show\"}");
	handle();
	CHECK(resp.status == 200);
	free(t);

	/* An oversize bearer token. */
	t = malloc(JWT_MAX_LEN + 2);
	memset(t, 'a', JWT_MAX_LEN + 1);
	t[JWT_MAX_LEN + 1] = '\0';
	post(t, "{\"roomType\":\"main_show\"}");
	handle();
	CHECK(resp.status == 401);
	CHECK(out.token_reason == JWT_ERR_TOO_LARGE);
	free(t);

	/* Auth comes before the body: a bad body with no token is a 401. */
	post(NULL, "not json");
	handle();
	CHECK(resp.status == 401);

	/* The answer never echoes the token. */
	for (i = 0; i < 2; i++) {
		t = user_token(i ? &supabase_key : &wrong_key, "{\"aud\":"
		    "\"authenticated\",\"exp\":%ld,\"sub\":\"" UID "\","
		    "\"role\":\"authenticated\"}", i ? NOW - 100 : NOW + 60);
		post(t, "{\"roomType\":\"main_show\"}");
		handle();
		CHECK(resp.status == 401);
		CHECK(resp.body != NULL && strstr(resp.body, "eyJ") == NULL);
		free(t);
	}
}

/* post() and handle() from the address s. */
static void
post_from(const char *s, const char *bearer_token, const char *body)
{
	post(bearer_token, body);
	if (address_parse(s, &req.remote) == -1)
		abort();
	handle();
}

/*
 * Issue 14, "show night": a per-address guard that counted every request
 * refused a crowd of signed-in viewers behind one address. Now only the
 * failed authentications of an address count (AUTH_FAILURE_*), and an
 * address over its budget is refused before its token is even parsed.
 */
static void
test_failure_guard(void)
{
	static const char	 room[] = "{\"roomType\":\"main_show\"}";
	char			*good, *expired, *forged;
	int			 i, bad = 0;

	service_free(&svc);
	config_reset("*");
	/* 1 a second: no failure is paid off while the test runs. */
	cfg.auth_failure_rps = 1;
	cfg.auth_failure_burst = 5;
	CHECK(start() == 0);
	CHECK(svc.guard == NULL);	/* none until the pool opens it */
	service_open_guard(&svc, NULL);
	CHECK(svc.guard != NULL);
	good = token_for("viewer");
	expired = user_token(&supabase_key, "{\"aud\":\"authenticated\","
	    "\"exp\":%ld,\"sub\":\"" UID "\",\"role\":\"authenticated\"}",
	    NOW - 3600);
	forged = user_token(&wrong_key, "{\"aud\":\"authenticated\","
	    "\"exp\":%ld,\"sub\":\"" UID "\",\"role\":\"authenticated\"}",
	    NOW + 3600);

	/* Exactly the burst of failures is verified, then 429 unverified. */
	for (i = 0; i < 5; i++) {
		post_from("192.0.2.10", i % 2 ? forged : "not-a-jwt", room);
		if (resp.status != 401)
			bad = 1;
	}
	CHECK(!bad);
	post_from("192.0.2.10", forged, room);
	CHECK(resp.status == 429);
	CHECK_STR(error_code(), "rate_limited");
	CHECK(out.err == ERR_RATE_LIMITED);
	CHECK_STR(out.note, "auth_failure_guard");	/* the log's reason */
	CHECK(out.token_reason == JWT_OK);	/* never parsed nor verified */
	CHECK(resp.retry_after == 4);	/* request id ...f: the map's 4 */
	CHECK_STR(resp.cors_origin, "*");
	/* Its valid tokens too: nothing tells them apart unverified. */
	post_from("192.0.2.10", good, room);
	CHECK(resp.status == 429);
	/* A preflight, or no token at all, still gets its own answer. */
	simple(METHOD_OPTIONS, "OPTIONS", ROUTE_TOKEN, TOKEN_PATH);
	(void)address_parse("192.0.2.10", &req.remote);
	handle();
	CHECK(resp.status == 204);
	post_from("192.0.2.10", NULL, room);
	CHECK(resp.status == 401);
	CHECK_STR(error_code(), "missing_authorization");

	/* Another address is not touched, nor another /64. */
	post_from("192.0.2.11", good, room);
	CHECK(resp.status == 200);
	for (i = 0; i < 5; i++)
		post_from("2001:db8:0:1::1", expired, room);
	post_from("2001:db8:0:1:ffff::2", good, room);
	CHECK(resp.status == 429);	/* token_expired counted, per /64 */
	post_from("2001:db8:0:2::1", good, room);
	CHECK(resp.status == 200);

	/*
	 * What does not count: no token (signed-out visitors), a valid token
	 * refused for another reason (403), a request with no address.
	 */
	bad = 0;
	for (i = 0; i < 20; i++) {
		post_from("192.0.2.12", NULL, room);
		post_from("192.0.2.12", good, "{\"roomType\":\"audition\"}");
		if (resp.status != 403)
			bad = 1;
		post(forged, room);	/* REMOTE_ADDR absent */
		handle();
		if (resp.status != 401)
			bad = 1;
	}
	CHECK(!bad);
	post_from("192.0.2.12", good, room);
	CHECK(resp.status == 200);

	free(good);
	free(expired);
	free(forged);
	service_free(&svc);
	config_reset("*");
	CHECK(start() == 0);
}

/* With issuer and anonymous rules from the configuration. */
static void
test_config_rules(void)
{
	static char	 issuer[] = "https://abcdefghijklmnop.supabase.co/auth/v1";
	char		*t;

	service_free(&svc);
	config_reset("*");
	cfg.supabase_issuer = issuer;
	if (start() == -1) {
		CHECK(0);
		return;
	}
	post_as("judge", "{\"roomType\":\"audition\"}");	/* no iss */
	CHECK(resp.status == 401);
	CHECK(out.token_reason == JWT_ERR_ISSUER);
	t = user_token(&supabase_key, "{\"aud\":\"authenticated\",\"exp\":%ld,"
	    "\"iss\":\"%s\",\"sub\":\"" UID "\",\"role\":\"authenticated\","
	    "\"is_anonymous\":true}", NOW + 60, issuer);
	post(t, "{\"roomType\":\"main_show\"}");
	handle();
	CHECK(resp.status == 401);
	CHECK(out.token_reason == JWT_ERR_ANONYMOUS);
	service_free(&svc);
	cfg.allow_anonymous = true;
	if (start() == -1) {
		CHECK(0);
		free(t);
		return;
	}
	handle();
	CHECK(resp.status == 200);
	free(t);
	service_free(&svc);
	config_reset("*");
	CHECK(start() == 0);
}

static void
test_cors_list(void)
{
	service_free(&svc);
	config_reset("https://app.example, https://admin.example:8443");
	if (start() == -1) {
		CHECK(0);
		return;
	}
	post_as("judge", "{\"roomType\":\"audition\"}");
	CHECK(resp.status == 200);
	CHECK_STR(resp.cors_origin, "https://app.example");
	CHECK(resp.vary_origin);

	/* Errors carry CORS too: a browser cannot read them otherwise. */
	post(NULL, "{\"roomType\":\"audition\"}");
	handle();
	CHECK(resp.status == 401);
	CHECK_STR(resp.cors_origin, "https://app.example");
	CHECK(resp.vary_origin);

	/* Another origin: no Allow-Origin, still Vary. */
	post(NULL, "{\"roomType\":\"audition\"}");
	req.origin = "https://evil.example";
	handle();
	CHECK(resp.cors_origin == NULL);
	CHECK(resp.vary_origin);
	simple(METHOD_OPTIONS, "OPTIONS", ROUTE_TOKEN, TOKEN_PATH);
	req.origin = "https://admin.example:8443";
	handle();
	CHECK(resp.status == 204);
	CHECK_STR(resp.cors_origin, "https://admin.example:8443");
	simple(METHOD_OPTIONS, "OPTIONS", ROUTE_TOKEN, TOKEN_PATH);
	handle();			/* no Origin */
	CHECK(resp.cors_origin == NULL);

	service_free(&svc);
	config_reset("*");
	CHECK(start() == 0);
}

static void
test_health(void)
{
	struct json_object	*o, *v;

	simple(METHOD_GET, "GET", ROUTE_HEALTHZ, "/healthz");
	handle();
	CHECK(resp.status == 200);
	o = NULL;
	CHECK(resp.body != NULL &&
	    jsonc_parse(resp.body, resp.body_len, &o) == 0);
	CHECK(json_object_object_get_ex(o, "status", &v) &&
	    strcmp(json_object_get_string(v), "ok") == 0);
	json_object_put(o);
	simple(METHOD_HEAD, "HEAD", ROUTE_HEALTHZ, "/healthz");
	handle();
	CHECK(resp.status == 200 && resp.body == NULL);
	simple(METHOD_POST, "POST", ROUTE_HEALTHZ, "/healthz");
	handle();
	CHECK(resp.status == 405);
	CHECK(resp.allow != NULL && strstr(resp.allow, "GET") != NULL);

	/* /metrics answers Prometheus text (nginx limits it to loopback). */
	simple(METHOD_GET, "GET", ROUTE_METRICS, "/metrics");
	handle();
	CHECK(resp.status == 200 && resp.body != NULL);
	/* Prometheus text exposition format 0.0.4. */
	CHECK(resp.content_type != NULL &&
	    strncmp(resp.content_type, "text/plain", 10) == 0);
	simple(METHOD_POST, "POST", ROUTE_METRICS, "/metrics");
	handle();
	CHECK(resp.status == 405);
}

/*
 * Issue 10: /healthz answered 200 while no key could verify anything (no
 * HS256 secret, a JWKS without a usable key). Now 503 with the reason.
 */
static void
test_health_without_keys(void)
{
	static char		 path[] = "/tmp/test_service.jwks.XXXXXX";
	static const char	 jwks[] = "{\"keys\":[{\"kty\":\"oct\","
	    "\"kid\":\"k\",\"k\":\"c2VjcmV0\"}]}";
	struct json_object	*o = NULL, *v;
	int			 fd;

	CHECK((fd = mkstemp(path)) != -1);
	CHECK(write(fd, jwks, sizeof(jwks) - 1) == (ssize_t)sizeof(jwks) - 1);
	close(fd);
	service_free(&svc);
	config_reset("*");
	cfg.supabase_jwt_secret.bytes = NULL;
	cfg.supabase_jwt_secret.len = 0;
	cfg.jwks_file = path;
	CHECK(start() == 0);
	simple(METHOD_GET, "GET", ROUTE_HEALTHZ, "/healthz");
	handle();
	CHECK(resp.status == 503);
	CHECK(resp.body != NULL &&
	    jsonc_parse(resp.body, resp.body_len, &o) == 0);
	CHECK(json_object_object_get_ex(o, "reason", &v) &&
	    strstr(json_object_get_string(v), "no key") != NULL);
	json_object_put(o);
	service_free(&svc);
	unlink(path);
	config_reset("*");
	CHECK(start() == 0);
}

/* A missing LiveKit setting: the service runs, but issues nothing. */
static void
test_incomplete(void)
{
	struct json_object	*o;

	service_free(&svc);
	config_reset("*");
	cfg.livekit_api_secret.bytes = NULL;
	cfg.livekit_api_secret.len = 0;
	cfg.incomplete = "LIVEKIT_API_SECRET";
	if (start() == -1) {
		CHECK(0);
		return;
	}
	post_as("judge", "{\"roomType\":\"audition\"}");
	CHECK(resp.status == 500);
	CHECK_STR(error_code(), "server_misconfigured");
	/* The client is not told which setting (SPEC: the log names it). */
	CHECK(resp.body != NULL &&
	    strstr(resp.body, "LIVEKIT_API_SECRET") == NULL);
	CHECK_STR(resp.cors_origin, "*");

	simple(METHOD_GET, "GET", ROUTE_HEALTHZ, "/healthz");
	handle();
	CHECK(resp.status == 503);
	o = NULL;
	CHECK(resp.body != NULL &&
	    jsonc_parse(resp.body, resp.body_len, &o) == 0);
	json_object_put(o);

	/* Preflight still works, so the browser can read the 500. */
	simple(METHOD_OPTIONS, "OPTIONS", ROUTE_TOKEN, TOKEN_PATH);
	handle();
	CHECK(resp.status == 204);

	service_free(&svc);
	config_reset("*");
	CHECK(start() == 0);
}

static void
test_init(void)
{
	struct service	 s;
	char		 err[256] = "";
	static char	 missing[] = "/nonexistent/room-policy.conf";

	config_reset("*");
	cfg.policy_file = missing;
	CHECK(service_init(&s, &cfg, err, sizeof(err)) == -1);
	CHECK(strstr(err, "ROOM_POLICY_FILE") != NULL);
	service_free(&s);
	config_reset("*");
}

int
main(void)
{
	static const char	 wrong[] = "not-the-supabase-secret-at-all-!!";

	if (sodium_init() < 0)
		return 1;
	if (hs256_key_init(&supabase_key, supabase_secret,
	    sizeof(supabase_secret) - 1) == -1 ||
	    hs256_key_init(&livekit_key, livekit_secret,
	    sizeof(livekit_secret) - 1) == -1 ||
	    hs256_key_init(&wrong_key, (const unsigned char *)wrong,
	    strlen(wrong)) == -1)
		return 1;
	response_init(&resp);
	test_init();
	config_reset("*");
	if (start() == -1)
		return 1;
	test_ok();
	test_forbidden();
	test_preflight_and_methods();
	test_body_errors();
	test_auth_errors();
	test_failure_guard();
	test_config_rules();
	test_cors_list();
	test_health();
	test_health_without_keys();
	test_incomplete();
	response_free(&resp);
	service_free(&svc);
	hs256_key_free(&supabase_key);
	hs256_key_free(&livekit_key);
	hs256_key_free(&wrong_key);
	return CHECK_DONE();
}
