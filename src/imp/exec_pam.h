/* exec_pam.h - the PAM session of `flux-imp exec` (exec.pam-support,
 * imp.md 4.6): opened for the job's user in the privileged parent before
 * the job shell is forked, closed after the shell has exited.
 *
 * Service "flux", PAM_USER and PAM_RUSER the job's user, no
 * authentication and no account check: the signature of J, verified by
 * the parent, is the authentication.  Non-interactive: prompts get no
 * answer.  The PAM environment (pam_getenvlist) is not given to the job.
 * Without PAM in the build (HAVE_PAM), exec_pam_open() fails with ENOSYS.
 */
#ifndef FLUX_IMP_EXEC_PAM_H
#define FLUX_IMP_EXEC_PAM_H

#include "common/error.h"

struct exec_pam;

/* Called with the text of a PAM_ERROR_MSG or PAM_TEXT_INFO message of a
 * module, and 'arg'.  The text is the module's: print it sanitized.
 */
typedef void (*exec_pam_msg_f) (const char *msg, void *arg);

/* Start PAM for service "flux" and user 'user' (PAM_USER and PAM_RUSER),
 * with the service files of 'confdir' (pam_start_confdir(); NULL: the
 * system's, with pam_start()), then pam_setcred (PAM_ESTABLISH_CRED) and
 * pam_open_session.  Module messages go to 'msg' (may be NULL: dropped).
 * Return 0 and set *pamp (the open session, to be given to
 * exec_pam_close()), or -1 with errno set (EPERM: a PAM call failed;
 * ENOSYS: no PAM in this build, libpam cannot be loaded (it is loaded on
 * the first call, not linked) or has no pam_start_confdir() when
 * 'confdir' is set; EINVAL; ENOMEM) and 'err' naming the failed call and its
 * pam_strerror() text, e.g. "pam_open_session: Permission denied".  On
 * failure nothing is left open: the credentials established are deleted
 * and PAM is ended.
 */
int exec_pam_open (const char *user,
                   const char *confdir,
                   exec_pam_msg_f msg,
                   void *arg,
                   struct exec_pam **pamp,
                   struct error *err);

/* pam_close_session, pam_setcred (PAM_DELETE_CRED), pam_end, each even if
 * an earlier one failed; free 'pam'.  Return 0, or -1 with errno = EPERM
 * and 'err' naming the failed calls ("pam_close_session: ...", joined by
 * "; ").  exec_pam_close (NULL) is a no-op returning 0.
 */
int exec_pam_close (struct exec_pam *pam, struct error *err);

#endif /* !FLUX_IMP_EXEC_PAM_H */
