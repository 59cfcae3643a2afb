/* imp_log.c - the IMP's messages on stderr (see imp_log.h).
 *
 * SECURITY INVARIANTS
 * - Every byte of a message that could come from a user passes through
 *   imp_log_sanitize() before it is written: no control character but
 *   TAB, no DEL, no embedded or trailing line break reaches stderr.
 * - Formatting is bounded by IMP_LOG_MSG_MAX; a longer message is cut
 *   and marked with "+", never allocated.
 * - Nothing here exits or allocates; errors writing are ignored.
 */
#if HAVE_CONFIG_H
#include "config.h"
#endif
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "imp_log.h"

static enum imp_log_level log_level = IMP_LOG_INFO;

void imp_log_set_level (enum imp_log_level level)
{
    log_level = level;
}

int imp_log_level_parse (const char *name, enum imp_log_level *levelp)
{
    static const struct {
        const char *name;
        enum imp_log_level level;
    } names[] = {
        {"debug", IMP_LOG_DEBUG},
        {"info", IMP_LOG_INFO},
        {"warning", IMP_LOG_WARNING},
    };

    for (size_t i = 0; name && i < sizeof (names) / sizeof (names[0]); i++) {
        if (!strcmp (name, names[i].name)) {
            *levelp = names[i].level;
            return 0;
        }
    }
    errno = EINVAL;
    return -1;
}

void imp_log_sanitize (char *msg)
{
    size_t len = strlen (msg);

    while (len > 0 && (msg[len - 1] == '\n' || msg[len - 1] == '\r'))
        msg[--len] = '\0';
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)msg[i];
        if ((c < 0x20 && c != '\t') || c == 0x7f)
            msg[i] = '?';
    }
}

static const char *level_prefix (enum imp_log_level level)
{
    switch (level) {
    case IMP_LOG_FATAL:
        return "Fatal: ";
    case IMP_LOG_WARNING:
        return "Warning: ";
    case IMP_LOG_DEBUG:
        return "Debug: ";
    case IMP_LOG_INFO:
        break;
    }
    return "";
}

size_t imp_log_vformat (char *buf,
                        size_t size,
                        enum imp_log_level level,
                        const char *fmt,
                        va_list ap)
{
    char msg[IMP_LOG_MSG_MAX];
    int n;

    n = vsnprintf (msg, sizeof (msg), fmt, ap);
    if (n < 0)
        snprintf (msg, sizeof (msg), "(message could not be formatted)");
    else if ((size_t)n >= sizeof (msg))
        msg[sizeof (msg) - 2] = '+';
    imp_log_sanitize (msg);
    n = snprintf (buf, size, "flux-imp: %s%s\n", level_prefix (level), msg);
    if (n < 0) {
        buf[0] = '\0';
        return 0;
    }
    return (size_t)n < size ? (size_t)n : size - 1;
}

static void write_line (const char *line, size_t len)
{
    while (len > 0) {
        ssize_t n = write (STDERR_FILENO, line, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return;
        line += n;
        len -= (size_t)n;
    }
}

/* The text of the last fatal message, for the audit line (imp_audit.h). */
static char last_fatal[IMP_LOG_LAST_MAX];

static void remember_fatal (const char *line, size_t len)
{
    size_t skip = strlen ("flux-imp: Fatal: ");

    if (len < skip + 1)
        return;
    len -= skip + 1; /* the prefix and the newline */
    if (len >= sizeof (last_fatal))
        len = sizeof (last_fatal) - 1;
    memcpy (last_fatal, line + skip, len);
    last_fatal[len] = '\0';
}

const char *imp_log_last_fatal (void)
{
    return last_fatal;
}

static __attribute__ ((format (printf, 2, 0))) void
vprint (enum imp_log_level level, const char *fmt, va_list ap)
{
    int saved_errno = errno;
    char line[IMP_LOG_LINE_MAX];
    size_t len;

    len = imp_log_vformat (line, sizeof (line), level, fmt, ap);
    if (level == IMP_LOG_FATAL)
        remember_fatal (line, len);
    write_line (line, len);
    errno = saved_errno;
}

void imp_vlog (enum imp_log_level level, const char *fmt, va_list ap)
{
    if (level == IMP_LOG_FATAL || level <= log_level)
        vprint (level, fmt, ap);
}

void imp_log (enum imp_log_level level, const char *fmt, ...)
{
    va_list ap;

    va_start (ap, fmt);
    imp_vlog (level, fmt, ap);
    va_end (ap);
}

void imp_print (const char *fmt, ...)
{
    va_list ap;

    va_start (ap, fmt);
    vprint (IMP_LOG_INFO, fmt, ap);
    va_end (ap);
}
