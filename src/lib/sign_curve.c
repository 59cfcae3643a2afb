/* sign_curve.c - the "curve" mechanism (wire.md 2.5): ed25519 signatures
 * by a signing certificate (common/sigcert.h) that travels in the header.
 *
 * Wrap: the signer's certificate (cert-path, or ~/.flux/curve/sig of the
 * real uid) goes into the header as "curve.cert.*" with "curve.ctime"
 * (now) and "curve.xtime" (now + max-ttl); the signature is the base64
 * ed25519 signature of "HEADER.PAYLOAD" by the certificate's secret key.
 *
 * Unwrap: the signature must verify with the public key of the embedded
 * certificate, and that certificate must be trusted for the header's
 * userid: with [sign.curve] require-ca, signed by the CA of [ca] for that
 * userid (and ctime within its max-sign-ttl); without, byte-identical to
 * the public certificate ~/.flux/curve/sig.pub of that user.  Finally the
 * message must not have expired (xtime, ctime + max-ttl) nor have been
 * signed in the future (no clock-skew slack, as the original).
 *
 * SECURITY INVARIANTS
 * - The identity comes from the certificate's trust anchor (the CA, or
 *   the user's own file found through the password database), never from
 *   the header alone; the header's userid is only the claim checked.
 * - The signature is checked before any file is read for the claim, and
 *   every check runs on every verify.  What is cached: the CA certificate,
 *   the signer's own certificate (and its header entries), and without a
 *   CA, per userid, the certificate path (the home directory from the
 *   password database, kept for the life of the state) and the
 *   certificate last read from it.  That certificate is used again only
 *   while one lstat() of <path>.pub still gives the st_dev, st_ino,
 *   st_size, st_mtim, st_ctim, mode and owner of the descriptor it was
 *   read from (fstat before the read), and only if the file had not
 *   changed for a second when the read began (a change within the same
 *   timestamp tick could not be seen): replacing, rewriting, chmod or
 *   removing the file revokes it at the next verify.
 * - Time arithmetic on values from the header and the certificate is
 *   overflow-checked.
 * - The signing certificate's secret key stays in the state and is wiped
 *   when the state is destroyed (sigcert_destroy).
 */
#if HAVE_CONFIG_H
#include "config.h"
#endif
#include <errno.h>
#include <inttypes.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "common/ca.h"
#include "common/sigcert.h"
#include "sign_mech.h"

#define CERT_SUBPATH "/.flux/curve/sig"
#define PW_BUF_MAX (1024 * 1024)
#define USER_CACHE_SIZE 8 /* userids whose certificate path is kept */

/* Per userid, without a CA: where its certificate is (found once), and
 * the certificate last read there with the identity of its file.
 */
struct user_cert {
    int64_t userid;
    char *path;           /* <home>/.flux/curve/sig; NULL: slot free */
    char *pubpath;        /* path + ".pub" */
    struct sigcert *cert; /* NULL: read it at the next verify */
    struct stat st;       /* of pubpath's descriptor when cert was read */
    uint64_t used;        /* when last used (state->ticks), for eviction */
};

struct curve_state {
    const struct cf *cf;
    int64_t max_ttl;
    bool require_ca;
    char *cert_path;      /* [sign.curve] cert-path, or NULL */
    struct sigcert *cert; /* signing certificate, loaded by the first prep */
    struct kv *cert_kv;   /* its "curve.cert.*" header entries */
    struct ca *ca;        /* CA, loaded by the first verify that needs it */
    struct user_cert users[USER_CACHE_SIZE];
    uint64_t ticks; /* verifies that used users[] */
    time_t ctime;   /* of the last message verified */
    time_t xtime;   /* when it stops verifying */
};

static const struct cf_schema curve_schema[] = {
    {"require-ca", CF_BOOL, CF_REQUIRED, CF_ANY, NULL},
    {"cert-path", CF_STRING, 0, CF_ANY, NULL},
    {NULL, CF_ANY, 0, CF_ANY, NULL},
};

/* The clock and the password database.  The unit test includes this file
 * with SIGN_CURVE_TESTING defined to replace them; the library itself
 * has no such hook.
 */
