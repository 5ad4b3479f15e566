/*
 * failguard: the failed-authentication guard of issue 14 ("show night":
 * 2,000 signed-in viewers behind one address were refused by a guard that
 * counted every request; now only failures count). Its GCRA arithmetic at
 * frozen time, the keys (IPv4 per address, IPv6 per /64), a full bucket
 * and a tag collision, files that are not its own, the fallback to process
 * memory, and processes x threads racing on one shared table.
 */
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include <sodium.h>

#include "auth/failguard.h"
#include "check.h"

#define RPS		5
#define BURST		50
#define T		(1000 / RPS)	/* ms per failure */

static char	 dir[] = "/tmp/test_failguard.XXXXXX";

static struct address
addr(const char *s)
{
	struct address	 a;

	if (address_parse(s, &a) != 0) {
		fprintf(stderr, "bad test address %s\n", s);
		exit(1);
	}
	return a;
}

/* The i-th address of 10.0.0.0/8. */
static struct address
nth(unsigned i)
{
	struct address	 a;

	memset(&a, 0, sizeof(a));
	a.family = ADDRESS_IPV4;
	a.bytes[0] = 10;
	a.bytes[1] = (unsigned char)(i >> 16);
	a.bytes[2] = (unsigned char)(i >> 8);
	a.bytes[3] = (unsigned char)i;
	return a;
}

static void
fail_n(struct failguard *g, const struct address *a, int n, uint64_t t)
{
	while (n-- > 0)
		failguard_fail(g, a, t);
}

static size_t
bucket_of(const struct failguard *g, const struct address *a)
{
	size_t		 b = (size_t)-1;
	uint32_t	 tag;

	(void)failguard_locate(g, a, &b, &tag);
	return b;
}

/* n addresses of 10/8 from start on that all fall in one bucket. */
static void
same_bucket(const struct failguard *g, unsigned start, struct address *out,
    size_t n)
{
	struct address	 a;
	size_t		 b, k = 1;
	unsigned	 i;

	out[0] = nth(start);
	b = bucket_of(g, &out[0]);
	for (i = start + 1; k < n && i < (1U << 24); i++) {
		a = nth(i);
		if (bucket_of(g, &a) == b)
			out[k++] = a;
	}
	if (k < n) {
		fprintf(stderr, "no %zu addresses in one bucket\n", n);
		exit(1);
	}
}

/* GCRA at frozen time: exactly BURST failures, then one per 1/RPS. */
static void
test_gcra(void)
{
	struct failguard	*g = failguard_open(NULL, RPS, BURST), *one;
	struct address		 a = addr("192.0.2.1"), b = addr("192.0.2.2");
	uint64_t		 t0 = failguard_now();
	int			 i, early = 0;

	CHECK(g != NULL);
	if (g == NULL)
		return;
	CHECK_STR(failguard_path(g), "");
	for (i = 0; i < BURST; i++) {
		if (failguard_refuses(g, &a, t0))
			early = 1;
		failguard_fail(g, &a, t0);
	}
	CHECK(!early);
	CHECK(failguard_refuses(g, &a, t0));
	CHECK(failguard_debt(g, &a, t0) == BURST * T);
	/* One failure's worth is paid off after 1/RPS, not a moment before. */
	CHECK(failguard_refuses(g, &a, t0 + T - 1));
	CHECK(!failguard_refuses(g, &a, t0 + T));
	failguard_fail(g, &a, t0 + T);
	CHECK(failguard_refuses(g, &a, t0 + T));
	CHECK(failguard_debt(g, &a, t0 + T) == BURST * T);
	/* Two periods later, two more. */
	CHECK(!failguard_refuses(g, &a, t0 + 3 * T));
	fail_n(g, &a, 2, t0 + 3 * T);
	CHECK(failguard_refuses(g, &a, t0 + 3 * T));
	/* Quiet for BURST/RPS: all paid off, a whole burst again. */
	CHECK(failguard_debt(g, &a, t0 + 3 * T + BURST * T) == 0);
	fail_n(g, &a, BURST - 1, t0 + 3 * T + BURST * T);
	CHECK(!failguard_refuses(g, &a, t0 + 3 * T + BURST * T));
	failguard_fail(g, &a, t0 + 3 * T + BURST * T);
	CHECK(failguard_refuses(g, &a, t0 + 3 * T + BURST * T));
	/* Another address is not touched. */
	CHECK(!failguard_refuses(g, &b, t0));
	CHECK(failguard_debt(g, &b, t0) == 0);
	CHECK(failguard_used(g) == 1);
	failguard_close(g);

	/* Burst 1, 1/s: one failure, then a whole second. */
	one = failguard_open(NULL, 1, 1);
	CHECK(one != NULL);
	CHECK(!failguard_refuses(one, &a, t0));
	failguard_fail(one, &a, t0);
	CHECK(failguard_refuses(one, &a, t0 + 999));
	CHECK(!failguard_refuses(one, &a, t0 + 1000));
	failguard_close(one);

	/* 1/3 s is kept to the millisecond. */
	one = failguard_open(NULL, 3, 10);
	failguard_fail(one, &a, t0);
	CHECK(failguard_debt(one, &a, t0) == 333);
	failguard_close(one);
}

