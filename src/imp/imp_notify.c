/* imp_notify.c - sd_notify messages: see imp_notify.h.
 *
 * SECURITY INVARIANTS
 * - The socket address comes from the caller; it is used only with the
 *   caller's real uid as effective uid (setresuid (-1, ruid, -1)), and
 *   the effective uid is restored afterwards; failure to restore it
 *   aborts the process rather than continue with the wrong ids.
 */
#define _GNU_SOURCE
#if HAVE_CONFIG_H
#include "config.h"
#endif
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "imp_notify.h"

static int make_addr (const char *path,
                      struct sockaddr_un *addr,
                      socklen_t *lenp,
                      struct error *err)
{
    size_t len = strlen (path);

    memset (addr, 0, sizeof (*addr));
    addr->sun_family = AF_UNIX;
    if ((path[0] != '/' && path[0] != '@') || len < 2
        || len >= sizeof (addr->sun_path))
        return error_errno (err, EINVAL, "NOTIFY_SOCKET: invalid address");
    memcpy (addr->sun_path, path, len);
    if (path[0] == '@')
        addr->sun_path[0] = '\0';
    *lenp = (socklen_t)(offsetof (struct sockaddr_un, sun_path) + len
                        + (path[0] == '@' ? 0 : 1));
    return 0;
}

static int send_msg (const struct sockaddr_un *addr,
                     socklen_t len,
                     const char *msg,
                     struct error *err)
{
    int fd, rc = 0;

    if ((fd = socket (AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0)) < 0)
        return error_errno (err, errno, "NOTIFY_SOCKET: socket: %s",
                            strerror (errno));
    if (sendto (fd, msg, strlen (msg), MSG_NOSIGNAL,
                (const struct sockaddr *)addr, len)
        < 0)
        rc = error_errno (err, errno, "NOTIFY_SOCKET: sendto: %s",
                          strerror (errno));
    (void)close (fd);
    return rc;
}

int imp_notify (const char *path, const char *msg, struct error *err)
{
    struct sockaddr_un addr;
    socklen_t len = 0;
    uid_t euid = geteuid (), ruid = getuid ();
    int rc, e;

    if (!path)
        return 0;
    if (!msg || make_addr (path, &addr, &len, err) < 0)
        return error_errno (err, EINVAL, "NOTIFY_SOCKET: invalid address");
    if (euid != ruid && setresuid ((uid_t)-1, ruid, (uid_t)-1) < 0)
        return error_errno (err, EPERM, "NOTIFY_SOCKET: setresuid: %s",
                            strerror (errno));
    rc = send_msg (&addr, len, msg, err);
    e = errno;
    if (euid != ruid
        && (setresuid ((uid_t)-1, euid, (uid_t)-1) < 0 || geteuid () != euid))
        abort ();
    errno = e;
    return rc;
}
