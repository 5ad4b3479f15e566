#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "jsonwrite.h"
#include "log.h"

/*
 * RFC 3339 UTC with milliseconds. Every request line has one, and
 * formatting the date with snprintf was a few percent of a request's
 * CPU: each thread keeps the text of its last second (thread-local, no
 * lock) and writes only the milliseconds.
 */
#define TIMESTAMP_LEN	(sizeof("2026-01-01T00:00:00.000Z") - 1)

static void
timestamp(char buf[TIMESTAMP_LEN + 1])
{
	static _Thread_local time_t	 sec = -1;
	static _Thread_local char	 text[TIMESTAMP_LEN + 1];
	struct timespec			 ts;
	struct tm			 tm;
	long				 ms;

	clock_gettime(CLOCK_REALTIME, &ts);
	if (ts.tv_sec != sec) {
		gmtime_r(&ts.tv_sec, &tm);
		/* A year past 9999 would not fit: the epoch, not a torn date. */
		if (tm.tm_year + 1900 > 9999 || tm.tm_year + 1900 < 0 ||
		    snprintf(text, sizeof(text), "%04d-%02d-%02dT%02d:%02d:%02d.000Z",
		    tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
		    tm.tm_min, tm.tm_sec) != (int)TIMESTAMP_LEN)
			memcpy(text, "1970-01-01T00:00:00.000Z", sizeof(text));
		sec = ts.tv_sec;
	}
	memcpy(buf, text, sizeof(text));
	ms = ts.tv_nsec / 1000000;
	buf[20] = (char)('0' + ms / 100);
	buf[21] = (char)('0' + ms / 10 % 10);
	buf[22] = (char)('0' + ms % 10);
}

/*
 * One line, newline included, in one write(2) to stderr: no stdio lock
 * for the request threads to queue on (the FILE lock of stderr was taken
 * by every request), and a line up to PIPE_BUF bytes (journald's stream,
 * a pipe) never interleaves with another thread's. The caller leaves room
 * for the newline: line[len] is written here.
 */
static void
emit(char *line, size_t len)
{
	ssize_t	 n;
	size_t	 off = 0;

	line[len++] = '\n';
	while (off < len) {
		n = write(STDERR_FILENO, line + off, len - off);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			return;	/* nowhere to say so: stderr is the log */
		off += (size_t)n;
	}
}

static void
vlog(const char *, const char *, const char *, va_list)
	__attribute__((format(printf, 3, 0)));

/* One JSON line, written with a single write (emit) so lines never interleave. */
static void
vlog(const char *level, const char *err, const char *fmt, va_list ap)
{
	struct jw	 w;
	char		 msg[1024], when[TIMESTAMP_LEN + 1];
	char		 line[8192];	/* msg escaped at worst sixfold */
	long		 len;
	int		 saved = errno;

	vsnprintf(msg, sizeof(msg), fmt, ap);
	timestamp(when);
	jw_init(&w, line, sizeof(line) - 1);	/* room for the newline */
	jw_open(&w);
	jw_str(&w, "time", when);
	jw_str(&w, "level", level);
	jw_str(&w, "msg", msg);
	if (err != NULL)
		jw_str(&w, "errno", err);
	jw_close(&w);
	if ((len = jw_finish(&w)) == -1) {
		fprintf(stderr, "%s: %s\n", level, msg);
		errno = saved;
		return;
	}
	emit(line, (size_t)len);
	errno = saved;
}

void
log_info(const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	vlog("info", NULL, fmt, ap);
	va_end(ap);
}

void
log_warn(const char *fmt, ...)
{
	va_list	 ap;
	char	 err[128];

	snprintf(err, sizeof(err), "%s", strerror(errno));
	va_start(ap, fmt);
	vlog("warn", err, fmt, ap);
	va_end(ap);
}

void
log_warnx(const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	vlog("warn", NULL, fmt, ap);
	va_end(ap);
}

void
fatal(const char *fmt, ...)
{
	va_list	 ap;
	char	 err[128];

	snprintf(err, sizeof(err), "%s", strerror(errno));
	va_start(ap, fmt);
	vlog("fatal", err, fmt, ap);
	va_end(ap);
	exit(1);
}

void
fatalx(const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	vlog("fatal", NULL, fmt, ap);
	va_end(ap);
	exit(1);
}

static void
put_str(struct jw *w, const char *k, const char *v)
{
	if (v != NULL)
		jw_str(w, k, v);
}

/*
 * Written without a JSON tree: one of these per request. Every field is
 * bounded (the path is one of three routes nginx passes on, the ids are
 * checked), so the line always fits; if it ever did not, a line saying so
 * is written rather than a truncated one.
 */
void
log_request(const struct reqlog *r)
{
	struct jw	 w;
	char		 line[2048], when[TIMESTAMP_LEN + 1];
	long		 len;

	timestamp(when);
	jw_init(&w, line, sizeof(line) - 1);	/* room for the newline */
	jw_open(&w);
	jw_str(&w, "time", when);
	put_str(&w, "request_id", r->request_id);
	put_str(&w, "method", r->method);
	put_str(&w, "path", r->path);
	jw_int(&w, "status", r->status);
	put_str(&w, "error", r->error);
	put_str(&w, "reason", r->reason);
	put_str(&w, "room", r->room);
	put_str(&w, "role", r->role);
	put_str(&w, "user", r->user[0] != '\0' ? r->user : NULL);
	jw_int(&w, "us", r->micros);
	jw_close(&w);
	if ((len = jw_finish(&w)) == -1) {
		log_warnx("a request log line did not fit in %zu bytes "
		    "(status %d)", sizeof(line), r->status);
		return;
	}
	emit(line, (size_t)len);
}
