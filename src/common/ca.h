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

/* Create a new self-signed CA certificate (metadata uuid, ctime, xtime =
 * now + 'ttl' (0: max-cert-ttl), userid = getuid(), ca-capability = true,
 * issuer = its own uuid, domain) and keep it in 'ca' (not stored). */
int ca_keygen (struct ca *ca, int64_t ttl, struct error *err);

/* Store the CA certificate to cert-path(.pub), never overwriting an
 * existing secret key file.
 */
int ca_store (struct ca *ca, struct error *err);

/* Load the CA certificate from cert-path.pub (and the secret key from
 * cert-path when 'secret').
 */
int ca_load (struct ca *ca, bool secret, struct error *err);

/* Sign 'cert' for 'userid' (the original's metadata, in this order: uuid,
 * not-valid-before-time (0: now), ctime, xtime = not_valid_before + ttl,
 * userid, max-sign-ttl, issuer, domain, ca-capability = false).
 * 'ttl' 0 means max-cert-ttl; a larger ttl than max-cert-ttl fails with
 * EINVAL "ttl must be <= N".  Needs the secret key (ca_load).
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
 * has expired", "cert is not yet valid", "cert has been revoked".  On
 * success the userid and max-sign-ttl of the certificate are stored in
 * the non-NULL out parameters.
 */
int ca_verify (struct ca *ca,
               const struct sigcert *cert,
               time_t now,
               int64_t *userid,
               int64_t *max_sign_ttl,
               struct error *err);

/* Revoke the certificate with 'uuid' (an empty file <revoke-dir>/<uuid>,
 * the directory created 0755 if needed, the file 0644).  EPERM unless
 * revoke-allow is true; EINVAL if uuid is not a canonical UUID.
 */
int ca_revoke (struct ca *ca, const char *uuid, struct error *err);

/* The CA certificate (NULL before ca_keygen or ca_load). */
const struct sigcert *ca_cert (const struct ca *ca);

#endif /* !FLUX_SECURITY_COMMON_CA_H */
