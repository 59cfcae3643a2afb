/* Unit tests of context.c: create flags, last error, configure, aux data,
 * version, and reconfiguration dropping state derived from the old
 * configuration (run under ASan by make asan, which would report a use
 * after free).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tap_cmocka.h"
#include "flux/security/context.h"
#include "flux/security/sign.h"
#include "flux/security/version.h"

static char tmpdir[64];
static char pattern[128];

static void write_conf (const char *name, const char *text)
{
    char path[256];
    int fd;

    snprintf (path, sizeof (path), "%s/%s", tmpdir, name);
    fd = open (path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    assert_true (fd >= 0);
    assert_int_equal (write (fd, text, strlen (text)), (ssize_t)strlen (text));
    assert_int_equal (close (fd), 0);
}

static void remove_conf (const char *name)
{
    char path[256];

    snprintf (path, sizeof (path), "%s/%s", tmpdir, name);
    (void)unlink (path);
}

static flux_security_t *ctx_create (void)
{
    flux_security_t *ctx;

    ctx = flux_security_create (FLUX_SECURITY_DISABLE_PATH_PARANOIA);
    assert_non_null (ctx);
    return ctx;
}

static void test_create_flags (void **state)
{
    const int bad[] = {3, 4, -1, 0x100, 0x7fffffff};
    flux_security_t *ctx;

    for (size_t i = 0; i < sizeof (bad) / sizeof (bad[0]); i++) {
        errno = 0;
        assert_null (flux_security_create (bad[i]));
        assert_int_equal (errno, EINVAL);
    }
    for (int flags = 0; flags <= 2; flags++) {
        assert_non_null (ctx = flux_security_create (flags));
        flux_security_destroy (ctx);
    }
}

static void test_null_ctx (void **state)
{
    errno = 42;
    flux_security_destroy (NULL);
    assert_int_equal (errno, 42);
    assert_null (flux_security_last_error (NULL));
    assert_int_equal (flux_security_last_errnum (NULL), 0);
    errno = 0;
    assert_int_equal (flux_security_configure (NULL, pattern), -1);
    assert_int_equal (errno, EINVAL);
    errno = 0;
    assert_int_equal (flux_security_aux_set (NULL, "a", "b", NULL), -1);
    assert_int_equal (errno, EINVAL);
    errno = 0;
    assert_null (flux_security_aux_get (NULL, "a"));
    assert_int_equal (errno, EINVAL);
}

static void test_last_error_initial (void **state)
{
    flux_security_t *ctx = ctx_create ();

    assert_null (flux_security_last_error (ctx));
    assert_int_equal (flux_security_last_errnum (ctx), 0);
    flux_security_destroy (ctx);
}

static void test_configure_no_match (void **state)
{
    flux_security_t *ctx = ctx_create ();
    char nomatch[192];
    char expect[256];

    snprintf (nomatch, sizeof (nomatch), "%s/*.nothing", tmpdir);
    snprintf (expect, sizeof (expect), "pattern %s matched nothing", nomatch);
    errno = 0;
    assert_int_equal (flux_security_configure (ctx, nomatch), -1);
    assert_int_equal (errno, EINVAL);
    assert_string_equal (flux_security_last_error (ctx), expect);
    assert_int_equal (flux_security_last_errnum (ctx), EINVAL);
    flux_security_destroy (ctx);
}

static void test_configure_missing_dir (void **state)
{
    flux_security_t *ctx = ctx_create ();
    char missing[192];

    snprintf (missing, sizeof (missing), "%s/nodir/*.toml", tmpdir);
    assert_int_equal (flux_security_configure (ctx, missing), -1);
    assert_non_null (flux_security_last_error (ctx));
    assert_non_null (strstr (flux_security_last_error (ctx), "nodir"));
    flux_security_destroy (ctx);
}

static void test_configure_bad_toml_keeps_old (void **state)
{
    flux_security_t *ctx = ctx_create ();
    const char *s;

    write_conf ("a.toml", "[sign]\nmax-ttl = 60\ndefault-type = \"none\"\n"
                          "allowed-types = [\"none\"]\n");
    assert_int_equal (flux_security_configure (ctx, pattern), 0);
    write_conf ("b.toml", "[sign\n");
    errno = 0;
    assert_int_equal (flux_security_configure (ctx, pattern), -1);
    assert_int_equal (errno, EINVAL);
    s = flux_security_last_error (ctx);
    assert_non_null (s);
    /* names file, line and column */
    assert_non_null (strstr (s, "b.toml:1:"));
    remove_conf ("b.toml");
    /* the old configuration is still in force */
    assert_non_null (flux_sign_wrap (ctx, "x", 1, NULL, 0));
    flux_security_destroy (ctx);
    remove_conf ("a.toml");
}

static void test_configure_default_pattern (void **state)
{
    flux_security_t *ctx = ctx_create ();

    /* The compiled-in pattern is used; whatever the result, it names the
     * compiled-in directory when it fails. */
    if (flux_security_configure (ctx, NULL) < 0)
        assert_non_null (
            strstr (flux_security_last_error (ctx), "flux/security/conf.d"));
    flux_security_destroy (ctx);
}

/* State derived from a configuration (the [sign] table, the default
 * mechanism) is dropped when the context is reconfigured: the next wrap
 * sees the new configuration, and nothing reads the freed one.
 */
