#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
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

#define METRICS_MAGIC	"LKTMETRC"
#define METRICS_VERSION	2
#define KEY_MAX		120	/* a series name, NUL-terminated */

/* Statuses we count one by one; anything else lands in "other". */
static const int statuses[] = { 200, 204, 400, 401, 403, 404, 405, 413,
    415, 429, 500, 503 };
#define NSTATUS		(sizeof(statuses) / sizeof(statuses[0]))

/* Upper bounds of the latency buckets, in microseconds. */
static const long buckets[] = { 100, 250, 500, 1000, 2500, 5000, 10000,
    25000, 100000, 1000000 };
#define NBUCKET		(sizeof(buckets) / sizeof(buckets[0]))

/* Every series this build can count, at most; names are deduplicated. */
#define SERIES_MAX	(NSTATUS + 1 + (size_t)ROOM__MAX * ROLE__MAX + ERR__MAX + \
			    JWT_ERR__MAX + NBUCKET + 1 + 1 + 1 + 1)

struct header {
	char		 magic[8];	/* METRICS_MAGIC, written last */
	uint32_t	 version;
	uint32_t	 header_size;	/* sizeof(struct header) */
	uint64_t	 layout;	/* hash of the names, in order */
	uint64_t	 nseries;
	uint64_t	 size;		/* header + nseries records */
	uint8_t		 pad[24];
};

struct record {
	char		 key[KEY_MAX];
	uint64_t	 value;		/* atomic */
};

/* The families of /metrics, in the order they are rendered. */
enum family {
	FAM_REQUESTS,
	FAM_ISSUED,
	FAM_REFUSED,
	FAM_TOKEN_REFUSED,
	FAM_GUARD,		/* the failed-authentication guard's refusals */
	FAM_LATENCY,		/* raw (not cumulative) bucket counts */
	FAM_LATENCY_SUM,	/* microseconds */
	FAM_INTERNAL,		/* counted, never rendered */
	FAM__MAX
};

/* This build's layout: built once, read-only after metrics_open. */
static struct {
	char		 key[SERIES_MAX][KEY_MAX];
	enum family	 fam[SERIES_MAX];
	size_t		 n;
	size_t		 status[NSTATUS + 1];
	size_t		 issued[ROOM__MAX][ROLE__MAX];
	size_t		 refused[ERR__MAX];
	size_t		 token_refused[JWT_ERR__MAX];
	size_t		 guard_refused;
	size_t		 latency[NBUCKET + 1];
	size_t		 latency_sum;
	uint64_t	 hash;
} layout;

static struct record	 local[SERIES_MAX];
static struct record	*c = local;
static char		 path_in_use[PATH_MAX];
static char		 base_dir[PATH_MAX], base_name[PATH_MAX];

