/*
 * Revocation list microbenchmark (issue 11): how long a 100,000-entry
 * REVOCATION_FILE takes to load, and what one revocation_check costs for
 * a revoked user, a revoked session and a token in no entry (the common
 * case on the request path). bench/revocation.sh builds and runs it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "auth/revocation.h"

#define LOOKUPS	2000000

static double
seconds(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* A UUID-shaped id, as Supabase's user and session ids are. */
static void
uuid_of(char *buf, size_t cap, unsigned long i, unsigned salt)
{
	snprintf(buf, cap, "%08lx-%04x-4%03x-8%03lx-%012lx", i * 2654435761UL,
	    salt, (unsigned)(i & 0xfff), (i >> 12) & 0xfff, i * 40503UL);
}

int
main(int argc, char *argv[])
{
	struct revocation_list	*l = NULL;
	unsigned long		 n = argc > 1 ? strtoul(argv[1], NULL, 10) :
				    100000, i;
	char			*text, *p, err[256], (*ids)[40];
	double			 t0, load, per[3];
	volatile int		 sink = 0;
	int			 kind;

	if (sodium_init() < 0 || n == 0)
		return 1;
	text = malloc(n * 80 + 64);
	ids = malloc(n * sizeof(*ids));
	if (text == NULL || ids == NULL)
		return 1;
	p = text + sprintf(text, "%s\n", REVOCATION_MAGIC);
	for (i = 0; i < n; i++) {
		uuid_of(ids[i], sizeof(ids[i]), i, 0xa);
		p += sprintf(p, "%s %s %s\n", i % 4 == 0 ? "user" : "session",
		    ids[i], i % 8 == 0 ? "-" : "1893456000");
	}
	sprintf(p, "end %lu\n", n);

	t0 = seconds();
	if (revocation_parse(text, strlen(text), &l, err, sizeof(err)) !=
	    (long)n) {
		fprintf(stderr, "refused: %s\n", err);
		return 1;
	}
	load = seconds() - t0;

	for (kind = 0; kind < 3; kind++) {
		char	 miss[40];

		t0 = seconds();
		for (i = 0; i < LOOKUPS; i++) {
			unsigned long	 k = (i * 7919) % n;

			if (kind == 2) {
				uuid_of(miss, sizeof(miss), k, 0xb);
				sink += revocation_check(l, miss, miss,
				    1767225600);
			} else if (kind == 0)
				sink += revocation_check(l, ids[k & ~3UL], "",
				    1767225600);
			else
				sink += revocation_check(l, "nobody",
				    ids[k | 1], 1767225600);
		}
		per[kind] = (seconds() - t0) / LOOKUPS;
	}
	/* The miss loop also formats an id: take that cost out. */
	t0 = seconds();
	for (i = 0; i < LOOKUPS; i++) {
		char	 miss[40];

		uuid_of(miss, sizeof(miss), (i * 7919) % n, 0xb);
		sink += miss[3];
	}
	per[2] -= (seconds() - t0) / LOOKUPS;

	printf("revocation list: %lu entries, %zu bytes: load %.1f ms\n", n,
	    strlen(text), load * 1e3);
	printf("revocation_check: revoked user %.0f ns, revoked session "
	    "%.0f ns, not revoked (user + session probe) %.0f ns\n",
	    per[0] * 1e9, per[1] * 1e9, per[2] * 1e9);
	revocation_free(l);
	free(text);
	free(ids);
	return sink == -1;
}
