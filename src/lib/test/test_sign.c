/* Unit tests of sign.c and sign_none.c: the envelope, the header checks,
 * the [sign] configuration, and the none mechanism, hostile input first.
 * The munge mechanism is tested against a private munged in
 * test_sign_munge.c, curve in test_sign_curve.c.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tap_cmocka.h"
#include "flux/security/sign.h"
#include "common/b64.h"
#include "common/kv.h"

static char tmpdir[64];
static char pattern[128];

#define CONF_NONE                                                              \
    "[sign]\nmax-ttl = 60\ndefault-type = \"none\"\n"                          \
    "allowed-types = [\"none\"]\n"

static void write_conf (const char *text)
{
    char path[256];
    int fd;

    snprintf (path, sizeof (path), "%s/sign.toml", tmpdir);
    fd = open (path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    assert_true (fd >= 0);
    assert_int_equal (write (fd, text, strlen (text)), (ssize_t)strlen (text));
    assert_int_equal (close (fd), 0);
}

static flux_security_t *ctx_with (const char *conf)
{
    flux_security_t *ctx;

    write_conf (conf);
    ctx = flux_security_create (FLUX_SECURITY_DISABLE_PATH_PARANOIA);
    assert_non_null (ctx);
    assert_int_equal (flux_security_configure (ctx, pattern), 0);
    return ctx;
}

/* Expect unwrap of 'input' to fail with errno EINVAL/EPERM and 'text'. */
static void
expect_unwrap_error (flux_security_t *ctx, const char *input, const char *text)
{
    const void *payload = (void *)1;
    int len = -1;
    int64_t userid = -1;

    errno = 0;
    assert_int_equal (flux_sign_unwrap (ctx, input, &payload, &len, &userid, 0),
                      -1);
    assert_true (errno == EINVAL || errno == EPERM);
    assert_int_equal (flux_security_last_errnum (ctx), errno);
    if (!strstr (flux_security_last_error (ctx), text))
        fail_msg ("expected '%s', got '%s'", text,
                  flux_security_last_error (ctx));
    /* out parameters untouched on failure */
    assert_ptr_equal (payload, (void *)1);
    assert_int_equal (len, -1);
    assert_int_equal (userid, -1);
}

/* A message "b64(header).b64(payload).signature" from raw header bytes. */
static char *make_raw (const char *hbuf,
                       size_t hlen,
                       const char *payload,
                       const char *signature)
{
    char *h64, *p64, *s;

    assert_int_equal (b64_encode_alloc (hbuf, hlen, &h64), 0);
    assert_int_equal (b64_encode_alloc (payload, strlen (payload), &p64), 0);
    assert_true (asprintf (&s, "%s.%s.%s", h64, p64, signature) > 0);
    free (h64);
    free (p64);
    return s;
}

static char *
make_msg (const struct kv *header, const char *payload, const char *signature)
{
    const char *buf;
    size_t len;

    assert_int_equal (kv_encode (header, &buf, &len), 0);
    return make_raw (buf, len, payload, signature);
}

static struct kv *header_std (int64_t userid)
{
    struct kv *kv = kv_create ();

    assert_non_null (kv);
    assert_int_equal (kv_put_int64 (kv, "version", 1), 0);
    assert_int_equal (kv_put_string (kv, "mechanism", "none"), 0);
    assert_int_equal (kv_put_int64 (kv, "userid", userid), 0);
    return kv;
}

/* --- hostile input ---------------------------------------------------- */

