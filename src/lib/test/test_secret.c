/* Unit tests of secret.c (flux_secret_seal / flux_secret_open) against
 * private munged daemons: "a" and "b" share a key (two nodes), "c" has
 * another.  Opening as the intended user needs root (to become the test
 * account fluxguest in a child) and that account; the cases that need
 * them run only then, and the others run everywhere munged does.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <munge.h>

#include "tap_cmocka.h"
#include "flux/security/secret.h"
#include "munged_fixture.h"

static uid_t guest_uid, owner_uid;
static gid_t guest_gid, owner_gid;

static const char *
write_conf (const char *name, const char *sock, const char *extra)
{
    static char pattern[256];
    char path[256];
    FILE *f;

    snprintf (path, sizeof (path), "%s/%s", munged_dir, name);
    (void)mkdir (path, 0755);
    snprintf (path, sizeof (path), "%s/%s/security.toml", munged_dir, name);
    assert_non_null (f = fopen (path, "w"));
    fprintf (f, "[secret]\nsocket-path = \"%s\"\n%s", sock, extra ? extra : "");
    assert_int_equal (fclose (f), 0);
    assert_int_equal (chmod (path, 0644), 0);
    snprintf (pattern, sizeof (pattern), "%s/%s/*.toml", munged_dir, name);
    return pattern;
}

static flux_security_t *ctx_for (const char *pattern)
{
    flux_security_t *ctx;

    ctx = flux_security_create (FLUX_SECURITY_DISABLE_PATH_PARANOIA);
    assert_non_null (ctx);
    assert_int_equal (flux_security_configure (ctx, pattern), 0);
    return ctx;
}

/* What a child that opened a sealed string reports. */
struct opened {
    int rc;
    int errnum;
    int64_t sealer;
    int len;
    char text[512]; /* the secret, or the error text */
};

/* Open 'sealed' with configuration 'pattern' as uid:gid (in a child;
 * the current identity when uid is (uid_t)-1). */
static void open_as (uid_t uid,
                     gid_t gid,
                     const char *pattern,
                     const char *sealed,
                     struct opened *out)
{
    int fds[2];
    pid_t pid;
    int status;

    assert_int_equal (pipe (fds), 0);
    assert_true ((pid = fork ()) >= 0);
    if (pid == 0) {
        struct opened r = {0};
        flux_security_t *ctx;
        const void *secret;
        close (fds[0]);
        if (uid != (uid_t)-1
            && (setgroups (0, NULL) < 0 || setresgid (gid, gid, gid) < 0
                || setresuid (uid, uid, uid) < 0))
            _exit (2);
        ctx = flux_security_create (FLUX_SECURITY_DISABLE_PATH_PARANOIA);
        if (!ctx || flux_security_configure (ctx, pattern) < 0)
            _exit (3);
        r.rc = flux_secret_open (ctx, sealed, &secret, &r.len, &r.sealer, 0);
        r.errnum = errno;
        if (r.rc == 0 && r.len > 0 && r.len < (int)sizeof (r.text))
            memcpy (r.text, secret, (size_t)r.len);
        else if (r.rc < 0)
            snprintf (r.text, sizeof (r.text), "%s",
                      flux_security_last_error (ctx));
        if (write (fds[1], &r, sizeof (r)) != (ssize_t)sizeof (r))
            _exit (4);
        _exit (0);
    }
    close (fds[1]);
    assert_int_equal (read (fds[0], out, sizeof (*out)), sizeof (*out));
    close (fds[0]);
    assert_int_equal (waitpid (pid, &status, 0), pid);
    assert_true (WIFEXITED (status) && WEXITSTATUS (status) == 0);
}

static void
expect_refused (const struct opened *r, int errnum, const char *text)
{
    assert_int_equal (r->rc, -1);
    assert_int_equal (r->errnum, errnum);
    if (!strstr (r->text, text))
        fail_msg ("expected '%s', got '%s'", text, r->text);
    /* never the plaintext */
    assert_null (strstr (r->text, "hunter2"));
}

