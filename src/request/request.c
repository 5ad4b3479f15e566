#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <sodium.h>

#include "request/request.h"

static const struct {
	const char	*name;
	enum method	 method;
} methods[] = {
	{ "GET", METHOD_GET },
	{ "HEAD", METHOD_HEAD },
	{ "POST", METHOD_POST },
	{ "OPTIONS", METHOD_OPTIONS },
};

static const struct {
	const char	*path;
	enum route	 route;
} routes[] = {
	{ "/functions/v1/livekit-token", ROUTE_TOKEN },
	{ "/healthz", ROUTE_HEALTHZ },
	{ "/metrics", ROUTE_METRICS },
};

static const char *
param(request_param_fn get, void *ctx, const char *name)
{
	const char	*v = get(ctx, name);

	return (v != NULL && *v != '\0') ? v : NULL;
}

void
request_parse(struct request *r, request_param_fn get, void *ctx)
{
	const char	*v;
	char		*end;
	size_t		 i;

	r->method = METHOD_OTHER;
	r->method_name = param(get, ctx, "REQUEST_METHOD");
	for (i = 0; r->method_name != NULL &&
	    i < sizeof(methods) / sizeof(methods[0]); i++)
		if (strcmp(r->method_name, methods[i].name) == 0)
			r->method = methods[i].method;
	/*
	 * nginx passes any method it can parse, however long: the log line
	 * has room for one of REQUEST_METHOD_LOG_MAX bytes, and a longer one
	 * would have lost the whole line (and hidden the request).
	 */
	if (r->method == METHOD_OTHER && r->method_name != NULL &&
	    strlen(r->method_name) > REQUEST_METHOD_LOG_MAX)
		r->method_name = REQUEST_METHOD_TOO_LONG;

	/* nginx's $document_uri: decoded, without the query string. */
	r->route = ROUTE_UNKNOWN;
	r->path = param(get, ctx, "DOCUMENT_URI");
	for (i = 0; r->path != NULL &&
	    i < sizeof(routes) / sizeof(routes[0]); i++)
		if (strcmp(r->path, routes[i].path) == 0)
			r->route = routes[i].route;

	r->origin = param(get, ctx, "HTTP_ORIGIN");
	r->authorization = param(get, ctx, "HTTP_AUTHORIZATION");
	r->content_type = param(get, ctx, "CONTENT_TYPE");
	r->request_id = param(get, ctx, "REQUEST_ID");
	(void)address_parse(param(get, ctx, "REMOTE_ADDR"), &r->remote);

	r->content_length = -1;
	r->body_state = BODY_NONE;
	r->body_len = 0;
	r->body[0] = '\0';
	if ((v = param(get, ctx, "CONTENT_LENGTH")) != NULL) {
		errno = 0;
		if (v[0] < '0' || v[0] > '9')
			r->body_state = BODY_BROKEN;
		else {
			r->content_length = strtol(v, &end, 10);
			if (errno != 0 || *end != '\0')
				r->body_state = BODY_BROKEN;
		}
	}
}

void
request_read_body(struct request *r, request_read_fn rd, void *ctx)
{
	size_t	 want;
	long	 n;

	if (r->body_state == BODY_BROKEN)
		return;
	if (r->content_length > REQUEST_BODY_MAX) {
		r->body_state = BODY_TOO_LARGE;
		return;
	}
	/*
	 * Without a declared length, read until the end but never more than
	 * one byte past the limit, which is how an oversize body is told.
	 */
	want = r->content_length >= 0 ? (size_t)r->content_length :
	    REQUEST_BODY_MAX + 1;
	while (r->body_len < want) {
		n = rd(ctx, r->body + r->body_len, want - r->body_len);
		if (n <= 0)
			break;
		r->body_len += (size_t)n;
	}
	if (r->body_len > REQUEST_BODY_MAX) {
		/* Refused unread, but read all the same: it may hold secrets. */
		sodium_memzero(r->body, r->body_len);
		r->body_state = BODY_TOO_LARGE;
		r->body_len = 0;
	} else if (r->content_length >= 0 &&
	    r->body_len != (size_t)r->content_length)
		r->body_state = BODY_BROKEN;
	else
		r->body_state = r->body_len > 0 ? BODY_READ : BODY_NONE;
	r->body[r->body_len] = '\0';
}

int
request_is_json(const struct request *r)
{
	static const char	 want[] = "application/json";
	const char		*ct = r->content_type;
	size_t			 n = sizeof(want) - 1;

	if (ct == NULL)
		return 0;
	while (*ct == ' ')
		ct++;
	if (strncasecmp(ct, want, n) != 0)
		return 0;
	ct += n;
	while (*ct == ' ')
		ct++;
	return *ct == '\0' || *ct == ';';
}

int
request_bearer(const struct request *r, const char **tok, size_t *len)
{
	const char	*a = r->authorization;
	size_t		 n;

	if (a == NULL || strncasecmp(a, "Bearer", 6) != 0 ||
	    (a[6] != ' ' && a[6] != '\t'))
		return -1;
	a += 6;
	while (*a == ' ' || *a == '\t')
		a++;
	n = strlen(a);
	while (n > 0 && (a[n - 1] == ' ' || a[n - 1] == '\t'))
		n--;
	if (n == 0)
		return -1;
	*tok = a;
	*len = n;
	return 0;
}