static void test_unwrap_malformed (void **state)
{
    flux_security_t *ctx = ctx_with (CONF_NONE);
    struct kv *h = header_std (getuid ());
    char *good = make_msg (h, "hello", "none");
    char *s;
    const char *hdrerr = "sign-unwrap: header decode error: Invalid argument";
    const char *payerr = "sign-unwrap: payload decode error: Invalid argument";

    expect_unwrap_error (ctx, "", hdrerr);
    expect_unwrap_error (ctx, "nodots", hdrerr);
    expect_unwrap_error (ctx, ".aGVsbG8=.none", hdrerr);
    expect_unwrap_error (ctx, "..", hdrerr);
    expect_unwrap_error (ctx, "!!!!.aGVsbG8=.none", hdrerr);
    /* header decodes but is not a kv (no final NUL) */
    expect_unwrap_error (ctx, "aGVsbG8=.aGVsbG8=.none", hdrerr);
    /* truncated after the header: no second dot */
    *strchr (strchr (good, '.') + 1, '.') = '\0';
    expect_unwrap_error (ctx, good, payerr);
    free (good);
    /* truncated header (not a multiple of 4) */
    good = make_msg (h, "hello", "none");
    s = strdup (good + 1);
    expect_unwrap_error (ctx, s, hdrerr);
    free (s);
    /* payload: unpadded, URL-safe, garbage */
    assert_true (asprintf (&s, "%.*s.aGVsbG8.none",
                           (int)(strchr (good, '.') - good), good)
                 > 0);
    expect_unwrap_error (ctx, s, payerr);
    free (s);
    assert_true (
        asprintf (&s, "%.*s.-_-_.none", (int)(strchr (good, '.') - good), good)
        > 0);
    expect_unwrap_error (ctx, s, payerr);
    free (s);
    assert_true (asprintf (&s, "%.*s.aGVs bG8=.none",
                           (int)(strchr (good, '.') - good), good)
                 > 0);
    expect_unwrap_error (ctx, s, payerr);
    free (s);
    /* extra dots end up in the signature */
    assert_true (asprintf (&s, "%s.x", good) > 0);
    expect_unwrap_error (ctx, s, "sign-none-verify: signature invalid");
    free (s);
    /* empty signature */
    s = make_msg (h, "hello", "");
    expect_unwrap_error (ctx, s, "sign-none-verify: signature invalid");
    free (s);
    free (good);
    kv_destroy (h);
    flux_security_destroy (ctx);
}

static void test_unwrap_url_safe (void **state)
{
    flux_security_t *ctx = ctx_with (CONF_NONE);
    struct kv *h;
    char *s = NULL;
    char *p = NULL;
    char pad[16] = "";

    /* an extra header value of '?' characters (0x3f) makes the header's
     * base64 contain '/' at some alignment: make it URL-safe '_' */
    for (int n = 0; n < 12 && !p; n++) {
        free (s);
        pad[n] = '?';
        h = header_std (getuid ());
        assert_int_equal (kv_put_string (h, "extra", pad), 0);
        s = make_msg (h, "hello", "none");
        kv_destroy (h);
        if ((p = strpbrk (s, "+/")) && p > strchr (s, '.'))
            p = NULL;
    }
    assert_non_null (p);
    *p = (*p == '+') ? '-' : '_';
    expect_unwrap_error (ctx, s,
                         "sign-unwrap: header decode error: Invalid argument");
    free (s);
    /* the same in the payload: "\xff\xff\xff" is "////" */
    h = header_std (getuid ());
    s = make_msg (h, "\xff\xff\xff", "none");
    kv_destroy (h);
    assert_non_null (p = strstr (s, "////"));
    p[1] = '_';
    expect_unwrap_error (ctx, s,
                         "sign-unwrap: payload decode error: Invalid argument");
    free (s);
    flux_security_destroy (ctx);
}

