/*
 * A plain main for any fuzz target: feeds each file named on the command
 * line (a directory: each regular file in it) to LLVMFuzzerTestOneInput,
 * in a heap buffer of exactly the file's size, so that ASan sees a read
 * one byte past the input. Linked with the gcc ASan + UBSan build of the
 * sources, it reproduces a libFuzzer crash without libFuzzer:
 *
 *	build/asan/fuzz/jwt-repro build/fuzz/artifacts/jwt/crash-...
 */
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"

#define FILE_MAX	(16L * 1024 * 1024)

static int	run_file(const char *);
static int	run_dir(const char *);

/* Returns 0 when the input ran, -1 when it could not be read. */
static int
run_file(const char *path)
{
	FILE		*f;
	struct stat	 st;
	uint8_t		*buf;
	size_t		 n;

	if ((f = fopen(path, "rb")) == NULL) {
		fprintf(stderr, "%s: %s\n", path, strerror(errno));
		return -1;
	}
	if (fstat(fileno(f), &st) == -1 || st.st_size < 0 ||
	    st.st_size > FILE_MAX) {
		fprintf(stderr, "%s: not a file of at most %ld bytes\n", path,
		    FILE_MAX);
		fclose(f);
		return -1;
	}
	n = (size_t)st.st_size;
	/* malloc(0) may return NULL; an empty input still gets a pointer. */
	if ((buf = malloc(n > 0 ? n : 1)) == NULL ||
	    fread(buf, 1, n, f) != n) {
		fprintf(stderr, "%s: short read\n", path);
		free(buf);
		fclose(f);
		return -1;
	}
	fclose(f);
	fprintf(stderr, "running %s (%zu bytes)\n", path, n);
	LLVMFuzzerTestOneInput(buf, n);
	free(buf);
	return 0;
}

static int
run_dir(const char *path)
{
	DIR		*d;
	struct dirent	*e;
	struct stat	 st;
	char		 p[4096];
	int		 rc = 0;

	if ((d = opendir(path)) == NULL) {
		fprintf(stderr, "%s: %s\n", path, strerror(errno));
		return -1;
	}
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		if ((size_t)snprintf(p, sizeof(p), "%s/%s", path, e->d_name) >=
		    sizeof(p) || stat(p, &st) == -1 || !S_ISREG(st.st_mode))
			continue;
		if (run_file(p) == -1)
			rc = -1;
	}
	closedir(d);
	return rc;
}

int
main(int argc, char *argv[])
{
	struct stat	 st;
	int		 i, rc = 0;

	if (argc < 2) {
		fprintf(stderr, "usage: %s file|dir ...\n", argv[0]);
		return 2;
	}
	for (i = 1; i < argc; i++) {
		if (stat(argv[i], &st) == 0 && S_ISDIR(st.st_mode)) {
			if (run_dir(argv[i]) == -1)
				rc = 1;
		} else if (run_file(argv[i]) == -1)
			rc = 1;
	}
	return rc;
}
