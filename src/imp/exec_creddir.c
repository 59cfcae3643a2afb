/* exec_creddir.c - make and remove the credentials directory of a job:
 * see exec_creddir.h.
 *
 * SECURITY INVARIANTS
 * - Runs as root.  Every check is made with fstat()/fstatfs() on the
 *   descriptor that is then used; every path component is opened with
 *   O_NOFOLLOW|O_DIRECTORY relative to its parent's descriptor, and
 *   directories are made with mkdirat() on that descriptor.  BASE must be
 *   root's all the way and on tmpfs or ramfs; a directory is never made
 *   on another file system.
 * - The job directory gets a new name that nobody can guess (pid and 64
 *   random bits, made with O_EXCL semantics: mkdirat() fails if it
 *   exists), is root's and 0700 while it is filled, and is handed to the
 *   job's user only when complete.  Files are made with O_CREAT|O_EXCL|
 *   O_NOFOLLOW, 0400, so that nothing existing is ever written through.
 * - Removal trusts nothing in the job directory, which its user may have
 *   changed: fstatat (AT_SYMLINK_NOFOLLOW) then unlinkat() for anything
 *   but a directory (a symbolic link is removed, never followed);
 *   directories opened with O_NOFOLLOW|O_DIRECTORY, on the same file
 *   system only, at most EXEC_CREDDIR_DEPTH levels down.
 * - Values are written from the caller's buffers and copied nowhere.
 *   Messages name paths (escaped), never a value.
 */
#define _GNU_SOURCE
#if HAVE_CONFIG_H
#include "config.h"
#endif
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <signal.h>
#include <sodium.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "exec_creddir.h"

/* Passes over a directory while its entries keep coming back. */
#define REMOVE_PASSES 3

struct exec_creddir {
    int basefd;
    int fd; /* the job directory, while it is made */
    char *base;
    char name[64]; /* job-<pid>-<hex> */
    char *path;    /* base/name */
};

struct remover {
    exec_creddir_warn_f warn;
    void *arg;
    dev_t dev;
};

/* Warn "credentials: <dir>/<name>: <reason>", with every byte outside
 * printable ASCII as '?', so that a name cannot forge a line.
 */
static void rwarn (const struct remover *r,
                   const char *dir,
                   const char *name,
                   const char *reason)
{
    char msg[1024];

    if (!r->warn)
        return;
    snprintf (msg, sizeof (msg), "credentials: %s/%s: %s", dir, name, reason);
    for (char *p = msg; *p; p++)
        if ((unsigned char)*p < 0x20 || (unsigned char)*p > 0x7e)
            *p = '?';
    r->warn (msg, r->arg);
}

static int remove_entry (const struct remover *r,
                         int dirfd,
                         const char *dirpath,
                         const char *name,
                         int depth);

/* Remove every entry of 'dir' (at level 'depth').  Return the number
 * that could not be removed (each was reported).
 */
static size_t
remove_all (const struct remover *r, DIR *dir, const char *path, int depth)
{
    struct dirent *ent;
    size_t failed = 0;

    rewinddir (dir);
    while ((ent = readdir (dir))) {
        if (!strcmp (ent->d_name, ".") || !strcmp (ent->d_name, ".."))
            continue;
        if (remove_entry (r, dirfd (dir), path, ent->d_name, depth + 1) < 0)
            failed++;
    }
    return failed;
}

/* Empty the directory 'name' of 'dirfd' (at level 'depth').  Return the
 * number of entries left (reported), or -1 if it cannot be opened
 * (reported).
 */
static ssize_t empty_dir (const struct remover *r,
                          int dirfd,
                          const char *dirpath,
                          const char *name,
                          int depth)
{
    char *path = NULL;
    DIR *dir = NULL;
    ssize_t failed = -1;
    int fd;

    fd = openat (dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0 || asprintf (&path, "%s/%s", dirpath, name) < 0
        || !(dir = fdopendir (fd))) {
        rwarn (r, dirpath, name, strerror (errno));
        if (fd >= 0)
            close (fd);
    }
    else {
        failed = (ssize_t)remove_all (r, dir, path, depth);
        closedir (dir);
    }
    free (path);
    return failed;
}

/* Remove the directory 'name' of 'dirfd' and what it holds.  If entries
 * keep appearing (a process of the job still running), try again, at
 * most REMOVE_PASSES times; never again after a failure below, which was
 * reported already (so the work stays linear in the size of the tree).
 */
