/* secret.c - secrets sealed for one user with MUNGE (secret.h).
 *
 * Sealed form: "flux-secret:1:munge:" + a MUNGE credential encoded with
 * MUNGE_OPT_UID_RESTRICTION = the user's uid and MUNGE_OPT_TTL = the ttl,
 * whose payload is SECRET_MAGIC followed by the secret's bytes.
 *
 * SECURITY INVARIANTS
 * - Only a credential restricted to the caller's effective uid opens: an
 *   unrestricted credential with the right payload (which anyone can make)
 *   is refused, so a sealed secret is always one sealed for this user.
 * - Expired and rewound credentials are always refused; replayed ones
 *   unless [secret] allow-replayed is true.
 * - Every buffer that held the plaintext (the payload built for
 *   munge_encode, the payload munge_decode returned, the result of the
 *   last open) is wiped before it is freed; the plaintext never enters
 *   error text.
 * - Root is never a target: munged refuses root a uid-restricted
 *   credential, so sealing for uid 0 is refused up front.
 */
#define _GNU_SOURCE /* asprintf */
#if HAVE_CONFIG_H
#include "config.h"
#endif
#include <errno.h>
#include <stdio.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <munge.h>
#include <sodium.h>

#include "flux/security/secret.h"
#include "common/cf.h"
#include "common/error.h"
#include "common/redact.h"
#include "context_private.h"
#include "munge_hint.h"
#include "sign_mech.h"

#define SECRET_PREFIX "flux-secret:1:munge:"
#define SECRET_MAGIC "fluxsec1"
#define SECRET_MAGIC_LEN 8
#define SECRET_MAX_SIZE (256 * 1024) /* well under MUNGE's 1 MiB */
#define SECRET_MUNGE_MAX_TTL 3600    /* MUNGE_MAXIMUM_TTL */
#define SECRET_DEFAULT_TTL 300       /* MUNGE's default */
#define SECRET_USERID_MAX ((int64_t)UINT32_MAX - 1)

struct secret_config {
    char *socket; /* NULL: MUNGE's default */
    int64_t default_ttl;
    int64_t max_ttl;
    bool allow_replayed;
};

struct secret_buffers {
    char *sealed;
    size_t sealed_len;
    void *plain;
    size_t plain_len;
};

static const struct cf_schema secret_schema[] = {
    {"socket-path", CF_STRING, 0, CF_ANY, NULL},
    {"default-ttl", CF_INT64, 0, CF_ANY, NULL},
    {"max-ttl", CF_INT64, 0, CF_ANY, NULL},
    {"allow-replayed", CF_BOOL, 0, CF_ANY, NULL},
    {NULL, CF_ANY, 0, CF_ANY, NULL},
};

static void wipe_free (void *buf, size_t len)
{
    if (buf) {
        int saved_errno = errno;
        sodium_memzero (buf, len);
        free (buf);
        errno = saved_errno;
    }
}

static void secret_config_destroy (void *arg)
{
    struct secret_config *conf = arg;

    if (conf) {
        int saved_errno = errno;
        free (conf->socket);
        free (conf);
        errno = saved_errno;
    }
}

static void secret_buffers_destroy (void *arg)
{
    struct secret_buffers *bufs = arg;

    if (bufs) {
        wipe_free (bufs->sealed, bufs->sealed_len);
        wipe_free (bufs->plain, bufs->plain_len + 1);
        free (bufs);
    }
}

static int config_fail (struct error *err, int errnum, const char *text)
{
    errno = errnum;
    if (text)
        error_set (err, "%s", text);
    error_prefix (err, "secret: config error: ");
    return -1;
}

