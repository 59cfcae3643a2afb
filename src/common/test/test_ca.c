/* Unit tests of ca.c: hostile configurations and certificates first
 * (expired, not yet valid, revoked, tampered, wrong CA, CA without
 * ca-capability, hostile uuids), then key generation, signing and the
 * metadata the original writes.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tap_cmocka.h"
#include "fixture_files.h"
#include "common/ca.h"

#define MAX_CERT_TTL 86400
#define MAX_SIGN_TTL 600

/* A configuration from the TOML text 'body'. */
static struct cf *ca_config (const char *body)
{
    struct cf *cf = cf_create ();
    struct error err = {{0}};
    int rc;

    assert_non_null (cf);
    rc = cf_update_buffer (cf, "test.toml", body, strlen (body), &err);

    if (rc < 0)
        print_message ("config: %s\n", err.text);
    assert_int_equal (rc, 0);
    return cf;
}

/* [ca] with cert-path "<fixture_dir>/ca" and revoke-dir
 * "<fixture_dir>/<revoke_dir>".
 */
static char *ca_text (bool revoke_allow, const char *revoke_dir)
{
    char *s;

    assert_true (asprintf (&s,
                           "[ca]\n"
                           "max-cert-ttl = %d\n"
                           "max-sign-ttl = %d\n"
                           "cert-path = \"%s\"\n"
                           "revoke-dir = \"%s\"\n"
                           "revoke-allow = %s\n"
                           "domain = \"EXAMPLE.TEST\"\n",
                           MAX_CERT_TTL, MAX_SIGN_TTL, fixture_path ("ca"),
                           fixture_path (revoke_dir),
                           revoke_allow ? "true" : "false")
                 > 0);
    return s;
}

static struct ca *ca_new (bool revoke_allow, const char *revoke_dir)
{
    char *text = ca_text (revoke_allow, revoke_dir);
    struct cf *cf = ca_config (text);
    struct error err = {{0}};
    struct ca *ca = ca_create (cf, &err);

    if (!ca)
        print_message ("ca_create: %s\n", err.text);
    assert_non_null (ca);
    cf_destroy (cf);
    free (text);
    return ca;
}

/* A CA with a new key in memory. */
static struct ca *ca_keyed (void)
{
    struct ca *ca = ca_new (true, "revoked");

    assert_int_equal (ca_keygen (ca, 0, NULL), 0);
    return ca;
}

/* A user certificate signed by 'ca'. */
static struct sigcert *
signed_cert (struct ca *ca, time_t nvbt, int64_t ttl, int64_t userid)
{
    struct sigcert *cert = sigcert_create ();
    struct error err = {{0}};

    assert_non_null (cert);
    if (ca_sign (ca, cert, nvbt, ttl, userid, &err) < 0)
        print_message ("ca_sign: %s\n", err.text);
    assert_true (sigcert_has_signature (cert));
    return cert;
}

static void assert_verify_fails (struct ca *ca,
                                 const struct sigcert *cert,
                                 time_t now,
                                 const char *text)
{
    struct error err = {{0}};
    int64_t userid = -1;

    errno = 0;
    assert_int_equal (ca_verify (ca, cert, now, &userid, NULL, &err), -1);
    assert_int_not_equal (errno, 0);
    assert_int_equal (userid, -1);
    assert_string_equal (err.text, text);
}

static void assert_create_fails (const char *body, int errnum, const char *text)
{
    struct cf *cf = ca_config (body);
    struct error err = {{0}};

    errno = 0;
    assert_null (ca_create (cf, &err));
    assert_int_equal (errno, errnum);
    if (!strstr (err.text, text))
        print_message ("error text: %s\n", err.text);
    assert_non_null (strstr (err.text, text));
    cf_destroy (cf);
}

/* Hostile configurations */

static void test_config_missing (void **state)
{
    assert_create_fails ("[sign]\nmax-ttl = 5\n", ENOENT,
                         "[ca] config missing");
    assert_create_fails ("ca = 5\n", EINVAL, "'ca' must be of type table");
}

