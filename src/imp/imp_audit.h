/* imp_audit.h - the audit trail of flux-imp: one syslog line (facility
 * LOG_AUTHPRIV) for every privileged action, whatever its outcome.
 *
 * A line reads
 *   <command>: caller=<name>(<uid>) [user=<name>(<uid>)] [jobid=<id>]
 *       [<key>=<value>]... outcome=<outcome>
 * for example
 *   exec: caller=flux(998) user=alice(1001) jobid=f2b3Lo4Kw
 *       shell=/usr/libexec/flux/flux-shell outcome=allowed
 * The priority is LOG_NOTICE for an action that was allowed or ended,
 * LOG_WARNING for one that was refused or failed.  A value made of
 * anything but letters, digits and "._/:@+,-" is written in double
 * quotes with '"', '\' and every byte outside printable ASCII escaped
 * (\", \\, \xHH), so that no value can forge a field or a line.  Lines
 * longer than IMP_AUDIT_MAX - 1 bytes end with "+".  Values are what the
 * privileged half decided on, never a secret: J and its payload, tokens
 * and environment values are never logged.
 *
 * Which actions (flux-imp(8)): exec (allowed or refused, then how the
 * shell ended), run (likewise), kill (allowed or refused), casign
 * (signed or refused).  version, whoami and testconfig are not audited.
 */
#ifndef FLUX_IMP_AUDIT_H
#define FLUX_IMP_AUDIT_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#define IMP_AUDIT_MAX 1024

struct imp_audit {
    char line[IMP_AUDIT_MAX];
    size_t len;
};

/* Start a line for 'cmd' with the caller's name and uid. */
void imp_audit_begin (struct imp_audit *a, const char *cmd, uid_t caller);

/* Append " <key>=<name>(<uid>)" for a user ("?" if uid has no name). */
void imp_audit_user (struct imp_audit *a, const char *key, uid_t uid);

/* The same with a name the caller has looked up already (NULL: "?"), so
 * that a user is looked up once per process.
 */
void imp_audit_begin_name (struct imp_audit *a,
                           const char *cmd,
                           uid_t caller,
                           const char *name);
void imp_audit_user_name (struct imp_audit *a,
                          const char *key,
                          uid_t uid,
                          const char *name);

/* Append " <key>=<value>", quoted as above.  A NULL value appends
 * nothing.
 */
void imp_audit_field (struct imp_audit *a, const char *key, const char *value);

/* Append " outcome=<outcome>" (quoted as above) and send the line to
 * syslog with LOG_AUTHPRIV and LOG_NOTICE (ok) or LOG_WARNING.  The
 * connection to syslog (a close-on-exec socket) is opened by the first
 * line and kept for the next.  Never fails: a lost line is syslog's to
 * lose.
 */
void imp_audit_send (struct imp_audit *a, bool ok, const char *outcome);

/* Close the connection of imp_audit_send(), if any: in a forked process
 * that is to run a program of a job, first (exec_job.c).
 */
void imp_audit_close (void);

/* The line of an action that ended with wait status 'status' (the job
 * shell of exec, the command of run): outcome "exited N" (LOG_NOTICE if
 * N is 0, else LOG_WARNING) or "killed by signal N (NAME)" (LOG_WARNING).
 */
void imp_audit_send_status (struct imp_audit *a, int status);

/* The line of a refused action: outcome "refused: <the last fatal
 * message>" (imp_log_last_fatal()), LOG_WARNING.
 */
void imp_audit_send_refused (struct imp_audit *a);

/* imp_audit_send() leaves 'a' as it was before, so that one action can
 * send a second line (allowed, then ended).
 *
 * Pure: append to 'a' without sending (imp_audit_send() uses it; the
 * unit tests read a->line).
 */
void imp_audit_outcome (struct imp_audit *a, const char *outcome);
void imp_audit_status_text (int status, char *buf, size_t size);

#endif /* !FLUX_IMP_AUDIT_H */
