/* exec_creddir.h - the per-job credentials directory of `flux-imp exec`,
 * made and removed by the privileged IMP (root).
 *
 * BASE is fixed at compile time (imp_paths.h: /run/flux-imp/credentials
 * in the installed flux-imp).  Layout and modes:
 *   BASE/..               root, 0755 if the IMP makes it
 *   BASE                  root, 0711 if the IMP makes it: anyone may
 *                         reach their own job directory, nobody but root
 *                         may list the others
 *   BASE/job-<pid>-<hex>  the job's user and group, 0500 (<pid> is the
 *                         IMP's, <hex> 16 random hex digits)
 *   BASE/job-.../NAME     the job's user and group, 0400, the value
 * BASE must be on a memory file system (tmpfs or ramfs), so that a value
 * never reaches a disk.
 *
 * Removal is by descriptor only and never follows a symbolic link: the
 * job's user owns its directory and may have changed its mode and added
 * files, directories and links.  It descends at most EXEC_CREDDIR_DEPTH
 * levels and never into another file system; what it cannot remove is
 * left in place, and reported.
 */
#ifndef FLUX_IMP_EXEC_CREDDIR_H
#define FLUX_IMP_EXEC_CREDDIR_H

#include <sys/types.h>

#include "common/error.h"
#include "exec_cred.h"

/* The deepest level of a job directory that removal descends to. */
#define EXEC_CREDDIR_DEPTH 16

/* Called with each problem met while removing, as a warning naming the
 * path ("credentials: <path>: <reason>").
 */
typedef void (*exec_creddir_warn_f) (const char *msg, void *arg);

struct exec_creddir;

/* Open BASE 'base' (absolute), making its last two components if they
 * are missing, and check it: every component a directory (no symbolic
 * link), owned by root; the components above the last two not writable
 * by group or other unless sticky, the last two not writable by group or
 * other at all; BASE on tmpfs or ramfs.  Remove what an IMP killed
 * before it could clean up left behind: entries job-<pid>-* whose pid no
 * longer exists (warnings go to 'warn').  Then make the job directory
 * (root, 0700), write every credential of 'list' into it (O_EXCL,
 * O_NOFOLLOW, 0400, then owned by 'uid' and 'gid'), and hand the
 * directory to them (owner, then mode 0500).
 *
 * Return 0 and set *dp to the new directory (its path:
 * exec_creddir_path(); remove it with exec_creddir_remove()), or -1 with
 * errno set and 'err' filled (the caller prefixes "exec: "): nothing is
 * left of the job directory then.  EPERM a component with a bad owner or
 * mode; ELOOP a symbolic link; ENOTDIR; EXDEV BASE not on a memory file
 * system ("credentials: BASE is not on a memory file system (tmpfs or
 * ramfs)"); EINVAL base not absolute or an empty list; ENOMEM; others
 * from the system.
 */
int exec_creddir_create (const char *base,
                         const struct exec_cred_list *list,
                         uid_t uid,
                         gid_t gid,
                         exec_creddir_warn_f warn,
                         void *arg,
                         struct exec_creddir **dp,
                         struct error *err);

/* The job directory's path (owned by 'd'). */
const char *exec_creddir_path (const struct exec_creddir *d);

/* Remove the job directory and all it holds, then free 'd'.  Problems
 * are reported to 'warn'.  Return 0 if it is gone, -1 with errno set
 * otherwise (it is freed either way).  NULL is a no-op returning 0.
 */
int exec_creddir_remove (struct exec_creddir *d,
                         exec_creddir_warn_f warn,
                         void *arg);

/* Remove the entry 'name' of the directory open on 'dirfd' (whose path,
 * for messages, is 'dirpath'), a file, link or directory tree, with the
 * rules above.  Return 0, or -1 with errno set after a warning.  Exposed
 * for the unit tests.
 */
int exec_creddir_remove_at (int dirfd,
                            const char *dirpath,
                            const char *name,
                            exec_creddir_warn_f warn,
                            void *arg);

#endif /* !FLUX_IMP_EXEC_CREDDIR_H */
