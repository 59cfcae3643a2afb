/* Unit tests of sigcert.c: hostile files and kv forms first, then round
 * trips, then known-answer vectors with fixed keys (RFC 8032 section
 * 7.1, tests 1 and 2) that pin the .pub and secret text, the kv form, the
 * detached signatures and the CA signature byte for byte.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdbool.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <sodium.h>

#include "tap_cmocka.h"
#include "fixture_files.h"
#include "common/sigcert.h"

#define LIT(s) (s), (sizeof (s) - 1)

/* RFC 8032 7.1 TEST 1 (the "CA") and TEST 2 (the user) */
static const uint8_t seed1[32] = {
    0x9d, 0x61, 0xb1, 0x9d, 0xef, 0xfd, 0x5a, 0x60, 0xba, 0x84, 0x4a,
    0xf4, 0x92, 0xec, 0x2c, 0xc4, 0x44, 0x49, 0xc5, 0x69, 0x7b, 0x32,
    0x69, 0x19, 0x70, 0x3b, 0xac, 0x03, 0x1c, 0xae, 0x7f, 0x60,
};
static const uint8_t seed2[32] = {
    0x4c, 0xcd, 0x08, 0x9b, 0x28, 0xff, 0x96, 0xda, 0x9d, 0xb6, 0xc3,
    0x46, 0xec, 0x11, 0x4e, 0x0f, 0x5b, 0x8a, 0x31, 0x9f, 0x35, 0xab,
    0xa6, 0x24, 0xda, 0x8c, 0xf6, 0xed, 0x4f, 0xb8, 0xa6, 0xfb,
};
/* public keys d75a9801... and 3d4017c3... in base64 */
#define PK1 "11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo="
#define PK2 "PUAXw+hDiVqStwqnTRt+vJyYLM8uxJaMwM1V8Sr0Zgw="
/* RFC signatures e5564300... (empty message, key 1) and 92a009a9...
 * (message 0x72, key 2) in base64
 */
#define SIG1_EMPTY                                                             \
    "5VZDAMNgrHKQhuLMgG6CioSHfx645dl02HPgZSJJAVVfuIIVkKM7rMYeOXAc+bRr0lv18Flb" \
    "viRlUUFDjnoQCw=="
#define SIG2_72                                                                \
    "kqAJqfDUyrhyDoILX2QlQKKye1QWUD+Ps3YiI+vbadoIWsHkPhWZbkWPNhPQ8R2MOHsurrQw" \
    "Ku6wDSkWErsMAA=="
#define SK2                                                                    \
    "TM0Imyj/ltqdtsNG7BFOD1uKMZ81q6Yk2oz27U+4pvs9QBfD6EOJWpK3CqdNG368nJgszy7E" \
    "lozAzVXxKvRmDA=="
/* the CA signature of the user certificate of user_cert() */
#define CASIG                                                                  \
    "LQ4v5CwycN6aNz3xD7lDs8ejg2bVZrdoRa8LKJLIezzEnv3z+vJ3cViIhsmYBjf6dwguymPG" \
    "WvkasUI2TBSaCQ=="

static const char user_pub[] =
    "[metadata]\n"
    "    algorithm = \"ed25519\"\n"
    "    uuid = \"6b5f1e2a-3c4d-4e5f-8a9b-0c1d2e3f4a5b\"\n"
    "    not-valid-before-time = 2026-11-20T17:00:00Z\n"
    "    ctime = 2026-11-20T17:00:00Z\n"
    "    xtime = 2026-11-21T17:00:00Z\n"
    "    userid = 1001\n"
    "    max-sign-ttl = 600\n"
    "    issuer = \"0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0\"\n"
    "    domain = \"EXAMPLE.TEST\"\n"
    "    ca-capability = false\n"
    "\n"
    "[curve]\n"
    "    public-key = \"" PK2 "\"\n"
    "    signature = \"" CASIG "\"\n";

static const char user_sec[] = "[curve]\n"
                               "    secret-key = \"" SK2 "\"\n";

/* What the CA signs: "curve.public_key" (underscore) then meta.* */
static const char user_signed_content[] =
    "curve.public_key\0s" PK2 "\0"
    "meta.algorithm\0sed25519\0"
    "meta.uuid\0s6b5f1e2a-3c4d-4e5f-8a9b-0c1d2e3f4a5b\0"
    "meta.not-valid-before-time\0t2026-11-20T17:00:00Z\0"
    "meta.ctime\0t2026-11-20T17:00:00Z\0"
    "meta.xtime\0t2026-11-21T17:00:00Z\0"
    "meta.userid\0i1001\0"
    "meta.max-sign-ttl\0i600\0"
    "meta.issuer\0s0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0\0"
    "meta.domain\0sEXAMPLE.TEST\0"
    "meta.ca-capability\0bfalse\0";

/* The kv form of the user certificate */
static const char user_kv[] =
    "meta.algorithm\0sed25519\0"
    "meta.uuid\0s6b5f1e2a-3c4d-4e5f-8a9b-0c1d2e3f4a5b\0"
    "meta.not-valid-before-time\0t2026-11-20T17:00:00Z\0"
    "meta.ctime\0t2026-11-20T17:00:00Z\0"
    "meta.xtime\0t2026-11-21T17:00:00Z\0"
    "meta.userid\0i1001\0"
    "meta.max-sign-ttl\0i600\0"
    "meta.issuer\0s0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0\0"
    "meta.domain\0sEXAMPLE.TEST\0"
    "meta.ca-capability\0bfalse\0"
    "curve.public-key\0s" PK2 "\0"
    "curve.signature\0s" CASIG "\0";

/* The user certificate of wire.md 2.7's example, signed by seed1. */
static struct sigcert *user_cert (bool sign)
{
    struct sigcert *ca = sigcert_create_from_seed (seed1);
    struct sigcert *cert = sigcert_create_from_seed (seed2);

