/* sign.c - flux_sign_wrap() and flux_sign_unwrap(): the envelope of a
 * signed message and the [sign] configuration (wire.md 2.1, config.md 3.3).
 *
 * A signed message is HEADER "." PAYLOAD "." SIGNATURE, where HEADER is
 * the base64 of an RFC 38 kv (version, mechanism, userid, then the
 * mechanism's keys), PAYLOAD the base64 of the payload, and SIGNATURE a
 * mechanism's signature over the bytes "HEADER.PAYLOAD".
 *
 * SECURITY INVARIANTS
 * - The input of an unwrap is untrusted: it is parsed with the bounded,
 *   strict decoders of common/ (b64, kv) before anything reads it, and
 *   the mechanism verifies the exact bytes that were decoded.
 * - The userid of a header is a non-negative value that fits a uid_t
 *   (other values are refused, so that no caller can truncate one into
 *   root).
 * - Every state derived from the configuration lives in the context slot
 *   SECURITY_SLOT_SIGN_CONFIG, which flux_security_configure() drops.
 * - Decoded payloads are wiped when replaced or freed.
 * - Header, payload and signature are on the wire, public: they go
 *   through the table-driven base64 codec (b64_*_public), which is not
 *   constant-time and must never see key material.
 */
#if HAVE_CONFIG_H
#include "config.h"
#endif
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sodium.h>

#include "flux/security/sign.h"
#include "common/b64.h"
#include "common/cf.h"
#include "common/error.h"
#include "common/kv.h"
#include "context_private.h"
#include "sign_info.h"
#include "sign_mech.h"

#define SIGN_VERSION 1
#define SIGN_MAX_TTL_TESTING (-100) /* makes every credential expired */
#define SIGN_USERID_MAX ((int64_t)UINT32_MAX - 1) /* (uid_t)-1 is invalid */

static const struct sign_mech *mechs[] = {
    &sign_mech_none,
    &sign_mech_munge,
    &sign_mech_curve,
};
#define MECH_COUNT (sizeof (mechs) / sizeof (mechs[0]))

/* Derived from the configuration (SECURITY_SLOT_SIGN_CONFIG). */
struct sign_state {
    struct sign_config conf;
    const struct sign_mech *default_mech;
    bool allowed[MECH_COUNT];
    bool initialized[MECH_COUNT];
    void *mech_state[MECH_COUNT];
};

/* Results handed to the caller (SECURITY_SLOT_SIGN_BUFFERS). */
struct sign_buffers {
    char *wrapped;
    size_t wrapped_len;
    void *payload;
    size_t payload_len;
};

static const struct cf_schema sign_schema[] = {
    {"max-ttl", CF_INT64, CF_REQUIRED, CF_ANY, NULL},
    {"default-type", CF_STRING, CF_REQUIRED, CF_ANY, NULL},
    {"allowed-types", CF_ARRAY, CF_REQUIRED, CF_STRING, NULL},
    {NULL, CF_ANY, 0, CF_ANY, NULL},
};

static int mech_index (const char *name)
{
    for (size_t i = 0; i < MECH_COUNT; i++) {
        if (strcmp (mechs[i]->name, name) == 0)
            return (int)i;
    }
    return -1;
}

static void sign_state_destroy (void *arg)
{
    struct sign_state *state = arg;

    if (state) {
        int saved_errno = errno;
        for (size_t i = 0; i < MECH_COUNT; i++) {
            if (state->initialized[i] && mechs[i]->destroy)
                mechs[i]->destroy (state->mech_state[i]);
        }
        free (state);
        errno = saved_errno;
    }
}

static void sign_buffers_destroy (void *arg)
{
    struct sign_buffers *bufs = arg;

    if (bufs) {
        int saved_errno = errno;
        if (bufs->wrapped) {
            sodium_memzero (bufs->wrapped, bufs->wrapped_len);
            free (bufs->wrapped);
        }
        if (bufs->payload) {
            sodium_memzero (bufs->payload, bufs->payload_len);
            free (bufs->payload);
        }
        free (bufs);
        errno = saved_errno;
    }
}

