/* privsep.c - privilege separation of flux-imp (see privsep.h).
 *
 * SECURITY INVARIANTS
 * - The child never runs command code with any root id: it sets its
 *   real, effective and saved uid and gid to the real ones, and then
 *   proves that setreuid (-1, 0), setresuid (0, 0, 0) and setresgid
 *   (-1, 0, -1) fail before it reads its wake-up byte.
 * - The parent trusts nothing from the child but a framed message:
 *   the length is read as exactly sizeof (int) bytes and must be within
 *   1..PRIVSEP_MSG_MAX before anything is allocated; the body must be
 *   read in full and pass kv_decode(); one message only, and data left
 *   on the pipe after the child exits is a protocol error.
 * - Both pipes are O_CLOEXEC: nothing the child starts inherits them.
 * - A write to a pipe whose reader has gone never raises SIGPIPE here:
 *   it fails with EPIPE.
 */
#define _GNU_SOURCE
#if HAVE_CONFIG_H
#include "config.h"
#endif
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "privsep.h"

struct privsep {
    pid_t pid;   /* the child's pid in the parent, 0 in the child */
    int rfd;     /* parent: from the child; child: from the parent */
    int wfd;     /* parent: to the child (closed once woken); child: to
                  * the parent */
    bool done;   /* the child sent, or the parent received, a message */
    bool waited; /* the parent reaped the child */
    int status;  /* its wait status */
    int wait_errno;
    struct error wait_err;
};

/* I/O */

/* Write all of 'buf', with SIGPIPE blocked so that a closed pipe is
 * EPIPE instead of death; a SIGPIPE raised meanwhile is consumed.
 */
static int write_all (int fd, const void *buf, size_t len)
{
    const char *p = buf;
    sigset_t pipe_set, old;
    struct timespec zero = {0, 0};
    int saved_errno = 0;

    sigemptyset (&pipe_set);
    sigaddset (&pipe_set, SIGPIPE);
    if (sigprocmask (SIG_BLOCK, &pipe_set, &old) < 0)
        return -1;
    while (len > 0) {
        ssize_t n = write (fd, p, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            saved_errno = n < 0 ? errno : EIO;
            break;
        }
        p += n;
        len -= (size_t)n;
    }
    if (saved_errno == EPIPE && !sigismember (&old, SIGPIPE))
        (void)sigtimedwait (&pipe_set, NULL, &zero);
    (void)sigprocmask (SIG_SETMASK, &old, NULL);
    errno = saved_errno;
    return saved_errno ? -1 : 0;
}

/* Read up to 'len' bytes, stopping early only at end of file.  Return
 * the number of bytes read, or -1 with errno set.
 */
static ssize_t read_full (int fd, void *buf, size_t len)
{
    char *p = buf;
    size_t got = 0;

    while (got < len) {
        ssize_t n = read (fd, p + got, len - got);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return -1;
        if (n == 0)
            break;
        got += (size_t)n;
    }
    return (ssize_t)got;
}

/* Framing */

int privsep_write_msg (int fd, const struct kv *kv, struct error *err)
{
    const char *buf;
    size_t len;
    int ilen;

    if (kv_encode (kv, &buf, &len) < 0)
        return error_errno (err, EINVAL, "privsep: invalid message");
    if (len == 0 || len > PRIVSEP_MSG_MAX)
        return error_errno (err, len ? E2BIG : EINVAL,
                            "privsep: message size %zu is outside 1..%d", len,
                            PRIVSEP_MSG_MAX);
    ilen = (int)len;
    if (write_all (fd, &ilen, sizeof (ilen)) < 0
        || write_all (fd, buf, len) < 0)
        return error_errno (err, errno, "privsep: write: %s", strerror (errno));
    return 0;
}

/* Read the length.  Return 1 with *lenp set, 0 at a clean end of file,
 * -1 with errno set.
 */
static int read_length (int fd, int *lenp, struct error *err)
{
    int len;
    ssize_t n;

    if ((n = read_full (fd, &len, sizeof (len))) < 0)
        return error_errno (err, errno, "privsep: read: %s", strerror (errno));
    if (n == 0)
        return 0;
    if ((size_t)n < sizeof (len))
        return error_errno (err, EPROTO,
                            "privsep: truncated message length (%zd of %zu"
                            " bytes)",
                            n, sizeof (len));
    if (len < 1 || len > PRIVSEP_MSG_MAX)
        return error_errno (err, E2BIG,
                            "privsep: message length %d is outside 1..%d", len,
                            PRIVSEP_MSG_MAX);
    *lenp = len;
    return 1;
}