    assert_non_null (ca);
    assert_non_null (cert);
    assert_int_equal (sigcert_meta_set_string (cert, "uuid",
                                               "6b5f1e2a-3c4d-4e5f-8a9b-"
                                               "0c1d2e3f4a5b"),
                      0);
    assert_int_equal (
        sigcert_meta_set_timestamp (cert, "not-valid-before-time", 1795194000),
        0);
    assert_int_equal (sigcert_meta_set_timestamp (cert, "ctime", 1795194000),
                      0);
    assert_int_equal (sigcert_meta_set_timestamp (cert, "xtime", 1795280400),
                      0);
    assert_int_equal (sigcert_meta_set_int64 (cert, "userid", 1001), 0);
    assert_int_equal (sigcert_meta_set_int64 (cert, "max-sign-ttl", 600), 0);
    assert_int_equal (sigcert_meta_set_string (cert, "issuer",
                                               "0f1e2d3c-4b5a-4968-8776-"
                                               "a5b4c3d2e1f0"),
                      0);
    assert_int_equal (sigcert_meta_set_string (cert, "domain", "EXAMPLE.TEST"),
                      0);
    assert_int_equal (sigcert_meta_set_bool (cert, "ca-capability", false), 0);
    if (sign)
        assert_int_equal (sigcert_sign_cert (ca, cert), 0);
    sigcert_destroy (ca);
    return cert;
}

static struct sigcert *parse_ok (const char *pub, const char *sec)
{
    struct error err = {{0}};
    struct sigcert *cert;

    cert = sigcert_parse ("t", pub, strlen (pub), sec, sec ? strlen (sec) : 0,
                          &err);
    if (!cert)
        print_message ("unexpected failure: %s\n", err.text);
    assert_non_null (cert);
    return cert;
}

/* Parsing must fail with 'errnum' and text that contains 'text'. */
static void assert_parse_fails (const char *pub,
                                const char *sec,
                                int errnum,
                                const char *text)
{
    struct error err = {{0}};

    errno = 0;
    assert_null (sigcert_parse ("t", pub, strlen (pub), sec,
                                sec ? strlen (sec) : 0, &err));
    assert_int_equal (errno, errnum);
    if (!strstr (err.text, text))
        print_message ("error text: %s\n", err.text);
    assert_non_null (strstr (err.text, text));
}

/* A .pub text with [metadata] 'meta' and public key PK2. */
static char *pub_with_meta (const char *meta)
{
    char *s;

    assert_true (
        asprintf (&s, "[metadata]\n%s\n[curve]\npublic-key = \"" PK2 "\"\n",
                  meta)
        > 0);
    return s;
}

static void assert_meta_fails (const char *meta, const char *text)
{
    char *pub = pub_with_meta (meta);

    assert_parse_fails (pub, NULL, EINVAL, text);
    free (pub);
}

/* Hostile files */

static void test_parse_truncated (void **state)
{
    size_t len = strlen (user_pub);
    /* the end of the public-key line, before its newline */
    size_t pk_end = (size_t)(strstr (user_pub, PK2 "\"") - user_pub) + 45;

    /* Every prefix fails, except those that end after the public-key
     * line: then a valid, unsigned certificate.
     */
    for (size_t n = 0; n < len; n++) {
        struct sigcert *cert;
        cert = sigcert_parse ("t", user_pub, n, NULL, 0, NULL);
        if (cert) {
            assert_true (n >= pk_end);
            /* only the whole text less its final newline is signed */
            assert_true (sigcert_has_signature (cert) == (n == len - 1));
            sigcert_destroy (cert);
        }
        else
            assert_int_equal (errno, EINVAL);
    }
    for (size_t n = 0; n < strlen (user_sec) - 1; n++) {
        assert_null (sigcert_parse ("t", user_pub, len, user_sec, n, NULL));
        assert_int_equal (errno, EINVAL);
    }
}

static void test_parse_garbled (void **state)
{
    assert_parse_fails ("", NULL, EINVAL, "[curve] table is missing");
    assert_parse_fails ("garbage", NULL, EINVAL, "t.pub:1:");
    assert_parse_fails ("[metadata]\nx = \n", NULL, EINVAL, "t.pub:2:");
    assert_parse_fails ("[curve]\npublic-key = 5\n", NULL, EINVAL,
                        "public-key must be a string");
    assert_parse_fails ("[curve]\n", NULL, EINVAL,
                        "[curve] public-key is missing");
    assert_parse_fails ("[curve]\npublic-key = \"" PK2 "\"\nextra = 1\n", NULL,
                        EINVAL, "[curve] key 'extra' is unknown");
    assert_parse_fails ("x = 1\n[curve]\npublic-key = \"" PK2 "\"\n", NULL,
                        EINVAL, "'x' is not allowed");
    assert_parse_fails ("metadata = 1\n[curve]\npublic-key = \"" PK2 "\"\n",
                        NULL, EINVAL, "'metadata' is not allowed");
    assert_parse_fails ("curve = \"" PK2 "\"\n", NULL, EINVAL,
                        "'curve' is not allowed");
    assert_parse_fails ("[curve]\npublic-key = \"" PK2 "\"\n"
                        "public-key = \"" PK2 "\"\n",
                        NULL, EINVAL, "t.pub:3:");
    /* the secret key file */
    assert_parse_fails (user_pub, "", EINVAL, "t: must hold only");
    assert_parse_fails (user_pub, "[curve]\n", EINVAL,
                        "t:1: [curve] must hold only secret-key");
    assert_parse_fails (user_pub, "[curve]\nsecret-key = 1\n", EINVAL,
                        "t:2: [curve] secret-key must be a string");
    assert_parse_fails (user_pub, "[curve]\nsecret-key = \"" SK2 "\"\nx = 1\n",
                        EINVAL, "[curve] must hold only secret-key");
    assert_parse_fails (user_pub,
                        "[metadata]\n[curve]\nsecret-key = \"" SK2 "\"\n",
                        EINVAL, "must hold only the table [curve]");
}

