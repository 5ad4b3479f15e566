/*
 * A bounded HTTPS/1.1 POST with OpenSSL: one connection, "Connection:
 * close", the answer read to its end (Content-Length, chunked, or EOF).
 * The socket is non-blocking and every wait is a poll(2) bounded by both
 * the step's timeout and the whole exchange's deadline: a socket timeout
 * bounds one read, and a server sending a byte a second never trips it.
 */
#include <sys/socket.h>

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include "moderation/https.h"

#define HEAD_MAX	((size_t)16 * 1024)

/* How long each wait may last: the step's timeout, the call's deadline. */
struct limits {
	int		 step_s;
	int		 total_s;
	struct timespec	 end;		/* CLOCK_MONOTONIC */
};

static void
limits_start(struct limits *l, int step_s, int total_s)
{
	clock_gettime(CLOCK_MONOTONIC, &l->end);
	l->end.tv_sec += total_s;
	l->step_s = step_s;
	l->total_s = total_s;
}

/*
 * Wait until fd is ready for events (POLLIN or POLLOUT). Returns 0, or -1
 * with err naming what was waited for when a limit ran out first.
 */
static int
wait_fd(int fd, short events, const struct limits *l, const char *what,
    char *err, size_t errsz)
{
	struct pollfd	 p = { .fd = fd, .events = events };
	struct timespec	 now;
	long long	 left;
	int		 ms, n;

	for (;;) {
		clock_gettime(CLOCK_MONOTONIC, &now);
		left = (long long)(l->end.tv_sec - now.tv_sec) * 1000 +
		    (l->end.tv_nsec - now.tv_nsec) / 1000000;
		if (left <= 0) {
			snprintf(err, errsz, "%s: gave up after %d s (the "
			    "deadline for the whole call)", what, l->total_s);
			return -1;
		}
		ms = left < (long long)l->step_s * 1000 ? (int)left :
		    l->step_s * 1000;
		if ((n = poll(&p, 1, ms)) > 0)
			return 0;
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			snprintf(err, errsz, "%s: %s", what, strerror(errno));
			return -1;
		}
		if (ms == l->step_s * 1000) {
			snprintf(err, errsz, "%s: nothing for %d s", what,
			    l->step_s);
			return -1;
		}
	}
}

/*
 * After an SSL call returned r <= 0: wait for what OpenSSL wants and
 * return 0 (call it again), or -1 with err. fatal is set when OpenSSL
 * wants nothing: the call failed, and err is left to the caller.
 */
static int
ssl_wait(SSL *ssl, int r, int fd, const struct limits *l, const char *what,
    int *fatal, char *err, size_t errsz)
{
	int	 e = SSL_get_error(ssl, r);

	*fatal = 0;
	if (e == SSL_ERROR_WANT_READ)
		return wait_fd(fd, POLLIN, l, what, err, errsz);
	if (e == SSL_ERROR_WANT_WRITE)
		return wait_fd(fd, POLLOUT, l, what, err, errsz);
	*fatal = e;
	return -1;
}

int
https_origin_parse(const char *url, struct https_origin *o, char *err,
    size_t errsz)
{
	const char	*p, *hend, *port = "443";
	size_t		 hlen, plen;

	memset(o, 0, sizeof(*o));
	if (strncmp(url, "https://", 8) == 0)
		p = url + 8;
	else if (strncmp(url, "wss://", 6) == 0)
		p = url + 6;
	else {
		snprintf(err, errsz, "\"%.64s\" is not an https:// or wss:// "
		    "URL (the request carries an admin token: no plain HTTP)",
		    url);
		return -1;
	}
	if (*p == '[') {
		if ((hend = strchr(p, ']')) == NULL)
			goto bad;
		hlen = (size_t)(hend - p - 1);
		memcpy(o->host, p + 1, hlen < sizeof(o->host) ? hlen : 0);
		p = hend + 1;
	} else {
		hlen = strcspn(p, ":/?#");
		if (hlen < sizeof(o->host))
			memcpy(o->host, p, hlen);
		p += hlen;
	}
	if (hlen == 0 || hlen > HTTPS_HOST_MAX || strchr(o->host, '@') != NULL)
		goto bad;
	if (*p == ':') {
		port = ++p;
		plen = strspn(p, "0123456789");
		if (plen == 0 || plen > 5 || strtol(p, NULL, 10) < 1 ||
		    strtol(p, NULL, 10) > 65535)
			goto bad;
		p += plen;
		memcpy(o->port, port, plen);
	} else
		memcpy(o->port, port, strlen(port));
	if (*p != '\0' && *p != '/' && *p != '?' && *p != '#')
		goto bad;
	return 0;
bad:
	snprintf(err, errsz, "\"%.64s\": cannot read a host and port", url);
	return -1;
}

