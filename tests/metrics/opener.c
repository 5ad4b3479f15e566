/*
 * A worker of another build for the metrics tests: linked with metrics.c
 * built with -DMETRICS_LAYOUT_TEST_PAD=1, so its layout differs. Opens the
 * counters at argv[1] as a new worker would, counts one 401, and exits.
 */
#include <stdio.h>

#include "metrics.h"

int
main(int argc, char *argv[])
{
	struct metrics_sample	 s = { 401, ERR_INVALID_TOKEN, JWT_OK, -1, -1,
	    50 };

	if (argc != 2) {
		fprintf(stderr, "usage: opener BASE\n");
		return 2;
	}
	if (metrics_open(argv[1]) == -1)
		return 1;
	metrics_record(&s);
	return 0;
}