/* Off, no guard, no address: nothing is ever refused or counted. */
static void
test_off(void)
{
	struct failguard	*g;
	struct address		 none, a = addr("192.0.2.9");
	uint64_t		 t0 = failguard_now();
	size_t			 b;
	uint32_t		 tag;

	CHECK(failguard_open(NULL, 0, BURST) == NULL);
	CHECK(failguard_open(NULL, RPS, 0) == NULL);
	fail_n(NULL, &a, 100, t0);
	CHECK(!failguard_refuses(NULL, &a, t0));
	CHECK_STR(failguard_path(NULL), "");

	CHECK(address_parse("unix:", &none) == -1 &&
	    none.family == ADDRESS_NONE);
	g = failguard_open(NULL, RPS, BURST);
	fail_n(g, &none, 100, t0);
	CHECK(!failguard_refuses(g, &none, t0));
	CHECK(failguard_used(g) == 0);
	CHECK(failguard_locate(g, &none, &b, &tag) == -1);
	failguard_close(g);
}

/* IPv4 per address, IPv6 per /64, a mapped IPv4 as the IPv4 it is. */
static void
test_keys(void)
{
	struct failguard	*g = failguard_open(NULL, RPS, BURST);
	struct address		 a1 = addr("2001:db8:1:2::1");
	struct address		 a2 = addr("2001:db8:1:2:ffff:ffff:ffff:fffe");
	struct address		 a3 = addr("2001:db8:1:3::1");
	struct address		 v4 = addr("198.51.100.7");
	struct address		 mapped = addr("::ffff:198.51.100.7");
	struct address		 next = addr("198.51.100.8");
	struct address		 ten = addr("10.0.0.1"), six = addr("a00:1::");
	uint64_t		 t0 = failguard_now();

	fail_n(g, &a1, BURST, t0);
	CHECK(failguard_refuses(g, &a1, t0));
	CHECK(failguard_refuses(g, &a2, t0));	/* the same /64 */
	CHECK(failguard_debt(g, &a2, t0) == BURST * T);
	CHECK(!failguard_refuses(g, &a3, t0));	/* the next /64 */

	CHECK(mapped.family == ADDRESS_IPV4);
	fail_n(g, &mapped, BURST, t0);
	CHECK(failguard_refuses(g, &v4, t0));
	CHECK(!failguard_refuses(g, &next, t0));	/* per address */

	/* The same bytes in either family are two keys. */
	fail_n(g, &ten, BURST, t0);
	CHECK(failguard_refuses(g, &ten, t0));
	CHECK(!failguard_refuses(g, &six, t0));
	CHECK(failguard_used(g) == 3);
	failguard_close(g);
}

/* A full bucket forgets its most paid-off address, and only that one. */
static void
test_full_bucket(void)
{
	struct failguard	*g = failguard_open(NULL, RPS, BURST);
	struct address		 a[9];
	uint64_t		 t0 = failguard_now(), t = t0 + T / 2;
	int			 i, kept = 1;

	same_bucket(g, 0, a, 9);
	for (i = 0; i < 8; i++)
		fail_n(g, &a[i], i + 1, t0);
	CHECK(failguard_used(g) == 8);
	/* At t every one of them is still in debt; a[0] the least. */
	failguard_fail(g, &a[8], t);
	CHECK(failguard_used(g) == 8);
	CHECK(failguard_debt(g, &a[0], t) == 0);
	CHECK(failguard_debt(g, &a[8], t) == T);
	for (i = 1; i < 8; i++)
		if (failguard_debt(g, &a[i], t) != (uint64_t)(i + 1) * T - T / 2)
			kept = 0;
	CHECK(kept);
	failguard_close(g);
}

