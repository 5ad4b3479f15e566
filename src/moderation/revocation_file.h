/*
 * Writing REVOCATION_FILE (the format is in auth/revocation.h): the
 * moderator's command changes one entry at a time. Writers (this module,
 * scripts/fetch-revocations) take an exclusive flock(2) on PATH.lock for
 * the whole read-modify-write, and replace the file by rename(2), so the
 * workers only ever see a complete old or a complete new list.
 */
#ifndef REVOCATION_FILE_H
#define REVOCATION_FILE_H

#include "auth/revocation.h"

#define REVOCATION_LIFT	(-1L)	/* until: remove the entry */

/*
 * Set (kind, id) to until (Unix seconds, 0 for never, REVOCATION_LIFT to
 * remove it) in the list at path (created when missing), dropping entries
 * that ended before now. A file that does not parse is left alone and
 * refused, and so is an until past REVOCATION_UNTIL_MAX. Returns the number of entries written, or -1 with err.
 */
long	revocation_file_set(const char *path, enum revocation_kind kind,
	    const char *id, long until, long now, char *err, size_t errsz);

#endif