static void test_parse_embedded_nul (void **state)
{
    static const char pub[] = "[curve]\npublic-key = \"" PK2 "\"\0\n";

    assert_null (sigcert_parse ("t", pub, sizeof (pub) - 1, NULL, 0, NULL));
    assert_int_equal (errno, EINVAL);
    assert_meta_fails ("s = \"a\\u0000b\"\n",
                       "'s': a string may not contain NUL");
    assert_meta_fails ("\"a\\u0000b\" = 1\n", "contains '.' or NUL");
}

static void test_parse_bad_base64 (void **state)
{
    /* 31 and 33 bytes */
    assert_parse_fails ("[curve]\npublic-key = "
                        "\"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA==\"\n",
                        NULL, EINVAL, "encoding 32 bytes");
    assert_parse_fails ("[curve]\npublic-key = "
                        "\"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\"\n",
                        NULL, EINVAL, "encoding 32 bytes");
    /* unpadded, url-safe, whitespace, trailing garbage */
    assert_parse_fails ("[curve]\npublic-key = "
                        "\"PUAXw+hDiVqStwqnTRt+vJyYLM8uxJaMwM1V8Sr0Zgw\"\n",
                        NULL, EINVAL, "standard padded base64");
    assert_parse_fails ("[curve]\npublic-key = "
                        "\"PUAXw-hDiVqStwqnTRt-vJyYLM8uxJaMwM1V8Sr0Zgw=\"\n",
                        NULL, EINVAL, "standard padded base64");
    assert_parse_fails ("[curve]\npublic-key = "
                        "\" PUAXw+hDiVqStwqnTRt+vJyYLM8uxJaMwM1V8Sr0Zgw=\"\n",
                        NULL, EINVAL, "standard padded base64");
    assert_parse_fails ("[curve]\npublic-key = \"" PK2 "=\"\n", NULL, EINVAL,
                        "standard padded base64");
    /* signature of 63 bytes, of 64 bytes unpadded */
    assert_parse_fails ("[curve]\npublic-key = \"" PK2 "\"\nsignature = "
                        "\"" SIG2_72 "\"\n"
                        "sig = 1\n",
                        NULL, EINVAL, "key 'sig' is unknown");
    assert_parse_fails ("[curve]\npublic-key = \"" PK2 "\"\nsignature = "
                        "\"kqAJqfDUyrhyDoILX2QlQKKye1QWUD+Ps3YiI+vbadoIWsHkPhW"
                        "ZbkWPNhPQ8R2MOHsurrQwKu6wDSkWErsM\"\n",
                        NULL, EINVAL, "signature must be a string");
    assert_parse_fails ("[curve]\npublic-key = \"" PK2 "\"\nsignature = "
                        "\"kqAJqfDUyrhyDoILX2QlQKKye1QWUD+Ps3YiI+vbadoIWsHkPhW"
                        "ZbkWPNhPQ8R2MOHsurrQwKu6wDSkWErsMAA\"\n",
                        NULL, EINVAL, "encoding 64 bytes");
    /* secret key of 32 bytes */
    assert_parse_fails (user_pub, "[curve]\nsecret-key = \"" PK2 "\"\n", EINVAL,
                        "encoding 64 bytes");
}

static void test_parse_bad_metadata (void **state)
{
    assert_meta_fails ("\"a.b\" = 1\n", "metadata key 'a.b'");
    assert_meta_fails ("\"\" = 1\n", "metadata key ''");
    assert_meta_fails ("a.b = 1\n",
                       "'a': values must be string, bool, integer, float or "
                       "UTC date-time, not table");
    assert_meta_fails ("a = [1, 2]\n", "not array");
    assert_meta_fails ("a = {b = 1}\n", "not table");
    assert_meta_fails ("a = 2026-11-22T17:00:00\n", "not datetime-local");
    assert_meta_fails ("a = 2026-11-22\n", "not date-local");
    assert_meta_fails ("a = 17:00:00\n", "not time-local");
    assert_meta_fails ("a = 2026-11-22T17:00:00.5Z\n",
                       "'a': a date-time must be in whole seconds");
    assert_meta_fails ("a = 1969-12-31T23:59:59Z\n",
                       "'a': a date-time must be in whole seconds");
    assert_meta_fails ("[metadata.sub]\n", "'sub': values must be");
}

static void test_parse_timestamp_offset (void **state)
{
    char *pub = pub_with_meta ("a = 2026-11-22T18:30:00+01:30\n"
                               "b = 1970-01-01T00:00:00Z\n");
    struct sigcert *cert = parse_ok (pub, NULL);
    time_t t;

    assert_int_equal (sigcert_meta_get_timestamp (cert, "a", &t), 0);
    assert_int_equal (t, 1795194000 + 2 * 86400);
    assert_int_equal (sigcert_meta_get_timestamp (cert, "b", &t), 0);
    assert_int_equal (t, 0);
    sigcert_destroy (cert);
    free (pub);
}

static void test_parse_mismatched_secret (void **state)
{
    struct sigcert *other = sigcert_create ();
    char *sec = sigcert_format_secret (other);
    char forged[256];
    uint8_t sk[64];
    char b64[89];
    size_t n;

    /* another key pair's secret key */
    assert_parse_fails (user_pub, sec, EINVAL,
                        "the secret key does not belong to the public key");
    /* the seed of key 1 with the public half of key 2 */
    memcpy (sk, seed1, 32);
    assert_int_equal (sodium_base642bin (sk + 32, 32, PK2, strlen (PK2), NULL,
                                         &n, NULL,
                                         sodium_base64_VARIANT_ORIGINAL),
                      0);
    sodium_bin2base64 (b64, sizeof (b64), sk, sizeof (sk),
                       sodium_base64_VARIANT_ORIGINAL);
    snprintf (forged, sizeof (forged), "[curve]\nsecret-key = \"%s\"\n", b64);
    assert_parse_fails (user_pub, forged, EINVAL, "does not belong");
    sodium_memzero (sec, strlen (sec));
    free (sec);
    sigcert_destroy (other);
}

