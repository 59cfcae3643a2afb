/* exec_job.h - start the job shell of `flux-imp exec` (or the command of
 * `flux-imp run`), stay its parent, forward signals to it, wait for its
 * job cgroup to empty, and return its status.
 */
#ifndef FLUX_IMP_EXEC_JOB_H
#define FLUX_IMP_EXEC_JOB_H

#include <pwd.h>

#include "common/error.h"
#include "prologue.h"

/* exec_job flags (0 for exec) */
enum {
    /* Become root entirely before the exec (`flux-imp run`): real,
     * effective and saved uid and gid 0, supplementary groups reset to
     * gid 0 alone, proven.  'pw' must be NULL.  The IMP's umask (022) and
     * core limit (0) are kept: the caller's are not given to root.
     */
    EXEC_JOB_ROOT = 1,
    /* The job leads a new process group (setpgid), and forwarded signals
     * go to the whole group.
     */
    EXEC_JOB_PGRP = 2,
};

/* Most strings in exec_job.extra. */
#define EXEC_JOB_EXTRA_MAX 8

/* What the job is started with. */
struct exec_job {
    char *const *argv;          /* argv[0] is the absolute shell path */
    const struct passwd *pw;    /* the job's user; NULL: stay the caller
                                 * (the IMP is not setuid), or root with
                                 * EXEC_JOB_ROOT */
    const struct prologue *pro; /* the caller's env, umask, limits */
    const char *notify_socket;  /* NOTIFY_SOCKET, or NULL */
    const char *name;           /* prefix of messages; NULL: "exec" */
    char *const *envv;          /* the environment; NULL: exec_env_build()
                                 * of pro->env, after the user switch */
    const char *const *extra;   /* with envv NULL: "NAME=value" strings
                                 * the IMP sets (exec_env_build()), e.g.
                                 * CREDENTIALS_DIRECTORY; NULL: none */
    int flags;                  /* EXEC_JOB_* */
};

/* Start the shell and wait for it (see exec_job.c for the steps).
 * Return its wait status (waitpid(2)), or -1 with errno set and 'err'
 * filled if it could not be started.  While waiting, the signals of
 * imp.md 4.4 are forwarded to the shell (to its process group with
 * EXEC_JOB_PGRP) and every other signal is blocked.  SIGUSR1 kills the
 * job: SIGKILL to every other process of the IMP's cgroup when that is a
 * dedicated job cgroup (imp_cgroup.h), else to the IMP's children (and
 * the job's process group); a failure is the warning "Failed to forward
 * SIGKILL: <strerror>".  With a notify socket, sd_notify messages
 * (imp_notify.h): "READY=1" and "STATUS=IMP is monitoring child and
 * forwarding signals" once the shell is started, "STOPPING=1" and
 * "STATUS=IMP child exited (N), waiting for cgroup" (or "IMP child
 * <signal description>, waiting for cgroup") when it has ended; a failure
 * to notify is a warning.  Then, in a job cgroup only, it waits until no
 * process but the IMP is left in it (imp_cgroup_wait_empty(), without a
 * time bound; SIGUSR1 still kills what is left, again every second until
 * it is gone), and notifies "STATUS=cgroup is now empty, exiting".
 */
int exec_job_run (const struct exec_job *job, struct error *err);

/* Exit like the shell whose wait status is 'status': with its exit code,
 * or by the same signal (re-raised with its default action; 128+signal
 * if that does not end the process).  Does not return.
 */
__attribute__ ((noreturn)) void exec_job_exit_like (int status);

/* Give up every privilege for 'pw' for good: initgroups, setresgid,
 * setresuid, then prove that root cannot be regained and every id reads
 * back as the user's.  Return 0, or -1 with errno set and 'err' filled.
 */
int exec_job_switch_user (const struct passwd *pw, struct error *err);

#endif /* !FLUX_IMP_EXEC_JOB_H */
