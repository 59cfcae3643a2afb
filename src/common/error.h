/* error.h - the one error idiom of flux-security.
 *
 * Functions return 0 / -1 with errno set (constructors return NULL with
 * errno set) and may fill an optional struct error with text that an
 * administrator can act on.  A NULL struct error pointer is always
 * allowed: callers that do not want text pass NULL.
 *
 * Error text never contains secrets.
 */
#ifndef FLUX_SECURITY_COMMON_ERROR_H
#define FLUX_SECURITY_COMMON_ERROR_H

#include <stdarg.h>

#define ERROR_TEXT_MAX 512

struct error {
    char text[ERROR_TEXT_MAX];
};

/* Replace the text of 'err' (no-op when err is NULL).  Preserves errno.
 * Text longer than ERROR_TEXT_MAX - 1 is truncated and ends with "+".
 */
void error_set (struct error *err, const char *fmt, ...)
    __attribute__ ((format (printf, 2, 3)));

void error_vset (struct error *err, const char *fmt, va_list ap)
    __attribute__ ((format (printf, 2, 0)));

/* Prepend formatted context to the existing text of 'err', as
 * "<context><old text>".  No-op when err is NULL.  Preserves errno.
 */
void error_prefix (struct error *err, const char *fmt, ...)
    __attribute__ ((format (printf, 2, 3)));

/* Set errno to 'errnum', fill 'err' and return -1, so that a failing
 * function can end with: return error_errno (err, EINVAL, "...");
 */
int error_errno (struct error *err, int errnum, const char *fmt, ...)
    __attribute__ ((format (printf, 3, 4)));

#endif /* !FLUX_SECURITY_COMMON_ERROR_H */
