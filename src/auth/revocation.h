/*
 * The revocation list (REVOCATION_FILE): users and sessions whose
 * Supabase tokens are refused although their signature and claims are
 * good. Built once from text, then immutable: any number of threads may
 * call revocation_check on one list at once with no lock; whoever
 * publishes a list (the reload point) frees it only after the last
 * reader is done with it.
 *
 * The file, one entry a line (docs/moderation.md):
 *
 *	livekit-token-revocations 1
 *	# comments and blank lines are ignored
 *	user 6f1c...-uuid 1767225600
 *	user 0b2e...-uuid -
 *	session 9a7d...-uuid 1767229200
 *	end 3
 *
 * KIND ID UNTIL, separated by one space or tab: KIND is "user" or
 * "session"; ID is 1 to REVOCATION_ID_MAX bytes of printable ASCII other
 * than space and '#' (a user id is the token's sub, a session id its
 * session_id); UNTIL is the Unix second from which the entry no longer
 * applies, or "-" for never. The first line names the format, the last
 * counts the entries, so a truncated or foreign file is refused whole
 * (fail closed: the reload point keeps the last good list). An ID listed
 * twice with the same KIND is refused too: no line silently wins.
 */
#ifndef REVOCATION_H
#define REVOCATION_H

#include <stddef.h>

#include <sys/stat.h>

#define REVOCATION_ID_MAX	128		/* USER_ID_MAX, SESSION_ID_MAX */
#define REVOCATION_MAX_ENTRIES	1000000
#define REVOCATION_FILE_MAX	((size_t)64 * 1024 * 1024)
#define REVOCATION_MAGIC	"livekit-token-revocations 1"
/* The last UNTIL the format takes (9999-12-31T23:59:59Z); past it the
 * whole file is refused, so nothing past it may be written either. */
#define REVOCATION_UNTIL_MAX	253402300799L

enum revocation_kind {
	REVOCATION_USER = 0,
	REVOCATION_SESSION,
	REVOCATION__MAX
};

/* What revocation_check found. */
enum revocation_verdict {
	REVOKED_NOT = 0,
	REVOKED_USER,
	REVOKED_SESSION
};

struct revocation_list;

/* One entry, as revocation_entry hands them out. until 0: never ends. */
struct revocation_entry {
	enum revocation_kind	 kind;
	const char		*id;		/* NUL-terminated, in the list */
	long			 until;
};

/*
 * Parse len bytes of text into a new list (*out, to revocation_free).
 * Returns the number of entries, or -1 with *out NULL and the reason
 * (naming the line) in err.
 */
long	revocation_parse(const char *text, size_t len,
	    struct revocation_list **out, char *err, size_t errsz);

/*
 * Read the regular file at path (at most REVOCATION_FILE_MAX bytes) and
 * revocation_parse it. When sb is not NULL it receives the fstat of the
 * file read, even on a parse failure once the file is open (else
 * sb->st_ino is 0). Same returns as revocation_parse.
 */
long	revocation_load(const char *path, struct revocation_list **out,
	    struct stat *sb, char *err, size_t errsz);

/*
 * Is a token of user_id (its sub) and session_id (its session_id, "" or
 * NULL when absent) refused at Unix second now? The user is looked at
 * first. A NULL list revokes nothing. Constant work per call: two hash
 * probes of a table at most half full.
 */
enum revocation_verdict revocation_check(const struct revocation_list *,
	    const char *user_id, const char *session_id, long now);

/* The number of entries; entry i (0 <= i < count) into *e. */
size_t	revocation_count(const struct revocation_list *);
void	revocation_entry(const struct revocation_list *, size_t i,
	    struct revocation_entry *e);

/* 1 when the len bytes of id may be an entry's ID, else 0. */
int	revocation_id_valid(const char *id, size_t len);

const char	*revocation_kind_name(enum revocation_kind);

void	revocation_free(struct revocation_list *);

#endif
