/* Unit tests of sign_munge.c against private munged daemons (never the
 * system's): two daemons sharing a key stand for two nodes of a cluster,
 * a third with another key for a misconfigured node.  Skips with a reason
 * when munged is not installed or does not start.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <munge.h>
#include <sodium.h>

#include "tap_cmocka.h"
#include "flux/security/sign.h"
#include "common/b64.h"
#include "common/kv.h"
#include "munged_fixture.h"

static flux_security_t *ctx_with (const char *sock, const char *extra)
{
    char path[192];
    char conf[1024];
    flux_security_t *ctx;
    FILE *f;

    snprintf (conf, sizeof (conf),
              "[sign]\nmax-ttl = 60\ndefault-type = \"munge\"\n"
              "allowed-types = [\"munge\"]\n"
              "[sign.munge]\nsocket-path = \"%s\"\n%s",
              sock, extra ? extra : "");
    snprintf (path, sizeof (path), "%s/conf", munged_dir);
    (void)mkdir (path, 0755);
    snprintf (path, sizeof (path), "%s/conf/sign.toml", munged_dir);
    assert_non_null (f = fopen (path, "w"));
    fputs (conf, f);
    fclose (f);
    ctx = flux_security_create (FLUX_SECURITY_DISABLE_PATH_PARANOIA);
    assert_non_null (ctx);
    snprintf (path, sizeof (path), "%s/conf/*.toml", munged_dir);
    assert_int_equal (flux_security_configure (ctx, path), 0);
    return ctx;
}

static void expect_error (flux_security_t *ctx, const char *s, const char *text)
{
    errno = 0;
    assert_int_equal (flux_sign_unwrap (ctx, s, NULL, NULL, NULL, 0), -1);
    assert_int_not_equal (errno, 0);
    if (!strstr (flux_security_last_error (ctx), text))
        fail_msg ("expected '%s', got '%s'", text,
                  flux_security_last_error (ctx));
}

static void test_round_trip (void **state)
{
    flux_security_t *ctx = ctx_with (munged_sock_a, NULL);
    const char *s;
    const void *payload;
    int len;
    int64_t userid;

    assert_non_null (s = flux_sign_wrap (ctx, "hello", 5, NULL, 0));
    assert_non_null (strstr (s, ".MUNGE:"));
    assert_int_equal (flux_sign_unwrap (ctx, s, &payload, &len, &userid, 0), 0);
    assert_int_equal (len, 5);
    assert_memory_equal (payload, "hello", 5);
    assert_int_equal (userid, getuid ());
    /* a replayed credential is accepted (RFC 39) */
    assert_int_equal (flux_sign_unwrap (ctx, s, NULL, NULL, NULL, 0), 0);
    /* empty payload */
    assert_non_null (s = flux_sign_wrap (ctx, NULL, 0, NULL, 0));
    assert_int_equal (flux_sign_unwrap (ctx, s, &payload, &len, NULL, 0), 0);
    assert_null (payload);
    assert_int_equal (len, 0);
    flux_security_destroy (ctx);
}

/* Two nodes with the same key: sign on one, verify on the other. */
static void test_two_nodes (void **state)
{
    flux_security_t *a = ctx_with (munged_sock_a, NULL);
    flux_security_t *b = ctx_with (munged_sock_b, NULL);
    flux_security_t *c = ctx_with (munged_sock_c, NULL);
    const char *s;

    assert_non_null (s = flux_sign_wrap (a, "job", 3, NULL, 0));
    assert_int_equal (flux_sign_unwrap (b, s, NULL, NULL, NULL, 0), 0);
    /* a node with another key: the error names the host and the fix */
    expect_error (c, s, "sign-munge-verify: munge_decode: Invalid credential");
    expect_error (c, s, "(on host ");
    expect_error (c, s, "same munge.key");
    fprintf (stderr, "# %s\n", flux_security_last_error (c));
    flux_security_destroy (a);
    flux_security_destroy (b);
    flux_security_destroy (c);
}

static void test_munged_not_running (void **state)
{
    char sock[192];
    flux_security_t *ctx;
    const char *s;

    snprintf (sock, sizeof (sock), "%s/nonexistent/sock", munged_dir);
    ctx = ctx_with (sock, NULL);
    errno = 0;
    assert_null (flux_sign_wrap (ctx, "x", 1, NULL, 0));
    assert_int_not_equal (errno, 0);
    s = flux_security_last_error (ctx);
    assert_non_null (strstr (s, "sign-munge-sign: munge_encode: "));
    assert_non_null (strstr (s, "(on host "));
    assert_non_null (strstr (s, "is munged running?"));
    fprintf (stderr, "# %s\n", s);
    flux_security_destroy (ctx);
}

