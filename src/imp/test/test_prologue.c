/* Unit tests of prologue.c.  The prologue changes the whole process, so
 * each case runs it in a forked child that the test first makes hostile
 * (extra descriptors, closed stdio, ignored and blocked signals, loader
 * variables, a strange umask); the child exits with the number of the
 * first check that failed, 0 when all passed.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tap_cmocka.h"
#include "prologue.h"

extern char **environ;

static const char *const extra[] = {"FLUX_IMP_CONFIG_PATTERN", NULL};

/* What prologue_run() gives the child; freed before it exits, so that
 * memcheck sees no leak in the children.
 */
static struct prologue child;

static void run_in_child (int (*fn) (void))
{
    pid_t pid;
    int status;

    fflush (NULL);
    pid = fork ();
    assert_true (pid >= 0);
    if (pid == 0) {
        int rc = fn ();
        imp_env_destroy (child.env);
        _exit (rc);
    }
    assert_int_equal (waitpid (pid, &status, 0), pid);
    assert_true (WIFEXITED (status));
    if (WEXITSTATUS (status) != 0)
        fail_msg ("check %d failed in the child", WEXITSTATUS (status));
}

static int is_dev_null (int fd)
{
    struct stat st, null;

    return fstat (fd, &st) == 0 && stat ("/dev/null", &null) == 0
           && S_ISCHR (st.st_mode) && st.st_rdev == null.st_rdev;
}

static int fd_open (int fd)
{
    return fcntl (fd, F_GETFD) >= 0;
}

/* Descriptors: 0-2 closed, extra ones open (also high and inheritable). */
static int hostile_fds (void)
{
    int fd = open ("/dev/zero", O_RDONLY);

    if (fd < 0 || dup2 (fd, 200) != 200 || dup2 (fd, 5) != 5)
        return 100;
    close (0);
    close (1);
    close (2);
    if (prologue_run (extra, &child, NULL) < 0)
        return 1;
    if (!is_dev_null (0) || !is_dev_null (1) || !is_dev_null (2))
        return 2;
    if (fd_open (fd) || fd_open (5) || fd_open (200))
        return 3;
    /* A file opened now never becomes stdin, stdout or stderr. */
    if ((fd = open ("/dev/zero", O_RDONLY)) < 3)
        return 4;
    /* as glibc for setuid programs: a closed stdin or stdout stays
     * unusable */
    if ((fcntl (0, F_GETFL) & O_ACCMODE) != O_WRONLY
        || (fcntl (1, F_GETFL) & O_ACCMODE) != O_RDONLY
        || (fcntl (2, F_GETFL) & O_ACCMODE) != O_RDONLY)
        return 5;
    if (write (1, "x", 1) != -1 || errno != EBADF)
        return 6;
    return 0;
}

static void test_descriptors (void **state)
{
    run_in_child (hostile_fds);
}

/* Only stderr closed: it gets /dev/null, 0 and 1 are left alone. */
static int stderr_closed (void)
{
    struct stat before, after;

    if (fstat (1, &before) < 0)
        return 100;
    close (2);
    if (prologue_run (extra, &child, NULL) < 0)
        return 1;
    if (!is_dev_null (2))
        return 2;
    if (fstat (1, &after) < 0 || after.st_ino != before.st_ino
        || after.st_dev != before.st_dev)
        return 3;
    return 0;
}

static void test_only_stderr_closed (void **state)
{
    run_in_child (stderr_closed);
}

static int hostile_environment (void)
{

    if (setenv ("LD_PRELOAD", "/tmp/evil.so", 1) < 0
        || setenv ("LD_LIBRARY_PATH", "/tmp", 1) < 0
        || setenv ("IFS", "x", 1) < 0 || setenv ("SUDO_USER", "u", 1) < 0
        || setenv ("FLUX_IMP_CONFIG_PATTERN", "/p/*.toml", 1) < 0
        || setenv ("FLUX_TEST_IMP_PATH_PARANOIA", "1", 1) < 0)
        return 100;
    if (prologue_run (extra, &child, NULL) < 0)
        return 1;
    if (environ && environ[0])
        return 2;
    if (getenv ("LD_PRELOAD") || getenv ("PATH") || getenv ("SUDO_USER"))
        return 3;
    if (!imp_env_get (child.env, "SUDO_USER")
        || strcmp (imp_env_get (child.env, "SUDO_USER"), "u"))
        return 4;
    if (!imp_env_get (child.env, "FLUX_IMP_CONFIG_PATTERN"))
        return 5;
    if (imp_env_get (child.env, "LD_PRELOAD") || errno != EPERM)
        return 6;
    if (imp_env_get (child.env, "FLUX_TEST_IMP_PATH_PARANOIA")
        || errno != EPERM)
        return 7;
    return 0;
}

