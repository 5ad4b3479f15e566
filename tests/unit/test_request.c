/*
 * request: FastCGI parameters (RFC 3875 meta-variables as nginx's
 * fastcgi_params names them) and the body, read within REQUEST_BODY_MAX.
 */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "request/request.h"

/* A fake FastCGI environment: NULL-terminated name, value pairs. */
struct params {
	const char	*const *kv;
	int		 lookups;
};

static const char *
param_fn(void *ctx, const char *name)
{
	struct params	*p = ctx;
	size_t		 i;

	p->lookups++;
	for (i = 0; p->kv[i] != NULL; i += 2)
		if (strcmp(p->kv[i], name) == 0)
			return p->kv[i + 1];
	return NULL;
}

static struct request	 req;	/* 8 KiB: not on the stack */

static void
parse(const char *const *kv)
{
	struct params	 p = { kv, 0 };

	memset(&req, 0x5a, sizeof(req));
	request_parse(&req, param_fn, &p);
}

static enum method
method_of(const char *m)
{
	const char *const kv[] = { "REQUEST_METHOD", m, NULL };

	parse(kv);
	return req.method;
}

static enum route
route_of(const char *path)
{
	const char *const kv[] = { "DOCUMENT_URI", path, NULL };

	parse(kv);
	return req.route;
}

static void
test_parse(void)
{
	const char *const full[] = {
		"REQUEST_METHOD", "POST",
		"DOCUMENT_URI", "/functions/v1/livekit-token",
		"HTTP_ORIGIN", "https://app.example",
		"HTTP_AUTHORIZATION", "Bearer abc",
		"CONTENT_TYPE", "application/json",
		"CONTENT_LENGTH", "27",
		"REQUEST_ID", "f00dfeed",
		"REMOTE_ADDR", "2001:db8::7",
		"HTTP_APIKEY", "anon-key",
		"HTTP_X_CLIENT_INFO", "supabase-js/2",
		NULL
	};
	const char *const none[] = { NULL };

	parse(full);
	CHECK(req.method == METHOD_POST);
	CHECK_STR(req.method_name, "POST");
	CHECK(req.route == ROUTE_TOKEN);
	CHECK_STR(req.path, "/functions/v1/livekit-token");
	CHECK_STR(req.origin, "https://app.example");
	CHECK_STR(req.authorization, "Bearer abc");
	CHECK_STR(req.content_type, "application/json");
	CHECK_STR(req.request_id, "f00dfeed");
	/* Issue 14: the address the failure guard counts, parsed once. */
	CHECK(req.remote.family == ADDRESS_IPV6 && req.remote.bytes[0] == 0x20 &&
	    req.remote.bytes[15] == 7);
	CHECK(req.content_length == 27);
	CHECK(req.body_state == BODY_NONE && req.body_len == 0);
	CHECK(req.body[0] == '\0');

	/* Nothing at all: every field reset, nothing left from before. */
	parse(none);
	CHECK(req.method == METHOD_OTHER && req.method_name == NULL);
	CHECK(req.route == ROUTE_UNKNOWN && req.path == NULL);
	CHECK(req.origin == NULL && req.authorization == NULL);
	CHECK(req.content_type == NULL && req.request_id == NULL);
	CHECK(req.remote.family == ADDRESS_NONE);
	CHECK(req.content_length == -1 && req.body_state == BODY_NONE);
	CHECK(req.body_len == 0);

	/* Empty values are absent values. */
	{
		const char *const empty[] = { "HTTP_AUTHORIZATION", "",
		    "HTTP_ORIGIN", "", "CONTENT_LENGTH", "", NULL };
		const char *const sock[] = { "REMOTE_ADDR", "unix:", NULL };

		parse(empty);
		CHECK(req.authorization == NULL && req.origin == NULL);
		CHECK(req.content_length == -1 && req.body_state == BODY_NONE);
		/* nginx on a socket of its own: no address, no guard. */
		parse(sock);
		CHECK(req.remote.family == ADDRESS_NONE);
	}
}

