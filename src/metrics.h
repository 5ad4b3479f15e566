/*
 * Counters shared by every worker of a pool, so /metrics answers totals
 * whichever worker serves it. Prometheus text format out.
 *
 * The file: <base>.<layout>, where base is METRICS_FILE or the FastCGI
 * socket's path + ".metrics", and layout is 16 hex digits of a hash of
 * every series name this build counts. A header (magic, version, header
 * size, layout, series count, total size) precedes fixed records, each a
 * series name and its counter, so the file says what it holds.
 *
 * Protocol:
 * - Workers of one build share one file: mapped MAP_SHARED, counters
 *   bumped with relaxed atomic adds, never a lock on the request path.
 * - The first opener lays the file out under flock(LOCK_EX): it sizes an
 *   empty file and writes the header, magic last; the others wait on the
 *   lock and map what it made. A file is never truncated or resized once
 *   laid out, so no mapping in use can lose its pages (SIGBUS). A file of
 *   our name whose header does not match is left alone and this worker
 *   counts in its own memory, with a warning.
 * - A build with another layout uses another file. During a rolling
 *   upgrade each worker renders the sum over every <base>.<layout> file
 *   beside its own (read-only maps, series matched by name), so totals
 *   never go backwards while old and new workers answer side by side.
 * - A worker that dies mid-add loses at most that add; nothing to repair.
 */
#ifndef METRICS_H
#define METRICS_H

#include "auth/jwt.h"
#include "error.h"
#include "policy/policy.h"

/*
 * Map the counters for base (the layout suffix is added here), creating
 * the file if needed; with base NULL the counters are this process's
 * alone. Returns 0, or -1 (and the counters fall back to process memory)
 * when the file cannot be used.
 */
int	 metrics_open(const char *base);

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

/* The file this build counts in ("" when in process memory). */
const char	*metrics_path(void);

#endif