#ifdef SIGN_CURVE_TESTING
static time_t test_now;                     /* 0: the real clock */
static char *(*test_home) (int64_t userid); /* NULL: getpwuid_r */
static unsigned int test_user_cert_reads;   /* user certificates read */

static time_t clock_now (void)
{
    return test_now ? test_now : time (NULL);
}
#else
static time_t clock_now (void)
{
    return time (NULL);
}
#endif

/* The home directory of 'userid' as a new string, or NULL with errno set
 * (ENOENT: no such user).
 */
static char *home_of (int64_t userid)
{
    struct passwd pw, *result = NULL;
    char *buf = NULL, *home = NULL;
    size_t size = 4096;
    int e;

#ifdef SIGN_CURVE_TESTING
    if (test_home)
        return test_home (userid);
#endif
    if (userid < 0 || userid >= (int64_t)(uid_t)-1) {
        errno = ENOENT;
        return NULL;
    }
    for (;;) {
        char *p = realloc (buf, size);
        if (!p)
            goto out;
        buf = p;
        e = getpwuid_r ((uid_t)userid, &pw, buf, size, &result);
        if (e != ERANGE || size >= PW_BUF_MAX)
            break;
        size *= 2;
    }
    if (e != 0 || !result || !pw.pw_dir || pw.pw_dir[0] == '\0') {
        errno = e != 0 ? e : ENOENT;
        goto out;
    }
    home = strdup (pw.pw_dir);
out:
    free (buf);
    return home;
}

/* "<home of userid>/.flux/curve/sig" as a new string, or NULL. */
static char *default_cert_path (int64_t userid)
{
    char *home, *path;
    size_t size;

    if (!(home = home_of (userid)))
        return NULL;
    size = strlen (home) + sizeof (CERT_SUBPATH);

    if ((path = malloc (size)))
        snprintf (path, size, "%s" CERT_SUBPATH, home);
    free (home);
    return path;
}

/* t + ttl < now, without overflow (a ttl that overflows is never
 * exceeded, a negative one always is once it underflows).
 */
static bool exceeded (time_t t, int64_t ttl, time_t now)
{
    int64_t end;

    if (__builtin_add_overflow ((int64_t)t, ttl, &end))
        return ttl < 0;
    return end < (int64_t)now;
}

/* The earlier of 'x' and t + ttl, without overflow. */
static time_t earlier (time_t x, time_t t, int64_t ttl)
{
    int64_t end;

    if (__builtin_add_overflow ((int64_t)t, ttl, &end) || end > (int64_t)x)
        return x;
    return (time_t)end;
}

static void user_cert_clear (struct user_cert *u)
{
    sigcert_destroy (u->cert);
    free (u->path);
    free (u->pubpath);
    memset (u, 0, sizeof (*u));
}

static void curve_destroy (void *arg)
{
    struct curve_state *st = arg;

    if (st) {
        int saved_errno = errno;
        for (size_t i = 0; i < USER_CACHE_SIZE; i++)
            user_cert_clear (&st->users[i]);
        sigcert_destroy (st->cert);
        kv_destroy (st->cert_kv);
        ca_destroy (st->ca);
        free (st->cert_path);
        free (st);
        errno = saved_errno;
    }
}

static int read_config (struct curve_state *st, struct error *err)
{
    const char *path;

    if (cf_get (st->cf, "sign.curve", CF_TABLE, NULL, err) < 0) {
        if (errno == ENOENT)
            return error_errno (err, EINVAL,
                                "sign-curve-init: [sign.curve] config missing");
        error_prefix (err, "sign-curve-init: ");
        return -1;
    }
    if (cf_check (st->cf, "sign.curve", curve_schema, CF_STRICT, err) < 0
        || cf_get_bool (st->cf, "sign.curve.require-ca", &st->require_ca, err)
               < 0) {
        error_prefix (err, "sign-curve-init: ");
        return -1;
    }
    if (cf_get_string (st->cf, "sign.curve.cert-path", &path, err) < 0) {
        if (errno == ENOENT)
            return 0;
        error_prefix (err, "sign-curve-init: ");
        return -1;
    }
    if (*path == '\0')
        return error_errno (err, EINVAL,
                            "sign-curve-init: [sign.curve] cert-path is"
                            " empty");
    if (!(st->cert_path = strdup (path)))
        return error_errno (err, ENOMEM, "sign-curve-init: out of memory");
    return 0;
}