static const char *seal (flux_security_t *ctx, uid_t uid, int ttl)
{
    const char *s = flux_secret_seal (ctx, uid, "hunter2", 7, ttl, 0);

    if (!s) {
        fail_msg ("seal: %s", flux_security_last_error (ctx));
        return NULL;
    }
    assert_int_equal (strncmp (s, "flux-secret:1:munge:MUNGE:", 26), 0);
    assert_null (strstr (s, "hunter2"));
    return s;
}

/* --- everywhere munged runs ------------------------------------------ */

static void test_seal_args (void **state)
{
    flux_security_t *ctx = ctx_for (write_conf ("args", munged_sock_a, NULL));
    const struct {
        int64_t uid;
        const void *p;
        int len;
        int ttl;
        int flags;
        int errnum;
        const char *text;
    } bad[] = {
        {0, "x", 1, 0, 0, EINVAL, "refusing to seal for root"},
        {-1, "x", 1, 0, 0, EINVAL, "Invalid argument"},
        {4294967295LL, "x", 1, 0, 0, EINVAL, "Invalid argument"},
        {1000, "x", -1, 0, 0, EINVAL, "Invalid argument"},
        {1000, NULL, 1, 0, 0, EINVAL, "Invalid argument"},
        {1000, "x", 1, 0, 1, EINVAL, "Invalid argument"},
        {1000, "x", 1, -1, 0, EINVAL, "ttl must be between 1 and 3600"},
        {1000, "x", 1, 3601, 0, EINVAL, "ttl must be between 1 and 3600"},
    };
    static char big[256 * 1024 + 1];

    for (size_t i = 0; i < sizeof (bad) / sizeof (bad[0]); i++) {
        errno = 0;
        assert_null (flux_secret_seal (ctx, bad[i].uid, bad[i].p, bad[i].len,
                                       bad[i].ttl, bad[i].flags));
        assert_int_equal (errno, bad[i].errnum);
        assert_non_null (strstr (flux_security_last_error (ctx), bad[i].text));
    }
    errno = 0;
    assert_null (flux_secret_seal (ctx, 1000, big, sizeof (big), 0, 0));
    assert_int_equal (errno, E2BIG);
    errno = 0;
    assert_null (flux_secret_seal (NULL, 1000, "x", 1, 0, 0));
    assert_int_equal (errno, EINVAL);
    flux_security_destroy (ctx);
}

static void test_open_malformed (void **state)
{
    const char *pattern = write_conf ("malformed", munged_sock_a, NULL);
    flux_security_t *ctx = ctx_for (pattern);
    const char *bad[] = {
        "",
        "hunter2",
        "MUNGE:AAAA:",
        "flux-secret:2:munge:MUNGE:AAAA:",
        "flux-secret:1:curve:xyz",
    };
    const void *p = (void *)1;

    for (size_t i = 0; i < sizeof (bad) / sizeof (bad[0]); i++) {
        errno = 0;
        assert_int_equal (flux_secret_open (ctx, bad[i], &p, NULL, NULL, 0),
                          -1);
        assert_int_equal (errno, EINVAL);
        assert_non_null (strstr (flux_security_last_error (ctx),
                                 "secret-open: not a sealed secret"));
        assert_ptr_equal (p, (void *)1);
    }
    errno = 0;
    assert_int_equal (flux_secret_open (ctx, "flux-secret:1:munge:garbage", &p,
                                        NULL, NULL, 0),
                      -1);
    assert_int_equal (errno, EINVAL);
    assert_non_null (
        strstr (flux_security_last_error (ctx), "secret-open: munge_decode: "));
    assert_int_equal (flux_secret_open (ctx, "x", &p, NULL, NULL, 2), -1);
    assert_int_equal (flux_secret_open (ctx, NULL, &p, NULL, NULL, 0), -1);
    flux_security_destroy (ctx);
}

