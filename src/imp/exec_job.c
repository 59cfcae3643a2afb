/* exec_job.c - run the job shell of `flux-imp exec`.
 *
 * The steps, in the IMP (root in a setuid install):
 *   1. block every signal, fork;
 *   2. in the new process: every handler < SIGRTMIN back to default, the
 *      mask emptied; switch to the job's user for good (when privileged)
 *      and prove it; chdir ("/"); the caller's umask and RLIMIT_CORE
 *      back; the environment of exec_env.h; execve() of the absolute
 *      shell path (no PATH search); on failure "<shell>: <strerror>" and
 *      exit 126 (EACCES, EPERM) or 127;
 *   3. in the IMP: forwarding handlers for SIGTERM, SIGINT, SIGHUP,
 *      SIGCONT, SIGALRM, SIGWINCH, SIGTTIN, SIGTTOU (sent on to the
 *      shell) and SIGUSR1 (SIGKILL to the shell: "kill the job"); only
 *      those are unblocked; wait for the shell.
 *
 * SECURITY INVARIANTS
 * - Nothing of the job runs before the user switch is proven: real,
 *   effective and saved ids and the groups are the job user's, and
 *   setreuid (-1, 0), setresuid (0, 0, 0) and (unless the user's group
 *   is 0) setegid (0) fail.
 * - The shell is started by its absolute path with execve(); the
 *   process environment of the IMP is empty (prologue.h) and the shell
 *   gets only what exec_env_build() lets through, built after the switch
 *   (imp_env_next() refuses to work with an effective uid of 0).
 * - The IMP only signals the one process it started.
 */
#define _GNU_SOURCE
#if HAVE_CONFIG_H
#include "config.h"
#endif
#include <errno.h>
#include <grp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "exec_env.h"
#include "exec_job.h"
#include "imp_log.h"
#include "imp_notify.h"

static const int forwarded[] = {
    SIGTERM,  SIGINT,  SIGHUP,  SIGCONT, SIGALRM,
    SIGWINCH, SIGTTIN, SIGTTOU, SIGUSR1,
};
#define NFORWARDED (sizeof (forwarded) / sizeof (forwarded[0]))

static volatile sig_atomic_t job_pid = -1;

static void forward (int sig)
{
    int saved_errno = errno;

    if (job_pid > 0)
        (void)kill ((pid_t)job_pid, sig == SIGUSR1 ? SIGKILL : sig);
    errno = saved_errno;
}

static int prove_no_way_back (const struct passwd *pw, struct error *err)
{
    uid_t r, e, s;
    gid_t rg, eg, sg;

    if (setreuid ((uid_t)-1, 0) == 0 || setresuid (0, 0, 0) == 0
        || (pw->pw_gid != 0 && setegid (0) == 0))
        return error_errno (err, EPERM,
                            "irreversible switch to uid %ju "
                            "failed: root can be regained",
                            (uintmax_t)pw->pw_uid);
    if (getresuid (&r, &e, &s) < 0 || getresgid (&rg, &eg, &sg) < 0)
        return error_errno (err, errno, "getresuid: %s", strerror (errno));
    if (r != pw->pw_uid || e != pw->pw_uid || s != pw->pw_uid
        || rg != pw->pw_gid || eg != pw->pw_gid || sg != pw->pw_gid)
        return error_errno (err, EPERM,
                            "irreversible switch to uid %ju "
                            "failed: ids did not change",
                            (uintmax_t)pw->pw_uid);
    return 0;
}

int exec_job_switch_user (const struct passwd *pw, struct error *err)
{
    if (!pw || pw->pw_uid == 0)
        return error_errno (err, EPERM,
                            "switching to user root not "
                            "supported");
    if (initgroups (pw->pw_name, pw->pw_gid) < 0)
        return error_errno (err, errno, "initgroups %s: %s", pw->pw_name,
                            strerror (errno));
    if (setresgid (pw->pw_gid, pw->pw_gid, pw->pw_gid) < 0)
        return error_errno (err, errno, "setresgid %ju: %s",
                            (uintmax_t)pw->pw_gid, strerror (errno));
    if (setresuid (pw->pw_uid, pw->pw_uid, pw->pw_uid) < 0)
        return error_errno (err, errno, "setresuid %ju: %s",
                            (uintmax_t)pw->pw_uid, strerror (errno));
    return prove_no_way_back (pw, err);
}

