/*
 * response: the SPEC's "Errors" table (status and code for each error),
 * and the CGI header block (RFC 3875 6.3) every answer carries.
 */
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "check.h"
#include "error.h"
#include "jsonc.h"
#include "request/cors.h"
#include "jsonwrite.h"
#include "response/response.h"

/* What response_write produced. */
struct capture {
	char	 buf[8192];
	size_t	 len;
	int	 calls;
	int	 fail_at;	/* make call number fail_at fail; 0: never */
};

static int
put_fn(void *ctx, const char *buf, size_t len)
{
	struct capture	*c = ctx;

	c->calls++;
	if (c->fail_at != 0 && c->calls == c->fail_at)
		return -1;
	if (len > sizeof(c->buf) - 1 - c->len)
		return -1;
	memcpy(c->buf + c->len, buf, len);
	c->len += len;
	c->buf[c->len] = '\0';
	return 0;
}

static void
write_out(const struct response *r, struct capture *c)
{
	memset(c, 0, sizeof(*c));
	CHECK(response_write(r, put_fn, c) == 0);
}

/* The header block (up to the blank line) contains line "name: value". */
static int
has_header(const struct capture *c, const char *line)
{
	const char	*end = strstr(c->buf, "\r\n\r\n");
	char		 want[512];
	const char	*p;

	if (end == NULL)
		return 0;
	snprintf(want, sizeof(want), "%s\r\n", line);
	/* At the start or after a line break, and before the blank line. */
	for (p = c->buf; (p = strstr(p, want)) != NULL; p++)
		if ((p == c->buf || p[-1] == '\n') && p < end + 2)
			return 1;
	return 0;
}

/* The header block has a line starting with name ": ". */
static int
has_name(const struct capture *c, const char *name)
{
	const char	*end = strstr(c->buf, "\r\n\r\n");
	char		 want[128];
	const char	*p;

	if (end == NULL)
		return 0;
	snprintf(want, sizeof(want), "%s: ", name);
	for (p = c->buf; (p = strstr(p, want)) != NULL; p++)
		if ((p == c->buf || p[-1] == '\n') && p < end)
			return 1;
	return 0;
}

static const char *
body_of(const struct capture *c)
{
	const char	*end = strstr(c->buf, "\r\n\r\n");

	return end != NULL ? end + 4 : "(no header end)";
}