/* Prefix the text in 'err' with the original's "sign: config error: ". */
static int config_fail (struct error *err)
{
    error_prefix (err, "sign: config error: ");
    return -1;
}

static int
parse_max_ttl (struct sign_state *state, const struct cf *cf, struct error *err)
{
    int64_t ttl;

    if (cf_get_int64 (cf, "sign.max-ttl", &ttl, err) < 0)
        return config_fail (err);
    if (ttl <= 0 && ttl != SIGN_MAX_TTL_TESTING) {
        errno = EINVAL;
        error_set (err, "sign: max-ttl should be greater than zero");
        return config_fail (err);
    }
    state->conf.max_ttl = ttl;
    return 0;
}

static int parse_allowed_types (struct sign_state *state,
                                const struct cf *cf,
                                struct error *err)
{
    const char **types;
    int n;

    if (cf_get_strings (cf, "sign.allowed-types", &types, err) < 0)
        return config_fail (err);
    for (n = 0; types[n]; n++) {
        int i = mech_index (types[n]);
        if (i < 0) {
            errno = EINVAL;
            error_set (err, "sign: unknown mechanism=%s", types[n]);
            free (types);
            return config_fail (err);
        }
        state->allowed[i] = true;
    }
    free (types);
    if (n == 0) {
        errno = EINVAL;
        error_set (err, "sign: allowed-types array is empty");
        return config_fail (err);
    }
    return 0;
}

static int parse_default_type (struct sign_state *state,
                               const struct cf *cf,
                               struct error *err)
{
    const char *name;
    int i;

    if (cf_get_string (cf, "sign.default-type", &name, err) < 0)
        return config_fail (err);
    if ((i = mech_index (name)) < 0) {
        errno = EINVAL;
        error_set (err, "sign: unknown mechanism=%s", name);
        return config_fail (err);
    }
    state->default_mech = mechs[i];
    return 0;
}

/* Check [sign] of 'cf' and build the state derived from it. */
static struct sign_state *sign_state_create (const struct cf *cf,
                                             struct error *err)
{
    struct sign_state *state;

    if (cf_get (cf, "sign", CF_TABLE, NULL, err) < 0) {
        if (errno == ENOENT)
            error_set (err, "configuration object 'sign' not found");
        return NULL;
    }
    if (cf_check (cf, "sign", sign_schema, CF_STRICT | CF_ANYTAB, err) < 0) {
        config_fail (err);
        return NULL;
    }
    if (!(state = calloc (1, sizeof (*state)))) {
        error_set (err, "%s", strerror (errno));
        return NULL;
    }
    state->conf.cf = cf;
    if (parse_max_ttl (state, cf, err) < 0
        || parse_allowed_types (state, cf, err) < 0
        || parse_default_type (state, cf, err) < 0) {
        sign_state_destroy (state);
        return NULL;
    }
    return state;
}

/* The state of the current configuration, created on first use. */
static struct sign_state *sign_state_get (flux_security_t *ctx)
{
    struct sign_state *state;
    const struct cf *cf;
    struct error err = {{0}};

    if ((state = security_slot_get (ctx, SECURITY_SLOT_SIGN_CONFIG)))
        return state;
    if (!(cf = security_get_config (ctx)))
        return NULL;
    if (!(state = sign_state_create (cf, &err))) {
        security_error (ctx, "%s", err.text);
        return NULL;
    }
    security_slot_set (ctx, SECURITY_SLOT_SIGN_CONFIG, state,
                       sign_state_destroy);
    return state;
}

/* Where [sign] was set, as "<file>:<line>: ", for errors that lack it. */
static void prefix_sign_location (const struct cf *cf, struct error *err)
{
    struct cf_value v;
    size_t n;

    if (cf_get (cf, "sign", CF_ANY, &v, NULL) < 0 || !v.file)
        return;
    n = strlen (v.file);
    if (!strncmp (err->text, v.file, n) && err->text[n] == ':')
        return;
    error_prefix (err, "%s:%u: ", v.file, v.line);
}

