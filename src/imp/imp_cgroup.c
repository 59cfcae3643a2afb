/* imp_cgroup.c - find the cgroup v2 of a process (imp_cgroup.h).
 *
 * SECURITY INVARIANTS
 * - Only what the kernel writes is read: /proc/self/mounts for the
 *   cgroup2 mount point, /proc/<pid>/cgroup for the path.  A cgroup name
 *   can hold any byte but '/' and NUL, a newline included, so a name made
 *   by a delegated user could forge a second "0::" line: more than one is
 *   refused, and so is a path with a ".." or "." component.
 * - Whether a cgroup is a dedicated job cgroup is decided on its own last
 *   component only, never on an ancestor.
 * - Processes are signalled only through a job cgroup (is_job), never
 *   the calling process itself, and only as listed by the kernel at the
 *   time (cgroup.procs, /proc/self/task/<pid>/children, /proc/<pid>/stat);
 *   every pid is parsed strictly (imp_cgroup_parse_pid()).  A job cgroup
 *   holds only what whoever controls it placed there: the job, and the
 *   IMP's caller's processes at worst.
 * - cgroup.procs is read in chunks without a size cap (a job may have
 *   any number of processes), and never followed through a symlink.
 */
#define _GNU_SOURCE
#if HAVE_CONFIG_H
#include "config.h"
#endif
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "imp_cgroup.h"

#define PROC_TEXT_MAX (64 * 1024)

bool imp_cgroup_name_is_job (const char *name)
{
    return name
           && (strncmp (name, "imp-shell", 9) == 0
               || strncmp (name, "flux-", 5) == 0);
}

/* Read at most PROC_TEXT_MAX - 1 bytes of 'path' into 'buf' (NUL
 * terminated).  /proc files are read in one pass until EOF.
 */
static int
read_text (const char *path, char *buf, size_t size, struct error *err)
{
    size_t len = 0;
    ssize_t n;
    int fd;

    if ((fd = open (path, O_RDONLY | O_CLOEXEC)) < 0)
        return error_errno (err, errno, "%s: %s", path, strerror (errno));
    while (len < size - 1 && (n = read (fd, buf + len, size - 1 - len)) != 0) {
        if (n < 0) {
            if (errno == EINTR)
                continue;
            int e = errno;
            (void)close (fd);
            return error_errno (err, e, "%s: %s", path, strerror (e));
        }
        len += (size_t)n;
    }
    (void)close (fd);
    if (len == size - 1)
        return error_errno (err, EOVERFLOW, "%s: too large", path);
    buf[len] = '\0';
    return 0;
}

/* Undo the octal escapes (\040 etc.) of a /proc/self/mounts field in
 * place.  Return -1 on a malformed escape.
 */
static int unescape_octal (char *s)
{
    char *out = s;

    while (*s) {
        if (*s != '\\') {
            *out++ = *s++;
            continue;
        }
        if (s[1] < '0' || s[1] > '3' || s[2] < '0' || s[2] > '7' || s[3] < '0'
            || s[3] > '7')
            return -1;
        *out = (char)((s[1] - '0') * 64 + (s[2] - '0') * 8 + (s[3] - '0'));
        if (*out++ == '\0') /* \000 would cut the path short */
            return -1;
        s += 4;
    }
    *out = '\0';
    return 0;
}

/* Pure: the mount point of the first cgroup2 file system in the text of
 * /proc/self/mounts.  Return 0, or -1 with errno ENOENT (none) or
 * ENAMETOOLONG.
 */
int imp_cgroup_parse_mounts (const char *text, char *mount, size_t size)
{
    const char *line = text;

    while (line && *line) {
        const char *end = strchrnul (line, '\n');
        char buf[PATH_MAX * 2];
        char dir[PATH_MAX], type[64];
        size_t len = (size_t)(end - line);
        int d0 = -1, d1 = -1;

        if (len < sizeof (buf)) {
            memcpy (buf, line, len);
            buf[len] = '\0';
            /* Skip the device and measure the directory rather than copy
             * them with a width: a longer field would be split in two and
             * shift the fields after it (a device name is the user's own
             * for FUSE mounts).
             */
            if (sscanf (buf, "%*s %n%*s%n %63s", &d0, &d1, type) == 1
                && strcmp (type, "cgroup2") == 0) {
                if (d1 - d0 >= (int)sizeof (dir))
                    return errno = ENAMETOOLONG, -1;
                memcpy (dir, buf + d0, (size_t)(d1 - d0));
                dir[d1 - d0] = '\0';
                if (unescape_octal (dir) < 0 || dir[0] != '/')
                    return errno = EINVAL, -1;
                if (strlen (dir) >= size)
                    return errno = ENAMETOOLONG, -1;
                strcpy (mount, dir);
                return 0;
            }
        }
        line = *end ? end + 1 : NULL;
    }
    return errno = ENOENT, -1;
}

