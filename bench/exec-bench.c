/* exec-bench - how many jobs per second a program starts through a
 * command (flux-imp exec /bin/true), against a bare fork and exec of the
 * job itself from the same loop.
 *
 * Usage: exec-bench [--iterations N] [--runs R] [--input FILE]
 *                   BARE ARG... -- CMD ARG...
 *
 * Each run forks and executes BARE ARG... (say /bin/true 1) N times in a
 * row (default 100), waiting for each, then CMD ARG... (say flux-imp exec
 * /bin/true 1) N times; R runs
 * (default 1) alternate the two.  stdin and stdout are /dev/null (CMD's
 * stdin is FILE with --input), stderr is inherited, the environment is
 * this program's.  Prints:
 *     bare n=<N> per_s=<n> cpu_ms=<ms> maxrss_kb=<kb>
 *     cmd n=<N> per_s=<n> cpu_ms=<ms> maxrss_kb=<kb>
 * per_s: the median over the runs of iterations per second (wall clock);
 * cpu_ms: the median of the user and system time per iteration, of the
 * process and the children it waited for (wait4's rusage); maxrss_kb:
 * the largest ru_maxrss wait4 reported, that is the peak resident set of
 * the process or of one of its waited-for children, whichever is larger.
 * A command that exits other than 0 stops the measurement:
 *     cmd failed: <status>
 *
 * Run it as the user who should run CMD (bench/run: the instance owner,
 * with CMD the setuid IMP).
 *
 * Exit status: 0, 1 when a command failed, 2 on a usage error.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bench.h"

#define MAX_RUNS 99

struct result {
    double rate[MAX_RUNS];
    double cpu_ms[MAX_RUNS];
    long maxrss_kb;
    int status; /* of a failed iteration */
    int failed;
};

static double tv_ms (struct timeval tv)
{
    return (double)tv.tv_sec * 1e3 + (double)tv.tv_usec / 1e3;
}

/* Fork and execute argv (stdin from 'input' if not NULL), wait for it;
 * 0 if it exited 0.
 */
static int run_once (
    char **argv, const char *input, int nullfd, struct result *res, double *cpu)
{
    struct rusage ru;
    int status;
    pid_t pid;

    if ((pid = fork ()) < 0) {
        perror ("exec-bench: fork");
        exit (1);
    }
    if (pid == 0) {
        int in = input ? open (input, O_RDONLY) : nullfd;
        if (in < 0 || dup2 (in, STDIN_FILENO) < 0
            || dup2 (nullfd, STDOUT_FILENO) < 0) {
            fprintf (stderr, "exec-bench: %s: %s\n", input ? input : "stdin",
                     strerror (errno));
            _exit (126);
        }
        execv (argv[0], argv);
        fprintf (stderr, "exec-bench: %s: %s\n", argv[0], strerror (errno));
        _exit (errno == ENOENT ? 127 : 126);
    }
    while (wait4 (pid, &status, 0, &ru) < 0) {
        if (errno != EINTR) {
            perror ("exec-bench: wait4");
            exit (1);
        }
    }
    *cpu += tv_ms (ru.ru_utime) + tv_ms (ru.ru_stime);
    if (ru.ru_maxrss > res->maxrss_kb)
        res->maxrss_kb = ru.ru_maxrss;
    if (!WIFEXITED (status) || WEXITSTATUS (status) != 0) {
        res->failed = 1;
        res->status = status;
        return -1;
    }
    return 0;
}

/* One run of 'n' iterations of argv into res->rate[r], res->cpu_ms[r]. */
static int run_loop (char **argv,
                     const char *input,
                     int n,
                     int nullfd,
                     struct result *res,
                     int r)
{
    double cpu = 0;
    double start = bench_now ();

    for (int i = 0; i < n; i++) {
        if (run_once (argv, input, nullfd, res, &cpu) < 0)
            return -1;
    }
    res->rate[r] = (double)n / (bench_now () - start);
    res->cpu_ms[r] = cpu / n;
    return 0;
}

static void report (const char *name, struct result *res, int n, int runs)
{
    if (res->failed) {
        if (WIFEXITED (res->status))
            printf ("%s failed: exit status %d\n", name,
                    WEXITSTATUS (res->status));
        else
            printf ("%s failed: status 0x%04x\n", name, res->status);
    }
    else
        printf ("%s n=%d per_s=%.1f cpu_ms=%.3f maxrss_kb=%ld\n", name, n,
                bench_median (res->rate, runs),
                bench_median (res->cpu_ms, runs), res->maxrss_kb);
}

static int usage (FILE *f, int status)
{
    fprintf (f, "Usage: exec-bench [--iterations N] [--runs R] [--input FILE]"
                " BARE ARG... -- CMD ARG...\n");
    return status;
}

static int get_int (const char *s, int max, int *ip)
{
    char *end;
    long v = strtol (s, &end, 10);

    if (*end != '\0' || v < 1 || v > max)
        return -1;
    *ip = (int)v;
    return 0;
}

int main (int argc, char **argv)
{
    static const struct option opts[] = {
        {"iterations", required_argument, NULL, 'n'},
        {"runs", required_argument, NULL, 'r'},
        {"input", required_argument, NULL, 'i'},
        {"help", no_argument, NULL, 'h'},
        {0, 0, 0, 0},
    };
    static struct result bare, cmd;
    char **bare_argv, **cmd_argv = NULL;
    const char *input = NULL;
    int n = 100, runs = 1;
    int nullfd, c;

    while ((c = getopt_long (argc, argv, "+n:r:i:h", opts, NULL)) != -1) {
        switch (c) {
        case 'n':
            if (get_int (optarg, 1000000, &n) < 0)
                return usage (stderr, 2);
            break;
        case 'r':
            if (get_int (optarg, MAX_RUNS, &runs) < 0)
                return usage (stderr, 2);
            break;
        case 'i':
            input = optarg;
            break;
        case 'h':
            return usage (stdout, 0);
        default:
            return usage (stderr, 2);
        }
    }
    bare_argv = argv + optind;
    for (int i = optind; i < argc; i++) {
        if (!strcmp (argv[i], "--")) {
            argv[i] = NULL;
            cmd_argv = argv + i + 1;
            break;
        }
    }
    if (!cmd_argv || !bare_argv[0] || !cmd_argv[0])
        return usage (stderr, 2);
    if ((nullfd = open ("/dev/null", O_RDWR | O_CLOEXEC)) < 0) {
        perror ("exec-bench: /dev/null");
        return 1;
    }
    for (int r = 0; r < runs; r++) {
        if (run_loop (bare_argv, NULL, n, nullfd, &bare, r) < 0
            || run_loop (cmd_argv, input, n, nullfd, &cmd, r) < 0)
            break;
    }
    report ("bare", &bare, n, runs);
    if (!bare.failed)
        report ("cmd", &cmd, n, runs);
    fflush (stdout);
    close (nullfd);
    return bare.failed || cmd.failed ? 1 : 0;
}
