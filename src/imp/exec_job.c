/* exec_job.c - run the job shell of `flux-imp exec`, or the command of
 * `flux-imp run`, and supervise it.
 *
 * The steps, in the IMP (root in a setuid install):
 *   1. find the IMP's own cgroup (imp_cgroup_job_of()), once, before the
 *      fork; block every signal, fork;
 *   2. in the new process: every handler < SIGRTMIN back to default, the
 *      mask emptied; with EXEC_JOB_PGRP a new process group; switch to
 *      the job's user for good (or, with EXEC_JOB_ROOT, to root with
 *      root's group alone) and prove it; chdir ("/"); for exec the
 *      caller's umask and RLIMIT_CORE back, for both the caller's
 *      RLIMIT_STACK (prologue.h); the environment given, or
 *      that of exec_env.h; execve() of the absolute path (no PATH
 *      search); on failure "<path>: <strerror>" and exit 126 (EACCES,
 *      EPERM) or 127;
 *   3. in the IMP, every signal still blocked: sigwaitinfo() on SIGCHLD
 *      and the forwarded signals SIGTERM, SIGINT, SIGHUP, SIGCONT,
 *      SIGALRM, SIGWINCH, SIGTTIN, SIGTTOU (sent on to the shell, or its
 *      process group) and SIGUSR1 (kill the job), until the shell has
 *      ended;
 *   4. in a job cgroup: wait until the IMP is alone in it.
 * No signal handler is installed: signals are taken synchronously in
 * the main loop, so that killing a cgroup (open, read, kill) never runs
 * in a handler and no signal can slip between a check and a wait.
 *
 * SECURITY INVARIANTS
 * - Nothing of the job runs before the user switch is proven: real,
 *   effective and saved ids and the groups are the job user's (root and
 *   gid 0 alone with EXEC_JOB_ROOT), and for a user setreuid (-1, 0),
 *   setresuid (0, 0, 0) and (unless the user's group is 0) setegid (0)
 *   fail.
 * - The shell is started by its absolute path with execve(); the
 *   process environment of the IMP is empty (prologue.h) and the shell
 *   gets only what the caller built (run) or exec_env_build() lets
 *   through, built after the switch (imp_env_next() refuses to work with
 *   an effective uid of 0).
 * - The IMP signals the process it started (or its process group), and,
 *   for SIGUSR1 only, the members of its own cgroup when that is a
 *   dedicated job cgroup (imp_cgroup.h), else its own children.  The
 *   cgroup is found before the fork, from the kernel's /proc files.
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
#include "imp_audit.h"
#include "imp_cgroup.h"
#include "imp_log.h"
#include "imp_notify.h"

static const int forwarded[] = {
    SIGTERM,  SIGINT,  SIGHUP,  SIGCONT, SIGALRM,
    SIGWINCH, SIGTTIN, SIGTTOU, SIGUSR1,
};
#define NFORWARDED (sizeof (forwarded) / sizeof (forwarded[0]))

/* The IMP's side of a running job. */
struct supervisor {
    const struct exec_job *job;
    pid_t pid;            /* the shell */
    struct imp_cgroup cg; /* the IMP's cgroup; cg.is_job false: none */
};

