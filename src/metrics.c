#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"
#include "metrics.h"

#define METRICS_MAGIC	0x4c4b544d45545231ULL	/* "LKTMETR1" */

/* Statuses we count one by one; anything else lands in "other". */
static const int statuses[] = { 200, 204, 400, 401, 403, 404, 405, 413,
    415, 500, 503 };
#define NSTATUS		(sizeof(statuses) / sizeof(statuses[0]))

/* Upper bounds of the latency buckets, in microseconds. */
static const long buckets[] = { 100, 250, 500, 1000, 2500, 5000, 10000,
    25000, 100000, 1000000 };
#define NBUCKET		(sizeof(buckets) / sizeof(buckets[0]))

/* The shared layout; a change of it must change METRICS_MAGIC. */
struct counters {
	uint64_t	 magic;
	uint64_t	 requests[NSTATUS + 1];
	uint64_t	 issued[ROOM__MAX][ROLE__MAX];
	uint64_t	 refused[ERR__MAX];
	uint64_t	 token_refused[JWT_ERR__MAX];
	uint64_t	 latency[NBUCKET + 1];	/* last: above every bound */
	uint64_t	 latency_sum_us;
};

static struct counters	 local;
static struct counters	*c = &local;

int
metrics_open(const char *path)
{
	struct counters	*m;
	struct stat	 st;
	int		 fd;

	c = &local;
	if (path == NULL)
		return 0;
	if ((fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW,
	    0600)) == -1) {
		log_warn("metrics: cannot open %s, counting per worker", path);
		return -1;
	}
	/* Workers start together: one of them lays the file out. */
	if (flock(fd, LOCK_EX) == -1 || fstat(fd, &st) == -1)
		goto fail;
	if ((size_t)st.st_size != sizeof(*m) &&
	    (ftruncate(fd, 0) == -1 || ftruncate(fd, sizeof(*m)) == -1))
		goto fail;
	m = mmap(NULL, sizeof(*m), PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (m == MAP_FAILED)
		goto fail;
	if (m->magic != METRICS_MAGIC) {
		memset(m, 0, sizeof(*m));
		m->magic = METRICS_MAGIC;
	}
	flock(fd, LOCK_UN);
	close(fd);
	c = m;
	return 0;
fail:
	log_warn("metrics: cannot map %s, counting per worker", path);
	close(fd);
	return -1;
}

static void
add(uint64_t *v, uint64_t n)
{
	__atomic_fetch_add(v, n, __ATOMIC_RELAXED);
}

static uint64_t
get(const uint64_t *v)
{
	return __atomic_load_n(v, __ATOMIC_RELAXED);
}

void
metrics_record(const struct metrics_sample *s)
{
	size_t	 i;

	for (i = 0; i < NSTATUS && statuses[i] != s->status; i++)
		;
	add(&c->requests[i], 1);
	if (s->err != ERR_OK && (unsigned)s->err < ERR__MAX)
		add(&c->refused[s->err], 1);
	if (s->token_reason != JWT_OK && (unsigned)s->token_reason <
	    JWT_ERR__MAX)
		add(&c->token_refused[s->token_reason], 1);
	if (s->status == 200 && s->room >= 0 && s->room < ROOM__MAX &&
	    s->role >= 0 && s->role < ROLE__MAX)
		add(&c->issued[s->room][s->role], 1);
	for (i = 0; i < NBUCKET && s->micros > buckets[i]; i++)
		;
	add(&c->latency[i], 1);
	add(&c->latency_sum_us, s->micros > 0 ? (uint64_t)s->micros : 0);
}

/* A growing text buffer; on allocation failure it stays failed. */
struct text {
	char	*s;
	size_t	 len, cap;
	int	 failed;
};