/* munged never lets root open a credential restricted to another uid. */
static void test_other_user_refused (void **state)
{
    const char *pattern = write_conf ("other", munged_sock_a, NULL);
    flux_security_t *ctx = ctx_for (pattern);
    struct opened r;
    uid_t other = getuid () == 65534 ? 65533 : 65534;

    open_as ((uid_t)-1, 0, pattern, seal (ctx, other, 0), &r);
    expect_refused (&r, EPERM, "Unauthorized credential");
    flux_security_destroy (ctx);
}

/* A credential anyone could make (no uid restriction) with the right
 * payload is not a sealed secret. */
static void test_unrestricted_refused (void **state)
{
    const char *pattern = write_conf ("unrestricted", munged_sock_a, NULL);
    flux_security_t *ctx = ctx_for (pattern);
    munge_ctx_t mctx = munge_ctx_create ();
    char *cred = NULL;
    char *s;
    const void *p;

    assert_int_equal (munge_ctx_set (mctx, MUNGE_OPT_SOCKET, munged_sock_a),
                      EMUNGE_SUCCESS);
    assert_int_equal (munge_encode (&cred, mctx, "fluxsec1forged", 14),
                      EMUNGE_SUCCESS);
    assert_true (asprintf (&s, "flux-secret:1:munge:%s", cred) > 0);
    errno = 0;
    assert_int_equal (flux_secret_open (ctx, s, &p, NULL, NULL, 0), -1);
    assert_int_equal (errno, EPERM);
    assert_non_null (
        strstr (flux_security_last_error (ctx), "not sealed for this user"));
    free (s);
    free (cred);
    munge_ctx_destroy (mctx);
    flux_security_destroy (ctx);
}

static void test_config_errors (void **state)
{
    const char *bad[][2] = {
        {"sokcet = 1\n", "key 'secret.sokcet' is unknown"},
        {"max-ttl = 3601\n", "max-ttl must be between 1 and 3600"},
        {"max-ttl = 0\n", "max-ttl must be between 1 and 3600"},
        {"max-ttl = 60\ndefault-ttl = 61\n",
         "default-ttl must be between 1 and max-ttl"},
        {"default-ttl = \"5\"\n", "must be of type int64"},
        {"allow-replayed = 1\n", "must be of type bool"},
    };

    for (size_t i = 0; i < sizeof (bad) / sizeof (bad[0]); i++) {
        flux_security_t *ctx =
            ctx_for (write_conf ("config", munged_sock_a, bad[i][0]));
        errno = 0;
        assert_null (flux_secret_seal (ctx, 1000, "x", 1, 0, 0));
        assert_int_not_equal (errno, 0);
        if (!strstr (flux_security_last_error (ctx), bad[i][1])
            || !strstr (flux_security_last_error (ctx),
                        "secret: config error: "))
            fail_msg ("expected '%s', got '%s'", bad[i][1],
                      flux_security_last_error (ctx));
        flux_security_destroy (ctx);
    }
}

/* --- as the test accounts (root only) -------------------------------- */

static void test_seal_open_as_guest (void **state)
{
    const char *pattern = write_conf ("guest", munged_sock_a, NULL);
    flux_security_t *ctx = ctx_for (pattern);
    const char *s = seal (ctx, guest_uid, 0);
    char *copy = strdup (s);
    struct opened r;

    open_as (guest_uid, guest_gid, pattern, copy, &r);
    assert_int_equal (r.rc, 0);
    assert_int_equal (r.len, 7);
    assert_string_equal (r.text, "hunter2");
    assert_int_equal (r.sealer, getuid ());
    /* a second open on the same node is a replay: refused by default */
    open_as (guest_uid, guest_gid, pattern, copy, &r);
    expect_refused (&r, EPERM, "already opened once on host");
    /* and accepted when the site allows it */
    pattern = write_conf ("replay", munged_sock_a, "allow-replayed = true\n");
    open_as (guest_uid, guest_gid, pattern, copy, &r);
    assert_int_equal (r.rc, 0);
    assert_string_equal (r.text, "hunter2");
    /* another node with the same key opens it (once) */
    pattern = write_conf ("nodeb", munged_sock_b, NULL);
    open_as (guest_uid, guest_gid, pattern, copy, &r);
    assert_int_equal (r.rc, 0);
    assert_string_equal (r.text, "hunter2");
    /* a node with another key cannot */
    pattern = write_conf ("nodec", munged_sock_c, NULL);
    open_as (guest_uid, guest_gid, pattern, copy, &r);
    expect_refused (&r, EINVAL, "same munge.key");
    free (copy);
    flux_security_destroy (ctx);
}