int sign_config_check (flux_security_t *ctx, struct error *err)
{
    const struct cf *cf;
    const char *text;

    if (!ctx)
        return error_errno (err, EINVAL, "invalid argument");
    if ((cf = security_get_config (ctx)) && sign_state_get (ctx))
        return 0;
    if (!(text = flux_security_last_error (ctx)))
        text = "unknown error";
    error_set (err, "%s", text);
    if (cf)
        prefix_sign_location (cf, err);
    errno = flux_security_last_errnum (ctx);
    if (errno == 0)
        errno = EINVAL;
    return -1;
}

static struct sign_buffers *sign_buffers_get (flux_security_t *ctx)
{
    struct sign_buffers *bufs;

    if ((bufs = security_slot_get (ctx, SECURITY_SLOT_SIGN_BUFFERS)))
        return bufs;
    if (!(bufs = calloc (1, sizeof (*bufs)))) {
        security_error (ctx, NULL);
        return NULL;
    }
    security_slot_set (ctx, SECURITY_SLOT_SIGN_BUFFERS, bufs,
                       sign_buffers_destroy);
    return bufs;
}

/* The state of mechanism 'i', initialized on first use. */
static int mech_state_get (struct sign_state *state,
                           int i,
                           void **mstatep,
                           struct error *err)
{
    if (!state->initialized[i]) {
        void *mstate = NULL;
        if (mechs[i]->init && mechs[i]->init (&state->conf, &mstate, err) < 0)
            return -1;
        state->mech_state[i] = mstate;
        state->initialized[i] = true;
    }
    *mstatep = state->mech_state[i];
    return 0;
}

const char *sign_hostname (char *buf, size_t size)
{
    if (gethostname (buf, size) < 0 || buf[0] == '\0')
        return "(unknown host)";
    buf[size - 1] = '\0';
    return buf;
}

/* Build "HEADER.PAYLOAD" for 'header' and 'payload' in a new string. */
static char *encode_signed_part (const struct kv *header,
                                 const void *payload,
                                 size_t payloadsz,
                                 size_t *lenp)
{
    const char *hbuf;
    size_t hlen;
    size_t h64len, p64len, size;
    char *s;

    if (kv_encode (header, &hbuf, &hlen) < 0)
        return NULL;
    h64len = b64_encoded_len (hlen);
    p64len = b64_encoded_len (payloadsz);
    if ((h64len == 0 && hlen > 0) || (p64len == 0 && payloadsz > 0)) {
        errno = E2BIG;
        return NULL;
    }
    size = h64len + 1 + p64len + 1;
    if (!(s = malloc (size)))
        return NULL;
    if (b64_encode_public (hbuf, hlen, s, h64len + 1) < 0
        || b64_encode_public (payload, payloadsz, s + h64len + 1, p64len + 1)
               < 0) {
        int saved_errno = errno;
        sodium_memzero (s, size);
        free (s);
        errno = saved_errno;
        return NULL;
    }
    s[h64len] = '.';
    *lenp = h64len + 1 + p64len;
    return s;
}

/* Append "." SIGNATURE to 'part' (length 'len'), as the new wrap result. */
static int store_wrapped (struct sign_buffers *bufs,
                          char *part,
                          size_t len,
                          const char *signature)
{
    size_t siglen = strlen (signature);
    size_t size = len + 1 + siglen + 1;
    char *s;

    if (!(s = realloc (part, size)))
        return -1;
    s[len] = '.';
    memcpy (s + len + 1, signature, siglen + 1);
    if (bufs->wrapped) {
        sodium_memzero (bufs->wrapped, bufs->wrapped_len);
        free (bufs->wrapped);
    }
    bufs->wrapped = s;
    bufs->wrapped_len = size;
    return 0;
}

static struct kv *header_create (const char *mech, int64_t userid)
{
    struct kv *header;

