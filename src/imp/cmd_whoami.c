/* cmd_whoami.c - flux-imp whoami: show the ids of both halves, which
 * tells an administrator whether the IMP is installed setuid for the
 * calling user.
 *
 * Output on stderr, in either order (the halves run concurrently):
 *     flux-imp: unprivileged: uid=U euid=U gid=G egid=G
 *     flux-imp: privileged: uid=U euid=0 gid=G egid=G   (setuid install)
 *
 * SECURITY INVARIANTS
 * - The parent accepts only the message {cmd = "whoami"}: any other key
 *   is a protocol error.  It prints only its own ids.
 */
#if HAVE_CONFIG_H
#include "config.h"
#endif
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include "imp_cmds.h"
#include "imp_log.h"

static void print_ids (const char *half)
{
    imp_print ("%s: uid=%ju euid=%ju gid=%ju egid=%ju", half,
               (uintmax_t)getuid (), (uintmax_t)geteuid (),
               (uintmax_t)getgid (), (uintmax_t)getegid ());
}

static int send_request (struct imp_state *imp)
{
    struct error err = {{0}};
    struct kv *kv;
    int rc = -1;

    if (!(kv = kv_create ()) || kv_put_string (kv, "cmd", imp->cmd) < 0)
        imp_fatal ("whoami: %s", strerror (errno));
    else if (privsep_send (imp->ps, kv, &err) < 0)
        imp_fatal ("whoami: %s", err.text);
    else
        rc = 0;
    kv_destroy (kv);
    return rc;
}

int imp_cmd_whoami_child (struct imp_state *imp)
{
    if (imp->ps && send_request (imp) < 0)
        return 1;
    print_ids ("unprivileged");
    return 0;
}

int imp_cmd_whoami_parent (struct imp_state *imp, const struct kv *msg)
{
    (void)imp;
    if (kv_count (msg) != 1) {
        imp_fatal ("whoami: unexpected keys in the request");
        return 1;
    }
    print_ids ("privileged");
    return 0;
}