static void test_environment (void **state)
{
    run_in_child (hostile_environment);
}

static int duplicate_environment (void)
{
    static char *envp[] = {"SUDO_USER=a", "SUDO_USER=b", NULL};
    struct error err = {{0}};

    environ = envp;
    if (prologue_run (extra, &child, &err) == 0)
        return 1;
    if (errno != EINVAL || !strstr (err.text, "SUDO_USER is set more than"))
        return 2;
    if (child.env)
        return 3;
    return 0;
}

static void test_duplicate_environment (void **state)
{
    run_in_child (duplicate_environment);
}

static int hostile_signals (void)
{
    struct sigaction sa;
    sigset_t set;

    memset (&sa, 0, sizeof (sa));
    sa.sa_handler = SIG_IGN;
    if (sigaction (SIGCHLD, &sa, NULL) < 0 || sigaction (SIGPIPE, &sa, NULL) < 0
        || sigaction (SIGTERM, &sa, NULL) < 0)
        return 100;
    sigfillset (&set);
    if (sigprocmask (SIG_SETMASK, &set, NULL) < 0)
        return 101;
    if (prologue_run (extra, &child, NULL) < 0)
        return 1;
    if (sigaction (SIGCHLD, NULL, &sa) < 0 || sa.sa_handler != SIG_DFL)
        return 2;
    if (sigaction (SIGPIPE, NULL, &sa) < 0 || sa.sa_handler != SIG_DFL)
        return 3;
    if (sigaction (SIGTERM, NULL, &sa) < 0 || sa.sa_handler != SIG_DFL)
        return 4;
    if (sigprocmask (SIG_SETMASK, NULL, &set) < 0)
        return 5;
    for (int sig = 1; sig < SIGRTMIN; sig++)
        if (sigismember (&set, sig) == 1)
            return 6;
    return 0;
}

static void test_signals (void **state)
{
    run_in_child (hostile_signals);
}

static int core_and_umask (void)
{
    struct rlimit rl = {RLIM_INFINITY, RLIM_INFINITY};
    mode_t mask;

    (void)setrlimit (RLIMIT_CORE, &rl); /* may fail when not root */
    if (getrlimit (RLIMIT_CORE, &rl) < 0)
        return 100;
    (void)prctl (PR_SET_DUMPABLE, 1, 0, 0, 0);
    umask (0777);
    if (prologue_run (extra, &child, NULL) < 0)
        return 1;
    if (prctl (PR_GET_DUMPABLE, 0, 0, 0, 0) != 0)
        return 2;
    struct rlimit now;
    if (getrlimit (RLIMIT_CORE, &now) < 0 || now.rlim_cur != 0)
        return 3;
    if (now.rlim_max != rl.rlim_max || child.core_limit.rlim_cur != rl.rlim_cur
        || child.core_limit.rlim_max != rl.rlim_max)
        return 4;
    mask = umask (0);
    if (mask != 022 || child.umask != 0777)
        return 5;
    return 0;
}

static void test_core_dumps_and_umask (void **state)
{
    run_in_child (core_and_umask);
}

/* With the stack limits 'set' in place: prologue_run() leaves the
 * limits 'want_cur' and 'want_max', keeps 'set' as the caller's and
 * prologue_give_back_stack() restores it.  The number of the first check
 * that failed, or 0.
 */
static int stack_raised_and_given_back (const struct rlimit *set,
                                        rlim_t want_cur,
                                        rlim_t want_max)
{
    struct rlimit rl;

    if (setrlimit (RLIMIT_STACK, set) < 0)
        return 100;
    if (prologue_run (extra, &child, NULL) < 0)
        return 1;
    if (getrlimit (RLIMIT_STACK, &rl) < 0 || rl.rlim_cur != want_cur
        || rl.rlim_max != want_max)
        return 2;
    if (child.stack_limit.rlim_cur != set->rlim_cur
        || child.stack_limit.rlim_max != set->rlim_max)
        return 3;
    prologue_give_back_stack (&child);
    if (getrlimit (RLIMIT_STACK, &rl) < 0 || rl.rlim_cur != set->rlim_cur
        || rl.rlim_max != set->rlim_max)
        return 4;
    return 0;
}

/* A tiny soft stack limit (the hard one large): raised to the minimum. */
static int small_soft_stack (void)
{
    struct rlimit set;

    if (getrlimit (RLIMIT_STACK, &set) < 0)
        return 101;
    if (set.rlim_max < PROLOGUE_STACK_MIN)
        return 0; /* the hard limit of the test is below the minimum */
    set.rlim_cur = 16 * 1024;
    return stack_raised_and_given_back (&set, PROLOGUE_STACK_MIN,
                                        set.rlim_max);
}