/* Reject "", ".", ".." components, which the kernel never writes. */
static bool path_is_clean (const char *rel)
{
    const char *p = rel;

    if (rel[0] != '/')
        return false;
    if (rel[1] == '\0')
        return true;
    while (*p == '/') {
        const char *c = p + 1;
        size_t n = strcspn (c, "/");
        if (n == 0 || (n == 1 && c[0] == '.')
            || (n == 2 && c[0] == '.' && c[1] == '.'))
            return false;
        p = c + n;
    }
    return *p == '\0';
}

/* Pure: the path of the "0::" line of the text of /proc/<pid>/cgroup.
 * Return 0, or -1 with errno ENOENT (no such line), EINVAL (two of them,
 * or an unclean path) or ENAMETOOLONG.
 */
int imp_cgroup_parse_proc (const char *text, char *rel, size_t size)
{
    const char *line = text;
    const char *found = NULL;
    size_t flen = 0;

    while (line && *line) {
        const char *end = strchrnul (line, '\n');
        if (strncmp (line, "0::", 3) == 0) {
            if (found)
                return errno = EINVAL, -1;
            found = line + 3;
            flen = (size_t)(end - found);
        }
        line = *end ? end + 1 : NULL;
    }
    if (!found)
        return errno = ENOENT, -1;
    if (flen >= size)
        return errno = ENAMETOOLONG, -1;
    memcpy (rel, found, flen);
    rel[flen] = '\0';
    if (!path_is_clean (rel))
        return errno = EINVAL, -1;
    return 0;
}

/* The PROC_TEXT_MAX buffers of find_mount() and find_path() are on the
 * heap: on the stack they would make the privileged IMP crash (SIGSEGV)
 * under a small RLIMIT_STACK chosen by its caller (t0400).
 */
static int find_mount (char *mount, size_t size, struct error *err)
{
    char *text = malloc (PROC_TEXT_MAX);
    int rc = -1;

    if (!text)
        return error_errno (err, ENOMEM, "out of memory");
    if (read_text ("/proc/self/mounts", text, PROC_TEXT_MAX, err) < 0)
        goto out;
    if (imp_cgroup_parse_mounts (text, mount, size) < 0) {
        if (errno == ENOENT)
            error_errno (err, ENOENT, "no cgroup2 file system is mounted");
        else
            error_errno (err, errno, "/proc/self/mounts: cgroup2: %s",
                         strerror (errno));
        goto out;
    }
    rc = 0;
out:
    free (text);
    return rc;
}

static int find_path (pid_t pid, char *rel, size_t size, struct error *err)
{
    char path[64];
    char *text = malloc (PROC_TEXT_MAX);
    int rc = -1;

    if (!text)
        return error_errno (err, ENOMEM, "out of memory");
    if (pid == 0)
        snprintf (path, sizeof (path), "/proc/self/cgroup");
    else
        snprintf (path, sizeof (path), "/proc/%ld/cgroup", (long)pid);
    if (read_text (path, text, PROC_TEXT_MAX, err) < 0)
        goto out;
    if (imp_cgroup_parse_proc (text, rel, size) < 0) {
        if (errno == ENOENT)
            error_errno (err, ENOENT, "%s: not in a cgroup v2", path);
        else
            error_errno (err, errno, "%s: %s", path, strerror (errno));
        goto out;
    }
    rc = 0;
out:
    free (text);
    return rc;
}

/* job_only: see imp_cgroup_job_of(). */
static int
cgroup_of (pid_t pid, bool job_only, struct imp_cgroup *cg, struct error *err)
{
    char mount[PATH_MAX];
    char rel[PATH_MAX];
    const char *name;

    if (!cg || pid < 0)
        return error_errno (err, EINVAL, "invalid argument");
    /* the mount first, so that a host without cgroup2 says so */
    if (!job_only && find_mount (mount, sizeof (mount), err) < 0)
        return -1;
    if (find_path (pid, rel, sizeof (rel), err) < 0)
        return -1;
    name = strrchr (rel, '/') + 1; /* rel is clean: it starts with '/' */
    if (job_only) {
        if (!imp_cgroup_name_is_job (name)) {
            strcpy (cg->path, rel);
            cg->mount[0] = '\0';
            cg->is_job = false;
            return 0;
        }
        if (find_mount (mount, sizeof (mount), err) < 0)
            return -1;
    }
    if (snprintf (cg->path, sizeof (cg->path), "%s%s",
                  strcmp (mount, "/") == 0 ? "" : mount,
                  strcmp (rel, "/") == 0 ? "" : rel)
        >= (int)sizeof (cg->path))
        return error_errno (err, ENAMETOOLONG, "cgroup path too long");
    if (cg->path[0] == '\0')
        strcpy (cg->path, "/");
    strcpy (cg->mount, mount);
    cg->is_job = imp_cgroup_name_is_job (name);
    return 0;
}

