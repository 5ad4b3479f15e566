/*
 * log.c: one JSON object per line on standard error, with an RFC 3339
 * UTC time to the millisecond. The time's date part is cached per thread
 * (a second's text reused): these check it stays right across seconds
 * and threads.
 */
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <json-c/json.h>

#include "check.h"
#include "log.h"

/* Standard error into a temporary file for the duration of fn. */
static char *
capture(void (*fn)(void))
{
	FILE	*f = tmpfile();
	char	*out;
	long	 n;
	int	 saved;

	if (f == NULL)
		return NULL;
	fflush(stderr);
	saved = dup(STDERR_FILENO);
	dup2(fileno(f), STDERR_FILENO);
	fn();
	dup2(saved, STDERR_FILENO);
	close(saved);
	n = ftell(f);
	if (n < 0 || (out = calloc(1, (size_t)n + 1)) == NULL) {
		fclose(f);
		return NULL;
	}
	rewind(f);
	if (fread(out, 1, (size_t)n, f) != (size_t)n)
		out[0] = '\0';
	fclose(f);
	return out;
}

/* "YYYY-MM-DDTHH:MM:SS.mmmZ" as the Unix second it names, or -1. */
static long
parse_time(const char *s)
{
	struct tm	 tm;
	int		 ms;
	char		 z;

	memset(&tm, 0, sizeof(tm));
	if (strlen(s) != 24 ||
	    sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d.%3d%c", &tm.tm_year, &tm.tm_mon,
	    &tm.tm_mday, &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &ms, &z) != 8 ||
	    z != 'Z' || ms < 0 || ms > 999)
		return -1;
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	return (long)timegm(&tm);
}

/*
 * Each line a JSON object whose time is within a second of [lo, hi];
 * *latest is the latest second seen.
 */
static int
lines_ok(char *text, long lo, long hi, int want_lines, long *latest)
{
	char	*line, *save = NULL;
	int	 n = 0, bad = 0;

	for (line = strtok_r(text, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save)) {
		struct json_object	*o = json_tokener_parse(line), *t;
		long			 when;

		n++;
		if (o == NULL || !json_object_object_get_ex(o, "time", &t) ||
		    (when = parse_time(json_object_get_string(t))) < lo - 1 ||
		    when > hi + 1) {
			fprintf(stderr, "bad line: %s\n", line);
			bad++;
		} else if (when > *latest)
			*latest = when;
		json_object_put(o);
	}
	return bad == 0 && n == want_lines;
}

static void
one_request(void)
{
	struct reqlog	 r;

	memset(&r, 0, sizeof(r));
	r.request_id = "0123456789abcdef0123456789abcdef";
	r.method = "POST";
	r.path = "/functions/v1/livekit-token";
	r.status = 200;
	r.room = "main_show";
	r.role = "viewer";
	strcpy(r.user, "00000000-0000-4000-8000-000000000001");
	r.micros = 42;
	log_request(&r);
}

/* Lines on both sides of a second boundary: the cached date moves on. */
static void
across_seconds(void)
{
	time_t	 start = time(NULL);
	int	 i;

	for (i = 0; i < 3; i++)
		one_request();
	while (time(NULL) == start)
		usleep(20000);
	for (i = 0; i < 3; i++)
		one_request();
	log_info("a message with \"quotes\"");
}

static void *
thread_lines(void *arg)
{
	int	 i;

	(void)arg;
	for (i = 0; i < 200; i++)
		one_request();
	return NULL;
}

/* Threads each with their own cache, writing at once. */
static void
from_threads(void)
{
	pthread_t	 t[4];
	int		 i;

	for (i = 0; i < 4; i++)
		pthread_create(&t[i], NULL, thread_lines, NULL);
	for (i = 0; i < 4; i++)
		pthread_join(t[i], NULL);
}

/*
 * Batching (log.h). Standard error is a pipe here, drained by a reader
 * thread, so that what a write puts on it can be told from what the next
 * one does: journald's stream is one too.
 */
struct drain {
	int	 fd;
	char	*buf;
	size_t	 len, cap;
	pthread_mutex_t mu;
};

static void *
drain_main(void *arg)
{
	struct drain	*d = arg;
	char		 chunk[65536];
	ssize_t		 n;

	while ((n = read(d->fd, chunk, sizeof(chunk))) > 0) {
		pthread_mutex_lock(&d->mu);
		if (d->len + (size_t)n + 1 > d->cap) {
			d->cap = (d->len + (size_t)n + 1) * 2;
			d->buf = realloc(d->buf, d->cap);
		}
		if (d->buf != NULL) {
			memcpy(d->buf + d->len, chunk, (size_t)n);
			d->len += (size_t)n;
			d->buf[d->len] = '\0';
		}
		pthread_mutex_unlock(&d->mu);
	}
	return NULL;
}

static struct drain	 drain;
static pthread_t	 drain_tid;
static int		 saved_stderr = -1;

static void
pipe_stderr(void)
{
	int	 p[2];

	memset(&drain, 0, sizeof(drain));
	pthread_mutex_init(&drain.mu, NULL);
	if (pipe(p) == -1)
		abort();
	saved_stderr = dup(STDERR_FILENO);
	dup2(p[1], STDERR_FILENO);
	close(p[1]);
	drain.fd = p[0];
	pthread_create(&drain_tid, NULL, drain_main, &drain);
}

/* Restores stderr; what came through is in drain.buf (caller frees). */
static void
unpipe_stderr(void)
{
	dup2(saved_stderr, STDERR_FILENO);
	close(saved_stderr);
	pthread_join(drain_tid, NULL);	/* the pipe's last writer is gone */
	close(drain.fd);
}

