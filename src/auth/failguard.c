#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "auth/failguard.h"
#include "log.h"
#include "textfile.h"

#define FG_MAGIC	"LKTFAILG"
#define FG_VERSION	2		/* 2: the boot's id, not its time */
#define BUCKETS		16384		/* a power of two: 1 MiB of words */
#define SLOTS		8		/* words per bucket: one cache line */
#define TAT_BITS	40		/* 34 years of milliseconds */
#define TAT_MAX		((UINT64_C(1) << TAT_BITS) - 1)
#define RPS_MAX		1000		/* 1/RPS is kept in whole milliseconds */
#define BURST_MAX	100000
/* The kernel's random id of this boot, one per boot (random(4)). */
#define BOOT_ID_PATH	"/proc/sys/kernel/random/boot_id"
/* How often placing one failure may fold duplicates in turn. */
#define FOLD_DEPTH	2

struct header {
	char		 magic[8];	/* FG_MAGIC, written last */
	uint32_t	 version;
	uint32_t	 header_size;	/* sizeof(struct header) */
	uint32_t	 buckets;
	uint32_t	 slots;		/* words per bucket */
	uint64_t	 size;		/* the whole file */
	uint64_t	 epoch_ms;	/* CLOCK_MONOTONIC when laid out */
	uint64_t	 boot_id;	/* boot_id() then; 0: unknown */
	unsigned char	 key[crypto_shorthash_KEYBYTES];
};

_Static_assert(sizeof(struct header) == 64,
    "the header is one cache line, so each bucket is one too");

#define TABLE_SIZE	(sizeof(struct header) + \
			    (size_t)BUCKETS * SLOTS * sizeof(uint64_t))

struct failguard {
	uint64_t	*words;		/* BUCKETS x SLOTS, atomic */
	void		*map;		/* TABLE_SIZE bytes */
	uint64_t	 interval_ms;	/* 1/RPS */
	uint64_t	 limit_ms;	/* BURST/RPS */
	unsigned char	 key[crypto_shorthash_KEYBYTES];
	char		 path[PATH_MAX];	/* "" in process memory */
};

