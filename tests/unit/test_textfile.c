/*
 * textfile: the one bounded whole-file read. Regression (issue 10): the
 * credential loop in config.c ended on a read error as on end of file,
 * so a read failing half-way gave a truncated secret; each of the four
 * file-reading loops had its own error handling.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "check.h"
#include "textfile.h"

static char	 dir[] = "/tmp/test_textfile.XXXXXX";

static const char *
file(const char *name, const char *text, size_t len)
{
	static char	 path[256];
	FILE		*f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if ((f = fopen(path, "w")) == NULL || fwrite(text, 1, len, f) != len ||
	    fclose(f) != 0) {
		perror(path);
		exit(1);
	}
	return path;
}

/* A read that hands out 4 bytes, then fails: a disk error half-way. */
static int	 reads;
static ssize_t
read_then_fail(int fd, void *buf, size_t n)
{
	if (reads++ == 0)
		return read(fd, buf, n < 4 ? n : 4);
	errno = EIO;
	return -1;
}

/* A read interrupted by a signal each other time: EINTR is retried. */
static ssize_t
read_eintr(int fd, void *buf, size_t n)
{
	if (reads++ % 2 == 0) {
		errno = EINTR;
		return -1;
	}
	return read(fd, buf, n < 3 ? n : 3);
}

static void
test_reads_whole_file(void)
{
	struct textfile	 tf;
	char		 err[128];
	const char	*p = file("ok", "hello\nworld\n", 12);

	CHECK(textfile_read(p, 64, 0, &tf, err, sizeof(err)) == TEXTFILE_OK);
	CHECK(tf.len == 12);
	CHECK_STR(tf.text, "hello\nworld\n");
	CHECK(S_ISREG(tf.st.st_mode) && tf.st.st_size == 12);
	textfile_free(&tf);
	CHECK(tf.text == NULL);
	CHECK(textfile_read(p, 64, TEXTFILE_SECRET, &tf, err, sizeof(err)) ==
	    TEXTFILE_OK);
	CHECK(tf.secret && tf.len == 12 && strcmp(tf.text, "hello\nworld\n") == 0);
	textfile_free(&tf);
	p = file("empty", "", 0);
	CHECK(textfile_read(p, 64, 0, &tf, err, sizeof(err)) == TEXTFILE_OK);
	CHECK(tf.len == 0 && tf.text != NULL && tf.text[0] == '\0');
	textfile_free(&tf);
}

/* Regression: a read error half-way must not yield the bytes before it. */
static void
test_read_error_half_way_is_refused(void)
{
	struct textfile	 tf;
	char		 err[128];
	const char	*p = file("secret", "0123456789abcdef0123456789abcdef", 32);

	reads = 0;
	CHECK(textfile_read_with(p, 64, TEXTFILE_SECRET, read_then_fail, &tf, err,
	    sizeof(err)) == TEXTFILE_ERROR);
	CHECK(tf.text == NULL && tf.len == 0);
	CHECK(strstr(err, "cannot read") != NULL);
	CHECK(strstr(err, "0123") == NULL);
	reads = 0;
	CHECK(textfile_read_with(p, 64, 0, read_eintr, &tf, err,
	    sizeof(err)) == TEXTFILE_OK);
	CHECK(tf.len == 32 && memcmp(tf.text, "0123456789abcdef", 16) == 0);
	textfile_free(&tf);
}

static void
test_refusals(void)
{
	struct textfile	 tf;
	char		 err[128], path[256];
	const char	*p;

	snprintf(path, sizeof(path), "%s/missing", dir);
	CHECK(textfile_read(path, 64, 0, &tf, err, sizeof(err)) ==
	    TEXTFILE_ABSENT);
	CHECK(textfile_read(dir, 64, 0, &tf, err, sizeof(err)) ==
	    TEXTFILE_ERROR);
	CHECK(strstr(err, "not a regular file") != NULL);
	/* A FIFO is refused at once, never waited on for a writer. */
	snprintf(path, sizeof(path), "%s/fifo", dir);
	CHECK(mkfifo(path, 0600) == 0);
	CHECK(textfile_read(path, 64, 0, &tf, err, sizeof(err)) ==
	    TEXTFILE_ERROR);
	p = file("big", "0123456789", 10);
	CHECK(textfile_read(p, 9, 0, &tf, err, sizeof(err)) ==
	    TEXTFILE_ERROR);
	CHECK(strstr(err, "larger than 9 bytes") != NULL);
	CHECK(textfile_read(p, 10, 0, &tf, err, sizeof(err)) == TEXTFILE_OK);
	textfile_free(&tf);
	p = file("nul", "ab\0cd", 5);
	CHECK(textfile_read(p, 10, 0, &tf, err, sizeof(err)) ==
	    TEXTFILE_ERROR);
	CHECK(strstr(err, "NUL") != NULL);
	/* TEXTFILE_NOFOLLOW refuses a link; without it, it is followed. */
	snprintf(path, sizeof(path), "%s/link", dir);
	CHECK(symlink("ok", path) == 0);
	CHECK(textfile_read(path, 64, TEXTFILE_NOFOLLOW, &tf, err,
	    sizeof(err)) == TEXTFILE_ERROR);
	CHECK(textfile_read(path, 64, 0, &tf, err, sizeof(err)) == TEXTFILE_OK);
	textfile_free(&tf);
	/* /proc files claim size 0 and then hold more: refused, not cut. */
	CHECK(textfile_read("/proc/self/status", 4096, 0, &tf, err,
	    sizeof(err)) == TEXTFILE_ERROR);
	CHECK(strstr(err, "changed") != NULL);
	/*
	 * TEXTFILE_UNSIZED reads such a file to its end (failguard reads
	 * the boot's id), and still refuses one past max, never cut.
	 */
	CHECK(textfile_read("/proc/self/status", 65536, TEXTFILE_UNSIZED, &tf,
	    err, sizeof(err)) == TEXTFILE_OK);
	CHECK(tf.len > 0 && strncmp(tf.text, "Name:", 5) == 0);
	textfile_free(&tf);
	CHECK(textfile_read("/proc/self/status", 16, TEXTFILE_UNSIZED, &tf,
	    err, sizeof(err)) == TEXTFILE_ERROR);
	CHECK(strstr(err, "larger than 16 bytes") != NULL);
	p = file("unsized", "0123456789", 10);
	CHECK(textfile_read(p, 10, TEXTFILE_UNSIZED, &tf, err,
	    sizeof(err)) == TEXTFILE_OK && tf.len == 10);
	textfile_free(&tf);
	CHECK(textfile_read(p, 9, TEXTFILE_UNSIZED, &tf, err,
	    sizeof(err)) == TEXTFILE_ERROR);
}

int
main(void)
{
	char	 cmd[128];

	if (sodium_init() < 0 || mkdtemp(dir) == NULL)
		return 1;
	test_reads_whole_file();
	test_read_error_half_way_is_refused();
	test_refusals();
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "cannot remove %s\n", dir);
	return CHECK_DONE();
}
