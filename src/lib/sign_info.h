/* sign_info.h - what an unwrap learnt about a message, for flux-sign(1).
 *
 * Not part of the public API: the flux-sign command links the library's
 * internal static archive to print the details an administrator needs.
 */
#ifndef FLUX_SECURITY_LIB_SIGN_INFO_H
#define FLUX_SECURITY_LIB_SIGN_INFO_H

#include <stdint.h>
#include <time.h>

#include "flux/security/sign.h"
#include "common/error.h"

/* sign_unwrap_info() flag, besides FLUX_SIGN_NOVERIFY: accept any known
 * mechanism, as flux_sign_unwrap_anymech() does.
 */
enum { SIGN_INFO_ANYMECH = 0x100 };

struct sign_info {
    const char *mechanism; /* static string: "none", "munge", "curve" */
    int64_t userid;        /* the header's userid */
    time_t ctime;          /* when it was signed, 0 if unknown (none, or
                            * munge with FLUX_SIGN_NOVERIFY) */
    time_t xtime;          /* when it stops verifying, 0 if unknown */
};

/* As flux_sign_unwrap() (or _anymech() with SIGN_INFO_ANYMECH), and fill
 * 'info' (which may be NULL) on success.
 */
int sign_unwrap_info (flux_security_t *ctx,
                      const char *input,
                      const void **payload,
                      int *payloadsz,
                      struct sign_info *info,
                      int flags);

/* Check the [sign] table of the context's configuration as the first
 * wrap or unwrap would (flux-imp testconfig).  Return 0, or -1 with errno
 * set and the library's text in 'err', prefixed with "<file>:<line>: "
 * of the [sign] table when the text names no file.
 */
int sign_config_check (flux_security_t *ctx, struct error *err);

#endif /* !FLUX_SECURITY_LIB_SIGN_INFO_H */
