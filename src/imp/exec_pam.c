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
 * - The IMP is not linked with libpam: the first exec_pam_open() loads
 *   it (dlopen of its soname, RTLD_NOW | RTLD_GLOBAL, never closed), so
 *   that a job without exec.pam-support does not pay for mapping and
 *   relocating libpam, libaudit and libcap-ng at every exec.  A library
 *   that cannot be loaded, or lacks a function, fails the session
 *   (ENOSYS): the job is refused, as for any PAM failure.
 *
 * SECURITY INVARIANTS
 * - Runs only in the privileged parent, after every check of the request
 *   (J verified again, user resolved, uid 0 refused) and after the
 *   unprivileged child has exited; nothing here reads input of the caller.
 * - libpam is found by its fixed soname the way the loader finds a
 *   linked library: in a setuid IMP (secure execution) LD_LIBRARY_PATH
 *   is ignored, and the prologue has emptied the environment before.
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
#include <dlfcn.h>
#include <stddef.h>
#include <security/pam_appl.h>

#define EXEC_PAM_SERVICE "flux"
#define EXEC_PAM_LIBRARY "libpam.so.0" /* Linux-PAM's ABI */

/* The functions of libpam used here, with the types of its header. */
struct pam_api {
    __typeof__ (pam_start) *start;
#if HAVE_PAM_START_CONFDIR
    __typeof__ (pam_start_confdir) *start_confdir; /* NULL: not in it */
#endif
    __typeof__ (pam_set_item) *set_item;
    __typeof__ (pam_setcred) *setcred;
    __typeof__ (pam_open_session) *open_session;
    __typeof__ (pam_close_session) *close_session;
    __typeof__ (pam_end) *end;
    __typeof__ (pam_strerror) *strerror;
};

static const struct {
    const char *name;
    size_t offset;
    bool optional;
} pam_symbols[] = {
    {"pam_start", offsetof (struct pam_api, start), false},
#if HAVE_PAM_START_CONFDIR
    {"pam_start_confdir", offsetof (struct pam_api, start_confdir), true},
#endif
    {"pam_set_item", offsetof (struct pam_api, set_item), false},
    {"pam_setcred", offsetof (struct pam_api, setcred), false},
    {"pam_open_session", offsetof (struct pam_api, open_session), false},
    {"pam_close_session", offsetof (struct pam_api, close_session), false},
    {"pam_end", offsetof (struct pam_api, end), false},
    {"pam_strerror", offsetof (struct pam_api, strerror), false},
};

_Static_assert(sizeof (void *) == sizeof (&pam_start),
               "dlsym() cannot return a function pointer here");

static struct pam_api api; /* set once libpam is loaded */
static bool api_loaded;

/* Load libpam and its functions into 'api', once per process. */
static int load_api (struct error *err)
{
    struct pam_api loaded = {0};
    void *lib;

    if (api_loaded)
        return 0;
    if (!(lib = dlopen (EXEC_PAM_LIBRARY, RTLD_NOW | RTLD_GLOBAL)))
        return error_errno (err, ENOSYS, "pam: %s", dlerror ());
    for (size_t i = 0; i < sizeof (pam_symbols) / sizeof (pam_symbols[0]);
         i++) {
        void *f = dlsym (lib, pam_symbols[i].name);
        if (!f && !pam_symbols[i].optional)
            return error_errno (err, ENOSYS, "pam: %s: no %s", EXEC_PAM_LIBRARY,
                                pam_symbols[i].name);
        memcpy ((char *)&loaded + pam_symbols[i].offset, &f, sizeof (f));
    }
    api = loaded;
    api_loaded = true;
    return 0;
}

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
        rc = api.start (EXEC_PAM_SERVICE, user, &pam->conv, &pam->h);
    else {
#if HAVE_PAM_START_CONFDIR
        if (!api.start_confdir)
            return error_errno (err, ENOSYS, "pam_start_confdir: %s",
                                "not supported by this Linux-PAM");
        rc = api.start_confdir (EXEC_PAM_SERVICE, user, &pam->conv, confdir,
                                &pam->h);
#else
        return error_errno (err, ENOSYS, "pam_start_confdir: %s",
                            "not supported by this Linux-PAM");
#endif
    }
    if (rc != PAM_SUCCESS) {
        (void)error_errno (err, EPERM, "pam_start: %s",
                           api.strerror (pam->h, rc));
        if (pam->h)
            (void)api.end (pam->h, rc);
        errno = EPERM;
        return -1;
    }
    return 0;
}

/* Fail 'call' with 'rc': fill 'err', end PAM, free 'pam'. */
static int
fail (struct exec_pam *pam, const char *call, int rc, struct error *err)
{
    (void)error_errno (err, EPERM, "%s: %s", call, api.strerror (pam->h, rc));
    (void)api.end (pam->h, rc);
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
    if (load_api (err) < 0)
        return -1;
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
    if ((rc = api.set_item (pam->h, PAM_RUSER, user)) != PAM_SUCCESS)
        return fail (pam, "pam_set_item", rc, err);
    if ((rc = api.setcred (pam->h, PAM_ESTABLISH_CRED)) != PAM_SUCCESS)
        return fail (pam, "pam_setcred", rc, err);
    if ((rc = api.open_session (pam->h, 0)) != PAM_SUCCESS) {
        (void)api.setcred (pam->h, PAM_DELETE_CRED);
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
                    api.strerror (h, rc));
}

int exec_pam_close (struct exec_pam *pam, struct error *err)
{
    char text[ERROR_TEXT_MAX] = "";
    int rc, last;

    if (!pam)
        return 0;
    last = rc = api.close_session (pam->h, 0);
    note (text, sizeof (text), pam->h, "pam_close_session", rc);
    rc = api.setcred (pam->h, PAM_DELETE_CRED);
    note (text, sizeof (text), pam->h, "pam_setcred", rc);
    if (rc != PAM_SUCCESS)
        last = rc;
    rc = api.end (pam->h, last);
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