static const char *job_name (const struct exec_job *job)
{
    return job->name ? job->name : "exec";
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

/* EXEC_JOB_ROOT: root entirely, with gid 0 as the only group (the
 * original kept the caller's supplementary groups), and prove it.
 */
static int become_root (struct error *err)
{
    gid_t groups[2] = {0, 0};
    uid_t r, e, s;
    gid_t rg, eg, sg;

    if (setgroups (1, groups) < 0 || setresgid (0, 0, 0) < 0
        || setresuid (0, 0, 0) < 0)
        return error_errno (err, errno, "switching to root: %s",
                            strerror (errno));
    if (getresuid (&r, &e, &s) < 0 || getresgid (&rg, &eg, &sg) < 0
        || (r | e | s) != 0 || (rg | eg | sg) != 0 || getgroups (2, groups) != 1
        || groups[0] != 0)
        return error_errno (err, EPERM,
                            "switching to root: ids or groups "
                            "did not change");
    return 0;
}

/* Step 2: who the job runs as. */
static int switch_ids (const struct exec_job *job, struct error *err)
{
    if (job->flags & EXEC_JOB_ROOT)
        return job->pw ? error_errno (err, EINVAL, "invalid job")
                       : become_root (err);
    if (job->pw)
        return exec_job_switch_user (job->pw, err);
    return 0;
}

static __attribute__ ((noreturn)) void
start_fail (const struct exec_job *job, const char *what, const char *text)
{
    imp_fatal ("%s: %s%s", job_name (job), what, text);
    _exit (1);
}

/* Step 2: the environment of exec_env.h, with job->extra and, in a
 * 'guest' shell (the job's user is not the caller),
 * FLUX_SECURITY_REFUSE_NONE=<its pid> (none is refused in it:
 * exec_env.h).
 */
static char **
build_env (const struct exec_job *job, bool guest, struct error *err)
{
    const char *extra[EXEC_JOB_EXTRA_MAX + 2] = {NULL};
    char refuse[64];
    size_t n = 0;

    if (guest) {
        if (exec_env_refuse_none (getpid (), refuse, sizeof (refuse)) < 0) {
            error_errno (err, errno, "%s", strerror (errno));
            return NULL;
        }
        extra[n++] = refuse;
    }
    for (const char *const *e = job->extra; e && *e; e++) {
        if (n > EXEC_JOB_EXTRA_MAX) {
            error_errno (err, E2BIG, "too many variables");
            return NULL;
        }
        extra[n++] = *e;
    }
    return exec_env_build (job->pro->env, extra, err);
}

/* Step 2, in the new process.  Never returns. */
static __attribute__ ((noreturn)) void start_shell (const struct exec_job *job)
{
    struct error err = {{0}};
    struct sigaction sa = {.sa_handler = SIG_DFL};
    char *const *envv = job->envv;
    /* before the switch: getuid () is still the caller's */
    bool guest = job->pw && job->pw->pw_uid != getuid ();
    sigset_t none;
    int e;

    for (int sig = 1; sig < SIGRTMIN; sig++)
        if (sig != SIGKILL && sig != SIGSTOP)
            (void)sigaction (sig, &sa, NULL);
    sigemptyset (&none);
    imp_audit_close (); /* before its descriptor is closed under it */
    if (prologue_close_above_stderr (&err) < 0)
        start_fail (job, "", err.text);
    if ((job->flags & EXEC_JOB_PGRP) && setpgid (0, 0) < 0)
        start_fail (job, "setpgid: ", strerror (errno));
    if (switch_ids (job, &err) < 0)
        start_fail (job, "", err.text);
    if (chdir ("/") < 0)
        start_fail (job, "chdir /: ", strerror (errno));
    if (!(job->flags & EXEC_JOB_ROOT)) {
        (void)umask (job->pro->umask);
        (void)setrlimit (RLIMIT_CORE, &job->pro->core_limit);
    }
    prologue_give_back_stack (job->pro);
    if (!envv && !(envv = build_env (job, guest, &err)))
        start_fail (job, "environment: ", err.text);
    (void)sigprocmask (SIG_SETMASK, &none, NULL);
    execve (job->argv[0], job->argv, envv);
    e = errno;
    imp_fatal ("%s: %s", job->argv[0], strerror (e));
    _exit (e == EACCES || e == EPERM ? 126 : 127);
}

static void notify (const char *path, const char *msg)
{
    struct error err = {{0}};

    if (path && imp_notify (path, msg, &err) < 0)
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

/* SIGUSR1: SIGKILL the job's cgroup, or (not in a job cgroup, or if
 * that fails) the IMP's children and the job's process group.
 */
static void kill_job (const struct supervisor *s)
{
    struct error err = {{0}};
    int rc = -1;

    if (s->cg.is_job)
        rc = imp_cgroup_kill (&s->cg, SIGKILL, &err);
    if (rc < 0) {
        if (s->pid > 0 && (s->job->flags & EXEC_JOB_PGRP))
            (void)kill (-s->pid, SIGKILL);
        rc = imp_cgroup_kill_children (SIGKILL, &err);
    }
    if (rc < 0)
        imp_warn ("Failed to forward SIGKILL: %s", strerror (errno));
}

static void forward (const struct supervisor *s, int sig)
{
    pid_t target = (s->job->flags & EXEC_JOB_PGRP) ? -s->pid : s->pid;

    if (sig == SIGUSR1)
        kill_job (s);
    else if (kill (target, sig) < 0 && errno != ESRCH)
        imp_warn ("Failed to forward signal %d: %s", sig, strerror (errno));
}

/* Step 3: forward signals until the shell has ended; set *statusp. */
static int wait_job (struct supervisor *s, int *statusp, struct error *err)
{
    sigset_t set;
    pid_t rc;
    int sig;

    sigemptyset (&set);
    sigaddset (&set, SIGCHLD);
    for (size_t i = 0; i < NFORWARDED; i++)
        sigaddset (&set, forwarded[i]);
    notify (s->job->notify_socket, "READY=1\nSTATUS=IMP is monitoring "
                                   "child and forwarding signals");
    for (;;) {
        if ((rc = waitpid (s->pid, statusp, WNOHANG)) == s->pid)
            return 0;
        if (rc < 0 && errno != EINTR)
            return error_errno (err, errno, "waitpid: %s", strerror (errno));
        if ((sig = sigwaitinfo (&set, NULL)) < 0) {
            if (errno == EINTR)
                continue;
            return error_errno (err, errno, "sigwaitinfo: %s",
                                strerror (errno));
        }
        if (sig != SIGCHLD)
            forward (s, sig);
    }
}

/* Step 4: in a job cgroup, wait until the IMP is alone in it.  SIGUSR1
 * kills what is left, and again every second until it is gone.
 */
static void wait_cgroup (struct supervisor *s)
{
    struct error err = {{0}};
    bool killing = false;
    sigset_t wake;
    int sig;

    if (!s->cg.is_job)
        return;
    sigemptyset (&wake);
    sigaddset (&wake, SIGUSR1);
    for (;;) {
        if (imp_cgroup_wait_empty (&s->cg, &wake, killing ? 1000 : -1, &sig,
                                   &err)
            == 0) {
            if (sig == 0)
                break;
            killing = true;
        }
        else if (errno != ETIMEDOUT) {
            imp_warn ("%s: waiting for the cgroup: %s", job_name (s->job),
                      err.text);
            return;
        }
        kill_job (s);
    }
    notify (s->job->notify_socket, "STATUS=cgroup is now empty, exiting");
}

/* Step 1: the IMP's cgroup, found once, before the fork. */
static void find_cgroup (struct supervisor *s)
{
    struct error err = {{0}};

    if (imp_cgroup_job_of (0, &s->cg, &err) < 0) {
        imp_debug ("%s: no cgroup: %s", job_name (s->job), err.text);
        memset (&s->cg, 0, sizeof (s->cg));
    }
    else if (!s->cg.is_job)
        imp_debug ("%s: %s is not a job cgroup", job_name (s->job), s->cg.path);
}

static bool job_is_valid (const struct exec_job *job)
{
    return job && job->argv && job->argv[0] && job->argv[0][0] == '/'
           && job->pro && (job->flags & ~(EXEC_JOB_ROOT | EXEC_JOB_PGRP)) == 0
           && !((job->flags & EXEC_JOB_ROOT) && job->pw);
}

int exec_job_run (const struct exec_job *job, struct error *err)
{
    struct supervisor s = {.job = job};
    sigset_t all, old;
    int status;

    if (!job_is_valid (job))
        return error_errno (err, EINVAL, "invalid job");
    find_cgroup (&s);
    sigfillset (&all);
    if (sigprocmask (SIG_SETMASK, &all, &old) < 0)
        return error_errno (err, errno, "sigprocmask: %s", strerror (errno));
    (void)fflush (NULL);
    if ((s.pid = fork ()) < 0) {
        error_errno (err, errno, "fork: %s", strerror (errno));
        (void)sigprocmask (SIG_SETMASK, &old, NULL);
        return -1;
    }
    if (s.pid == 0)
        start_shell (job);
    if (job->flags & EXEC_JOB_PGRP)
        (void)setpgid (s.pid, s.pid); /* both sides, no race */
    if (wait_job (&s, &status, err) < 0)
        return -1;
    notify_ended (job->notify_socket, status);
    wait_cgroup (&s);
    return status;
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
