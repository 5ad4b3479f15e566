/*
 * crowd: the show-start crowd of `make bench` (issue 14), every viewer a
 * fresh TLS connection of its own, in C. The crowd used to be Node's
 * https client: about 1.4 ms of CPU per viewer for its handshake alone, on
 * the same 2 cores as nginx and the workers, so that a crowd of 2,000
 * spent 4 s of CPU in the load generator and its "last admitted" measured
 * the generator (bench/README.md). Here a viewer costs a TLS 1.3 client
 * handshake in OpenSSL and a few syscalls.
 *
 *   crowd PORT [START_EPOCH_MS] < viewers
 *
 * Each line of stdin is one viewer: "ADDRESS TOKEN" (the local IPv4
 * address to connect from, the user's access token). All viewers start at
 * START_EPOCH_MS (default: now), POST {"roomType":"main_show"} to
 * https://127.0.0.1:PORT/functions/v1/livekit-token and retry as
 * docs/frontend.md's getLiveKitToken does: after a 429, Retry-After (1 s
 * when absent) plus up to as much again of jitter; after a network error
 * or a 5xx, 500 ms doubling, jittered alike; at most 3 retries, and never
 * a wait that ends past 15 s. A viewer keeps its connection for its
 * retries while the server keeps it open (like Node's keep-alive agent).
 *
 * Prints one JSON object: {"times":[ms or null per viewer, in input
 * order],"requests":N,"n429":N,"other":N,"cpu_s":S}.
 *
 * A yardstick, not product code: it trusts the server it measures.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/ssl.h>

#define MAX_RETRIES	3
#define GIVE_UP_MS	15000.0
#define TIMEOUT_MS	20000.0
#define INBUF		16384

static const char	 body[] = "{\"roomType\":\"main_show\"}";

enum phase { WAITING, CONNECTING, HANDSHAKE, SENDING, READING, DONE };

struct viewer {
	struct in_addr	 from;
	char		*request;	/* the whole HTTP request */
	size_t		 reqlen, sent;
	SSL		*ssl;
	int		 fd;
	enum phase	 phase;
	int		 attempt;
	int		 reused;	/* this request went on a kept connection */
	double		 wake;		/* WAITING: when to send; else a deadline */
	double		 give_up;
	double		 admitted;	/* ms after the start, or -1 */
	char		 in[INBUF];
	size_t		 inlen;
};

static SSL_CTX		*ctx;
static int		 ep, port;
static long		 requests, n429, other;