static uint64_t
clock_ms(clockid_t id)
{
	struct timespec	 ts;

	clock_gettime(id, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

uint64_t
failguard_now(void)
{
	return clock_ms(CLOCK_MONOTONIC);
}

/*
 * This boot, as 8 bytes of a hash of its id; 0 when unknown (no /proc).
 * Not the wall clock's time of the boot: a clock step moves that without
 * a new boot, and laying the table out again under workers that still
 * map it would split their counts (they keep the old key).
 */
static uint64_t
boot_id(void)
{
	struct textfile	 tf;
	unsigned char	 h[8];
	uint64_t	 v;
	char		 err[128];

	if (textfile_read(BOOT_ID_PATH, 64, TEXTFILE_UNSIZED, &tf, err,
	    sizeof(err)) != TEXTFILE_OK)
		return 0;
	crypto_generichash(h, sizeof(h), (const unsigned char *)tf.text,
	    tf.len, NULL, 0);
	textfile_free(&tf);
	memcpy(&v, h, sizeof(v));
	return v != 0 ? v : 1;
}

/* The format's 16 hex digits: its version and sizes, hashed. */
static void
format_id(char *out, size_t outsz)
{
	const uint32_t	 desc[4] = { FG_VERSION, sizeof(struct header),
	    BUCKETS, SLOTS };
	unsigned char	 h[8];
	uint64_t	 v;

	crypto_generichash(h, sizeof(h), (const unsigned char *)desc,
	    sizeof(desc), NULL, 0);
	memcpy(&v, h, sizeof(v));
	snprintf(out, outsz, "%016llx", (unsigned long long)v);
}

/* Whether h (of a file of st_size bytes) is a table of this format. */
static bool
header_ok(const struct header *h, size_t st_size)
{
	return memcmp(h->magic, FG_MAGIC, sizeof(h->magic)) == 0 &&
	    h->version == FG_VERSION && h->header_size == sizeof(*h) &&
	    h->buckets == BUCKETS && h->slots == SLOTS &&
	    h->size == TABLE_SIZE && st_size == TABLE_SIZE;
}

/*
 * Whether a table of ours was laid out in another boot than this one:
 * CLOCK_MONOTONIC is before its epoch, or the boot ids differ. With an
 * id unknown only the first can tell; a table kept is never split.
 */
static bool
other_boot(const struct header *h)
{
	uint64_t	 id;

	if (failguard_now() < h->epoch_ms)
		return true;
	id = boot_id();
	return id != 0 && h->boot_id != 0 && id != h->boot_id;
}

/*
 * Lay a table out afresh: empty words, a new epoch and key, then the
 * magic. Only a new file or one of an earlier boot is laid out, so no
 * worker still maps it under the old key: every opener adopts one key.
 */
static void
layout_write(struct header *h)
{
	uint64_t	*w = (uint64_t *)(h + 1);
	size_t		 i;

	for (i = 0; i < (size_t)BUCKETS * SLOTS; i++)
		__atomic_store_n(&w[i], 0, __ATOMIC_RELAXED);
	h->version = FG_VERSION;
	h->header_size = sizeof(*h);
	h->buckets = BUCKETS;
	h->slots = SLOTS;
	h->size = TABLE_SIZE;
	h->epoch_ms = failguard_now();
	h->boot_id = boot_id();
	randombytes_buf(h->key, sizeof(h->key));
	__atomic_thread_fence(__ATOMIC_RELEASE);
	memcpy(h->magic, FG_MAGIC, sizeof(h->magic));
}

static void
adopt(struct failguard *g, void *m)
{
	const struct header	*h = m;

	g->map = m;
	g->words = (uint64_t *)(void *)((struct header *)m + 1);
	memcpy(g->key, h->key, sizeof(g->key));
}

/* Map the shared table of base, laying it out if new. 0, or -1 (logged). */
static int
map_file(struct failguard *g, const char *base)
{
	struct stat	 st;
	char		 id[17];
	void		*m;
	int		 fd, n;

	format_id(id, sizeof(id));
	n = snprintf(g->path, sizeof(g->path), "%s.%s", base, id);
	if (n < 0 || (size_t)n >= sizeof(g->path)) {
		log_warnx("auth failure guard: %.128s: path too long, guarding "
		    "per worker", base);
		g->path[0] = '\0';
		return -1;
	}
	if ((fd = open(g->path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW |
	    O_NONBLOCK, 0600)) == -1) {
		log_warn("auth failure guard: cannot open %s, guarding per "
		    "worker", g->path);
		g->path[0] = '\0';
		return -1;
	}
	/* Workers start together: one of them lays the file out. */
	if (flock(fd, LOCK_EX) == -1 || fstat(fd, &st) == -1)
		goto fail;
	if (!S_ISREG(st.st_mode)) {
		log_warnx("auth failure guard: %s is not a regular file: left "
		    "alone, guarding per worker", g->path);
		goto refuse;
	}
	/* Only an empty file is sized: a laid-out one is never resized. */
	if (st.st_size == 0 && ftruncate(fd, (off_t)TABLE_SIZE) == -1)
		goto fail;
	if (st.st_size != 0 && (size_t)st.st_size != TABLE_SIZE) {
		log_warnx("auth failure guard: %s is %lld bytes, not %zu: left "
		    "alone, guarding per worker", g->path,
		    (long long)st.st_size, TABLE_SIZE);
		goto refuse;
	}
	m = mmap(NULL, TABLE_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (m == MAP_FAILED)
		goto fail;
	/* All zero: new, or its maker died before the magic. */
	if (((struct header *)m)->magic[0] == '\0')
		layout_write(m);
	else if (header_ok(m, TABLE_SIZE) && other_boot(m)) {
		log_warnx("auth failure guard: %s is from an earlier boot: "
		    "starting it afresh", g->path);
		layout_write(m);
	}
	if (!header_ok(m, TABLE_SIZE)) {
		log_warnx("auth failure guard: %s has a header that is not "
		    "ours: left alone, guarding per worker", g->path);
		munmap(m, TABLE_SIZE);
		goto refuse;
	}
	flock(fd, LOCK_UN);
	close(fd);
	adopt(g, m);
	return 0;
fail:
	log_warn("auth failure guard: cannot map %s, guarding per worker",
	    g->path);
refuse:
	close(fd);
	g->path[0] = '\0';
	return -1;
}

/* This process's own table: private, anonymous, laid out the same way. */
static int
map_memory(struct failguard *g)
{
	void	*m;

	m = mmap(NULL, TABLE_SIZE, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (m == MAP_FAILED)
		return -1;
	layout_write(m);
	adopt(g, m);
	return 0;
}

struct failguard *
failguard_open(const char *base, long rps, long burst)
{
	struct failguard	*g;

	if (rps <= 0 || burst <= 0)
		return NULL;
	if (rps > RPS_MAX)
		rps = RPS_MAX;
	if (burst > BURST_MAX)
		burst = BURST_MAX;
	if ((g = calloc(1, sizeof(*g))) == NULL) {
		log_warnx("auth failure guard: out of memory: off");
		return NULL;
	}
	g->interval_ms = (uint64_t)((1000 + rps / 2) / rps);
	g->limit_ms = (uint64_t)burst * g->interval_ms;
	if ((base == NULL || map_file(g, base) == -1) &&
	    map_memory(g) == -1) {
		log_warn("auth failure guard: cannot allocate its table: off");
		free(g);
		return NULL;
	}
	return g;
}

void
failguard_close(struct failguard *g)
{
	if (g == NULL)
		return;
	munmap(g->map, TABLE_SIZE);
	free(g);
}

const char *
failguard_path(const struct failguard *g)
{
	return g != NULL ? g->path : "";
}

size_t
failguard_capacity(void)
{
	return (size_t)BUCKETS * SLOTS;
}

static uint32_t
tag_of(uint64_t w)
{
	return (uint32_t)(w >> TAT_BITS);
}

static uint64_t
tat_of(uint64_t w)
{
	return w & TAT_MAX;
}

int
failguard_locate(const struct failguard *g, const struct address *a,
    size_t *bucket, uint32_t *tag)
{
	unsigned char	 in[1 + 8], h[crypto_shorthash_BYTES];
	size_t		 n;
	uint64_t	 v;

	/* The family in front: 10.0.0.1 and 0a00:0001:: never meet. */
	switch (a->family) {
	case ADDRESS_IPV4:
		in[0] = 4;
		memcpy(in + 1, a->bytes, 4);
		n = 1 + 4;
		break;
	case ADDRESS_IPV6:
		in[0] = 6;
		memcpy(in + 1, a->bytes, 8);	/* the /64 */
		n = 1 + 8;
		break;
	default:
		return -1;
	}
	crypto_shorthash(h, in, n, g->key);
	memcpy(&v, h, sizeof(v));
	/* Low bits pick the bucket, the top 24 the tag: independent. */
	*bucket = (size_t)(v & (BUCKETS - 1));
	*tag = (uint32_t)(v >> TAT_BITS);
	if (*tag == 0)
		*tag = 1;	/* zero is an empty word */
	return 0;
}

/* now_ms as a TAT: CLOCK_MONOTONIC itself, 34 years of uptime. */
static uint64_t
table_time(uint64_t now_ms)
{
	return now_ms < TAT_MAX ? now_ms : TAT_MAX;
}

/*
 * One look at a bucket: its words, the tag's first, whether it has more
 * than one, and the most paid-off word.
 */
struct scan {
	uint64_t	 seen[SLOTS];
	size_t		 first;		/* SLOTS when the tag is absent */
	bool		 more;
	size_t		 victim;
};

static uint64_t *
bucket_words(const struct failguard *g, size_t b)
{
	return g->words + b * SLOTS;
}

static void
scan(const uint64_t *w, uint32_t tag, struct scan *s)
{
	size_t	 i;

	s->first = SLOTS;
	s->more = false;
	s->victim = 0;
	for (i = 0; i < SLOTS; i++) {
		s->seen[i] = __atomic_load_n(&w[i], __ATOMIC_RELAXED);
		if (tag_of(s->seen[i]) == tag) {
			if (s->first == SLOTS)
				s->first = i;
			else
				s->more = true;
		}
		if (tat_of(s->seen[i]) < tat_of(s->seen[s->victim]))
			s->victim = i;
	}
}

uint64_t
failguard_debt(const struct failguard *g, const struct address *a,
    uint64_t now_ms)
{
	struct scan	 s;
	size_t		 b;
	uint32_t	 tag;
	uint64_t	 tat, t;

	if (g == NULL || failguard_locate(g, a, &b, &tag) == -1)
		return 0;
	scan(bucket_words(g, b), tag, &s);
	if (s.first == SLOTS)
		return 0;
	tat = tat_of(s.seen[s.first]);
	t = table_time(now_ms);
	return tat > t ? tat - t : 0;
}

bool
failguard_refuses(const struct failguard *g, const struct address *a,
    uint64_t now_ms)
{
	/* One failure more than the burst's last would be over it. */
	return g != NULL &&
	    failguard_debt(g, a, now_ms) + g->interval_ms > g->limit_ms;
}

static void	add(struct failguard *, size_t, uint32_t, uint64_t, uint64_t,
		    int);

/*
 * After this worker placed tag in bucket b, or saw it twice there: any
 * word of the tag after the first is another worker's placing of the
 * same address. Empty it, then add the debt it held to the first, where
 * the checks look.
 */
static void
fold(struct failguard *g, size_t b, uint32_t tag, uint64_t t, int depth)
{
	uint64_t	*w = bucket_words(g, b);
	uint64_t	 seen;
	size_t		 i;
	bool		 first = false;

	for (i = 0; i < SLOTS; i++) {
		seen = __atomic_load_n(&w[i], __ATOMIC_RELAXED);
		if (tag_of(seen) != tag)
			continue;
		if (!first) {
			first = true;
			continue;
		}
		/* On failure seen is the word now: retry while it is ours. */
		while (tag_of(seen) == tag && !__atomic_compare_exchange_n(&w[i],
		    &seen, 0, false, __ATOMIC_RELAXED, __ATOMIC_RELAXED))
			;
		if (tag_of(seen) == tag && tat_of(seen) > t)
			add(g, b, tag, t, tat_of(seen) - t, depth);
	}
}

/*
 * Add inc milliseconds of debt to tag in bucket b at table time t,
 * placing the tag in the most paid-off word when it is absent.
 */
static void
add(struct failguard *g, size_t b, uint32_t tag, uint64_t t, uint64_t inc,
    int depth)
{
	uint64_t	*w = bucket_words(g, b);
	struct scan	 s;
	uint64_t	 tat;
	size_t		 i;

	for (;;) {
		scan(w, tag, &s);
		i = s.first != SLOTS ? s.first : s.victim;
		tat = s.first != SLOTS ? tat_of(s.seen[i]) : 0;
		if (tat < t)
			tat = t;
		tat = TAT_MAX - tat > inc ? tat + inc : TAT_MAX;
		if (__atomic_compare_exchange_n(&w[i], &s.seen[i],
		    (uint64_t)tag << TAT_BITS | tat, false, __ATOMIC_RELAXED,
		    __ATOMIC_RELAXED))
			break;
	}
	/*
	 * A placing may race another of the same address: the later one's
	 * fold looks after its own CAS, so after the earlier one's too.
	 */
	if ((s.first == SLOTS || s.more) && depth > 0)
		fold(g, b, tag, t, depth - 1);
}

void
failguard_fail(struct failguard *g, const struct address *a,
    uint64_t now_ms)
{
	size_t		 b;
	uint32_t	 tag;

	if (g == NULL || failguard_locate(g, a, &b, &tag) == -1)
		return;
	add(g, b, tag, table_time(now_ms), g->interval_ms, FOLD_DEPTH);
}

size_t
failguard_used(const struct failguard *g)
{
	size_t	 i, n = 0;

	for (i = 0; g != NULL && i < failguard_capacity(); i++)
		if (__atomic_load_n(&g->words[i], __ATOMIC_RELAXED) != 0)
			n++;
	return n;
}