static void test_secret_never_in_error_text (void **state)
{
    struct error err = {{0}};
    static const char sec[] = "[curve]\nsecret-key = " SK2 "\n";

    assert_null (sigcert_parse ("t", user_pub, strlen (user_pub), sec,
                                strlen (sec), &err));
    assert_int_equal (errno, EINVAL);
    assert_string_equal (err.text, "t:2:14: not a valid secret key file"
                                   " (TOML syntax)");
}

static void test_parse_oversized (void **state)
{
    struct error err = {{0}};

    errno = 0;
    assert_null (sigcert_parse ("t", user_pub, SIGCERT_MAX_FILE_SIZE + 1, NULL,
                                0, &err));
    assert_int_equal (errno, EFBIG);
    assert_null (sigcert_parse (NULL, NULL, 1, NULL, 0, NULL));
    assert_int_equal (errno, EINVAL);
}

/* Hostile kv forms */

static void assert_decode_fails (const char *buf, size_t len, const char *text)
{
    struct error err = {{0}};
    struct kv *kv = NULL;

    assert_int_equal (kv_decode (buf, len, &kv, NULL), 0);
    errno = 0;
    assert_null (sigcert_decode (kv, &err));
    assert_int_equal (errno, EINVAL);
    if (!strstr (err.text, text))
        print_message ("error text: %s\n", err.text);
    assert_non_null (strstr (err.text, text));
    kv_destroy (kv);
}

static void test_decode_hostile (void **state)
{
    assert_decode_fails (LIT (""), "public key is missing");
    assert_decode_fails (LIT ("meta.a\0sb\0"), "public key is missing");
    assert_decode_fails (LIT ("curve.public-key\0i5\0"), "malformed public");
    assert_decode_fails (LIT ("curve.public-key\0s" PK2 "=\0"),
                         "malformed public");
    assert_decode_fails (LIT ("curve.public-key\0sPUAXw-hDiVqStwqnTRt-vJyYLM8ux"
                              "JaMwM1V8Sr0Zgw=\0"),
                         "malformed public");
    assert_decode_fails (LIT ("curve.public-key\0s" PK2 "\0curve.signature\0s"
                              "" PK2 "\0"),
                         "malformed signature");
    assert_decode_fails (LIT ("curve.public-key\0s" PK2 "\0curve.public_key\0s"
                              "" PK2 "\0"),
                         "unexpected key 'curve.public_key'");
    assert_decode_fails (LIT ("curve.public-key\0s" PK2 "\0secret-key\0sx\0"),
                         "unexpected key 'secret-key'");
    assert_decode_fails (LIT ("meta.a.b\0s1\0curve.public-key\0s" PK2 "\0"),
                         "metadata key 'meta.a.b'");
    assert_decode_fails (LIT ("meta.\0s1\0curve.public-key\0s" PK2 "\0"),
                         "metadata key 'meta.'");
    assert_decode_fails (LIT ("meta.n\0iabc\0curve.public-key\0s" PK2 "\0"),
                         "'meta.n': invalid value");
    assert_decode_fails (LIT ("meta.n\0i99999999999999999999\0"
                              "curve.public-key\0s" PK2 "\0"),
                         "invalid value");
    assert_decode_fails (LIT ("meta.t\0t2026-13-01T00:00:00Z\0"
                              "curve.public-key\0s" PK2 "\0"),
                         "invalid value");
    assert_decode_fails (LIT ("meta.d\0dx\0curve.public-key\0s" PK2 "\0"),
                         "invalid value");
    errno = 0;
    assert_null (sigcert_decode (NULL, NULL));
    assert_int_equal (errno, EINVAL);
}

static void test_decode_canonical (void **state)
{
    static const char in[] = "meta.n\0i007\0meta.d\0d1.5\0meta.b\0b\0"
                             "curve.public-key\0s" PK2 "\0";
    static const char out[] = "meta.n\0i7\0meta.d\0d1.500000\0meta.b\0bfalse\0"
                              "curve.public-key\0s" PK2 "\0";
    struct kv *kv = NULL;
    struct kv *enc;
    struct sigcert *cert;
    const char *buf;
    size_t len;

    assert_int_equal (kv_decode (in, sizeof (in) - 1, &kv, NULL), 0);
    assert_non_null ((cert = sigcert_decode (kv, NULL)));
    assert_false (sigcert_has_secret (cert));
    assert_false (sigcert_has_signature (cert));
    assert_non_null ((enc = sigcert_encode (cert)));
    assert_int_equal (kv_encode (enc, &buf, &len), 0);
    assert_int_equal (len, sizeof (out) - 1);
    assert_memory_equal (buf, out, len);
    kv_destroy (enc);
    kv_destroy (kv);
    sigcert_destroy (cert);
}

/* Hostile files on disk */

static void write_cert_files (const char *name, const struct sigcert *cert)
{
    struct error err = {{0}};

    int rc = sigcert_store (cert, fixture_path (name), &err);

    if (rc < 0)
        print_message ("store: %s\n", err.text);
    assert_int_equal (rc, 0);
}

static void assert_load_fails (const char *name, bool secret, int errnum)
{
    struct error err = {{0}};

    errno = 0;
    assert_null (sigcert_load (fixture_path (name), secret, &err));
    if (errno != errnum)
        print_message ("load %s: %s\n", name, err.text);
    assert_int_equal (errno, errnum);
    assert_non_null (strstr (err.text, fixture_dir));
}