static void test_small_soft_stack (void **state)
{
    run_in_child (small_soft_stack);
}

/* True when this process may raise its hard RLIMIT_STACK, tried on a
 * copy: root with CAP_SYS_RESOURCE.
 */
static bool can_raise_hard_stack (void)
{
    struct rlimit rl = {.rlim_cur = 16 * 1024, .rlim_max = 64 * 1024};
    pid_t pid;
    int status;

    fflush (NULL);
    if ((pid = fork ()) == 0) {
        struct rlimit up = {PROLOGUE_STACK_MIN, PROLOGUE_STACK_MIN};
        _exit (setrlimit (RLIMIT_STACK, &rl) == 0
                       && setrlimit (RLIMIT_STACK, &up) == 0
                   ? 0
                   : 1);
    }
    return pid > 0 && waitpid (pid, &status, 0) == pid && WIFEXITED (status)
           && WEXITSTATUS (status) == 0;
}

/* Hard limit 512 KiB: with the capability both limits go to the minimum,
 * without it the soft limit goes up to the hard one; given back either
 * way.
 */
static int small_hard_stack (void)
{
    struct rlimit set = {.rlim_cur = 16 * 1024, .rlim_max = 512 * 1024};
    rlim_t want = can_raise_hard_stack () ? PROLOGUE_STACK_MIN : set.rlim_max;

    return stack_raised_and_given_back (&set, want, want);
}

static void test_small_hard_stack (void **state)
{
    run_in_child (small_hard_stack);
}

/* Hard limit 32 KiB: raised with the capability; without it the prologue
 * refuses, saying why.
 */
static int tiny_hard_stack (void)
{
    struct rlimit rl, set = {.rlim_cur = 16 * 1024, .rlim_max = 32 * 1024};
    bool can = can_raise_hard_stack ();
    struct error err = {{0}};

    if (setrlimit (RLIMIT_STACK, &set) < 0)
        return 100;
    if (can) {
        if (prologue_run (extra, &child, &err) < 0)
            return 1;
        if (getrlimit (RLIMIT_STACK, &rl) < 0
            || rl.rlim_cur != PROLOGUE_STACK_MIN)
            return 2;
        return 0;
    }
    errno = 0;
    if (prologue_run (extra, &child, &err) == 0 || errno != EINVAL)
        return 3;
    if (strcmp (err.text,
                "the stack limit (RLIMIT_STACK) of 32768 bytes is below the"
                " 65536 that flux-imp needs"))
        return 4;
    return 0;
}

static void test_tiny_hard_stack (void **state)
{
    run_in_child (tiny_hard_stack);
}

/* A stack limit above the minimum is left as the caller set it. */
static int large_stack (void)
{
    struct rlimit rl, set;

    if (getrlimit (RLIMIT_STACK, &set) < 0)
        return 100;
    if (set.rlim_max != RLIM_INFINITY && set.rlim_max < 2 * PROLOGUE_STACK_MIN)
        return 0; /* cannot be set without privilege: nothing to check */
    set.rlim_cur = 2 * PROLOGUE_STACK_MIN;
    if (setrlimit (RLIMIT_STACK, &set) < 0)
        return 101;
    if (prologue_run (extra, &child, NULL) < 0)
        return 1;
    if (getrlimit (RLIMIT_STACK, &rl) < 0 || rl.rlim_cur != set.rlim_cur
        || rl.rlim_max != set.rlim_max)
        return 2;
    return 0;
}

static void test_large_stack (void **state)
{
    run_in_child (large_stack);
}

static void test_invalid_argument (void **state)
{
    struct error err = {{0}};

    errno = 0;
    assert_int_equal (prologue_run (extra, NULL, &err), -1);
    assert_int_equal (errno, EINVAL);
}

int main (void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test (test_descriptors),
        cmocka_unit_test (test_only_stderr_closed),
        cmocka_unit_test (test_environment),
        cmocka_unit_test (test_duplicate_environment),
        cmocka_unit_test (test_signals),
        cmocka_unit_test (test_core_dumps_and_umask),
        cmocka_unit_test (test_small_soft_stack),
        cmocka_unit_test (test_small_hard_stack),
        cmocka_unit_test (test_tiny_hard_stack),
        cmocka_unit_test (test_large_stack),
        cmocka_unit_test (test_invalid_argument),
    };
    return TAP_RUN (tests);
}