    if (!(header = kv_create ()))
        return NULL;
    if (kv_put_int64 (header, "version", SIGN_VERSION) < 0
        || kv_put_string (header, "mechanism", mech) < 0
        || kv_put_int64 (header, "userid", userid) < 0) {
        kv_destroy (header);
        return NULL;
    }
    return header;
}

static const char *wrap (flux_security_t *ctx,
                         struct sign_state *state,
                         int i,
                         int64_t userid,
                         const void *payload,
                         size_t payloadsz)
{
    struct error err = {{0}};
    struct sign_buffers *bufs;
    struct kv *header = NULL;
    void *mstate;
    char *part = NULL;
    char *sig = NULL;
    size_t len = 0;
    const char *result = NULL;

    if (!(bufs = sign_buffers_get (ctx)))
        return NULL;
    if (mech_state_get (state, i, &mstate, &err) < 0)
        goto error;
    if (!(header = header_create (mechs[i]->name, userid))) {
        error_set (&err, "sign-wrap: %s", strerror (errno));
        goto error;
    }
    if (mechs[i]->prep && mechs[i]->prep (mstate, header, userid, &err) < 0)
        goto error;
    if (!(part = encode_signed_part (header, payload, payloadsz, &len))) {
        error_set (&err, "sign-wrap: encode: %s", strerror (errno));
        goto error;
    }
    if (!(sig = mechs[i]->sign (mstate, part, len, &err)))
        goto error;
    if (strchr (sig, '.')) {
        errno = EINVAL;
        error_set (&err, "sign-wrap: %s signature contains '.'",
                   mechs[i]->name);
        goto error;
    }
    if (store_wrapped (bufs, part, len, sig) < 0) {
        error_set (&err, "sign-wrap: %s", strerror (errno));
        goto error;
    }
    part = NULL; /* now owned by bufs */
    result = bufs->wrapped;
    goto out;
error:
    security_error (ctx, "%s", err.text);
out:
    if (part) {
        sodium_memzero (part, len);
        free (part);
    }
    free (sig);
    kv_destroy (header);
    return result;
}

const char *flux_sign_wrap_as (flux_security_t *ctx,
                               int64_t userid,
                               const void *payload,
                               int payloadsz,
                               const char *mech_type,
                               int flags)
{
    struct sign_state *state;
    int i;

    if (!ctx || userid < 0 || userid > SIGN_USERID_MAX || flags != 0
        || payloadsz < 0 || (payloadsz > 0 && !payload)) {
        errno = EINVAL;
        security_error (ctx, NULL);
        return NULL;
    }
    if (!(state = sign_state_get (ctx)))
        return NULL;
    if (!mech_type)
        i = mech_index (state->default_mech->name);
    else if ((i = mech_index (mech_type)) < 0) {
        errno = EINVAL;
        security_error (ctx, "sign-wrap: unknown mechanism: %s", mech_type);
        return NULL;
    }
    return wrap (ctx, state, i, userid, payload, (size_t)payloadsz);
}

const char *flux_sign_wrap (flux_security_t *ctx,
                            const void *payload,
                            int payloadsz,
                            const char *mech_type,
                            int flags)
{
    return flux_sign_wrap_as (ctx, (int64_t)getuid (), payload, payloadsz,
                              mech_type, flags);
}

/* The parts of an input, as byte ranges of it. */
struct envelope {
    const char *header;
    size_t header_len;
    const char *payload;
    size_t payload_len;
    size_t signed_len; /* "HEADER.PAYLOAD" */
    const char *signature;
};

static int split_input (const char *input, struct envelope *env)
{
    const char *dot1, *dot2;

    if (!(dot1 = strchr (input, '.')) || dot1 == input) {
        errno = EINVAL;
        return -1;
    }
    env->header = input;
    env->header_len = (size_t)(dot1 - input);
    env->payload = dot1 + 1;
    if (!(dot2 = strchr (env->payload, '.'))) {
        errno = EINVAL;
        return -2;
    }
    env->payload_len = (size_t)(dot2 - env->payload);
    env->signed_len = (size_t)(dot2 - input);
    env->signature = dot2 + 1;
    return 0;
}