/* Step 2, in the new process.  Never returns. */
static __attribute__ ((noreturn)) void start_shell (const struct exec_job *job)
{
    struct error err = {{0}};
    struct sigaction sa = {.sa_handler = SIG_DFL};
    sigset_t none;
    char **envv;
    int e;

    for (int sig = 1; sig < SIGRTMIN; sig++)
        if (sig != SIGKILL && sig != SIGSTOP)
            (void)sigaction (sig, &sa, NULL);
    sigemptyset (&none);
    if (job->pw && exec_job_switch_user (job->pw, &err) < 0) {
        imp_fatal ("exec: %s", err.text);
        _exit (1);
    }
    if (chdir ("/") < 0) {
        imp_fatal ("exec: chdir /: %s", strerror (errno));
        _exit (1);
    }
    (void)umask (job->pro->umask);
    (void)setrlimit (RLIMIT_CORE, &job->pro->core_limit);
    if (!(envv = exec_env_build (job->pro->env, &err))) {
        imp_fatal ("exec: environment: %s", err.text);
        _exit (1);
    }
    (void)sigprocmask (SIG_SETMASK, &none, NULL);
    execve (job->argv[0], job->argv, envv);
    e = errno;
    imp_fatal ("%s: %s", job->argv[0], strerror (e));
    _exit (e == EACCES || e == EPERM ? 126 : 127);
}

static void notify (const char *path, const char *msg)
{
    struct error err = {{0}};

    if (imp_notify (path, msg, &err) < 0)
        imp_warn ("%s", err.text);
}

static void notify_ended (const char *path, int status)
{
    char msg[256];

    if (!path)
        return;
    if (WIFSIGNALED (status))
        snprintf (msg, sizeof (msg),
                  "STOPPING=1\nSTATUS=IMP child %s, "
                  "waiting for cgroup",
                  strsignal (WTERMSIG (status)));
    else
        snprintf (msg, sizeof (msg),
                  "STOPPING=1\nSTATUS=IMP child exited "
                  "(%d), waiting for cgroup",
                  WEXITSTATUS (status));
    notify (path, msg);
}

/* Step 3: forward, wait. */
static int wait_job (pid_t pid, const char *notify_socket, struct error *err)
{
    struct sigaction sa = {.sa_handler = forward};
    sigset_t waitmask;
    int status;
    pid_t rc;

    sigfillset (&sa.sa_mask);
    sigfillset (&waitmask);
    job_pid = pid;
    for (size_t i = 0; i < NFORWARDED; i++) {
        (void)sigaction (forwarded[i], &sa, NULL);
        sigdelset (&waitmask, forwarded[i]);
    }
    if (notify_socket)
        notify (notify_socket, "READY=1\nSTATUS=IMP is monitoring child "
                               "and forwarding signals");
    (void)sigprocmask (SIG_SETMASK, &waitmask, NULL);
    while ((rc = waitpid (pid, &status, 0)) < 0 && errno == EINTR)
        ;
    sigfillset (&waitmask);
    (void)sigprocmask (SIG_SETMASK, &waitmask, NULL);
    job_pid = -1;
    if (rc < 0)
        return error_errno (err, errno, "waitpid: %s", strerror (errno));
    notify_ended (notify_socket, status);
    return status;
}

int exec_job_run (const struct exec_job *job, struct error *err)
{
    sigset_t all, old;
    pid_t pid;

    if (!job || !job->argv || !job->argv[0] || job->argv[0][0] != '/'
        || !job->pro)
        return error_errno (err, EINVAL, "invalid job");
    sigfillset (&all);
    if (sigprocmask (SIG_SETMASK, &all, &old) < 0)
        return error_errno (err, errno, "sigprocmask: %s", strerror (errno));
    (void)fflush (NULL);
    if ((pid = fork ()) < 0) {
        error_errno (err, errno, "fork: %s", strerror (errno));
        (void)sigprocmask (SIG_SETMASK, &old, NULL);
        return -1;
    }
    if (pid == 0)
        start_shell (job);
    return wait_job (pid, job->notify_socket, err);
}

void exec_job_exit_like (int status)
{
    struct sigaction sa = {.sa_handler = SIG_DFL};
    sigset_t set;
    int sig;

    if (WIFEXITED (status))
        _exit (WEXITSTATUS (status));
    sig = WIFSIGNALED (status) ? WTERMSIG (status) : SIGKILL;
    (void)fflush (NULL);
    (void)sigaction (sig, &sa, NULL);
    sigemptyset (&set);
    sigaddset (&set, sig);
    (void)sigprocmask (SIG_UNBLOCK, &set, NULL);
    (void)raise (sig);
    imp_fatal ("failed to raise signal %d", sig);
    _exit (128 + sig);
}