int imp_cgroup_of (pid_t pid, struct imp_cgroup *cg, struct error *err)
{
    return cgroup_of (pid, false, cg, err);
}

int imp_cgroup_job_of (pid_t pid, struct imp_cgroup *cg, struct error *err)
{
    return cgroup_of (pid, true, cg, err);
}

int imp_cgroup_parse_pid (const char *s, size_t len, pid_t *pidp)
{
    long long v = 0;

    if (!s || !pidp || len == 0 || len > 10 || s[0] == '0')
        return errno = EINVAL, -1;
    for (size_t i = 0; i < len; i++) {
        if (s[i] < '0' || s[i] > '9')
            return errno = EINVAL, -1;
        v = v * 10 + (s[i] - '0');
    }
    if (v > INT_MAX)
        return errno = EINVAL, -1;
    *pidp = (pid_t)v;
    return 0;
}

int imp_cgroup_parse_ppid (const char *text, pid_t *ppidp)
{
    const char *p = text ? strrchr (text, ')') : NULL;
    size_t len;

    /* ") S 1234 ..." */
    if (!p || !ppidp || p[1] != ' ' || p[2] == '\0' || p[2] == ' '
        || p[3] != ' ')
        return errno = EINVAL, -1;
    p += 4;
    len = strspn (p, "0123456789");
    if (len == 1 && p[0] == '0' && (p[1] == ' ' || p[1] == '\0')) {
        *ppidp = 0;
        return 0;
    }
    if (p[len] != ' ' && p[len] != '\0' && p[len] != '\n')
        return errno = EINVAL, -1;
    return imp_cgroup_parse_pid (p, len, ppidp);
}

typedef int (*pid_f) (pid_t pid, void *arg);

/* Call 'fn' on each complete white-space separated token of buf[0..len)
 * (and on the last one at 'eof').  Set *usedp to the bytes consumed.
 */
static int scan_pids (
    const char *buf, size_t len, bool eof, size_t *usedp, pid_f fn, void *arg)
{
    size_t start = 0;
    pid_t pid;

    for (size_t i = 0; i <= len; i++) {
        if (i == len && !eof)
            break;
        if (i < len && buf[i] != ' ' && buf[i] != '\n')
            continue;
        if (i > start) {
            if (imp_cgroup_parse_pid (buf + start, i - start, &pid) < 0
                || fn (pid, arg) < 0)
                return -1;
        }
        start = i + 1;
    }
    *usedp = start > len ? len : start;
    return 0;
}

/* Call 'fn' on each pid listed in the file 'path', read in chunks. */
static int
for_each_pid (const char *path, pid_f fn, void *arg, struct error *err)
{
    char buf[4096];
    size_t have = 0, used;
    ssize_t n;
    int fd, rc = -1;

    if ((fd = open (path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)) < 0)
        return error_errno (err, errno, "%s: %s", path, strerror (errno));
    do {
        if ((n = read (fd, buf + have, sizeof (buf) - have)) < 0) {
            if (errno == EINTR)
                continue;
            error_errno (err, errno, "%s: %s", path, strerror (errno));
            goto out;
        }
        have += (size_t)n;
        if (scan_pids (buf, have, n == 0, &used, fn, arg) < 0) {
            error_errno (err, errno, "%s: %s", path, strerror (errno));
            goto out;
        }
        memmove (buf, buf + used, have - used);
        if ((have -= used) == sizeof (buf)) {
            error_errno (err, EINVAL, "%s: malformed", path);
            goto out;
        }
    } while (n != 0);
    rc = 0;
out:
    (void)close (fd);
    return rc;
}

/* The state of a pass that signals (or counts, with sig < 0) pids. */
struct sweep {
    int sig;      /* < 0: only count */
    pid_t self;   /* never signalled */
    pid_t parent; /* with the stat scan: only children of this pid */
    int count;
    int errnum; /* the first failure of kill(2) */
};

static int sweep_one (pid_t pid, void *arg)
{
    struct sweep *s = arg;

    if (pid == s->self)
        return 0;
    if (s->sig >= 0 && kill (pid, s->sig) < 0) {
        if (errno != ESRCH && s->errnum == 0)
            s->errnum = errno;
        return 0;
    }
    s->count++;
    return 0;
}

