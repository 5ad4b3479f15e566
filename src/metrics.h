/*
 * Counters shared by every worker of a pool, so /metrics answers totals
 * whichever worker serves it: a small file mapped MAP_SHARED by each
 * worker, counters bumped with atomic adds. Prometheus text format out.
 */
#ifndef METRICS_H
#define METRICS_H

#include "auth/jwt.h"
#include "error.h"
#include "policy/policy.h"

/*
 * Map the counters at path, creating the file if needed; with path NULL
 * the counters are this process's alone. Returns 0, or -1 (and the
 * counters fall back to process memory) when the file cannot be used.
 */
int	 metrics_open(const char *path);

/* What one answered request adds; room and role are -1 when unknown. */
struct metrics_sample {
	int		 status;
	enum err	 err;
	enum jwt_err	 token_reason;	/* JWT_OK unless a token was refused */
	int		 room;		/* enum room, when a token was issued */
	int		 role;		/* enum role, likewise */
	long		 micros;
};

void	 metrics_record(const struct metrics_sample *);

/* The Prometheus text exposition, malloc'd; NULL when out of memory. */
char	*metrics_render(void);

#endif