static void test_config_keys (void **state)
{
    static const char *keys[] = {
        "max-cert-ttl = 1\n",     "max-sign-ttl = 1\n",
        "cert-path = \"/a\"\n",   "revoke-dir = \"/b\"\n",
        "revoke-allow = false\n", "domain = \"D\"\n",
    };
    static const char *names[] = {
        "max-cert-ttl", "max-sign-ttl", "cert-path",
        "revoke-dir",   "revoke-allow", "domain",
    };

    /* each key left out in turn */
    for (int skip = 0; skip < 6; skip++) {
        char body[512] = "[ca]\n";
        char text[64];
        for (int i = 0; i < 6; i++)
            if (i != skip)
                strcat (body, keys[i]);
        snprintf (text, sizeof (text), "'ca.%s' must be set", names[skip]);
        assert_create_fails (body, ENOENT, text);
    }
}

static void test_config_types (void **state)
{
    static const char base[] = "[ca]\n"
                               "cert-path = \"/a\"\n"
                               "revoke-dir = \"/b\"\n"
                               "domain = \"D\"\n";
    char body[512];

    snprintf (body, sizeof (body),
              "%smax-cert-ttl = \"1\"\nmax-sign-ttl = 1\n"
              "revoke-allow = false\n",
              base);
    assert_create_fails (body, EINVAL, "'ca.max-cert-ttl' must be of type");
    snprintf (body, sizeof (body),
              "%smax-cert-ttl = 1\nmax-sign-ttl = 1\nrevoke-allow = 1\n", base);
    assert_create_fails (body, EINVAL, "'ca.revoke-allow' must be of type");
    snprintf (body, sizeof (body),
              "%smax-cert-ttl = 1\nmax-sign-ttl = 1\nrevoke-allow = false\n"
              "unknown = 1\n",
              base);
    assert_create_fails (body, EINVAL, "'ca.unknown' is unknown");
    snprintf (body, sizeof (body),
              "%smax-cert-ttl = 0\nmax-sign-ttl = 1\nrevoke-allow = false\n",
              base);
    assert_create_fails (body, EINVAL,
                         "max-cert-ttl must be greater than zero");
    snprintf (body, sizeof (body),
              "%smax-cert-ttl = 1\nmax-sign-ttl = -5\nrevoke-allow = false\n",
              base);
    assert_create_fails (body, EINVAL,
                         "max-sign-ttl must be greater than zero");
    assert_create_fails ("[ca]\nmax-cert-ttl = 1\nmax-sign-ttl = 1\n"
                         "cert-path = \"\"\nrevoke-dir = \"/b\"\n"
                         "domain = \"D\"\nrevoke-allow = false\n",
                         EINVAL, "cert-path must not be empty");
}

/* Hostile certificates */

static void test_verify_expired (void **state)
{
    struct ca *ca = ca_keyed ();
    time_t now = time (NULL);
    struct sigcert *cert = signed_cert (ca, now - 1000, 100, 1001);

    assert_verify_fails (ca, cert, now, "cert has expired");
    assert_int_equal (ca_verify (ca, cert, now - 950, NULL, NULL, NULL), 0);
    /* xtime itself is still valid, a second later is not */
    assert_int_equal (ca_verify (ca, cert, now - 900, NULL, NULL, NULL), 0);
    assert_verify_fails (ca, cert, now - 899, "cert has expired");
    sigcert_destroy (cert);
    ca_destroy (ca);
}

static void test_verify_not_yet_valid (void **state)
{
    struct ca *ca = ca_keyed ();
    time_t now = time (NULL);
    struct sigcert *cert = signed_cert (ca, now + 1000, 0, 1001);

    assert_verify_fails (ca, cert, now, "cert is not yet valid");
    assert_verify_fails (ca, cert, now + 999, "cert is not yet valid");
    assert_int_equal (ca_verify (ca, cert, now + 1000, NULL, NULL, NULL), 0);
    sigcert_destroy (cert);
    ca_destroy (ca);
}