static int
cmp_u64(const void *x, const void *y)
{
	uint64_t	 a = *(const uint64_t *)x, b = *(const uint64_t *)y;

	return a < b ? -1 : a > b;
}

/*
 * Two addresses whose hash agrees in bucket and tag (a birthday search
 * over 2^20 addresses finds a pair about twice per key) share one budget;
 * with another key, as another table draws, they are two addresses again.
 */
static void
test_tag_collision(void)
{
	enum { N = 1 << 20, TRIES = 12 };
	struct failguard	*g = NULL, *other;
	struct address		 x, y;
	uint64_t		*v, t0 = failguard_now();
	size_t			 b, i;
	uint32_t		 tag;
	int			 try, found = 0;

	if ((v = malloc(N * sizeof(*v))) == NULL)
		return;
	for (try = 0; try < TRIES && !found; try++) {
		failguard_close(g);
		g = failguard_open(NULL, RPS, BURST);
		for (i = 0; i < N; i++) {
			x = nth((unsigned)i);
			(void)failguard_locate(g, &x, &b, &tag);
			/* 14 + 24 bits of fingerprint, then the index. */
			v[i] = ((uint64_t)b << 24 | tag) << 20 | i;
		}
		qsort(v, N, sizeof(*v), cmp_u64);
		for (i = 1; i < N && !found; i++)
			if (v[i] >> 20 == v[i - 1] >> 20) {
				x = nth((unsigned)(v[i - 1] & (N - 1)));
				y = nth((unsigned)(v[i] & (N - 1)));
				found = 1;
			}
	}
	free(v);
	CHECK(found);
	if (!found) {
		failguard_close(g);
		return;
	}
	fail_n(g, &x, BURST, t0);
	CHECK(failguard_refuses(g, &y, t0));	/* the price of 24-bit tags */
	CHECK(failguard_used(g) == 1);
	other = failguard_open(NULL, RPS, BURST);
	fail_n(other, &x, BURST, t0);
	CHECK(!failguard_refuses(other, &y, t0));
	failguard_close(other);
	failguard_close(g);
}

static off_t
size_of(const char *path)
{
	struct stat	 st;

	return lstat(path, &st) == 0 ? st.st_size : -1;
}

static void
write_bytes(const char *path, const void *p, size_t n)
{
	FILE	*f = fopen(path, "w");

	if (f == NULL || fwrite(p, 1, n, f) != n || fclose(f) != 0) {
		perror(path);
		exit(1);
	}
}

/* The table of base as the workers would open it, shared. */
static struct failguard *
shared(const char *base)
{
	return failguard_open(base, RPS, BURST);
}

/*
 * The file: one table for every opener of a base; anything at its name
 * that is not a table of ours is left alone, and the worker guards in its
 * own memory instead, still within the budget.
 */
