/* ca.c - the certificate authority of the curve mechanism (see ca.h).
 *
 * SECURITY INVARIANTS
 * - [ca] is checked strictly: every key required, no unknown key, ttls
 *   greater than zero.  Nothing takes a default.
 * - A uuid becomes a file name (revocation) only after it was checked to
 *   be a canonical lowercase UUID: no '/', no "..", fixed length.  The
 *   revocation check and ca_revoke() never follow a symbolic link for
 *   the entry itself.
 * - The revocation check fails closed: an error other than "no such
 *   file" (a revoke-dir that cannot be searched, say) fails ca_verify().
 * - The CA's secret key is kept only inside its struct sigcert, which
 *   wipes it (sigcert.c).
 */
#if HAVE_CONFIG_H
#include "config.h"
#endif
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <sodium.h>

#include "ca.h"

#define UUID_LEN 36

struct ca {
    int64_t max_cert_ttl;
    int64_t max_sign_ttl;
    char *cert_path;
    char *revoke_dir;
    bool revoke_allow;
    char *domain;
    struct sigcert *cert;
};

static const struct cf_schema ca_schema[] = {
    {"max-cert-ttl", CF_INT64, CF_REQUIRED, CF_ANY, NULL},
    {"max-sign-ttl", CF_INT64, CF_REQUIRED, CF_ANY, NULL},
    {"cert-path", CF_STRING, CF_REQUIRED, CF_ANY, NULL},
    {"revoke-dir", CF_STRING, CF_REQUIRED, CF_ANY, NULL},
    {"revoke-allow", CF_BOOL, CF_REQUIRED, CF_ANY, NULL},
    {"domain", CF_STRING, CF_REQUIRED, CF_ANY, NULL},
    {NULL, CF_ANY, 0, CF_ANY, NULL},
};

void ca_destroy (struct ca *ca)
{
    if (ca) {
        int saved_errno = errno;
        sigcert_destroy (ca->cert);
        free (ca->cert_path);
        free (ca->revoke_dir);
        free (ca->domain);
        free (ca);
        errno = saved_errno;
    }
}

static int
get_string (const struct cf *cf, const char *path, char **sp, struct error *err)
{
    const char *s;

    if (cf_get_string (cf, path, &s, err) < 0)
        return -1;
    if (*s == '\0')
        return error_errno (err, EINVAL, "[ca] %s must not be empty", path + 3);
    if (!(*sp = strdup (s)))
        return error_errno (err, ENOMEM, "[ca]: out of memory");
    return 0;
}

static int get_ttl (const struct cf *cf,
                    const char *path,
                    int64_t *ttlp,
                    struct error *err)
{
    if (cf_get_int64 (cf, path, ttlp, err) < 0)
        return -1;
    if (*ttlp <= 0)
        return error_errno (err, EINVAL, "[ca] %s must be greater than zero",
                            path + 3);
    return 0;
}

struct ca *ca_create (const struct cf *cf, struct error *err)
{
    struct ca *ca;

    if (!cf) {
        error_errno (err, EINVAL, "ca_create: invalid argument");
        return NULL;
    }
    if (cf_get (cf, "ca", CF_TABLE, NULL, err) < 0) {
        if (errno == ENOENT)
            error_set (err, "[ca] config missing");
        return NULL;
    }
    if (cf_check (cf, "ca", ca_schema, CF_STRICT, err) < 0)
        return NULL;
    if (!(ca = calloc (1, sizeof (*ca)))) {
        error_errno (err, ENOMEM, "[ca]: out of memory");
        return NULL;
    }
    if (get_ttl (cf, "ca.max-cert-ttl", &ca->max_cert_ttl, err) < 0
        || get_ttl (cf, "ca.max-sign-ttl", &ca->max_sign_ttl, err) < 0
        || get_string (cf, "ca.cert-path", &ca->cert_path, err) < 0
        || get_string (cf, "ca.revoke-dir", &ca->revoke_dir, err) < 0
        || get_string (cf, "ca.domain", &ca->domain, err) < 0
        || cf_get_bool (cf, "ca.revoke-allow", &ca->revoke_allow, err) < 0) {
        ca_destroy (ca);
        return NULL;
    }
    return ca;
}

const struct sigcert *ca_cert (const struct ca *ca)
{
    return ca ? ca->cert : NULL;
}

/* UUIDs */

bool ca_uuid_valid (const char *s)
{
    if (!s || strlen (s) != UUID_LEN)
        return false;
    for (int i = 0; i < UUID_LEN; i++) {
        if (i == 8 || i == 13 || i == 18 || i == 23) {
            if (s[i] != '-')
                return false;
        }
        else if (!((s[i] >= '0' && s[i] <= '9')
                   || (s[i] >= 'a' && s[i] <= 'f')))
            return false;
    }
    return true;
}