static void test_other_account_and_root (void **state)
{
    const char *pattern = write_conf ("owner", munged_sock_a, NULL);
    flux_security_t *ctx = ctx_for (pattern);
    char *copy = strdup (seal (ctx, guest_uid, 0));
    struct opened r;

    /* the instance owner cannot open the guest's secret */
    open_as (owner_uid, owner_gid, pattern, copy, &r);
    expect_refused (&r, EPERM, "restricted to another user");
    /* nor can root */
    open_as ((uid_t)-1, 0, pattern, copy, &r);
    expect_refused (&r, EPERM, "Unauthorized credential");
    /* the guest still can: the refusals did not count as a decode */
    open_as (guest_uid, guest_gid, pattern, copy, &r);
    assert_int_equal (r.rc, 0);
    free (copy);
    flux_security_destroy (ctx);
}

static void test_expired_and_tampered (void **state)
{
    const char *pattern = write_conf ("expired", munged_sock_a, NULL);
    flux_security_t *ctx = ctx_for (pattern);
    char *expired = strdup (seal (ctx, guest_uid, 1));
    char *tampered = strdup (seal (ctx, guest_uid, 0));
    const char *e;
    struct opened r;

    /* flip one character inside the credential */
    tampered[40] = tampered[40] == 'A' ? 'B' : 'A';
    open_as (guest_uid, guest_gid, pattern, tampered, &r);
    assert_int_equal (r.rc, -1);
    assert_null (strstr (r.text, "hunter2"));
    sleep (2);
    open_as (guest_uid, guest_gid, pattern, expired, &r);
    expect_refused (&r, EPERM, "secret-open: expired");
    /* empty secret */
    e = flux_secret_seal (ctx, guest_uid, NULL, 0, 0, 0);
    assert_non_null (e);
    open_as (guest_uid, guest_gid, pattern, e, &r);
    assert_int_equal (r.rc, 0);
    assert_int_equal (r.len, 0);
    free (expired);
    free (tampered);
    flux_security_destroy (ctx);
}

static int lookup (const char *name, uid_t *uid, gid_t *gid)
{
    struct passwd *pw = getpwnam (name);

    if (!pw)
        return -1;
    *uid = pw->pw_uid;
    *gid = pw->pw_gid;
    return 0;
}

int main (void)
{
    const struct CMUnitTest everywhere[] = {
        cmocka_unit_test (test_seal_args),
        cmocka_unit_test (test_open_malformed),
        cmocka_unit_test (test_other_user_refused),
        cmocka_unit_test (test_unrestricted_refused),
        cmocka_unit_test (test_config_errors),
    };
    const struct CMUnitTest accounts[] = {
        cmocka_unit_test (test_seal_args),
        cmocka_unit_test (test_open_malformed),
        cmocka_unit_test (test_other_user_refused),
        cmocka_unit_test (test_unrestricted_refused),
        cmocka_unit_test (test_config_errors),
        cmocka_unit_test (test_seal_open_as_guest),
        cmocka_unit_test (test_other_account_and_root),
        cmocka_unit_test (test_expired_and_tampered),
    };
    int rc;

    if (munged_setup ("test_secret") < 0) {
        munged_teardown ();
        return tap_skip_all ("munged is not installed or did not start");
    }
    if (geteuid () == 0 && lookup ("fluxguest", &guest_uid, &guest_gid) == 0
        && lookup ("fluxowner", &owner_uid, &owner_gid) == 0)
        rc = TAP_RUN (accounts);
    else {
        printf ("# cases as the test accounts not run: need root and the "
                "accounts fluxguest and fluxowner (scripts/test-accounts)\n");
        rc = TAP_RUN (everywhere);
    }
    munged_teardown ();
    return rc;
}
