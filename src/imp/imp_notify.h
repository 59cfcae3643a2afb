/* imp_notify.h - sd_notify(3) messages of flux-imp, without libsystemd
 * (imp.md 4.4): one datagram to the AF_UNIX socket named by the caller's
 * NOTIFY_SOCKET, a path or "@abstract".
 *
 * The socket is the caller's: in a setuid IMP (effective uid 0, real uid
 * the caller's) the socket is created and the datagram sent with the
 * effective uid switched to the real uid, and switched back after, so
 * that the IMP never writes to a socket that its caller could not write
 * to itself.
 */
#ifndef FLUX_IMP_NOTIFY_H
#define FLUX_IMP_NOTIFY_H

#include "common/error.h"

/* Send 'msg' (e.g. "READY=1\nSTATUS=...") to 'path'.  A NULL 'path' is a
 * no-op that returns 0.  Return 0, or -1 with errno set and 'err'
 * filled: EINVAL a path that is empty, relative or too long (it must
 * fit sockaddr_un), EPERM the effective uid could not be switched,
 * others from socket(2) and sendto(2).
 */
int imp_notify (const char *path, const char *msg, struct error *err);

#endif /* !FLUX_IMP_NOTIFY_H */
