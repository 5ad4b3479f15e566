/*
 * A FastCGI request's parameters and body, turned once into a typed
 * struct at the edge. Reading never trusts the client's sizes: the body
 * limit is enforced before a byte is read.
 */
#ifndef REQUEST_H
#define REQUEST_H

#include <stddef.h>

#include "request/address.h"

#define REQUEST_BODY_MAX	8192

enum method {
	METHOD_OTHER = 0,
	METHOD_GET,
	METHOD_HEAD,
	METHOD_POST,
	METHOD_OPTIONS,
};

enum route {
	ROUTE_UNKNOWN = 0,
	ROUTE_TOKEN,		/* /functions/v1/livekit-token */
	ROUTE_HEALTHZ,		/* /healthz */
	ROUTE_METRICS,		/* /metrics */
};

enum body_state {
	BODY_NONE = 0,		/* no body sent */
	BODY_READ,		/* body[0..body_len) holds it */
	BODY_TOO_LARGE,		/* over REQUEST_BODY_MAX: not read */
	BODY_BROKEN,		/* shorter than declared, or a bad length */
};

#define REQUEST_METHOD_LOG_MAX	32
#define REQUEST_METHOD_TOO_LONG	"(longer than 32 bytes)"

struct request {
	enum method	 method;
	/* As sent, for the log; REQUEST_METHOD_TOO_LONG past the bound. */
	const char	*method_name;
	enum route	 route;
	const char	*path;
	const char	*origin;	/* NULL when absent, likewise below */
	const char	*authorization;
	const char	*content_type;
	const char	*request_id;
	/*
	 * REMOTE_ADDR, parsed: whom the failed-authentication guard
	 * counts (auth/failguard.h). ADDRESS_NONE when absent or not an IP
	 * address.
	 */
	struct address	 remote;
	long		 content_length; /* -1 when not declared */
	enum body_state	 body_state;
	size_t		 body_len;
	char		 body[REQUEST_BODY_MAX + 1];	/* NUL-terminated */
};

/* Look a FastCGI parameter up; NULL when absent. */
typedef const char *(*request_param_fn)(void *ctx, const char *name);
/* Read up to n bytes; returns the count, 0 at the end, -1 on error. */
typedef long (*request_read_fn)(void *ctx, char *buf, size_t n);

/* Fill the request line and headers of r. The strings stay ctx's. */
void	request_parse(struct request *r, request_param_fn, void *ctx);

/* Read the body within REQUEST_BODY_MAX and set r->body_state. */
void	request_read_body(struct request *r, request_read_fn, void *ctx);

/* Whether the Content-Type is application/json (parameters allowed). */
int	request_is_json(const struct request *r);

/*
 * Find the bearer token in Authorization. Returns 0 with *tok and *len
 * set, or -1 when there is no "Bearer <token>" at all.
 */
int	request_bearer(const struct request *r, const char **tok, size_t *len);

#endif