static void
put(struct text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void
put(struct text *t, const char *fmt, ...)
{
	va_list	 ap;
	int	 n;
	char	*p;

	if (t->failed)
		return;
	for (;;) {
		va_start(ap, fmt);
		n = vsnprintf(t->s + t->len, t->cap - t->len, fmt, ap);
		va_end(ap);
		if (n < 0) {
			t->failed = 1;
			return;
		}
		if ((size_t)n < t->cap - t->len) {
			t->len += (size_t)n;
			return;
		}
		if ((p = realloc(t->s, t->cap * 2 + (size_t)n)) == NULL) {
			t->failed = 1;
			return;
		}
		t->s = p;
		t->cap = t->cap * 2 + (size_t)n;
	}
}

static void
render_counters(struct text *t)
{
	size_t	 i, j;

	put(t, "# HELP livekit_token_requests_total Requests answered by the "
	    "workers, by HTTP status.\n"
	    "# TYPE livekit_token_requests_total counter\n");
	for (i = 0; i < NSTATUS; i++)
		put(t, "livekit_token_requests_total{status=\"%d\"} %llu\n",
		    statuses[i], (unsigned long long)get(&c->requests[i]));
	put(t, "livekit_token_requests_total{status=\"other\"} %llu\n",
	    (unsigned long long)get(&c->requests[NSTATUS]));

	put(t, "# HELP livekit_token_tokens_issued_total LiveKit tokens "
	    "issued, by room and role.\n"
	    "# TYPE livekit_token_tokens_issued_total counter\n");
	for (i = 0; i < ROOM__MAX; i++)
		for (j = 0; j < ROLE__MAX; j++)
			put(t, "livekit_token_tokens_issued_total{room=\"%s\","
			    "role=\"%s\"} %llu\n", room_name((enum room)i),
			    role_name((enum role)j),
			    (unsigned long long)get(&c->issued[i][j]));

	put(t, "# HELP livekit_token_refusals_total Requests refused, by "
	    "error code.\n"
	    "# TYPE livekit_token_refusals_total counter\n");
	for (i = 1; i < ERR__MAX; i++)
		put(t, "livekit_token_refusals_total{error=\"%s\"} %llu\n",
		    err_info((enum err)i)->code,
		    (unsigned long long)get(&c->refused[i]));

	put(t, "# HELP livekit_token_token_refusals_total Supabase tokens "
	    "refused, by reason.\n"
	    "# TYPE livekit_token_token_refusals_total counter\n");
	for (i = 1; i < JWT_ERR__MAX; i++)
		put(t, "livekit_token_token_refusals_total{reason=\"%s\"} "
		    "%llu\n", jwt_err_reason((enum jwt_err)i),
		    (unsigned long long)get(&c->token_refused[i]));
}

static void
render_latency(struct text *t)
{
	uint64_t	 cum = 0;
	size_t		 i;

	put(t, "# HELP livekit_token_request_duration_seconds Time a worker "
	    "spent on a request.\n"
	    "# TYPE livekit_token_request_duration_seconds histogram\n");
	for (i = 0; i < NBUCKET; i++) {
		cum += get(&c->latency[i]);
		put(t, "livekit_token_request_duration_seconds_bucket{le=\""
		    "%g\"} %llu\n", (double)buckets[i] / 1e6,
		    (unsigned long long)cum);
	}
	cum += get(&c->latency[NBUCKET]);
	put(t, "livekit_token_request_duration_seconds_bucket{le=\"+Inf\"} "
	    "%llu\n", (unsigned long long)cum);
	put(t, "livekit_token_request_duration_seconds_sum %.6f\n",
	    (double)get(&c->latency_sum_us) / 1e6);
	put(t, "livekit_token_request_duration_seconds_count %llu\n",
	    (unsigned long long)cum);
}

char *
metrics_render(void)
{
	struct text	 t = { NULL, 0, 4096, 0 };

	if ((t.s = malloc(t.cap)) == NULL)
		return NULL;
	render_counters(&t);
	render_latency(&t);
	if (t.failed) {
		free(t.s);
		return NULL;
	}
	return t.s;
}