static void test_reconfigure_drops_state (void **state)
{
    flux_security_t *ctx = ctx_create ();
    const void *payload;
    int len;
    const char *mech;
    const char *s;

    write_conf ("a.toml", "[sign]\nmax-ttl = 60\ndefault-type = \"none\"\n"
                          "allowed-types = [\"none\"]\n");
    assert_int_equal (flux_security_configure (ctx, pattern), 0);
    assert_non_null (s = flux_sign_wrap (ctx, "x", 1, NULL, 0));
    assert_int_equal (flux_sign_unwrap (ctx, s, &payload, &len, NULL, 0), 0);

    write_conf ("a.toml",
                "[sign]\nmax-ttl = 60\ndefault-type = \"munge\"\n"
                "allowed-types = [\"munge\"]\n"
                "[sign.munge]\nsocket-path = \"/nonexistent/socket\"\n");
    assert_int_equal (flux_security_configure (ctx, pattern), 0);
    /* none no longer allowed */
    assert_non_null (s = flux_sign_wrap (ctx, "x", 1, "none", 0));
    assert_int_equal (flux_sign_unwrap (ctx, s, &payload, &len, NULL, 0), -1);
    assert_non_null (strstr (flux_security_last_error (ctx), "not allowed"));
    assert_int_equal (
        flux_sign_unwrap_anymech (ctx, s, &payload, &len, &mech, NULL, 0), 0);
    assert_string_equal (mech, "none");
    /* the default is now munge, whose socket does not exist */
    assert_null (flux_sign_wrap (ctx, "x", 1, NULL, 0));
    assert_non_null (strstr (flux_security_last_error (ctx), "munge"));
    flux_security_destroy (ctx);
    remove_conf ("a.toml");
}

static int destroyed;
static void count_destroy (void *arg)
{
    destroyed++;
}

static void test_aux (void **state)
{
    flux_security_t *ctx = ctx_create ();
    int a, b;

    destroyed = 0;
    assert_int_equal (flux_security_aux_set (ctx, "x", &a, count_destroy), 0);
    assert_ptr_equal (flux_security_aux_get (ctx, "x"), &a);
    /* replace: old destructor runs */
    assert_int_equal (flux_security_aux_set (ctx, "x", &b, count_destroy), 0);
    assert_int_equal (destroyed, 1);
    assert_ptr_equal (flux_security_aux_get (ctx, "x"), &b);
    /* the same data again is not destroyed */
    assert_int_equal (flux_security_aux_set (ctx, "x", &b, count_destroy), 0);
    assert_int_equal (destroyed, 1);
    /* NULL data deletes */
    assert_int_equal (flux_security_aux_set (ctx, "x", NULL, NULL), 0);
    assert_int_equal (destroyed, 2);
    errno = 0;
    assert_null (flux_security_aux_get (ctx, "x"));
    assert_int_equal (errno, ENOENT);
    assert_int_equal (flux_security_last_errnum (ctx), ENOENT);
    assert_string_equal (flux_security_last_error (ctx), strerror (ENOENT));
    /* deleting a missing entry is fine */
    assert_int_equal (flux_security_aux_set (ctx, "y", NULL, NULL), 0);
    /* anonymous entries need data and destructor */
    errno = 0;
    assert_int_equal (flux_security_aux_set (ctx, NULL, &a, NULL), -1);
    assert_int_equal (errno, EINVAL);
    errno = 0;
    assert_int_equal (flux_security_aux_set (ctx, NULL, NULL, count_destroy),
                      -1);
    assert_int_equal (errno, EINVAL);
    assert_int_equal (flux_security_aux_set (ctx, NULL, &a, count_destroy), 0);
    errno = 0;
    assert_null (flux_security_aux_get (ctx, NULL));
    assert_int_equal (errno, EINVAL);
    /* no destructor is fine for named data */
    assert_int_equal (flux_security_aux_set (ctx, "z", &a, NULL), 0);
    assert_int_equal (flux_security_aux_set (ctx, "w", &b, count_destroy), 0);
    flux_security_destroy (ctx);
    assert_int_equal (destroyed, 4); /* anonymous + w */
}

static void test_version (void **state)
{
    int major = -1, minor = -1, patch = -1;

    assert_string_equal (flux_security_version_string (),
                         FLUX_SECURITY_VERSION_STRING);
    assert_int_equal (flux_security_version (&major, &minor, &patch),
                      FLUX_SECURITY_VERSION_HEX);
    assert_int_equal (major, FLUX_SECURITY_VERSION_MAJOR);
    assert_int_equal (minor, FLUX_SECURITY_VERSION_MINOR);
    assert_int_equal (patch, FLUX_SECURITY_VERSION_PATCH);
    assert_int_equal (flux_security_version (NULL, NULL, NULL),
                      FLUX_SECURITY_VERSION_HEX);
    /* flux-core's checks want 0.x with x >= 15 */
    assert_int_equal (major, 0);
    assert_true (minor >= 15);
    assert_int_equal (FLUX_SECURITY_VERSION_HEX,
                      (major << 16) | (minor << 8) | patch);
}

int main (void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test (test_create_flags),
        cmocka_unit_test (test_null_ctx),
        cmocka_unit_test (test_last_error_initial),
        cmocka_unit_test (test_configure_no_match),
        cmocka_unit_test (test_configure_missing_dir),
        cmocka_unit_test (test_configure_bad_toml_keeps_old),
        cmocka_unit_test (test_configure_default_pattern),
        cmocka_unit_test (test_reconfigure_drops_state),
        cmocka_unit_test (test_aux),
        cmocka_unit_test (test_version),
    };
    int rc;

    snprintf (tmpdir, sizeof (tmpdir), "/tmp/test_context.XXXXXX");
    if (!mkdtemp (tmpdir))
        return 1;
    snprintf (pattern, sizeof (pattern), "%s/*.toml", tmpdir);
    rc = TAP_RUN (tests);
    (void)rmdir (tmpdir);
    return rc;
}
