/*
 * A minimal test harness: asserts that count instead of abort, and a
 * closing "N passed, M failed" line that tests/run adds up.
 */
#ifndef CHECK_H
#define CHECK_H

#include <stdio.h>
#include <string.h>

static int check_passed, check_failed;

#define CHECK(cond) do {						\
	if (cond)							\
		check_passed++;						\
	else {								\
		check_failed++;						\
		fprintf(stderr, "%s:%d: FAILED: %s\n", __FILE__,	\
		    __LINE__, #cond);					\
	}								\
} while (0)

#define CHECK_STR(a, b) do {						\
	const char *check_a_ = (a), *check_b_ = (b);			\
	if (check_a_ != NULL && check_b_ != NULL &&			\
	    strcmp(check_a_, check_b_) == 0)				\
		check_passed++;						\
	else {								\
		check_failed++;						\
		fprintf(stderr, "%s:%d: FAILED: %s == %s (\"%s\" vs "	\
		    "\"%s\")\n", __FILE__, __LINE__, #a, #b,		\
		    check_a_ ? check_a_ : "(null)",			\
		    check_b_ ? check_b_ : "(null)");			\
	}								\
} while (0)

/* Print the closing line; use as main's return value. */
#define CHECK_DONE() (printf("%d passed, %d failed\n", check_passed,	\
	check_failed), check_failed != 0)

#endif
