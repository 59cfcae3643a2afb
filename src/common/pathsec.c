/* pathsec.c - race-free security checks of files, done on descriptors.
 *
 * SECURITY INVARIANTS (see also pathsec.h)
 * - Trusts nothing about the path: every directory is opened with
 *   O_PATH|O_DIRECTORY|O_NOFOLLOW relative to the descriptor of the one
 *   before it, starting at "/", and checked with fstat() on that
 *   descriptor.  The file is opened relative to the last of them with
 *   O_NOFOLLOW and checked with fstat() on the descriptor returned.
 * - The fstatat() done before opening the file only serves to refuse a
 *   device or FIFO without opening it and to word the error; the
 *   authoritative check is the fstat() after opening.
 */
#define _GNU_SOURCE /* O_PATH */
#if HAVE_CONFIG_H
#include "config.h"
#endif
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "pathsec.h"

/* The path being opened, split into what is walked and what is opened. */
struct walk {
    const char *path;           /* as given by the caller, for messages */
    char abs[PATHSEC_PATH_MAX]; /* absolute form; cut into components */
    char dir[PATHSEC_PATH_MAX]; /* directory reached so far (messages) */
    const char *base;           /* last component, inside abs */
};

static int make_absolute (struct walk *w, struct error *err)
{
    char cwd[PATHSEC_PATH_MAX];
    int n;

    if (w->path[0] == '/')
        n = snprintf (w->abs, sizeof (w->abs), "%s", w->path);
    else {
        if (!getcwd (cwd, sizeof (cwd)) || cwd[0] != '/')
            return error_errno (err, errno ? errno : ENOENT,
                                "%s: cannot resolve the relative path: %s",
                                w->path, strerror (errno ? errno : ENOENT));
        n = snprintf (w->abs, sizeof (w->abs), "%s/%s", cwd, w->path);
    }
    if (n < 0 || (size_t)n >= sizeof (w->abs))
        return error_errno (err, ENAMETOOLONG,
                            "%.64s...: path is too long (the limit is %d"
                            " bytes, including the current directory)",
                            w->path, PATHSEC_PATH_MAX - 1);
    return 0;
}

/* Split w->abs at its last slash: w->abs keeps the directory part and
 * w->base points to the last component, which must not be empty.
 */
static int split_base (struct walk *w, struct error *err)
{
    char *slash = strrchr (w->abs, '/');

    if (!slash || slash[1] == '\0')
        return error_errno (err, EINVAL,
                            "%s: File is not a regular file"
                            " (the path names a directory)",
                            w->path);
    *slash = '\0';
    w->base = slash + 1;
    return 0;
}

/* Append 'name' to the directory shown in messages. */
static void dir_append (struct walk *w, const char *name)
{
    size_t len = strlen (w->dir);

    snprintf (w->dir + len, sizeof (w->dir) - len, "%s%s", len > 1 ? "/" : "",
              name);
}

/* Who may own a checked file or directory, in words, for messages. */
struct owner_rule {
    char text[64];
};

static const char *owner_rule (struct owner_rule *r)
{
    if (geteuid () == 0)
        return "root";
    snprintf (r->text, sizeof (r->text), "root or uid %ju",
              (uintmax_t)geteuid ());
    return r->text;
}

/* Check the directory open on 'fd', shown as w->dir. */
static int check_dir (struct walk *w, int fd, struct error *err)
{
    struct owner_rule rule;
    struct stat sb;
    unsigned int mode;

    if (fstat (fd, &sb) < 0)
        return error_errno (err, errno,
                            "%s: Unable to stat parent directory"
                            " %s: %s",
                            w->path, w->dir, strerror (errno));
    mode = (unsigned int)sb.st_mode & 07777;
    if (!S_ISDIR (sb.st_mode))
        return error_errno (err, ENOTDIR,
                            "%s: Unable to check parent"
                            " directory. Unexpected file type (%s)",
                            w->path, w->dir);
    if (sb.st_uid != 0 && sb.st_uid != geteuid ())
        return error_errno (err, EPERM,
                            "%s: Invalid ownership on parent"
                            " directory (%s, owner uid %ju): the directory"
                            " must be owned by %s",
                            w->path, w->dir, (uintmax_t)sb.st_uid,
                            owner_rule (&rule));
    if ((mode & S_IWOTH) && !(mode & S_ISVTX))
        return error_errno (err, EPERM,
                            "%s: parent directory is"
                            " world-writable without sticky bit (%s, mode"
                            " %04o): remove write permission for other"
                            " (chmod o-w) or set the sticky bit (chmod +t)",
                            w->path, w->dir, mode);
    if ((mode & S_IWGRP) && !(mode & S_ISVTX))
        return error_errno (err, EPERM,
                            "%s: parent directory is"
                            " group-writable without sticky bit (%s, mode"
                            " %04o): remove write permission for group"
                            " (chmod g-w) or set the sticky bit (chmod +t)",
                            w->path, w->dir, mode);
    return 0;
}

