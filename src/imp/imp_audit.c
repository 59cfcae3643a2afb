/* imp_audit.c - the audit trail of flux-imp (imp_audit.h).
 *
 * SECURITY INVARIANTS
 * - Every value is quoted and escaped before it reaches the line, so a
 *   user name, path or job id chosen by a caller cannot add a field, a
 *   line or a control character to the log.
 * - The line is bounded.  The syslog connection is kept from one line to
 *   the next (an exec sends two), on a close-on-exec socket; no
 *   descriptor of it reaches a job: the job's process closes it first
 *   (imp_audit_close() in exec_job.c), before it closes every other
 *   descriptor and execs.
 */
#define _GNU_SOURCE
#if HAVE_CONFIG_H
#include "config.h"
#endif
#include <pwd.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <syslog.h>
#include <unistd.h>

#include "imp_audit.h"
#include "imp_log.h"

static void append (struct imp_audit *a, const char *s, size_t n)
{
    size_t room = sizeof (a->line) - 1 - a->len;

    if (a->len >= sizeof (a->line) - 1)
        return;
    if (n > room) {
        memcpy (a->line + a->len, s, room);
        a->len += room;
        a->line[a->len - 1] = '+';
    }
    else {
        memcpy (a->line + a->len, s, n);
        a->len += n;
    }
    a->line[a->len] = '\0';
}

static void appendf (struct imp_audit *a, const char *fmt, ...)
    __attribute__ ((format (printf, 2, 3)));

static void appendf (struct imp_audit *a, const char *fmt, ...)
{
    char buf[128];
    va_list ap;
    int n;

    va_start (ap, fmt);
    n = vsnprintf (buf, sizeof (buf), fmt, ap);
    va_end (ap);
    if (n > 0)
        append (a, buf, (size_t)n < sizeof (buf) ? (size_t)n : sizeof (buf) - 1);
}

static bool is_plain (unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
           || (c >= '0' && c <= '9') || (c && strchr ("._/:@+,-", c));
}

static bool needs_quotes (const char *s)
{
    if (*s == '\0')
        return true;
    for (; *s; s++)
        if (!is_plain ((unsigned char)*s))
            return true;
    return false;
}

static void append_quoted (struct imp_audit *a, const char *s)
{
    if (!needs_quotes (s)) {
        append (a, s, strlen (s));
        return;
    }
    append (a, "\"", 1);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '"' || *p == '\\') {
            char esc[2] = {'\\', (char)*p};
            append (a, esc, 2);
        }
        else if (*p < 0x20 || *p >= 0x7f)
            appendf (a, "\\x%02x", *p);
        else
            append (a, (const char *)p, 1);
    }
    append (a, "\"", 1);
}

/* "<name>(<uid>)", "?" for a NULL name. */
static void append_user (struct imp_audit *a, uid_t uid, const char *name)
{
    if (name)
        append_quoted (a, name);
    else
        append (a, "?", 1);
    appendf (a, "(%ju)", (uintmax_t)uid);
}

/* The name of 'uid' in 'pw' (its strings in 'buf'), or NULL if it has
 * none.
 */
static const char *
name_of (uid_t uid, struct passwd *pw, char *buf, size_t size)
{
    struct passwd *result = NULL;

    if (getpwuid_r (uid, pw, buf, size, &result) != 0 || !result)
        return NULL;
    return result->pw_name;
}

void imp_audit_begin_name (struct imp_audit *a,
                           const char *cmd,
                           uid_t caller,
                           const char *name)
{
    a->len = 0;
    a->line[0] = '\0';
    append_quoted (a, cmd);
    append (a, ": caller=", 9);
    append_user (a, caller, name);
}

void imp_audit_begin (struct imp_audit *a, const char *cmd, uid_t caller)
{
    struct passwd pw;
    char buf[4096];

    imp_audit_begin_name (a, cmd, caller,
                          name_of (caller, &pw, buf, sizeof (buf)));
}

void imp_audit_user_name (struct imp_audit *a,
                          const char *key,
                          uid_t uid,
                          const char *name)
{
    appendf (a, " %s=", key);
    append_user (a, uid, name);
}

void imp_audit_user (struct imp_audit *a, const char *key, uid_t uid)
{
    struct passwd pw;
    char buf[4096];

    imp_audit_user_name (a, key, uid, name_of (uid, &pw, buf, sizeof (buf)));
}

void imp_audit_field (struct imp_audit *a, const char *key, const char *value)
{
    if (!value)
        return;
    appendf (a, " %s=", key);
    append_quoted (a, value);
}

void imp_audit_outcome (struct imp_audit *a, const char *outcome)
{
    imp_audit_field (a, "outcome", outcome ? outcome : "");
}

void imp_audit_send (struct imp_audit *a, bool ok, const char *outcome)
{
    size_t len = a->len;

    imp_audit_outcome (a, outcome);
    /* again each time: a PAM module may have called openlog() since */
    openlog ("flux-imp", LOG_PID, LOG_AUTHPRIV);
    syslog (LOG_AUTHPRIV | (ok ? LOG_NOTICE : LOG_WARNING), "%s", a->line);
    a->len = len;
    a->line[len] = '\0';
}

void imp_audit_close (void)
{
    closelog ();
}

void imp_audit_status_text (int status, char *buf, size_t size)
{
    if (WIFEXITED (status))
        snprintf (buf, size, "exited %d", WEXITSTATUS (status));
    else if (WIFSIGNALED (status))
        snprintf (buf, size, "killed by signal %d (%s)", WTERMSIG (status),
                  sigabbrev_np (WTERMSIG (status)) ? sigabbrev_np (
                      WTERMSIG (status))
                                                   : "?");
    else
        snprintf (buf, size, "wait status 0x%04x", (unsigned)status);
}

void imp_audit_send_status (struct imp_audit *a, int status)
{
    char text[64];

    imp_audit_status_text (status, text, sizeof (text));
    imp_audit_send (a, WIFEXITED (status) && WEXITSTATUS (status) == 0,
                    text);
}

void imp_audit_send_refused (struct imp_audit *a)
{
    char text[IMP_LOG_LAST_MAX + 16];
    const char *why = imp_log_last_fatal ();

    snprintf (text, sizeof (text), "refused%s%s", *why ? ": " : "", why);
    imp_audit_send (a, false, text);
}
