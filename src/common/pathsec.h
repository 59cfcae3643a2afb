/* pathsec.h - race-free security checks of files, done on descriptors.
 *
 * SECURITY INVARIANTS
 * - Every check is made with fstat() on a descriptor that this module
 *   opened itself, and the descriptor of the checked file is what the
 *   caller gets back: the caller reads (or executes) exactly the object
 *   that was checked, never a name that could have been swapped since.
 * - With PATHSEC_PARANOIA the path is walked from "/" one component at
 *   a time with openat(O_PATH|O_DIRECTORY|O_NOFOLLOW), and every
 *   directory on the way, not only the parent, must be owned by root or
 *   the effective uid and must not be group- or other-writable unless
 *   its sticky bit is set.
 * - A symbolic link anywhere in the path is refused, in the directories
 *   as well as the file itself.  This is stricter than the original,
 *   which checked only the file and its immediate parent, by name: a
 *   link is a second name whose target its owner can change, and the
 *   administrator can always write the real path instead.
 * - The file is opened O_NONBLOCK so that a FIFO cannot block the
 *   caller (O_NONBLOCK is cleared before returning), and its type is
 *   checked without opening it first so that a device is never opened.
 *
 * Error text names the path, the rule that failed (starting with the
 * original's wording where it had one, which runbooks grep for) and the
 * fix, e.g. "/etc/flux/imp/conf.d/a.toml: insecure file ownership
 * (owner uid 1000): the file must be owned by root".
 */
#ifndef FLUX_SECURITY_COMMON_PATHSEC_H
#define FLUX_SECURITY_COMMON_PATHSEC_H

#include <stddef.h>

#include "error.h"

/* Longest path accepted, including the current directory that a
 * relative path is resolved against.
 */
#define PATHSEC_PATH_MAX 4096

enum {
    /* Apply the ownership, mode, ancestor and symbolic link checks.
     * Without it only the file type is checked (compatibility with the
     * original's test mode, where path paranoia is off).
     */
    PATHSEC_PARANOIA = 1,
};

/* Open the configuration file 'path' for reading, after checking it.
 * A relative path is resolved against the current directory.
 *
 * Always: the path names a regular file (not a directory, FIFO, socket
 * or device), checked before and after opening.
 * With PATHSEC_PARANOIA, also:
 *   - no component of the path is a symbolic link;
 *   - every directory from "/" to the parent is owned by root or the
 *     effective uid, and is not group- or other-writable unless sticky;
 *   - the file is owned by root or the effective uid;
 *   - its group is root, or, only when the owner is the effective uid
 *     and that is not root, the effective gid;
 *   - it is not writable by group or other.
 *
 * Return an open descriptor (O_RDONLY|O_CLOEXEC, blocking) that the
 * caller closes, or -1 with errno set:
 *   EPERM   a security rule failed (the text says which and the fix);
 *   ELOOP   a symbolic link was found with PATHSEC_PARANOIA;
 *   EINVAL  empty path, invalid flags, or not a regular file;
 *   ENAMETOOLONG, ENOENT, EACCES, ENOTDIR ... from the system.
 */
int pathsec_open_config (const char *path, int flags, struct error *err);

/* Open the executable 'path' (which must be absolute) for execution,
 * with the same walk as PATHSEC_PARANOIA: no symbolic link in any
 * component, secure directories from "/" down, and the file itself a
 * regular file owned by root or the effective uid and not writable by
 * group or other.  There is no rule on its group.
 *
 * Return an O_PATH|O_CLOEXEC descriptor (for fexecve() or
 * execveat(fd, "", ..., AT_EMPTY_PATH) and fstat()) that the caller
 * closes, or -1 with errno set as for pathsec_open_config().
 */
int pathsec_open_exec (const char *path, struct error *err);

/* Read the whole of the file open on 'fd' (as returned by
 * pathsec_open_config()), at most 'max' bytes.  'name' is used in error
 * text.  On success set *bufp to a malloc'd buffer that the caller
 * frees, holding *lenp bytes followed by a NUL that is not counted, and
 * return 0.  On failure return -1 with errno set (EFBIG: the file is
 * larger than 'max', "file too large"; ENOMEM; EIO ...); the output
 * parameters are untouched.  The descriptor is not closed.
 */
int pathsec_read (int fd,
                  const char *name,
                  size_t max,
                  char **bufp,
                  size_t *lenp,
                  struct error *err);

#endif /* !FLUX_SECURITY_COMMON_PATHSEC_H */
