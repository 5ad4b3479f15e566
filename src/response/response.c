#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jsonwrite.h"
#include "response/response.h"

/*
 * The preflight's answer (SPEC "CORS"): every header supabase-js sends,
 * cached for a day so that a browser asks once.
 */
#define PREFLIGHT_ALLOW_HEADERS \
	"authorization, x-client-info, apikey, content-type, x-region"
#define PREFLIGHT_MAX_AGE	"86400"

static const char fallback[] =
    "{\"error\":\"internal_error\",\"message\":\"Something went wrong on "
    "our side; please retry.\"}";

void
response_init(struct response *r)
{
	memset(r, 0, sizeof(*r));
	r->status = 500;
	r->err = ERR_INTERNAL;
}

static void
set_fallback(struct response *r)
{
	free(r->body);
	r->status = 500;
	r->err = ERR_INTERNAL;
	r->body = strdup(fallback);
	r->body_len = r->body != NULL ? strlen(r->body) : 0;
}

int
response_json(struct response *r, int status, struct jw *w)
{
	long	 len;

	free(r->body);
	r->body = NULL;
	if ((len = jw_finish(w)) == -1 ||
	    (r->body = strndup(w->buf, (size_t)len)) == NULL) {
		set_fallback(r);
		return -1;
	}
	r->status = status;
	r->err = ERR_OK;
	r->body_len = (size_t)len;
	r->content_type = NULL;
	return 0;
}

void
response_error(struct response *r, enum err e)
{
	const struct err_info	*ei = err_info(e);
	struct jw		 w;
	char			 buf[512];

	jw_init(&w, buf, sizeof(buf));
	jw_open(&w);
	jw_str(&w, "error", ei->code);
	jw_str(&w, "message", ei->message);
	jw_close(&w);
	if (response_json(r, ei->status, &w) == 0)
		r->err = e;
}

void
response_text(struct response *r, int status, char *text,
    const char *content_type)
{
	free(r->body);
	r->body = text;
	r->body_len = strlen(text);
	r->content_type = content_type;
	r->status = status;
	r->err = ERR_OK;
}

void
response_empty(struct response *r, int status)
{
	free(r->body);
	r->body = NULL;
	r->body_len = 0;
	r->status = status;
	r->err = ERR_OK;
}

int
response_retry_after(const char *request_id)
{
	size_t	 n = request_id != NULL ? strlen(request_id) : 0;
	char	 last = '\0';

	if (n > 0)
		last = request_id[n - 1];

	/* The map: "~[0-3]$" 1; "~[4-7]$" 2; "~[89ab]$" 3; default 4. */
	if (last >= '0' && last <= '3')
		return 1;
	if (last >= '4' && last <= '7')
		return 2;
	if (last == '8' || last == '9' || last == 'a' || last == 'b')
		return 3;
	return 4;
}

static const char *
reason_phrase(int status)
{
	switch (status) {
	case 200: return "OK";
	case 204: return "No Content";
	case 400: return "Bad Request";
	case 401: return "Unauthorized";
	case 403: return "Forbidden";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 413: return "Payload Too Large";
	case 415: return "Unsupported Media Type";
	case 429: return "Too Many Requests";
	case 503: return "Service Unavailable";
	default: return "Internal Server Error";
	}
}

/* Append n bytes of s; -1 (never truncation) when they do not fit. */
static int
append_n(char *buf, size_t cap, size_t *at, const char *s, size_t n)
{
	if (n > cap - *at)
		return -1;
	memcpy(buf + *at, s, n);
	*at += n;
	return 0;
}

/* The header block is counted, not NUL-terminated: no terminator copied. */
static int
append(char *buf, size_t cap, size_t *at, const char *s)
{
	return append_n(buf, cap, at, s, strlen(s));
}

/*
 * Append "name: value\r\n"; -1 when it does not fit. By hand, not with
 * snprintf: formatting was a visible share of a request's own time.
 */
static int
hdr(char *buf, size_t cap, size_t *at, const char *name, const char *value)
{
	/* No name: the value ends a line begun by the caller. */
	if (name != NULL && (append(buf, cap, at, name) == -1 ||
	    append(buf, cap, at, ": ") == -1))
		return -1;
	if (append(buf, cap, at, value) == -1)
		return -1;
	return append(buf, cap, at, "\r\n");
}

int
response_write(const struct response *r, response_put_fn put, void *ctx)
{
	char	 h[1024], code[5], retry[16];
	size_t	 at = 0;
	int	 ok = 0;

	if (r->status < 100 || r->status > 599)
		return -1;
	code[0] = (char)('0' + r->status / 100);
	code[1] = (char)('0' + r->status / 10 % 10);
	code[2] = (char)('0' + r->status % 10);
	code[3] = ' ';
	code[4] = '\0';
	ok |= append(h, sizeof(h), &at, "Status: ");
	ok |= append(h, sizeof(h), &at, code);
	ok |= hdr(h, sizeof(h), &at, NULL, reason_phrase(r->status));
	if (r->body != NULL)
		ok |= hdr(h, sizeof(h), &at, "Content-Type",
		    r->content_type != NULL ? r->content_type :
		    "application/json; charset=utf-8");
	ok |= hdr(h, sizeof(h), &at, "Cache-Control", "no-store");
	ok |= hdr(h, sizeof(h), &at, "X-Content-Type-Options",
	    "nosniff");
	if (r->cors_origin != NULL)
		ok |= hdr(h, sizeof(h), &at, "Access-Control-Allow-Origin", r->cors_origin);
	if (r->vary_origin)
		ok |= hdr(h, sizeof(h), &at, "Vary", "Origin");
	if (r->preflight) {
		ok |= hdr(h, sizeof(h), &at, "Access-Control-Allow-Methods", RESPONSE_TOKEN_METHODS);
		ok |= hdr(h, sizeof(h), &at, "Access-Control-Allow-Headers", PREFLIGHT_ALLOW_HEADERS);
		ok |= hdr(h, sizeof(h), &at, "Access-Control-Max-Age", PREFLIGHT_MAX_AGE);
	} else if (r->cors_origin != NULL)
		ok |= hdr(h, sizeof(h), &at, "Access-Control-Expose-Headers",
		    "WWW-Authenticate, Retry-After, X-Request-Id");
	if (r->allow != NULL)
		ok |= hdr(h, sizeof(h), &at, "Allow", r->allow);
	if (r->retry_after > 0) {
		snprintf(retry, sizeof(retry), "%d", r->retry_after);
		ok |= hdr(h, sizeof(h), &at, "Retry-After", retry);
	}
	if (r->status == 401)
		ok |= hdr(h, sizeof(h), &at, "WWW-Authenticate",
		    "Bearer realm=\"livekit-token\", error=\"invalid_token\"");
	ok |= append(h, sizeof(h), &at, "\r\n");
	if (ok != 0)
		return -1;
	if (put(ctx, h, at) == -1)
		return -1;
	if (r->body != NULL && put(ctx, r->body, r->body_len) == -1)
		return -1;
	return 0;
}

void
response_free(struct response *r)
{
	free(r->body);
	memset(r, 0, sizeof(*r));
}
