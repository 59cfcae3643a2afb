/* redact.h - mask secrets in text that people paste around.
 *
 * Input is processed line by line; line ends are kept as they are.  A line
 * that is a JSON object or array (a JSON-lines eventlog entry) has the
 * values of its sensitive keys, at any depth, replaced by "***" (the rest
 * of the line is untouched, byte for byte).  Any other line has the value
 * of every sensitive NAME=value (or "NAME: value") replaced by ***.  In
 * every line, anything shaped like a JSON Web Token
 * (eyJ<b64url>.<b64url>.<b64url>) or a MUNGE credential (MUNGE:<b64>:)
 * is replaced by ***.
 *
 * A key or NAME is sensitive when it matches one of the patterns with
 * fnmatch(3), ignoring case.  The default patterns are *TOKEN*, *SECRET*,
 * *PASSWORD*, *KEY* (so "monkey" is masked too: over-masking is the safe
 * side).
 *
 * Pure: no I/O, no global state.  Bounded: input of at most
 * REDACT_MAX_SIZE bytes, JSON nested at most REDACT_MAX_DEPTH deep (deeper
 * lines are treated as text).
 */
#ifndef FLUX_SECURITY_COMMON_REDACT_H
#define FLUX_SECURITY_COMMON_REDACT_H

#include <stddef.h>

#define REDACT_MAX_SIZE ((size_t)64 * 1024 * 1024)
#define REDACT_MAX_DEPTH 64
#define REDACT_MASK "***"

/* The default patterns, a NULL-terminated array. */
extern const char *const redact_default_patterns[];

/* Redact 'len' bytes of 'text' with 'patterns' (NULL-terminated; NULL
 * for the defaults).  Returns 0 and a new NUL-terminated string in
 * *outp (length in *outlenp, may be NULL) that the caller frees, or -1
 * with errno set (EINVAL: NULL argument; E2BIG: len > REDACT_MAX_SIZE;
 * ENOMEM).
 */
int redact (const char *text,
            size_t len,
            const char *const *patterns,
            char **outp,
            size_t *outlenp);

#endif /* !FLUX_SECURITY_COMMON_REDACT_H */