int ca_uuid_generate (char *buf, size_t size)
{
    static const char hex[] = "0123456789abcdef";
    uint8_t b[16];
    size_t n = 0;

    if (!buf || size < UUID_LEN + 1 || sodium_init () < 0) {
        errno = EINVAL;
        return -1;
    }
    randombytes_buf (b, sizeof (b));
    b[6] = (uint8_t)((b[6] & 0x0f) | 0x40); /* version 4 */
    b[8] = (uint8_t)((b[8] & 0x3f) | 0x80); /* variant RFC 4122 */
    for (int i = 0; i < 16; i++) {
        if (i == 4 || i == 6 || i == 8 || i == 10)
            buf[n++] = '-';
        buf[n++] = hex[b[i] >> 4];
        buf[n++] = hex[b[i] & 0xf];
    }
    buf[n] = '\0';
    return 0;
}

/* Signing */

/* The metadata of a signed certificate, in the original's order. */
static int set_metadata (struct sigcert *cert,
                         const char *uuid,
                         time_t nvbt,
                         time_t now,
                         int64_t ttl,
                         int64_t userid,
                         int64_t max_sign_ttl,
                         const char *issuer,
                         const char *domain,
                         bool ca_capability)
{
    if (sigcert_meta_set_string (cert, "uuid", uuid) < 0
        || sigcert_meta_set_timestamp (cert, "not-valid-before-time", nvbt) < 0
        || sigcert_meta_set_timestamp (cert, "ctime", now) < 0
        || sigcert_meta_set_timestamp (cert, "xtime", (time_t)(nvbt + ttl)) < 0
        || sigcert_meta_set_int64 (cert, "userid", userid) < 0
        || sigcert_meta_set_int64 (cert, "max-sign-ttl", max_sign_ttl) < 0
        || sigcert_meta_set_string (cert, "issuer", issuer) < 0
        || sigcert_meta_set_string (cert, "domain", domain) < 0
        || sigcert_meta_set_bool (cert, "ca-capability", ca_capability) < 0)
        return -1;
    return 0;
}

/* ttl 0 means max-cert-ttl; the expiry must fit a timestamp. */
static int
check_ttl (struct ca *ca, int64_t *ttlp, time_t nvbt, struct error *err)
{
    if (*ttlp < 0)
        return error_errno (err, EINVAL, "ttl must be >= 0");
    if (*ttlp == 0)
        *ttlp = ca->max_cert_ttl;
    if (*ttlp > ca->max_cert_ttl)
        return error_errno (err, EINVAL, "ttl must be <= %" PRIi64,
                            ca->max_cert_ttl);
    if (*ttlp > KV_TIMESTAMP_MAX - (int64_t)nvbt)
        return error_errno (err, EINVAL, "expiration time is out of range");
    return 0;
}

int ca_keygen (struct ca *ca, int64_t ttl, struct error *err)
{
    struct sigcert *cert;
    char uuid[UUID_LEN + 1];
    time_t now = time (NULL);

    if (!ca)
        return error_errno (err, EINVAL, "ca_keygen: invalid argument");
    if (ttl < 0)
        return error_errno (err, EINVAL, "ttl must be >= 0");
    if (ttl == 0)
        ttl = ca->max_cert_ttl;
    if (ttl > KV_TIMESTAMP_MAX - (int64_t)now)
        return error_errno (err, EINVAL, "expiration time is out of range");
    if (ca_uuid_generate (uuid, sizeof (uuid)) < 0
        || !(cert = sigcert_create ()))
        return error_errno (err, errno, "ca keygen: %s", strerror (errno));
    if (set_metadata (cert, uuid, now, now, ttl, (int64_t)getuid (),
                      ca->max_sign_ttl, uuid, ca->domain, true)
            < 0
        || sigcert_sign_cert (cert, cert) < 0) {
        error_errno (err, errno, "ca keygen: %s", strerror (errno));
        sigcert_destroy (cert);
        return -1;
    }
    sigcert_destroy (ca->cert);
    ca->cert = cert;
    return 0;
}

int ca_store (struct ca *ca, struct error *err)
{
    if (!ca)
        return error_errno (err, EINVAL, "ca_store: invalid argument");
    if (!ca->cert)
        return error_errno (err, EINVAL, "no CA certificate to store");
    return sigcert_store (ca->cert, ca->cert_path, err);
}

int ca_load (struct ca *ca, bool secret, struct error *err)
{
    struct sigcert *cert;

    if (!ca)
        return error_errno (err, EINVAL, "ca_load: invalid argument");
    if (!(cert = sigcert_load (ca->cert_path, secret, err)))
        return -1;
    sigcert_destroy (ca->cert);
    ca->cert = cert;
    return 0;
}

int ca_sign (struct ca *ca,
             struct sigcert *cert,
             time_t not_valid_before,
             int64_t ttl,
             int64_t userid,
             struct error *err)
{
    char uuid[UUID_LEN + 1];
    const char *issuer;
    time_t now = time (NULL);

