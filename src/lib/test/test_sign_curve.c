/* Unit tests of the curve mechanism (sign_curve.c), called directly
 * through struct sign_mech: configuration, then hostile messages
 * (tampered payload, signature and header, incomplete header, expired,
 * revoked and mismatched certificates, times out of range), then sign and
 * verify with and without a CA, and what the verifier keeps without a CA
 * (a certificate replaced, rewritten, made writable or removed is noticed
 * at the next verify).
 *
 * The file under test is included with SIGN_CURVE_TESTING so that the
 * test can set the clock (test_now) and the home directory lookup
 * (test_home), and count the user certificates read
 * (test_user_cert_reads); the library is built without those hooks.  One case
 * uses the real home directory of the current user through getpwuid_r: it runs
 * only if it can create ~/.flux itself, and removes it afterwards.
 */
#define _GNU_SOURCE
#define SIGN_CURVE_TESTING 1
#include "../sign_curve.c"

#include <fcntl.h>
#include <ftw.h>
#include <sys/stat.h>

#include "tap_cmocka.h"
#include "fixture_files.h"
#include "common/b64.h"

#define T0 ((time_t)1795194000) /* 2026-11-20T17:00:00Z */
#define MAX_TTL 3600
#define MAX_SIGN_TTL 600

/* A signed message, as sign.c would build it. */
struct msg {
    char *input; /* HEADER.PAYLOAD.SIGNATURE */
    size_t signed_len;
    const char *signature;
};

/* Test home directory lookup: "<fixture_dir>/home<uid>". */
static char *fixture_home (int64_t userid)
{
    char name[64];

    if (userid == 666) { /* no such user */
        errno = ENOENT;
        return NULL;
    }
    snprintf (name, sizeof (name), "home%jd", (intmax_t)userid);
    return strdup (fixture_path (name));
}

static struct cf *config (const char *fmt, ...)
    __attribute__ ((format (printf, 1, 2)));

static struct cf *config (const char *fmt, ...)
{
    struct cf *cf = cf_create ();
    struct error err = {{0}};
    va_list ap;
    char *text;
    int rc;

    va_start (ap, fmt);
    assert_true (vasprintf (&text, fmt, ap) > 0);
    va_end (ap);
    assert_non_null (cf);
    rc = cf_update_buffer (cf, "security.toml", text, strlen (text), &err);
    if (rc < 0)
        print_message ("config: %s\n", err.text);
    assert_int_equal (rc, 0);
    free (text);
    return cf;
}

/* [ca] in the fixture directory */
#define CA_TOML                                                                \
    "[ca]\n"                                                                   \
    "max-cert-ttl = 86400\n"                                                   \
    "max-sign-ttl = 600\n"                                                     \
    "cert-path = \"%s\"\n"                                                     \
    "revoke-dir = \"%s\"\n"                                                    \
    "revoke-allow = true\n"                                                    \
    "domain = \"EXAMPLE.TEST\"\n"

static struct cf *config_ca (const char *extra)
{
    return config ("[sign.curve]\nrequire-ca = true\n%s" CA_TOML, extra,
                   fixture_path ("ca/ca"), fixture_path ("ca/revoked"));
}

static struct cf *config_noca (void)
{
    return config ("[sign.curve]\nrequire-ca = false\n");
}

static void *init_ok (const struct cf *cf, int64_t max_ttl)
{
    struct sign_config conf = {.cf = cf, .max_ttl = max_ttl};
    struct error err = {{0}};
    void *st = NULL;
    int rc = sign_mech_curve.init (&conf, &st, &err);

    if (rc < 0)
        print_message ("init: %s\n", err.text);
    assert_int_equal (rc, 0);
    assert_non_null (st);
    return st;
}

static void init_fails (const struct cf *cf, const char *text)
{
    struct sign_config conf = {.cf = cf, .max_ttl = MAX_TTL};
    struct error err = {{0}};
    void *st = NULL;

    assert_int_equal (sign_mech_curve.init (&conf, &st, &err), -1);
    assert_null (st);
    if (!strstr (err.text, text))
        print_message ("error text: %s\n", err.text);
    assert_non_null (strstr (err.text, text));
}

static char *b64 (const void *buf, size_t len)
{
    char *text;

    assert_int_equal (b64_encode_alloc (buf, len, &text), 0);
    return text;
}

/* "HEADER.PAYLOAD" of 'header' and 'payload' as a new string. */
static char *signed_part (const struct kv *header, const char *payload)
{
    const char *enc;
    size_t len;
    char *h, *p, *s;

    assert_int_equal (kv_encode (header, &enc, &len), 0);
    h = b64 (enc, len);
    p = b64 (payload, strlen (payload));
    assert_true (asprintf (&s, "%s.%s", h, p) > 0);
    free (h);
    free (p);
    return s;
}

static void msg_set (struct msg *m, char *part, const char *sig)
{
    m->signed_len = strlen (part);
    assert_true (asprintf (&m->input, "%s.%s", part, sig) > 0);
    m->signature = m->input + m->signed_len + 1;
    free (part);
}