void
https_answer_free(struct https_answer *a)
{
	free(a->body);
	memset(a, 0, sizeof(*a));
}

/* A non-blocking connect, waited for; 0 or -1 with errno (ETIMEDOUT). */
static int
connect_within(int fd, const struct addrinfo *ai, const struct limits *l)
{
	char		 ignored[256];
	socklen_t	 sl = sizeof(int);
	int		 e = 0;

	if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0)
		return 0;
	if (errno != EINPROGRESS)
		return -1;
	if (wait_fd(fd, POLLOUT, l, "connect", ignored, sizeof(ignored)) == -1) {
		errno = ETIMEDOUT;
		return -1;
	}
	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &e, &sl) == -1)
		return -1;
	errno = e;
	return e == 0 ? 0 : -1;
}

static int
dial(const struct https_origin *o, const struct limits *l, char *err,
    size_t errsz)
{
	struct addrinfo	 hints, *res, *ai;
	int		 fd = -1, rc, saved = 0;

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	if ((rc = getaddrinfo(o->host, o->port, &hints, &res)) != 0) {
		snprintf(err, errsz, "%s: %s", o->host, gai_strerror(rc));
		return -1;
	}
	for (ai = res; ai != NULL; ai = ai->ai_next) {
		fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC |
		    SOCK_NONBLOCK, ai->ai_protocol);
		if (fd == -1) {
			saved = errno;
			continue;
		}
		if (connect_within(fd, ai, l) == 0)
			break;
		saved = errno;
		close(fd);
		fd = -1;
	}
	freeaddrinfo(res);
	if (fd == -1)
		snprintf(err, errsz, "cannot connect to %s port %s: %s",
		    o->host, o->port, strerror(saved));
	return fd;
}

static void
tls_error(const char *what, SSL *ssl, char *err, size_t errsz)
{
	unsigned long	 e = ERR_get_error();
	long		 v = ssl != NULL ? SSL_get_verify_result(ssl) : X509_V_OK;

	if (v != X509_V_OK)
		snprintf(err, errsz, "%s: certificate refused: %s", what,
		    X509_verify_cert_error_string(v));
	else if (e != 0)
		snprintf(err, errsz, "%s: %s", what, ERR_reason_error_string(e) ?
		    ERR_reason_error_string(e) : "TLS error");
	else
		snprintf(err, errsz, "%s: %s", what, errno != 0 ?
		    strerror(errno) : "connection closed");
	ERR_clear_error();
}

static SSL *
tls_open(SSL_CTX **ctxp, int fd, const struct https_origin *o,
    const struct limits *l, char *err, size_t errsz)
{
	unsigned char	 ip[16];
	char		 sni[sizeof(o->host)];
	SSL_CTX		*ctx;
	SSL		*ssl = NULL;
	int		 is_ip, r, fatal;

	*ctxp = NULL;
	if ((ctx = SSL_CTX_new(TLS_client_method())) == NULL ||
	    SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION) != 1 ||
	    SSL_CTX_set_default_verify_paths(ctx) != 1) {
		tls_error("TLS set-up", NULL, err, errsz);
		SSL_CTX_free(ctx);
		return NULL;
	}
	SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);
	is_ip = inet_pton(AF_INET, o->host, ip) == 1 ||
	    inet_pton(AF_INET6, o->host, ip) == 1;
	/* SSL_set_tlsext_host_name is a macro that casts const away. */
	memcpy(sni, o->host, sizeof(sni));
	if ((ssl = SSL_new(ctx)) == NULL || SSL_set_fd(ssl, fd) != 1 ||
	    (is_ip ? X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl),
	    o->host) != 1 : (SSL_set_tlsext_host_name(ssl, sni) != 1 ||
	    SSL_set1_host(ssl, o->host) != 1))) {
		tls_error("TLS set-up", NULL, err, errsz);
		goto fail;
	}
	for (;;) {
		errno = 0;
		if ((r = SSL_connect(ssl)) == 1)
			break;
		if (ssl_wait(ssl, r, fd, l, "TLS handshake", &fatal, err,
		    errsz) == -1) {
			if (fatal)
				tls_error(o->host, ssl, err, errsz);
			goto fail;
		}
	}
	*ctxp = ctx;
	return ssl;
fail:
	SSL_free(ssl);
	SSL_CTX_free(ctx);
	return NULL;
}

