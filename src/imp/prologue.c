/* prologue.c - the fixed first steps of flux-imp's main() (prologue.h).
 *
 * SECURITY INVARIANTS
 * - Trusts nothing inherited from the caller: descriptors, signal state,
 *   the environment and the umask are all reset here, before the
 *   configuration is read and before argv is looked at.
 * - After step 1 the only open descriptors are 0, 1 and 2, each open
 *   (on /dev/null if the caller had closed it, checked with fstat() to
 *   be a character device): a file opened later never gets 0-2.
 * - After step 4 the process environment is empty; the caller's copy is
 *   readable only through imp_env.h and its rule.
 */
#define _GNU_SOURCE
#if HAVE_CONFIG_H
#include "config.h"
#endif
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "prologue.h"

extern char **environ;

/* Fallback when close_range(2) is missing: close what /proc lists. */
static int close_listed_fds (struct error *err)
{
    DIR *dir;
    struct dirent *d;
    int self;

    if (!(dir = opendir ("/proc/self/fd")))
        return error_errno (err, errno,
                            "cannot close inherited descriptors:"
                            " /proc/self/fd: %s",
                            strerror (errno));
    self = dirfd (dir);
    while ((d = readdir (dir))) {
        char *end;
        long fd = strtol (d->d_name, &end, 10);
        if (*end == '\0' && end != d->d_name && fd > 2 && fd != self)
            (void)close ((int)fd);
    }
    closedir (dir);
    return 0;
}

int prologue_close_above_stderr (struct error *err)
{
#ifdef SYS_close_range
    if (syscall (SYS_close_range, 3U, ~0U, 0U) == 0)
        return 0;
    if (errno != ENOSYS)
        return error_errno (err, errno, "close_range: %s", strerror (errno));
#endif
    return close_listed_fds (err);
}

static bool fd_is_open (int fd)
{
    return fcntl (fd, F_GETFD) >= 0 || errno != EBADF;
}

/* Open /dev/null as 'fd', which is closed; all lower ones are open.
 * Like glibc does for a setuid program, stdin is opened write-only and
 * stdout and stderr read-only: reading a closed stdin or writing to a
 * closed stdout fails (EBADF) instead of silently succeeding, the same
 * in every build.
 */
static int open_null_as (int fd, struct error *err)
{
    int flags = fd == STDIN_FILENO ? O_WRONLY : O_RDONLY;
    struct stat st;
    int nfd;

    if ((nfd = open ("/dev/null", flags | O_NOCTTY)) < 0)
        return error_errno (err, errno, "/dev/null: %s", strerror (errno));
    if (fstat (nfd, &st) < 0 || !S_ISCHR (st.st_mode)) {
        (void)close (nfd);
        return error_errno (err, EPERM, "/dev/null is not a device");
    }
    if (nfd != fd) {
        int rc = dup2 (nfd, fd);
        (void)close (nfd);
        if (rc < 0)
            return error_errno (err, errno, "dup2: %s", strerror (errno));
    }
    return 0;
}

static int fix_descriptors (struct error *err)
{
    if (prologue_close_above_stderr (err) < 0)
        return -1;
    for (int fd = 0; fd <= 2; fd++)
        if (!fd_is_open (fd) && open_null_as (fd, err) < 0)
            return -1;
    return 0;
}

static int disable_core_dumps (struct rlimit *saved, struct error *err)
{
    struct rlimit rl;

    if (prctl (PR_SET_DUMPABLE, 0, 0, 0, 0) < 0)
        return error_errno (err, errno, "prctl PR_SET_DUMPABLE: %s",
                            strerror (errno));
    if (getrlimit (RLIMIT_CORE, &rl) < 0)
        return error_errno (err, errno, "getrlimit RLIMIT_CORE: %s",
                            strerror (errno));
    *saved = rl;
    rl.rlim_cur = 0;
    if (setrlimit (RLIMIT_CORE, &rl) < 0)
        return error_errno (err, errno, "setrlimit RLIMIT_CORE: %s",
                            strerror (errno));
    return 0;
}

/* Raise the soft RLIMIT_STACK to PROLOGUE_STACK_MIN, and the hard limit
 * with it when privileged; without the capability to raise a hard limit
 * (a root whose bounding set lacks CAP_SYS_RESOURCE, or the unprivileged
 * test build) go as far as the hard limit allows, and refuse to go on
 * below PROLOGUE_STACK_NEED rather than risk dying half-way.
 */
static int ensure_stack (struct rlimit *saved, struct error *err)
{
    struct rlimit rl;

    if (getrlimit (RLIMIT_STACK, &rl) < 0)
        return error_errno (err, errno, "getrlimit RLIMIT_STACK: %s",
                            strerror (errno));
    *saved = rl;
    if (rl.rlim_cur >= PROLOGUE_STACK_MIN)
        return 0;
    rl.rlim_cur = PROLOGUE_STACK_MIN;
    if (rl.rlim_max < PROLOGUE_STACK_MIN) {
        rl.rlim_max = PROLOGUE_STACK_MIN;
        if (geteuid () != 0 || setrlimit (RLIMIT_STACK, &rl) < 0)
            rl = (struct rlimit){saved->rlim_max, saved->rlim_max};
    }
    if (setrlimit (RLIMIT_STACK, &rl) < 0)
        return error_errno (err, errno, "setrlimit RLIMIT_STACK: %s",
                            strerror (errno));
    if (rl.rlim_cur < PROLOGUE_STACK_NEED)
        return error_errno (err, EINVAL,
                            "the stack limit (RLIMIT_STACK) of %llu bytes"
                            " is below the %llu that flux-imp needs",
                            (unsigned long long)rl.rlim_cur,
                            (unsigned long long)PROLOGUE_STACK_NEED);
    return 0;
}

void prologue_give_back_stack (const struct prologue *p)
{
    (void)setrlimit (RLIMIT_STACK, &p->stack_limit);
}

/* Signals that cannot be changed (SIGKILL, SIGSTOP, the ones glibc
 * reserves) make sigaction() fail: they are skipped.
 */
static int reset_signals (struct error *err)
{
    struct sigaction sa;
    sigset_t none;

    memset (&sa, 0, sizeof (sa));
    sa.sa_handler = SIG_DFL;
    sigemptyset (&sa.sa_mask);
    for (int sig = 1; sig < NSIG; sig++) {
        if (sig == SIGKILL || sig == SIGSTOP)
            continue;
        (void)sigaction (sig, &sa, NULL);
    }
    sigemptyset (&none);
    if (sigprocmask (SIG_SETMASK, &none, NULL) < 0)
        return error_errno (err, errno, "sigprocmask: %s", strerror (errno));
    return 0;
}

static int take_environment (const char *const extra_env[],
                             struct imp_env **envp,
                             struct error *err)
{
    struct imp_env *env;

    if (!(env = imp_env_create (environ, extra_env, err)))
        return -1;
    if (clearenv () != 0) {
        imp_env_destroy (env);
        return error_errno (err, ENOMEM, "clearenv failed");
    }
    *envp = env;
    return 0;
}

int prologue_run (const char *const extra_env[],
                  struct prologue *p,
                  struct error *err)
{
    struct prologue new = {0};

    if (!p)
        return error_errno (err, EINVAL, "prologue: invalid argument");
    if (fix_descriptors (err) < 0
        || disable_core_dumps (&new.core_limit, err) < 0
        || ensure_stack (&new.stack_limit, err) < 0
        || reset_signals (err) < 0
        || take_environment (extra_env, &new.env, err) < 0)
        return -1;
    new.umask = umask (022);
    *p = new;
    return 0;
}
