/* privsep.h - privilege separation of flux-imp (imp.md 4.2).
 *
 * A privileged IMP (effective uid 0, real uid the caller's) forks.  The
 * child gives up root for good (real, effective and saved ids all
 * become the caller's real ids, and it proves that it cannot get root
 * back), waits for a wake-up byte from the parent, then parses every
 * untrusted input of the command and sends the parent at most one
 * message.  The parent expects exactly that message, treats anything
 * else as fatal, and decides again for itself.
 *
 * The message, child to parent on a pipe:
 *     int length       native byte order and size, as the original
 *     length bytes     a kv encoding (common/kv.h)
 * with 1 <= length <= PRIVSEP_MSG_MAX, and the bytes must pass
 * kv_decode().  The kv always holds "cmd" = the command name.
 */
#ifndef FLUX_IMP_PRIVSEP_H
#define FLUX_IMP_PRIVSEP_H

#include <stdbool.h>
#include <sys/types.h>

#include "common/error.h"
#include "common/kv.h"

/* Largest message body (the original's PRIVSEP_MAX_KVLEN). */
#define PRIVSEP_MSG_MAX KV_MAX_SIZE

struct privsep;

/* Create two pipes (O_CLOEXEC), flush stdio, fork.  In the parent, wake
 * the child with one NUL byte.  Return the handle in both processes
 * (privsep_is_child() tells which), or NULL with errno set and 'err'
 * filled (no child is left behind).  The child must call
 * privsep_child_init() next and end with _exit().
 */
struct privsep *privsep_create (struct error *err);

/* True in the child. */
bool privsep_is_child (const struct privsep *ps);

/* Child: drop privilege for good and wait for the parent's byte.
 *   - refuse a real uid of 0 (EPERM);
 *   - setgroups() to the process's current supplementary groups, which
 *     are the caller's own (a setuid exec does not change them; the
 *     sudo simulation sets them with initgroups());
 *   - setresgid (rgid, rgid, rgid), setresuid (ruid, ruid, ruid);
 *   - prove it: setreuid (-1, 0), setresuid (0, 0, 0) and (unless the
 *     real gid is 0) setresgid (-1, 0, -1) must fail, and every id must
 *     read back as the real one;
 *   - PR_SET_DUMPABLE 0 again;
 *   - read exactly one NUL byte from the parent.
 * Return 0, or -1 with errno set and 'err' filled ("irreversible switch
 * to uid N failed..." when the drop cannot be proven).
 */
int privsep_child_init (struct privsep *ps, struct error *err);

/* Child: send 'kv' as the one message.  Return 0, or -1 with errno set:
 * EINVAL not the child or a message was sent already, E2BIG/EINVAL size
 * outside 1..PRIVSEP_MSG_MAX, EPIPE/EIO ... writing.
 */
int privsep_send (struct privsep *ps, const struct kv *kv, struct error *err);

/* Parent: receive the one message.  Return 0 with *kvp set to a new kv
 * (the caller destroys it), or 0 with *kvp = NULL if the child closed
 * the pipe without sending anything.  Return -1 with errno set and *kvp
 * untouched on anything else: EINVAL not the parent or called twice,
 * EPROTO truncated, E2BIG length outside 1..PRIVSEP_MSG_MAX, EINVAL
 * body not a valid kv encoding, EIO ... reading.
 */
int privsep_recv (struct privsep *ps, struct kv **kvp, struct error *err);

/* Parent: wait for the child to exit.  Return 0 only if it exited with
 * status 0 and left nothing unread on the pipe.  Otherwise -1 with errno
 * set (ECHILD exited with a nonzero status, EINTR killed by a signal,
 * EPROTO it sent more than one message or a message the parent did not
 * ask for) and 'err' filled.  Calling it again returns the same result.
 */
int privsep_wait (struct privsep *ps, struct error *err);

/* Close the descriptors and free 'ps' (does not wait).  NULL is a no-op;
 * errno is preserved.
 */
void privsep_destroy (struct privsep *ps);

/* The framing on bare descriptors (used by the functions above; exposed
 * for the unit tests).  Errors as privsep_send() and privsep_recv().
 */
int privsep_write_msg (int fd, const struct kv *kv, struct error *err);
int privsep_read_msg (int fd, struct kv **kvp, struct error *err);

#endif /* !FLUX_IMP_PRIVSEP_H */