static void
test_methods(void)
{
	/* RFC 9110 9.1: method names are case-sensitive. */
	CHECK(method_of("GET") == METHOD_GET);
	CHECK(method_of("HEAD") == METHOD_HEAD);
	CHECK(method_of("POST") == METHOD_POST);
	CHECK(method_of("OPTIONS") == METHOD_OPTIONS);
	CHECK(method_of("PUT") == METHOD_OTHER);
	CHECK_STR(req.method_name, "PUT");
	CHECK(method_of("DELETE") == METHOD_OTHER);
	CHECK(method_of("post") == METHOD_OTHER);
	CHECK(method_of("POSTX") == METHOD_OTHER);
	CHECK(method_of("POS") == METHOD_OTHER);
	CHECK(method_of("") == METHOD_OTHER);

	/*
	 * nginx passes a method of any length: a long one is named by a
	 * marker, so the request's log line always fits (log.h).
	 */
	{
		static char	 m[2101];

		memset(m, 'A', REQUEST_METHOD_LOG_MAX);
		m[REQUEST_METHOD_LOG_MAX] = '\0';
		CHECK(method_of(m) == METHOD_OTHER);
		CHECK_STR(req.method_name, m);
		memset(m, 'A', sizeof(m) - 1);
		m[sizeof(m) - 1] = '\0';
		CHECK(method_of(m) == METHOD_OTHER);
		CHECK_STR(req.method_name, REQUEST_METHOD_TOO_LONG);
	}
}

static void
test_routes(void)
{
	CHECK(route_of("/functions/v1/livekit-token") == ROUTE_TOKEN);
	CHECK(route_of("/healthz") == ROUTE_HEALTHZ);
	CHECK(route_of("/metrics") == ROUTE_METRICS);
	/* Exact paths only. */
	CHECK(route_of("/functions/v1/livekit-token/") == ROUTE_UNKNOWN);
	CHECK(route_of("/functions/v1/livekit-tokenx") == ROUTE_UNKNOWN);
	CHECK(route_of("/functions/v1/Livekit-token") == ROUTE_UNKNOWN);
	CHECK(route_of("/functions/v1/livekit") == ROUTE_UNKNOWN);
	CHECK(route_of("/healthz/") == ROUTE_UNKNOWN);
	CHECK(route_of("/metricsx") == ROUTE_UNKNOWN);
	CHECK(route_of("/") == ROUTE_UNKNOWN);
	CHECK(route_of("") == ROUTE_UNKNOWN);
}

static long
length_of(const char *v, enum body_state *st)
{
	const char *const kv[] = { "CONTENT_LENGTH", v, NULL };

	parse(kv);
	*st = req.body_state;
	return req.content_length;
}

static void
test_content_length(void)
{
	enum body_state	 st;

	CHECK(length_of("0", &st) == 0 && st == BODY_NONE);
	CHECK(length_of("42", &st) == 42 && st == BODY_NONE);
	CHECK(length_of("8192", &st) == 8192 && st == BODY_NONE);
	/* A length over the limit is parsed; reading refuses it. */
	CHECK(length_of("1000000", &st) == 1000000 && st == BODY_NONE);
	/* Not a decimal number (RFC 9110 8.6: 1*DIGIT). */
	length_of("abc", &st);
	CHECK(st == BODY_BROKEN);
	length_of("-1", &st);
	CHECK(st == BODY_BROKEN);
	length_of("+5", &st);
	CHECK(st == BODY_BROKEN);
	length_of(" 5", &st);
	CHECK(st == BODY_BROKEN);
	length_of("5 ", &st);
	CHECK(st == BODY_BROKEN);
	length_of("5abc", &st);
	CHECK(st == BODY_BROKEN);
	length_of("0x10", &st);
	CHECK(st == BODY_BROKEN);
	length_of("1e3", &st);
	CHECK(st == BODY_BROKEN);
	/* Larger than a long: refused, never wrapped or clamped. */
	length_of("99999999999999999999999999", &st);
	CHECK(st == BODY_BROKEN);
	length_of("9223372036854775808", &st);
	CHECK(st == BODY_BROKEN);
}

/* A fake body reader handing out at most chunk bytes per call. */
struct reader {
	const char	*data;
	size_t		 len, at, chunk;
	int		 calls;
	int		 fail;	/* return -1 once the data is out */
};