/* 0, or -1 with err. A retried SSL_write gets the same arguments. */
static int
write_all(SSL *ssl, int fd, const struct limits *l, const char *p,
    size_t len, char *err, size_t errsz)
{
	int	 n, fatal;

	while (len > 0) {
		errno = 0;
		n = SSL_write(ssl, p, len > 65536 ? 65536 : (int)len);
		if (n > 0) {
			p += n;
			len -= (size_t)n;
			continue;
		}
		if (ssl_wait(ssl, n, fd, l, "sending the request", &fatal,
		    err, errsz) == -1) {
			if (fatal)
				tls_error("sending the request", NULL, err,
				    errsz);
			return -1;
		}
	}
	return 0;
}

/* Read to EOF (or HTTPS_ANSWER_MAX + HEAD_MAX bytes) into a new buffer. */
static char *
read_all(SSL *ssl, int fd, const struct limits *l, size_t *len, char *err,
    size_t errsz)
{
	size_t	 cap = 8192, at = 0, max = HTTPS_ANSWER_MAX + HEAD_MAX;
	char	*buf = malloc(cap + 1), *nb;
	int	 n, e;

	if (buf == NULL)
		goto oom;
	for (;;) {
		if (at == cap) {
			if (cap >= max) {
				snprintf(err, errsz, "answer larger than %zu "
				    "bytes", max);
				free(buf);
				return NULL;
			}
			cap = cap * 2 > max ? max : cap * 2;
			if ((nb = realloc(buf, cap + 1)) == NULL)
				goto oom;
			buf = nb;
		}
		errno = 0;
		n = SSL_read(ssl, buf + at, (int)(cap - at));
		if (n > 0) {
			at += (size_t)n;
			continue;
		}
		if (ssl_wait(ssl, n, fd, l, "reading the answer", &e, err,
		    errsz) == 0)
			continue;
		/* A peer that closes without close_notify still ended. */
		if (e == SSL_ERROR_ZERO_RETURN || (e == SSL_ERROR_SYSCALL &&
		    errno == 0) || (e == SSL_ERROR_SSL &&
		    ERR_GET_REASON(ERR_peek_error()) ==
		    SSL_R_UNEXPECTED_EOF_WHILE_READING))
			break;
		if (e != 0)
			tls_error("reading the answer", NULL, err, errsz);
		free(buf);
		return NULL;
	}
	ERR_clear_error();
	buf[at] = '\0';
	*len = at;
	return buf;
oom:
	free(buf);
	snprintf(err, errsz, "out of memory");
	return NULL;
}

/* The value of header name in the head (lines after the status), or NULL. */
static const char *
header(const char *head, const char *name, size_t *vlen)
{
	const char	*p = strstr(head, "\r\n"), *v;
	size_t		 n = strlen(name);

	while (p != NULL && p[2] != '\r') {
		p += 2;
		if (strncasecmp(p, name, n) == 0 && p[n] == ':') {
			v = p + n + 1;
			v += strspn(v, " \t");
			*vlen = strcspn(v, "\r");
			while (*vlen > 0 && (v[*vlen - 1] == ' ' ||
			    v[*vlen - 1] == '\t'))
				(*vlen)--;
			return v;
		}
		p = strstr(p, "\r\n");
	}
	return NULL;
}

/* Decode a chunked body in place; returns its length or -1. */
static long
dechunk(char *b, size_t len)
{
	size_t	 in = 0, out = 0, n;
	char	*end;

	for (;;) {
		if (in >= len)
			return -1;
		errno = 0;
		n = strtoul(b + in, &end, 16);
		if (end == b + in || errno != 0 || n > len)
			return -1;
		in = (size_t)(end - b);
		in += strcspn(b + in, "\n");	/* chunk extensions */
		if (in >= len)
			return -1;
		in++;
		if (n == 0)
			return (long)out;
		if (n > len - in)
			return -1;
		memmove(b + out, b + in, n);
		out += n;
		in += n;
		if (len - in < 2 || b[in] != '\r' || b[in + 1] != '\n')
			return -1;
		in += 2;
	}
}