static void test_unwrap_header_fields (void **state)
{
    flux_security_t *ctx = ctx_with (CONF_NONE);
    struct kv *h;
    char *s;

    /* version missing, wrong, wrong type */
    h = header_std (getuid ());
    assert_int_equal (kv_delete (h, "version"), 0);
    s = make_msg (h, "x", "none");
    expect_unwrap_error (ctx, s, "sign-unwrap: header version missing");
    free (s);
    assert_int_equal (kv_put_int64 (h, "version", 2), 0);
    s = make_msg (h, "x", "none");
    expect_unwrap_error (ctx, s, "sign-unwrap: header version=2 unknown");
    free (s);
    assert_int_equal (kv_put_string (h, "version", "1"), 0);
    s = make_msg (h, "x", "none");
    expect_unwrap_error (ctx, s, "sign-unwrap: header version missing");
    free (s);
    kv_destroy (h);

    /* mechanism missing, unknown */
    h = header_std (getuid ());
    assert_int_equal (kv_delete (h, "mechanism"), 0);
    s = make_msg (h, "x", "none");
    expect_unwrap_error (ctx, s, "sign-unwrap: header mechanism missing");
    free (s);
    assert_int_equal (kv_put_string (h, "mechanism", "rot13"), 0);
    s = make_msg (h, "x", "none");
    expect_unwrap_error (ctx, s, "sign-unwrap: header mechanism=rot13 unknown");
    free (s);
    kv_destroy (h);

    /* userid missing, string-typed, negative, too large for a uid_t */
    h = header_std (getuid ());
    assert_int_equal (kv_delete (h, "userid"), 0);
    s = make_msg (h, "x", "none");
    expect_unwrap_error (ctx, s, "sign-unwrap: header userid missing");
    free (s);
    assert_int_equal (kv_put_string (h, "userid", "0"), 0);
    s = make_msg (h, "x", "none");
    expect_unwrap_error (ctx, s, "sign-unwrap: header userid missing");
    free (s);
    assert_int_equal (kv_put_int64 (h, "userid", -1), 0);
    s = make_msg (h, "x", "none");
    expect_unwrap_error (ctx, s, "sign-unwrap: header userid=-1 invalid");
    free (s);
    /* 2^32 would truncate to uid 0 in a careless consumer */
    assert_int_equal (kv_put_int64 (h, "userid", 4294967296LL), 0);
    s = make_msg (h, "x", "none");
    expect_unwrap_error (ctx, s, "invalid");
    free (s);
    assert_int_equal (kv_put_int64 (h, "userid", 4294967295LL), 0);
    s = make_msg (h, "x", "none");
    expect_unwrap_error (ctx, s, "invalid");
    free (s);
    kv_destroy (h);

    /* duplicate keys are refused by the kv decoder */
    {
        const char raw[] = "version\0i1\0mechanism\0snone\0userid\0i0\0"
                           "userid\0i0\0";
        s = make_raw (raw, sizeof (raw) - 1, "x", "none");
        expect_unwrap_error (ctx, s, "header decode error");
        free (s);
    }
    flux_security_destroy (ctx);
}

static void test_unwrap_tampered_none (void **state)
{
    flux_security_t *ctx = ctx_with (CONF_NONE);
    struct kv *h = header_std ((int64_t)getuid () + 1);
    char *s;
    char expect[128];

    /* another user's none message does not verify here */
    s = make_msg (h, "x", "none");
    snprintf (expect, sizeof (expect),
              "sign-none-verify: header userid %lld != real %lld",
              (long long)getuid () + 1, (long long)getuid ());
    expect_unwrap_error (ctx, s, expect);
    free (s);
    kv_destroy (h);
    h = header_std (getuid ());
    s = make_msg (h, "x", "nonE");
    expect_unwrap_error (ctx, s, "sign-none-verify: signature invalid");
    free (s);
    kv_destroy (h);
    flux_security_destroy (ctx);
}

static void test_unwrap_oversized (void **state)
{
    flux_security_t *ctx = ctx_with (CONF_NONE);
    size_t n = b64_encoded_len (KV_MAX_SIZE) + 8;
    char *s = malloc (n + 16);

    assert_non_null (s);
    memset (s, 'A', n);
    memcpy (s + n, ".aGk=.none", 11);
    expect_unwrap_error (ctx, s,
                         "sign-unwrap: header decode error: Invalid argument");
    free (s);
    flux_security_destroy (ctx);
}

