/* exec_pam.c - the PAM session of `flux-imp exec` (exec_pam.h).
 *
 * Steps, in the privileged parent, as the original:
 *   open:  pam_start ("flux", user) [pam_start_confdir in the test
 *          builds], PAM_RUSER = user, pam_setcred (PAM_ESTABLISH_CRED),
 *          pam_open_session; then the caller forks the job shell;
 *   close: once the shell has exited and its cgroup is empty:
 *          pam_close_session, pam_setcred (PAM_DELETE_CRED), pam_end.
 *
 * Decisions:
 * - No pam_authenticate() and no pam_acct_mgmt(): the job's user is the
 *   signer of J, and the verified signature is the authentication; there
 *   is nobody to ask for a password.  The "auth" stack still runs for
 *   pam_setcred(), and a "session" module may refuse the session.
 * - The conversation answers no prompt (PAM_CONV_ERR) and passes module
 *   messages to a callback.  misc_conv (libpam_misc), which the original
 *   uses, is deliberately not used: it prompts on and reads from the
 *   terminal of whoever runs the IMP, and in a setuid program that is the
 *   unprivileged caller, who could then answer for the job's user (or a
 *   job could block on a prompt no one sees).
 * - The PAM environment (pam_getenvlist(), e.g. from pam_env) is not
 *   given to the job shell, as in the original: the shell gets the
 *   caller's environment, filtered (exec_env.h).
 * - Modules act on the calling process: pam_limits sets the limits of the
 *   IMP parent itself, which the shell inherits through fork; the parent
 *   then runs under the user's limits until it exits (as the original).
 *   The shell gets the caller's umask and core limit back (exec_job.h),
 *   so a PAM "core" limit or pam_umask does not reach it.
 * - Modules run with the real uid of the caller and effective uid 0, as
 *   in the original (pam_exec runs its command with the caller's real
 *   uid unless given "seteuid").  A descriptor a module opens without
 *   O_CLOEXEC is inherited by the shell.
 * - Without a "flux" file Linux-PAM (1.5) uses the service "other"; with
 *   neither, pam_start fails ("Critical error - immediate abort"): the
 *   job is refused (t0324).
 *
 * SECURITY INVARIANTS
 * - Runs only in the privileged parent, after every check of the request
 *   (J verified again, user resolved, uid 0 refused) and after the
 *   unprivileged child has exited; nothing here reads input of the caller.
 * - The service name is fixed; the service directory is the system's in
 *   the installed IMP (confdir NULL), a compile-time directory of the
 *   build tree in the test IMPs (imp_paths.h): never an environment value.
 * - No prompt is ever answered; module text is passed on as data.
 */
#if HAVE_CONFIG_H
#include "config.h"
#endif
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exec_pam.h"

#if HAVE_PAM
#include <security/pam_appl.h>

#define EXEC_PAM_SERVICE "flux"

struct exec_pam {
    pam_handle_t *h;
    struct pam_conv conv;
    exec_pam_msg_f msg;
    void *arg;
};

static bool is_prompt (int style)
{
    return style != PAM_ERROR_MSG && style != PAM_TEXT_INFO;
}

/* The conversation: refuse any prompt; hand messages to pam->msg. */
static int converse (int n,
                     const struct pam_message **msgs,
                     struct pam_response **respp,
                     void *appdata)
{
    struct exec_pam *pam = appdata;
    struct pam_response *resp;

    if (n <= 0 || n > PAM_MAX_NUM_MSG || !msgs || !respp)
        return PAM_CONV_ERR;
    for (int i = 0; i < n; i++)
        if (!msgs[i] || is_prompt (msgs[i]->msg_style))
            return PAM_CONV_ERR;
    if (!(resp = calloc ((size_t)n, sizeof (*resp))))
        return PAM_BUF_ERR;
    for (int i = 0; i < n; i++)
        if (pam->msg && msgs[i]->msg)
            pam->msg (msgs[i]->msg, pam->arg);
    *respp = resp;
    return PAM_SUCCESS;
}

static int start (struct exec_pam *pam,
                  const char *user,
                  const char *confdir,
                  struct error *err)
{
    int rc;

