/*
 * What every fuzz target shares. A target defines LLVMFuzzerTestOneInput;
 * it links either with libFuzzer (build/fuzz/NAME) or with fuzz/main.c, a
 * plain main that feeds it files (build/asan/fuzz/NAME-repro), so a crash
 * reproduces under gcc + ASan without libFuzzer.
 */
#ifndef FUZZ_H
#define FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

/* Run one input; returns 0 (libFuzzer reserves other values). */
int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/*
 * A property the code under test must keep. Always on (NDEBUG or not): a
 * broken property aborts, which both libFuzzer and ASan report as a crash.
 */
#define FUZZ_CHECK(cond) do {						\
	if (!(cond))							\
		fuzz_fail(__FILE__, __LINE__, #cond);			\
} while (0)

__attribute__((noreturn)) static inline void
fuzz_fail(const char *file, int line, const char *what)
{
	fprintf(stderr, "%s:%d: property broken: %s\n", file, line, what);
	abort();
}

#endif