/* Lines of the drain so far that contain needle. */
static int
drained(const char *needle)
{
	const char	*p;
	int		 n = 0;

	pthread_mutex_lock(&drain.mu);
	for (p = drain.buf; p != NULL && (p = strstr(p, needle)) != NULL;
	    p++)
		n++;
	pthread_mutex_unlock(&drain.mu);
	return n;
}

/* A request line whose request_id is "<tag>-<seq>". */
static void
tagged_request(const char *tag, int seq)
{
	struct reqlog	 r;
	char		 id[64];

	snprintf(id, sizeof(id), "%s-%06d", tag, seq);
	memset(&r, 0, sizeof(r));
	r.request_id = id;
	r.method = "POST";
	r.path = "/functions/v1/livekit-token";
	r.status = 200;
	r.micros = seq;
	log_request(&r);
}

/* Wait up to 2 s for count lines containing needle. */
static int
wait_drained(const char *needle, int count)
{
	int	 i;

	for (i = 0; i < 200 && drained(needle) < count; i++)
		usleep(10000);
	return drained(needle) == count;
}

#define RACE_THREADS	8
#define RACE_LINES	3000

static void *
race_thread(void *arg)
{
	char	 tag[16];
	int	 i;

	snprintf(tag, sizeof(tag), "race%d", (int)(long)arg);
	log_batch_begin();
	for (i = 0; i < RACE_LINES; i++) {
		tagged_request(tag, i);
		/* Now and then a pause past the batch's age, now and then none. */
		if (i % 500 == 499)
			usleep(15000);
	}
	log_batch_end();
	return NULL;
}

/* Every line whole, each thread's in order, none lost and none twice. */
static int
race_ok(const char *text)
{
	int		 next[RACE_THREADS] = { 0 };
	const char	*line = text, *end;
	int		 t, seq, bad = 0;

	for (; line != NULL && *line != '\0'; line = end + 1) {
		if ((end = strchr(line, '\n')) == NULL)
			return 0;	/* a cut line */
		if (strncmp(line, "{\"time\":", 8) != 0 || end[-1] != '}')
			bad++;
		else if (sscanf(line, "{\"time\":\"%*[^\"]\",\"request_id\":"
		    "\"race%d-%d\"", &t, &seq) == 2 && t >= 0 &&
		    t < RACE_THREADS) {
			if (seq != next[t])
				bad++;
			next[t] = seq + 1;
		}
	}
	for (t = 0; t < RACE_THREADS; t++)
		if (next[t] != RACE_LINES)
			bad++;
	return bad == 0;
}

static void
test_batches(void)
{
	pthread_t	 t[RACE_THREADS];
	long		 i;
	int		 n;

	pipe_stderr();
	CHECK(log_batch_start() == 0);

	/* A quiet thread's line is out before log_request returns. */
	log_batch_begin();
	tagged_request("quiet", 0);
	CHECK(wait_drained("quiet-000000", 1) && drained("quiet-") == 1);

	/*
	 * A burst: lines after the first wait in the batch, and the flusher
	 * writes them although this thread says nothing more.
	 */
	for (n = 1; n <= 50; n++)
		tagged_request("burst", n);
	CHECK(wait_drained("burst-", 50));

	/* A warning writes the thread's batch first: its order stays. */
	tagged_request("order", 1);
	tagged_request("order", 2);
	log_warnx("order-warning");
	CHECK(wait_drained("order-warning", 1));
	pthread_mutex_lock(&drain.mu);
	CHECK(drain.buf != NULL && strstr(drain.buf, "order-000002") != NULL &&
	    strstr(drain.buf, "order-000002") < strstr(drain.buf,
	    "order-warning"));
	pthread_mutex_unlock(&drain.mu);
	log_batch_end();

	/* Threads and the flusher at once, on one pipe. */
	for (i = 0; i < RACE_THREADS; i++)
		pthread_create(&t[i], NULL, race_thread, (void *)i);
	for (i = 0; i < RACE_THREADS; i++)
		pthread_join(t[i], NULL);
	log_batch_stop();
	unpipe_stderr();
	CHECK(drain.buf != NULL && race_ok(strstr(drain.buf, "race") != NULL ?
	    drain.buf : ""));
	/* No write bigger than a batch: PIPE_BUF, so never interleaved. */
	CHECK(LOG_BATCH_BYTES <= PIPE_BUF);
	free(drain.buf);
	pthread_mutex_destroy(&drain.mu);
}

int
main(void)
{
	long	 lo, hi, latest = 0;
	char	*out;

	lo = (long)time(NULL);
	out = capture(across_seconds);
	hi = (long)time(NULL);
	CHECK(out != NULL);
	if (out != NULL) {
		CHECK(strstr(out, "\"status\":200") != NULL);
		CHECK(strstr(out, "a message with \\\"quotes\\\"") != NULL);
		CHECK(lines_ok(out, lo, hi, 7, &latest));
		/* A stale cached date would still say the first second. */
		CHECK(latest >= lo + 1);
	}
	free(out);

	lo = (long)time(NULL);
	out = capture(from_threads);
	hi = (long)time(NULL);
	CHECK(out != NULL);
	if (out != NULL)
		CHECK(lines_ok(out, lo, hi, 800, &latest));
	free(out);

	CHECK(parse_time("2026-12-04T01:02:03.456Z") == 1796346123L);
	CHECK(parse_time("2026-12-04T01:02:03Z") == -1);
	test_batches();
	return CHECK_DONE();
}