static void test_verify_revoked (void **state)
{
    struct ca *ca = ca_keyed ();
    time_t now = time (NULL);
    struct sigcert *cert = signed_cert (ca, 0, 0, 1001);
    struct sigcert *other = signed_cert (ca, 0, 0, 1001);
    const char *uuid;
    char path[4096];
    struct stat st;
    mode_t old = umask (022);

    assert_int_equal (ca_verify (ca, cert, now, NULL, NULL, NULL), 0);
    assert_int_equal (sigcert_meta_get_string (cert, "uuid", &uuid), 0);
    assert_int_equal (ca_revoke (ca, uuid, NULL), 0);
    assert_int_equal (ca_revoke (ca, uuid, NULL), 0); /* idempotent */
    umask (old);
    assert_verify_fails (ca, cert, now, "cert has been revoked");
    assert_int_equal (ca_verify (ca, other, now, NULL, NULL, NULL), 0);
    snprintf (path, sizeof (path), "%s/%s", fixture_path ("revoked"), uuid);
    assert_int_equal (stat (path, &st), 0);
    assert_true (S_ISREG (st.st_mode));
    assert_int_equal (st.st_mode & 07777, 0644);
    assert_int_equal (st.st_size, 0);
    assert_int_equal (stat (fixture_path ("revoked"), &st), 0);
    assert_int_equal (st.st_mode & 07777, 0755);
    sigcert_destroy (cert);
    sigcert_destroy (other);
    ca_destroy (ca);
}

static void test_verify_revocation_fails_closed (void **state)
{
    struct ca *ca;
    struct sigcert *cert;
    struct error err = {{0}};

    fixture_write ("revoke-file", "", 0, FIXTURE_NOCHANGE, FIXTURE_NOCHANGE,
                   0644);
    ca = ca_new (true, "revoke-file");
    assert_int_equal (ca_keygen (ca, 0, NULL), 0);
    cert = signed_cert (ca, 0, 0, 1001);
    errno = 0;
    assert_int_equal (ca_verify (ca, cert, time (NULL), NULL, NULL, &err), -1);
    assert_int_equal (errno, ENOTDIR);
    assert_non_null (strstr (err.text, "unable to check revocation"));
    sigcert_destroy (cert);
    ca_destroy (ca);
}

static void test_verify_tampered (void **state)
{
    struct ca *ca = ca_keyed ();
    struct sigcert *cert = signed_cert (ca, 0, 0, 1001);
    struct sigcert *forged;
    struct kv *kv = sigcert_encode (cert);
    struct kv *copy = NULL;
    const char *buf;
    size_t len;
    char *edit;
    char *p;

    /* the same bytes with meta.userid 1001 changed to 1002, signature
     * kept
     */
    assert_int_equal (kv_encode (kv, &buf, &len), 0);
    assert_non_null ((edit = malloc (len)));
    memcpy (edit, buf, len);
    assert_non_null ((p = memmem (edit, len, "i1001", 5)));
    p[4] = '2';
    assert_int_equal (kv_decode (edit, len, &copy, NULL), 0);
    assert_non_null ((forged = sigcert_decode (copy, NULL)));
    assert_true (sigcert_has_signature (forged));
    assert_verify_fails (ca, forged, time (NULL),
                         "signature verification failed");
    /* metadata changed through the API: the signature is gone */
    assert_int_equal (sigcert_meta_set_int64 (cert, "userid", 0), 0);
    assert_verify_fails (ca, cert, time (NULL),
                         "signature verification failed");
    sigcert_destroy (forged);
    kv_destroy (copy);
    kv_destroy (kv);
    free (edit);
    sigcert_destroy (cert);
    ca_destroy (ca);
}

static void test_verify_other_ca (void **state)
{
    struct ca *ca = ca_keyed ();
    struct ca *rogue = ca_keyed ();
    struct sigcert *cert = signed_cert (rogue, 0, 0, 1001);
    struct sigcert *unsigned_cert = sigcert_create ();

    assert_verify_fails (ca, cert, time (NULL),
                         "signature verification failed");
    assert_verify_fails (ca, unsigned_cert, time (NULL),
                         "signature verification failed");
    sigcert_destroy (cert);
    sigcert_destroy (unsigned_cert);
    ca_destroy (ca);
    ca_destroy (rogue);
}