static long
read_fn(void *ctx, char *buf, size_t n)
{
	struct reader	*r = ctx;
	size_t		 k = r->len - r->at;

	r->calls++;
	if (k == 0)
		return r->fail ? -1 : 0;
	if (k > n)
		k = n;
	if (r->chunk != 0 && k > r->chunk)
		k = r->chunk;
	memcpy(buf, r->data + r->at, k);
	r->at += k;
	return (long)k;
}

/* Parse a request with CONTENT_LENGTH cl (NULL: none), read data. */
static void
read_body(const char *cl, const char *data, size_t len, size_t chunk,
    struct reader *rd)
{
	const char *const kv[] = { "REQUEST_METHOD", "POST",
	    cl != NULL ? "CONTENT_LENGTH" : "X_NONE", cl, NULL };

	memset(rd, 0, sizeof(*rd));
	rd->data = data;
	rd->len = len;
	rd->chunk = chunk;
	parse(kv);
	request_read_body(&req, read_fn, rd);
}

static void
test_body(void)
{
	static char	 big[REQUEST_BODY_MAX + 100];
	struct reader	 rd;

	memset(big, 'x', sizeof(big));

	/* Exact length, in one read and in small chunks. */
	read_body("5", "hello", 5, 0, &rd);
	CHECK(req.body_state == BODY_READ && req.body_len == 5);
	CHECK_STR(req.body, "hello");
	read_body("11", "hello world", 11, 3, &rd);
	CHECK(req.body_state == BODY_READ && req.body_len == 11);
	CHECK_STR(req.body, "hello world");
	CHECK(rd.calls >= 4);

	/* Never more than declared, even when more is there. */
	read_body("3", "hello", 5, 0, &rd);
	CHECK(req.body_state == BODY_READ && req.body_len == 3);
	CHECK_STR(req.body, "hel");
	CHECK(rd.at == 3);

	/* Shorter than declared: broken, not silently truncated. */
	read_body("10", "hello", 5, 0, &rd);
	CHECK(req.body_state == BODY_BROKEN);
	read_body("10", "hello", 5, 2, &rd);
	CHECK(req.body_state == BODY_BROKEN);
	/* A read error. */
	{
		const char *const kv[] = { "CONTENT_LENGTH", "10", NULL };

		memset(&rd, 0, sizeof(rd));
		rd.data = "hello";
		rd.len = 5;
		rd.fail = 1;
		parse(kv);
		request_read_body(&req, read_fn, &rd);
		CHECK(req.body_state == BODY_BROKEN);
	}

	/* A bad CONTENT_LENGTH: nothing is read. */
	read_body("abc", "hello", 5, 0, &rd);
	CHECK(req.body_state == BODY_BROKEN && rd.calls == 0);

	/* Declared 0 and no body. */
	read_body("0", "", 0, 0, &rd);
	CHECK(req.body_state == BODY_NONE && req.body_len == 0);
	read_body(NULL, "", 0, 0, &rd);
	CHECK(req.body_state == BODY_NONE && req.body_len == 0);
	CHECK(req.content_length == -1);

	/* No declared length: read to the end. */
	read_body(NULL, "{\"a\":1}", 7, 2, &rd);
	CHECK(req.body_state == BODY_READ && req.body_len == 7);
	CHECK_STR(req.body, "{\"a\":1}");

	/* Exactly the limit, declared or not. */
	read_body("8192", big, REQUEST_BODY_MAX, 1000, &rd);
	CHECK(req.body_state == BODY_READ && req.body_len == REQUEST_BODY_MAX);
	CHECK(req.body[REQUEST_BODY_MAX] == '\0');
	read_body(NULL, big, REQUEST_BODY_MAX, 0, &rd);
	CHECK(req.body_state == BODY_READ && req.body_len == REQUEST_BODY_MAX);

	/*
	 * Over the limit by declaration: refused before a byte is read
	 * (an attacker's Content-Length never sizes a buffer).
	 */
	read_body("8193", big, REQUEST_BODY_MAX + 1, 0, &rd);
	CHECK(req.body_state == BODY_TOO_LARGE && rd.calls == 0);
	read_body("9000", big, 9000, 0, &rd);
	CHECK(req.body_state == BODY_TOO_LARGE && rd.calls == 0);
	read_body("2147483648", big, 0, 0, &rd);
	CHECK(req.body_state == BODY_TOO_LARGE && rd.calls == 0);

	/*
	 * Undeclared and 8193 bytes: too large, and one byte past at most;
	 * what was read is wiped all the same (it may hold secrets).
	 */
	read_body(NULL, big, REQUEST_BODY_MAX + 1, 0, &rd);
	CHECK(req.body_state == BODY_TOO_LARGE && req.body_len == 0);
	{
		size_t	 i, left = 0;

		for (i = 0; i <= REQUEST_BODY_MAX; i++)
			left += req.body[i] == 'x';
		CHECK(left == 0);
	}
	read_body(NULL, big, sizeof(big), 0, &rd);
	CHECK(req.body_state == BODY_TOO_LARGE && req.body_len == 0);
	CHECK(rd.at == REQUEST_BODY_MAX + 1);
	read_body(NULL, big, sizeof(big), 7, &rd);
	CHECK(req.body_state == BODY_TOO_LARGE);
	CHECK(rd.at == REQUEST_BODY_MAX + 1);
}