static struct kv *decode_header (const struct envelope *env)
{
    void *buf;
    size_t len;
    struct kv *header = NULL;

    if (env->header_len > b64_encoded_len (KV_MAX_SIZE)) {
        errno = EINVAL;
        return NULL;
    }
    if (b64_decode_public_alloc (env->header, env->header_len, &buf, &len) < 0)
        return NULL;
    if (kv_decode (buf, len, &header, NULL) < 0)
        header = NULL;
    {
        int saved_errno = errno;
        sodium_memzero (buf, len);
        free (buf);
        errno = saved_errno;
    }
    if (!header)
        errno = EINVAL;
    return header;
}

/* Check version, mechanism and userid of 'header' (wire.md 2.1 order). */
static int check_header (flux_security_t *ctx,
                         struct sign_state *state,
                         const struct kv *header,
                         bool anymech,
                         int *mechp,
                         int64_t *useridp)
{
    char host[256];
    int64_t version, userid;
    const char *mech;
    int i;

    if (kv_get_int64 (header, "version", &version) < 0) {
        errno = EINVAL;
        security_error (ctx, "sign-unwrap: header version missing");
        return -1;
    }
    if (version != SIGN_VERSION) {
        errno = EINVAL;
        security_error (ctx, "sign-unwrap: header version=%lld unknown",
                        (long long)version);
        return -1;
    }
    if (kv_get_string (header, "mechanism", &mech) < 0) {
        errno = EINVAL;
        security_error (ctx, "sign-unwrap: header mechanism missing");
        return -1;
    }
    if ((i = mech_index (mech)) < 0) {
        errno = EINVAL;
        security_error (ctx, "sign-unwrap: header mechanism=%s unknown", mech);
        return -1;
    }
    if (!anymech && !state->allowed[i]) {
        errno = EINVAL;
        security_error (ctx,
                        "sign-unwrap: header mechanism=%s not allowed"
                        " (on host %s: [sign] allowed-types does not"
                        " include it)",
                        mech, sign_hostname (host, sizeof (host)));
        return -1;
    }
    if (kv_get_int64 (header, "userid", &userid) < 0) {
        errno = EINVAL;
        security_error (ctx, "sign-unwrap: header userid missing");
        return -1;
    }
    if (userid < 0 || userid > SIGN_USERID_MAX) {
        errno = EINVAL;
        security_error (ctx, "sign-unwrap: header userid=%lld invalid",
                        (long long)userid);
        return -1;
    }
    *mechp = i;
    *useridp = userid;
    return 0;
}

static int decode_payload (flux_security_t *ctx,
                           const struct envelope *env,
                           void **bufp,
                           size_t *lenp)
{
    if (b64_decode_public_alloc (env->payload, env->payload_len, bufp, lenp) < 0
        || *lenp > INT_MAX) {
        errno = EINVAL;
        security_error (ctx, "sign-unwrap: payload decode error: %s",
                        strerror (EINVAL));
        return -1;
    }
    return 0;
}

static void store_payload (struct sign_buffers *bufs, void *buf, size_t len)
{
    if (bufs->payload) {
        sodium_memzero (bufs->payload, bufs->payload_len);
        free (bufs->payload);
    }
    bufs->payload = buf;
    bufs->payload_len = len;
}

static void info_times (struct sign_state *state,
                        int i,
                        const struct kv *header,
                        bool verified,
                        struct sign_info *info)
{
    info->ctime = 0;
    info->xtime = 0;
    if (mechs[i]->times)
        mechs[i]->times (state->initialized[i] ? state->mech_state[i] : NULL,
                         header, verified, &info->ctime, &info->xtime);
}