static int
curve_init (const struct sign_config *conf, void **statep, struct error *err)
{
    struct curve_state *st;

    if (!(st = calloc (1, sizeof (*st))))
        return error_errno (err, ENOMEM, "sign-curve-init: out of memory");
    st->cf = conf->cf;
    st->max_ttl = conf->max_ttl;
    if (read_config (st, err) < 0) {
        curve_destroy (st);
        return -1;
    }
    *statep = st;
    return 0;
}

/* Wrap */

/* The header entries "curve.cert.*" of 'cert', which never change. */
static struct kv *cert_header_kv (const struct sigcert *cert)
{
    struct kv *certkv, *kv;

    if (!(certkv = sigcert_encode (cert)))
        return NULL;
    if ((kv = kv_create ()) && kv_join (kv, certkv, "curve.cert.") < 0) {
        kv_destroy (kv);
        kv = NULL;
    }
    kv_destroy (certkv);
    return kv;
}

static int load_signing_cert (struct curve_state *st, struct error *err)
{
    struct error e = {{0}};
    struct sigcert *cert;
    char *path = NULL;
    int rc = -1;

    if (st->cert_path)
        path = strdup (st->cert_path);
    else if (!(path = default_cert_path ((int64_t)getuid ())))
        return error_errno (err, errno,
                            "sign-curve-prep: home directory of uid %ju:"
                            " %s",
                            (uintmax_t)getuid (), strerror (errno));
    if (!path)
        return error_errno (err, ENOMEM, "sign-curve-prep: out of memory");
    if (!(cert = sigcert_load (path, true, &e))) {
        char host[256];
        int saved_errno = errno;
        error_errno (err, saved_errno,
                     "sign-curve-prep: load %s: %s (%s; on host %s: %s)", path,
                     strerror (saved_errno), e.text,
                     sign_hostname (host, sizeof (host)),
                     saved_errno == ENOENT
                         ? "this user has no certificate; create one with"
                           " flux-sign keygen"
                         : "check the certificate files and their modes");
        goto out;
    }
    if (!(st->cert_kv = cert_header_kv (cert))) {
        error_errno (err, errno, "sign-curve-prep: %s", strerror (errno));
        sigcert_destroy (cert);
        goto out;
    }
    st->cert = cert;
    rc = 0;
out:
    free (path);
    return rc;
}

static int
curve_prep (void *state, struct kv *header, int64_t userid, struct error *err)
{
    struct curve_state *st = state;
    time_t now = clock_now ();
    int64_t xtime;

    if (!st->cert && load_signing_cert (st, err) < 0)
        return -1;
    if (__builtin_add_overflow ((int64_t)now, st->max_ttl, &xtime))
        return error_errno (err, EINVAL, "sign-curve-prep: max-ttl too large");
    if (kv_join (header, st->cert_kv, NULL) < 0
        || kv_put_timestamp (header, "curve.ctime", now) < 0
        || kv_put_timestamp (header, "curve.xtime", (time_t)xtime) < 0)
        return error_errno (err, errno, "sign-curve-prep: header: %s",
                            strerror (errno));
    return 0;
}

static char *
curve_sign (void *state, const char *input, size_t len, struct error *err)
{
    struct curve_state *st = state;
    char *sig;

    if (!st->cert) {
        error_errno (err, EINVAL, "sign-curve-sign: no signing certificate");
        return NULL;
    }
    if (!(sig = sigcert_sign_detached (st->cert, input, len)))
        error_errno (err, errno, "sign-curve-sign: %s", strerror (errno));
    return sig;
}

/* Unwrap */

static int load_ca (struct curve_state *st, struct error *err)
{
    struct error e = {{0}};
    struct ca *ca;

    if (cf_get (st->cf, "ca", CF_ANY, NULL, NULL) < 0 && errno == ENOENT)
        return error_errno (err, EINVAL,
                            "sign-curve-verify: [ca] config missing");
    if (!(ca = ca_create (st->cf, &e)) || ca_load (ca, false, &e) < 0) {
        error_errno (err, errno, "sign-curve-verify: ca: %s", e.text);
        ca_destroy (ca);
        return -1;
    }
    st->ca = ca;
    return 0;
}