static int
read_ttls (struct secret_config *conf, const struct cf *cf, struct error *err)
{
    if (cf_get_int64 (cf, "secret.max-ttl", &conf->max_ttl, err) < 0
        && errno != ENOENT)
        return config_fail (err, errno, NULL);
    if (conf->max_ttl < 1 || conf->max_ttl > SECRET_MUNGE_MAX_TTL)
        return config_fail (err, EINVAL,
                            "secret: max-ttl must be between 1 and 3600 "
                            "(MUNGE's longest time-to-live)");
    conf->default_ttl =
        conf->max_ttl < SECRET_DEFAULT_TTL ? conf->max_ttl : SECRET_DEFAULT_TTL;
    if (cf_get_int64 (cf, "secret.default-ttl", &conf->default_ttl, err) < 0
        && errno != ENOENT)
        return config_fail (err, errno, NULL);
    if (conf->default_ttl < 1 || conf->default_ttl > conf->max_ttl)
        return config_fail (err, EINVAL,
                            "secret: default-ttl must be between 1 and "
                            "max-ttl");
    return 0;
}

/* [secret] is optional; every key has a default. */
static struct secret_config *secret_config_create (const struct cf *cf,
                                                   struct error *err)
{
    struct secret_config *conf;
    const char *socket;

    if (!(conf = calloc (1, sizeof (*conf)))) {
        error_set (err, "%s", strerror (errno));
        return NULL;
    }
    conf->max_ttl = SECRET_MUNGE_MAX_TTL;
    if (cf_get (cf, "secret", CF_ANY, NULL, NULL) == 0
        && (cf_check (cf, "secret", secret_schema, CF_STRICT, err) < 0
            || read_ttls (conf, cf, err) < 0
            || (cf_get_bool (cf, "secret.allow-replayed", &conf->allow_replayed,
                             err)
                    < 0
                && errno != ENOENT))) {
        if (strncmp (err->text, "secret: config error: ", 22) != 0)
            config_fail (err, errno, NULL);
        goto error;
    }
    if (cf_get_string (cf, "secret.socket-path", &socket, NULL) == 0
        && !(conf->socket = strdup (socket))) {
        error_set (err, "%s", strerror (errno));
        goto error;
    }
    return conf;
error:
    secret_config_destroy (conf);
    return NULL;
}

static struct secret_config *config_get (flux_security_t *ctx)
{
    struct secret_config *conf;
    const struct cf *cf;
    struct error err = {{0}};

    if ((conf = security_slot_get (ctx, SECURITY_SLOT_SECRET_CONFIG)))
        return conf;
    if (!(cf = security_get_config (ctx)))
        return NULL;
    if (!(conf = secret_config_create (cf, &err))) {
        security_error (ctx, "%s", err.text);
        return NULL;
    }
    security_slot_set (ctx, SECURITY_SLOT_SECRET_CONFIG, conf,
                       secret_config_destroy);
    return conf;
}

static struct secret_buffers *buffers_get (flux_security_t *ctx)
{
    struct secret_buffers *bufs;

    if ((bufs = security_slot_get (ctx, SECURITY_SLOT_SECRET_BUFFERS)))
        return bufs;
    if (!(bufs = calloc (1, sizeof (*bufs)))) {
        security_error (ctx, NULL);
        return NULL;
    }
    security_slot_set (ctx, SECURITY_SLOT_SECRET_BUFFERS, bufs,
                       secret_buffers_destroy);
    return bufs;
}

/* A MUNGE context on the configured socket, or NULL with 'err'. */
static munge_ctx_t munge_ctx_for (const struct secret_config *conf,
                                  const char *who,
                                  struct error *err)
{
    munge_ctx_t mctx;
    munge_err_t e;

    if (!(mctx = munge_ctx_create ())) {
        error_errno (err, ENOMEM, "%s: munge_ctx_create failed", who);
        return NULL;
    }
    if (conf->socket
        && (e = munge_ctx_set (mctx, MUNGE_OPT_SOCKET, conf->socket))
               != EMUNGE_SUCCESS) {
        munge_error (mctx, who, e, EINVAL, err);
        munge_ctx_destroy (mctx);
        return NULL;
    }
    return mctx;
}

static int check_seal_args (flux_security_t *ctx,
                            const struct secret_config *conf,
                            int64_t userid,
                            int secretsz,
                            int *ttlp)
{
    if (userid == 0) {
        errno = EINVAL;
        security_error (ctx, "secret-seal: refusing to seal for root (munged "
                             "never lets root open a sealed secret)");
        return -1;
    }
    if (secretsz > SECRET_MAX_SIZE) {
        errno = E2BIG;
        security_error (ctx, "secret-seal: secret is larger than %d bytes",
                        SECRET_MAX_SIZE);
        return -1;
    }
    if (*ttlp == 0)
        *ttlp = (int)conf->default_ttl;
    if (*ttlp < 1 || *ttlp > conf->max_ttl) {
        errno = EINVAL;
        security_error (ctx,
                        "secret-seal: ttl must be between 1 and %lld "
                        "([secret] max-ttl)",
                        (long long)conf->max_ttl);
        return -1;
    }
    return 0;
}

