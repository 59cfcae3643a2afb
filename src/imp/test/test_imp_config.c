/* Unit tests of imp_config.c: the strict schema of the IMP configuration
 * (unknown keys, wrong types, [sign] only in the test build, [ca]
 * complete or absent), the log-level and allow-sudo readers, and the
 * loader's errors.  Configurations are parsed from buffers (no I/O)
 * except for the loader tests, which use a private temporary directory.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tap_cmocka.h"
#include "imp_config.h"

static struct cf *parse (const char *name, const char *toml)
{
    struct error err = {{0}};
    struct cf *cf = cf_create ();

    assert_non_null (cf);
    if (cf_update_buffer (cf, name, toml, strlen (toml), &err) < 0)
        fail_msg ("%s", err.text);
    return cf;
}

static void
expect_check_fails (const char *toml, int flags, int errnum, const char *text)
{
    struct cf *cf = parse ("imp.toml", toml);
    struct error err = {{0}};

    errno = 0;
    assert_int_equal (imp_config_check (cf, flags, &err), -1);
    assert_int_equal (errno, errnum);
    assert_string_equal (err.text, text);
    cf_destroy (cf);
}

static void expect_check_ok (const char *toml, int flags)
{
    struct cf *cf = parse ("imp.toml", toml);
    struct error err = {{0}};

    if (imp_config_check (cf, flags, &err) < 0)
        fail_msg ("%s", err.text);
    cf_destroy (cf);
}

static void test_unknown_keys (void **state)
{
    expect_check_fails ("allow-sudo = true\nallow_sudo = true\n", 0, EINVAL,
                        "imp.toml:2: key 'allow_sudo' is unknown");
    expect_check_fails ("[exec]\nallowed-users = []\nallowed-user = []\n", 0,
                        EINVAL,
                        "imp.toml:3: key 'exec.allowed-user' is unknown");
    expect_check_fails ("[run.prolog]\npath = \"/x\"\nenv = []\n", 0, EINVAL,
                        "imp.toml:3: key 'run.prolog.env' is unknown");
    expect_check_fails ("disable-path-paranoia = true\n", 0, EINVAL,
                        "imp.toml:1: key 'disable-path-paranoia' is unknown");
    expect_check_fails ("[exec.sub]\na = 1\n", 0, EINVAL,
                        "imp.toml:1: key 'exec.sub' is unknown");
}

static void test_wrong_types (void **state)
{
    expect_check_fails ("allow-sudo = \"yes\"\n", 0, EINVAL,
                        "imp.toml:1: 'allow-sudo' must be of type bool");
    expect_check_fails ("log-level = 1\n", 0, EINVAL,
                        "imp.toml:1: 'log-level' must be of type string");
    expect_check_fails ("exec = 1\n", 0, EINVAL,
                        "imp.toml:1: 'exec' must be of type table");
    expect_check_fails ("[exec]\nallowed-shells = \"/bin/sh\"\n", 0, EINVAL,
                        "imp.toml:2: 'exec.allowed-shells' must be of type"
                        " array");
    expect_check_fails ("[exec]\nallowed-users = [\"a\", 1]\n", 0, EINVAL,
                        "imp.toml:2: 'exec.allowed-users[1]' must be of type"
                        " string");
    expect_check_fails ("[exec]\npam-support = 1\n", 0, EINVAL,
                        "imp.toml:2: 'exec.pam-support' must be of type bool");
    expect_check_fails ("[run]\nprolog = \"/x\"\n", 0, EINVAL,
                        "imp.toml:2: 'run.prolog' must be of type table");
    expect_check_fails ("[run.epilog]\npath = [\"/x\"]\n", 0, EINVAL,
                        "imp.toml:2: 'run.epilog.path' must be of type"
                        " string");
}

static void test_nul_in_string (void **state)
{
    expect_check_fails ("log-level = \"info\\u0000x\"\n", 0, EINVAL,
                        "imp.toml:1: 'log-level' must not contain a NUL"
                        " character");
}

static void test_sign_only_in_test_build (void **state)
{
    const char *toml = "[sign]\nmax-ttl = 5\n";

    expect_check_fails (toml, 0, EINVAL, "imp.toml:1: key 'sign' is unknown");
    expect_check_ok (toml, IMP_CONFIG_SIGN);
    expect_check_fails ("sign = 1\n", IMP_CONFIG_SIGN, EINVAL,
                        "imp.toml:1: 'sign' must be of type table");
}

static void test_ca (void **state)
{
    const char *full = "[ca]\nmax-cert-ttl = 1\nmax-sign-ttl = 2\n"
                       "cert-path = \"/c\"\nrevoke-dir = \"/r\"\n"
                       "revoke-allow = false\ndomain = \"D\"\n";

    expect_check_ok (full, 0);
    expect_check_fails ("[ca]\nmax-cert-ttl = 1\n", 0, ENOENT,
                        "imp.toml:1: 'ca.max-sign-ttl' must be set");
    expect_check_fails ("[ca]\nmax-cert-ttl = \"1\"\n", 0, EINVAL,
                        "imp.toml:2: 'ca.max-cert-ttl' must be of type int64");
}

static void test_invalid_flags (void **state)
{
    struct cf *cf = parse ("imp.toml", "");

    errno = 0;
    assert_int_equal (imp_config_check (cf, 0x100, NULL), -1);
    assert_int_equal (errno, EINVAL);
    assert_int_equal (imp_config_check (NULL, 0, NULL), -1);
    cf_destroy (cf);
}

/* A typo is found even in a table that a later file replaced. */
static void test_typo_in_replaced_table (void **state)
{
    struct cf *cf = parse ("10-a.toml", "[exec]\nallowed-user = [\"x\"]\n");
    struct error err = {{0}};
    const char *b = "[exec]\nallowed-users = [\"flux\"]\n";

    assert_int_equal (cf_update_buffer (cf, "20-b.toml", b, strlen (b), NULL),
                      0);
    assert_int_equal (imp_config_check (cf, 0, &err), -1);
    assert_string_equal (err.text,
                         "10-a.toml:2: key 'exec.allowed-user' is unknown");
    cf_destroy (cf);
}