static int remove_dir (const struct remover *r,
                       int dirfd,
                       const char *dirpath,
                       const char *name,
                       int depth)
{
    ssize_t failed = 0;

    for (int i = 0; i < REMOVE_PASSES; i++) {
        if ((failed = empty_dir (r, dirfd, dirpath, name, depth)) < 0)
            return -1;
        if (unlinkat (dirfd, name, AT_REMOVEDIR) == 0 || errno == ENOENT)
            return 0;
        if (errno != ENOTEMPTY || failed > 0)
            break;
    }
    if (errno != ENOTEMPTY || failed == 0)
        rwarn (r, dirpath, name, strerror (errno));
    return -1;
}

static int remove_entry (const struct remover *r,
                         int dirfd,
                         const char *dirpath,
                         const char *name,
                         int depth)
{
    struct stat st;
    char reason[64];

    if (fstatat (dirfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
        goto fail;
    if (!S_ISDIR (st.st_mode)) {
        if (unlinkat (dirfd, name, 0) == 0)
            return 0;
        goto fail;
    }
    if (st.st_dev != r->dev) {
        rwarn (r, dirpath, name, "on another file system, left in place");
        errno = EXDEV;
        return -1;
    }
    if (depth >= EXEC_CREDDIR_DEPTH) {
        snprintf (reason, sizeof (reason),
                  "deeper than %d levels, left in place", EXEC_CREDDIR_DEPTH);
        rwarn (r, dirpath, name, reason);
        errno = ELOOP;
        return -1;
    }
    return remove_dir (r, dirfd, dirpath, name, depth);
fail:
    if (errno == ENOENT)
        return 0;
    rwarn (r, dirpath, name, strerror (errno));
    return -1;
}

int exec_creddir_remove_at (int dirfd,
                            const char *dirpath,
                            const char *name,
                            exec_creddir_warn_f warn,
                            void *arg)
{
    struct remover r = {.warn = warn, .arg = arg};
    struct stat st;

    if (fstat (dirfd, &st) < 0)
        return -1;
    r.dev = st.st_dev;
    return remove_entry (&r, dirfd, dirpath, name, 0);
}

static void creddir_free (struct exec_creddir *d)
{
    int saved_errno = errno;

    if (d) {
        if (d->fd >= 0)
            close (d->fd);
        if (d->basefd >= 0)
            close (d->basefd);
        free (d->base);
        free (d->path);
        free (d);
    }
    errno = saved_errno;
}

int exec_creddir_remove (struct exec_creddir *d,
                         exec_creddir_warn_f warn,
                         void *arg)
{
    int rc;

    if (!d)
        return 0;
    if (d->fd >= 0) {
        close (d->fd);
        d->fd = -1;
    }
    rc = exec_creddir_remove_at (d->basefd, d->base, d->name, warn, arg);
    creddir_free (d);
    return rc;
}

const char *exec_creddir_path (const struct exec_creddir *d)
{
    return d ? d->path : NULL;
}

static bool on_memfs (int fd)
{
    struct statfs sf;

    return fstatfs (fd, &sf) == 0
           && ((unsigned long)sf.f_type == (unsigned long)TMPFS_MAGIC
               || (unsigned long)sf.f_type == (unsigned long)RAMFS_MAGIC);
}

static int not_memfs (const char *base, struct error *err)
{
    return error_errno (err, EXDEV,
                        "credentials: %s is not on a memory file system "
                        "(tmpfs or ramfs)",
                        base);
}

/* The directory open on 'fd' ('path') must be root's, not writable by
 * group or other ('strict'), or only if sticky.
 */
static int check_dir (int fd, const char *path, bool strict, struct error *err)
{
    struct stat st;

    if (fstat (fd, &st) < 0)
        return error_errno (err, errno, "credentials: %s: %s", path,
                            strerror (errno));
    if (!S_ISDIR (st.st_mode))
        return error_errno (err, ENOTDIR, "credentials: %s: not a directory",
                            path);
    if (st.st_uid != 0)
        return error_errno (err, EPERM, "credentials: %s: not owned by root",
                            path);
    if ((st.st_mode & (S_IWGRP | S_IWOTH))
        && (strict || !(st.st_mode & S_ISVTX)))
        return error_errno (
            err, EPERM, "credentials: %s: writable by group or other", path);
    return 0;
}

/* Report why 'comp' of 'parentfd' ('path') did not open (errno): a
 * symbolic link gives ELOOP or ENOTDIR with O_NOFOLLOW|O_DIRECTORY.
 */
static int open_failed (int parentfd,
                        const char *comp,
                        const char *path,
                        struct error *err)
{
    int e = errno;
    struct stat st;

    if ((e == ELOOP || e == ENOTDIR)
        && fstatat (parentfd, comp, &st, AT_SYMLINK_NOFOLLOW) == 0
        && S_ISLNK (st.st_mode))
        return error_errno (err, ELOOP, "credentials: %s: is a symbolic link",
                            path);
    return error_errno (err, e, "credentials: %s: %s", path, strerror (e));
}

/* Open the component 'comp' of 'parentfd' ('path' is the path up to and
 * including it).  'mode' 0: it must exist; else make it with that mode
 * if it is missing (never outside a memory file system: 'base').
 */
static int open_component (int parentfd,
                           const char *comp,
                           const char *path,
                           mode_t mode,
                           const char *base,
                           struct error *err)
{
    const int oflags = O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC;
    int fd = openat (parentfd, comp, oflags);
    bool made = false;

    if (fd < 0 && errno == ENOENT && mode) {
        if (!on_memfs (parentfd))
            return not_memfs (base, err);
        if (mkdirat (parentfd, comp, mode) == 0)
            made = true;
        else if (errno != EEXIST)
            return error_errno (err, errno, "credentials: mkdir %s: %s", path,
                                strerror (errno));
        fd = openat (parentfd, comp, oflags);
    }
    if (fd < 0)
        return open_failed (parentfd, comp, path, err);
    if (made && (fchown (fd, 0, 0) < 0 || fchmod (fd, mode) < 0)) {
        error_errno (err, errno, "credentials: chown/chmod %s: %s", path,
                     strerror (errno));
        close (fd);
        return -1;
    }
    if (check_dir (fd, path, mode != 0, err) < 0) {
        close (fd);
        return -1;
    }
    return fd;
}

/* Open BASE 'base' from "/", one component at a time; make the last two
 * if missing (0755, then 0711).  Return its descriptor, or -1.
 */
static int open_base (const char *base, struct error *err)
{
    char *copy = strdup (base), *path = strdup (base), *save = NULL, *comp;
    size_t n = 0, i = 0, len = 0;
    int fd = -1, next;

    if (!copy || !path) {
        error_errno (err, ENOMEM, "out of memory");
        goto out;
    }
    for (const char *p = base; *p; p++)
        if (*p == '/' && p[1] && p[1] != '/')
            n++;
    if (strstr (base, "/./") || strstr (base, "/../")
        || (n
            && (!strcmp (strrchr (base, '/'), "/.")
                || !strcmp (strrchr (base, '/'), "/..")))) {
        error_errno (err, EINVAL, "credentials: %s: a . or .. component", base);
        goto out;
    }
    if ((fd = open ("/", O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0) {
        error_errno (err, errno, "credentials: /: %s", strerror (errno));
        goto out;
    }
    for (comp = strtok_r (copy, "/", &save); comp;
         comp = strtok_r (NULL, "/", &save), i++) {
        len +=
            (size_t)snprintf (path + len, strlen (base) + 1 - len, "/%s", comp);
        next = open_component (fd, comp, path,
                               i + 1 == n   ? 0711
                               : i + 2 == n ? 0755
                                            : 0,
                               base, err);
        close (fd);
        if ((fd = next) < 0)
            goto out;
    }
    if (!on_memfs (fd)) {
        close (fd);
        fd = not_memfs (base, err);
    }
out:
    free (copy);
    free (path);
    return fd;
}

/* Sweep: remove job-<pid>-* entries of BASE whose IMP is gone. */
static void sweep (struct exec_creddir *d, exec_creddir_warn_f warn, void *arg)
{
    struct dirent *ent;
    DIR *dir;
    int fd;
    long pid;
    char *end;

    if ((fd = openat (d->basefd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0
        || !(dir = fdopendir (fd))) {
        if (fd >= 0)
            close (fd);
        return;
    }
    while ((ent = readdir (dir))) {
        if (strncmp (ent->d_name, "job-", 4) || ent->d_name[4] < '1'
            || ent->d_name[4] > '9')
            continue;
        errno = 0;
        pid = strtol (ent->d_name + 4, &end, 10);
        if (errno || *end != '-' || pid <= 0 || pid == (long)getpid ()
            || pid > (long)INT32_MAX)
            continue;
        if (kill ((pid_t)pid, 0) < 0 && errno == ESRCH)
            (void)exec_creddir_remove_at (d->basefd, d->base, ent->d_name, warn,
                                          arg);
    }
    closedir (dir);
}

/* Make the job directory, root's and 0700, and open it. */
static int make_jobdir (struct exec_creddir *d, struct error *err)
{
    unsigned char rnd[8];
    char hex[sizeof (rnd) * 2 + 1], name[sizeof (d->name)];
    int tries = 0;

    do {
        randombytes_buf (rnd, sizeof (rnd));
        sodium_bin2hex (hex, sizeof (hex), rnd, sizeof (rnd));
        snprintf (name, sizeof (name), "job-%ld-%s", (long)getpid (), hex);
        if (mkdirat (d->basefd, name, 0700) == 0)
            break;
        if (errno != EEXIST || ++tries == 16)
            return error_errno (err, errno, "credentials: mkdir %s/%s: %s",
                                d->base, name, strerror (errno));
    } while (true);
    memcpy (d->name, name, sizeof (name));
    if (asprintf (&d->path, "%s/%s", d->base, d->name) < 0) {
        d->path = NULL;
        return error_errno (err, ENOMEM, "out of memory");
    }
    d->fd = openat (d->basefd, d->name,
                    O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (d->fd < 0 || fchmod (d->fd, 0700) < 0)
        return error_errno (err, errno, "credentials: %s: %s", d->path,
                            strerror (errno));
    return check_dir (d->fd, d->path, true, err);
}

static int write_all (int fd, const char *buf, size_t len)
{
    ssize_t n;

    while (len > 0) {
        if ((n = write (fd, buf, len)) < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        buf += n;
        len -= (size_t)n;
    }
    return 0;
}

/* Write one credential into the job directory, 0400, uid's and gid's. */
static int write_cred (struct exec_creddir *d,
                       const struct exec_cred *c,
                       uid_t uid,
                       gid_t gid,
                       struct error *err)
{
    int fd =
        openat (d->fd, c->name,
                O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0400);
    int e;

    if (fd < 0)
        goto error;
    if (write_all (fd, c->value, c->len) < 0 || fchmod (fd, 0400) < 0
        || fchown (fd, uid, gid) < 0) {
        e = errno;
        close (fd);
        errno = e;
        goto error;
    }
    if (close (fd) < 0)
        goto error;
    return 0;
error:
    return error_errno (err, errno, "credentials: %s/%s: %s", d->path, c->name,
                        strerror (errno));
}

/* Fill the job directory and hand it to uid and gid (0500). */
static int fill_jobdir (struct exec_creddir *d,
                        const struct exec_cred_list *list,
                        uid_t uid,
                        gid_t gid,
                        struct error *err)
{
    for (size_t i = 0; i < list->count; i++)
        if (write_cred (d, &list->cred[i], uid, gid, err) < 0)
            return -1;
    if (fchown (d->fd, uid, gid) < 0 || fchmod (d->fd, 0500) < 0)
        return error_errno (err, errno, "credentials: %s: %s", d->path,
                            strerror (errno));
    return 0;
}

int exec_creddir_create (const char *base,
                         const struct exec_cred_list *list,
                         uid_t uid,
                         gid_t gid,
                         exec_creddir_warn_f warn,
                         void *arg,
                         struct exec_creddir **dp,
                         struct error *err)
{
    struct exec_creddir *d;

    if (!base || base[0] != '/' || !list || list->count == 0 || !dp)
        return error_errno (err, EINVAL, "credentials: invalid argument");
    if (!(d = calloc (1, sizeof (*d))) || !(d->base = strdup (base))) {
        free (d);
        return error_errno (err, ENOMEM, "out of memory");
    }
    d->fd = -1;
    if ((d->basefd = open_base (base, err)) < 0) {
        creddir_free (d);
        return -1;
    }
    sweep (d, warn, arg);
    if (make_jobdir (d, err) < 0 || fill_jobdir (d, list, uid, gid, err) < 0) {
        if (d->name[0])
            (void)exec_creddir_remove_at (d->basefd, d->base, d->name, warn,
                                          arg);
        creddir_free (d);
        return -1;
    }
    close (d->fd);
    d->fd = -1;
    *dp = d;
    return 0;
}