static char *retarget (const char *msg, const char *what, const char *with)
{
    /* replace the first occurrence of 'what' in msg with 'with' */
    const char *p = strstr (msg, what);
    char *s;

    assert_non_null (p);
    assert_true (
        asprintf (&s, "%.*s%s%s", (int)(p - msg), msg, with, p + strlen (what))
        > 0);
    return s;
}

static void test_tampered (void **state)
{
    flux_security_t *ctx = ctx_with (munged_sock_a, NULL);
    const char *s;
    char *t;
    char *p64;

    assert_non_null (s = flux_sign_wrap (ctx, "hello", 5, NULL, 0));
    /* payload swapped */
    assert_int_equal (b64_encode_alloc ("jello", 5, &p64), 0);
    t = retarget (s, "aGVsbG8=", p64);
    expect_error (ctx, t, "sign-munge-verify: SHA256 hash mismatch");
    free (t);
    free (p64);
    /* signature garbled */
    t = retarget (s, "MUNGE:", "MUNGE:AAAA");
    expect_error (ctx, t, "sign-munge-verify: munge_decode: ");
    free (t);
    /* signature truncated */
    t = strdup (s);
    t[strlen (t) - 10] = '\0';
    expect_error (ctx, t, "sign-munge-verify: munge_decode: ");
    free (t);
    /* signature missing */
    t = strdup (s);
    *(strstr (t, ".MUNGE:") + 1) = '\0';
    expect_error (ctx, t, "sign-munge-verify: munge_decode: ");
    free (t);
    flux_security_destroy (ctx);
}

/* Signed as another user: munge proves the real uid, so the header's
 * userid does not match what munged authenticated. */
static void test_uid_mismatch (void **state)
{
    flux_security_t *ctx = ctx_with (munged_sock_a, NULL);
    const char *s;

    s = flux_sign_wrap_as (ctx, (int64_t)getuid () + 1, "x", 1, NULL, 0);
    assert_non_null (s);
    expect_error (ctx, s, "sign-munge-verify: uid mismatch");
    /* NOVERIFY still decodes it */
    assert_int_equal (
        flux_sign_unwrap (ctx, s, NULL, NULL, NULL, FLUX_SIGN_NOVERIFY), 0);
    flux_security_destroy (ctx);
}

/* Encode a credential of our own making with the header of 'msg'. */
static char *forge (const char *msg, const void *digest, int len, int ttl)
{
    munge_ctx_t mctx = munge_ctx_create ();
    char *cred = NULL;
    char *s;
    const char *dot2 = strchr (strchr (msg, '.') + 1, '.');

    assert_non_null (mctx);
    assert_int_equal (munge_ctx_set (mctx, MUNGE_OPT_SOCKET, munged_sock_a),
                      EMUNGE_SUCCESS);
    if (ttl)
        assert_int_equal (munge_ctx_set (mctx, MUNGE_OPT_TTL, ttl),
                          EMUNGE_SUCCESS);
    assert_int_equal (munge_encode (&cred, mctx, digest, len), EMUNGE_SUCCESS);
    assert_true (asprintf (&s, "%.*s.%s", (int)(dot2 - msg), msg, cred) > 0);
    free (cred);
    munge_ctx_destroy (mctx);
    return s;
}

/* The digest of the original's construction: 0x01 || SHA-256 of the
 * bytes "HEADER.PAYLOAD" of 'msg'. */
static void digest_of (const char *msg, unsigned char d[33])
{
    const char *dot2 = strchr (strchr (msg, '.') + 1, '.');

    d[0] = 0x01;
    crypto_hash_sha256 (d + 1, (const unsigned char *)msg,
                        (size_t)(dot2 - msg));
}

static void test_hash_type_and_length (void **state)
{
    flux_security_t *ctx = ctx_with (munged_sock_a, NULL);
    const char *s;
    unsigned char d[33];
    char *t;

    assert_non_null (s = flux_sign_wrap (ctx, "hello", 5, NULL, 0));
    digest_of (s, d);
    /* the right digest, made here: verifies (known construction) */
    t = forge (s, d, 33, 0);
    assert_int_equal (flux_sign_unwrap (ctx, t, NULL, NULL, NULL, 0), 0);
    free (t);
    /* unknown hash type */
    d[0] = 0x02;
    t = forge (s, d, 33, 0);
    expect_error (ctx, t, "sign-munge-verify: unknown hash type");
    free (t);
    /* right type, truncated digest */
    d[0] = 0x01;
    t = forge (s, d, 32, 0);
    expect_error (ctx, t, "sign-munge-verify: SHA256 hash mismatch");
    free (t);
    /* empty credential payload */
    t = forge (s, NULL, 0, 0);
    expect_error (ctx, t, "sign-munge-verify: unknown hash type");
    free (t);
    flux_security_destroy (ctx);
}