/* Wrap 'payload' for 'userid' with the state 'st' at time 'now'. */
static void wrap (void *st, int64_t userid, const char *payload, struct msg *m)
{
    struct kv *header = kv_create ();
    struct error err = {{0}};
    char *part, *sig;
    int rc;

    test_now = T0;
    assert_int_equal (kv_put_int64 (header, "version", 1), 0);
    assert_int_equal (kv_put_string (header, "mechanism", "curve"), 0);
    assert_int_equal (kv_put_int64 (header, "userid", userid), 0);
    rc = sign_mech_curve.prep (st, header, userid, &err);
    if (rc < 0)
        print_message ("prep: %s\n", err.text);
    assert_int_equal (rc, 0);
    part = signed_part (header, payload);
    sig = sign_mech_curve.sign (st, part, strlen (part), &err);
    assert_non_null (sig);
    assert_int_equal (strlen (sig), 88);
    assert_null (strchr (sig, '.'));
    msg_set (m, part, sig);
    free (sig);
    kv_destroy (header);
}

/* The header kv of a message. */
static struct kv *msg_header (const struct msg *m)
{
    const char *dot = strchr (m->input, '.');
    struct kv *kv = NULL;
    void *buf;
    size_t len;

    assert_int_equal (
        b64_decode_alloc (m->input, (size_t)(dot - m->input), &buf, &len), 0);
    assert_int_equal (kv_decode (buf, len, &kv, NULL), 0);
    free (buf);
    return kv;
}

/* Verify 'm' at 'now' as sign.c would. */
static int verify_at (void *st, const struct msg *m, time_t now, char *text)
{
    struct kv *header = msg_header (m);
    struct error err = {{0}};
    int64_t userid = -1;
    int rc;

    (void)kv_get_int64 (header, "userid", &userid);
    test_now = now;
    rc = sign_mech_curve.verify (st, header, userid, m->input, m->signed_len,
                                 m->signature, &err);
    if (text)
        snprintf (text, ERROR_TEXT_MAX, "%s", err.text);
    kv_destroy (header);
    return rc;
}

static void verify_ok (void *st, const struct msg *m, time_t now)
{
    char text[ERROR_TEXT_MAX] = "";
    int rc = verify_at (st, m, now, text);

    if (rc < 0)
        print_message ("verify: %s\n", text);
    assert_int_equal (rc, 0);
}

static void
verify_fails (void *st, const struct msg *m, time_t now, const char *text)
{
    char got[ERROR_TEXT_MAX] = "";

    errno = 0;
    assert_int_equal (verify_at (st, m, now, got), -1);
    assert_int_not_equal (errno, 0);
    if (strncmp (got, text, strlen (text)) != 0)
        print_message ("error text: %s\n", got);
    assert_int_equal (strncmp (got, text, strlen (text)), 0);
}

static void msg_free (struct msg *m)
{
    free (m->input);
    memset (m, 0, sizeof (*m));
}

/* Replace the header of 'm' with 'header', keeping payload and
 * signature.
 */
static void msg_reheader (struct msg *m, const struct kv *header)
{
    const char *dot = strchr (m->input, '.');
    const char *payload_end = m->input + m->signed_len;
    const char *enc;
    size_t len;
    char *h, *s;

    assert_int_equal (kv_encode (header, &enc, &len), 0);
    h = b64 (enc, len);
    assert_true (
        asprintf (&s, "%s.%.*s", h, (int)(payload_end - dot - 1), dot + 1) > 0);
    {
        char *sig = strdup (m->signature);
        free (m->input);
        msg_set (m, s, sig);
        free (sig);
    }
    free (h);
}

/* Directories and certificates in the fixture directory */

static void mkdir_p (const char *path)
{
    char buf[4096];

    snprintf (buf, sizeof (buf), "%s", path);
    for (char *p = buf + 1; *p; p++) {
        if (*p == '/') {
            *p = '\0';
            assert_true (mkdir (buf, 0700) == 0 || errno == EEXIST);
            *p = '/';
        }
    }
    assert_true (mkdir (buf, 0700) == 0 || errno == EEXIST);
}

static int
rm_one (const char *p, const struct stat *sb, int flag, struct FTW *f)
{
    return remove (p);
}