static void
test_errors(void)
{
	/* SPEC "Errors": status and code for every error we answer. */
	static const struct {
		enum err	 e;
		int		 status;
		const char	*code;
	} spec[] = {
		{ ERR_INVALID_JSON, 400, "invalid_json" },
		{ ERR_MISSING_ROOM_TYPE, 400, "missing_room_type" },
		{ ERR_INVALID_ROOM_TYPE, 400, "invalid_room_type" },
		{ ERR_INVALID_USER_NAME, 400, "invalid_user_name" },
		{ ERR_MISSING_ROOM_NAME, 400, "missing_room_name" },
		{ ERR_INVALID_ROOM_NAME, 400, "invalid_room_name" },
		{ ERR_INVALID_PARTICIPANT_NAME, 400, "invalid_participant_name" },
		{ ERR_IDENTITY_NOT_ALLOWED, 400,
		    "participant_identity_not_allowed" },
		{ ERR_METADATA_NOT_ALLOWED, 400,
		    "participant_metadata_not_allowed" },
		{ ERR_ATTRIBUTES_NOT_ALLOWED, 400,
		    "participant_attributes_not_allowed" },
		{ ERR_ROOM_CONFIG_NOT_ALLOWED, 400, "room_config_not_allowed" },
		{ ERR_MIXED_REQUEST, 400, "mixed_request_fields" },
		{ ERR_MISSING_AUTHORIZATION, 401, "missing_authorization" },
		{ ERR_INVALID_TOKEN, 401, "invalid_token" },
		{ ERR_TOKEN_EXPIRED, 401, "token_expired" },
		{ ERR_TOKEN_REVOKED, 401, "token_revoked" },
		{ ERR_API_KEY_NOT_USER, 401, "invalid_token" },
		{ ERR_FORBIDDEN, 403, "forbidden" },
		{ ERR_NOT_FOUND, 404, "not_found" },
		{ ERR_METHOD_NOT_ALLOWED, 405, "method_not_allowed" },
		{ ERR_BODY_TOO_LARGE, 413, "body_too_large" },
		{ ERR_UNSUPPORTED_MEDIA_TYPE, 415, "unsupported_media_type" },
		{ ERR_RATE_LIMITED, 429, "rate_limited" },
		{ ERR_SERVER_MISCONFIGURED, 500, "server_misconfigured" },
		{ ERR_INTERNAL, 500, "internal_error" },
	};
	struct response		 r;
	struct json_object	*o, *v;
	size_t			 i;
	int			 covered = 0;

	for (i = 0; i < sizeof(spec) / sizeof(spec[0]); i++) {
		response_init(&r);
		response_error(&r, spec[i].e);
		CHECK(r.status == spec[i].status);
		CHECK(r.err == spec[i].e);
		CHECK(err_info(spec[i].e)->status == spec[i].status);
		CHECK_STR(err_info(spec[i].e)->code, spec[i].code);
		/* {"error":"<code>","message":"<text>"}, nothing else. */
		CHECK(r.body != NULL && r.body_len == strlen(r.body));
		o = NULL;
		CHECK(r.body != NULL &&
		    jsonc_parse(r.body, r.body_len, &o) == 0);
		CHECK(o != NULL && json_object_object_length(o) == 2);
		CHECK(json_object_object_get_ex(o, "error", &v) &&
		    json_object_is_type(v, json_type_string) &&
		    strcmp(json_object_get_string(v), spec[i].code) == 0);
		CHECK(json_object_object_get_ex(o, "message", &v) &&
		    json_object_is_type(v, json_type_string) &&
		    json_object_get_string_len(v) > 10);
		json_object_put(o);
		response_free(&r);
		covered++;
	}
	/* Every value of the enum is in the table above. */
	CHECK(covered == ERR__MAX - 1);

	/* Out of range: internal_error, not a read past the table. */
	CHECK(err_info(ERR__MAX)->status == 500);
	CHECK_STR(err_info(ERR__MAX)->code, "internal_error");
	CHECK_STR(err_info((enum err)-1)->code, "internal_error");

	/* A fresh response is an empty 500, never an accidental 200. */
	response_init(&r);
	CHECK(r.status == 500 && r.err == ERR_INTERNAL && r.body == NULL);
	response_free(&r);
}

static void
test_write_ok(void)
{
	struct response		 r;
	struct capture		 c;
	struct jw		 w;
	char			 buf[64];

	response_init(&r);
	jw_init(&w, buf, sizeof(buf));
	jw_open(&w);
	jw_str(&w, "token", "eyJ/x");
	jw_close(&w);
	CHECK(response_json(&r, 200, &w) == 0);
	CHECK(r.status == 200);
	/* A JSON answer is not an error, even after response_init's 500. */
	CHECK(r.err == ERR_OK);
	/* No escaping of '/': the token is copied verbatim. */
	CHECK_STR(r.body, "{\"token\":\"eyJ/x\"}");
	r.cors_origin = "*";
	write_out(&r, &c);
	/* The Status line first (RFC 3875 6.3.3), then the headers. */
	CHECK(strncmp(c.buf, "Status: 200 OK\r\n", 16) == 0);
	CHECK(has_header(&c, "Content-Type: application/json; charset=utf-8"));
	CHECK(has_header(&c, "Cache-Control: no-store"));
	CHECK(has_header(&c, "Access-Control-Allow-Origin: *"));
	CHECK(!has_name(&c, "Vary"));
	CHECK(!has_name(&c, "Access-Control-Allow-Methods"));
	CHECK(!has_name(&c, "Allow"));
	CHECK(!has_name(&c, "WWW-Authenticate"));
	CHECK_STR(body_of(&c), "{\"token\":\"eyJ/x\"}");
	/* No stray bare LF: every header line ends in CRLF. */
	{
		const char	*p;
		int		 bare = 0;

		for (p = c.buf; *p != '\0' && p < body_of(&c); p++)
			if (*p == '\n' && (p == c.buf || p[-1] != '\r'))
				bare = 1;
		CHECK(!bare);
	}
	response_free(&r);
	CHECK(r.body == NULL);
}