/* Encode 'payload' restricted to 'userid' for 'ttl' seconds. */
static char *seal_encode (const struct secret_config *conf,
                          int64_t userid,
                          const void *payload,
                          size_t len,
                          int ttl,
                          struct error *err)
{
    const char *who = "secret-seal: munge_encode";
    munge_ctx_t mctx;
    munge_err_t e;
    char *cred = NULL;
    char *sealed = NULL;

    if (!(mctx = munge_ctx_for (conf, who, err)))
        return NULL;
    if ((e = munge_ctx_set (mctx, MUNGE_OPT_UID_RESTRICTION, (uid_t)userid))
            != EMUNGE_SUCCESS
        || (e = munge_ctx_set (mctx, MUNGE_OPT_TTL, ttl)) != EMUNGE_SUCCESS
        || (e = munge_encode (&cred, mctx, payload, (int)len))
               != EMUNGE_SUCCESS) {
        munge_error (mctx, who, e, EINVAL, err);
        goto out;
    }
    if (asprintf (&sealed, "%s%s", SECRET_PREFIX, cred) < 0) {
        sealed = NULL;
        error_errno (err, ENOMEM, "secret-seal: out of memory");
    }
out:
    free (cred);
    munge_ctx_destroy (mctx);
    return sealed;
}

const char *flux_secret_seal (flux_security_t *ctx,
                              int64_t userid,
                              const void *secret,
                              int secretsz,
                              int ttl,
                              int flags)
{
    struct error err = {{0}};
    struct secret_config *conf;
    struct secret_buffers *bufs;
    uint8_t *payload;
    size_t len;
    char *sealed;

    if (!ctx || userid < 0 || userid > SECRET_USERID_MAX || flags != 0
        || secretsz < 0 || (secretsz > 0 && !secret)) {
        errno = EINVAL;
        security_error (ctx, NULL);
        return NULL;
    }
    if (!(conf = config_get (ctx)) || !(bufs = buffers_get (ctx))
        || check_seal_args (ctx, conf, userid, secretsz, &ttl) < 0)
        return NULL;
    len = SECRET_MAGIC_LEN + (size_t)secretsz;
    if (!(payload = malloc (len))) {
        security_error (ctx, NULL);
        return NULL;
    }
    memcpy (payload, SECRET_MAGIC, SECRET_MAGIC_LEN);
    if (secretsz > 0)
        memcpy (payload + SECRET_MAGIC_LEN, secret, (size_t)secretsz);
    sealed = seal_encode (conf, userid, payload, len, ttl, &err);
    wipe_free (payload, len);
    if (!sealed) {
        security_error (ctx, "%s", err.text);
        return NULL;
    }
    wipe_free (bufs->sealed, bufs->sealed_len);
    bufs->sealed = sealed;
    bufs->sealed_len = strlen (sealed);
    return sealed;
}

/* Map a munge_decode result to the policy; 0 to accept. */
static int decode_policy (const struct secret_config *conf,
                          munge_ctx_t mctx,
                          munge_err_t e,
                          struct error *err)
{
    char host[256];
    const char *who = "secret-open: munge_decode";

    switch (e) {
    case EMUNGE_SUCCESS:
        return 0;
    case EMUNGE_CRED_REPLAYED:
        if (conf->allow_replayed)
            return 0;
        return error_errno (err, EPERM,
                            "secret-open: already opened once on host %s"
                            " (a sealed secret opens once per node unless"
                            " [secret] allow-replayed = true)",
                            sign_hostname (host, sizeof (host)));
    case EMUNGE_CRED_EXPIRED:
        return error_errno (err, EPERM,
                            "secret-open: expired (its time-to-live has "
                            "passed; seal it again)");
    case EMUNGE_CRED_UNAUTHORIZED:
        return munge_error (mctx, who, e, EPERM, err);
    default:
        return munge_error (mctx, who, e, EINVAL, err);
    }
}