static void test_args (void **state)
{
    flux_security_t *ctx = ctx_with (CONF_NONE);
    const void *p;
    int len;

    errno = 0;
    assert_null (flux_sign_wrap (NULL, "x", 1, NULL, 0));
    assert_int_equal (errno, EINVAL);
    struct {
        int64_t userid;
        const void *payload;
        int len;
        int flags;
    } bad[] = {
        {0, "x", 1, 1},  {-1, "x", 1, 0}, {4294967295LL, "x", 1, 0},
        {0, "x", -1, 0}, {0, NULL, 1, 0},
    };
    for (size_t i = 0; i < sizeof (bad) / sizeof (bad[0]); i++) {
        errno = 0;
        assert_null (flux_sign_wrap_as (ctx, bad[i].userid, bad[i].payload,
                                        bad[i].len, NULL, bad[i].flags));
        assert_int_equal (errno, EINVAL);
        assert_string_equal (flux_security_last_error (ctx), strerror (EINVAL));
    }
    errno = 0;
    assert_null (flux_sign_wrap (ctx, "x", 1, "rot13", 0));
    assert_int_equal (errno, EINVAL);
    assert_string_equal (flux_security_last_error (ctx),
                         "sign-wrap: unknown mechanism: rot13");
    errno = 0;
    assert_int_equal (flux_sign_unwrap (NULL, "x", &p, &len, NULL, 0), -1);
    assert_int_equal (errno, EINVAL);
    errno = 0;
    assert_int_equal (flux_sign_unwrap (ctx, NULL, &p, &len, NULL, 0), -1);
    assert_int_equal (errno, EINVAL);
    errno = 0;
    assert_int_equal (flux_sign_unwrap (ctx, "x", &p, &len, NULL, 2), -1);
    assert_int_equal (errno, EINVAL);
    errno = 0;
    assert_int_equal (
        flux_sign_unwrap_anymech (ctx, "x", &p, &len, NULL, NULL, 0x100), -1);
    assert_int_equal (errno, EINVAL);
    flux_security_destroy (ctx);
}

/* --- configuration ---------------------------------------------------- */

static void expect_config_error (const char *conf, const char *text)
{
    flux_security_t *ctx = ctx_with (conf);

    errno = 0;
    assert_null (flux_sign_wrap (ctx, "x", 1, NULL, 0));
    assert_int_not_equal (errno, 0);
    if (!strstr (flux_security_last_error (ctx), text))
        fail_msg ("expected '%s', got '%s'", text,
                  flux_security_last_error (ctx));
    /* the error repeats: nothing was cached */
    assert_int_equal (flux_sign_unwrap (ctx, "a.b.c", NULL, NULL, NULL, 0), -1);
    assert_non_null (strstr (flux_security_last_error (ctx), text));
    flux_security_destroy (ctx);
}

static void test_config_errors (void **state)
{
    flux_security_t *ctx;

    ctx = flux_security_create (0);
    assert_null (flux_sign_wrap (ctx, "x", 1, NULL, 0));
    assert_string_equal (flux_security_last_error (ctx),
                         "configuration has not been loaded");
    flux_security_destroy (ctx);

    expect_config_error ("[other]\nx = 1\n",
                         "configuration object 'sign' not found");
    expect_config_error ("sign = 1\n", "'sign' must be of type table");
    expect_config_error ("[sign]\nmax-ttl = 0\ndefault-type = \"none\"\n"
                         "allowed-types = [\"none\"]\n",
                         "sign: config error: sign: max-ttl should be "
                         "greater than zero");
    expect_config_error ("[sign]\nmax-ttl = -1\ndefault-type = \"none\"\n"
                         "allowed-types = [\"none\"]\n",
                         "max-ttl should be greater than zero");
    expect_config_error ("[sign]\nmax-ttl = \"60\"\ndefault-type = \"none\"\n"
                         "allowed-types = [\"none\"]\n",
                         "'sign.max-ttl' must be of type int64");
    expect_config_error ("[sign]\ndefault-type = \"none\"\n"
                         "allowed-types = [\"none\"]\n",
                         "'sign.max-ttl' must be set");
    expect_config_error ("[sign]\nmax-ttl = 60\n"
                         "allowed-types = [\"none\"]\n",
                         "'sign.default-type' must be set");
    expect_config_error ("[sign]\nmax-ttl = 60\ndefault-type = \"none\"\n",
                         "'sign.allowed-types' must be set");
    expect_config_error ("[sign]\nmax-ttl = 60\ndefault-type = \"rot13\"\n"
                         "allowed-types = [\"none\"]\n",
                         "sign: config error: sign: unknown mechanism=rot13");
    expect_config_error ("[sign]\nmax-ttl = 60\ndefault-type = \"none\"\n"
                         "allowed-types = []\n",
                         "sign: allowed-types array is empty");
    expect_config_error ("[sign]\nmax-ttl = 60\ndefault-type = \"none\"\n"
                         "allowed-types = [\"none\", 1]\n",
                         "'sign.allowed-types[1]' must be of type string");
    expect_config_error ("[sign]\nmax-ttl = 60\ndefault-type = \"none\"\n"
                         "allowed-types = [\"none\", \"rot13\"]\n",
                         "sign: unknown mechanism=rot13");
    expect_config_error ("[sign]\nmax-ttl = 60\ndefault-type = \"none\"\n"
                         "allowed-types = \"none\"\n",
                         "'sign.allowed-types' must be of type array");
    /* a misspelt key is an error naming file and line */
    expect_config_error ("[sign]\nmax-ttl = 60\ndefault-type = \"none\"\n"
                         "allowed-types = [\"none\"]\nmax_ttl = 5\n",
                         "sign.toml:5: key 'sign.max_ttl' is unknown");
}

