/* flux/security/secret.h - secrets sealed for one user.
 *
 * A per-job secret (a token a storage service issued for the job, say)
 * must reach only the job's user.  flux_secret_seal() turns it into a
 * printable string that only that user can open, on any node that shares
 * the MUNGE key, within a time-to-live; flux_secret_open() opens it as the
 * calling user.  Neither root nor the instance owner can open a string
 * sealed for someone else through munged (but whoever holds the MUNGE key
 * can: the sealed string is as confidential as that key).
 *
 * The sealed form is "flux-secret:1:munge:" followed by a MUNGE
 * credential restricted to the user's uid, whose payload is the secret.
 * The [secret] table of the security configuration (see
 * flux-config-security(5)) sets the MUNGE socket, the default and maximum
 * time-to-live and whether a secret may be opened twice on one node.
 *
 * Errors follow sign.h: functions return NULL or -1 with errno set and
 * the error recorded in the context (flux_security_last_error()).
 */
#ifndef _FLUX_SECURITY_SECRET_H
#define _FLUX_SECURITY_SECRET_H

#include <stddef.h>
#include <stdint.h>
#include "context.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Seal 'secretsz' bytes of 'secret' for user 'userid', valid for 'ttl'
 * seconds (0: [secret] default-ttl; at most [secret] max-ttl).  'flags'
 * must be 0.  Returns a NUL-terminated string owned by ctx, valid until
 * the next seal or the destruction of ctx, or NULL with errno set (EINVAL:
 * bad argument or ttl; others from MUNGE).  Every copy of the secret the
 * library made is wiped before it returns.
 */
const char *flux_secret_seal (flux_security_t *ctx,
                              int64_t userid,
                              const void *secret,
                              int secretsz,
                              int ttl,
                              int flags);

/* Open 'sealed' as the calling user.  'flags' must be 0.  On success
 * returns 0 and sets the non-NULL out parameters: *secret points to a
 * buffer owned by ctx (NUL-terminated after *secretsz bytes; NULL when
 * empty), wiped and freed at the next open or the destruction of ctx;
 * *sealer is the uid that sealed it, as MUNGE authenticated it.  Refused
 * (-1, errno EPERM) when the string was sealed for another user or for no
 * user in particular, has expired, or was opened before on this node and
 * [secret] allow-replayed is false; EINVAL when it is malformed.
 */
int flux_secret_open (flux_security_t *ctx,
                      const char *sealed,
                      const void **secret,
                      int *secretsz,
                      int64_t *sealer,
                      int flags);

/* Mask secrets in 'len' bytes of 'text' (see "flux-secret redact" in
 * flux-secret(1)): line by line, the values of sensitive keys of JSON
 * lines and of sensitive NAME=value pairs, and anything shaped like a
 * JSON Web Token or a MUNGE credential, become ***; everything else is
 * kept byte for byte.  'patterns' is a NULL-terminated array of
 * case-insensitive fnmatch(3) patterns of sensitive names (NULL: *TOKEN*,
 * *SECRET*, *PASSWORD*, *KEY*).  Returns a new NUL-terminated string that
 * the caller frees with free(), its length in *outlen (may be NULL), or
 * NULL with errno set (EINVAL, E2BIG above 64 MiB, ENOMEM).
 */
char *flux_secret_redact (const char *text,
                          size_t len,
                          const char **patterns,
                          size_t *outlen);

#ifdef __cplusplus
}
#endif

#endif /* !_FLUX_SECURITY_SECRET_H */