static int
parse_answer(char *raw, size_t len, struct https_answer *ans, char *err,
    size_t errsz)
{
	char		*hend, *body;
	const char	*v;
	size_t		 vlen, blen;
	long		 n;

	if (len < 12 || strncmp(raw, "HTTP/1.", 7) != 0 || raw[8] != ' ' ||
	    raw[9] < '1' || raw[9] > '5' || raw[10] < '0' || raw[10] > '9' ||
	    raw[11] < '0' || raw[11] > '9' ||
	    (hend = strstr(raw, "\r\n\r\n")) == NULL ||
	    (size_t)(hend - raw) > HEAD_MAX) {
		snprintf(err, errsz, "the answer is not HTTP/1.x");
		return -1;
	}
	ans->status = (raw[9] - '0') * 100 + (raw[10] - '0') * 10 +
	    (raw[11] - '0');
	hend[2] = '\0';		/* the head ends at its last CRLF */
	body = hend + 4;
	blen = len - (size_t)(body - raw);
	if ((v = header(raw, "Content-Type", &vlen)) != NULL &&
	    vlen < sizeof(ans->content_type))
		memcpy(ans->content_type, v, vlen);
	if ((v = header(raw, "Transfer-Encoding", &vlen)) != NULL) {
		if (vlen != 7 || strncasecmp(v, "chunked", 7) != 0 ||
		    (n = dechunk(body, blen)) < 0) {
			snprintf(err, errsz, "malformed chunked answer");
			return -1;
		}
		blen = (size_t)n;
	} else if ((v = header(raw, "Content-Length", &vlen)) != NULL) {
		n = strtol(v, NULL, 10);
		if (n < 0 || (size_t)n > blen) {
			snprintf(err, errsz, "the answer was cut short");
			return -1;
		}
		blen = (size_t)n;
	}
	if (blen > HTTPS_ANSWER_MAX) {
		snprintf(err, errsz, "answer larger than %zu bytes",
		    HTTPS_ANSWER_MAX);
		return -1;
	}
	if ((ans->body = malloc(blen + 1)) == NULL) {
		snprintf(err, errsz, "out of memory");
		return -1;
	}
	memcpy(ans->body, body, blen);
	ans->body[blen] = '\0';
	ans->body_len = blen;
	return 0;
}

int
https_post(const struct https_origin *o, const char *path,
    const char *const *headers, const char *body, size_t len, int step_s,
    int total_s, struct https_answer *ans, char *err, size_t errsz)
{
	struct limits	 lim;
	SSL_CTX		*ctx = NULL;
	SSL		*ssl = NULL;
	char		 head[HEAD_MAX], *raw = NULL;
	size_t		 at, rawlen, i;
	int		 fd = -1, n, rc = -1;

	memset(ans, 0, sizeof(*ans));
	limits_start(&lim, step_s, total_s);
	n = snprintf(head, sizeof(head), "POST %s HTTP/1.1\r\n"
	    "Host: %s%s%s%s%s\r\nContent-Length: %zu\r\n"
	    "Connection: close\r\n", path,
	    strchr(o->host, ':') != NULL ? "[" : "", o->host,
	    strchr(o->host, ':') != NULL ? "]" : "",
	    strcmp(o->port, "443") != 0 ? ":" : "",
	    strcmp(o->port, "443") != 0 ? o->port : "", len);
	if (n < 0 || (size_t)n >= sizeof(head))
		goto toolong;
	at = (size_t)n;
	for (i = 0; headers != NULL && headers[i] != NULL; i++) {
		if (strpbrk(headers[i], "\r\n") != NULL)
			goto toolong;
		n = snprintf(head + at, sizeof(head) - at, "%s\r\n",
		    headers[i]);
		if (n < 0 || (size_t)n >= sizeof(head) - at)
			goto toolong;
		at += (size_t)n;
	}
	if (at + 2 >= sizeof(head))
		goto toolong;
	memcpy(head + at, "\r\n", 3);
	at += 2;

	if ((fd = dial(o, &lim, err, errsz)) == -1 ||
	    (ssl = tls_open(&ctx, fd, o, &lim, err, errsz)) == NULL ||
	    write_all(ssl, fd, &lim, head, at, err, errsz) == -1 ||
	    write_all(ssl, fd, &lim, body, len, err, errsz) == -1 ||
	    (raw = read_all(ssl, fd, &lim, &rawlen, err, errsz)) == NULL)
		goto out;
	rc = parse_answer(raw, rawlen, ans, err, errsz);
	goto out;
toolong:
	snprintf(err, errsz, "request head too long or malformed");
out:
	/* Non-blocking: one try at close_notify, never a wait. */
	if (ssl != NULL)
		SSL_shutdown(ssl);
	ERR_clear_error();	/* nothing left for the next call to report */
	SSL_free(ssl);
	SSL_CTX_free(ctx);
	if (fd != -1)
		close(fd);
	free(raw);
	/* The head (even a partial one) holds the admin token: every exit. */
	OPENSSL_cleanse(head, sizeof(head));
	if (rc == -1)
		https_answer_free(ans);
	return rc;
}
