/*
 * The one reload point: everything a request reads from a watched file
 * (SUPABASE_JWKS_FILE's keys with the HS256 secret, REVOCATION_FILE's
 * list) lives in an immutable, reference-counted
 * snapshot. A changed file is read and parsed outside any lock, a new
 * snapshot is published by one pointer swap, and the old one is freed by
 * whoever drops its last reference.
 *
 * Protocol (who does what):
 * - One housekeeping thread calls keystore_refresh (at most one caller at
 *   a time). It stats each watched file, loads a changed one with no lock
 *   held, and publishes a new snapshot: under the swap mutex it stores the
 *   pointer (atomic, release) and takes nothing else; after unlocking it
 *   drops the reference the store held on the old snapshot. A file that
 *   cannot be used keeps the last good version in force and is logged
 *   once per version (inode, size, mtime); a file caught half-written is
 *   looked at again a second later without a warning.
 * - Each request thread owns a struct keystore_reader. keystore_read costs
 *   one atomic load (acquire) when nothing changed; after a swap it takes
 *   the swap mutex once to reference the new snapshot (the mutex only
 *   guards "load the pointer and add a reference", so the store cannot
 *   free the snapshot in between) and drops its old one. The snapshot it
 *   returns stays valid until the thread's next keystore_read or
 *   keystore_reader_done.
 * - Reference counts are atomic (acq_rel). The last reference frees,
 *   outside the mutex; so a snapshot lives until every reader has moved
 *   on, and idle readers keep at most one old version each.
 * - A thread that dies without keystore_reader_done leaks its snapshot,
 *   nothing worse: no lock is ever held across a request.
 * - keystore_cancel (any thread; the pool calls it on a stop) makes a load
 *   in progress give up between two keys and later refreshes do nothing,
 *   so a stop never waits for a large JWKS; what is in force stays.
 * - keystore_free runs after every reader is done.
 *
 * A new source is one more entry in the sources table of
 * keystore.c (a load and a release function) and one accessor here.
 */
#ifndef KEYSTORE_H
#define KEYSTORE_H

#include <stdbool.h>
#include <stddef.h>

#include "auth/keys.h"
#include "auth/revocation.h"
#include "config.h"

/* The watched files; each is one part of a snapshot. */
enum watched {
	WATCHED_KEYS,		/* SUPABASE_JWT_SECRET + SUPABASE_JWKS_FILE */
	WATCHED_REVOCATIONS,	/* REVOCATION_FILE (auth/revocation.h) */
	WATCHED__MAX
};

struct keystore;
struct snapshot;

struct keystore_reader {
	struct snapshot	*held;		/* NULL before the first read */
};

/*
 * Load every source from cfg (which must outlive the store) into the
 * first snapshot. Returns the store, or NULL with the reason in err: at
 * start-up a file that cannot be used is a configuration error.
 */
struct keystore	*keystore_open(const struct config *cfg, char *err,
		    size_t errsz);

/*
 * Look at the watched files (at most once per Unix second now) and
 * publish a new snapshot when one changed and loads. Housekeeper only.
 * Returns 1 when a new snapshot was published, else 0.
 */
int		 keystore_refresh(struct keystore *, long now);

/*
 * Stopping: a keystore_refresh in progress gives up between two keys
 * (any thread may call this), and later ones do nothing.
 */
void		 keystore_cancel(struct keystore *);

/* The current snapshot, held by r until its next read or done. */
const struct snapshot	*keystore_read(struct keystore *,
			    struct keystore_reader *r);
void		 keystore_reader_done(struct keystore_reader *r);

void		 keystore_free(struct keystore *);

/* The keys that verify Supabase tokens in this snapshot. */
const struct keyset	*snapshot_keys(const struct snapshot *);

/*
 * The revocation list in this snapshot; NULL when REVOCATION_FILE is
 * unset or was missing at start (revocation_check takes NULL: no entry).
 */
const struct revocation_list *snapshot_revocations(const struct snapshot *);

/*
 * REVOCATION_FILE at path (NULL: unset) read for a snapshot into *out:
 * NULL when unset, or when missing at start-up (the feed's first run
 * creates it; a warning says so). Missing on a reload (at_start false) is
 * a version that cannot be used: -1, so the list in force stays, even
 * when the file vanished after the reload's look at it. sb is
 * revocation_load's. Returns 0, or -1 with the reason in err.
 */
struct stat;
int		 keystore_load_revocations(const char *path, bool at_start,
		    struct revocation_list **out, struct stat *sb, char *err,
		    size_t errsz);

/*
 * Why no Supabase token can be verified with this snapshot (no HS256
 * secret and no usable public key), or NULL when some can: /healthz
 * answers 503 with it, --check-config refuses it.
 */
const char	*snapshot_unusable(const struct snapshot *);

#endif
