/* bench.h - what the benchmark programs of bench/ share: a monotonic
 * clock, the median of runs, and strict parsing of the --time and --runs
 * options.  Header only, so that bench/run can build sign-bench.c alone
 * against another installation (--compare).
 */
#ifndef FLUX_SECURITY_BENCH_H
#define FLUX_SECURITY_BENCH_H

#include <stdlib.h>
#include <time.h>

/* Seconds on CLOCK_MONOTONIC. */
static inline double bench_now (void)
{
    struct timespec ts;

    clock_gettime (CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static inline int bench_cmp_double (const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return (x > y) - (x < y);
}

/* The median of v[0..n-1] (n > 0); sorts v. */
static inline double bench_median (double *v, int n)
{
    qsort (v, (size_t)n, sizeof (v[0]), bench_cmp_double);
    return v[n / 2];
}

/* --time: seconds in (0, 3600].  Return 0, or -1 if 's' is not one. */
static inline int bench_parse_seconds (const char *s, double *secondsp)
{
    char *end;
    double v = strtod (s, &end);

    if (end == s || *end != '\0' || !(v > 0 && v <= 3600))
        return -1;
    *secondsp = v;
    return 0;
}

/* --runs: an integer in [1, max].  Return 0, or -1 if 's' is not one. */
static inline int bench_parse_runs (const char *s, int max, int *runsp)
{
    char *end;
    long v = strtol (s, &end, 10);

    if (end == s || *end != '\0' || v < 1 || v > max)
        return -1;
    *runsp = (int)v;
    return 0;
}

#endif /* !FLUX_SECURITY_BENCH_H */