static void test_load_symlink (void **state)
{
    struct sigcert *cert = sigcert_create ();
    char target[4096];

    assert_int_equal (sigcert_store (cert, fixture_path ("real"), NULL), 0);
    assert_int_equal (
        symlink (fixture_path ("real.pub"), fixture_path ("link.pub")), 0);
    assert_int_equal (symlink (fixture_path ("real"), fixture_path ("link")),
                      0);
    assert_load_fails ("link", false, ELOOP);
    /* a real .pub with a symlinked secret key file */
    snprintf (target, sizeof (target), "%s", fixture_path ("real.pub"));
    assert_int_equal (link (target, fixture_path ("half.pub")), 0);
    assert_int_equal (symlink (fixture_path ("real"), fixture_path ("half")),
                      0);
    assert_load_fails ("half", true, ELOOP);
    /* store refuses to write through a symlink */
    assert_int_equal (sigcert_store (cert, fixture_path ("link"), NULL), -1);
    assert_true (errno == EEXIST || errno == ELOOP);
    sigcert_forget_secret (cert);
    assert_int_equal (sigcert_store (cert, fixture_path ("link"), NULL), -1);
    assert_int_equal (errno, ELOOP);
    sigcert_destroy (cert);
}

static void test_load_oversized (void **state)
{
    struct sigcert *cert = sigcert_create ();
    int fd;

    write_cert_files ("big", cert);
    fd = open (fixture_path ("big.pub"), O_WRONLY | O_TRUNC | O_CLOEXEC);
    assert_true (fd >= 0);
    assert_int_equal (ftruncate (fd, SIGCERT_MAX_FILE_SIZE + 1), 0);
    close (fd);
    assert_load_fails ("big", false, EFBIG);
    /* under the file limit but over the TOML parser's */
    fd = open (fixture_path ("big.pub"), O_WRONLY | O_TRUNC | O_CLOEXEC);
    assert_true (fd >= 0);
    assert_int_equal (ftruncate (fd, 2 * 1024 * 1024), 0);
    close (fd);
    assert_load_fails ("big", false, E2BIG);
    sigcert_destroy (cert);
}

static void test_load_not_regular (void **state)
{
    fixture_mkdir ("dir.pub", FIXTURE_NOCHANGE, 0755);
    assert_load_fails ("dir", false, EINVAL);
    assert_int_equal (mkfifo (fixture_path ("fifo.pub"), 0644), 0);
    assert_load_fails ("fifo", false, EINVAL);
    assert_load_fails ("absent", false, ENOENT);
}

static void test_load_modes (void **state)
{
    struct sigcert *cert = sigcert_create ();
    struct sigcert *loaded;

    write_cert_files ("modes", cert);
    assert_int_equal (chmod (fixture_path ("modes.pub"), 0664), 0);
    assert_load_fails ("modes", false, EPERM);
    assert_int_equal (chmod (fixture_path ("modes.pub"), 0646), 0);
    assert_load_fails ("modes", false, EPERM);
    assert_int_equal (chmod (fixture_path ("modes.pub"), 0444), 0);
    assert_int_equal (chmod (fixture_path ("modes"), 0640), 0);
    assert_load_fails ("modes", true, EPERM);
    assert_int_equal (chmod (fixture_path ("modes"), 0604), 0);
    assert_load_fails ("modes", true, EPERM);
    assert_int_equal (chmod (fixture_path ("modes"), 0400), 0);
    loaded = sigcert_load (fixture_path ("modes"), true, NULL);
    assert_non_null (loaded);
    assert_true (sigcert_equal (cert, loaded));
    sigcert_destroy (loaded);
    sigcert_destroy (cert);
}

static void test_load_mismatched_secret (void **state)
{
    struct sigcert *a = sigcert_create ();
    struct sigcert *b = sigcert_create ();

    write_cert_files ("a", a);
    write_cert_files ("b", b);
    assert_int_equal (rename (fixture_path ("b"), fixture_path ("a2")), 0);
    assert_int_equal (rename (fixture_path ("a.pub"), fixture_path ("a2.pub")),
                      0);
    assert_load_fails ("a2", true, EINVAL);
    sigcert_destroy (a);
    sigcert_destroy (b);
}

static void test_store_never_overwrites_secret (void **state)
{
    struct sigcert *a = sigcert_create ();
    struct sigcert *b = sigcert_create ();
    struct sigcert *loaded;
    struct stat st;

    write_cert_files ("keep", a);
    errno = 0;
    assert_int_equal (sigcert_store (b, fixture_path ("keep"), NULL), -1);
    assert_int_equal (errno, EEXIST);
    /* neither file changed */
    assert_non_null (
        (loaded = sigcert_load (fixture_path ("keep"), true, NULL)));
    assert_true (sigcert_equal (a, loaded));
    sigcert_destroy (loaded);
    assert_int_equal (stat (fixture_path ("keep"), &st), 0);
    assert_int_equal (st.st_mode & 07777, 0600);
    assert_int_equal (stat (fixture_path ("keep.pub"), &st), 0);
    assert_int_equal (st.st_mode & 07777, 0644);
    sigcert_destroy (a);
    sigcert_destroy (b);
}

static void test_store_modes_despite_umask (void **state)
{
    struct sigcert *cert = sigcert_create ();
    mode_t old = umask (0);
    struct stat st;

    write_cert_files ("u0", cert);
    umask (0777);
    write_cert_files ("u777", cert);
    umask (old);
    assert_int_equal (stat (fixture_path ("u0"), &st), 0);
    assert_int_equal (st.st_mode & 07777, 0600);
    assert_int_equal (stat (fixture_path ("u0.pub"), &st), 0);
    assert_int_equal (st.st_mode & 07777, 0644);
    assert_int_equal (stat (fixture_path ("u777"), &st), 0);
    assert_int_equal (st.st_mode & 07777, 0600);
    assert_int_equal (stat (fixture_path ("u777.pub"), &st), 0);
    assert_int_equal (st.st_mode & 07777, 0644);
    sigcert_destroy (cert);
}

