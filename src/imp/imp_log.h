/* imp_log.h - the IMP's messages on stderr.
 *
 * Every message is one line on stderr, in the original's format:
 *     flux-imp: <msg>              info (and imp_print())
 *     flux-imp: Fatal: <msg>
 *     flux-imp: Warning: <msg>
 *     flux-imp: Debug: <msg>
 * The message is formatted into IMP_LOG_MSG_MAX bytes; a message that
 * did not fit ends with "+".  Then trailing CR and LF are stripped and
 * every byte below 0x20 other than TAB, and 0x7F, becomes "?", so that
 * text that came from a user (a command name, a file name) cannot forge
 * a second line or send terminal escapes to an administrator's screen.
 * The line is written with one write(2).  There is no syslog here.
 *
 * Nothing in this module exits: imp_die() does not exist on purpose.
 * Only main() and the top-level handler of a command log a fatal error
 * and then exit.  Errors writing to stderr are ignored (stderr is
 * /dev/null at worst, see prologue.h).
 */
#ifndef FLUX_IMP_LOG_H
#define FLUX_IMP_LOG_H

#include <stdarg.h>
#include <stddef.h>

/* Size of the message buffer, including its terminating NUL. */
#define IMP_LOG_MSG_MAX 4096

enum imp_log_level {
    IMP_LOG_FATAL = 0,
    IMP_LOG_WARNING = 1,
    IMP_LOG_INFO = 2,
    IMP_LOG_DEBUG = 3,
};

/* Messages of a level above 'level' are not printed; fatal messages and
 * imp_print() always are.  The default is IMP_LOG_INFO.
 */
void imp_log_set_level (enum imp_log_level level);

/* Parse a level name of the log-level key: "debug", "info", "warning".
 * Return 0 and set *levelp, or -1 with errno = EINVAL.
 */
int imp_log_level_parse (const char *name, enum imp_log_level *levelp);

void imp_log (enum imp_log_level level, const char *fmt, ...)
    __attribute__ ((format (printf, 2, 3)));
void imp_vlog (enum imp_log_level level, const char *fmt, va_list ap)
    __attribute__ ((format (printf, 2, 0)));

#define imp_fatal(...) imp_log (IMP_LOG_FATAL, __VA_ARGS__)
#define imp_warn(...) imp_log (IMP_LOG_WARNING, __VA_ARGS__)
#define imp_say(...) imp_log (IMP_LOG_INFO, __VA_ARGS__)
#define imp_debug(...) imp_log (IMP_LOG_DEBUG, __VA_ARGS__)

/* The result of a command that reports on stderr (whoami): the info
 * format, printed whatever the log level.
 */
void imp_print (const char *fmt, ...) __attribute__ ((format (printf, 1, 2)));

/* Format the whole line that imp_log() would write for 'level' (with
 * its prefix and the final newline) into 'buf' of 'size' bytes, NUL
 * terminated.  'size' must be at least IMP_LOG_LINE_MAX to hold every
 * line.  Return the length of the line (without the NUL).  Exposed for
 * the unit tests.
 */
#define IMP_LOG_LINE_MAX (IMP_LOG_MSG_MAX + 32)
size_t imp_log_vformat (char *buf,
                        size_t size,
                        enum imp_log_level level,
                        const char *fmt,
                        va_list ap) __attribute__ ((format (printf, 4, 0)));

/* Sanitize the NUL-terminated message 'msg' in place as described above
 * (strip trailing CR/LF, replace control bytes).  Exposed for tests.
 */
void imp_log_sanitize (char *msg);

/* The sanitized text of the last fatal message of this process (without
 * "flux-imp: Fatal: " and the newline, cut to IMP_LOG_LAST_MAX - 1
 * bytes), or "" if there was none.  The audit line of a refused action
 * quotes it (imp_audit.h).
 */
#define IMP_LOG_LAST_MAX 256
const char *imp_log_last_fatal (void);

#endif /* !FLUX_IMP_LOG_H */
