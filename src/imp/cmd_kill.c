/* cmd_kill.c - flux-imp kill SIGNAL PID: signal a process of a job on
 * behalf of the instance owner (imp.md 4.3, "Removed kill"; kept for
 * older flux-core).
 *
 * Arguments, strictly: SIGNAL is a decimal number from 0 to 64 (no
 * names, sign, blanks or leading zeros); PID a decimal process id
 * greater than 1 (0, 1 and negative ids, which name a process group,
 * init or every process, are refused).  Nothing else may follow.
 *
 * Child (unprivileged, as the caller): parse the arguments; the caller
 * must be in exec.allowed-users.  Privileged: send {cmd, signal, pid}.
 * Not setuid: do what the parent would, as the caller (the kernel then
 * refuses what the caller may not do itself).
 *
 * Parent (root): wait for the child to exit 0; check that the message
 * repeats its own argv; check allowed-users again; then decide:
 *   - the caller may signal PID if PID's cgroup v2 directory is owned by
 *     the caller, or if PID's real uid is the caller's.  The real uid
 *     (first field of "Uid:" in /proc/PID/status) is the user who started
 *     the process; the kernel's own rule for kill(2) compares the
 *     sender's uids with the target's real or saved uid, so this rule
 *     grants nothing the caller could not do already;
 *   - if PID is a flux-imp of effective uid 0 (its /proc/PID/exe is this
 *     very program: same device and inode as /proc/self/exe), allowed by
 *     the same rule (its real uid is the caller who started it), its
 *     children are signaled instead (the job shell of an exec), found in
 *     /proc/PID/task/PID/children (or, without it, by PPid in every
 *     /proc/N/status);
 *   - otherwise a process with any uid 0 (real, effective, saved, fs) is
 *     never signaled, even in a cgroup of the caller (a setuid-root
 *     program, a root daemon in a delegated cgroup); nor is a child of
 *     the IMP that runs as root (a "run" command), nor this IMP itself.
 * SIGNAL 0 signals nothing but prints, on stdout, once allowed:
 *     pid=PID owner=UID cg_path=PATH cg_owner=UID   ("-" if unknown)
 * Every decision of the parent is audited (imp_audit.h): fields signal
 * and pid, outcome allowed or refused.
 *
 * SECURITY INVARIANTS
 * - The parent trusts nothing of the message: it parses its own argv
 *   again and requires the message to say the same.
 * - Pid reuse: the target is pinned with pidfd_open(2) first; its
 *   /proc/PID directory is opened next and the process is proven alive
 *   on the pidfd afterwards, so the directory is that process's; every
 *   file is then read relative to that directory (reads fail once the
 *   process is gone), and the signal is sent with pidfd_send_signal(2),
 *   which can only reach that process.  A child of the IMP is pinned the
 *   same way, its PPid read, and the IMP proven alive after that read.
 * - The cgroup directory is found from the kernel's text (the pure
 *   parsers of imp_cgroup.h) and its owner taken with lstat(2): no
 *   symbolic link is followed.
 * - Text from the target (its cgroup path) is sanitized before printing.
 */
#define _GNU_SOURCE
#if HAVE_CONFIG_H
#include "config.h"
#endif
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pwd.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <unistd.h>

#include "imp_audit.h"
#include "imp_cgroup.h"
#include "imp_cmds.h"
#include "imp_log.h"

#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#endif
#ifndef SYS_pidfd_send_signal
#define SYS_pidfd_send_signal 424
#endif

#define KILL_TEXT_MAX (64 * 1024)     /* mounts, cgroup, children */
#define KILL_STATUS_MAX (1024 * 1024) /* status: Groups: can be long */

enum { UID_REAL, UID_EFFECTIVE, UID_SAVED, UID_FS };

struct kill_target {
    pid_t pid;
    int pidfd; /* -1: closed */
    int dirfd; /* /proc/<pid> of the same process */
    pid_t ppid;
    uid_t uid[4];           /* real, effective, saved, fs */
    char cg_path[PATH_MAX]; /* "" if unknown */
    uid_t cg_owner;
    bool is_imp; /* this program, effective uid 0 */
};

/* Pure: a decimal number of 1 to 19 digits, no leading zero, <= max. */
static int parse_decimal (const char *s, long long max, long long *vp)
{
    long long v = 0;
    size_t n = s ? strlen (s) : 0;

    if (n == 0 || n > 19 || (s[0] == '0' && n > 1))
        return -1;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        if (v > (max - (s[i] - '0')) / 10)
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    *vp = v;
    return 0;
}