static void
test_files(void)
{
	struct failguard	*g, *h;
	struct address		 a = addr("203.0.113.5");
	uint64_t		 t0 = failguard_now();
	size_t			 size = 64 + failguard_capacity() * 8;
	char			 base[256], path[512], target[512];
	unsigned char		*junk;
	int			 same;

	snprintf(base, sizeof(base), "%s/fcgi.sock.auth-failures", dir);
	g = shared(base);
	h = shared(base);
	CHECK(strlen(failguard_path(g)) == strlen(base) + 17);
	CHECK(strncmp(failguard_path(g), base, strlen(base)) == 0);
	CHECK_STR(failguard_path(h), failguard_path(g));
	snprintf(path, sizeof(path), "%s", failguard_path(g));
	CHECK(size_of(path) == (off_t)size);
	fail_n(g, &a, BURST, t0);
	CHECK(failguard_refuses(h, &a, t0));	/* one table for both */
	failguard_close(g);
	failguard_close(h);

	/* Foreign bytes of the right size: untouched, guarding in memory. */
	if ((junk = malloc(size)) == NULL)
		return;
	memset(junk, 0x5a, size);
	memcpy(junk, "NOTOURS!", 8);
	CHECK(unlink(path) == 0);
	write_bytes(path, junk, size);
	g = shared(base);
	CHECK(g != NULL);
	CHECK_STR(failguard_path(g), "");
	fail_n(g, &a, BURST, t0);
	CHECK(failguard_refuses(g, &a, t0));
	failguard_close(g);
	{
		unsigned char	*back = malloc(size);
		FILE		*f = fopen(path, "r");

		same = back != NULL && f != NULL &&
		    fread(back, 1, size, f) == size &&
		    memcmp(back, junk, size) == 0;
		if (f != NULL)
			fclose(f);
		free(back);
	}
	CHECK(same);

	/* Another size: never resized (a mapping of it would SIGBUS). */
	CHECK(unlink(path) == 0);
	write_bytes(path, junk, 100);
	g = shared(base);
	CHECK_STR(failguard_path(g), "");
	CHECK(size_of(path) == 100);
	failguard_close(g);

	/* A link at its name is not followed. */
	CHECK(unlink(path) == 0);
	snprintf(target, sizeof(target), "%s/target", dir);
	write_bytes(target, "keep", 4);
	CHECK(symlink(target, path) == 0);
	g = shared(base);
	CHECK_STR(failguard_path(g), "");
	CHECK(size_of(target) == 4);
	failguard_close(g);
	CHECK(unlink(path) == 0 && unlink(target) == 0);

	/* An all-zero file (its maker died before the magic) is laid out. */
	memset(junk, 0, size);
	write_bytes(path, junk, size);
	g = shared(base);
	CHECK_STR(failguard_path(g), path);
	failguard_close(g);
	free(junk);

	/* No directory to write in: this process's own table, still a guard. */
	snprintf(base, sizeof(base), "%s/missing/fcgi.sock.auth-failures",
	    dir);
	g = shared(base);
	CHECK(g != NULL);
	CHECK_STR(failguard_path(g), "");
	fail_n(g, &a, BURST - 1, t0);
	CHECK(!failguard_refuses(g, &a, t0));
	failguard_fail(g, &a, t0);
	CHECK(failguard_refuses(g, &a, t0));
	failguard_close(g);
}

/*
 * Add d to the 8-byte field of the header at off (failguard.h's order:
 * magic 0, version, header size, buckets, slots, size 24, epoch 32,
 * boot id 40, key).
 */
static void
shift(const char *path, off_t off, int64_t d)
{
	int64_t	 v;
	int	 fd = open(path, O_RDWR);

	if (fd == -1 || pread(fd, &v, sizeof(v), off) != (ssize_t)sizeof(v)) {
		perror(path);
		exit(1);
	}
	v += d;
	if (pwrite(fd, &v, sizeof(v), off) != (ssize_t)sizeof(v)) {
		perror(path);
		exit(1);
	}
	close(fd);
}

/* Set the 8-byte field of the header at off (as shift's) to v. */
static void
set_field(const char *path, off_t off, int64_t v)
{
	int	 fd = open(path, O_RDWR);

	if (fd == -1 || pwrite(fd, &v, sizeof(v), off) != (ssize_t)sizeof(v)) {
		perror(path);
		exit(1);
	}
	close(fd);
}

/*
 * A table kept from an earlier boot (CLOCK_MONOTONIC began again) would
 * refuse its addresses for as long as that boot's uptime: it is laid out
 * afresh instead.
 */
static void
test_earlier_boot(void)
{
	struct failguard	*g;
	struct address		 a = addr("203.0.113.6");
	uint64_t		 t0 = failguard_now();
	char			 base[256], path[512];
	int			 i;

	snprintf(base, sizeof(base), "%s/boot.auth-failures", dir);
	for (i = 0; i < 2; i++) {
		g = shared(base);
		snprintf(path, sizeof(path), "%s", failguard_path(g));
		fail_n(g, &a, BURST, t0);
		CHECK(failguard_refuses(g, &a, t0));
		failguard_close(g);
		if (i == 0)	/* an epoch after now: monotonic began again */
			shift(path, 32, 86400000);
		else		/* laid out in another boot: its id differs */
			shift(path, 40, -3600000);
		g = shared(base);
		CHECK_STR(failguard_path(g), path);
		CHECK(failguard_debt(g, &a, t0) == 0);
		CHECK(failguard_used(g) == 0);
		failguard_close(g);
	}
}