/* The certificate is the CA's, for 'userid', and 'ctime' is within its
 * max-sign-ttl.
 */
static int verify_by_ca (struct curve_state *st,
                         const struct sigcert *cert,
                         int64_t userid,
                         time_t ctime,
                         time_t now,
                         struct error *err)
{
    struct error e = {{0}};
    int64_t cert_userid, max_sign_ttl;
    time_t cert_xtime;

    if (!st->ca && load_ca (st, err) < 0)
        return -1;
    if (ca_verify (st->ca, cert, now, &cert_userid, &max_sign_ttl, &e) < 0)
        return error_errno (err, errno, "sign-curve-verify: ca: %s", e.text);
    if (cert_userid != userid)
        return error_errno (err, EPERM,
                            "sign-curve-verify: ca: userid mismatch");
    if (exceeded (ctime, max_sign_ttl, now))
        return error_errno (err, EINVAL,
                            "sign-curve-verify: ca: max-sign-ttl exceeded");
    st->xtime = earlier (st->xtime, ctime, max_sign_ttl);
    if (sigcert_meta_get_timestamp (cert, "xtime", &cert_xtime) == 0
        && cert_xtime < st->xtime)
        st->xtime = cert_xtime;
    return 0;
}

/* The slot of 'userid' in st->users, with its certificate path: the one
 * it has, else a free one or the least recently used one, filled.
 */
static struct user_cert *
user_cert_get (struct curve_state *st, int64_t userid, struct error *err)
{
    struct error e = {{0}};
    struct user_cert *u = &st->users[0];
    char *path;

    for (size_t i = 0; i < USER_CACHE_SIZE; i++) {
        struct user_cert *v = &st->users[i];
        if (v->path && v->userid == userid) {
            u = v;
            goto out;
        }
        if (!v->path || (u->path && v->used < u->used))
            u = v;
    }
    if (!(path = default_cert_path (userid))) {
        error_errno (err, errno,
                     "sign-curve-verify: error loading cert of userid"
                     " %" PRIi64 ": %s",
                     userid,
                     errno == ENOENT ? "unknown user" : strerror (errno));
        return NULL;
    }
    user_cert_clear (u);
    if (!(u->pubpath = sigcert_pub_path (path, &e))) {
        free (path);
        error_errno (err, errno, "sign-curve-verify: %s", e.text);
        return NULL;
    }
    u->path = path;
    u->userid = userid;
out:
    u->used = ++st->ticks;
    return u;
}

static bool same_file (const struct stat *a, const struct stat *b)
{
    return a->st_dev == b->st_dev && a->st_ino == b->st_ino
           && a->st_size == b->st_size && a->st_mode == b->st_mode
           && a->st_uid == b->st_uid && a->st_gid == b->st_gid
           && a->st_mtim.tv_sec == b->st_mtim.tv_sec
           && a->st_mtim.tv_nsec == b->st_mtim.tv_nsec
           && a->st_ctim.tv_sec == b->st_ctim.tv_sec
           && a->st_ctim.tv_nsec == b->st_ctim.tv_nsec;
}

/* The file 'sb' had not changed for a second when its read began at
 * 'start': a change after that read gets a later st_ctim, whatever the
 * granularity of the file system's timestamps (up to a second).
 */
static bool settled (const struct stat *sb, const struct timespec *start)
{
    return sb->st_ctim.tv_sec < start->tv_sec - 1
           || (sb->st_ctim.tv_sec == start->tv_sec - 1
               && sb->st_ctim.tv_nsec < start->tv_nsec);
}

/* The certificate of 'u': the one kept if its file has not changed, else
 * read again (and kept if the file has settled; if not, it is returned in
 * *freshp, for the caller to destroy).  NULL with errno and 'err' set.
 */
static const struct sigcert *user_cert_current (struct user_cert *u,
                                                struct sigcert **freshp,
                                                struct error *err)
{
    struct error e = {{0}};
    struct timespec start = {0, 0};
    struct stat sb;
    struct sigcert *cert;
    char host[256];

