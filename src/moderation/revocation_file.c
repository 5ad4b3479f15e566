/*
 * Read-modify-write of REVOCATION_FILE under a lock, replaced atomically.
 */
#include <sys/file.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "moderation/revocation_file.h"

static int
lock_path(const char *path, char *err, size_t errsz)
{
	char	 lock[PATH_MAX];
	int	 fd;

	if ((size_t)snprintf(lock, sizeof(lock), "%s.lock", path) >=
	    sizeof(lock)) {
		snprintf(err, errsz, "path too long");
		return -1;
	}
	/* flock(2) needs no write access: any writer can share the file. */
	if ((fd = open(lock, O_RDONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW,
	    0644)) == -1) {
		snprintf(err, errsz, "%s: %s", lock, strerror(errno));
		return -1;
	}
	while (flock(fd, LOCK_EX) == -1) {
		if (errno == EINTR)
			continue;
		snprintf(err, errsz, "%s: lock: %s", lock, strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

static int
put_entry(FILE *f, enum revocation_kind kind, const char *id, long until)
{
	if (until == 0)
		return fprintf(f, "%s %s -\n", revocation_kind_name(kind), id);
	return fprintf(f, "%s %s %ld\n", revocation_kind_name(kind), id, until);
}

/* fsync the directory holding path, so the rename survives a crash. */
static void
sync_dir(const char *path)
{
	char	 d[PATH_MAX];
	int	 fd;

	snprintf(d, sizeof(d), "%s", path);
	if ((fd = open(dirname(d), O_RDONLY | O_DIRECTORY | O_CLOEXEC)) != -1) {
		(void)fsync(fd);
		close(fd);
	}
}

long
revocation_file_set(const char *path, enum revocation_kind kind,
    const char *id, long until, long now, char *err, size_t errsz)
{
	struct revocation_list	*old = NULL;
	struct revocation_entry	 e;
	struct stat		 sb;
	char			 tmp[PATH_MAX], why[256];
	FILE			*f = NULL;
	size_t			 i, n = 0;
	long			 rc = -1;
	int			 lock, fd = -1;

	/* The workers would refuse the whole file, and every later write. */
	if (until > REVOCATION_UNTIL_MAX) {
		snprintf(err, errsz, "%ld is after 9999-12-31T23:59:59Z, the "
		    "last time the list can hold", until);
		return -1;
	}
	if ((lock = lock_path(path, err, errsz)) == -1)
		return -1;
	/* No list yet: start one. Any other trouble: touch nothing. */
	if (!(lstat(path, &sb) == -1 && errno == ENOENT) &&
	    revocation_load(path, &old, NULL, why, sizeof(why)) == -1) {
		snprintf(err, errsz, "%s: %s (left as it is)", path, why);
		goto out;
	}
	if ((size_t)snprintf(tmp, sizeof(tmp), "%s.XXXXXX", path) >=
	    sizeof(tmp)) {
		snprintf(err, errsz, "path too long");
		goto out;
	}
	if ((fd = mkstemp(tmp)) == -1) {
		snprintf(err, errsz, "%s: %s", tmp, strerror(errno));
		goto out;
	}
	if (fchmod(fd, 0644) == -1 || (f = fdopen(fd, "w")) == NULL) {
		snprintf(err, errsz, "%s: %s", tmp, strerror(errno));
		goto fail;
	}
	fd = -1;
	fprintf(f, "%s\n# written by livekit-token revoke\n", REVOCATION_MAGIC);
	for (i = 0; i < revocation_count(old); i++) {
		revocation_entry(old, i, &e);
		if ((e.kind == kind && strcmp(e.id, id) == 0) ||
		    (e.until != 0 && e.until <= now))
			continue;
		put_entry(f, e.kind, e.id, e.until);
		n++;
	}
	if (until != REVOCATION_LIFT && (until == 0 || until > now)) {
		put_entry(f, kind, id, until);
		n++;
	}
	fprintf(f, "end %zu\n", n);
	if (fflush(f) == EOF || fsync(fileno(f)) == -1 || ferror(f)) {
		snprintf(err, errsz, "%s: %s", tmp, strerror(errno));
		goto fail;
	}
	if (fclose(f) == EOF) {
		f = NULL;
		snprintf(err, errsz, "%s: %s", tmp, strerror(errno));
		goto fail;
	}
	f = NULL;
	if (rename(tmp, path) == -1) {
		snprintf(err, errsz, "%s: %s", path, strerror(errno));
		goto fail;
	}
	sync_dir(path);
	rc = (long)n;
	goto out;
fail:
	if (f != NULL)
		fclose(f);
	if (fd != -1)
		close(fd);
	unlink(tmp);
out:
	revocation_free(old);
	close(lock);
	return rc;
}
