/*
 * Thread CPU time and a median, for the bench's in-process yardsticks
 * (p256_verify.c, service_loop.c): CPU time, not wall time, so that a
 * preemption by another process is not counted as the work's.
 */
#ifndef THREAD_CPU_H
#define THREAD_CPU_H

#include <stdlib.h>
#include <time.h>

/* The calling thread's CPU time, in µs. */
static inline double
thread_us(void)
{
	struct timespec	 t;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
	return (double)t.tv_sec * 1e6 + (double)t.tv_nsec / 1e3;
}

static inline int
thread_cpu_cmp(const void *a, const void *b)
{
	double	 x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* The median of v[0..n), n > 0; sorts v. */
static inline double
median(double *v, size_t n)
{
	qsort(v, n, sizeof(v[0]), thread_cpu_cmp);
	return v[n / 2];
}

#endif