static int
sweep_cgroup (const struct imp_cgroup *cg, struct sweep *s, struct error *err)
{
    char path[PATH_MAX + 16];

    if (!cg)
        return error_errno (err, EINVAL, "invalid argument");
    if (!cg->is_job)
        return error_errno (err, EPERM,
                            "%s is not a job cgroup: refusing to "
                            "signal its members",
                            cg->path);
    if (snprintf (path, sizeof (path), "%s/cgroup.procs", cg->path)
        >= (int)sizeof (path))
        return error_errno (err, ENAMETOOLONG, "cgroup path too long");
    if (for_each_pid (path, sweep_one, s, err) < 0)
        return -1;
    if (s->errnum != 0)
        return error_errno (err, s->errnum, "kill: %s", strerror (s->errnum));
    return s->count;
}

int imp_cgroup_kill (const struct imp_cgroup *cg, int sig, struct error *err)
{
    struct sweep s = {.sig = sig, .self = getpid ()};

    if (sig < 0 || sig >= NSIG)
        return error_errno (err, EINVAL, "invalid signal %d", sig);
    return sweep_cgroup (cg, &s, err);
}

int imp_cgroup_count_others (const struct imp_cgroup *cg, struct error *err)
{
    struct sweep s = {.sig = -1, .self = getpid ()};

    return sweep_cgroup (cg, &s, err);
}

/* Sleep 'ms', or less if a signal of 'wake' arrives: return it, or 0. */
static int nap (const sigset_t *wake, long ms, struct error *err)
{
    struct timespec ts = {.tv_sec = ms / 1000,
                          .tv_nsec = (ms % 1000) * 1000000L};
    int sig;

    if (!wake) {
        while (nanosleep (&ts, &ts) < 0 && errno == EINTR)
            ;
        return 0;
    }
    if ((sig = sigtimedwait (wake, NULL, &ts)) < 0) {
        if (errno == EAGAIN || errno == EINTR)
            return 0;
        return error_errno (err, errno, "sigtimedwait: %s", strerror (errno));
    }
    return sig;
}

static long now_ms (void)
{
    struct timespec ts;

    clock_gettime (CLOCK_MONOTONIC, &ts);
    return (long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int imp_cgroup_wait_empty (const struct imp_cgroup *cg,
                           const sigset_t *wake,
                           int timeout_ms,
                           int *sigp,
                           struct error *err)
{
    long start = now_ms (), delay = 10, left;
    int n, sig;

    if (!sigp)
        return error_errno (err, EINVAL, "invalid argument");
    while ((n = imp_cgroup_count_others (cg, err)) != 0) {
        if (n < 0)
            return -1;
        left = timeout_ms < 0 ? delay : timeout_ms - (now_ms () - start);
        if (left <= 0)
            return error_errno (err, ETIMEDOUT,
                                "%s: %d processes left after %d ms", cg->path,
                                n, timeout_ms);
        if ((sig = nap (wake, left < delay ? left : delay, err)) != 0) {
            if (sig < 0)
                return -1;
            *sigp = sig;
            return 0;
        }
        if ((delay *= 2) > 1000)
            delay = 1000;
    }
    *sigp = 0;
    return 0;
}

/* /proc/<pid>/stat of every process: signal those whose parent is
 * s->parent.
 */
static int sweep_stat (struct sweep *s, struct error *err)
{
    char path[64], text[4096];
    struct dirent *d;
    pid_t pid, ppid;
    DIR *dir;
    int e;

    if (!(dir = opendir ("/proc")))
        return error_errno (err, errno, "/proc: %s", strerror (errno));
    while ((errno = 0, d = readdir (dir))) {
        if (imp_cgroup_parse_pid (d->d_name, strlen (d->d_name), &pid) < 0)
            continue;
        snprintf (path, sizeof (path), "/proc/%ld/stat", (long)pid);
        if (read_text (path, text, sizeof (text), NULL) < 0
            || imp_cgroup_parse_ppid (text, &ppid) < 0 || ppid != s->parent)
            continue; /* gone, or not a child */
        (void)sweep_one (pid, s);
    }
    e = errno;
    (void)closedir (dir);
    if (e != 0)
        return error_errno (err, e, "/proc: %s", strerror (e));
    if (s->errnum != 0)
        return error_errno (err, s->errnum, "kill: %s", strerror (s->errnum));
    return s->count;
}

int imp_cgroup_kill_children (int sig, struct error *err)
{
    struct sweep s = {.sig = sig, .self = getpid (), .parent = getpid ()};
    char path[64];

    if (sig < 0 || sig >= NSIG)
        return error_errno (err, EINVAL, "invalid signal %d", sig);
    snprintf (path, sizeof (path), "/proc/self/task/%ld/children",
              (long)s.self);
    if (for_each_pid (path, sweep_one, &s, err) < 0) {
        if (errno != ENOENT)
            return -1;
        return sweep_stat (&s, err);
    }
    if (s.errnum != 0)
        return error_errno (err, s.errnum, "kill: %s", strerror (s.errnum));
    return s.count;
}
