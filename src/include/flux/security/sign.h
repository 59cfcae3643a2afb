/* flux/security/sign.h - signed messages.
 *
 * flux_sign_wrap() turns a payload into a signed, printable string
 * "HEADER.PAYLOAD.SIGNATURE" that says which user signed it, with the
 * mechanism "none", "munge" or "curve" (see flux-config-security-sign(5));
 * flux_sign_unwrap() checks such a string and returns the payload and the
 * signing user.  The [sign] table of the context's configuration is read
 * on first use.
 */
#ifndef _FLUX_SECURITY_SIGN_H
#define _FLUX_SECURITY_SIGN_H

#include <stdint.h>
#include "context.h"

#ifdef __cplusplus
extern "C" {
#endif

/* flux_sign_unwrap() flags */
enum {
    FLUX_SIGN_NOVERIFY = 1, /* decode without checking the signature */
};

/* Sign 'payloadsz' bytes of 'payload' (may be NULL when payloadsz is 0)
 * as the real uid of the process, with mechanism 'mech_type' (NULL: the
 * configured default-type).  'flags' must be 0.  Returns a NUL-terminated
 * string owned by 'ctx', valid until the next wrap or the destruction of
 * ctx, or NULL with errno set (EINVAL, ENOMEM, or a mechanism's error)
 * and the error recorded in ctx.
 */
const char *flux_sign_wrap (flux_security_t *ctx,
                            const void *payload,
                            int payloadsz,
                            const char *mech_type,
                            int flags);

/* As flux_sign_wrap(), signing as 'userid'.  Only a mechanism that can
 * prove the identity allows another user than the caller's to verify:
 * "munge" signs as the real uid whatever userid says, and verification
 * then fails.
 */
const char *flux_sign_wrap_as (flux_security_t *ctx,
                               int64_t userid,
                               const void *payload,
                               int payloadsz,
                               const char *mech_type,
                               int flags);

/* Check 'input' and return its payload and signing user.  The mechanism
 * must be one of the configured allowed-types.  'flags' is 0 or
 * FLUX_SIGN_NOVERIFY (decode only: the signature is not checked).  On
 * success returns 0 and sets the non-NULL out parameters: *payload points
 * to a buffer owned by ctx, valid until the next unwrap or the destruction
 * of ctx (NULL when *payloadsz is 0).  Returns -1 with errno set and the
 * error recorded in ctx on failure.
 */
int flux_sign_unwrap (flux_security_t *ctx,
                      const char *input,
                      const void **payload,
                      int *payloadsz,
                      int64_t *userid,
                      int flags);

/* As flux_sign_unwrap(), accepting any known mechanism whether allowed or
 * not, and returning its name in *mech_type (a static string).
 */
int flux_sign_unwrap_anymech (flux_security_t *ctx,
                              const char *input,
                              const void **payload,
                              int *payloadsz,
                              const char **mech_type,
                              int64_t *userid,
                              int flags);

#ifdef __cplusplus
}
#endif

#endif /* !_FLUX_SECURITY_SIGN_H */