    if (u->cert && lstat (u->pubpath, &sb) == 0 && same_file (&sb, &u->st))
        return u->cert;
    sigcert_destroy (u->cert);
    u->cert = NULL;
#ifdef SIGN_CURVE_TESTING
    test_user_cert_reads++;
#endif
    (void)clock_gettime (CLOCK_REALTIME, &start); /* {0, 0}: not settled */
    if (!(cert = sigcert_load_stat (u->path, &sb, &e))) {
        error_errno (err, errno,
                     "sign-curve-verify: error loading cert from %s: %s"
                     " (on host %s: the signer's certificate must be"
                     " readable here, or use a CA: [sign.curve] require-ca)",
                     u->path, e.text, sign_hostname (host, sizeof (host)));
        return NULL;
    }
    if (!settled (&sb, &start))
        return *freshp = cert;
    u->cert = cert;
    u->st = sb;
    return cert;
}

/* The certificate is the one in the home directory of 'userid'. */
static int verify_by_user_cert (struct curve_state *st,
                                const struct sigcert *cert,
                                int64_t userid,
                                struct error *err)
{
    struct sigcert *fresh = NULL;
    const struct sigcert *mine;
    struct user_cert *u;
    int rc = -1;

    if (!(u = user_cert_get (st, userid, err))
        || !(mine = user_cert_current (u, &fresh, err)))
        return -1;
    if (!sigcert_equal (cert, mine)) {
        error_errno (err, EPERM, "sign-curve-verify: cert verification failed");
        goto out;
    }
    rc = 0;
out:
    sigcert_destroy (fresh);
    return rc;
}

static int curve_verify (void *state,
                         const struct kv *header,
                         int64_t userid,
                         const char *input,
                         size_t len,
                         const char *signature,
                         struct error *err)
{
    struct curve_state *st = state;
    struct kv *certkv = NULL;
    struct sigcert *cert = NULL;
    time_t now = clock_now ();
    time_t xtime, ctime;
    int64_t huserid;
    int rc = -1;

    st->ctime = st->xtime = 0;
    if (!(certkv = kv_split (header, "curve.cert."))
        || !(cert = sigcert_decode (certkv, NULL))
        || kv_get_timestamp (header, "curve.xtime", &xtime) < 0
        || kv_get_timestamp (header, "curve.ctime", &ctime) < 0
        || kv_get_int64 (header, "userid", &huserid) < 0 || huserid != userid) {
        error_errno (err, EINVAL, "sign-curve-verify: incomplete header");
        goto out;
    }
    if (sigcert_verify_detached (cert, signature, input, len) < 0) {
        error_errno (err, EINVAL, "sign-curve-verify: verification failure");
        goto out;
    }
    st->xtime = earlier (xtime, ctime, st->max_ttl);
    if (st->require_ca ? verify_by_ca (st, cert, userid, ctime, now, err)
                       : verify_by_user_cert (st, cert, userid, err))
        goto out;
    if (xtime < now || exceeded (ctime, st->max_ttl, now)) {
        error_errno (err, EINVAL,
                     "sign-curve-verify: xtime or max-ttl exceeded");
        goto out;
    }
    if (ctime > now) {
        error_errno (err, EINVAL, "sign-curve-verify: ctime is in the future");
        goto out;
    }
    st->ctime = ctime;
    rc = 0;
out:
    if (rc < 0)
        st->xtime = 0;
    sigcert_destroy (cert);
    kv_destroy (certkv);
    return rc;
}

static void curve_times (void *state,
                         const struct kv *header,
                         bool verified,
                         time_t *ctime,
                         time_t *xtime)
{
    struct curve_state *st = state;

    if (st && verified && st->ctime > 0) {
        *ctime = st->ctime;
        *xtime = st->xtime;
    }
}

const struct sign_mech sign_mech_curve = {
    .name = "curve",
    .init = curve_init,
    .destroy = curve_destroy,
    .prep = curve_prep,
    .sign = curve_sign,
    .verify = curve_verify,
    .times = curve_times,
};
