/*
 * An answer: status, headers, JSON body. Every answer carries
 * Cache-Control: no-store and the CORS headers, errors included, since a
 * browser cannot read an error that lacks them.
 */
#ifndef RESPONSE_H
#define RESPONSE_H

#include <stdbool.h>
#include <stddef.h>

#include "error.h"

/* The token path's methods: a 405's Allow, a preflight's Allow-Methods. */
#define RESPONSE_TOKEN_METHODS	"POST, OPTIONS"

struct jw;

struct response {
	int		 status;
	enum err	 err;		/* ERR_OK unless an error answer */
	char		*body;		/* malloc'd, or NULL: no body */
	const char	*content_type;	/* of body; NULL means JSON */
	size_t		 body_len;
	bool		 preflight;	/* add the preflight headers */
	const char	*allow;		/* the Allow header of a 405, or NULL */
	int		 retry_after;	/* Retry-After seconds of a 429, or 0 */
	const char	*cors_origin;	/* Access-Control-Allow-Origin, or NULL */
	bool		 vary_origin;
};

/* Reset to an empty 500 answer. */
void	response_init(struct response *);

/* The SPEC's error answer for e: status and {"error","message"}. */
void	response_error(struct response *, enum err e);

/*
 * A JSON answer with status: a copy of what the finished writer w holds.
 * Returns 0, or -1 when w failed or memory ran out (and the answer
 * becomes internal_error).
 */
int	response_json(struct response *, int status, struct jw *w);

/* A non-JSON answer; takes ownership of the malloc'd text. */
void	response_text(struct response *, int status, char *text,
	    const char *content_type);

/*
 * The Retry-After of a 429, from 1 to 4 seconds, drawn from the request's
 * random id (nginx's $request_id) exactly as the site's map draws nginx's
 * own (nginx/site.conf.in), so an audience refused together does not
 * come back together. Without an id: 4, as the map's default.
 */
int	response_retry_after(const char *request_id);

/* An empty answer (204, or a 200 to HEAD). */
void	response_empty(struct response *, int status);

/* Write the CGI-style header block and body through put. */
typedef int (*response_put_fn)(void *ctx, const char *buf, size_t len);
int	response_write(const struct response *, response_put_fn, void *ctx);

void	response_free(struct response *);

#endif
