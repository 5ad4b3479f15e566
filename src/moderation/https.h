/*
 * One HTTPS POST, for the moderator's command (never the workers, which
 * open no network connection): TLS 1.2 or later through OpenSSL, the
 * server's certificate verified against the system trust store or
 * SSL_CERT_FILE / SSL_CERT_DIR, its name (or IP address) checked, a
 * timeout on every wait and a deadline on the whole call, the answer
 * bounded.
 */
#ifndef HTTPS_H
#define HTTPS_H

#include <stddef.h>

#define HTTPS_ANSWER_MAX	((size_t)256 * 1024)
#define HTTPS_HOST_MAX		255

/* Where to connect: an https:// (or wss://) URL's host and port. */
struct https_origin {
	char	 host[HTTPS_HOST_MAX + 1];	/* no brackets for IPv6 */
	char	 port[6];
};

struct https_answer {
	int	 status;			/* e.g. 200, 404 */
	char	 content_type[128];		/* "" when absent */
	char	*body;				/* malloc'd, NUL-terminated */
	size_t	 body_len;
};

/*
 * Parse "https://host[:port][/...]" or "wss://..." (LiveKit's URL; the
 * path is ignored, as the SDKs do). Plain http:// and ws:// are refused:
 * the request carries an admin token. Returns 0, or -1 with err.
 */
int	https_origin_parse(const char *url, struct https_origin *,
	    char *err, size_t errsz);

/*
 * POST body (len bytes) to path at origin with the extra header lines
 * (each "Name: value", no CRLF; NULL-terminated array), waiting at most
 * step_s seconds for any one thing (a connection, bytes to read or room
 * to write) and total_s seconds for the whole call, connect to answer
 * (the name lookup is not bounded: getaddrinfo takes no timeout).
 * Returns 0 with the answer (any status) in *ans, to https_answer_free;
 * or -1 with err when no HTTP answer came (DNS, connect, TLS,
 * certificate, timeout, deadline, malformed).
 */
int	https_post(const struct https_origin *, const char *path,
	    const char *const *headers, const char *body, size_t len,
	    int step_s, int total_s, struct https_answer *ans, char *err,
	    size_t errsz);

void	https_answer_free(struct https_answer *);

#endif
