/* exec_job.h - start the job shell of `flux-imp exec`, stay its parent,
 * forward signals to it, and return its status.
 */
#ifndef FLUX_IMP_EXEC_JOB_H
#define FLUX_IMP_EXEC_JOB_H

#include <pwd.h>

#include "common/error.h"
#include "prologue.h"

/* What the job is started with. */
struct exec_job {
    char *const *argv;          /* argv[0] is the absolute shell path */
    const struct passwd *pw;    /* the job's user; NULL: stay the caller
                                 * (the IMP is not setuid) */
    const struct prologue *pro; /* the caller's env, umask, core limit */
    const char *notify_socket;  /* NOTIFY_SOCKET, or NULL */
};

/* Start the shell and wait for it (see exec_job.c for the steps).
 * Return its wait status (waitpid(2)), or -1 with errno set and 'err'
 * filled if it could not be started.  While waiting, the signals of
 * imp.md 4.4 are forwarded to the shell (SIGUSR1 as SIGKILL) and every
 * other signal is blocked.  With a notify socket, sd_notify messages
 * (imp_notify.h): "READY=1" and "STATUS=IMP is monitoring child and
 * forwarding signals" once the shell is started, "STOPPING=1" and
 * "STATUS=IMP child exited (N), waiting for cgroup" (or "IMP child
 * <signal description>, waiting for cgroup") when it has ended; a failure
 * to notify is a warning.
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