static void
test_write_cors(void)
{
	struct response	 r;
	struct capture	 c;

	/* An allow-list: the matching origin echoed, with Vary: Origin. */
	response_init(&r);
	response_error(&r, ERR_FORBIDDEN);
	r.cors_origin = "https://app.example";
	r.vary_origin = true;
	write_out(&r, &c);
	CHECK(strncmp(c.buf, "Status: 403 ", 12) == 0);
	CHECK(has_header(&c, "Access-Control-Allow-Origin: https://app.example"));
	CHECK(has_header(&c, "Vary: Origin"));
	CHECK(has_header(&c, "Cache-Control: no-store"));
	response_free(&r);

	/* A non-matching origin: no Allow-Origin, still Vary. */
	response_init(&r);
	response_error(&r, ERR_FORBIDDEN);
	r.cors_origin = NULL;
	r.vary_origin = true;
	write_out(&r, &c);
	CHECK(!has_name(&c, "Access-Control-Allow-Origin"));
	CHECK(has_header(&c, "Vary: Origin"));
	response_free(&r);
}

static void
test_write_preflight(void)
{
	struct response	 r;
	struct capture	 c;

	response_init(&r);
	response_empty(&r, 204);
	r.preflight = true;
	r.cors_origin = "*";
	CHECK(r.status == 204 && r.err == ERR_OK && r.body == NULL);
	write_out(&r, &c);
	CHECK(strncmp(c.buf, "Status: 204 No Content\r\n", 24) == 0);
	CHECK(has_header(&c, "Access-Control-Allow-Origin: *"));
	CHECK(has_header(&c, "Access-Control-Allow-Methods: POST, OPTIONS"));
	CHECK(has_header(&c, "Access-Control-Allow-Headers: authorization, "
	    "x-client-info, apikey, content-type, x-region"));
	CHECK(has_name(&c, "Access-Control-Max-Age"));
	CHECK(has_header(&c, "Cache-Control: no-store"));
	/* 204: no body and so no Content-Type (RFC 9110 15.3.5). */
	CHECK(!has_name(&c, "Content-Type"));
	CHECK_STR(body_of(&c), "");
	response_free(&r);
}

static void
test_write_405_401(void)
{
	struct response	 r;
	struct capture	 c;

	response_init(&r);
	response_error(&r, ERR_METHOD_NOT_ALLOWED);
	r.allow = "POST, OPTIONS";
	write_out(&r, &c);
	CHECK(strncmp(c.buf, "Status: 405 ", 12) == 0);
	/* RFC 9110 15.5.6: a 405 lists the allowed methods. */
	CHECK(has_header(&c, "Allow: POST, OPTIONS"));
	CHECK(strstr(body_of(&c), "\"method_not_allowed\"") != NULL);
	response_free(&r);

	/* RFC 6750 3: a 401 says which scheme, and the SPEC's error. */
	{
		static const enum err	 e401[] = { ERR_MISSING_AUTHORIZATION,
		    ERR_INVALID_TOKEN, ERR_TOKEN_EXPIRED };
		size_t			 i;
		const char		*p;

		for (i = 0; i < 3; i++) {
			response_init(&r);
			response_error(&r, e401[i]);
			write_out(&r, &c);
			CHECK(strncmp(c.buf, "Status: 401 ", 12) == 0);
			p = strstr(c.buf, "\r\nWWW-Authenticate: Bearer");
			CHECK(p != NULL && p < body_of(&c));
			CHECK(p != NULL &&
			    strstr(p, "error=\"invalid_token\"") != NULL);
			CHECK(has_header(&c, "Cache-Control: no-store"));
			response_free(&r);
		}
	}
	/* Other errors carry no WWW-Authenticate. */
	response_init(&r);
	response_error(&r, ERR_FORBIDDEN);
	write_out(&r, &c);
	CHECK(!has_name(&c, "WWW-Authenticate"));
	response_free(&r);
}