    if (!confdir)
        rc = pam_start (EXEC_PAM_SERVICE, user, &pam->conv, &pam->h);
    else {
#if HAVE_PAM_START_CONFDIR
        rc = pam_start_confdir (EXEC_PAM_SERVICE, user, &pam->conv, confdir,
                                &pam->h);
#else
        return error_errno (err, ENOSYS, "pam_start_confdir: %s",
                            "not supported by this Linux-PAM");
#endif
    }
    if (rc != PAM_SUCCESS) {
        (void)error_errno (err, EPERM, "pam_start: %s",
                           pam_strerror (pam->h, rc));
        if (pam->h)
            (void)pam_end (pam->h, rc);
        errno = EPERM;
        return -1;
    }
    return 0;
}

/* Fail 'call' with 'rc': fill 'err', end PAM, free 'pam'. */
static int
fail (struct exec_pam *pam, const char *call, int rc, struct error *err)
{
    (void)error_errno (err, EPERM, "%s: %s", call, pam_strerror (pam->h, rc));
    (void)pam_end (pam->h, rc);
    free (pam);
    errno = EPERM;
    return -1;
}

int exec_pam_open (const char *user,
                   const char *confdir,
                   exec_pam_msg_f msg,
                   void *arg,
                   struct exec_pam **pamp,
                   struct error *err)
{
    struct exec_pam *pam;
    int rc;

    if (!user || !*user || !pamp)
        return error_errno (err, EINVAL, "pam: invalid arguments");
    if (!(pam = calloc (1, sizeof (*pam))))
        return error_errno (err, ENOMEM, "pam: out of memory");
    pam->conv.conv = converse;
    pam->conv.appdata_ptr = pam;
    pam->msg = msg;
    pam->arg = arg;
    if (start (pam, user, confdir, err) < 0) {
        free (pam);
        return -1;
    }
    if ((rc = pam_set_item (pam->h, PAM_RUSER, user)) != PAM_SUCCESS)
        return fail (pam, "pam_set_item", rc, err);
    if ((rc = pam_setcred (pam->h, PAM_ESTABLISH_CRED)) != PAM_SUCCESS)
        return fail (pam, "pam_setcred", rc, err);
    if ((rc = pam_open_session (pam->h, 0)) != PAM_SUCCESS) {
        (void)pam_setcred (pam->h, PAM_DELETE_CRED);
        return fail (pam, "pam_open_session", rc, err);
    }
    *pamp = pam;
    return 0;
}

/* Append "call: text" to 'buf' (joined by "; ") if 'rc' is a failure. */
static void
note (char *buf, size_t size, pam_handle_t *h, const char *call, int rc)
{
    size_t len = strlen (buf);

    if (rc == PAM_SUCCESS || len >= size - 1)
        return;
    (void)snprintf (buf + len, size - len, "%s%s: %s", len ? "; " : "", call,
                    pam_strerror (h, rc));
}

int exec_pam_close (struct exec_pam *pam, struct error *err)
{
    char text[ERROR_TEXT_MAX] = "";
    int rc, last;

    if (!pam)
        return 0;
    last = rc = pam_close_session (pam->h, 0);
    note (text, sizeof (text), pam->h, "pam_close_session", rc);
    rc = pam_setcred (pam->h, PAM_DELETE_CRED);
    note (text, sizeof (text), pam->h, "pam_setcred", rc);
    if (rc != PAM_SUCCESS)
        last = rc;
    rc = pam_end (pam->h, last);
    note (text, sizeof (text), NULL, "pam_end", rc);
    free (pam);
    if (text[0])
        return error_errno (err, EPERM, "%s", text);
    return 0;
}

#else /* !HAVE_PAM */

int exec_pam_open (const char *user,
                   const char *confdir,
                   exec_pam_msg_f msg,
                   void *arg,
                   struct exec_pam **pamp,
                   struct error *err)
{
    return error_errno (err, ENOSYS, "PAM support was not built");
}

int exec_pam_close (struct exec_pam *pam, struct error *err)
{
    return 0;
}

#endif /* !HAVE_PAM */