/* Report why openat() of directory 'name' under 'dirfd' failed with
 * 'errnum': a symbolic link gets its own message.
 */
static int dir_open_error (
    struct walk *w, int dirfd, const char *name, int errnum, struct error *err)
{
    struct stat sb;

    if ((errnum == ENOTDIR || errnum == ELOOP)
        && fstatat (dirfd, name, &sb, AT_SYMLINK_NOFOLLOW) == 0
        && S_ISLNK (sb.st_mode)) {
        dir_append (w, name);
        return error_errno (err, ELOOP,
                            "%s: symbolic link in the path (%s):"
                            " symbolic links are not allowed here, use the"
                            " real path",
                            w->path, w->dir);
    }
    dir_append (w, name);
    return error_errno (err, errnum, "%s: %s: %s", w->path, w->dir,
                        strerror (errnum));
}

/* Walk the directory part of w->abs from "/", checking each directory.
 * Return a descriptor of the last one (O_PATH) or -1.
 */
static int walk_dirs (struct walk *w, struct error *err)
{
    char *saveptr = NULL;
    char *name;
    int fd;
    int next;

    snprintf (w->dir, sizeof (w->dir), "/");
    fd = open ("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return error_errno (err, errno, "%s: /: %s", w->path, strerror (errno));
    if (check_dir (w, fd, err) < 0)
        goto error;
    for (name = strtok_r (w->abs, "/", &saveptr); name;
         name = strtok_r (NULL, "/", &saveptr)) {
        if (!strcmp (name, "."))
            continue;
        next = openat (fd, name, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (next < 0) {
            dir_open_error (w, fd, name, errno, err);
            goto error;
        }
        close (fd);
        fd = next;
        dir_append (w, name);
        if (check_dir (w, fd, err) < 0)
            goto error;
    }
    return fd;
error:
    close (fd);
    return -1;
}

/* Check the type of 'base' under 'dirfd' without following or opening
 * it, so that a device or FIFO is refused before any open.
 */
static int precheck_type (struct walk *w, int dirfd, struct error *err)
{
    struct stat sb;

    if (fstatat (dirfd, w->base, &sb, AT_SYMLINK_NOFOLLOW) < 0)
        return error_errno (err, errno, "%s: %s", w->path, strerror (errno));
    if (S_ISLNK (sb.st_mode))
        return error_errno (err, ELOOP,
                            "%s: symbolic link: the file must"
                            " not be a symbolic link, use the real path",
                            w->path);
    if (!S_ISREG (sb.st_mode))
        return error_errno (err, EINVAL, "%s: File is not a regular file",
                            w->path);
    return 0;
}

/* The rules on the file itself.  'check_group' adds the group rule of
 * configuration files.
 */
static int check_file (const char *path,
                       const struct stat *sb,
                       bool check_group,
                       struct error *err)
{
    unsigned int mode = (unsigned int)sb->st_mode & 07777;
    uid_t euid = geteuid ();
    struct owner_rule rule;

    if (!S_ISREG (sb->st_mode))
        return error_errno (err, EINVAL, "%s: File is not a regular file",
                            path);
    if (sb->st_uid != 0 && sb->st_uid != euid)
        return error_errno (err, EPERM,
                            "%s: insecure file ownership (owner"
                            " uid %ju): the file must be owned by %s",
                            path, (uintmax_t)sb->st_uid, owner_rule (&rule));
    if (check_group && sb->st_gid != 0
        && !(sb->st_uid == euid && euid != 0 && sb->st_gid == getegid ()))
        return error_errno (err, EPERM,
                            "%s: insecure file ownership (group"
                            " gid %ju): the file's group must be root",
                            path, (uintmax_t)sb->st_gid);
    if (mode & (S_IWGRP | S_IWOTH))
        return error_errno (err, EPERM,
                            "%s: bad file permissions (%04o):"
                            " the file must not be writable by group or"
                            " other (chmod go-w)",
                            path, mode);
    /* A directory writable by others but sticky is allowed: there, without
     * fs.protected_hardlinks, anyone could link any root-owned file under
     * a name that matches the pattern.
     */
    if (sb->st_nlink != 1)
        return error_errno (err, EPERM,
                            "%s: the file has %ju hard links: it must have"
                            " exactly one (copy it instead of linking it)",
                            path, (uintmax_t)sb->st_nlink);
    return 0;
}

static int clear_nonblock (const char *path, int fd, struct error *err)
{
    int fl = fcntl (fd, F_GETFL);

    if (fl < 0 || fcntl (fd, F_SETFL, fl & ~O_NONBLOCK) < 0)
        return error_errno (err, errno, "%s: %s", path, strerror (errno));
    return 0;
}

/* Walk to the parent of 'path' with the checks and open the file itself
 * with 'oflags' (O_NOFOLLOW|O_CLOEXEC are added).  Return the fd or -1.
 */
static int
open_secure (const char *path, int oflags, bool check_group, struct error *err)
{
    struct walk w = {.path = path};
    struct stat sb;
    int dirfd;
    int fd = -1;

    if (make_absolute (&w, err) < 0 || split_base (&w, err) < 0)
        return -1;
    if ((dirfd = walk_dirs (&w, err)) < 0)
        return -1;
    if (precheck_type (&w, dirfd, err) < 0)
        goto out;
    fd = openat (dirfd, w.base, oflags | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) {
        error_errno (err, errno, "%s: %s", path, strerror (errno));
        goto out;
    }
    if (fstat (fd, &sb) < 0) {
        error_errno (err, errno, "%s: %s", path, strerror (errno));
        goto error;
    }
    if (check_file (path, &sb, check_group, err) < 0)
        goto error;
out:
    close (dirfd);
    return fd;
error:
    close (fd);
    fd = -1;
    goto out;
}

/* Without paranoia: follow links, but still refuse anything that is not
 * a regular file, before opening it and on the descriptor.
 */
static int open_lax (const char *path, struct error *err)
{
    struct stat sb;
    int fd;

    if (stat (path, &sb) < 0)
        return error_errno (err, errno, "%s: %s", path, strerror (errno));
    if (!S_ISREG (sb.st_mode))
        return error_errno (err, EINVAL, "%s: File is not a regular file",
                            path);
    fd = open (path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0)
        return error_errno (err, errno, "%s: %s", path, strerror (errno));
    if (fstat (fd, &sb) < 0 || !S_ISREG (sb.st_mode)) {
        error_errno (err, errno, "%s: File is not a regular file", path);
        close (fd);
        errno = EINVAL;
        return -1;
    }
    return fd;
}

int pathsec_open_config (const char *path, int flags, struct error *err)
{
    int fd;

    if (!path || !*path)
        return error_errno (err, EINVAL, "Filename not defined");
    if (flags & ~PATHSEC_PARANOIA)
        return error_errno (err, EINVAL, "%s: invalid flags", path);
    if (flags & PATHSEC_PARANOIA)
        fd = open_secure (path, O_RDONLY | O_NONBLOCK, true, err);
    else
        fd = open_lax (path, err);
    if (fd >= 0 && clear_nonblock (path, fd, err) < 0) {
        close (fd);
        return -1;
    }
    return fd;
}

int pathsec_open_exec (const char *path, struct error *err)
{
    if (!path || !*path)
        return error_errno (err, EINVAL, "Filename not defined");
    if (path[0] != '/')
        return error_errno (err, EINVAL,
                            "%s: the path of an executable"
                            " must be absolute",
                            path);
    return open_secure (path, O_PATH, false, err);
}

/* The next buffer size when reading: doubling, at most 'cap'. */
static size_t next_size (size_t size, size_t cap)
{
    size_t next = size ? size * 2 : 4096;

    return next < cap ? next : cap;
}

int pathsec_read (int fd,
                  const char *name,
                  size_t max,
                  char **bufp,
                  size_t *lenp,
                  struct error *err)
{
    size_t cap; /* max + 1 bytes, to detect "too large", and a NUL */
    char *buf = NULL;
    size_t size = 0;
    size_t len = 0;
    ssize_t n;
    char *p;

    if (!name || !bufp || !lenp || max > SIZE_MAX / 2)
        return error_errno (err, EINVAL, "pathsec_read: invalid argument");
    cap = max + 2;
    for (;;) {
        if (len + 1 >= size) {
            size = next_size (size, cap);
            if (!(p = realloc (buf, size))) {
                error_errno (err, ENOMEM, "%s: out of memory", name);
                goto error;
            }
            buf = p;
        }
        if ((n = read (fd, buf + len, size - 1 - len)) == 0)
            break;
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            error_errno (err, errno, "%s: %s", name, strerror (errno));
            goto error;
        }
        len += (size_t)n;
        if (len > max) {
            error_errno (err, EFBIG,
                         "%s: file too large (more than %zu"
                         " bytes)",
                         name, max);
            goto error;
        }
    }
    buf[len] = '\0';
    *bufp = buf;
    *lenp = len;
    return 0;
error:
    free (buf);
    return -1;
}
