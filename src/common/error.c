/* error.c - the one error idiom of flux-security (see error.h). */
#if HAVE_CONFIG_H
#include "config.h"
#endif
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "error.h"

static void mark_truncated (struct error *err, int n)
{
    if (n >= ERROR_TEXT_MAX) {
        err->text[ERROR_TEXT_MAX - 2] = '+';
        err->text[ERROR_TEXT_MAX - 1] = '\0';
    }
}

void error_vset (struct error *err, const char *fmt, va_list ap)
{
    int saved_errno = errno;
    int n;

    if (err) {
        n = vsnprintf (err->text, sizeof (err->text), fmt, ap);
        if (n < 0)
            err->text[0] = '\0';
        else
            mark_truncated (err, n);
    }
    errno = saved_errno;
}

void error_set (struct error *err, const char *fmt, ...)
{
    va_list ap;

    va_start (ap, fmt);
    error_vset (err, fmt, ap);
    va_end (ap);
}

void error_prefix (struct error *err, const char *fmt, ...)
{
    int saved_errno = errno;
    char old[ERROR_TEXT_MAX];
    char context[ERROR_TEXT_MAX];
    va_list ap;
    int n;

    if (err) {
        memcpy (old, err->text, sizeof (old));
        old[sizeof (old) - 1] = '\0';
        va_start (ap, fmt);
        n = vsnprintf (context, sizeof (context), fmt, ap);
        va_end (ap);
        if (n < 0)
            context[0] = '\0';
        n = snprintf (err->text, sizeof (err->text), "%s%s", context, old);
        if (n >= 0)
            mark_truncated (err, n);
    }
    errno = saved_errno;
}

int error_errno (struct error *err, int errnum, const char *fmt, ...)
{
    va_list ap;

    va_start (ap, fmt);
    error_vset (err, fmt, ap);
    va_end (ap);
    errno = errnum;
    return -1;
}
