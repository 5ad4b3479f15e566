/*
 * metrics: the shared counters file across builds of different layouts.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sys/stat.h>
#include <sys/wait.h>

#include "check.h"
#include "metrics.h"

#define OPENER	"build/pad/metrics-opener"

static char	 dir[] = "/tmp/test_metrics.XXXXXX";

/* The value of one series in the exposition, or -1 when absent. */
static long
value(const char *series)
{
	char	*text = metrics_render(), *p;
	long	 v = -1;
	size_t	 n = strlen(series);

	if (text == NULL)
		return -1;
	for (p = text; p != NULL && *p != '\0'; p = strchr(p, '\n')) {
		if (*p == '\n')
			p++;
		if (strncmp(p, series, n) == 0 && p[n] == ' ') {
			v = strtol(p + n + 1, NULL, 10);
			break;
		}
	}
	free(text);
	return v;
}

/* Run the other build's opener on base; its exit status. */
static int
run_opener(const char *base)
{
	pid_t	 pid;
	int	 st;

	if ((pid = fork()) == 0) {
		execl(OPENER, OPENER, base, (char *)NULL);
		_exit(127);
	}
	if (pid == -1 || waitpid(pid, &st, 0) == -1)
		return -1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

/* Names and sizes of the regular files in dir, "name=size;" each. */
static void
listing(char *out, size_t cap)
{
	struct dirent	*de;
	struct stat	 st;
	char		 p[512];
	DIR		*d = opendir(dir);
	size_t		 len = 0;

	out[0] = '\0';
	if (d == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		snprintf(p, sizeof(p), "%s/%s", dir, de->d_name);
		if (stat(p, &st) == 0 && S_ISREG(st.st_mode) && len < cap)
			len += (size_t)snprintf(out + len, cap - len, "%s=%lld;",
			    de->d_name, (long long)st.st_size);
	}
	closedir(d);
}

/*
 * Issue 10, "Shared metrics during a rolling upgrade": a new worker whose
 * layout differed truncated the shared file, and the old workers died of
 * SIGBUS on their next request. Here this process is the old worker: it
 * maps the counters, a build with another layout opens the same base,
 * and this process counts again -- it must live, its file must keep its
 * size, and /metrics must add both builds' counts.
 */
static void
test_other_layout_beside(void)
{
	struct metrics_sample	 ok = { 200, ERR_OK, JWT_OK, -1, -1, 120 };
	char			 base[256], before[2048], after[2048];

	snprintf(base, sizeof(base), "%s/fcgi.sock.metrics", dir);
	CHECK(metrics_open(base) == 0);
	metrics_record(&ok);
	listing(before, sizeof(before));
	CHECK(access(OPENER, X_OK) == 0);
	CHECK(run_opener(base) == 0);
	metrics_record(&ok);		/* SIGBUS here before the fix */
	listing(after, sizeof(after));
	/* Ours is untouched; the other build has a file of its own. */
	CHECK(strstr(after, before) != NULL);
	CHECK(strlen(after) > strlen(before));
	CHECK(value("livekit_token_requests_total{status=\"200\"}") == 2);
	CHECK(value("livekit_token_requests_total{status=\"401\"}") == 1);
	CHECK(value("livekit_token_refusals_total{error=\"invalid_token\"}")
	    == 1);
	CHECK(value("livekit_token_request_duration_seconds_count") == 3);

	/* The same build again shares the file, and sees the same totals. */
	CHECK(metrics_open(base) == 0);
	CHECK(value("livekit_token_requests_total{status=\"200\"}") == 2);
	CHECK(value("livekit_token_requests_total{status=\"401\"}") == 1);
}

/*
 * Workers of one build count into one file at once: relaxed atomic adds,
 * no lock, no count lost. Four processes and this one race 5,000 each,
 * while the other build opens the same base beside them.
 */
static void
test_concurrent_workers(void)
{
	struct metrics_sample	 s = { 204, ERR_OK, JWT_OK, -1, -1, 10 };
	char			 base[256];
	pid_t			 pid[4];
	int			 i, j, st, ok = 1;

	snprintf(base, sizeof(base), "%s/race.metrics", dir);
	CHECK(metrics_open(base) == 0);
	for (i = 0; i < 4; i++)
		if ((pid[i] = fork()) == 0) {
			if (metrics_open(base) == -1)
				_exit(1);
			for (j = 0; j < 5000; j++)
				metrics_record(&s);
			_exit(0);
		}
	CHECK(run_opener(base) == 0);
	for (j = 0; j < 5000; j++)
		metrics_record(&s);
	for (i = 0; i < 4; i++)
		if (pid[i] == -1 || waitpid(pid[i], &st, 0) == -1 ||
		    !WIFEXITED(st) || WEXITSTATUS(st) != 0)
			ok = 0;
	CHECK(ok);
	CHECK(value("livekit_token_requests_total{status=\"204\"}") == 25000);
	CHECK(value("livekit_token_requests_total{status=\"401\"}") == 1);
}

/* A file of our name that is not ours is left alone, never truncated. */
static void
test_foreign_file_left_alone(void)
{
	char		 base[256], path[300];
	struct stat	 st;
	FILE		*f;

	snprintf(base, sizeof(base), "%s/other.metrics", dir);
	CHECK(metrics_open(base) == 0);
	snprintf(path, sizeof(path), "%s", metrics_path());
	CHECK(metrics_open(NULL) == 0);
	CHECK(unlink(path) == 0);
	CHECK((f = fopen(path, "w")) != NULL);
	if (f == NULL)
		return;
	fputs("not a counters file", f);
	fclose(f);
	CHECK(metrics_open(base) == -1);
	CHECK(stat(path, &st) == 0 && st.st_size == 19);
	CHECK(unlink(path) == 0);
}

/*
 * Issue 14: the failed-authentication guard's refusals, counted on their
 * own (nginx's 429s never reach a worker) and as 429s, not "other".
 */
static void
test_guard_refusals(void)
{
	struct metrics_sample	 s = { 429, ERR_RATE_LIMITED, JWT_OK, -1, -1,
	    15 };
	struct metrics_sample	 f = { 401, ERR_INVALID_TOKEN,
	    JWT_ERR_SIGNATURE, -1, -1, 60 };

	CHECK(metrics_open(NULL) == 0);
	metrics_record(&f);
	metrics_record(&s);
	metrics_record(&s);
	CHECK(value("livekit_token_auth_failure_guard_refusals_total") == 2);
	CHECK(value("livekit_token_requests_total{status=\"429\"}") == 2);
	CHECK(value("livekit_token_requests_total{status=\"other\"}") == 0);
	CHECK(value("livekit_token_refusals_total{error=\"rate_limited\"}") ==
	    2);
	CHECK(value("livekit_token_token_refusals_total{reason=\""
	    "bad_signature\"}") == 1);
}

static void
cleanup(void)
{
	struct dirent	*de;
	char		 p[512];
	DIR		*d = opendir(dir);

	if (d != NULL) {
		while ((de = readdir(d)) != NULL)
			if (de->d_name[0] != '.') {
				snprintf(p, sizeof(p), "%s/%s", dir, de->d_name);
				unlink(p);
			}
		closedir(d);
	}
	rmdir(dir);
}

int
main(void)
{
	if (mkdtemp(dir) == NULL)
		return 1;
	test_other_layout_beside();
	test_concurrent_workers();
	test_foreign_file_left_alone();
	test_guard_refusals();
	cleanup();
	return CHECK_DONE();
}
