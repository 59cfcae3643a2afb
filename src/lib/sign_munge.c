/* sign_munge.c - the "munge" mechanism (wire.md 2.4).
 *
 * Sign: a MUNGE credential whose payload is the 33-byte digest
 * 0x01 || SHA-256 ("HEADER.PAYLOAD").  Verify: decode the credential with
 * munged, recompute the digest and compare it in constant time, require
 * that the uid munged authenticated is the header's userid, and enforce
 * [sign] max-ttl from the credential's encode time.  Expired and replayed
 * MUNGE credentials are accepted (RFC 39): a job request is verified
 * again, long after MUNGE's own short TTL, and max-ttl is the limit.
 *
 * SECURITY INVARIANTS
 * - The identity comes only from munged (the uid of munge_decode), never
 *   from the header alone.
 * - The decoded digest is compared with sodium_memcmp and wiped.
 */
#if HAVE_CONFIG_H
#include "config.h"
#endif
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <munge.h>
#include <sodium.h>

#include "munge_hint.h"
#include "sign_mech.h"

#define HASH_TYPE_SHA256 0x01
#define DIGEST_SIZE (1 + crypto_hash_sha256_BYTES)

struct munge_state {
    munge_ctx_t mctx;
    int64_t max_ttl;
    time_t encode_time; /* of the last credential verified */
};

static const struct cf_schema munge_schema[] = {
    {"socket-path", CF_STRING, 0, CF_ANY, NULL},
    {NULL, CF_ANY, 0, CF_ANY, NULL},
};

static void munge_state_destroy (void *arg)
{
    struct munge_state *st = arg;

    if (st) {
        int saved_errno = errno;
        munge_ctx_destroy (st->mctx);
        free (st);
        errno = saved_errno;
    }
}

static int
set_socket (struct munge_state *st, const struct cf *cf, struct error *err)
{
    const char *path;
    munge_err_t e;

    if (cf_get (cf, "sign.munge", CF_ANY, NULL, NULL) < 0)
        return 0; /* no [sign.munge]: libmunge's default socket */
    if (cf_check (cf, "sign.munge", munge_schema, CF_STRICT, err) < 0) {
        error_prefix (err, "sign-munge-init: ");
        return -1;
    }
    if (cf_get_string (cf, "sign.munge.socket-path", &path, err) < 0) {
        if (errno == ENOENT)
            return 0;
        error_prefix (err, "sign-munge-init: ");
        return -1;
    }
    if ((e = munge_ctx_set (st->mctx, MUNGE_OPT_SOCKET, path))
        != EMUNGE_SUCCESS)
        return error_errno (err, EINVAL, "sign-munge-init: socket-path: %s",
                            munge_strerror (e));
    return 0;
}

static int
munge_init (const struct sign_config *conf, void **statep, struct error *err)
{
    struct munge_state *st;

    if (!(st = calloc (1, sizeof (*st))))
        return error_errno (err, ENOMEM, "sign-munge-init: out of memory");
    st->max_ttl = conf->max_ttl;
    if (!(st->mctx = munge_ctx_create ())) {
        free (st);
        return error_errno (err, ENOMEM,
                            "sign-munge-init: munge_ctx_create failed");
    }
    if (set_socket (st, conf->cf, err) < 0) {
        munge_state_destroy (st);
        return -1;
    }
    *statep = st;
    return 0;
}

static void digest (const char *input, size_t len, uint8_t d[DIGEST_SIZE])
{
    d[0] = HASH_TYPE_SHA256;
    crypto_hash_sha256 (d + 1, (const unsigned char *)input, len);
}

static int munge_fail (struct munge_state *st,
                       const char *who,
                       munge_err_t e,
                       struct error *err)
{
    return munge_error (st->mctx, who, e, EINVAL, err);
}

static char *
munge_sign (void *state, const char *input, size_t len, struct error *err)
{
    struct munge_state *st = state;
    uint8_t d[DIGEST_SIZE];
    char *cred = NULL;
    munge_err_t e;

    digest (input, len, d);
    e = munge_encode (&cred, st->mctx, d, sizeof (d));
    sodium_memzero (d, sizeof (d));
    if (e != EMUNGE_SUCCESS) {
        free (cred);
        munge_fail (st, "sign-munge-sign: munge_encode", e, err);
        return NULL;
    }
    return cred;
}

static void free_decoded (void *buf, int len)
{
    if (buf) {
        if (len > 0)
            sodium_memzero (buf, (size_t)len);
        free (buf);
    }
}

static int check_digest (const uint8_t *buf,
                         int len,
                         const char *input,
                         size_t inlen,
                         struct error *err)
{
    uint8_t d[DIGEST_SIZE];
    int rc = 0;

    if (len < 1 || buf[0] != HASH_TYPE_SHA256)
        return error_errno (err, EINVAL,
                            "sign-munge-verify: unknown hash type");
    digest (input, inlen, d);
    if (len != DIGEST_SIZE || sodium_memcmp (buf, d, DIGEST_SIZE) != 0)
        rc = error_errno (err, EINVAL,
                          "sign-munge-verify: SHA256 hash mismatch");
    sodium_memzero (d, sizeof (d));
    return rc;
}

static int check_ttl (struct munge_state *st, struct error *err)
{
    time_t encode_time;
    time_t now = time (NULL);

    if (munge_ctx_get (st->mctx, MUNGE_OPT_ENCODE_TIME, &encode_time)
        != EMUNGE_SUCCESS)
        return error_errno (err, EINVAL,
                            "sign-munge-verify: credential has no encode time");
    if ((int64_t)encode_time + st->max_ttl < (int64_t)now)
        return error_errno (err, EINVAL, "sign-munge-verify: max-ttl exceeded");
    st->encode_time = encode_time;
    return 0;
}

static int munge_verify (void *state,
                         const struct kv *header,
                         int64_t userid,
                         const char *input,
                         size_t len,
                         const char *signature,
                         struct error *err)
{
    struct munge_state *st = state;
    void *buf = NULL;
    int buflen = 0;
    uid_t uid;
    gid_t gid;
    munge_err_t e;
    int rc = -1;

    st->encode_time = 0;
    e = munge_decode (signature, st->mctx, &buf, &buflen, &uid, &gid);
    if (e != EMUNGE_SUCCESS && e != EMUNGE_CRED_REPLAYED
        && e != EMUNGE_CRED_EXPIRED) {
        munge_fail (st, "sign-munge-verify: munge_decode", e, err);
        goto out;
    }
    if (check_digest (buf, buflen, input, len, err) < 0)
        goto out;
    if ((int64_t)uid != userid) {
        error_errno (err, EPERM, "sign-munge-verify: uid mismatch");
        goto out;
    }
    if (check_ttl (st, err) < 0)
        goto out;
    rc = 0;
out:
    free_decoded (buf, buflen);
    return rc;
}

static void munge_times (void *state,
                         const struct kv *header,
                         bool verified,
                         time_t *ctime,
                         time_t *xtime)
{
    struct munge_state *st = state;

    if (st && verified && st->encode_time > 0) {
        *ctime = st->encode_time;
        *xtime = st->encode_time + (time_t)st->max_ttl;
    }
}

const struct sign_mech sign_mech_munge = {
    .name = "munge",
    .init = munge_init,
    .destroy = munge_state_destroy,
    .sign = munge_sign,
    .verify = munge_verify,
    .times = munge_times,
};