static int rm_rf (const char *path)
{
    return nftw (path, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

/* A new certificate stored as <home of userid>/.flux/curve/sig. */
static struct sigcert *user_cert_store (int64_t userid)
{
    char *home = fixture_home (userid);
    char path[4096];
    struct sigcert *cert = sigcert_create ();
    struct error err = {{0}};
    int rc;

    snprintf (path, sizeof (path), "%s/.flux/curve", home);
    mkdir_p (path);
    strcat (path, "/sig");
    (void)unlink (path);
    rc = sigcert_store (cert, path, &err);
    if (rc < 0)
        print_message ("store: %s\n", err.text);
    assert_int_equal (rc, 0);
    free (home);
    return cert;
}

/* A CA in <fixture_dir>/ca, with the user certificate of 'userid' signed
 * by it (not valid before 'nvbt', for 'ttl').
 */
static struct ca *
ca_setup (const struct cf *cf, int64_t userid, time_t nvbt, int64_t ttl)
{
    struct error err = {{0}};
    struct ca *ca = ca_create (cf, &err);
    struct sigcert *cert = user_cert_store (userid);
    char *home = fixture_home (userid);
    char path[4096];

    assert_non_null (ca);
    mkdir_p (fixture_path ("ca"));
    (void)unlink (fixture_path ("ca/ca"));
    assert_int_equal (ca_keygen (ca, 0, NULL), 0);
    assert_int_equal (ca_store (ca, NULL), 0);
    assert_int_equal (ca_sign (ca, cert, nvbt, ttl, userid, &err), 0);
    snprintf (path, sizeof (path), "%s/.flux/curve/sig", home);
    assert_int_equal (unlink (path), 0);
    assert_int_equal (sigcert_store (cert, path, NULL), 0);
    sigcert_destroy (cert);
    free (home);
    return ca;
}

static int64_t my_uid (void)
{
    return (int64_t)getuid ();
}

/* Configuration */

static void test_init_config (void **state)
{
    struct cf *cf;

    cf = config ("[sign]\nmax-ttl = 5\n");
    init_fails (cf, "sign-curve-init: [sign.curve] config missing");
    cf_destroy (cf);
    cf = config ("[sign.curve]\ncert-path = \"/x\"\n");
    init_fails (cf, "sign-curve-init: ");
    init_fails (cf, "'sign.curve.require-ca' must be set");
    cf_destroy (cf);
    cf = config ("[sign.curve]\nrequire-ca = \"yes\"\n");
    init_fails (cf, "'sign.curve.require-ca' must be of type bool");
    cf_destroy (cf);
    cf = config ("[sign.curve]\nrequire-ca = false\nunknown = 1\n");
    init_fails (cf, "'sign.curve.unknown' is unknown");
    cf_destroy (cf);
    cf = config ("[sign.curve]\nrequire-ca = false\ncert-path = 5\n");
    init_fails (cf, "'sign.curve.cert-path' must be of type string");
    cf_destroy (cf);
    cf = config ("[sign.curve]\nrequire-ca = false\ncert-path = \"\"\n");
    init_fails (cf, "sign-curve-init: [sign.curve] cert-path is empty");
    cf_destroy (cf);
    cf = config ("[sign]\ncurve = 1\n");
    init_fails (cf, "sign-curve-init: ");
    cf_destroy (cf);
}

static void test_prep_load_error (void **state)
{
    struct cf *cf = config ("[sign.curve]\nrequire-ca = false\n"
                            "cert-path = \"%s\"\n",
                            fixture_path ("nonexistent/sig"));
    void *st = init_ok (cf, MAX_TTL);
    struct kv *header = kv_create ();
    struct error err = {{0}};
    char want[ERROR_TEXT_MAX];

    snprintf (want, sizeof (want),
              "sign-curve-prep: load %s: No such file or directory",
              fixture_path ("nonexistent/sig"));
    assert_int_equal (sign_mech_curve.prep (st, header, my_uid (), &err), -1);
    assert_int_equal (errno, ENOENT);
    assert_int_equal (strncmp (err.text, want, strlen (want)), 0);
    /* sign without a certificate */
    assert_null (sign_mech_curve.sign (st, "x", 1, &err));
    assert_string_equal (err.text, "sign-curve-sign: no signing certificate");
    assert_int_equal (kv_count (header), 0);
    kv_destroy (header);
    sign_mech_curve.destroy (st);
    cf_destroy (cf);
}

/* Hostile messages (no CA: the user's own certificate) */

static void test_tampered (void **state)
{
    struct sigcert *cert = user_cert_store (my_uid ());
    struct cf *cf = config_noca ();
    void *st = init_ok (cf, MAX_TTL);
    struct msg m, t;
    struct kv *header;
    char *p;

    wrap (st, my_uid (), "hello", &m);
    verify_ok (st, &m, T0);

    /* payload */
    t = m;
    assert_non_null ((t.input = strdup (m.input)));
    t.signature = t.input + t.signed_len + 1;
    p = strchr (t.input, '.') + 1;
    *p = *p == 'a' ? 'b' : 'a';
    verify_fails (st, &t, T0, "sign-curve-verify: verification failure");
    free (t.input);

    /* signature: one character, truncated, empty, not base64 */
    assert_non_null ((t.input = strdup (m.input)));
    t.signature = t.input + t.signed_len + 1;
    t.input[t.signed_len + 5] = t.input[t.signed_len + 5] == 'A' ? 'B' : 'A';
    verify_fails (st, &t, T0, "sign-curve-verify: verification failure");
    t.input[t.signed_len + 20] = '\0';
    verify_fails (st, &t, T0, "sign-curve-verify: verification failure");
    t.input[t.signed_len + 1] = '\0';
    verify_fails (st, &t, T0, "sign-curve-verify: verification failure");
    free (t.input);

    /* header userid changed: the signature covers the header */
    header = msg_header (&m);
    assert_int_equal (kv_put_int64 (header, "userid", my_uid () + 1), 0);
    t = m;
    assert_non_null ((t.input = strdup (m.input)));
    msg_reheader (&t, header);
    verify_fails (st, &t, T0, "sign-curve-verify: verification failure");
    msg_free (&t);
    /* xtime pushed forward */
    assert_int_equal (kv_put_int64 (header, "userid", my_uid ()), 0);
    assert_int_equal (kv_put_timestamp (header, "curve.xtime", T0 + 99999), 0);
    assert_non_null ((t.input = strdup (m.input)));
    t.signed_len = m.signed_len;
    t.signature = t.input + t.signed_len + 1;
    msg_reheader (&t, header);
    verify_fails (st, &t, T0, "sign-curve-verify: verification failure");
    msg_free (&t);
    kv_destroy (header);

    msg_free (&m);
    sign_mech_curve.destroy (st);
    cf_destroy (cf);
    sigcert_destroy (cert);
}

/* A header without 'key' (or with it of another type) */
static void check_incomplete (void *st, const struct msg *m, const char *key)
{
    struct kv *header = msg_header (m);
    struct error err = {{0}};

    assert_int_equal (kv_delete (header, key), 0);
    test_now = T0;
    assert_int_equal (sign_mech_curve.verify (st, header, my_uid (), m->input,
                                              m->signed_len, m->signature,
                                              &err),
                      -1);
    assert_string_equal (err.text, "sign-curve-verify: incomplete header");
    assert_int_equal (kv_put_string (header, key, "x"), 0);
    assert_int_equal (sign_mech_curve.verify (st, header, my_uid (), m->input,
                                              m->signed_len, m->signature,
                                              &err),
                      -1);
    assert_string_equal (err.text, "sign-curve-verify: incomplete header");
    kv_destroy (header);
}

static void test_incomplete_header (void **state)
{
    struct sigcert *cert = user_cert_store (my_uid ());
    struct cf *cf = config_noca ();
    void *st = init_ok (cf, MAX_TTL);
    struct kv *header;
    struct error err = {{0}};
    struct msg m;

    wrap (st, my_uid (), "hello", &m);
    check_incomplete (st, &m, "curve.ctime");
    check_incomplete (st, &m, "curve.xtime");
    check_incomplete (st, &m, "userid");
    check_incomplete (st, &m, "curve.cert.curve.public-key");
    /* an extra entry in the certificate */
    header = msg_header (&m);
    assert_int_equal (kv_put_string (header, "curve.cert.extra", "x"), 0);
    assert_int_equal (sign_mech_curve.verify (st, header, my_uid (), m.input,
                                              m.signed_len, m.signature, &err),
                      -1);
    assert_string_equal (err.text, "sign-curve-verify: incomplete header");
    kv_destroy (header);
    /* no header at all */
    header = kv_create ();
    assert_int_equal (sign_mech_curve.verify (st, header, my_uid (), m.input,
                                              m.signed_len, m.signature, &err),
                      -1);
    assert_string_equal (err.text, "sign-curve-verify: incomplete header");
    kv_destroy (header);
    msg_free (&m);
    sign_mech_curve.destroy (st);
    cf_destroy (cf);
    sigcert_destroy (cert);
}

static void test_times (void **state)
{
    struct sigcert *cert = user_cert_store (my_uid ());
    struct cf *cf = config_noca ();
    void *signer = init_ok (cf, MAX_TTL);
    void *strict = init_ok (cf, 60);
    struct msg m;
    time_t ctime = 0, xtime = 0;

    wrap (signer, my_uid (), "hello", &m);
    /* ctime in the future, by one second */
    verify_fails (signer, &m, T0 - 1,
                  "sign-curve-verify: ctime is in the"
                  " future");
    /* xtime passed */
    verify_ok (signer, &m, T0 + MAX_TTL);
    verify_fails (signer, &m, T0 + MAX_TTL + 1,
                  "sign-curve-verify: xtime or max-ttl exceeded");
    /* the verifier's max-ttl is shorter than the signer's */
    verify_ok (strict, &m, T0 + 60);
    verify_fails (strict, &m, T0 + 61,
                  "sign-curve-verify: xtime or max-ttl exceeded");
    /* times of the last verified message */
    verify_ok (strict, &m, T0 + 30);
    sign_mech_curve.times (strict, NULL, true, &ctime, &xtime);
    assert_int_equal (ctime, T0);
    assert_int_equal (xtime, T0 + 60);
    verify_ok (signer, &m, T0);
    sign_mech_curve.times (signer, NULL, true, &ctime, &xtime);
    assert_int_equal (xtime, T0 + MAX_TTL);
    ctime = xtime = 0;
    sign_mech_curve.times (signer, NULL, false, &ctime, &xtime);
    sign_mech_curve.times (NULL, NULL, true, &ctime, &xtime);
    assert_int_equal (ctime, 0);
    assert_int_equal (xtime, 0);
    /* a failed verify forgets them */
    verify_fails (signer, &m, T0 - 1, "sign-curve-verify: ctime");
    sign_mech_curve.times (signer, NULL, true, &ctime, &xtime);
    assert_int_equal (ctime, 0);
    msg_free (&m);
    sign_mech_curve.destroy (signer);
    sign_mech_curve.destroy (strict);
    cf_destroy (cf);
    sigcert_destroy (cert);
}

/* Without a CA: the certificate must be the user's own */

static void test_noca_other_users_cert (void **state)
{
    struct sigcert *mine = user_cert_store (my_uid ());
    struct sigcert *theirs = user_cert_store (4242);
    struct cf *cf = config_noca ();
    void *st = init_ok (cf, MAX_TTL);
    struct msg m;
    char want[ERROR_TEXT_MAX];

    /* signed with my certificate, claiming to be 4242 */
    wrap (st, 4242, "hello", &m);
    verify_fails (st, &m, T0, "sign-curve-verify: cert verification failed");
    msg_free (&m);
    /* user without a certificate */
    wrap (st, 4343, "hello", &m);
    snprintf (want, sizeof (want),
              "sign-curve-verify: error loading cert from %s/.flux/curve/sig",
              fixture_path ("home4343"));
    verify_fails (st, &m, T0, want);
    msg_free (&m);
    /* unknown user */
    wrap (st, 666, "hello", &m);
    verify_fails (st, &m, T0,
                  "sign-curve-verify: error loading cert of"
                  " userid 666: unknown user");
    msg_free (&m);
    sign_mech_curve.destroy (st);
    cf_destroy (cf);
    sigcert_destroy (mine);
    sigcert_destroy (theirs);
}

/* A user certificate, and a signer and a verifier without CA. */
struct noca {
    struct sigcert *cert;
    struct cf *cf;
    void *signer;
    void *verifier;
};

static void noca_setup (struct noca *n)
{
    n->cert = user_cert_store (my_uid ());
    n->cf = config_noca ();
    n->signer = init_ok (n->cf, MAX_TTL);
    n->verifier = init_ok (n->cf, MAX_TTL);
}

static void noca_teardown (struct noca *n)
{
    sign_mech_curve.destroy (n->signer);
    sign_mech_curve.destroy (n->verifier);
    cf_destroy (n->cf);
    sigcert_destroy (n->cert);
}

/* The "curve.cert." entries of the header of 'm'. */
static struct kv *msg_cert_kv (const struct msg *m)
{
    struct kv *header = msg_header (m);
    struct kv *certkv = kv_split (header, "curve.cert.");

    assert_non_null (certkv);
    kv_destroy (header);
    return certkv;
}

static void test_noca_ok (void **state)
{
    struct noca n;
    struct kv *header;
    struct kv *certkv, *mine, *again;
    struct msg m;
    time_t t;

    noca_setup (&n);
    wrap (n.signer, my_uid (), "hello", &m);
    verify_ok (n.verifier, &m, T0);
    verify_ok (n.verifier, &m, T0 + 100);
    /* the header carries the certificate, ctime and xtime */
    header = msg_header (&m);
    certkv = msg_cert_kv (&m);
    assert_non_null ((mine = sigcert_encode (n.cert)));
    assert_true (kv_equal (certkv, mine));
    assert_int_equal (kv_get_timestamp (header, "curve.ctime", &t), 0);
    assert_int_equal (t, T0);
    assert_int_equal (kv_get_timestamp (header, "curve.xtime", &t), 0);
    assert_int_equal (t, T0 + MAX_TTL);
    kv_destroy (header);
    msg_free (&m);
    /* an empty payload; the certificate kept by the signer is the same */
    wrap (n.signer, my_uid (), "", &m);
    verify_ok (n.verifier, &m, T0);
    again = msg_cert_kv (&m);
    assert_true (kv_equal (again, mine));
    kv_destroy (again);
    kv_destroy (certkv);
    kv_destroy (mine);
    msg_free (&m);
    noca_teardown (&n);
}

/* Without a CA, the verifier keeps each user's certificate path and the
 * certificate last read, while the file does not change.
 */

static unsigned int home_lookups;

static char *counting_home (int64_t userid)
{
    home_lookups++;
    return fixture_home (userid);
}

/* "<home of userid>/.flux/curve/<name>" in 'buf'. */
static const char *curve_path (int64_t userid, const char *name, char *buf)
{
    char *home = fixture_home (userid);

    snprintf (buf, 4096, "%s/.flux/curve/%s", home, name);
    free (home);
    return buf;
}

/* Write the public part of 'cert' over <name>.pub, in place (same
 * inode; the size of a certificate without CA signature is fixed).
 */
static void rewrite_pub (const struct sigcert *cert, const char *name)
{
    struct sigcert *pub;
    struct kv *kv = sigcert_encode (cert);

    assert_non_null (kv);
    assert_non_null ((pub = sigcert_decode (kv, NULL)));
    assert_int_equal (sigcert_store (pub, name, NULL), 0);
    sigcert_destroy (pub);
    kv_destroy (kv);
}

/* Wait until 'path' has not changed for over a second, so that the
 * verifier keeps the certificate it reads from it (see settled()).
 */
static void wait_settled (const char *path)
{
    struct timespec now, pause = {0, 50 * 1000 * 1000};
    struct stat sb;

    for (;;) {
        assert_int_equal (lstat (path, &sb), 0);
        assert_int_equal (clock_gettime (CLOCK_REALTIME, &now), 0);
        if (settled (&sb, &now))
            return;
        nanosleep (&pause, NULL);
    }
}

/* Verify 'm' twice: the certificate is read once (then kept). */
static void verify_kept (void *st, const struct msg *m)
{
    unsigned int reads;

    verify_ok (st, m, T0);
    reads = test_user_cert_reads;
    verify_ok (st, m, T0);
    verify_ok (st, m, T0);
    assert_int_equal (test_user_cert_reads, reads);
}

static void test_noca_cert_replaced (void **state)
{
    struct sigcert *other = sigcert_create ();
    char name[4096], pub[4096], path[4096];
    unsigned int reads;
    struct noca n;
    void *verifier;
    struct sigcert *cert;
    struct msg m;

    noca_setup (&n);
    verifier = n.verifier;
    cert = n.cert;
    curve_path (my_uid (), "sig", name);
    curve_path (my_uid (), "sig.pub", pub);
    wrap (n.signer, my_uid (), "hello", &m);
    test_home = counting_home;
    home_lookups = 0;

    /* changed within the same second as it was read: never kept */
    verify_ok (verifier, &m, T0);
    rewrite_pub (other, name);
    verify_fails (verifier, &m, T0, "sign-curve-verify: cert verification");
    rewrite_pub (cert, name);
    verify_ok (verifier, &m, T0);

    /* settled: kept while lstat() matches, read again on a rewrite */
    wait_settled (pub);
    verify_kept (verifier, &m);
    reads = test_user_cert_reads;
    rewrite_pub (other, name);
    verify_fails (verifier, &m, T0, "sign-curve-verify: cert verification");
    assert_int_equal (test_user_cert_reads, reads + 1);
    rewrite_pub (cert, name);
    wait_settled (pub);
    verify_kept (verifier, &m);

    /* a mode that sigcert_load refuses */
    assert_int_equal (chmod (pub, 0666), 0);
    verify_fails (verifier, &m, T0, "sign-curve-verify: error loading cert");
    assert_int_equal (errno, EPERM);
    assert_int_equal (chmod (pub, 0644), 0);
    verify_ok (verifier, &m, T0);

    /* replaced by rename, removed, replaced by a symbolic link */
    curve_path (my_uid (), "new", path);
    assert_int_equal (sigcert_store (other, path, NULL), 0);
    strcat (path, ".pub");
    assert_int_equal (rename (path, pub), 0);
    verify_fails (verifier, &m, T0, "sign-curve-verify: cert verification");
    assert_int_equal (unlink (pub), 0);
    verify_fails (verifier, &m, T0, "sign-curve-verify: error loading cert");
    assert_int_equal (errno, ENOENT);
    curve_path (my_uid (), "copy", path);
    rewrite_pub (cert, path);
    strcat (path, ".pub");
    assert_int_equal (symlink (path, pub), 0);
    verify_fails (verifier, &m, T0, "sign-curve-verify: error loading cert");
    assert_int_equal (errno, ELOOP);
    assert_int_equal (unlink (pub), 0);

    /* the home directory was looked up once */
    assert_int_equal (home_lookups, 1);
    test_home = fixture_home;
    msg_free (&m);
    noca_teardown (&n);
    sigcert_destroy (other);
}

/* The home directories of USER_CACHE_SIZE users are kept, the least
 * recently used is dropped for another; an unknown user is not kept.
 */
static void test_noca_home_cache (void **state)
{
    struct msg m[USER_CACHE_SIZE + 1];
    const char *noload = "sign-curve-verify: error loading cert from";
    struct noca n;
    void *verifier;

    noca_setup (&n);
    verifier = n.verifier;
    for (int i = 0; i <= USER_CACHE_SIZE; i++)
        wrap (n.signer, 5000 + i, "hello", &m[i]);
    test_home = counting_home;
    home_lookups = 0;
    for (int pass = 0; pass < 2; pass++) {
        for (int i = 0; i < USER_CACHE_SIZE; i++)
            verify_fails (verifier, &m[i], T0, noload);
    }
    assert_int_equal (home_lookups, USER_CACHE_SIZE);
    /* one more user: the least recently used (5000) makes room */
    verify_fails (verifier, &m[USER_CACHE_SIZE], T0, noload);
    verify_fails (verifier, &m[1], T0, noload);
    assert_int_equal (home_lookups, USER_CACHE_SIZE + 1);
    verify_fails (verifier, &m[0], T0, noload);
    assert_int_equal (home_lookups, USER_CACHE_SIZE + 2);
    msg_free (&m[0]);
    wrap (n.signer, 666, "hello", &m[0]);
    verify_fails (verifier, &m[0], T0,
                  "sign-curve-verify: error loading cert of");
    verify_fails (verifier, &m[0], T0,
                  "sign-curve-verify: error loading cert of");
    assert_int_equal (home_lookups, USER_CACHE_SIZE + 4);
    test_home = fixture_home;
    for (int i = 0; i <= USER_CACHE_SIZE; i++)
        msg_free (&m[i]);
    noca_teardown (&n);
}

/* The header key order of wire.md 2.5 */
static void test_header_order (void **state)
{
    static const char *order[] = {
        "version",
        "mechanism",
        "userid",
        "curve.cert.meta.algorithm",
        "curve.cert.meta.uuid",
        "curve.cert.meta.not-valid-before-time",
        "curve.cert.meta.ctime",
        "curve.cert.meta.xtime",
        "curve.cert.meta.userid",
        "curve.cert.meta.max-sign-ttl",
        "curve.cert.meta.issuer",
        "curve.cert.meta.domain",
        "curve.cert.meta.ca-capability",
        "curve.cert.curve.public-key",
        "curve.cert.curve.signature",
        "curve.ctime",
        "curve.xtime",
    };
    struct cf *cf = config_ca ("");
    struct ca *ca = ca_setup (cf, my_uid (), 0, 0);
    void *st = init_ok (cf, MAX_TTL);
    struct kv *header;
    struct kv_entry e;
    size_t cursor = 0, i = 0;
    struct msg m;

    wrap (st, my_uid (), "hello", &m);
    header = msg_header (&m);
    while (kv_next (header, &cursor, &e)) {
        assert_true (i < sizeof (order) / sizeof (order[0]));
        assert_string_equal (e.key, order[i++]);
    }
    assert_int_equal (i, sizeof (order) / sizeof (order[0]));
    kv_destroy (header);
    msg_free (&m);
    sign_mech_curve.destroy (st);
    ca_destroy (ca);
    cf_destroy (cf);
}

/* With a CA */

/* Sign at 'when' with a fresh state. */
static void
wrap_at (const struct cf *cf, int64_t userid, time_t when, struct msg *m)
{
    void *st = init_ok (cf, MAX_TTL);
    struct kv *header = kv_create ();
    struct error err = {{0}};
    char *part, *sig;

    assert_int_equal (kv_put_int64 (header, "version", 1), 0);
    assert_int_equal (kv_put_string (header, "mechanism", "curve"), 0);
    assert_int_equal (kv_put_int64 (header, "userid", userid), 0);
    test_now = when;
    if (sign_mech_curve.prep (st, header, userid, &err) < 0)
        print_message ("prep: %s\n", err.text);
    part = signed_part (header, "hello");
    assert_non_null (
        (sig = sign_mech_curve.sign (st, part, strlen (part), &err)));
    msg_set (m, part, sig);
    free (sig);
    kv_destroy (header);
    sign_mech_curve.destroy (st);
}

static void test_ca_ok (void **state)
{
    struct cf *cf = config_ca ("");
    time_t now = time (NULL);
    struct ca *ca = ca_setup (cf, my_uid (), 0, 0);
    void *verifier = init_ok (cf, MAX_TTL);
    struct msg m;
    time_t ctime = 0, xtime = 0;

    wrap_at (cf, my_uid (), now, &m);
    verify_ok (verifier, &m, now);
    verify_ok (verifier, &m, now + MAX_SIGN_TTL);
    sign_mech_curve.times (verifier, NULL, true, &ctime, &xtime);
    assert_int_equal (ctime, now);
    assert_int_equal (xtime, now + MAX_SIGN_TTL); /* the shortest limit */
    /* max-sign-ttl of the certificate exceeded, max-ttl not */
    verify_fails (verifier, &m, now + MAX_SIGN_TTL + 1,
                  "sign-curve-verify: ca: max-sign-ttl exceeded");
    msg_free (&m);
    sign_mech_curve.destroy (verifier);
    ca_destroy (ca);
    cf_destroy (cf);
}

static void test_ca_expired_cert (void **state)
{
    struct cf *cf = config_ca ("");
    time_t now = time (NULL);
    struct ca *ca = ca_setup (cf, my_uid (), now - 1000, 100);
    void *st = init_ok (cf, MAX_TTL);
    struct msg m;

    wrap_at (cf, my_uid (), now - 950, &m);
    verify_ok (st, &m, now - 950);
    verify_fails (st, &m, now, "sign-curve-verify: ca: cert has expired");
    msg_free (&m);
    sign_mech_curve.destroy (st);
    ca_destroy (ca);
    cf_destroy (cf);
}

static void test_ca_not_yet_valid (void **state)
{
    struct cf *cf = config_ca ("");
    time_t now = time (NULL);
    struct ca *ca = ca_setup (cf, my_uid (), now + 1000, 0);
    void *st = init_ok (cf, MAX_TTL);
    struct msg m;

    wrap_at (cf, my_uid (), now, &m);
    verify_fails (st, &m, now, "sign-curve-verify: ca: cert is not yet valid");
    msg_free (&m);
    sign_mech_curve.destroy (st);
    ca_destroy (ca);
    cf_destroy (cf);
}

static void test_ca_revoked (void **state)
{
    struct cf *cf = config_ca ("");
    time_t now = time (NULL);
    struct ca *ca = ca_setup (cf, my_uid (), 0, 0);
    void *st = init_ok (cf, MAX_TTL);
    struct sigcert *cert;
    const char *uuid;
    char *home = fixture_home (my_uid ());
    char path[4096];
    struct msg m;

    wrap_at (cf, my_uid (), now, &m);
    verify_ok (st, &m, now);
    snprintf (path, sizeof (path), "%s/.flux/curve/sig", home);
    assert_non_null ((cert = sigcert_load (path, false, NULL)));
    assert_int_equal (sigcert_meta_get_string (cert, "uuid", &uuid), 0);
    assert_int_equal (ca_revoke (ca, uuid, NULL), 0);
    verify_fails (st, &m, now, "sign-curve-verify: ca: cert has been revoked");
    sigcert_destroy (cert);
    free (home);
    msg_free (&m);
    sign_mech_curve.destroy (st);
    ca_destroy (ca);
    cf_destroy (cf);
}

static void test_ca_userid_mismatch (void **state)
{
    struct cf *cf = config_ca ("");
    time_t now = time (NULL);
    struct ca *ca = ca_setup (cf, 4242, 0, 0);
    struct cf *signer_cf;
    void *st = init_ok (cf, MAX_TTL);
    struct msg m;
    char *home = fixture_home (4242);
    char path[4096];

    /* the certificate of 4242 used by my uid */
    snprintf (path, sizeof (path), "%s/.flux/curve/sig", home);
    signer_cf =
        config ("[sign.curve]\nrequire-ca = true\ncert-path = \"%s\"\n", path);
    wrap_at (signer_cf, my_uid (), now, &m);
    verify_fails (st, &m, now, "sign-curve-verify: ca: userid mismatch");
    msg_free (&m);
    free (home);
    sign_mech_curve.destroy (st);
    ca_destroy (ca);
    cf_destroy (cf);
    cf_destroy (signer_cf);
}

static void test_ca_unsigned_cert (void **state)
{
    struct cf *cf = config_ca ("");
    time_t now = time (NULL);
    struct ca *ca = ca_setup (cf, 4242, 0, 0);
    struct sigcert *cert = user_cert_store (my_uid ()); /* not CA-signed */
    void *st = init_ok (cf, MAX_TTL);
    struct msg m;

    wrap_at (cf, my_uid (), now, &m);
    verify_fails (st, &m, now,
                  "sign-curve-verify: ca: signature verification failed");
    msg_free (&m);
    sign_mech_curve.destroy (st);
    sigcert_destroy (cert);
    ca_destroy (ca);
    cf_destroy (cf);
}

static void test_ca_config_missing (void **state)
{
    struct sigcert *cert = user_cert_store (my_uid ());
    struct cf *cf = config ("[sign.curve]\nrequire-ca = true\n");
    struct cf *bad = config ("[sign.curve]\nrequire-ca = true\n"
                             "[ca]\nmax-cert-ttl = 1\n");
    struct cf *nofile =
        config ("[sign.curve]\nrequire-ca = true\n" CA_TOML,
                fixture_path ("noca/ca"), fixture_path ("noca/revoked"));
    void *st = init_ok (cf, MAX_TTL);
    void *st_bad = init_ok (bad, MAX_TTL);
    void *st_nofile = init_ok (nofile, MAX_TTL);
    struct msg m;
    char want[ERROR_TEXT_MAX];

    wrap_at (cf, my_uid (), T0, &m);
    verify_fails (st, &m, T0, "sign-curve-verify: [ca] config missing");
    verify_fails (st_bad, &m, T0, "sign-curve-verify: ca: security.toml:");
    snprintf (want, sizeof (want), "sign-curve-verify: ca: %s",
              fixture_path ("noca/ca.pub"));
    verify_fails (st_nofile, &m, T0, want);
    msg_free (&m);
    sign_mech_curve.destroy (st);
    sign_mech_curve.destroy (st_bad);
    sign_mech_curve.destroy (st_nofile);
    cf_destroy (cf);
    cf_destroy (bad);
    cf_destroy (nofile);
    sigcert_destroy (cert);
}

/* Without a CA, through the real password database: only if this test
 * can create ~/.flux (and so removes only what it made).
 */
static char real_flux_dir[3072];

static void test_noca_real_home (void **state)
{
    char path[4096];
    struct sigcert *cert = sigcert_create ();
    struct cf *cf = config_noca ();
    void *st;
    struct msg m;

    snprintf (path, sizeof (path), "%s/curve", real_flux_dir);
    assert_int_equal (mkdir (path, 0700), 0);
    strcat (path, "/sig");
    assert_int_equal (sigcert_store (cert, path, NULL), 0);
    test_home = NULL;
    st = init_ok (cf, MAX_TTL); /* no cert-path: the real ~/.flux */
    wrap (st, my_uid (), "hello", &m);
    verify_ok (st, &m, T0);
    msg_free (&m);
    /* another certificate in the same place: no longer the user's */
    wrap (st, my_uid (), "hello", &m);
    assert_int_equal (unlink (path), 0);
    strcat (path, ".pub");
    assert_int_equal (unlink (path), 0);
    sigcert_destroy (cert);
    cert = sigcert_create ();
    path[strlen (path) - 4] = '\0';
    assert_int_equal (sigcert_store (cert, path, NULL), 0);
    verify_fails (st, &m, T0, "sign-curve-verify: cert verification failed");
    msg_free (&m);
    test_home = fixture_home;
    sign_mech_curve.destroy (st);
    cf_destroy (cf);
    sigcert_destroy (cert);
}

/* Can the real-home case run?  NULL, or the reason it cannot. */
static const char *real_home_claim (void)
{
    char *home = home_of (my_uid ());

    if (!home)
        return "the current user has no home directory";
    snprintf (real_flux_dir, sizeof (real_flux_dir), "%s/.flux", home);
    free (home);
    if (mkdir (real_flux_dir, 0700) < 0) {
        real_flux_dir[0] = '\0';
        return errno == EEXIST ? "~/.flux exists already (not touched)"
                               : "the home directory is not writable";
    }
    return NULL;
}

int main (void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test (test_init_config),
        cmocka_unit_test (test_prep_load_error),
        cmocka_unit_test (test_tampered),
        cmocka_unit_test (test_incomplete_header),
        cmocka_unit_test (test_times),
        cmocka_unit_test (test_noca_other_users_cert),
        cmocka_unit_test (test_ca_expired_cert),
        cmocka_unit_test (test_ca_not_yet_valid),
        cmocka_unit_test (test_ca_revoked),
        cmocka_unit_test (test_ca_userid_mismatch),
        cmocka_unit_test (test_ca_unsigned_cert),
        cmocka_unit_test (test_ca_config_missing),
        cmocka_unit_test (test_noca_ok),
        cmocka_unit_test (test_noca_cert_replaced),
        cmocka_unit_test (test_noca_home_cache),
        cmocka_unit_test (test_header_order),
        cmocka_unit_test (test_ca_ok),
        cmocka_unit_test (test_noca_real_home),
    };
    size_t count = sizeof (tests) / sizeof (tests[0]);
    const char *why;
    int rc;

    if (fixture_dir_create ("test_sign_curve") < 0)
        return 1;
    if ((why = real_home_claim ())) {
        printf ("# test_noca_real_home not run: %s\n", why);
        count--;
    }
    test_home = fixture_home;
    cmocka_set_message_output (CM_OUTPUT_TAP);
    rc = _cmocka_run_group_tests ("tests", tests, count, NULL, NULL);
    if (real_flux_dir[0] && rm_rf (real_flux_dir) < 0) {
        perror (real_flux_dir);
        return 1;
    }
    if (fixture_dir_remove () < 0)
        return 1;
    return rc;
}