/* Metadata API */

static void test_meta_api (void **state)
{
    struct sigcert *cert = user_cert (true);
    const char *s;
    int64_t i;
    double d;
    bool b;
    time_t t;

    assert_true (sigcert_has_signature (cert));
    errno = 0;
    assert_int_equal (sigcert_meta_set_int64 (cert, "a.b", 1), -1);
    assert_int_equal (errno, EINVAL);
    assert_int_equal (sigcert_meta_set_int64 (cert, "", 1), -1);
    assert_int_equal (sigcert_meta_set_string (cert, "x", NULL), -1);
    assert_int_equal (sigcert_meta_set_timestamp (cert, "x", -1), -1);
    assert_true (sigcert_has_signature (cert)); /* failed sets keep it */

    assert_int_equal (sigcert_meta_get_int64 (cert, "userid", &i), 0);
    assert_int_equal (i, 1001);
    errno = 0;
    assert_int_equal (sigcert_meta_get_string (cert, "userid", &s), -1);
    assert_int_equal (errno, ENOENT);
    assert_int_equal (sigcert_meta_get_bool (cert, "nokey", &b), -1);
    assert_int_equal (errno, ENOENT);
    assert_int_equal (sigcert_meta_get_timestamp (cert, "ctime", &t), 0);
    assert_int_equal (t, 1795194000);
    assert_int_equal (sigcert_meta_get_string (cert, "algorithm", &s), 0);
    assert_string_equal (s, "ed25519");

    assert_int_equal (sigcert_meta_set_double (cert, "d", 2.5), 0);
    assert_false (sigcert_has_signature (cert)); /* content changed */
    assert_int_equal (sigcert_meta_get_double (cert, "d", &d), 0);
    assert_true (d == 2.5);
    assert_int_equal (kv_count (sigcert_meta (cert)), 11);
    sigcert_destroy (cert);
}

static void test_detached (void **state)
{
    struct sigcert *cert = sigcert_create ();
    struct sigcert *other = sigcert_create ();
    char *sig;

    assert_non_null ((sig = sigcert_sign_detached (cert, "hello", 5)));
    assert_int_equal (strlen (sig), 88);
    assert_int_equal (sigcert_verify_detached (cert, sig, "hello", 5), 0);
    errno = 0;
    assert_int_equal (sigcert_verify_detached (cert, sig, "hellO", 5), -1);
    assert_int_equal (errno, EINVAL);
    assert_int_equal (sigcert_verify_detached (cert, sig, "hello", 4), -1);
    assert_int_equal (sigcert_verify_detached (other, sig, "hello", 5), -1);
    sig[10] = sig[10] == 'A' ? 'B' : 'A';
    assert_int_equal (sigcert_verify_detached (cert, sig, "hello", 5), -1);
    assert_int_equal (sigcert_verify_detached (cert, "", "hello", 5), -1);
    assert_int_equal (sigcert_verify_detached (cert, SIG1_EMPTY "=", "", 0),
                      -1);
    free (sig);
    sigcert_forget_secret (cert);
    assert_false (sigcert_has_secret (cert));
    errno = 0;
    assert_null (sigcert_sign_detached (cert, "hello", 5));
    assert_int_equal (errno, EINVAL);
    assert_null (sigcert_format_secret (cert));
    assert_int_equal (errno, EINVAL);
    sigcert_destroy (cert);
    sigcert_destroy (other);
}

static void test_cert_signature (void **state)
{
    struct sigcert *ca = sigcert_create_from_seed (seed1);
    struct sigcert *other = sigcert_create ();
    struct sigcert *cert = user_cert (true);

    assert_int_equal (sigcert_verify_cert (ca, cert), 0);
    errno = 0;
    assert_int_equal (sigcert_verify_cert (other, cert), -1);
    assert_int_equal (errno, EINVAL);
    /* metadata changed after signing: the signature is dropped */
    assert_int_equal (sigcert_meta_set_int64 (cert, "userid", 0), 0);
    assert_int_equal (sigcert_verify_cert (ca, cert), -1);
    assert_int_equal (errno, EINVAL);
    /* a signature without the CA's secret key is refused */
    sigcert_forget_secret (ca);
    assert_int_equal (sigcert_sign_cert (ca, cert), -1);
    assert_int_equal (errno, EINVAL);
    sigcert_destroy (ca);
    sigcert_destroy (other);
    sigcert_destroy (cert);
}

static void test_tampered_signed_text (void **state)
{
    struct sigcert *ca = sigcert_create_from_seed (seed1);
    struct sigcert *cert;
    char *pub = strdup (user_pub);
    char *p = strstr (pub, "1001");

    p[3] = '2'; /* userid = 1002 */
    cert = parse_ok (pub, NULL);
    assert_true (sigcert_has_signature (cert));
    assert_int_equal (sigcert_verify_cert (ca, cert), -1);
    sigcert_destroy (cert);
    free (pub);
    sigcert_destroy (ca);
}

/* Round trips */