static void test_config_accepted (void **state)
{
    flux_security_t *ctx;

    /* sub-tables are not checked by [sign] (only when their mechanism is
     * used); -100 is the testing hook */
    ctx = ctx_with ("[sign]\nmax-ttl = -100\ndefault-type = \"none\"\n"
                    "allowed-types = [\"none\", \"munge\", \"curve\"]\n"
                    "[sign.future]\nx = 1\n"
                    "[sign.curve]\nrequire-ca = false\n");
    assert_non_null (flux_sign_wrap (ctx, "x", 1, NULL, 0));
    flux_security_destroy (ctx);
}

/* --- the none mechanism and the envelope ------------------------------ */

/* wire.md 2.3: the original's message for uid 1000 and payload "hello" */
static const char *kat_1000 =
    "dmVyc2lvbgBpMQBtZWNoYW5pc20Ac25vbmUAdXNlcmlkAGkxMDAwAA==."
    "aGVsbG8=.none";

static void test_none_known_answer (void **state)
{
    flux_security_t *ctx = ctx_with (CONF_NONE);
    const char *s;
    const void *payload;
    int len;
    int64_t userid;
    const char *mech;

    s = flux_sign_wrap_as (ctx, 1000, "hello", 5, "none", 0);
    assert_non_null (s);
    assert_string_equal (s, kat_1000);
    s = flux_sign_wrap_as (ctx, 1001, "hello", 5, "none", 0);
    assert_string_equal (s,
                         "dmVyc2lvbgBpMQBtZWNoYW5pc20Ac25vbmUAdXNlcmlkAGkxMDAx"
                         "AA==.aGVsbG8=.none");
    /* the original's message decodes here */
    assert_int_equal (flux_sign_unwrap (ctx, kat_1000, &payload, &len, &userid,
                                        FLUX_SIGN_NOVERIFY),
                      0);
    assert_int_equal (len, 5);
    assert_memory_equal (payload, "hello", 5);
    assert_int_equal (userid, 1000);
    assert_int_equal (flux_sign_unwrap_anymech (ctx, kat_1000, NULL, NULL,
                                                &mech, &userid,
                                                FLUX_SIGN_NOVERIFY),
                      0);
    assert_string_equal (mech, "none");
    /* and verifies only as uid 1000 */
    if (getuid () == 1000)
        assert_int_equal (flux_sign_unwrap (ctx, kat_1000, NULL, NULL, NULL, 0),
                          0);
    else
        expect_unwrap_error (ctx, kat_1000, "sign-none-verify: header userid");
    flux_security_destroy (ctx);
}

static void test_none_round_trip (void **state)
{
    flux_security_t *ctx = ctx_with (CONF_NONE);
    const char bin[] = "a\0b\0\xff\x80 \n";
    const char *s;
    const void *payload;
    int len;
    int64_t userid;

    s = flux_sign_wrap (ctx, bin, sizeof (bin), NULL, 0);
    assert_non_null (s);
    assert_int_equal (flux_sign_unwrap (ctx, s, &payload, &len, &userid, 0), 0);
    assert_int_equal (len, sizeof (bin));
    assert_memory_equal (payload, bin, sizeof (bin));
    assert_int_equal (userid, getuid ());
    /* the payload buffer is NUL-terminated beyond its length */
    assert_int_equal (((const char *)payload)[len], '\0');
    /* all out parameters may be NULL */
    assert_int_equal (flux_sign_unwrap (ctx, s, NULL, NULL, NULL, 0), 0);
    flux_security_destroy (ctx);
}