static void test_full_example (void **state)
{
    expect_check_ok ("allow-sudo = false\nlog-level = \"debug\"\n"
                     "[exec]\nallowed-users = [\"flux\"]\n"
                     "allowed-shells = [\"/usr/libexec/flux/flux-shell\"]\n"
                     "allow-unprivileged-exec = false\npam-support = false\n"
                     "[run.prolog]\nallowed-environment = [\"FLUX_*\"]\n"
                     "allowed-users = [\"flux\"]\n"
                     "path = \"/etc/flux/system/prolog\"\n"
                     "[run.epilog]\npath = \"/etc/flux/system/epilog\"\n",
                     0);
    expect_check_ok ("", 0);
}

static void test_log_level (void **state)
{
    struct cf *cf = parse ("imp.toml", "log-level = \"debug\"\n");
    enum imp_log_level level = IMP_LOG_FATAL;
    struct error err = {{0}};

    assert_int_equal (imp_config_log_level (cf, &level, &err), 0);
    assert_int_equal (level, IMP_LOG_DEBUG);
    cf_destroy (cf);

    cf = parse ("imp.toml", "\nlog-level = \"loud\"\n");
    errno = 0;
    assert_int_equal (imp_config_log_level (cf, &level, &err), -1);
    assert_int_equal (errno, EINVAL);
    assert_string_equal (err.text,
                         "unknown log-level 'loud', ignoring (imp.toml:2)");
    assert_int_equal (level, IMP_LOG_DEBUG);
    cf_destroy (cf);

    cf = parse ("imp.toml", "");
    errno = 0;
    assert_int_equal (imp_config_log_level (cf, &level, &err), -1);
    assert_int_equal (errno, ENOENT);
    cf_destroy (cf);
}

static void test_allow_sudo (void **state)
{
    struct cf *cf = parse ("imp.toml", "");
    bool allow = true;

    assert_int_equal (imp_config_allow_sudo (cf, &allow, NULL), 0);
    assert_false (allow);
    cf_destroy (cf);
    cf = parse ("imp.toml", "allow-sudo = true\n");
    assert_int_equal (imp_config_allow_sudo (cf, &allow, NULL), 0);
    assert_true (allow);
    cf_destroy (cf);
    cf = parse ("imp.toml", "allow-sudo = 1\n");
    allow = false;
    errno = 0;
    assert_int_equal (imp_config_allow_sudo (cf, &allow, NULL), -1);
    assert_int_equal (errno, EINVAL);
    assert_false (allow);
    cf_destroy (cf);
}

/* Loader */

static char dir[64];