/* The index of key in the layout, added when new. */
static size_t
series(enum family fam, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static size_t
series(enum family fam, const char *fmt, ...)
{
	char	 key[KEY_MAX];
	va_list	 ap;
	size_t	 i;
	int	 n;

	va_start(ap, fmt);
	n = vsnprintf(key, sizeof(key), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(key))
		fatalx("metrics: series name too long: %s", key);
	for (i = 0; i < layout.n; i++)
		if (strcmp(layout.key[i], key) == 0)
			return i;
	if (layout.n == SERIES_MAX)
		fatalx("metrics: more than %zu series", (size_t)SERIES_MAX);
	memcpy(layout.key[layout.n], key, (size_t)n + 1);
	layout.fam[layout.n] = fam;
	return layout.n++;
}

/* FNV-1a, 64 bits: names decide the layout, not enum sizes. */
static void
hash_add(uint64_t *h, const void *p, size_t len)
{
	const unsigned char	*b = p;
	size_t			 i;

	for (i = 0; i < len; i++) {
		*h ^= b[i];
		*h *= 0x100000001b3ULL;
	}
}

/* Before main: the tables it reads are constant, and no thread runs. */
static void	layout_build(void) __attribute__((constructor));

static void
layout_build(void)
{
	uint32_t	 v = METRICS_VERSION;
	size_t		 i, j;

	if (layout.n != 0)
		return;
	for (i = 0; i < NSTATUS; i++)
		layout.status[i] = series(FAM_REQUESTS, "livekit_token_"
		    "requests_total{status=\"%d\"}", statuses[i]);
	layout.status[NSTATUS] = series(FAM_REQUESTS, "livekit_token_"
	    "requests_total{status=\"other\"}");
	for (i = 0; i < ROOM__MAX; i++)
		for (j = 0; j < ROLE__MAX; j++)
			layout.issued[i][j] = series(FAM_ISSUED, "livekit_"
			    "token_tokens_issued_total{room=\"%s\",role=\"%s\"}",
			    room_name((enum room)i), role_name((enum role)j));
	/* Two errors may share a code: one series for both. */
	for (i = 1; i < ERR__MAX; i++)
		layout.refused[i] = series(FAM_REFUSED, "livekit_token_"
		    "refusals_total{error=\"%s\"}", err_info((enum err)i)->code);
	for (i = 1; i < JWT_ERR__MAX; i++)
		layout.token_refused[i] = series(FAM_TOKEN_REFUSED,
		    "livekit_token_token_refusals_total{reason=\"%s\"}",
		    jwt_err_reason((enum jwt_err)i));
	layout.guard_refused = series(FAM_GUARD, "livekit_token_auth_failure_"
	    "guard_refusals_total");
	for (i = 0; i < NBUCKET; i++)
		layout.latency[i] = series(FAM_LATENCY, "livekit_token_request_"
		    "duration_seconds_bucket{le=\"%g\"}",
		    (double)buckets[i] / 1e6);
	layout.latency[NBUCKET] = series(FAM_LATENCY, "livekit_token_"
	    "request_duration_seconds_bucket{le=\"+Inf\"}");
	layout.latency_sum = series(FAM_LATENCY_SUM, "livekit_token_request_"
	    "duration_microseconds_sum");
#ifdef METRICS_LAYOUT_TEST_PAD
	/* A build whose layout differs, for the rolling-upgrade tests. */
	(void)series(FAM_INTERNAL, "livekit_token_layout_test_pad");
#endif
	layout.hash = 0xcbf29ce484222325ULL;
	hash_add(&layout.hash, &v, sizeof(v));
	for (i = 0; i < layout.n; i++)
		hash_add(&layout.hash, layout.key[i], strlen(layout.key[i]) + 1);
	for (i = 0; i < layout.n; i++)
		memcpy(local[i].key, layout.key[i], KEY_MAX);
}

static size_t
file_size(void)
{
	return sizeof(struct header) + layout.n * sizeof(struct record);
}

/* Whether h (of a file of st_size bytes) is a laid-out counters file. */
static int
header_ok(const struct header *h, size_t st_size)
{
	return memcmp(h->magic, METRICS_MAGIC, sizeof(h->magic)) == 0 &&
	    h->version == METRICS_VERSION &&
	    h->header_size == sizeof(struct header) &&
	    h->nseries <= SIZE_MAX / sizeof(struct record) &&
	    h->size == sizeof(struct header) +
	    h->nseries * sizeof(struct record) && h->size == st_size;
}

/* Lay out a new file of ours: records first, then the header, magic last. */
static void
layout_write(struct header *h)
{
	struct record	*r = (struct record *)(h + 1);
	size_t		 i;

	for (i = 0; i < layout.n; i++)
		memcpy(r[i].key, layout.key[i], KEY_MAX);
	h->version = METRICS_VERSION;
	h->header_size = sizeof(struct header);
	h->layout = layout.hash;
	h->nseries = layout.n;
	h->size = file_size();
	__atomic_thread_fence(__ATOMIC_RELEASE);
	memcpy(h->magic, METRICS_MAGIC, sizeof(h->magic));
}

/* Remember where siblings of other layouts live: base's directory. */
static void
base_remember(const char *base)
{
	const char	*slash = strrchr(base, '/');

	if (slash == NULL) {
		snprintf(base_dir, sizeof(base_dir), ".");
		snprintf(base_name, sizeof(base_name), "%s", base);
	} else {
		snprintf(base_dir, sizeof(base_dir), "%.*s",
		    slash == base ? 1 : (int)(slash - base), base);
		snprintf(base_name, sizeof(base_name), "%s", slash + 1);
	}
}

int
metrics_open(const char *base)
{
	struct header	*h;
	struct stat	 st;
	size_t		 size;
	void		*m;
	int		 fd, n;

	c = local;
	path_in_use[0] = '\0';
	base_dir[0] = '\0';
	if (base == NULL)
		return 0;
	size = file_size();
	n = snprintf(path_in_use, sizeof(path_in_use), "%s.%016llx", base,
	    (unsigned long long)layout.hash);
	if (n < 0 || (size_t)n >= sizeof(path_in_use)) {
		path_in_use[0] = '\0';
		log_warnx("metrics: %s: path too long, counting per worker",
		    base);
		return -1;
	}
	base_remember(base);
	if ((fd = open(path_in_use, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW,
	    0600)) == -1) {
		log_warn("metrics: cannot open %s, counting per worker",
		    path_in_use);
		path_in_use[0] = '\0';
		return -1;
	}
	/* Workers start together: one of them lays the file out. */
	if (flock(fd, LOCK_EX) == -1 || fstat(fd, &st) == -1)
		goto fail;
	/* Only an empty file is sized: a laid-out one is never resized. */
	if (st.st_size == 0 && ftruncate(fd, (off_t)size) == -1)
		goto fail;
	if (st.st_size != 0 && (size_t)st.st_size != size) {
		log_warnx("metrics: %s is %lld bytes, not this layout's %zu: "
		    "left alone, counting per worker", path_in_use,
		    (long long)st.st_size, size);
		goto refuse;
	}
	m = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (m == MAP_FAILED)
		goto fail;
	h = m;
	/* All zero: new, or its maker died before the magic. */
	if (h->magic[0] == '\0')
		layout_write(h);
	if (!header_ok(h, size) || h->layout != layout.hash) {
		log_warnx("metrics: %s has a header that is not this layout's: "
		    "left alone, counting per worker", path_in_use);
		munmap(m, size);
		goto refuse;
	}
	flock(fd, LOCK_UN);
	close(fd);
	c = (struct record *)(h + 1);
	return 0;
fail:
	log_warn("metrics: cannot map %s, counting per worker", path_in_use);
refuse:
	close(fd);
	path_in_use[0] = '\0';
	base_dir[0] = '\0';
	return -1;
}

const char *
metrics_path(void)
{
	return path_in_use;
}

static void
add(size_t i, uint64_t n)
{
	__atomic_fetch_add(&c[i].value, n, __ATOMIC_RELAXED);
}

void
metrics_record(const struct metrics_sample *s)
{
	size_t	 i;

	for (i = 0; i < NSTATUS && statuses[i] != s->status; i++)
		;
	add(layout.status[i], 1);
	if (s->err != ERR_OK && (unsigned)s->err < ERR__MAX)
		add(layout.refused[s->err], 1);
	if (s->token_reason != JWT_OK && (unsigned)s->token_reason <
	    JWT_ERR__MAX)
		add(layout.token_refused[s->token_reason], 1);
	/* nginx's 429s never reach a worker: ours are the guard's alone. */
	if (s->err == ERR_RATE_LIMITED)
		add(layout.guard_refused, 1);
	if (s->status == 200 && s->room >= 0 && s->room < ROOM__MAX &&
	    s->role >= 0 && s->role < ROLE__MAX)
		add(layout.issued[s->room][s->role], 1);
	for (i = 0; i < NBUCKET && s->micros > buckets[i]; i++)
		;
	add(layout.latency[i], 1);
	add(layout.latency_sum, s->micros > 0 ? (uint64_t)s->micros : 0);
}

/* The index of key in this layout, or layout.n. */
static size_t
series_find(const char *key)
{
	size_t	 i;

	for (i = 0; i < layout.n; i++)
		if (strcmp(layout.key[i], key) == 0)
			return i;
	return layout.n;
}

/* Whether name is base_name + "." + 16 hex digits: a layout's file. */
static int
is_sibling(const char *name)
{
	size_t	 blen = strlen(base_name), i;

	if (strncmp(name, base_name, blen) != 0 || name[blen] != '.' ||
	    strlen(name + blen + 1) != 16)
		return 0;
	for (i = blen + 1; name[i] != '\0'; i++)
		if (strchr("0123456789abcdef", name[i]) == NULL)
			return 0;
	return 1;
}

/* Add the counters of one other layout's file, matched by name. */
static void
sibling_add(int dfd, const char *name, uint64_t *sum)
{
	const struct header	*h;
	const struct record	*r;
	struct stat		 st;
	void			*m;
	size_t			 i, j;
	char			 key[KEY_MAX];
	int			 fd;

	if ((fd = openat(dfd, name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)) == -1)
		return;
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode) ||
	    (size_t)st.st_size < sizeof(*h) ||
	    (m = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_SHARED, fd,
	    0)) == MAP_FAILED) {
		close(fd);
		return;
	}
	close(fd);
	h = m;
	if (header_ok(h, (size_t)st.st_size) && h->layout != layout.hash) {
		r = (const struct record *)(h + 1);
		for (i = 0; i < h->nseries; i++) {
			memcpy(key, r[i].key, sizeof(key));
			key[sizeof(key) - 1] = '\0';
			if ((j = series_find(key)) < layout.n)
				sum[j] += __atomic_load_n(&r[i].value,
				    __ATOMIC_RELAXED);
		}
	}
	munmap(m, (size_t)st.st_size);
}