static double
now_ms(void)
{
	struct timespec	 t;

	clock_gettime(CLOCK_REALTIME, &t);
	return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

static double
jittered(double ms)
{
	return ms + ms * ((double)random() / RAND_MAX);
}

static void
drop_connection(struct viewer *v)
{
	if (v->ssl != NULL)
		SSL_free(v->ssl);
	if (v->fd != -1)
		close(v->fd);
	v->ssl = NULL;
	v->fd = -1;
}

static void
watch(struct viewer *v, uint32_t events)
{
	struct epoll_event	 e = { .events = events, .data.ptr = v };

	if (epoll_ctl(ep, EPOLL_CTL_MOD, v->fd, &e) == -1)
		epoll_ctl(ep, EPOLL_CTL_ADD, v->fd, &e);
}

static void	finish(struct viewer *, int, double, double);

/* A new TCP connection from the viewer's address; 0, or -1 at once. */
static int
connect_from(struct viewer *v)
{
	struct sockaddr_in	 sa = { .sin_family = AF_INET };
	int			 one = 1;

	if ((v->fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0)) == -1)
		return -1;
	setsockopt(v->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	sa.sin_addr = v->from;
	if (bind(v->fd, (struct sockaddr *)&sa, sizeof(sa)) == -1)
		return -1;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	sa.sin_port = htons((uint16_t)port);
	if (connect(v->fd, (struct sockaddr *)&sa, sizeof(sa)) == -1 &&
	    errno != EINPROGRESS)
		return -1;
	if ((v->ssl = SSL_new(ctx)) == NULL || SSL_set_fd(v->ssl, v->fd) != 1)
		return -1;
	SSL_set_connect_state(v->ssl);
	v->phase = CONNECTING;
	watch(v, EPOLLOUT);
	return 0;
}

/*
 * Send the request: on the kept connection if there is one. The caller
 * counts it; a kept connection found closed is not a second request.
 */
static void
start_request(struct viewer *v, double t)
{
	v->sent = 0;
	v->inlen = 0;
	v->wake = t + TIMEOUT_MS;
	if (v->ssl != NULL) {
		v->reused = 1;
		v->phase = SENDING;
		watch(v, EPOLLOUT);
		return;
	}
	v->reused = 0;
	if (connect_from(v) == -1)
		finish(v, 0, 0, t);
}

/* One answer (status, 0 for a network error): admitted, or when to retry. */
static void
finish(struct viewer *v, int status, double retry_after, double t)
{
	double	 wait;

	if (status == 200) {
		v->phase = DONE;
		v->admitted = t;
		drop_connection(v);
		return;
	}
	if (status == 429)
		n429++;
	else
		other++;
	if (status == 0)
		drop_connection(v);
	if (status == 429 && v->attempt < MAX_RETRIES)
		wait = jittered((retry_after > 0 ? retry_after : 1) * 1000);
	else if ((status == 0 || status >= 500) && v->attempt < MAX_RETRIES)
		wait = jittered(500.0 * (1 << v->attempt));
	else
		wait = -1;
	if (wait < 0 || t + wait > v->give_up) {
		v->phase = DONE;
		drop_connection(v);
		return;
	}
	v->attempt++;
	v->phase = WAITING;
	v->wake = t + wait;
	if (v->fd != -1)
		watch(v, 0);
}

/*
 * Whether the answer in v->in is whole: 1, 0 (read on), -1 (malformed).
 * nginx sends a FastCGI answer chunked, its own errors with a length.
 */
static int
answer_whole(const struct viewer *v, int *status, double *retry_after,
    int *keep)
{
	const char	*h, *end, *p, *line;
	long		 clen = -1, n;
	int		 chunked = 0;

	if ((h = memmem(v->in, v->inlen, "\r\n\r\n", 4)) == NULL)
		return v->inlen >= INBUF ? -1 : 0;
	end = v->in + v->inlen;
	if (v->inlen < 12 || strncmp(v->in, "HTTP/1.1 ", 9) != 0)
		return -1;
	*status = atoi(v->in + 9);
	*retry_after = 0;
	*keep = 1;
	for (line = memchr(v->in, '\n', (size_t)(h - v->in)); line != NULL &&
	    line < h; line = memchr(line, '\n', (size_t)(h + 2 - line))) {
		line++;
		if (strncasecmp(line, "Retry-After:", 12) == 0)
			*retry_after = atof(line + 12);
		else if (strncasecmp(line, "Content-Length:", 15) == 0)
			clen = atol(line + 15);
		else if (strncasecmp(line, "Transfer-Encoding: chunked", 26) == 0)
			chunked = 1;
		else if (strncasecmp(line, "Connection: close", 17) == 0)
			*keep = 0;
	}
	p = h + 4;
	if (!chunked)
		return clen < 0 ? -1 : end - p >= clen;
	for (;;) {
		char	*q;

		if (memmem(p, (size_t)(end - p), "\r\n", 2) == NULL)
			return 0;
		n = strtol(p, &q, 16);
		if (q == p || n < 0 || n > INBUF)
			return -1;
		if ((p = memmem(q, (size_t)(end - q), "\r\n", 2)) == NULL)
			return 0;
		p += 2;
		if (end - p < n + 2)
			return 0;
		p += n + 2;
		if (n == 0)
			return 1;
	}
}

/* Drive one viewer's connection as far as it goes without blocking. */
static void
step(struct viewer *v, double t)
{
	int	 r, status, keep;
	double	 retry_after;

	if (v->phase == CONNECTING)
		v->phase = HANDSHAKE;
	if (v->phase == HANDSHAKE) {
		if ((r = SSL_connect(v->ssl)) != 1)
			goto want;
		v->phase = SENDING;
	}
	if (v->phase == SENDING) {
		while (v->sent < v->reqlen) {
			if ((r = SSL_write(v->ssl, v->request + v->sent,
			    (int)(v->reqlen - v->sent))) <= 0)
				goto want;
			v->sent += (size_t)r;
		}
		v->phase = READING;
		watch(v, EPOLLIN);
	}
	while (v->phase == READING) {
		if ((r = SSL_read(v->ssl, v->in + v->inlen,
		    (int)(INBUF - v->inlen))) <= 0)
			goto want;
		v->inlen += (size_t)r;
		switch (answer_whole(v, &status, &retry_after, &keep)) {
		case 0:
			continue;
		case -1:
			finish(v, 0, 0, t);
			return;
		}
		if (!keep)
			drop_connection(v);
		finish(v, status, retry_after, t);
	}
	return;
want:
	switch (SSL_get_error(v->ssl, r)) {
	case SSL_ERROR_WANT_READ:
		watch(v, EPOLLIN);
		return;
	case SSL_ERROR_WANT_WRITE:
		watch(v, EPOLLOUT);
		return;
	}
	ERR_clear_error();
	/* A kept connection the server closed meanwhile: a new one. */
	if (v->reused && v->inlen == 0) {
		drop_connection(v);
		start_request(v, t);
		return;
	}
	finish(v, 0, 0, t);
}

static int
read_viewers(struct viewer **out, size_t *n)
{
	struct viewer	*vs = NULL;
	size_t		 cap = 0, len;
	char		*line = NULL, *tok;
	size_t		 lcap = 0;
	ssize_t		 got;
	int		 hlen;

	*n = 0;
	while ((got = getline(&line, &lcap, stdin)) > 0) {
		struct viewer	*v;

		line[strcspn(line, "\r\n")] = '\0';
		if ((tok = strchr(line, ' ')) == NULL)
			continue;
		*tok++ = '\0';
		if (*n == cap) {
			cap = cap ? cap * 2 : 1024;
			if ((vs = realloc(vs, cap * sizeof(*vs))) == NULL)
				return -1;
		}
		v = &vs[(*n)++];
		memset(v, 0, sizeof(*v));
		v->fd = -1;
		v->admitted = -1;
		if (inet_pton(AF_INET, line, &v->from) != 1)
			return -1;
		len = strlen(tok) + sizeof(body) + 256;
		if ((v->request = malloc(len)) == NULL)
			return -1;
		hlen = snprintf(v->request, len,
		    "POST /functions/v1/livekit-token HTTP/1.1\r\n"
		    "Host: 127.0.0.1:%d\r\nAuthorization: Bearer %s\r\n"
		    "Content-Type: application/json\r\nContent-Length: %zu\r\n"
		    "\r\n%s", port, tok, sizeof(body) - 1, body);
		if (hlen < 0 || (size_t)hlen >= len)
			return -1;
		v->reqlen = (size_t)hlen;
	}
	free(line);
	*out = vs;
	return 0;
}

int
main(int argc, char *argv[])
{
	struct epoll_event	 ev[256];
	struct viewer		*vs;
	struct rlimit		 rl;
	struct rusage		 ru;
	size_t			 n, i, left;
	double			 start, t, next;
	int			 k, got;

	if (argc < 2 || (port = atoi(argv[1])) <= 0) {
		fprintf(stderr, "usage: crowd PORT [START_EPOCH_MS] < viewers\n");
		return 2;
	}
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
	srandom((unsigned)getpid() ^ (unsigned)now_ms());
	if (read_viewers(&vs, &n) == -1) {
		fprintf(stderr, "crowd: bad input\n");
		return 2;
	}
	/* Every viewer a full handshake, as a new visitor's browser does. */
	if ((ctx = SSL_CTX_new(TLS_client_method())) == NULL ||
	    (ep = epoll_create1(0)) == -1) {
		fprintf(stderr, "crowd: cannot set up\n");
		return 1;
	}
	SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, NULL);
	SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
	SSL_CTX_set_options(ctx, SSL_OP_NO_TICKET);

	start = argc > 2 ? atof(argv[2]) : now_ms();
	for (i = 0; i < n; i++) {
		vs[i].phase = WAITING;
		vs[i].wake = start;
		vs[i].give_up = start + GIVE_UP_MS;
	}
	for (left = n; left > 0;) {
		t = now_ms();
		next = t + 1000;
		left = 0;
		for (i = 0; i < n; i++) {
			struct viewer	*v = &vs[i];

			if (v->phase == DONE)
				continue;
			left++;
			if (v->wake <= t) {
				if (v->phase == WAITING) {
					requests++;
					start_request(v, t);
				}
				else		/* the request's deadline */
					finish(v, 0, 0, t);
			}
			if (v->phase != DONE && v->wake < next)
				next = v->wake;
		}
		if (left == 0)
			break;
		k = (int)(next - now_ms());
		got = epoll_wait(ep, ev, 256, k < 0 ? 0 : k + 1);
		t = now_ms();
		for (k = 0; k < got; k++)
			step(ev[k].data.ptr, t);
	}

	getrusage(RUSAGE_SELF, &ru);
	printf("{\"times\":[");
	for (i = 0; i < n; i++) {
		if (vs[i].admitted < 0)
			printf("%snull", i ? "," : "");
		else
			printf("%s%.1f", i ? "," : "", vs[i].admitted - start);
	}
	printf("],\"requests\":%ld,\"n429\":%ld,\"other\":%ld,\"cpu_s\":%.3f}\n",
	    requests, n429, other,
	    ru.ru_utime.tv_sec + ru.ru_stime.tv_sec +
	    (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6);
	return 0;
}