int imp_kill_parse_signal (const char *s, int *sigp, struct error *err)
{
    long long v;

    if (parse_decimal (s, IMP_KILL_SIGNAL_MAX, &v) < 0)
        return error_errno (err, EINVAL,
                            "kill: invalid signal '%s': must be a decimal "
                            "number from 0 to %d",
                            s ? s : "", IMP_KILL_SIGNAL_MAX);
    *sigp = (int)v;
    return 0;
}

int imp_kill_parse_pid (const char *s, pid_t *pidp, struct error *err)
{
    long long v;

    if (parse_decimal (s, INT_MAX, &v) < 0 || v <= 1)
        return error_errno (err, EINVAL,
                            "kill: invalid pid '%s': must be a decimal "
                            "process id greater than 1",
                            s ? s : "");
    *pidp = (pid_t)v;
    return 0;
}

int imp_kill_parse_args (
    int argc, char **argv, int *sigp, pid_t *pidp, struct error *err)
{
    int sig;
    pid_t pid;

    if (argc != 4 || !argv)
        return error_errno (err, EINVAL,
                            "kill: Usage: flux-imp kill SIGNAL PID");
    if (imp_kill_parse_signal (argv[2], &sig, err) < 0
        || imp_kill_parse_pid (argv[3], &pid, err) < 0)
        return -1;
    *sigp = sig;
    *pidp = pid;
    return 0;
}

/* Pure: the text after "Key:" of the one line that starts with it. */
static const char *status_field (const char *text, const char *key)
{
    const char *found = NULL, *line = text;
    size_t klen = strlen (key);

    while (line && *line) {
        if (!strncmp (line, key, klen)) {
            if (found)
                return NULL;
            found = line + klen;
        }
        line = strchr (line, '\n');
        line = line ? line + 1 : NULL;
    }
    return found;
}

/* Pure: blanks, then a decimal number <= max; advance *pp. */
static int next_number (const char **pp, unsigned long max, unsigned long *vp)
{
    const char *p = *pp;
    unsigned long v = 0;

    while (*p == ' ' || *p == '\t')
        p++;
    if (*p < '0' || *p > '9')
        return -1;
    for (; *p >= '0' && *p <= '9'; p++) {
        if (v > (max - (unsigned long)(*p - '0')) / 10)
            return -1;
        v = v * 10 + (unsigned long)(*p - '0');
    }
    *pp = p;
    *vp = v;
    return 0;
}

/* Pure: the rest of the line must be blank. */
static bool line_ends (const char *p)
{
    while (*p == ' ' || *p == '\t')
        p++;
    return *p == '\n' || *p == '\0';
}

int imp_kill_parse_status (const char *text, pid_t *ppidp, uid_t uid[4])
{
    const char *p;
    unsigned long ppid, u[4];

    if (!text || !(p = status_field (text, "PPid:"))
        || next_number (&p, INT_MAX, &ppid) < 0 || !line_ends (p))
        return errno = EINVAL, -1;
    if (!(p = status_field (text, "Uid:")))
        return errno = EINVAL, -1;
    for (int i = 0; i < 4; i++)
        if (next_number (&p, UINT32_MAX, &u[i]) < 0)
            return errno = EINVAL, -1;
    if (!line_ends (p))
        return errno = EINVAL, -1;
    *ppidp = (pid_t)ppid;
    for (int i = 0; i < 4; i++)
        uid[i] = (uid_t)u[i];
    return 0;
}

static int pidfd_open_ (pid_t pid)
{
    return (int)syscall (SYS_pidfd_open, pid, 0);
}

/* Signal 0 on the pidfd: the process exists (EPERM, unprivileged, too). */
static int pidfd_alive (int pidfd)
{
    if (syscall (SYS_pidfd_send_signal, pidfd, 0, NULL, 0) < 0
        && errno != EPERM)
        return -1;
    return 0;
}

static int pidfd_signal (int pidfd, int sig)
{
    return (int)syscall (SYS_pidfd_send_signal, pidfd, sig, NULL, 0);
}

/* Read 'name' relative to 'dirfd' into 'buf' (NUL terminated). */
static int read_at (int dirfd, const char *name, char *buf, size_t size)
{
    size_t len = 0;
    ssize_t n;
    int fd, e;

    if ((fd = openat (dirfd, name, O_RDONLY | O_CLOEXEC | O_NOCTTY)) < 0)
        return -1;
    while (len < size - 1 && (n = read (fd, buf + len, size - 1 - len))) {
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            e = errno;
            (void)close (fd);
            return errno = e, -1;
        }
        len += (size_t)n;
    }
    (void)close (fd);
    if (len == size - 1)
        return errno = EOVERFLOW, -1;
    buf[len] = '\0';
    return 0;
}