static int make_dir (void **state)
{
    snprintf (dir, sizeof (dir), "/tmp/test_imp_config.XXXXXX");
    assert_non_null (mkdtemp (dir));
    return 0;
}

static int remove_dir (void **state)
{
    char cmd[128];

    snprintf (cmd, sizeof (cmd), "rm -rf '%s'", dir);
    assert_int_equal (system (cmd), 0);
    return 0;
}

static void write_file (const char *name, const char *content)
{
    char path[128];
    int fd;

    snprintf (path, sizeof (path), "%s/%s", dir, name);
    fd = open (path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    assert_true (fd >= 0);
    assert_int_equal (write (fd, content, strlen (content)),
                      (ssize_t)strlen (content));
    close (fd);
}

static void expect_load_fails (const char *pattern_name,
                               int errnum,
                               const char *text_after_dir)
{
    struct cf *cf = (struct cf *)&cf;
    struct cf *orig = cf;
    struct error err = {{0}};
    char pattern[128], want[256];

    snprintf (pattern, sizeof (pattern), "%s/%s", dir, pattern_name);
    snprintf (want, sizeof (want), "%s/%s", dir, text_after_dir);
    errno = 0;
    assert_int_equal (
        imp_config_load (pattern, CF_PARANOIA_DISABLE, 0, &cf, &err), -1);
    assert_int_equal (errno, errnum);
    assert_ptr_equal (cf, orig);
    assert_string_equal (err.text, want);
}

static void test_load_no_match (void **state)
{
    expect_load_fails ("*.toml", ENOENT, "*.toml: No config file(s) found");
}

static void test_load_missing_dir (void **state)
{
    struct error err = {{0}};
    struct cf *cf = NULL;
    char pattern[128];

    snprintf (pattern, sizeof (pattern), "%s/nodir/*.toml", dir);
    assert_int_equal (
        imp_config_load (pattern, CF_PARANOIA_DISABLE, 0, &cf, &err), -1);
    assert_non_null (strstr (err.text, ": Read error"));
    assert_null (cf);
}

static void test_load_syntax_error (void **state)
{
    write_file ("a.toml", "allow-sudo = true\nlog-level = \"x\n");
    expect_load_fails ("a.*", EINVAL, "a.toml:2:13: unterminated string");
}

static void test_load_unknown_key (void **state)
{
    write_file ("b.toml", "[exec]\nallowed-users = [\"flux\"]\nshells = []\n");
    expect_load_fails ("b.*", EINVAL, "b.toml:3: key 'exec.shells' is unknown");
}

static void test_load_ok (void **state)
{
    struct error err = {{0}};
    struct cf *cf = NULL;
    char pattern[128];
    bool allow = false;

    write_file ("c.toml", "allow-sudo = true\n");
    snprintf (pattern, sizeof (pattern), "%s/c.*", dir);
    if (imp_config_load (pattern, CF_PARANOIA_DISABLE, 0, &cf, &err) < 0)
        fail_msg ("%s", err.text);
    assert_int_equal (imp_config_allow_sudo (cf, &allow, NULL), 0);
    assert_true (allow);
    cf_destroy (cf);
    errno = 0;
    assert_int_equal (imp_config_load (NULL, 0, 0, &cf, NULL), -1);
    assert_int_equal (errno, EINVAL);
}

int main (void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test (test_unknown_keys),
        cmocka_unit_test (test_wrong_types),
        cmocka_unit_test (test_nul_in_string),
        cmocka_unit_test (test_sign_only_in_test_build),
        cmocka_unit_test (test_ca),
        cmocka_unit_test (test_invalid_flags),
        cmocka_unit_test (test_typo_in_replaced_table),
        cmocka_unit_test (test_full_example),
        cmocka_unit_test (test_log_level),
        cmocka_unit_test (test_allow_sudo),
        cmocka_unit_test_setup_teardown (test_load_no_match, make_dir,
                                         remove_dir),
        cmocka_unit_test_setup_teardown (test_load_missing_dir, make_dir,
                                         remove_dir),
        cmocka_unit_test_setup_teardown (test_load_syntax_error, make_dir,
                                         remove_dir),
        cmocka_unit_test_setup_teardown (test_load_unknown_key, make_dir,
                                         remove_dir),
        cmocka_unit_test_setup_teardown (test_load_ok, make_dir, remove_dir),
    };
    return TAP_RUN (tests);
}
