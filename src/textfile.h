/*
 * The one way the service reads a whole file: the env file, credentials,
 * the room policy, the JWKS. Bounded, a regular file only, every read
 * error an error (never an early end of file), and a file that changes
 * size while it is read is refused rather than taken half-way.
 */
#ifndef TEXTFILE_H
#define TEXTFILE_H

#include <sys/stat.h>
#include <sys/types.h>

#include <stdbool.h>
#include <stddef.h>

/* How to read: or'd together. */
enum textfile_flags {
	TEXTFILE_SECRET = 1 << 0,	/* text in libsodium guarded memory */
	TEXTFILE_NOFOLLOW = 1 << 1,	/* refuse a symbolic link (ELOOP) */
	/*
	 * A kernel file (procfs) whose size stat reports as 0: read to its
	 * end, and refuse it past max bytes, instead of by its size.
	 */
	TEXTFILE_UNSIZED = 1 << 2,
};

enum textfile_status {
	TEXTFILE_OK = 0,
	TEXTFILE_ABSENT,	/* no such file (ENOENT): the caller decides */
	TEXTFILE_ERROR,		/* anything else: the reason is in err */
};

struct textfile {
	char		*text;	/* NUL-terminated; NULL unless TEXTFILE_OK */
	size_t		 len;	/* bytes read, without the added NUL */
	bool		 secret; /* text is in libsodium guarded memory */
	struct stat	 st;	/* of the file read (zero if not opened) */
};

/*
 * Read all of path, at most max bytes, into out. With TEXTFILE_SECRET,
 * the text lives in libsodium guarded, locked memory and textfile_free
 * wipes it; with TEXTFILE_NOFOLLOW a symbolic link is refused.
 * A file with a NUL byte is refused (all of ours are text). err gets a
 * reason without the path ("cannot read: Is a directory").
 */
enum textfile_status	 textfile_read(const char *path, size_t max,
			    unsigned flags, struct textfile *out, char *err,
			    size_t errsz);

/*
 * The same with the read function given: for tests, which make a read
 * fail half-way through a file.
 */
enum textfile_status	 textfile_read_with(const char *path, size_t max,
			    unsigned flags, ssize_t (*rd)(int, void *, size_t),
			    struct textfile *out, char *err, size_t errsz);

/* Free (and for a secret, wipe) the text. Safe on a zeroed textfile. */
void	textfile_free(struct textfile *);

#endif