static void
test_write_failures(void)
{
	struct response	 r;
	struct capture	 c;

	response_init(&r);
	response_error(&r, ERR_FORBIDDEN);
	memset(&c, 0, sizeof(c));
	c.fail_at = 1;
	CHECK(response_write(&r, put_fn, &c) == -1);
	memset(&c, 0, sizeof(c));
	c.fail_at = 2;
	CHECK(response_write(&r, put_fn, &c) == -1);
	/* A header value too long for the block fails, never truncates. */
	{
		char	*big = malloc(2000);

		memset(big, 'a', 1999);
		big[1999] = '\0';
		r.cors_origin = big;
		memset(&c, 0, sizeof(c));
		CHECK(response_write(&r, put_fn, &c) == -1);
		CHECK(c.len == 0);
		r.cors_origin = NULL;
		free(big);
	}
	response_free(&r);
}

/*
 * Issue 14: the workers answer 429 too (the failed-authentication
 * guard), as nginx does: the SPEC's JSON with CORS, and a Retry-After of
 * 1 to 4 s drawn from the request id by the site's own map.
 */
static void
test_write_429(void)
{
	struct response	 r;
	struct capture	 c;

	CHECK(response_retry_after("5f0c2a1e0000000000000000000000a0") == 1);
	CHECK(response_retry_after("5f0c2a1e000000000000000000000003") == 1);
	CHECK(response_retry_after("5f0c2a1e000000000000000000000004") == 2);
	CHECK(response_retry_after("5f0c2a1e000000000000000000000007") == 2);
	CHECK(response_retry_after("5f0c2a1e000000000000000000000008") == 3);
	CHECK(response_retry_after("5f0c2a1e00000000000000000000000b") == 3);
	CHECK(response_retry_after("5f0c2a1e00000000000000000000000c") == 4);
	CHECK(response_retry_after("5f0c2a1e00000000000000000000000f") == 4);
	CHECK(response_retry_after(NULL) == 4);
	CHECK(response_retry_after("") == 4);

	response_init(&r);
	response_error(&r, ERR_RATE_LIMITED);
	r.retry_after = 3;
	r.cors_origin = "*";
	write_out(&r, &c);
	CHECK(strncmp(c.buf, "Status: 429 Too Many Requests\r\n", 31) == 0);
	CHECK(has_header(&c, "Retry-After: 3"));
	CHECK(has_header(&c, "Access-Control-Allow-Origin: *"));
	/* X-Request-Id (nginx adds it): what the docs ask a user for. */
	CHECK(has_header(&c, "Access-Control-Expose-Headers: "
	    "WWW-Authenticate, Retry-After, X-Request-Id"));
	CHECK(has_header(&c, "Cache-Control: no-store"));
	CHECK(!has_name(&c, "WWW-Authenticate"));
	CHECK(strstr(body_of(&c), "\"error\":\"rate_limited\"") != NULL);
	response_free(&r);

	/* No other answer carries one. */
	response_init(&r);
	response_error(&r, ERR_INVALID_TOKEN);
	write_out(&r, &c);
	CHECK(!has_name(&c, "Retry-After"));
	response_free(&r);
}

int
main(void)
{
	test_errors();
	test_write_ok();
	test_write_cors();
	test_write_preflight();
	test_write_405_401();
	test_write_failures();
	test_write_429();
	return CHECK_DONE();
}