static void test_verify_missing_metadata (void **state)
{
    static const char *keys[] = {
        "uuid",   "not-valid-before-time", "ctime", "xtime",
        "userid", "max-sign-ttl",
    };
    struct ca *ca = ca_keyed ();

    /* a certificate that the CA signed without one of the keys */
    for (int skip = 0; skip < 6; skip++) {
        struct sigcert *cert = sigcert_create ();
        time_t now = time (NULL);
        for (int i = 0; i < 6; i++) {
            if (i == skip)
                continue;
            if (i == 0)
                assert_int_equal (
                    sigcert_meta_set_string (
                        cert, keys[i], "00000000-0000-4000-8000-000000000000"),
                    0);
            else if (i < 4)
                assert_int_equal (
                    sigcert_meta_set_timestamp (cert, keys[i], now), 0);
            else
                assert_int_equal (sigcert_meta_set_int64 (cert, keys[i], 1), 0);
        }
        assert_int_equal (sigcert_sign_cert (ca_cert (ca), cert), 0);
        assert_verify_fails (ca, cert, now,
                             "required metadata is missing from cert");
        sigcert_destroy (cert);
    }
    ca_destroy (ca);
}

static void test_verify_hostile_uuid (void **state)
{
    struct ca *ca = ca_keyed ();
    struct sigcert *cert = signed_cert (ca, 0, 0, 1001);

    assert_int_equal (sigcert_meta_set_string (cert, "uuid", "../../x"), 0);
    assert_int_equal (sigcert_sign_cert (ca_cert (ca), cert), 0);
    assert_verify_fails (ca, cert, time (NULL),
                         "cert uuid is not a canonical UUID");
    sigcert_destroy (cert);
    ca_destroy (ca);
}

static void test_ca_lacks_capability (void **state)
{
    struct ca *ca = ca_keyed ();
    struct sigcert *cert = signed_cert (ca, 0, 0, 1001);
    struct sigcert *plain =
        sigcert_create_from_seed ((const uint8_t *)"0123456789abcdef"
                                                   "0123456789abcdef");
    struct sigcert *copy;
    struct kv *kv;

    /* a CA certificate without ca-capability, stored and loaded */
    assert_int_equal (sigcert_meta_set_string (plain, "uuid",
                                               "00000000-0000-4000-8000-"
                                               "000000000001"),
                      0);
    assert_int_equal (sigcert_store (plain, fixture_path ("ca"), NULL), 0);
    assert_int_equal (ca_load (ca, false, NULL), 0);
    assert_false (sigcert_has_secret (ca_cert (ca)));
    assert_verify_fails (ca, cert, time (NULL),
                         "ca certificate lacks ca-capability");
    /* and with ca-capability = false */
    assert_int_equal (unlink (fixture_path ("ca")), 0);
    assert_int_equal (sigcert_meta_set_bool (plain, "ca-capability", false), 0);
    assert_int_equal (sigcert_store (plain, fixture_path ("ca"), NULL), 0);
    assert_int_equal (ca_load (ca, true, NULL), 0);
    assert_verify_fails (ca, cert, time (NULL),
                         "ca certificate lacks ca-capability");
    /* even a certificate it signed itself */
    assert_non_null ((kv = sigcert_encode (plain)));
    assert_non_null ((copy = sigcert_decode (kv, NULL)));
    assert_int_equal (ca_sign (ca, copy, 0, 0, 1001, NULL), 0);
    assert_verify_fails (ca, copy, time (NULL),
                         "ca certificate lacks ca-capability");
    assert_int_equal (unlink (fixture_path ("ca")), 0);
    assert_int_equal (unlink (fixture_path ("ca.pub")), 0);
    kv_destroy (kv);
    sigcert_destroy (copy);
    sigcert_destroy (plain);
    sigcert_destroy (cert);
    ca_destroy (ca);
}

static void test_revoke_not_allowed (void **state)
{
    struct ca *ca = ca_new (false, "revoked-denied");
    struct error err = {{0}};

    errno = 0;
    assert_int_equal (
        ca_revoke (ca, "00000000-0000-4000-8000-000000000000", &err), -1);
    assert_int_equal (errno, EPERM);
    assert_non_null (strstr (err.text, "revoke-allow"));
    assert_int_equal (access (fixture_path ("revoked-denied"), F_OK), -1);
    ca_destroy (ca);
}

