/* ca.h - the certificate authority of the curve mechanism (wire.md 2.7).
 *
 * The [ca] table of a configuration names the CA's certificate files, the
 * limits of the certificates it signs and the revocation directory.  All
 * six keys are required and no other key is allowed:
 *   max-cert-ttl  int     longest life of a signed certificate (s, > 0)
 *   max-sign-ttl  int     written into signed certificates: how long after
 *                         its ctime a signed message stays valid (s, > 0)
 *   cert-path     string  CA certificate: <cert-path>.pub and <cert-path>
 *   revoke-dir    string  directory of revoked certificate uuids
 *   revoke-allow  bool    whether ca_revoke() may create entries
 *   domain        string  written into signed certificates
 */
#ifndef FLUX_SECURITY_COMMON_CA_H
#define FLUX_SECURITY_COMMON_CA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "cf.h"
#include "error.h"
#include "sigcert.h"

struct ca;

/* Read and check [ca] of 'cf' (strict: unknown keys and wrong types are
 * errors naming file and line; "[ca] config missing" when absent).  The
 * CA certificate is not loaded yet.  NULL with errno set on failure.
 */
struct ca *ca_create (const struct cf *cf, struct error *err);

/* Destroy, wiping the CA's secret key.  NULL is a no-op. */
void ca_destroy (struct ca *ca);

/* Create a new self-signed CA certificate and keep it in 'ca' (not
 * stored).  Its metadata are those of ca_sign(), in the same order:
 * uuid, not-valid-before-time = ctime = now, xtime = now + 'ttl' (0:
 * max-cert-ttl; the CA's own ttl is not bounded by max-cert-ttl, and the
 * CA certificate's expiry is not checked by ca_verify(), as in the
 * original), userid = getuid(), max-sign-ttl, issuer = its own uuid,
 * domain, ca-capability = true.  EINVAL for a negative ttl or an expiry
 * past 9999.
 */
int ca_keygen (struct ca *ca, int64_t ttl, struct error *err);

/* Store the CA certificate to cert-path(.pub), never overwriting an
 * existing secret key file (EEXIST).  EINVAL before ca_keygen().
 */
int ca_store (struct ca *ca, struct error *err);

/* Load the CA certificate from cert-path.pub (and the secret key from
 * cert-path when 'secret'), replacing any certificate held.  Errors as
 * sigcert_load().
 */
int ca_load (struct ca *ca, bool secret, struct error *err);

/* Sign 'cert' for 'userid' (the original's metadata, in this order: uuid,
 * not-valid-before-time (0: now), ctime, xtime = not_valid_before + ttl,
 * userid, max-sign-ttl, issuer, domain, ca-capability = false).
 * 'ttl' 0 means max-cert-ttl; a larger ttl than max-cert-ttl fails with
 * EINVAL "ttl must be <= N"; a negative ttl or not_valid_before fail
 * with EINVAL too.  Needs the secret key (ca_load (ca, true), or
 * ca_keygen): EINVAL "CA secret key is not loaded" otherwise.  The
 * arguments are checked before 'cert' is changed, so that only ENOMEM can
 * leave it with part of the new metadata (and no signature).
 */
int ca_sign (struct ca *ca,
             struct sigcert *cert,
             time_t not_valid_before,
             int64_t ttl,
             int64_t userid,
             struct error *err);

/* Check that 'cert' was signed by the CA and is valid at 'now', with the
 * original's texts: "ca certificate lacks ca-capability", "signature
 * verification failed", "required metadata is missing from cert", "cert
 * has expired", "cert is not yet valid", "cert has been revoked", all
 * with errno EINVAL.  The required metadata are uuid (a canonical UUID,
 * else "cert uuid is not a canonical UUID"), not-valid-before-time,
 * ctime, xtime, userid and max-sign-ttl.  xtime == now is still valid.
 * The revocation check fails closed: if <revoke-dir>/<uuid> cannot be
 * checked (other than "does not exist"), the error is "unable to check
 * revocation of <uuid>: <reason>" with that errno.  On success the userid
 * and max-sign-ttl of the certificate are stored in the non-NULL out
 * parameters.
 */
int ca_verify (struct ca *ca,
               const struct sigcert *cert,
               time_t now,
               int64_t *userid,
               int64_t *max_sign_ttl,
               struct error *err);

/* Revoke the certificate with 'uuid' (an empty file <revoke-dir>/<uuid>,
 * the directory created 0755 (less the umask) if needed, the file 0644,
 * never through a symbolic link).  Revoking twice succeeds.  EPERM unless
 * revoke-allow is true; EINVAL if uuid is not a canonical UUID (see
 * ca_uuid_valid(), checked before anything touches the file system).
 */
int ca_revoke (struct ca *ca, const char *uuid, struct error *err);

/* True if 's' is a canonical UUID: 36 characters, lowercase hex digits
 * and '-' at offsets 8, 13, 18 and 23 (as the original's libuuid writes
 * them).  Only such strings are ever used as file names.
 */
bool ca_uuid_valid (const char *s);

/* Write a new random (version 4) UUID in canonical form to 'buf', which
 * must hold 37 bytes.  0, or -1 with errno = EINVAL.
 */
int ca_uuid_generate (char *buf, size_t size);

/* The CA certificate (NULL before ca_keygen or ca_load). */
const struct sigcert *ca_cert (const struct ca *ca);

#endif /* !FLUX_SECURITY_COMMON_CA_H */
