/* sign_mech.h - the interface between sign.c and one signing mechanism.
 *
 * sign.c owns the envelope "HEADER.PAYLOAD.SIGNATURE" (wire.md 2.1): it
 * builds and parses the header kv, encodes and decodes base64 and checks
 * version, mechanism and userid.  A mechanism only adds its own header
 * keys, signs the bytes "HEADER.PAYLOAD" and verifies them.
 *
 * Each mechanism's state is created on first use from the configuration
 * current at that time and destroyed when the context is reconfigured or
 * destroyed, so no state ever points into a configuration that is gone.
 *
 * Every function returns 0 (or a non-NULL pointer) on success, or -1 (NULL)
 * with errno set and 'err' filled with the message the context records,
 * e.g. "sign-munge-verify: uid mismatch".
 */
#ifndef FLUX_SECURITY_LIB_SIGN_MECH_H
#define FLUX_SECURITY_LIB_SIGN_MECH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "common/cf.h"
#include "common/error.h"
#include "common/kv.h"

/* What a mechanism may read when it is initialised.  'cf' is the whole
 * security configuration (for [sign.<mech>] and, for curve, [ca]); it
 * stays valid as long as the mechanism's state (see above).
 */
struct sign_config {
    const struct cf *cf;
    int64_t max_ttl; /* [sign] max-ttl, seconds (> 0, or -100) */
};

struct sign_mech {
    const char *name;

    /* Create the mechanism's state in *statep.  May be NULL (no state). */
    int (*init) (const struct sign_config *conf,
                 void **statep,
                 struct error *err);
    /* Destroy the state, wiping any secret.  NULL is a no-op. */
    void (*destroy) (void *state);

    /* Wrap: add the mechanism's keys to 'header', which already holds
     * version, mechanism and userid.  May be NULL (no keys).
     */
    int (*prep) (void *state,
                 struct kv *header,
                 int64_t userid,
                 struct error *err);

    /* Wrap: sign 'len' bytes of 'input' ("HEADER.PAYLOAD") and return the
     * signature, a NUL-terminated string without '.', which the caller
     * frees.
     */
    char *(*sign) (void *state,
                   const char *input,
                   size_t len,
                   struct error *err);

    /* Unwrap: verify 'signature' over 'len' bytes of 'input'.  'header'
     * is the decoded header and 'userid' its userid.
     */
    int (*verify) (void *state,
                   const struct kv *header,
                   int64_t userid,
                   const char *input,
                   size_t len,
                   const char *signature,
                   struct error *err);

    /* Unwrap, after success: when the message was signed and when it
     * stops verifying (0 if unknown), for flux-sign verify.  'state' is
     * NULL if the mechanism was not initialised (FLUX_SIGN_NOVERIFY);
     * 'verified' says whether verify() just succeeded.  May be NULL.
     */
    void (*times) (void *state,
                   const struct kv *header,
                   bool verified,
                   time_t *ctime,
                   time_t *xtime);
};

/* This host's name in 'buf' (or "(unknown host)"), for error text that
 * tells an administrator where a problem was seen.
 */
const char *sign_hostname (char *buf, size_t size);

extern const struct sign_mech sign_mech_none;
extern const struct sign_mech sign_mech_munge;
extern const struct sign_mech sign_mech_curve;

#endif /* !FLUX_SECURITY_LIB_SIGN_MECH_H */