static void test_revoke_bad_uuid (void **state)
{
    static const char *bad[] = {
        "",
        "../../../../tmp/x",
        "00000000-0000-4000-8000-00000000000",
        "00000000-0000-4000-8000-0000000000000",
        "00000000-0000-4000-8000-00000000000/",
        "00000000-0000-4000-8000-00000000000G",
        "00000000-0000-4000-8000-00000000000A",
        "00000000_0000-4000-8000-000000000000",
        "000000000000-4000-8000-0000000000000",
        "../00000-0000-4000-8000-000000000000",
        "00000000-0000-4000-8000-000000000000\n",
    };
    struct ca *ca = ca_new (true, "revoked-bad");

    for (size_t i = 0; i < sizeof (bad) / sizeof (bad[0]); i++) {
        errno = 0;
        assert_int_equal (ca_revoke (ca, bad[i], NULL), -1);
        assert_int_equal (errno, EINVAL);
        assert_false (ca_uuid_valid (bad[i]));
    }
    assert_int_equal (ca_revoke (ca, NULL, NULL), -1);
    assert_int_equal (access (fixture_path ("revoked-bad"), F_OK), -1);
    ca_destroy (ca);
}

static void test_sign_ttl (void **state)
{
    struct ca *ca = ca_keyed ();
    struct sigcert *cert = sigcert_create ();
    struct error err = {{0}};
    time_t nvbt, xtime;

    errno = 0;
    assert_int_equal (ca_sign (ca, cert, 0, MAX_CERT_TTL + 1, 1001, &err), -1);
    assert_int_equal (errno, EINVAL);
    assert_string_equal (err.text, "ttl must be <= 86400");
    assert_int_equal (ca_sign (ca, cert, 0, -1, 1001, &err), -1);
    assert_int_equal (errno, EINVAL);
    assert_int_equal (ca_sign (ca, cert, -5, 0, 1001, &err), -1);
    assert_int_equal (errno, EINVAL);
    assert_int_equal (kv_count (sigcert_meta (cert)), 1); /* unchanged */
    assert_false (sigcert_has_signature (cert));

    assert_int_equal (ca_sign (ca, cert, 1000000, 0, 1001, NULL), 0);
    assert_int_equal (
        sigcert_meta_get_timestamp (cert, "not-valid-before-time", &nvbt), 0);
    assert_int_equal (sigcert_meta_get_timestamp (cert, "xtime", &xtime), 0);
    assert_int_equal (nvbt, 1000000);
    assert_int_equal (xtime, 1000000 + MAX_CERT_TTL);
    assert_int_equal (ca_sign (ca, cert, 1000000, 60, 1001, NULL), 0);
    assert_int_equal (sigcert_meta_get_timestamp (cert, "xtime", &xtime), 0);
    assert_int_equal (xtime, 1000060);
    sigcert_destroy (cert);
    ca_destroy (ca);
}

static void test_sign_needs_secret (void **state)
{
    struct ca *ca = ca_new (true, "revoked");
    struct sigcert *cert = sigcert_create ();
    struct error err = {{0}};

    errno = 0;
    assert_int_equal (ca_sign (ca, cert, 0, 0, 1001, &err), -1);
    assert_int_equal (errno, EINVAL);
    assert_string_equal (err.text, "CA secret key is not loaded");
    assert_int_equal (ca_keygen (ca, 0, NULL), 0);
    assert_int_equal (ca_store (ca, NULL), 0);
    assert_int_equal (ca_load (ca, false, NULL), 0);
    assert_int_equal (ca_sign (ca, cert, 0, 0, 1001, &err), -1);
    assert_string_equal (err.text, "CA secret key is not loaded");
    assert_int_equal (unlink (fixture_path ("ca")), 0);
    assert_int_equal (unlink (fixture_path ("ca.pub")), 0);
    sigcert_destroy (cert);
    ca_destroy (ca);
}

/* Key generation, signing, verification */