static void test_roundtrip_files (void **state)
{
    struct sigcert *cert = sigcert_create ();
    struct sigcert *loaded;
    struct error err = {{0}};

    assert_int_equal (sigcert_meta_set_string (cert, "s",
                                               "quote\" back\\"
                                               " nl\n tab\t cr\r ctl\x01\x7f"
                                               " é ✓"),
                      0);
    assert_int_equal (sigcert_meta_set_string (cert, "empty", ""), 0);
    assert_int_equal (sigcert_meta_set_string (cert, "key with space", "v"), 0);
    assert_int_equal (sigcert_meta_set_string (cert, "ключ", "v"), 0);
    assert_int_equal (sigcert_meta_set_int64 (cert, "min", INT64_MIN), 0);
    assert_int_equal (sigcert_meta_set_int64 (cert, "max", INT64_MAX), 0);
    assert_int_equal (sigcert_meta_set_double (cert, "d", -0.25), 0);
    assert_int_equal (sigcert_meta_set_double (cert, "big", 1e300), 0);
    assert_int_equal (sigcert_meta_set_double (cert, "inf", INFINITY), 0);
    assert_int_equal (sigcert_meta_set_bool (cert, "t", true), 0);
    assert_int_equal (sigcert_meta_set_timestamp (cert, "ts", 0), 0);
    assert_int_equal (
        sigcert_meta_set_timestamp (cert, "tmax", (time_t)KV_TIMESTAMP_MAX), 0);
    assert_int_equal (sigcert_sign_cert (cert, cert), 0);

    write_cert_files ("rt", cert);
    loaded = sigcert_load (fixture_path ("rt"), true, &err);
    if (!loaded)
        print_message ("load: %s\n", err.text);
    assert_non_null (loaded);
    assert_true (sigcert_equal (cert, loaded));
    assert_true (sigcert_has_secret (loaded));
    assert_int_equal (sigcert_verify_cert (loaded, loaded), 0);
    sigcert_destroy (loaded);

    /* public only */
    loaded = sigcert_load (fixture_path ("rt"), false, &err);
    assert_non_null (loaded);
    assert_false (sigcert_has_secret (loaded));
    assert_true (sigcert_equal (cert, loaded));
    sigcert_destroy (loaded);
    sigcert_destroy (cert);
}

/* sigcert_load_stat: the public part only, and the fstat() of <name>.pub
 * (the same file as a stat() of its path); nothing set on failure.
 */
static void test_load_stat (void **state)
{
    struct sigcert *cert = sigcert_create ();
    struct sigcert *loaded;
    struct stat st, want;

    write_cert_files ("ls", cert);
    memset (&st, 0, sizeof (st));
    assert_non_null (
        (loaded = sigcert_load_stat (fixture_path ("ls"), &st, NULL)));
    assert_false (sigcert_has_secret (loaded));
    assert_true (sigcert_equal (cert, loaded));
    assert_int_equal (stat (fixture_path ("ls.pub"), &want), 0);
    assert_int_equal (st.st_dev, want.st_dev);
    assert_int_equal (st.st_ino, want.st_ino);
    assert_int_equal (st.st_size, want.st_size);
    assert_int_equal (st.st_ctim.tv_sec, want.st_ctim.tv_sec);
    assert_int_equal (st.st_ctim.tv_nsec, want.st_ctim.tv_nsec);
    sigcert_destroy (loaded);
    assert_non_null (
        (loaded = sigcert_load_stat (fixture_path ("ls"), NULL, NULL)));
    sigcert_destroy (loaded);

    memset (&st, 0x5a, sizeof (st));
    want = st;
    assert_int_equal (chmod (fixture_path ("ls.pub"), 0666), 0);
    errno = 0;
    assert_null (sigcert_load_stat (fixture_path ("ls"), &st, NULL));
    assert_int_equal (errno, EPERM);
    assert_memory_equal (&st, &want, sizeof (st));
    errno = 0;
    assert_null (sigcert_load_stat (fixture_path ("none"), &st, NULL));
    assert_int_equal (errno, ENOENT);
    assert_memory_equal (&st, &want, sizeof (st));
    sigcert_destroy (cert);
}

static void test_format_refuses_invalid_utf8 (void **state)
{
    struct sigcert *cert = sigcert_create ();

    assert_int_equal (sigcert_meta_set_string (cert, "s", "\xff"), 0);
    errno = 0;
    assert_null (sigcert_format_public (cert));
    assert_int_equal (errno, EINVAL);
    assert_int_equal (sigcert_store (cert, fixture_path ("utf8"), NULL), -1);
    assert_int_equal (access (fixture_path ("utf8"), F_OK), -1);
    assert_int_equal (access (fixture_path ("utf8.pub"), F_OK), -1);
    sigcert_destroy (cert);
}

static void test_roundtrip_kv (void **state)
{
    struct sigcert *cert = user_cert (true);
    struct sigcert *copy;
    struct kv *kv;

    assert_non_null ((kv = sigcert_encode (cert)));
    assert_non_null ((copy = sigcert_decode (kv, NULL)));
    assert_true (sigcert_equal (cert, copy));
    assert_false (sigcert_has_secret (copy));
    kv_destroy (kv);
    /* unsigned */
    assert_int_equal (sigcert_meta_set_int64 (cert, "x", 1), 0);
    assert_false (sigcert_equal (cert, copy));
    sigcert_destroy (copy);
    assert_non_null ((kv = sigcert_encode (cert)));
    assert_int_equal (kv_get_string (kv, "curve.signature", &(const char *){0}),
                      -1);
    assert_non_null ((copy = sigcert_decode (kv, NULL)));
    assert_true (sigcert_equal (cert, copy));
    kv_destroy (kv);
    sigcert_destroy (copy);
    sigcert_destroy (cert);
}

static void test_create_random (void **state)
{
    struct sigcert *a = sigcert_create ();
    struct sigcert *b = sigcert_create ();
    const char *s;

    assert_non_null (a);
    assert_non_null (b);
    assert_true (sigcert_has_secret (a));
    assert_false (sigcert_has_signature (a));
    assert_false (sigcert_equal (a, b));
    assert_int_equal (sigcert_meta_get_string (a, "algorithm", &s), 0);
    assert_string_equal (s, "ed25519");
    assert_int_equal (kv_count (sigcert_meta (a)), 1);
    assert_false (sigcert_equal (a, NULL));
    sigcert_destroy (a);
    sigcert_destroy (b);
    sigcert_destroy (NULL);
    errno = 0;
    assert_null (sigcert_create_from_seed (NULL));
    assert_int_equal (errno, EINVAL);
}