static void test_none_empty_payload (void **state)
{
    flux_security_t *ctx = ctx_with (CONF_NONE);
    const char *s;
    const void *payload = (void *)1;
    int len = -1;

    s = flux_sign_wrap (ctx, NULL, 0, NULL, 0);
    assert_non_null (s);
    assert_non_null (strstr (s, "..none"));
    assert_int_equal (flux_sign_unwrap (ctx, s, &payload, &len, NULL, 0), 0);
    assert_null (payload);
    assert_int_equal (len, 0);
    flux_security_destroy (ctx);
}

static void test_header_order_and_extra_keys (void **state)
{
    flux_security_t *ctx = ctx_with (CONF_NONE);
    struct kv *h = kv_create ();
    char *s;
    const void *payload;
    int len;

    assert_int_equal (kv_put_string (h, "extra", "ok"), 0);
    assert_int_equal (kv_put_int64 (h, "userid", getuid ()), 0);
    assert_int_equal (kv_put_string (h, "mechanism", "none"), 0);
    assert_int_equal (kv_put_int64 (h, "version", 1), 0);
    s = make_msg (h, "hi", "none");
    assert_int_equal (flux_sign_unwrap (ctx, s, &payload, &len, NULL, 0), 0);
    assert_int_equal (len, 2);
    free (s);
    kv_destroy (h);
    flux_security_destroy (ctx);
}

/* none has no integrity: a payload swap verifies (wire.md 2.3).  This
 * test pins that documented property so that nobody relies on it. */
static void test_none_no_integrity (void **state)
{
    flux_security_t *ctx = ctx_with (CONF_NONE);
    struct kv *h = header_std (getuid ());
    char *s = make_msg (h, "changed", "none");
    const void *payload;
    int len;

    assert_int_equal (flux_sign_unwrap (ctx, s, &payload, &len, NULL, 0), 0);
    assert_int_equal (len, 7);
    free (s);
    kv_destroy (h);
    flux_security_destroy (ctx);
}

/* The defence against an instance owner writing "none" messages for a
 * guest: in the process whose pid flux-imp put in
 * FLUX_SECURITY_REFUSE_NONE (the job shell), none fails; anywhere else
 * (the job's tasks, a single-user instance run inside the job) it works. */
static void test_none_refused_in_imp_job (void **state)
{
    flux_security_t *ctx = ctx_with (CONF_NONE);
    const char *s = flux_sign_wrap (ctx, "x", 1, NULL, 0);
    char *copy = strdup (s);
    char pid[32], other[32], zero[33];
    static const char *const inert[] = {
        "", "0", "1", "-1", "yes", "all",
    };

    snprintf (pid, sizeof (pid), "%ld", (long)getpid ());
    snprintf (other, sizeof (other), "%ld", (long)getpid () + 1);
    snprintf (zero, sizeof (zero), "0%ld", (long)getpid ());
    assert_int_equal (setenv ("FLUX_SECURITY_REFUSE_NONE", pid, 1), 0);
    expect_unwrap_error (ctx, copy, "sign-none-verify: the none mechanism is "
                                    "refused in a job shell that flux-imp "
                                    "started for another user");
    /* NOVERIFY still decodes (nothing is trusted then) */
    assert_int_equal (
        flux_sign_unwrap (ctx, copy, NULL, NULL, NULL, FLUX_SIGN_NOVERIFY),
        0);
    /* a child of the job shell (another pid) is not refused */
    assert_int_equal (setenv ("FLUX_SECURITY_REFUSE_NONE", other, 1), 0);
    assert_int_equal (flux_sign_unwrap (ctx, copy, NULL, NULL, NULL, 0), 0);
    /* nor is any value that is not exactly this pid */
    assert_int_equal (setenv ("FLUX_SECURITY_REFUSE_NONE", zero, 1), 0);
    assert_int_equal (flux_sign_unwrap (ctx, copy, NULL, NULL, NULL, 0), 0);
    for (size_t i = 0; i < sizeof (inert) / sizeof (inert[0]); i++) {
        assert_int_equal (setenv ("FLUX_SECURITY_REFUSE_NONE", inert[i], 1),
                          0);
        if (flux_sign_unwrap (ctx, copy, NULL, NULL, NULL, 0) != 0)
            fail_msg ("refused with FLUX_SECURITY_REFUSE_NONE=%s", inert[i]);
    }
    assert_int_equal (unsetenv ("FLUX_SECURITY_REFUSE_NONE"), 0);
    assert_int_equal (flux_sign_unwrap (ctx, copy, NULL, NULL, NULL, 0), 0);
    free (copy);
    flux_security_destroy (ctx);
}