/*
 * A step of the wall clock, as settimeofday(2) or an NTP step would make
 * it: CLOCK_REALTIME only (this binary's clock_gettime, which failguard.c
 * calls, adds it); CLOCK_MONOTONIC and the boot stay as they are.
 */
static time_t	 realtime_step;

int
clock_gettime(clockid_t id, struct timespec *ts)
{
	int	 rc = (int)syscall(SYS_clock_gettime, id, ts);

	if (rc == 0 && id == CLOCK_REALTIME)
		ts->tv_sec += realtime_step;
	return rc;
}

/*
 * Regression: a clock step of more than 2 s made the next worker to open
 * the file take it for an earlier boot's and lay it out again with a new
 * key, while the workers that had mapped it kept counting in it under the
 * old one: two groups counting one address apart, BURST each, until every
 * old worker was replaced. A step is not a new boot: the table is kept.
 */
static void
test_clock_step(void)
{
	struct failguard	*old, *young;
	struct address		 a = addr("203.0.113.8");
	uint64_t		 t0 = failguard_now();
	char			 base[256];
	int			 i, admitted = 0;

	snprintf(base, sizeof(base), "%s/step.auth-failures", dir);
	old = shared(base);
	failguard_fail(old, &a, t0);
	realtime_step = 10;		/* the wall clock jumps 10 s ahead */
	young = shared(base);		/* a worker respawned after it */
	realtime_step = 0;
	CHECK(old != NULL && young != NULL);
	CHECK_STR(failguard_path(young), failguard_path(old));
	CHECK(failguard_debt(young, &a, t0) == T);
	/* Spread over both: one budget, BURST failures in all. */
	for (i = 0; i < 4 * BURST; i++) {
		struct failguard *g = i % 2 ? old : young;

		if (failguard_refuses(g, &a, t0))
			continue;
		failguard_fail(g, &a, t0);
		admitted++;
	}
	CHECK(admitted == BURST - 1);
	CHECK(failguard_refuses(old, &a, t0) && failguard_refuses(young, &a, t0));
	failguard_close(young);
	/* A boot id unknown (laid out without /proc) keeps the table too. */
	set_field(failguard_path(old), 40, 0);
	young = shared(base);
	CHECK(failguard_refuses(young, &a, t0));
	failguard_close(young);
	failguard_close(old);
}

/*
 * The state two workers leave when they place one new address at once,
 * each in a word of its own: written into the file directly (failguard.h:
 * after the 64-byte header, bucket b's 8 words at 64 + 64 b; a word is
 * the tag << 40 | the TAT). The next failure of that address folds the
 * second word into the first, where the checks look: nothing is lost.
 */
static void
test_duplicate_folded(void)
{
	struct failguard	*g;
	struct address		 x = addr("203.0.113.8");
	uint64_t		 t0 = failguard_now(), w, dup;
	char			 base[256];
	size_t			 b, i, empty = 8;
	uint32_t		 tag;
	off_t			 at;
	int			 fd;

	snprintf(base, sizeof(base), "%s/dup.auth-failures", dir);
	g = shared(base);
	fail_n(g, &x, 3, t0);
	CHECK(failguard_locate(g, &x, &b, &tag) == 0);
	if ((fd = open(failguard_path(g), O_RDWR)) == -1) {
		CHECK(fd != -1);
		failguard_close(g);
		return;
	}
	at = (off_t)(64 + b * 64);
	for (i = 0; i < 8 && empty == 8; i++)
		if (pread(fd, &w, sizeof(w), at + (off_t)(i * 8)) == sizeof(w) &&
		    w == 0 && i > 0)
			empty = i;
	CHECK(empty < 8);
	dup = (uint64_t)tag << 40 | (t0 + 2 * T);	/* two failures' worth */
	CHECK(pwrite(fd, &dup, sizeof(dup), at + (off_t)(empty * 8)) ==
	    sizeof(dup));
	close(fd);
	CHECK(failguard_used(g) == 2);
	CHECK(failguard_debt(g, &x, t0) == 3 * T);	/* the first word */
	failguard_fail(g, &x, t0);
	CHECK(failguard_debt(g, &x, t0) == (3 + 2 + 1) * T);
	CHECK(failguard_used(g) == 1);
	failguard_close(g);
}

