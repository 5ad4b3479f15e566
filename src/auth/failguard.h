/*
 * The failed-authentication guard (issue 14). Per client address, the
 * requests refused for their bearer token (every 401 but
 * missing_authorization) are counted against a budget of
 * AUTH_FAILURE_RPS a second with a burst of AUTH_FAILURE_BURST (GCRA);
 * an address over it is refused (429) before its next token costs a
 * signature check. Signed-in users behind one address (venue Wi-Fi,
 * CGNAT) are never counted, whatever their number: only failures are.
 * IPv4 is keyed per address, IPv6 per /64 (what one subscriber gets).
 *
 * The file: <base>.<format>, where base is AUTH_FAILURE_FILE or the
 * FastCGI socket's path + ".auth-failures", and format is 16 hex digits
 * of a hash of the version and sizes, so a build with another format uses
 * another file. A 64-byte header (magic, version, sizes, when and in which
 * boot it was laid out, a random SipHash key) precedes the buckets: 8
 * 64-bit words each, one cache line.
 *
 * Protocol:
 * - Every worker of the pool maps the file MAP_SHARED. A word is read
 *   with atomic loads and changed only by compare-and-swap, never under
 *   a lock: a worker that dies mid-update loses at most that update, and
 *   nothing is left half-written or held, so there is nothing to repair.
 * - A word is one address: a 24-bit tag, then a 40-bit theoretical
 *   arrival time (TAT, in CLOCK_MONOTONIC milliseconds). The address's
 *   keyed hash (crypto_shorthash, with the key the first opener drew, so
 *   nobody outside can aim addresses at one bucket) picks the bucket and
 *   the tag; zero is an empty word. The debt of an address is TAT - now.
 * - Checking only reads: a crowd of valid users writes nothing. A
 *   failure sets the first word of the address's tag to
 *   max(TAT, now) + 1/RPS; an address not in its bucket takes the word
 *   most paid off (the smallest TAT: empty and long-quiet words first).
 *   When two workers place one new address at once, each in a word of
 *   its own, the later one (and whoever next sees the tag twice) empties
 *   every word of the tag after the first and adds its debt to the first,
 *   the one checks read: no failure stays where no check looks.
 * - The first opener lays the file out under flock(LOCK_EX): it sizes an
 *   empty file and writes the header, magic last; the others wait on the
 *   lock and map what it made. A laid-out file is never truncated or
 *   resized. A file of our name whose size or header is not ours is left
 *   alone and this worker guards in its own memory, with a warning, as it
 *   does when the file cannot be opened at all.
 * - Times are CLOCK_MONOTONIC: shared by every process, moved by no clock
 *   step. A file laid out in an earlier boot (CLOCK_MONOTONIC is before
 *   its epoch, or its boot id, from /proc/sys/kernel/random/boot_id, is
 *   not this boot's) is laid out afresh, under the lock, by the first
 *   opener; no worker of that boot can still map it. A wall-clock step
 *   changes neither, so the file is kept and every worker counts in it
 *   under the one key. Without the boot id (the unit's ProcSubset=pid
 *   hides /proc/sys) only the epoch tells an earlier boot; the unit's
 *   file is in /run, which no boot outlives.
 *
 * Bounds: at most failguard_capacity() addresses; a full bucket forgets
 * its most paid-off address first. Two addresses whose hashes agree in
 * bucket and tag share one budget (about 1 in 16 million per pair that
 * shares a bucket). Requests already past the check when an address runs
 * out still count: a burst can pass BURST by the requests in flight.
 */
#ifndef FAILGUARD_H
#define FAILGUARD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "request/address.h"

struct failguard;

/*
 * Open the guard for rps (1 to 1000; 1/rps is kept to the millisecond)
 * and burst (1 to 100000) on the file of base (the format suffix is added
 * here), creating it if needed; with base NULL, or a file that cannot be
 * used, the table is this process's alone. Returns NULL when the guard is
 * off (rps or burst 0) or memory ran out (logged).
 */
struct failguard	*failguard_open(const char *base, long rps, long burst);
void			 failguard_close(struct failguard *);

/* The file in use ("" when in process memory). */
const char		*failguard_path(const struct failguard *);

/* Milliseconds of CLOCK_MONOTONIC: the now of the calls below. */
uint64_t		 failguard_now(void);

/*
 * Whether a request from a at now_ms is refused without verifying its
 * token: a's debt is more than BURST - 1 failures. Never for a NULL guard
 * or an address of ADDRESS_NONE.
 */
bool	 failguard_refuses(const struct failguard *, const struct address *a,
	    uint64_t now_ms);

/* Count one failed authentication of a at now_ms. */
void	 failguard_fail(struct failguard *, const struct address *a,
	    uint64_t now_ms);

/*
 * For tests and diagnostics. The debt of a at now_ms, in milliseconds:
 * failures x 1/RPS not yet paid off. The bucket and tag of a (-1 for an
 * address of ADDRESS_NONE). The words in use, and how many there are.
 */
uint64_t failguard_debt(const struct failguard *, const struct address *a,
	    uint64_t now_ms);
int	 failguard_locate(const struct failguard *, const struct address *a,
	    size_t *bucket, uint32_t *tag);
size_t	 failguard_used(const struct failguard *);
size_t	 failguard_capacity(void);

#endif