int privsep_read_msg (int fd, struct kv **kvp, struct error *err)
{
    struct kv *kv = NULL;
    char *buf;
    ssize_t n;
    int len = 0;
    int rc;

    if (!kvp)
        return error_errno (err, EINVAL, "privsep: invalid argument");
    if ((rc = read_length (fd, &len, err)) <= 0) {
        if (rc == 0)
            *kvp = NULL;
        return rc;
    }
    if (!(buf = malloc ((size_t)len)))
        return error_errno (err, ENOMEM, "privsep: out of memory");
    if ((n = read_full (fd, buf, (size_t)len)) < 0)
        error_errno (err, errno, "privsep: read: %s", strerror (errno));
    else if (n < len)
        error_errno (err, EPROTO,
                     "privsep: truncated message (%zd of %d bytes)", n, len);
    else if (kv_decode (buf, (size_t)len, &kv, err) < 0)
        error_prefix (err, "privsep: malformed message: ");
    explicit_bzero (buf, (size_t)len);
    free (buf);
    if (!kv)
        return -1;
    *kvp = kv;
    return 0;
}

/* Create and fork */

void privsep_destroy (struct privsep *ps)
{
    if (ps) {
        int saved_errno = errno;
        if (ps->rfd >= 0)
            (void)close (ps->rfd);
        if (ps->wfd >= 0)
            (void)close (ps->wfd);
        free (ps);
        errno = saved_errno;
    }
}

/* After fork: keep this side's ends of the two pipes. */
static void keep_ends (struct privsep *ps, int p2c[2], int c2p[2])
{
    if (ps->pid == 0) {
        (void)close (p2c[1]);
        (void)close (c2p[0]);
        ps->rfd = p2c[0];
        ps->wfd = c2p[1];
    }
    else {
        (void)close (p2c[0]);
        (void)close (c2p[1]);
        ps->rfd = c2p[0];
        ps->wfd = p2c[1];
    }
}

/* Parent: reap a child that could not be woken. */
static void reap (pid_t pid)
{
    while (waitpid (pid, NULL, 0) < 0 && errno == EINTR)
        ;
}

static int wake_child (struct privsep *ps, struct error *err)
{
    char byte = '\0';

    if (write_all (ps->wfd, &byte, 1) < 0)
        return error_errno (err, errno, "privsep: waking the child: %s",
                            strerror (errno));
    (void)close (ps->wfd);
    ps->wfd = -1;
    return 0;
}

struct privsep *privsep_create (struct error *err)
{
    struct privsep *ps;
    int p2c[2] = {-1, -1};
    int c2p[2] = {-1, -1};

    if (!(ps = calloc (1, sizeof (*ps)))) {
        error_errno (err, ENOMEM, "privsep: out of memory");
        return NULL;
    }
    ps->rfd = ps->wfd = -1;
    if (pipe2 (p2c, O_CLOEXEC) < 0 || pipe2 (c2p, O_CLOEXEC) < 0) {
        error_errno (err, errno, "privsep: pipe2: %s", strerror (errno));
        goto error;
    }
    (void)fflush (NULL);
    if ((ps->pid = fork ()) < 0) {
        error_errno (err, errno, "privsep: fork: %s", strerror (errno));
        goto error;
    }
    keep_ends (ps, p2c, c2p);
    if (ps->pid > 0 && wake_child (ps, err) < 0) {
        reap (ps->pid);
        privsep_destroy (ps);
        return NULL;
    }
    return ps;
error:
    for (int i = 0; i < 2; i++) {
        if (p2c[i] >= 0)
            (void)close (p2c[i]);
        if (c2p[i] >= 0)
            (void)close (c2p[i]);
    }
    privsep_destroy (ps);
    return NULL;
}

bool privsep_is_child (const struct privsep *ps)
{
    return ps && ps->pid == 0;
}

/* Child: drop privilege */

/* Reset the supplementary groups to the current ones: the caller's. */
static int set_own_groups (struct error *err)
{
    gid_t *groups = NULL;
    int n;
    int rc = -1;

    if ((n = getgroups (0, NULL)) < 0)
        goto out;
    if (!(groups = calloc ((size_t)n + 1, sizeof (*groups)))) {
        errno = ENOMEM;
        goto out;
    }
    if ((n = getgroups (n, groups)) < 0 || setgroups ((size_t)n, groups) < 0)
        goto out;
    rc = 0;
out:
    if (rc < 0)
        error_errno (err, errno, "privsep: resetting supplementary groups: %s",
                     strerror (errno));
    free (groups);
    return rc;
}

static int ids_are (uid_t uid, gid_t gid)
{
    uid_t r, e, s;
    gid_t rg, eg, sg;

    if (getresuid (&r, &e, &s) < 0 || getresgid (&rg, &eg, &sg) < 0)
        return 0;
    return r == uid && e == uid && s == uid && rg == gid && eg == gid
           && sg == gid;
}

/* Every way back to root must fail, and the ids must read back. */
static int prove_dropped (uid_t uid, gid_t gid, struct error *err)
{
    if (setreuid ((uid_t)-1, 0) == 0 || setresuid (0, 0, 0) == 0
        || (gid != 0 && setresgid ((gid_t)-1, 0, (gid_t)-1) == 0)
        || !ids_are (uid, gid))
        return error_errno (err, EPERM, "irreversible switch to uid %ju failed",
                            (uintmax_t)uid);
    return 0;
}