static int
is_json(const char *ct)
{
	req.content_type = ct;
	return request_is_json(&req);
}

static void
test_is_json(void)
{
	/* RFC 8259 11 media type; RFC 9110 8.3.1: type/subtype are
	 * case-insensitive, parameters follow ';'. */
	CHECK(is_json("application/json"));
	CHECK(is_json("application/json; charset=utf-8"));
	CHECK(is_json("application/json;charset=UTF-8"));
	CHECK(is_json("APPLICATION/JSON"));
	CHECK(is_json("Application/Json; charset=utf-8"));
	CHECK(is_json("application/json ; charset=utf-8"));
	CHECK(is_json(" application/json"));
	CHECK(!is_json("application/jsonx"));
	CHECK(!is_json("application/json-patch+json"));
	CHECK(!is_json("application/json,text/plain"));
	CHECK(!is_json("text/plain"));
	CHECK(!is_json("text/json"));
	CHECK(!is_json("application/x-www-form-urlencoded"));
	CHECK(!is_json("multipart/form-data; boundary=x"));
	CHECK(!is_json("application/"));
	CHECK(!is_json(""));
	CHECK(!is_json(NULL));
}

/* The token request_bearer finds, as a string ("" on refusal). */
static const char *
bearer(const char *auth)
{
	static char	 buf[64];
	const char	*tok = NULL;
	size_t		 len = 0;

	req.authorization = auth;
	if (request_bearer(&req, &tok, &len) == -1)
		return "";
	if (tok == NULL || len == 0 || len >= sizeof(buf))
		return "(bad)";
	memcpy(buf, tok, len);
	buf[len] = '\0';
	return buf;
}

static void
test_bearer(void)
{
	/* RFC 6750 2.1; the scheme is case-insensitive (RFC 9110 11.1). */
	CHECK_STR(bearer("Bearer x"), "x");
	CHECK_STR(bearer("bearer x"), "x");
	CHECK_STR(bearer("BEARER x"), "x");
	CHECK_STR(bearer("Bearer   x  "), "x");
	CHECK_STR(bearer("Bearer\tx\t"), "x");
	CHECK_STR(bearer("Bearer eyJ.eyJ.sig"), "eyJ.eyJ.sig");
	CHECK_STR(bearer("Basic x"), "");
	CHECK_STR(bearer("Bearer"), "");
	CHECK_STR(bearer("Bearer "), "");
	CHECK_STR(bearer("Bearer \t "), "");
	CHECK_STR(bearer("Bearerx"), "");
	CHECK_STR(bearer("Bearer:x"), "");
	CHECK_STR(bearer("Bear x"), "");
	CHECK_STR(bearer(" Bearer x"), "");
	CHECK_STR(bearer("x"), "");
	CHECK_STR(bearer(""), "");
	CHECK_STR(bearer(NULL), "");
}

int
main(void)
{
	test_parse();
	test_methods();
	test_routes();
	test_content_length();
	test_body();
	test_is_json();
	test_bearer();
	return CHECK_DONE();
}