static void target_close (struct kill_target *t)
{
    int e = errno;

    if (t->dirfd >= 0)
        (void)close (t->dirfd);
    if (t->pidfd >= 0)
        (void)close (t->pidfd);
    t->dirfd = t->pidfd = -1;
    errno = e;
}

/* Pin 'pid' (pidfd), open its /proc directory, prove it is the same. */
static int target_open (pid_t pid, struct kill_target *t, struct error *err)
{
    char path[64];

    memset (t, 0, sizeof (*t));
    t->pid = pid;
    t->dirfd = -1;
    if ((t->pidfd = pidfd_open_ (pid)) < 0) {
        /* a thread that does not lead its group: EINVAL, ENOENT >= 6.9 */
        if (errno == EINVAL || errno == ENOENT)
            return error_errno (err, EINVAL, "kill: %ld: not a process id",
                                (long)pid);
        return error_errno (err, errno, "kill: %ld: %s", (long)pid,
                            strerror (errno));
    }
    snprintf (path, sizeof (path), "/proc/%ld", (long)pid);
    if ((t->dirfd = open (path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0
        || pidfd_alive (t->pidfd) < 0) {
        int e = errno == ENOENT ? ESRCH : errno;
        target_close (t);
        return error_errno (err, e, "kill: %ld: %s", (long)pid, strerror (e));
    }
    return 0;
}

/* The cgroup v2 directory of the target and its owner; "" if unknown. */
static void target_read_cgroup (struct kill_target *t)
{
    char *text = malloc (KILL_TEXT_MAX);
    char mount[PATH_MAX], rel[PATH_MAX];
    struct stat st;

    t->cg_path[0] = '\0';
    if (!text
        || read_at (AT_FDCWD, "/proc/self/mounts", text, KILL_TEXT_MAX) < 0
        || imp_cgroup_parse_mounts (text, mount, sizeof (mount)) < 0
        || read_at (t->dirfd, "cgroup", text, KILL_TEXT_MAX) < 0
        || imp_cgroup_parse_proc (text, rel, sizeof (rel)) < 0
        || snprintf (t->cg_path, sizeof (t->cg_path), "%s%s",
                     strcmp (mount, "/") ? mount : "",
                     strcmp (rel, "/") ? rel : "")
               >= (int)sizeof (t->cg_path)
        || lstat (t->cg_path, &st) < 0 || !S_ISDIR (st.st_mode)) {
        t->cg_path[0] = '\0';
        imp_debug ("kill: %ld: cgroup v2 directory unknown", (long)t->pid);
    }
    else
        t->cg_owner = st.st_uid;
    free (text);
}

/* Owner and parent of the target. */
static int target_read_status (struct kill_target *t, struct error *err)
{
    char *text = malloc (KILL_STATUS_MAX);
    int e;

    if (!text || read_at (t->dirfd, "status", text, KILL_STATUS_MAX) < 0
        || imp_kill_parse_status (text, &t->ppid, t->uid) < 0) {
        e = errno == ENOENT ? ESRCH : errno;
        free (text);
        return error_errno (err, e, "kill: %ld: reading status: %s",
                            (long)t->pid, strerror (e));
    }
    free (text);
    return 0;
}

/* Owner, parent, cgroup and program of the target. */
static int
target_read (struct kill_target *t, const struct stat *self, struct error *err)
{
    struct stat st;

    if (target_read_status (t, err) < 0)
        return -1;
    target_read_cgroup (t);
    t->is_imp = t->uid[UID_EFFECTIVE] == 0
                && fstatat (t->dirfd, "exe", &st, 0) == 0
                && st.st_dev == self->st_dev && st.st_ino == self->st_ino;
    return 0;
}

static bool has_root_uid (const struct kill_target *t)
{
    for (int i = 0; i < 4; i++)
        if (t->uid[i] == 0)
            return true;
    return false;
}

/* The decision of the contract above, for the caller's real uid. */
static int
check_allowed (const struct kill_target *t, uid_t caller, struct error *err)
{
    bool owner = t->uid[UID_REAL] == caller;
    bool cgroup = t->cg_path[0] && t->cg_owner == caller;

    if (t->pid == getpid ())
        return error_errno (err, EPERM, "kill: %ld: permission denied "
                            "(this IMP)", (long)t->pid);
    if (!owner && !cgroup)
        return error_errno (err, EPERM, "kill: %ld: permission denied",
                            (long)t->pid);
    if (!t->is_imp && has_root_uid (t))
        return error_errno (err, EPERM, "kill: %ld: permission denied "
                            "(process of root)", (long)t->pid);
    return 0;
}

static void print_info (const struct kill_target *t)
{
    char cg[PATH_MAX];

    snprintf (cg, sizeof (cg), "%s", t->cg_path[0] ? t->cg_path : "-");
    imp_log_sanitize (cg);
    if (t->cg_path[0])
        printf ("pid=%ld owner=%ju cg_path=%s cg_owner=%ju\n", (long)t->pid,
                (uintmax_t)t->uid[UID_REAL], cg, (uintmax_t)t->cg_owner);
    else
        printf ("pid=%ld owner=%ju cg_path=- cg_owner=-\n", (long)t->pid,
                (uintmax_t)t->uid[UID_REAL]);
}

/* Signal 'cpid' if it is a child of 'imp' not of root.  Return 1 if
 * signaled, 0 if not a child (or gone), -1 refused or failed.
 */
static int kill_child (struct kill_target *imp, pid_t cpid, int sig)
{
    struct kill_target c;
    int rc = 0;

    if (target_open (cpid, &c, NULL) < 0)
        return 0;
    if (target_read_status (&c, NULL) < 0 || c.ppid != imp->pid
        || pidfd_alive (imp->pidfd) < 0)
        goto out;
    rc = -1;
    if (has_root_uid (&c))
        imp_warn ("kill: %ld: child %ld of flux-imp runs as root: "
                  "permission denied", (long)imp->pid, (long)cpid);
    else if (pidfd_signal (c.pidfd, sig) < 0)
        imp_warn ("kill: %ld: %s", (long)cpid, strerror (errno));
    else
        rc = 1;
out:
    target_close (&c);
    return rc;
}

/* Fallback without /proc/<pid>/task/<pid>/children: every process. */
static int kill_children_scan (struct kill_target *imp, int sig, int *nok)
{
    DIR *d = opendir ("/proc");
    struct dirent *ent;
    int nbad = 0, rc;
    long long v;

    if (!d)
        return -1;
    while ((ent = readdir (d))) {
        if (parse_decimal (ent->d_name, INT_MAX, &v) < 0 || v <= 1)
            continue;
        if ((rc = kill_child (imp, (pid_t)v, sig)) > 0)
            (*nok)++;
        else if (rc < 0)
            nbad++;
    }
    (void)closedir (d);
    return nbad;
}

/* Signal the children of the IMP 'imp'.  Return the number of refusals,
 * and the number signaled in *nok, or -1 if they cannot be listed.
 */
static int kill_children_list (struct kill_target *imp, int sig, int *nok)
{
    char name[64], *text = malloc (KILL_TEXT_MAX), *p, *end;
    int nbad = 0, rc;
    long long v;

    snprintf (name, sizeof (name), "task/%ld/children", (long)imp->pid);
    if (!text || read_at (imp->dirfd, name, text, KILL_TEXT_MAX) < 0) {
        int e = errno;
        free (text);
        if (e == ENOENT)
            return kill_children_scan (imp, sig, nok);
        return errno = e, -1;
    }
    for (p = strtok_r (text, " \n", &end); p;
         p = strtok_r (NULL, " \n", &end)) {
        if (parse_decimal (p, INT_MAX, &v) < 0 || v <= 1)
            continue;
        if ((rc = kill_child (imp, (pid_t)v, sig)) > 0)
            (*nok)++;
        else if (rc < 0)
            nbad++;
    }
    free (text);
    return nbad;
}

static int kill_children (struct kill_target *imp, int sig, struct error *err)
{
    int nok = 0, nbad;

    if ((nbad = kill_children_list (imp, sig, &nok)) < 0)
        return error_errno (err, errno, "kill: %ld: listing children: %s",
                            (long)imp->pid, strerror (errno));
    if (nok == 0 && nbad > 0)
        return error_errno (err, EPERM, "kill: %ld: permission denied",
                            (long)imp->pid);
    if (nok == 0)
        return error_errno (err, ESRCH, "kill: %ld: flux-imp has no child "
                            "to signal", (long)imp->pid);
    return 0;
}

/* Decide and signal, as the caller's real uid says. */
static int kill_target (int sig, pid_t pid, struct error *err)
{
    struct kill_target t;
    struct stat self;
    int rc = -1;

    if (stat ("/proc/self/exe", &self) < 0)
        return error_errno (err, errno, "kill: /proc/self/exe: %s",
                            strerror (errno));
    if (target_open (pid, &t, err) < 0)
        return -1;
    if (target_read (&t, &self, err) < 0
        || check_allowed (&t, getuid (), err) < 0)
        goto out;
    if (sig == 0)
        print_info (&t);
    if (t.is_imp)
        rc = kill_children (&t, sig, err);
    else if ((rc = pidfd_signal (t.pidfd, sig)) < 0)
        error_errno (err, errno, "kill: %ld: %s", (long)pid, strerror (errno));
out:
    target_close (&t);
    return rc;
}

static int check_user_allowed (struct imp_state *imp)
{
    struct error err = {{0}};
    char buf[16384];
    struct passwd pw, *res = NULL;
    const char **list = NULL;
    bool found = false;

    if (getpwuid_r (getuid (), &pw, buf, sizeof (buf), &res) != 0 || !res) {
        imp_fatal ("kill: user %ju not in allowed-users list",
                   (uintmax_t)getuid ());
        return -1;
    }
    if (cf_get_strings (imp->conf, "exec.allowed-users", &list, &err) < 0
        && errno != ENOENT)
        imp_warn ("kill: %s", err.text);
    for (const char **p = list; p && *p; p++)
        if (!strcmp (*p, pw.pw_name))
            found = true;
    free (list);
    if (!found)
        imp_fatal ("kill: user %s not in allowed-users list", pw.pw_name);
    return found ? 0 : -1;
}

static int send_request (struct imp_state *imp, int sig, pid_t pid)
{
    struct error err = {{0}};
    struct kv *kv;
    int rc = -1;

    if (!(kv = kv_create ()) || kv_put_string (kv, "cmd", imp->cmd) < 0
        || kv_put_int64 (kv, "signal", sig) < 0
        || kv_put_int64 (kv, "pid", pid) < 0)
        imp_fatal ("kill: %s", strerror (errno));
    else if (privsep_send (imp->ps, kv, &err) < 0)
        imp_fatal ("kill: %s", err.text);
    else
        rc = 0;
    kv_destroy (kv);
    return rc;
}

int imp_cmd_kill_child (struct imp_state *imp)
{
    struct error err = {{0}};
    int sig;
    pid_t pid;

    if (imp_kill_parse_args (imp->argc, imp->argv, &sig, &pid, &err) < 0) {
        imp_fatal ("%s", err.text);
        return 1;
    }
    if (check_user_allowed (imp) < 0)
        return 1;
    if (imp->ps)
        return send_request (imp, sig, pid) < 0 ? 1 : 0;
    if (kill_target (sig, pid, &err) < 0) {
        imp_fatal ("%s", err.text);
        return 1;
    }
    return 0;
}

/* The message must be {cmd, signal, pid} as the parent's own argv. */
static int check_request (struct imp_state *imp,
                          const struct kv *msg,
                          int *sigp,
                          pid_t *pidp)
{
    struct error err = {{0}};
    int64_t sig, pid;

    if (imp_kill_parse_args (imp->argc, imp->argv, sigp, pidp, &err) < 0) {
        imp_fatal ("%s", err.text);
        return -1;
    }
    if (kv_count (msg) != 3 || kv_get_int64 (msg, "signal", &sig) < 0
        || kv_get_int64 (msg, "pid", &pid) < 0 || sig != *sigp
        || pid != *pidp) {
        imp_fatal ("kill: privsep: unexpected request from the "
                   "unprivileged child");
        return -1;
    }
    return 0;
}

int imp_cmd_kill_parent (struct imp_state *imp, const struct kv *msg)
{
    struct error err = {{0}};
    struct imp_audit a;
    int sig;
    pid_t pid;

    imp_audit_begin (&a, "kill", getuid ());
    imp_audit_field (&a, "signal", imp->argc > 2 ? imp->argv[2] : NULL);
    imp_audit_field (&a, "pid", imp->argc > 3 ? imp->argv[3] : NULL);
    if (privsep_wait (imp->ps, &err) < 0) {
        if (errno != ECHILD)
            imp_fatal ("kill: %s", err.text);
        goto refused;
    }
    if (check_request (imp, msg, &sig, &pid) < 0
        || check_user_allowed (imp) < 0)
        goto refused;
    if (kill_target (sig, pid, &err) < 0) {
        imp_fatal ("%s", err.text);
        goto refused;
    }
    imp_audit_send (&a, true, "allowed");
    return 0;
refused:
    imp_audit_send_refused (&a);
    return 1;
}