/* --- processes x threads on one shared table --------------------------- */

#define PROCS		4
#define THREADS		4
#define ROUNDS		500		/* per thread, for the hot address */
#define MANY		1000		/* addresses, each once per thread */
#define CROWDED		24		/* addresses of one bucket of 8 */

struct race {
	const char		*base;
	const struct address	*hot;
	const struct address	*many;	/* MANY of them */
	const struct address	*crowded;	/* CROWDED of one bucket */
	uint64_t		 t;	/* frozen time */
	struct failguard	*g;	/* this process's mapping */
	int			 go;	/* read end: closed by the parent */
	int			 seed;
};

static void *
race_thread(void *arg)
{
	const struct race	*r = arg;
	int			 i, j;

	for (i = 0; i < ROUNDS; i++) {
		failguard_fail(r->g, r->hot, r->t);
		if (r->crowded != NULL)
			for (j = 0; j < CROWDED; j++)
				failguard_fail(r->g, &r->crowded[(j * 7 +
				    i + r->seed) % CROWDED], r->t);
	}
	for (i = 0; r->many != NULL && i < MANY; i++)
		failguard_fail(r->g, &r->many[(i + r->seed * 97) % MANY],
		    r->t);
	return NULL;
}

/* One worker process: open the table, wait for the start, race. */
static void
race_child(struct race *r, int proc)
{
	struct race	 rs[THREADS];
	pthread_t	 tid[THREADS];
	char		 c;
	int		 i;

	if ((r->g = shared(r->base)) == NULL ||
	    failguard_path(r->g)[0] == '\0')
		_exit(2);
	(void)read(r->go, &c, 1);	/* the parent closes it: go */
	for (i = 0; i < THREADS; i++) {
		rs[i] = *r;
		rs[i].seed = proc * THREADS + i;
		if (pthread_create(&tid[i], NULL, race_thread, &rs[i]) != 0)
			_exit(3);
	}
	for (i = 0; i < THREADS; i++)
		pthread_join(tid[i], NULL);
	failguard_close(r->g);
	_exit(0);
}

/*
 * Fork PROCS workers racing on base's table at the frozen time *t (set
 * here) with hot, and many or crowded; 1 when every one did its part.
 */
static int
race(const char *base, const struct address *hot, const struct address *many,
    const struct address *crowded, uint64_t *t)
{
	struct race	 r;
	pid_t		 pid[PROCS];
	int		 p[2], i, st, ok = 1;

	if (pipe(p) == -1)
		return 0;
	memset(&r, 0, sizeof(r));
	r.base = base;
	r.hot = hot;
	r.many = many;
	r.crowded = crowded;
	r.t = *t = failguard_now();
	r.go = p[0];
	for (i = 0; i < PROCS; i++)
		if ((pid[i] = fork()) == 0) {
			close(p[1]);
			race_child(&r, i);
		}
	close(p[0]);
	usleep(50000);		/* let them all open and wait */
	close(p[1]);
	for (i = 0; i < PROCS; i++)
		if (pid[i] == -1 || waitpid(pid[i], &st, 0) == -1 ||
		    !WIFEXITED(st) || WEXITSTATUS(st) != 0)
			ok = 0;
	return ok;
}

/*
 * 4 processes x 4 threads record failures for one address and for 1,000
 * addresses at one frozen time: every update is in the table (the debt is
 * exactly their sum), and nothing else is.
 */