static void test_noverify (void **state)
{
    flux_security_t *ctx = ctx_with (CONF_NONE);
    struct kv *h = header_std ((int64_t)getuid () + 1);
    char *s = make_msg (h, "x", "garbage");
    int64_t userid;

    assert_int_equal (
        flux_sign_unwrap (ctx, s, NULL, NULL, &userid, FLUX_SIGN_NOVERIFY), 0);
    assert_int_equal (userid, (int64_t)getuid () + 1);
    free (s);
    kv_destroy (h);
    flux_security_destroy (ctx);
}

static void test_wrap_not_allowed_then_anymech (void **state)
{
    flux_security_t *ctx =
        ctx_with ("[sign]\nmax-ttl = 60\ndefault-type = \"munge\"\n"
                  "allowed-types = [\"munge\"]\n");
    const char *s;
    const char *mech = NULL;

    /* wrap does not check allowed-types (as the original) */
    s = flux_sign_wrap (ctx, "x", 1, "none", 0);
    assert_non_null (s);
    expect_unwrap_error (ctx, s,
                         "sign-unwrap: header mechanism=none not "
                         "allowed (on host ");
    /* NOVERIFY does not bypass allowed-types either */
    assert_int_equal (
        flux_sign_unwrap (ctx, s, NULL, NULL, NULL, FLUX_SIGN_NOVERIFY), -1);
    assert_int_equal (
        flux_sign_unwrap_anymech (ctx, s, NULL, NULL, &mech, NULL, 0), 0);
    assert_string_equal (mech, "none");
    flux_security_destroy (ctx);
}

static void test_wrap_buffer_lifetime (void **state)
{
    flux_security_t *ctx = ctx_with (CONF_NONE);
    const char *a, *b;
    char *copy;

    a = flux_sign_wrap (ctx, "one", 3, NULL, 0);
    assert_non_null (a);
    copy = strdup (a);
    b = flux_sign_wrap (ctx, "two", 3, NULL, 0);
    assert_non_null (b);
    assert_string_not_equal (copy, b);
    /* a reconfigure keeps the last result valid */
    assert_int_equal (flux_security_configure (ctx, pattern), 0);
    assert_non_null (strstr (b, "dHdv")); /* "two" */
    free (copy);
    flux_security_destroy (ctx);
}

int main (void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test (test_unwrap_malformed),
        cmocka_unit_test (test_unwrap_url_safe),
        cmocka_unit_test (test_unwrap_header_fields),
        cmocka_unit_test (test_unwrap_tampered_none),
        cmocka_unit_test (test_unwrap_oversized),
        cmocka_unit_test (test_args),
        cmocka_unit_test (test_config_errors),
        cmocka_unit_test (test_config_accepted),
        cmocka_unit_test (test_none_known_answer),
        cmocka_unit_test (test_none_round_trip),
        cmocka_unit_test (test_none_empty_payload),
        cmocka_unit_test (test_header_order_and_extra_keys),
        cmocka_unit_test (test_none_no_integrity),
        cmocka_unit_test (test_none_refused_in_imp_job),
        cmocka_unit_test (test_noverify),
        cmocka_unit_test (test_wrap_not_allowed_then_anymech),
        cmocka_unit_test (test_wrap_buffer_lifetime),
    };
    char path[192];
    int rc;

    snprintf (tmpdir, sizeof (tmpdir), "/tmp/test_sign.XXXXXX");
    if (!mkdtemp (tmpdir))
        return 1;
    snprintf (pattern, sizeof (pattern), "%s/*.toml", tmpdir);
    rc = TAP_RUN (tests);
    snprintf (path, sizeof (path), "%s/sign.toml", tmpdir);
    (void)unlink (path);
    (void)rmdir (tmpdir);
    return rc;
}