/* This worker's counters plus those of every other layout beside them. */
static void
totals(uint64_t *sum)
{
	struct dirent	*de;
	DIR		*d;
	size_t		 i;

	for (i = 0; i < layout.n; i++)
		sum[i] = __atomic_load_n(&c[i].value, __ATOMIC_RELAXED);
	if (base_dir[0] == '\0' || (d = opendir(base_dir)) == NULL)
		return;
	while ((de = readdir(d)) != NULL)
		if (is_sibling(de->d_name))
			sibling_add(dirfd(d), de->d_name, sum);
	closedir(d);
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

static const struct {
	const char	*name, *help, *type;
} families[FAM__MAX] = {
	[FAM_REQUESTS] = { "livekit_token_requests_total",
	    "Requests answered by the workers, by HTTP status.", "counter" },
	[FAM_ISSUED] = { "livekit_token_tokens_issued_total",
	    "LiveKit tokens issued, by room and role.", "counter" },
	[FAM_REFUSED] = { "livekit_token_refusals_total",
	    "Requests refused, by error code.", "counter" },
	[FAM_TOKEN_REFUSED] = { "livekit_token_token_refusals_total",
	    "Supabase tokens refused, by reason.", "counter" },
	[FAM_GUARD] = { "livekit_token_auth_failure_guard_refusals_total",
	    "Token requests refused unverified: their address was over its "
	    "budget of failed authentications.", "counter" },
	[FAM_LATENCY] = { "livekit_token_request_duration_seconds",
	    "Time a worker spent on a request.", "histogram" },
};

static void
render_family(struct text *t, enum family f, const uint64_t *sum)
{
	size_t	 i;

	put(t, "# HELP %s %s\n# TYPE %s %s\n", families[f].name,
	    families[f].help, families[f].name, families[f].type);
	for (i = 0; i < layout.n; i++)
		if (layout.fam[i] == f)
			put(t, "%s %llu\n", layout.key[i],
			    (unsigned long long)sum[i]);
}

static void
render_latency(struct text *t, const uint64_t *sum)
{
	uint64_t	 cum = 0;
	size_t		 i;

	put(t, "# HELP %s %s\n# TYPE %s %s\n", families[FAM_LATENCY].name,
	    families[FAM_LATENCY].help, families[FAM_LATENCY].name,
	    families[FAM_LATENCY].type);
	for (i = 0; i <= NBUCKET; i++) {
		cum += sum[layout.latency[i]];
		put(t, "%s %llu\n", layout.key[layout.latency[i]],
		    (unsigned long long)cum);
	}
	put(t, "livekit_token_request_duration_seconds_sum %.6f\n",
	    (double)sum[layout.latency_sum] / 1e6);
	put(t, "livekit_token_request_duration_seconds_count %llu\n",
	    (unsigned long long)cum);
}

char *
metrics_render(void)
{
	struct text	 t = { NULL, 0, 4096, 0 };
	uint64_t	 sum[SERIES_MAX];

	memset(sum, 0, sizeof(sum));
	totals(sum);
	if ((t.s = malloc(t.cap)) == NULL)
		return NULL;
	render_family(&t, FAM_REQUESTS, sum);
	render_family(&t, FAM_ISSUED, sum);
	render_family(&t, FAM_REFUSED, sum);
	render_family(&t, FAM_TOKEN_REFUSED, sum);
	render_family(&t, FAM_GUARD, sum);
	render_latency(&t, sum);
	if (t.failed) {
		free(t.s);
		return NULL;
	}
	return t.s;
}