static void test_uuid (void **state)
{
    char a[37], b[37];

    assert_true (ca_uuid_valid ("6b5f1e2a-3c4d-4e5f-8a9b-0c1d2e3f4a5b"));
    for (int i = 0; i < 1000; i++) {
        assert_int_equal (ca_uuid_generate (a, sizeof (a)), 0);
        assert_true (ca_uuid_valid (a));
        assert_int_equal (a[14], '4');
        assert_non_null (strchr ("89ab", a[19]));
    }
    assert_int_equal (ca_uuid_generate (b, sizeof (b)), 0);
    assert_string_not_equal (a, b);
    errno = 0;
    assert_int_equal (ca_uuid_generate (a, 36), -1);
    assert_int_equal (errno, EINVAL);
    assert_false (ca_uuid_valid (NULL));
}

static void test_keygen (void **state)
{
    struct ca *ca = ca_new (true, "revoked");
    const struct sigcert *cert;
    const char *uuid, *issuer, *domain;
    time_t ctime, xtime;
    int64_t userid, mst;
    bool cap;

    assert_null (ca_cert (ca));
    assert_int_equal (ca_keygen (ca, -1, NULL), -1);
    assert_int_equal (errno, EINVAL);
    assert_int_equal (ca_keygen (ca, 0, NULL), 0);
    assert_non_null ((cert = ca_cert (ca)));
    assert_true (sigcert_has_secret (cert));
    assert_int_equal (sigcert_meta_get_string (cert, "uuid", &uuid), 0);
    assert_true (ca_uuid_valid (uuid));
    assert_int_equal (sigcert_meta_get_string (cert, "issuer", &issuer), 0);
    assert_string_equal (uuid, issuer);
    assert_int_equal (sigcert_meta_get_string (cert, "domain", &domain), 0);
    assert_string_equal (domain, "EXAMPLE.TEST");
    assert_int_equal (sigcert_meta_get_bool (cert, "ca-capability", &cap), 0);
    assert_true (cap);
    assert_int_equal (sigcert_meta_get_int64 (cert, "userid", &userid), 0);
    assert_int_equal (userid, (int64_t)getuid ());
    assert_int_equal (sigcert_meta_get_timestamp (cert, "ctime", &ctime), 0);
    assert_int_equal (sigcert_meta_get_timestamp (cert, "xtime", &xtime), 0);
    assert_int_equal (xtime - ctime, MAX_CERT_TTL);
    /* self-signed: it verifies against itself */
    assert_int_equal (sigcert_verify_cert (cert, cert), 0);
    assert_int_equal (ca_verify (ca, cert, ctime, &userid, &mst, NULL), 0);
    assert_int_equal (mst, MAX_SIGN_TTL);
    /* a given ttl */
    assert_int_equal (ca_keygen (ca, 60, NULL), 0);
    cert = ca_cert (ca);
    assert_int_equal (sigcert_meta_get_timestamp (cert, "ctime", &ctime), 0);
    assert_int_equal (sigcert_meta_get_timestamp (cert, "xtime", &xtime), 0);
    assert_int_equal (xtime - ctime, 60);
    ca_destroy (ca);
}

static void test_store_load (void **state)
{
    struct ca *ca = ca_keyed ();
    struct ca *ca2 = ca_new (true, "revoked");
    struct sigcert *cert;
    struct error err = {{0}};
    int64_t userid = 0, mst = 0;

    assert_int_equal (ca_load (ca2, false, &err), -1);
    assert_int_equal (errno, ENOENT);
    assert_non_null (strstr (err.text, "ca.pub"));
    assert_int_equal (ca_store (ca, NULL), 0);
    /* never overwrites the secret key */
    errno = 0;
    assert_int_equal (ca_store (ca, NULL), -1);
    assert_int_equal (errno, EEXIST);
    assert_int_equal (ca_load (ca2, true, NULL), 0);
    assert_true (sigcert_equal (ca_cert (ca), ca_cert (ca2)));
    assert_true (sigcert_has_secret (ca_cert (ca2)));
    /* signed by one, verified by the other loaded without secret */
    assert_int_equal (ca_load (ca, false, NULL), 0);
    cert = signed_cert (ca2, 0, 0, 4242);
    assert_int_equal (ca_verify (ca, cert, time (NULL), &userid, &mst, NULL),
                      0);
    assert_int_equal (userid, 4242);
    assert_int_equal (mst, MAX_SIGN_TTL);
    assert_int_equal (unlink (fixture_path ("ca")), 0);
    assert_int_equal (unlink (fixture_path ("ca.pub")), 0);
    sigcert_destroy (cert);
    ca_destroy (ca);
    ca_destroy (ca2);
}

