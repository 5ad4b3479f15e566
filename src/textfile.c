#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "textfile.h"

static char *
text_alloc(size_t n, bool secret)
{
	return secret ? sodium_malloc(n) : malloc(n);
}

enum textfile_status
textfile_read_with(const char *path, size_t max, unsigned flags,
    ssize_t (*rd)(int, void *, size_t), struct textfile *out, char *err,
    size_t errsz)
{
	bool			 secret = (flags & TEXTFILE_SECRET) != 0;
	size_t			 cap, got = 0;
	ssize_t			 n;
	int			 fd;
	enum textfile_status	 rc = TEXTFILE_ERROR;

	memset(out, 0, sizeof(*out));
	out->secret = secret;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK |
	    ((flags & TEXTFILE_NOFOLLOW) != 0 ? O_NOFOLLOW : 0))) == -1) {
		if (errno == ENOENT)
			rc = TEXTFILE_ABSENT;
		snprintf(err, errsz, "cannot open: %s", strerror(errno));
		return rc;
	}
	if (fstat(fd, &out->st) == -1) {
		snprintf(err, errsz, "cannot stat: %s", strerror(errno));
		goto out;
	}
	if (!S_ISREG(out->st.st_mode)) {
		snprintf(err, errsz, "not a regular file");
		goto out;
	}
	if (out->st.st_size < 0 || (unsigned long long)out->st.st_size > max) {
		snprintf(err, errsz, "larger than %zu bytes", max);
		goto out;
	}
	/* One byte more than its size, so that a file that grew is seen to. */
	cap = (flags & TEXTFILE_UNSIZED) != 0 ? max + 1 :
	    (size_t)out->st.st_size + 1;
	if ((out->text = text_alloc(cap, secret)) == NULL) {
		snprintf(err, errsz, "out of memory");
		goto out;
	}
	while (got < cap && (n = rd(fd, out->text + got, cap - got)) != 0) {
		if (n == -1) {
			if (errno == EINTR)
				continue;
			/* Never an early end of file: a short secret is wrong. */
			snprintf(err, errsz, "cannot read: %s", strerror(errno));
			goto out;
		}
		got += (size_t)n;
	}
	if ((flags & TEXTFILE_UNSIZED) != 0 && got > max) {
		snprintf(err, errsz, "larger than %zu bytes", max);
		goto out;
	}
	if ((flags & TEXTFILE_UNSIZED) == 0 && got != (size_t)out->st.st_size) {
		snprintf(err, errsz, "the file changed while it was read");
		goto out;
	}
	if (memchr(out->text, '\0', got) != NULL) {
		snprintf(err, errsz, "holds a NUL byte");
		goto out;
	}
	out->text[got] = '\0';
	out->len = got;
	rc = TEXTFILE_OK;
out:
	close(fd);
	if (rc != TEXTFILE_OK)
		textfile_free(out);
	return rc;
}

enum textfile_status
textfile_read(const char *path, size_t max, unsigned flags,
    struct textfile *out, char *err, size_t errsz)
{
	return textfile_read_with(path, max, flags, read, out, err, errsz);
}

void
textfile_free(struct textfile *tf)
{
	if (tf->text != NULL) {
		if (tf->secret)
			sodium_free(tf->text);	/* wipes before unmapping */
		else
			free(tf->text);
	}
	tf->text = NULL;
	tf->len = 0;
}