static int drop_privilege (struct error *err)
{
    uid_t uid, euid, suid;
    gid_t gid, egid, sgid;

    if (getresuid (&uid, &euid, &suid) < 0
        || getresgid (&gid, &egid, &sgid) < 0)
        return error_errno (err, errno, "privsep: getresuid: %s",
                            strerror (errno));
    if (uid == 0)
        return error_errno (err, EPERM,
                            "privsep: refusing to run the unprivileged"
                            " half as root");
    if (set_own_groups (err) < 0)
        return -1;
    if (setresgid (gid, gid, gid) < 0 || setresuid (uid, uid, uid) < 0)
        return error_errno (err, errno,
                            "irreversible switch to uid %ju failed: %s",
                            (uintmax_t)uid, strerror (errno));
    if (prove_dropped (uid, gid, err) < 0)
        return -1;
    if (prctl (PR_SET_DUMPABLE, 0, 0, 0, 0) < 0)
        return error_errno (err, errno, "prctl PR_SET_DUMPABLE: %s",
                            strerror (errno));
    return 0;
}

static int wait_for_wake (struct privsep *ps, struct error *err)
{
    char byte;
    ssize_t n = read_full (ps->rfd, &byte, 1);

    if (n < 0)
        return error_errno (err, errno, "privsep: read: %s", strerror (errno));
    if (n != 1 || byte != '\0')
        return error_errno (err, EPROTO,
                            "privsep: the privileged parent went away");
    (void)close (ps->rfd);
    ps->rfd = -1;
    return 0;
}

int privsep_child_init (struct privsep *ps, struct error *err)
{
    if (!privsep_is_child (ps))
        return error_errno (err, EINVAL, "privsep: not the child");
    if (drop_privilege (err) < 0) {
        /* Take the wake byte anyway before failing, so that the parent's
         * write never meets a closed pipe (EPIPE or SIGPIPE instead of
         * the clean "child failed" it reports after privsep_wait). */
        int saved_errno = errno;
        (void)wait_for_wake (ps, NULL);
        errno = saved_errno;
        return -1;
    }
    return wait_for_wake (ps, err);
}

/* Messages */

int privsep_send (struct privsep *ps, const struct kv *kv, struct error *err)
{
    if (!privsep_is_child (ps) || ps->done)
        return error_errno (err, EINVAL,
                            "privsep: only one message, from the child");
    ps->done = true;
    return privsep_write_msg (ps->wfd, kv, err);
}

int privsep_recv (struct privsep *ps, struct kv **kvp, struct error *err)
{
    if (!ps || privsep_is_child (ps) || ps->done || ps->waited)
        return error_errno (err, EINVAL,
                            "privsep: only one message, to the parent");
    ps->done = true;
    return privsep_read_msg (ps->rfd, kvp, err);
}

/* Parent: wait */

/* Nothing may be left on the pipe once the child has exited (a
 * descendant that still holds it open counts as nothing left).
 */
static int check_drained (struct privsep *ps, struct error *err)
{
    char byte;
    ssize_t n;
    int flags = fcntl (ps->rfd, F_GETFL);

    if (flags < 0 || fcntl (ps->rfd, F_SETFL, flags | O_NONBLOCK) < 0)
        return error_errno (err, errno, "privsep: fcntl: %s", strerror (errno));
    while ((n = read (ps->rfd, &byte, 1)) < 0 && errno == EINTR)
        ;
    if (n > 0)
        return error_errno (err, EPROTO,
                            "privsep: unexpected data from the unprivileged"
                            " child");
    if (n < 0 && errno != EAGAIN)
        return error_errno (err, errno, "privsep: read: %s", strerror (errno));
    return 0;
}

static int check_status (int status, struct error *err)
{
    if (WIFEXITED (status) && WEXITSTATUS (status) == 0)
        return 0;
    if (WIFEXITED (status))
        return error_errno (err, ECHILD,
                            "unprivileged child exited with status %d",
                            WEXITSTATUS (status));
    if (WIFSIGNALED (status))
        return error_errno (err, EINTR,
                            "unprivileged child killed by signal %d (%s)",
                            WTERMSIG (status), strsignal (WTERMSIG (status)));
    return error_errno (err, EINTR, "unprivileged child ended abnormally");
}

static int reap_child (struct privsep *ps, struct error *err)
{
    pid_t pid;

    while ((pid = waitpid (ps->pid, &ps->status, 0)) < 0 && errno == EINTR)
        ;
    if (pid < 0)
        return error_errno (err, errno, "privsep: waitpid: %s",
                            strerror (errno));
    if (check_status (ps->status, err) < 0 || check_drained (ps, err) < 0)
        return -1;
    return 0;
}

int privsep_wait (struct privsep *ps, struct error *err)
{
    if (!ps || privsep_is_child (ps))
        return error_errno (err, EINVAL, "privsep: not the parent");
    if (!ps->waited) {
        ps->waited = true;
        if (reap_child (ps, &ps->wait_err) < 0)
            ps->wait_errno = errno;
    }
    if (ps->wait_errno) {
        error_set (err, "%s", ps->wait_err.text);
        errno = ps->wait_errno;
        return -1;
    }
    return 0;
}