static void test_sign_metadata_order (void **state)
{
    static const char *order[] = {
        "algorithm", "uuid",          "not-valid-before-time", "ctime",
        "xtime",     "userid",        "max-sign-ttl",          "issuer",
        "domain",    "ca-capability",
    };
    struct ca *ca = ca_keyed ();
    struct sigcert *cert = signed_cert (ca, 0, 0, 1001);
    const char *issuer, *ca_uuid, *uuid;
    struct kv_entry e;
    size_t cursor = 0;
    size_t i = 0;
    bool cap = true;
    time_t nvbt, ctime;

    while (kv_next (sigcert_meta (cert), &cursor, &e)) {
        assert_true (i < 10);
        assert_string_equal (e.key, order[i++]);
    }
    assert_int_equal (i, 10);
    assert_int_equal (sigcert_meta_get_string (cert, "issuer", &issuer), 0);
    assert_int_equal (sigcert_meta_get_string (ca_cert (ca), "uuid", &ca_uuid),
                      0);
    assert_string_equal (issuer, ca_uuid);
    assert_int_equal (sigcert_meta_get_string (cert, "uuid", &uuid), 0);
    assert_true (ca_uuid_valid (uuid));
    assert_string_not_equal (uuid, ca_uuid);
    assert_int_equal (sigcert_meta_get_bool (cert, "ca-capability", &cap), 0);
    assert_false (cap);
    assert_int_equal (
        sigcert_meta_get_timestamp (cert, "not-valid-before-time", &nvbt), 0);
    assert_int_equal (sigcert_meta_get_timestamp (cert, "ctime", &ctime), 0);
    assert_int_equal (nvbt, ctime);
    sigcert_destroy (cert);
    ca_destroy (ca);
}

static void test_verify_ok (void **state)
{
    struct ca *ca = ca_keyed ();
    struct sigcert *cert = signed_cert (ca, 0, 0, 1001);
    int64_t userid = 0, mst = 0;
    struct error err = {{0}};

    assert_int_equal (ca_verify (ca, cert, time (NULL), &userid, &mst, &err),
                      0);
    assert_int_equal (userid, 1001);
    assert_int_equal (mst, MAX_SIGN_TTL);
    assert_int_equal (ca_verify (ca, cert, time (NULL), NULL, NULL, NULL), 0);
    sigcert_destroy (cert);
    ca_destroy (ca);
}

static int setup (void)
{
    if (fixture_dir_create ("test_ca") < 0)
        return -1;
    return 0;
}

int main (void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test (test_config_missing),
        cmocka_unit_test (test_config_keys),
        cmocka_unit_test (test_config_types),
        cmocka_unit_test (test_verify_expired),
        cmocka_unit_test (test_verify_not_yet_valid),
        cmocka_unit_test (test_verify_revoked),
        cmocka_unit_test (test_verify_revocation_fails_closed),
        cmocka_unit_test (test_verify_tampered),
        cmocka_unit_test (test_verify_other_ca),
        cmocka_unit_test (test_verify_missing_metadata),
        cmocka_unit_test (test_verify_hostile_uuid),
        cmocka_unit_test (test_ca_lacks_capability),
        cmocka_unit_test (test_revoke_not_allowed),
        cmocka_unit_test (test_revoke_bad_uuid),
        cmocka_unit_test (test_sign_ttl),
        cmocka_unit_test (test_sign_needs_secret),
        cmocka_unit_test (test_uuid),
        cmocka_unit_test (test_keygen),
        cmocka_unit_test (test_store_load),
        cmocka_unit_test (test_sign_metadata_order),
        cmocka_unit_test (test_verify_ok),
    };
    int rc;

    if (setup () < 0)
        return 1;
    rc = TAP_RUN (tests);
    if (fixture_dir_remove () < 0)
        return 1;
    return rc;
}
