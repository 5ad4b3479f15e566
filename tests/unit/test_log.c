/*
 * log.c: one JSON object per line on standard error, with an RFC 3339
 * UTC time to the millisecond. The time's date part is cached per thread
 * (a second's text reused): these check it stays right across seconds
 * and threads.
 */
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
	return CHECK_DONE();
}