    if (!ca || !cert || not_valid_before < 0)
        return error_errno (err, EINVAL, "ca_sign: invalid argument");
    if (!ca->cert || !sigcert_has_secret (ca->cert))
        return error_errno (err, EINVAL, "CA secret key is not loaded");
    if (sigcert_meta_get_string (ca->cert, "uuid", &issuer) < 0)
        return error_errno (err, EINVAL, "CA certificate has no uuid");
    if (not_valid_before == 0)
        not_valid_before = now;
    if (check_ttl (ca, &ttl, not_valid_before, err) < 0)
        return -1;
    if (ca_uuid_generate (uuid, sizeof (uuid)) < 0
        || set_metadata (cert, uuid, not_valid_before, now, ttl, userid,
                         ca->max_sign_ttl, issuer, ca->domain, false)
               < 0
        || sigcert_sign_cert (ca->cert, cert) < 0)
        return error_errno (err, errno, "ca sign: %s", strerror (errno));
    return 0;
}

/* Verification */

/* Is <revoke-dir>/<uuid> there?  1 yes, 0 no, -1 cannot tell. */
static int is_revoked (struct ca *ca, const char *uuid, struct error *err)
{
    char path[4096];
    struct stat st;

    if (snprintf (path, sizeof (path), "%s/%s", ca->revoke_dir, uuid)
        >= (int)sizeof (path))
        return error_errno (err, ENAMETOOLONG, "revoke-dir: %s",
                            strerror (ENAMETOOLONG));
    if (fstatat (AT_FDCWD, path, &st, AT_SYMLINK_NOFOLLOW) == 0)
        return 1;
    if (errno == ENOENT)
        return 0;
    return error_errno (err, errno, "unable to check revocation of %s: %s",
                        uuid, strerror (errno));
}

struct cert_meta {
    const char *uuid;
    time_t nvbt;
    time_t ctime;
    time_t xtime;
    int64_t userid;
    int64_t max_sign_ttl;
};

static int get_cert_meta (const struct sigcert *cert, struct cert_meta *m)
{
    if (sigcert_meta_get_string (cert, "uuid", &m->uuid) < 0
        || sigcert_meta_get_timestamp (cert, "not-valid-before-time", &m->nvbt)
               < 0
        || sigcert_meta_get_timestamp (cert, "ctime", &m->ctime) < 0
        || sigcert_meta_get_timestamp (cert, "xtime", &m->xtime) < 0
        || sigcert_meta_get_int64 (cert, "userid", &m->userid) < 0
        || sigcert_meta_get_int64 (cert, "max-sign-ttl", &m->max_sign_ttl) < 0)
        return -1;
    return 0;
}

int ca_verify (struct ca *ca,
               const struct sigcert *cert,
               time_t now,
               int64_t *userid,
               int64_t *max_sign_ttl,
               struct error *err)
{
    struct cert_meta m;
    bool cap = false;
    int revoked;

    if (!ca || !cert)
        return error_errno (err, EINVAL, "ca_verify: invalid argument");
    if (!ca->cert)
        return error_errno (err, EINVAL, "CA certificate is not loaded");
    if (sigcert_meta_get_bool (ca->cert, "ca-capability", &cap) < 0 || !cap)
        return error_errno (err, EINVAL, "ca certificate lacks ca-capability");
    if (sigcert_verify_cert (ca->cert, cert) < 0)
        return error_errno (err, EINVAL, "signature verification failed");
    if (get_cert_meta (cert, &m) < 0)
        return error_errno (err, EINVAL,
                            "required metadata is missing from cert");
    if (!ca_uuid_valid (m.uuid))
        return error_errno (err, EINVAL, "cert uuid is not a canonical UUID");
    if (m.xtime < now)
        return error_errno (err, EINVAL, "cert has expired");
    if (m.nvbt > now)
        return error_errno (err, EINVAL, "cert is not yet valid");
    if ((revoked = is_revoked (ca, m.uuid, err)) < 0)
        return -1;
    if (revoked)
        return error_errno (err, EINVAL, "cert has been revoked");
    if (userid)
        *userid = m.userid;
    if (max_sign_ttl)
        *max_sign_ttl = m.max_sign_ttl;
    return 0;
}

/* Revocation */

int ca_revoke (struct ca *ca, const char *uuid, struct error *err)
{
    int dfd, fd;
    int rc = -1;

    if (!ca)
        return error_errno (err, EINVAL, "ca_revoke: invalid argument");
    if (!ca->revoke_allow)
        return error_errno (err, EPERM,
                            "revocation is not allowed ([ca] revoke-allow"
                            " is false)");
    if (!ca_uuid_valid (uuid))
        return error_errno (err, EINVAL,
                            "invalid uuid (expected lowercase"
                            " xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx)");
    if (mkdir (ca->revoke_dir, 0755) < 0 && errno != EEXIST)
        return error_errno (err, errno, "mkdir %s: %s", ca->revoke_dir,
                            strerror (errno));
    dfd = open (ca->revoke_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd < 0)
        return error_errno (err, errno, "%s: %s", ca->revoke_dir,
                            strerror (errno));
    fd = openat (dfd, uuid, O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0644);
    if (fd < 0 || fchmod (fd, 0644) < 0) {
        error_errno (err, errno, "%s/%s: %s", ca->revoke_dir, uuid,
                     strerror (errno));
        goto out;
    }
    rc = 0;
out:
    if (fd >= 0)
        close (fd);
    close (dfd);
    return rc;
}