/* An expired MUNGE credential is accepted; max-ttl is the limit. */
static void test_expired_accepted (void **state)
{
    flux_security_t *ctx = ctx_with (munged_sock_a, NULL);
    const char *s;
    unsigned char d[33];
    char *t;

    assert_non_null (s = flux_sign_wrap (ctx, "hello", 5, NULL, 0));
    digest_of (s, d);
    t = forge (s, d, 33, 1);
    sleep (2);
    assert_int_equal (flux_sign_unwrap (ctx, t, NULL, NULL, NULL, 0), 0);
    free (t);
    flux_security_destroy (ctx);
}

static void test_max_ttl (void **state)
{
    flux_security_t *ctx = ctx_with (munged_sock_a, NULL);
    flux_security_t *expired;
    const char *s;
    char path[192];
    FILE *f;

    assert_non_null (s = flux_sign_wrap (ctx, "x", 1, NULL, 0));
    /* -100: the testing hook that makes every credential expired */
    snprintf (path, sizeof (path), "%s/conf/sign.toml", munged_dir);
    assert_non_null (f = fopen (path, "w"));
    fprintf (f,
             "[sign]\nmax-ttl = -100\ndefault-type = \"munge\"\n"
             "allowed-types = [\"munge\"]\n"
             "[sign.munge]\nsocket-path = \"%s\"\n",
             munged_sock_a);
    fclose (f);
    expired = flux_security_create (FLUX_SECURITY_DISABLE_PATH_PARANOIA);
    snprintf (path, sizeof (path), "%s/conf/*.toml", munged_dir);
    assert_int_equal (flux_security_configure (expired, path), 0);
    expect_error (expired, s, "sign-munge-verify: max-ttl exceeded");
    flux_security_destroy (expired);
    flux_security_destroy (ctx);
}

static void test_config (void **state)
{
    flux_security_t *ctx;

    ctx = ctx_with (munged_sock_a, "sokcet-path = \"x\"\n");
    assert_null (flux_sign_wrap (ctx, "x", 1, NULL, 0));
    assert_non_null (strstr (flux_security_last_error (ctx),
                             "key 'sign.munge.sokcet-path' is unknown"));
    flux_security_destroy (ctx);
    /* default socket when [sign.munge] is absent: init succeeds */
    {
        char path[192];
        FILE *f;
        snprintf (path, sizeof (path), "%s/conf/sign.toml", munged_dir);
        assert_non_null (f = fopen (path, "w"));
        fputs ("[sign]\nmax-ttl = 60\ndefault-type = \"munge\"\n"
               "allowed-types = [\"munge\"]\n"
               "[sign.munge]\nsocket-path = 5\n",
               f);
        fclose (f);
        ctx = flux_security_create (FLUX_SECURITY_DISABLE_PATH_PARANOIA);
        snprintf (path, sizeof (path), "%s/conf/*.toml", munged_dir);
        assert_int_equal (flux_security_configure (ctx, path), 0);
        assert_null (flux_sign_wrap (ctx, "x", 1, NULL, 0));
        assert_non_null (
            strstr (flux_security_last_error (ctx),
                    "'sign.munge.socket-path' must be of type string"));
        flux_security_destroy (ctx);
    }
}

int main (void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test (test_round_trip),
        cmocka_unit_test (test_two_nodes),
        cmocka_unit_test (test_munged_not_running),
        cmocka_unit_test (test_tampered),
        cmocka_unit_test (test_uid_mismatch),
        cmocka_unit_test (test_hash_type_and_length),
        cmocka_unit_test (test_expired_accepted),
        cmocka_unit_test (test_max_ttl),
        cmocka_unit_test (test_config),
    };
    int rc;

    if (munged_setup ("test_sign_munge") < 0) {
        munged_teardown ();
        return tap_skip_all ("munged is not installed or did not start");
    }
    rc = TAP_RUN (tests);
    munged_teardown ();
    return rc;
}