static int verify (flux_security_t *ctx,
                   struct sign_state *state,
                   int i,
                   const struct kv *header,
                   int64_t userid,
                   const struct envelope *env)
{
    struct error err = {{0}};
    void *mstate;

    if (mech_state_get (state, i, &mstate, &err) < 0
        || mechs[i]->verify (mstate, header, userid, env->header,
                             env->signed_len, env->signature, &err)
               < 0) {
        security_error (ctx, "%s", err.text);
        return -1;
    }
    return 0;
}

int sign_unwrap_info (flux_security_t *ctx,
                      const char *input,
                      const void **payload,
                      int *payloadsz,
                      struct sign_info *info,
                      int flags)
{
    struct sign_state *state;
    struct sign_buffers *bufs;
    struct envelope env;
    struct kv *header = NULL;
    void *buf = NULL;
    size_t len = 0;
    int64_t userid;
    int i, rc;
    int rv = -1;

    if (!ctx || !input
        || (flags & ~(FLUX_SIGN_NOVERIFY | SIGN_INFO_ANYMECH)) != 0) {
        errno = EINVAL;
        security_error (ctx, NULL);
        return -1;
    }
    if (!(state = sign_state_get (ctx)) || !(bufs = sign_buffers_get (ctx)))
        return -1;
    if ((rc = split_input (input, &env)) == -1
        || (rc == 0 && !(header = decode_header (&env)))) {
        errno = EINVAL;
        security_error (ctx, "sign-unwrap: header decode error: %s",
                        strerror (EINVAL));
        goto out;
    }
    if (rc == -2) {
        errno = EINVAL;
        security_error (ctx, "sign-unwrap: payload decode error: %s",
                        strerror (EINVAL));
        goto out;
    }
    if (check_header (ctx, state, header, (flags & SIGN_INFO_ANYMECH), &i,
                      &userid)
            < 0
        || decode_payload (ctx, &env, &buf, &len) < 0)
        goto out;
    if (!(flags & FLUX_SIGN_NOVERIFY)
        && verify (ctx, state, i, header, userid, &env) < 0)
        goto out;
    if (info) {
        info->mechanism = mechs[i]->name;
        info->userid = userid;
        info_times (state, i, header, !(flags & FLUX_SIGN_NOVERIFY), info);
    }
    store_payload (bufs, buf, len);
    buf = NULL;
    if (payload)
        *payload = len > 0 ? bufs->payload : NULL;
    if (payloadsz)
        *payloadsz = (int)len;
    rv = 0;
out:
    if (buf) {
        int saved_errno = errno;
        sodium_memzero (buf, len);
        free (buf);
        errno = saved_errno;
    }
    kv_destroy (header);
    return rv;
}

/* Both public unwraps: 'flags' may only hold FLUX_SIGN_NOVERIFY. */
static int unwrap_public (flux_security_t *ctx,
                          const char *input,
                          const void **payload,
                          int *payloadsz,
                          const char **mech_type,
                          int64_t *userid,
                          int flags)
{
    struct sign_info info;

    if (flags & ~FLUX_SIGN_NOVERIFY) {
        errno = EINVAL;
        security_error (ctx, NULL);
        return -1;
    }
    if (mech_type)
        flags |= SIGN_INFO_ANYMECH;
    if (sign_unwrap_info (ctx, input, payload, payloadsz, &info, flags) < 0)
        return -1;
    if (mech_type)
        *mech_type = info.mechanism;
    if (userid)
        *userid = info.userid;
    return 0;
}

int flux_sign_unwrap_anymech (flux_security_t *ctx,
                              const char *input,
                              const void **payload,
                              int *payloadsz,
                              const char **mech_type,
                              int64_t *userid,
                              int flags)
{
    const char *mech;

    if (unwrap_public (ctx, input, payload, payloadsz, &mech, userid, flags)
        < 0)
        return -1;
    if (mech_type)
        *mech_type = mech;
    return 0;
}

int flux_sign_unwrap (flux_security_t *ctx,
                      const char *input,
                      const void **payload,
                      int *payloadsz,
                      int64_t *userid,
                      int flags)
{
    return unwrap_public (ctx, input, payload, payloadsz, NULL, userid, flags);
}
