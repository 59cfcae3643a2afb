/* sign-bench - wrap and unwrap throughput of libflux-security.
 *
 * Usage: sign-bench [--config PATTERN] [--time SECONDS] [--runs N]
 *                   [--size BYTES] [MECH...]
 *
 * For each mechanism (default: none munge curve) and payload size (1 KiB
 * and 64 KiB), wraps in a loop for about SECONDS (default 1), then
 * unwraps the last result in a loop for as long, and prints one line:
 *     <mech> <size> wrap/s=<n> unwrap/s=<n>
 * With --runs N, each of the two loops is run N times and the median
 * rate is printed; --size measures that one payload size instead (to
 * profile one case).
 * A mechanism that cannot wrap prints "<mech> <size> skipped: <error>"
 * and the next one runs.  The configuration pattern comes from --config,
 * else from FLUX_SIGN_BENCH_CONFIG, else the library's default.
 *
 * Only the public API is used, so that this file builds unchanged against
 * any libflux-security:
 *     cc -o sign-bench sign-bench.c $(pkg-config --cflags --libs flux-security)
 *
 * Exit status: 0, or 1 if the context cannot be created or configured,
 * 2 on a usage error.
 */
#include <errno.h>
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <flux/security/context.h>
#include <flux/security/sign.h>
#include <flux/security/version.h>

#include "bench.h"

#define MAX_RUNS 99

static const char *default_mechs[] = {"none", "munge", "curve", NULL};
static int sizes[] = {1024, 64 * 1024};
static size_t nsizes = 2;
static int runs = 1;

static const char *last_error (flux_security_t *ctx)
{
    const char *s = flux_security_last_error (ctx);

    return s ? s : strerror (errno);
}

/* Wrap 'payload' for 'seconds'; on success return the wraps per second
 * and a copy of the last result in *lastp.  -1 on error.
 */
static double bench_wrap (flux_security_t *ctx,
                          const char *mech,
                          const char *payload,
                          int size,
                          double seconds,
                          char **lastp)
{
    const char *s = NULL;
    double start = bench_now ();
    double elapsed;
    long n = 0;

    do {
        if (!(s = flux_sign_wrap (ctx, payload, size, mech, 0)))
            return -1;
        n++;
    } while ((elapsed = bench_now () - start) < seconds);
    if (!(*lastp = strdup (s)))
        return -1;
    return (double)n / elapsed;
}

/* Unwrap 'input' for 'seconds' and return the unwraps per second, or -1
 * on error.
 */
static double
bench_unwrap (flux_security_t *ctx, const char *input, int size, double seconds)
{
    const void *payload;
    int payloadsz;
    int64_t userid;
    double start = bench_now ();
    double elapsed;
    long n = 0;

    do {
        if (flux_sign_unwrap (ctx, input, &payload, &payloadsz, &userid, 0) < 0)
            return -1;
        if (payloadsz != size) {
            errno = EINVAL;
            return -1;
        }
        n++;
    } while ((elapsed = bench_now () - start) < seconds);
    return (double)n / elapsed;
}

static void
bench_one (flux_security_t *ctx, const char *mech, int size, double seconds)
{
    char *payload;
    char *wrapped = NULL;
    double wrap_rates[MAX_RUNS] = {0}, unwrap_rates[MAX_RUNS] = {0};

    if (!(payload = malloc ((size_t)size))) {
        printf ("%s %d skipped: out of memory\n", mech, size);
        return;
    }
    for (int i = 0; i < size; i++)
        payload[i] = (char)(i * 31 + 7);
    for (int r = 0; r < runs; r++) {
        free (wrapped);
        wrapped = NULL;
        if ((wrap_rates[r] =
                 bench_wrap (ctx, mech, payload, size, seconds, &wrapped))
            < 0) {
            printf ("%s %d skipped: %s\n", mech, size, last_error (ctx));
            goto out;
        }
    }
    for (int r = 0; r < runs; r++) {
        if ((unwrap_rates[r] = bench_unwrap (ctx, wrapped, size, seconds))
            < 0) {
            printf ("%s %d wrap/s=%.0f unwrap failed: %s\n", mech, size,
                    bench_median (wrap_rates, runs), last_error (ctx));
            goto out;
        }
    }
    printf ("%s %d wrap/s=%.0f unwrap/s=%.0f\n", mech, size,
            bench_median (wrap_rates, runs), bench_median (unwrap_rates, runs));
out:
    fflush (stdout);
    free (wrapped);
    free (payload);
}

static int usage (FILE *f, int status)
{
    fprintf (f, "Usage: sign-bench [--config PATTERN] [--time SECONDS]"
                " [--runs N] [--size BYTES] [MECH...]\n");
    return status;
}

int main (int argc, char **argv)
{
    static const struct option opts[] = {
        {"config", required_argument, NULL, 'c'},
        {"time", required_argument, NULL, 't'},
        {"runs", required_argument, NULL, 'r'},
        {"size", required_argument, NULL, 's'},
        {"help", no_argument, NULL, 'h'},
        {0, 0, 0, 0},
    };
    const char *config = getenv ("FLUX_SIGN_BENCH_CONFIG");
    const char **mechs = default_mechs;
    double seconds = 1.0;
    flux_security_t *ctx;
    char *end;
    long n;
    int c;

    while ((c = getopt_long (argc, argv, "c:t:r:s:h", opts, NULL)) != -1) {
        switch (c) {
        case 'c':
            config = optarg;
            break;
        case 't':
            if (bench_parse_seconds (optarg, &seconds) < 0)
                return usage (stderr, 2);
            break;
        case 'r':
            if (bench_parse_runs (optarg, MAX_RUNS, &runs) < 0)
                return usage (stderr, 2);
            break;
        case 's':
            n = strtol (optarg, &end, 10);
            if (*end != '\0' || n < 1 || n > 64 * 1024 * 1024)
                return usage (stderr, 2);
            sizes[0] = (int)n;
            nsizes = 1;
            break;
        case 'h':
            return usage (stdout, 0);
        default:
            return usage (stderr, 2);
        }
    }
    if (optind < argc)
        mechs = (const char **)argv + optind;
    /* Which library ran the numbers: stderr, so stdout stays one line per
     * measurement. */
    fprintf (stderr, "sign-bench: libflux-security %s (headers %s)\n",
             flux_security_version_string (), FLUX_SECURITY_VERSION_STRING);
    if (!(ctx = flux_security_create (0))) {
        fprintf (stderr, "sign-bench: flux_security_create: %s\n",
                 strerror (errno));
        return 1;
    }
    if (flux_security_configure (ctx, config) < 0) {
        fprintf (stderr, "sign-bench: %s\n", last_error (ctx));
        flux_security_destroy (ctx);
        return 1;
    }
    for (int m = 0; mechs[m]; m++) {
        for (size_t s = 0; s < nsizes; s++)
            bench_one (ctx, mechs[m], sizes[s], seconds);
    }
    flux_security_destroy (ctx);
    return 0;
}