/* Known answers */

static void test_kat_rfc8032 (void **state)
{
    struct sigcert *c1 = sigcert_create_from_seed (seed1);
    struct sigcert *c2 = sigcert_create_from_seed (seed2);
    uint8_t m = 0x72;
    char *sig;

    assert_string_equal (sigcert_public_key_b64 (c1), PK1);
    assert_string_equal (sigcert_public_key_b64 (c2), PK2);
    assert_non_null ((sig = sigcert_sign_detached (c1, "", 0)));
    assert_string_equal (sig, SIG1_EMPTY);
    free (sig);
    assert_non_null ((sig = sigcert_sign_detached (c2, &m, 1)));
    assert_string_equal (sig, SIG2_72);
    free (sig);
    assert_int_equal (sigcert_verify_detached (c1, SIG1_EMPTY, "", 0), 0);
    assert_int_equal (sigcert_verify_detached (c2, SIG2_72, &m, 1), 0);
    /* and with the secret keys forgotten */
    sigcert_forget_secret (c2);
    assert_int_equal (sigcert_verify_detached (c2, SIG2_72, &m, 1), 0);
    sigcert_destroy (c1);
    sigcert_destroy (c2);
}

static void test_kat_files (void **state)
{
    struct sigcert *cert = user_cert (true);
    struct sigcert *parsed;
    char *pub = sigcert_format_public (cert);
    char *sec = sigcert_format_secret (cert);

    assert_string_equal (pub, user_pub);
    assert_string_equal (sec, user_sec);
    parsed = parse_ok (user_pub, user_sec);
    assert_true (sigcert_equal (cert, parsed));
    assert_true (sigcert_has_secret (parsed));
    sigcert_destroy (parsed);
    sodium_memzero (sec, strlen (sec));
    free (sec);
    free (pub);
    sigcert_destroy (cert);
}

static void test_kat_kv (void **state)
{
    struct sigcert *cert = user_cert (true);
    struct kv *kv = sigcert_encode (cert);
    const char *buf;
    size_t len;

    assert_int_equal (kv_encode (kv, &buf, &len), 0);
    assert_int_equal (len, sizeof (user_kv) - 1);
    assert_memory_equal (buf, user_kv, len);
    kv_destroy (kv);
    sigcert_destroy (cert);
}

static void test_kat_ca_signature (void **state)
{
    struct sigcert *ca = sigcert_create_from_seed (seed1);
    struct sigcert *cert = user_cert (true);
    struct kv *kv = sigcert_encode (cert);
    const char *sig;
    uint8_t raw[64];
    uint8_t pk[32];
    size_t n;

    assert_int_equal (kv_get_string (kv, "curve.signature", &sig), 0);
    assert_string_equal (sig, CASIG);
    /* the signature is over exactly user_signed_content, checked with
     * libsodium directly
     */
    assert_int_equal (sodium_base642bin (raw, sizeof (raw), CASIG,
                                         strlen (CASIG), NULL, &n, NULL,
                                         sodium_base64_VARIANT_ORIGINAL),
                      0);
    assert_int_equal (sodium_base642bin (pk, sizeof (pk), PK1, strlen (PK1),
                                         NULL, &n, NULL,
                                         sodium_base64_VARIANT_ORIGINAL),
                      0);
    assert_int_equal (crypto_sign_verify_detached (
                          raw, (const unsigned char *)user_signed_content,
                          sizeof (user_signed_content) - 1, pk),
                      0);
    assert_int_equal (sigcert_verify_cert (ca, cert), 0);
    kv_destroy (kv);
    sigcert_destroy (cert);
    sigcert_destroy (ca);
}

static int setup (void **state)
{
    return fixture_dir_create ("test_sigcert");
}

static int teardown (void **state)
{
    return fixture_dir_remove ();
}

int main (void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test (test_parse_truncated),
        cmocka_unit_test (test_parse_garbled),
        cmocka_unit_test (test_parse_embedded_nul),
        cmocka_unit_test (test_parse_bad_base64),
        cmocka_unit_test (test_parse_bad_metadata),
        cmocka_unit_test (test_parse_mismatched_secret),
        cmocka_unit_test (test_secret_never_in_error_text),
        cmocka_unit_test (test_parse_oversized),
        cmocka_unit_test (test_decode_hostile),
        cmocka_unit_test (test_load_symlink),
        cmocka_unit_test (test_load_oversized),
        cmocka_unit_test (test_load_not_regular),
        cmocka_unit_test (test_load_modes),
        cmocka_unit_test (test_load_mismatched_secret),
        cmocka_unit_test (test_store_never_overwrites_secret),
        cmocka_unit_test (test_store_modes_despite_umask),
        cmocka_unit_test (test_format_refuses_invalid_utf8),
        cmocka_unit_test (test_parse_timestamp_offset),
        cmocka_unit_test (test_decode_canonical),
        cmocka_unit_test (test_meta_api),
        cmocka_unit_test (test_detached),
        cmocka_unit_test (test_cert_signature),
        cmocka_unit_test (test_tampered_signed_text),
        cmocka_unit_test (test_roundtrip_files),
        cmocka_unit_test (test_load_stat),
        cmocka_unit_test (test_roundtrip_kv),
        cmocka_unit_test (test_create_random),
        cmocka_unit_test (test_kat_rfc8032),
        cmocka_unit_test (test_kat_files),
        cmocka_unit_test (test_kat_kv),
        cmocka_unit_test (test_kat_ca_signature),
    };
    int rc;

    if (sodium_init () < 0 || setup (NULL) < 0)
        return 1;
    rc = TAP_RUN (tests);
    if (teardown (NULL) < 0)
        return 1;
    return rc;
}
