/* imp_cgroup.h - the cgroup v2 that a process of the IMP runs in.
 *
 * The IMP uses cgroups for three things (imp.md 4.3-4.5): SIGUSR1 kills
 * every process of the job's cgroup, exec and run wait until that cgroup
 * is empty before exiting, and a device filter is attached to it.  All
 * three act only on a dedicated job cgroup: one whose last path component
 * starts with "imp-shell" or "flux-" (the names flux-core's systemd units
 * give).  On any other cgroup (the root, a user's session, a shared
 * service) killing "every member" or filtering devices would reach
 * processes that are not the job's, so it is refused.
 */
#ifndef FLUX_IMP_CGROUP_H
#define FLUX_IMP_CGROUP_H

#include <limits.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "common/error.h"

struct imp_cgroup {
    char path[PATH_MAX];  /* absolute directory of the cgroup, under mount */
    char mount[PATH_MAX]; /* the cgroup2 mount point it was found under */
    bool is_job;          /* a dedicated job cgroup (see above) */
};

/* Find the cgroup v2 directory of process 'pid' (0: the calling process)
 * from /proc/<pid>/cgroup (the "0::" line) and the cgroup2 mount of
 * /proc/self/mounts.  Return 0 and fill 'cg', or -1 with errno set
 * (ENOENT: no cgroup2 mount or no "0::" line) and 'err' filled.
 */
int imp_cgroup_of (pid_t pid, struct imp_cgroup *cg, struct error *err);

/* The same for a caller that needs a job cgroup only (exec_job.c): when
 * the last component of the path is not a job cgroup name, return 0 with
 * cg->is_job false, cg->path the path relative to the cgroup2 mount (as
 * in /proc/<pid>/cgroup) and cg->mount empty, without reading
 * /proc/self/mounts (long, and costly to generate, on a node with many
 * mounts).
 */
int imp_cgroup_job_of (pid_t pid, struct imp_cgroup *cg, struct error *err);

/* True if 'name' (the last component of a cgroup path) names a dedicated
 * job cgroup: it starts with "imp-shell" or "flux-".  Pure.
 */
bool imp_cgroup_name_is_job (const char *name);

/* Send 'sig' to every process listed in <cg->path>/cgroup.procs except
 * the calling process (the IMP is itself a member of the job cgroup it
 * supervises).  One pass: a process that forks after the list was read
 * may leave a child unsignalled, so a caller that must empty the cgroup
 * signals again while it waits (exec_job.c does).  A process that is
 * gone already (ESRCH) is not an error.  Refused unless cg->is_job.
 * Return the number of processes signalled, or -1 with errno set and
 * 'err' filled: EPERM not a job cgroup (or kill(2) refused), EINVAL
 * invalid argument or a malformed cgroup.procs, others from open/read.
 */
int imp_cgroup_kill (const struct imp_cgroup *cg, int sig, struct error *err);

/* Number of processes in <cg->path>/cgroup.procs other than the calling
 * process, or -1 with errno set and 'err' filled (as imp_cgroup_kill(),
 * EPERM unless cg->is_job).
 */
int imp_cgroup_count_others (const struct imp_cgroup *cg, struct error *err);

/* Wait until no process but the caller is left in the job cgroup 'cg'.
 *
 * Polled: cgroup.events cannot say it, because its "populated 1" counts
 * the IMP itself, and cgroup.procs gives no inotify event.  The list is
 * read at once, then after 10 ms, the interval doubling up to one second
 * (the original polls every second; the short first steps let a job
 * whose processes all end with the shell finish without delay).
 *
 * The sleeps are sigtimedwait(2) on 'wake' (NULL: plain sleeps), whose
 * signals the caller keeps blocked: one of them ends the wait early, so
 * that the caller can act on it (SIGUSR1: kill the cgroup) and wait
 * again.  'timeout_ms' < 0 waits without bound: the original waits
 * forever, and so do we by default, because a job cgroup that still has
 * processes still holds the job's resources, and an IMP that gave up
 * would tell its caller the job was over while it was not; the caller
 * can always end the wait by killing the cgroup (SIGUSR1).
 *
 * Return 0 with *sigp = 0 when the cgroup is empty, or 0 with *sigp set
 * to the signal of 'wake' that arrived; -1 with errno set and 'err'
 * filled: ETIMEDOUT, EPERM not a job cgroup, errors of reading.
 */
int imp_cgroup_wait_empty (const struct imp_cgroup *cg,
                           const sigset_t *wake,
                           int timeout_ms,
                           int *sigp,
                           struct error *err);

/* The fallback of "kill the job" where there is no job cgroup: send
 * 'sig' to every child of the calling process, as listed by
 * /proc/self/task/<pid>/children (the IMP is single-threaded), or,
 * where the kernel lacks that file, by the PPid field of every
 * /proc/<pid>/stat.  Grandchildren are not reached.  Return the number
 * of children signalled, or -1 with errno set and 'err' filled.
 */
int imp_cgroup_kill_children (int sig, struct error *err);

/* Pure parsers, exposed for the unit tests.
 * imp_cgroup_parse_mounts: the mount point of the first cgroup2 file
 *   system in the text of /proc/self/mounts (octal escapes undone).
 * imp_cgroup_parse_proc: the path of the one "0::" line of the text of
 *   /proc/<pid>/cgroup; two such lines, or a ".", ".." or empty
 *   component, are EINVAL.
 * Both return 0, or -1 with errno ENOENT (nothing found), EINVAL or
 * ENAMETOOLONG (does not fit 'size').
 * imp_cgroup_parse_pid: the 'len' bytes at 's' are a process id: decimal
 *   digits, no sign or leading zero, 1 <= pid <= INT_MAX.  0 and *pidp
 *   set, or -1 with errno = EINVAL.
 * imp_cgroup_parse_ppid: the parent pid (fourth field) of the text of a
 *   /proc/<pid>/stat, found after the last ')' (the command name may hold
 *   anything, ')' and spaces included).  0 and *ppidp set (0 for a
 *   process without parent), or -1 with errno = EINVAL.
 */
int imp_cgroup_parse_mounts (const char *text, char *mount, size_t size);
int imp_cgroup_parse_proc (const char *text, char *rel, size_t size);
int imp_cgroup_parse_pid (const char *s, size_t len, pid_t *pidp);
int imp_cgroup_parse_ppid (const char *text, pid_t *ppidp);

#endif /* !FLUX_IMP_CGROUP_H */