static void
test_race_exact(void)
{
	static struct address	 many[MANY];
	struct address		 hot = addr("203.0.113.77");
	struct failguard	*g;
	char			 base[256];
	uint64_t		 t;
	size_t			 nb = failguard_capacity() / 8, i, worst = 0;
	size_t			*load = calloc(nb, sizeof(*load));
	int			 exact = 1;

	snprintf(base, sizeof(base), "%s/race.auth-failures", dir);
	g = shared(base);
	CHECK(failguard_path(g)[0] != '\0');
	/* The exact sums hold while no bucket overflows: check that first. */
	if (load == NULL)
		return;
	for (i = 0; i < MANY; i++) {
		many[i] = nth(0x010000 + (unsigned)i);
		load[bucket_of(g, &many[i]) % nb]++;
	}
	load[bucket_of(g, &hot) % nb]++;
	for (i = 0; i < nb; i++)
		worst = load[i] > worst ? load[i] : worst;
	free(load);
	CHECK(worst <= 8);
	CHECK(race(base, &hot, many, NULL, &t));
	CHECK(failguard_debt(g, &hot, t) ==
	    (uint64_t)PROCS * THREADS * ROUNDS * T);
	for (i = 0; i < MANY; i++)
		if (failguard_debt(g, &many[i], t) !=
		    (uint64_t)PROCS * THREADS * T)
			exact = 0;
	CHECK(exact);
	CHECK(failguard_used(g) == MANY + 1);
	CHECK(size_of(failguard_path(g)) ==
	    (off_t)(64 + failguard_capacity() * 8));
	failguard_close(g);
}

/*
 * The same race with 24 addresses fighting over one bucket of 8 words,
 * where concurrent placings of one address land in different words:
 * afterwards no address holds two words (the duplicates were folded),
 * the bucket holds at most 8, and no debt appears that was not recorded.
 */
static void
test_race_crowded(void)
{
	struct address		 crowded[CROWDED], hot;
	struct failguard	*g;
	char			 base[256];
	uint64_t		 t, d, sum = 0;
	size_t			 i, present = 0;
	int			 whole = 1;

	snprintf(base, sizeof(base), "%s/crowded.auth-failures", dir);
	g = shared(base);
	same_bucket(g, 0x020000, crowded, CROWDED);
	hot = crowded[0];
	CHECK(race(base, &hot, NULL, crowded, &t));
	for (i = 0; i < CROWDED; i++) {
		d = failguard_debt(g, &crowded[i], t);
		if (d > 0)
			present++;
		if (d % T != 0)
			whole = 0;
		sum += d;
	}
	CHECK(present >= 1);
	CHECK(present == failguard_used(g));	/* one word per address */
	CHECK(failguard_used(g) <= 8);
	CHECK(whole);
	CHECK(sum <= (uint64_t)PROCS * THREADS * ROUNDS * (CROWDED + 1) * T);
	failguard_close(g);
}

/*
 * A worker killed mid-update (kill -9 while it hammers the table) leaves
 * nothing held and nothing half-written: a new opener maps the file at
 * once, every debt is whole failures, and counting goes on.
 */
static void
test_killed_worker(void)
{
	struct address		 hot = addr("203.0.113.99");
	struct failguard	*g;
	char			 base[256];
	uint64_t		 t0 = failguard_now(), d;
	pid_t			 pid;
	int			 st;

	snprintf(base, sizeof(base), "%s/killed.auth-failures", dir);
	g = shared(base);
	failguard_close(g);
	if ((pid = fork()) == 0) {
		if ((g = shared(base)) == NULL)
			_exit(2);
		for (;;)
			failguard_fail(g, &hot, t0);
	}
	usleep(100000);
	CHECK(pid > 0 && kill(pid, SIGKILL) == 0);
	CHECK(waitpid(pid, &st, 0) == pid && WIFSIGNALED(st));
	g = shared(base);
	CHECK(failguard_path(g)[0] != '\0');
	d = failguard_debt(g, &hot, t0);
	CHECK(d > 0 && d % T == 0);
	failguard_fail(g, &hot, t0);
	CHECK(failguard_debt(g, &hot, t0) == d + T);
	failguard_close(g);
}

static void
cleanup(void)
{
	char	 cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "cannot remove %s\n", dir);
}

int
main(void)
{
	if (sodium_init() < 0 || mkdtemp(dir) == NULL)
		return 1;
	test_gcra();
	test_off();
	test_keys();
	test_full_bucket();
	test_tag_collision();
	test_files();
	test_earlier_boot();
	test_clock_step();
	test_duplicate_folded();
	test_race_exact();
	test_race_crowded();
	test_killed_worker();
	cleanup();
	return CHECK_DONE();
}