/* The credential must be restricted to the caller's effective uid (the
 * uid munged matched) and carry the magic. */
static int check_sealed_for_me (munge_ctx_t mctx,
                                const uint8_t *buf,
                                int len,
                                struct error *err)
{
    uid_t restricted = (uid_t)MUNGE_UID_ANY;

    if (munge_ctx_get (mctx, MUNGE_OPT_UID_RESTRICTION, &restricted)
            != EMUNGE_SUCCESS
        || restricted == (uid_t)MUNGE_UID_ANY || restricted != geteuid ())
        return error_errno (err, EPERM,
                            "secret-open: not sealed for this user (the "
                            "credential is not restricted to uid %ju)",
                            (uintmax_t)geteuid ());
    if (len < SECRET_MAGIC_LEN
        || memcmp (buf, SECRET_MAGIC, SECRET_MAGIC_LEN) != 0)
        return error_errno (err, EINVAL,
                            "secret-open: the credential does not hold a "
                            "flux secret");
    return 0;
}

static int open_decode (const struct secret_config *conf,
                        const char *cred,
                        struct secret_buffers *bufs,
                        int64_t *sealer,
                        struct error *err)
{
    munge_ctx_t mctx;
    munge_err_t e;
    void *buf = NULL;
    int len = 0;
    uid_t uid;
    gid_t gid;
    void *plain;
    size_t plen;
    int rc = -1;

    if (!(mctx = munge_ctx_for (conf, "secret-open: munge_decode", err)))
        return -1;
    e = munge_decode (cred, mctx, &buf, &len, &uid, &gid);
    if (decode_policy (conf, mctx, e, err) < 0
        || check_sealed_for_me (mctx, buf, len, err) < 0)
        goto out;
    plen = (size_t)len - SECRET_MAGIC_LEN;
    if (!(plain = malloc (plen + 1))) {
        error_errno (err, ENOMEM, "secret-open: out of memory");
        goto out;
    }
    memcpy (plain, (uint8_t *)buf + SECRET_MAGIC_LEN, plen);
    ((char *)plain)[plen] = '\0';
    wipe_free (bufs->plain, bufs->plain_len + 1);
    bufs->plain = plain;
    bufs->plain_len = plen;
    *sealer = (int64_t)uid;
    rc = 0;
out:
    if (buf)
        wipe_free (buf, len > 0 ? (size_t)len : 0);
    munge_ctx_destroy (mctx);
    return rc;
}

int flux_secret_open (flux_security_t *ctx,
                      const char *sealed,
                      const void **secret,
                      int *secretsz,
                      int64_t *sealer,
                      int flags)
{
    struct error err = {{0}};
    struct secret_config *conf;
    struct secret_buffers *bufs;
    size_t plen = strlen (SECRET_PREFIX);
    int64_t uid;

    if (!ctx || !sealed || flags != 0) {
        errno = EINVAL;
        security_error (ctx, NULL);
        return -1;
    }
    if (!(conf = config_get (ctx)) || !(bufs = buffers_get (ctx)))
        return -1;
    if (strncmp (sealed, SECRET_PREFIX, plen) != 0) {
        errno = EINVAL;
        security_error (ctx,
                        "secret-open: not a sealed secret (expected the "
                        "prefix %s)",
                        SECRET_PREFIX);
        return -1;
    }
    if (open_decode (conf, sealed + plen, bufs, &uid, &err) < 0) {
        security_error (ctx, "%s", err.text);
        return -1;
    }
    if (secret)
        *secret = bufs->plain_len > 0 ? bufs->plain : NULL;
    if (secretsz)
        *secretsz = (int)bufs->plain_len;
    if (sealer)
        *sealer = uid;
    return 0;
}

char *flux_secret_redact (const char *text,
                          size_t len,
                          const char **patterns,
                          size_t *outlen)
{
    char *out;

    if (redact (text, len, patterns, &out, outlen) < 0)
        return NULL;
    return out;
}
