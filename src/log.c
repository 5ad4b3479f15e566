#include <errno.h>
#include <pthread.h>
#include <signal.h>
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
 * Whole lines in one write(2) to stderr: no stdio lock for the request
 * threads to queue on (the FILE lock of stderr was taken by every
 * request), and up to PIPE_BUF bytes (journald's stream, a pipe) never
 * interleave with another thread's.
 */
static void
write_lines(const char *buf, size_t len)
{
	ssize_t	 n;
	size_t	 off = 0;

	while (off < len) {
		n = write(STDERR_FILENO, buf + off, len - off);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			return;	/* nowhere to say so: stderr is the log */
		off += (size_t)n;
	}
}

/* One request thread's batch (log.h has the protocol). */
struct batch {
	pthread_mutex_t	 mu;
	size_t		 len;		/* under mu */
	long		 first_ms;	/* the oldest buffered line's; under mu */
	long		 last_write_ms;	/* under mu */
	struct batch	*next;		/* under list_mu */
	char		 buf[LOG_BATCH_BYTES];
};

static _Thread_local struct batch	*my_batch;
static pthread_mutex_t	 list_mu = PTHREAD_MUTEX_INITIALIZER;
static struct batch	*batches;	/* under list_mu */

static struct {
	pthread_mutex_t	 mu;
	pthread_cond_t	 cv;		/* on CLOCK_MONOTONIC: made at start */
	pthread_t	 tid;
	int		 running;	/* atomic: the flusher and its cv exist */
	int		 quit;		/* under mu */
	int		 wanted;	/* atomic: a batch was started */
} flusher = { .mu = PTHREAD_MUTEX_INITIALIZER };

/* A coarse monotonic clock (vDSO, no system call): batching needs no more. */
static long
now_ms(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
	return (long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Under b->mu. */
static void
batch_write(struct batch *b, long now)
{
	if (b->len == 0)
		return;
	write_lines(b->buf, b->len);
	b->len = 0;
	b->last_write_ms = now;
}

/* Wake the flusher if it sleeps: the first batch since it last looked. */
static void
flusher_want(void)
{
	if (__atomic_exchange_n(&flusher.wanted, 1, __ATOMIC_SEQ_CST) != 0 ||
	    !__atomic_load_n(&flusher.running, __ATOMIC_ACQUIRE))
		return;
	pthread_mutex_lock(&flusher.mu);
	pthread_cond_signal(&flusher.cv);
	pthread_mutex_unlock(&flusher.mu);
}

/* Write the batches that are due; returns 1 when some line is still buffered. */
static int
flush_due(long now, int all)
{
	struct batch	*b;
	int		 left = 0;

	pthread_mutex_lock(&list_mu);
	for (b = batches; b != NULL; b = b->next) {
		pthread_mutex_lock(&b->mu);
		if (b->len > 0 && (all || now - b->first_ms >= LOG_BATCH_MS))
			batch_write(b, now);
		left |= b->len > 0;
		pthread_mutex_unlock(&b->mu);
	}
	pthread_mutex_unlock(&list_mu);
	return left;
}

/* Sleep ms, or less when told to quit; returns 1 when told to quit. */
static int
flusher_nap(long ms)
{
	struct timespec	 until;
	int		 quit;

	clock_gettime(CLOCK_MONOTONIC, &until);
	until.tv_nsec += ms * 1000000L;
	until.tv_sec += until.tv_nsec / 1000000000L;
	until.tv_nsec %= 1000000000L;
	pthread_mutex_lock(&flusher.mu);
	while (!flusher.quit && pthread_cond_timedwait(&flusher.cv,
	    &flusher.mu, &until) != ETIMEDOUT)
		;
	quit = flusher.quit;
	pthread_mutex_unlock(&flusher.mu);
	return quit;
}

static void *
flusher_main(void *arg)
{
	int	 quit = 0, left;

	(void)arg;
	while (!quit) {
		pthread_mutex_lock(&flusher.mu);
		while (!flusher.quit &&
		    !__atomic_load_n(&flusher.wanted, __ATOMIC_SEQ_CST))
			pthread_cond_wait(&flusher.cv, &flusher.mu);
		quit = flusher.quit;
		pthread_mutex_unlock(&flusher.mu);
		/* Tick while anything is buffered or a batch was started. */
		do {
			if (!quit)
				quit = flusher_nap(LOG_BATCH_MS);
			__atomic_store_n(&flusher.wanted, 0, __ATOMIC_SEQ_CST);
			left = flush_due(now_ms(), quit);
		} while (!quit && (left ||
		    __atomic_load_n(&flusher.wanted, __ATOMIC_SEQ_CST)));
	}
	return NULL;
}

int
log_batch_start(void)
{
	pthread_condattr_t	 ca;
	sigset_t		 all, old;
	int			 rc;

	if (flusher.running)
		return 0;
	flusher.quit = 0;
	/* The naps are timed on the monotonic clock, not the wall clock. */
	if (pthread_condattr_init(&ca) != 0)
		return -1;
	rc = pthread_condattr_setclock(&ca, CLOCK_MONOTONIC) == 0 &&
	    pthread_cond_init(&flusher.cv, &ca) == 0 ? 0 : -1;
	pthread_condattr_destroy(&ca);
	if (rc == -1)
		return -1;
	/* No signal is for the flusher: it inherits none unblocked. */
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	rc = pthread_create(&flusher.tid, NULL, flusher_main, NULL);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (rc != 0) {
		pthread_cond_destroy(&flusher.cv);
		return -1;
	}
	__atomic_store_n(&flusher.running, 1, __ATOMIC_RELEASE);
	return 0;
}

void
log_batch_stop(void)
{
	if (!flusher.running)
		return;
	pthread_mutex_lock(&flusher.mu);
	flusher.quit = 1;
	pthread_cond_signal(&flusher.cv);
	pthread_mutex_unlock(&flusher.mu);
	pthread_join(flusher.tid, NULL);
	__atomic_store_n(&flusher.running, 0, __ATOMIC_RELEASE);
	pthread_cond_destroy(&flusher.cv);
	(void)flush_due(now_ms(), 1);
}

void
log_batch_begin(void)
{
	struct batch	*b;

	/* No flusher or no memory: this thread writes each line at once. */
	if (my_batch != NULL ||
	    !__atomic_load_n(&flusher.running, __ATOMIC_ACQUIRE) ||
	    (b = calloc(1, sizeof(*b))) == NULL)
		return;
	pthread_mutex_init(&b->mu, NULL);
	b->last_write_ms = now_ms() - LOG_BATCH_MS;
	pthread_mutex_lock(&list_mu);
	b->next = batches;
	batches = b;
	pthread_mutex_unlock(&list_mu);
	my_batch = b;
}

void
log_batch_end(void)
{
	struct batch	*b = my_batch, **pp;

	if (b == NULL)
		return;
	pthread_mutex_lock(&list_mu);
	for (pp = &batches; *pp != NULL; pp = &(*pp)->next)
		if (*pp == b) {
			*pp = b->next;
			break;
		}
	pthread_mutex_unlock(&list_mu);
	/* Off the list: nobody else can reach it now. */
	batch_write(b, 0);
	pthread_mutex_destroy(&b->mu);
	free(b);
	my_batch = NULL;
}

void
log_batch_flush_all(void)
{
	struct batch	*b;

	if (pthread_mutex_trylock(&list_mu) != 0)
		return;
	for (b = batches; b != NULL; b = b->next)
		if (pthread_mutex_trylock(&b->mu) == 0) {
			batch_write(b, 0);
			pthread_mutex_unlock(&b->mu);
		}
	pthread_mutex_unlock(&list_mu);
}

/*
 * One line, newline included: written at once when this thread has been
 * quiet (or does not batch), else added to its batch, which is written
 * when full or LOG_BATCH_MS after its first line, by this thread or the
 * flusher. The caller leaves room for the newline: line[len] is written.
 */
static void
emit(char *line, size_t len, int batchable)
{
	struct batch	*b = my_batch;
	long		 now;
	int		 started = 0;

	line[len++] = '\n';
	if (b == NULL) {
		write_lines(line, len);
		return;
	}
	now = now_ms();
	pthread_mutex_lock(&b->mu);
	if (!batchable || (b->len == 0 &&
	    now - b->last_write_ms >= LOG_BATCH_MS)) {
		batch_write(b, now);	/* this thread's order stays */
		write_lines(line, len);
		b->last_write_ms = now;
	} else {
		if (b->len + len > sizeof(b->buf))
			batch_write(b, now);
		if (b->len == 0) {
			b->first_ms = now;
			started = 1;
		}
		memcpy(b->buf + b->len, line, len);
		b->len += len;
		if (now - b->first_ms >= LOG_BATCH_MS) {
			batch_write(b, now);
			started = 0;
		}
	}
	pthread_mutex_unlock(&b->mu);
	if (started)
		flusher_want();
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
	emit(line, (size_t)len, 0);
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
	emit(line, (size_t)len, 1);
}
