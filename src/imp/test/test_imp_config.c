/* Unit tests of imp_config.c: the strict schema of the IMP configuration
 * (unknown keys, wrong types, [sign] only in the test build, [ca]
 * complete or absent), the log-level and allow-sudo readers, and the
 * loader's errors.  Configurations are parsed from buffers (no I/O)
 * except for the loader tests, which use a private temporary directory.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
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

static void test_allow_unprivileged (void **state)
{
    static const struct {
        const char *text;
        int rc;
        bool allow;
    } cases[] = {
        {"", 0, false},
        {"[exec]\nallowed-users = []\n", 0, false},
        {"[exec]\nallow-unprivileged-exec = false\n", 0, false},
        {"[exec]\nallow-unprivileged-exec = true\n", 0, true},
        {"[exec]\nallow-unprivileged-exec = \"true\"\n", -1, false},
        {"exec = 1\n", -1, false},
    };

    for (size_t i = 0; i < sizeof (cases) / sizeof (cases[0]); i++) {
        struct cf *cf = parse ("imp.toml", cases[i].text);
        bool allow = !cases[i].allow;

        if (imp_config_allow_unprivileged (cf, &allow, NULL) != cases[i].rc
            || allow != cases[i].allow)
            fail_msg ("case %zu: %s", i, cases[i].text);
        cf_destroy (cf);
    }
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

/* imp_config_check_each(): every part's first problem, each once. */
struct reports {
    int count;
    char text[8][ERROR_TEXT_MAX];
    int errnum[8];
};

static void collect (int errnum, const char *text, void *arg)
{
    struct reports *r = arg;

    assert_true (r->count < 8);
    r->errnum[r->count] = errnum;
    snprintf (r->text[r->count], sizeof (r->text[0]), "%s", text);
    r->count++;
}

static int check_each (const char *toml, int flags, struct reports *r)
{
    struct cf *cf = parse ("imp.toml", toml);
    int n;

    memset (r, 0, sizeof (*r));
    n = imp_config_check_each (cf, flags, collect, r);
    cf_destroy (cf);
    return n;
}

static void test_check_each_hostile (void **state)
{
    struct cf *cf = parse ("imp.toml", "");
    struct reports r = {0};

    errno = 0;
    assert_int_equal (imp_config_check_each (NULL, 0, collect, &r), -1);
    assert_int_equal (errno, EINVAL);
    assert_int_equal (imp_config_check_each (cf, 0, NULL, &r), -1);
    assert_int_equal (imp_config_check_each (cf, 0x80, collect, &r), -1);
    assert_int_equal (r.count, 0);
    cf_destroy (cf);
}

static void test_check_each_all_parts (void **state)
{
    struct reports r;

    assert_int_equal (check_each ("allow-sudo = 1\n"
                                  "bogus = true\n"
                                  "[exec]\n"
                                  "allowed-shell = []\n"
                                  "[run.x]\n"
                                  "path = 3\n"
                                  "[ca]\n"
                                  "max-cert-ttl = 1\n",
                                  0, &r),
                      5);
    assert_int_equal (r.count, 5);
    assert_string_equal (r.text[0],
                         "imp.toml:1: 'allow-sudo' must be of type bool");
    assert_int_equal (r.errnum[0], EINVAL);
    assert_string_equal (r.text[1], "imp.toml:2: key 'bogus' is unknown");
    assert_string_equal (r.text[2],
                         "imp.toml:4: key 'exec.allowed-shell' is unknown");
    assert_string_equal (r.text[3],
                         "imp.toml:6: 'run.x.path' must be of type string");
    assert_string_equal (r.text[4],
                         "imp.toml:7: 'ca.max-sign-ttl' must be set");
    assert_int_equal (r.errnum[4], ENOENT);
}

static void test_check_each_once (void **state)
{
    struct reports r;

    /* An unknown top-level key is reported by the top part only. */
    assert_int_equal (check_each ("bogus = 1\n[run.x]\npath = \"/x\"\n", 0, &r),
                      1);
    assert_string_equal (r.text[0], "imp.toml:1: key 'bogus' is unknown");
    /* An unknown table too; each top-level type once; only the first
     * unknown top-level key. */
    assert_int_equal (check_each ("[bogus]\n", 0, &r), 1);
    assert_int_equal (check_each ("exec = 1\nca = 2\nx = 1\ny = 2\n", 0, &r),
                      3);
    assert_string_equal (r.text[0], "imp.toml:1: 'exec' must be of type table");
    assert_string_equal (r.text[1], "imp.toml:2: 'ca' must be of type table");
    assert_string_equal (r.text[2], "imp.toml:3: key 'x' is unknown");
    /* Every [run.<name>] on its own. */
    assert_int_equal (check_each ("[run.a]\npath = 1\n[run.b]\nenv = 2\n"
                                  "[run.c]\npath = \"/x\"\n",
                                  0, &r),
                      2);
    assert_string_equal (r.text[0],
                         "imp.toml:2: 'run.a.path' must be of type string");
    assert_string_equal (r.text[1], "imp.toml:4: key 'run.b.env' is unknown");
    /* A [run] entry that is not a table: [run] as a whole. */
    assert_int_equal (check_each ("[run]\nx = 1\n", 0, &r), 1);
    assert_string_equal (r.text[0],
                         "imp.toml:2: 'run.x' must be of type table");
    /* [sign] only with IMP_CONFIG_SIGN, as imp_config_check(). */
    assert_int_equal (check_each ("[sign]\nmax-ttl = 1\n", 0, &r), 1);
    assert_int_equal (check_each ("[sign]\nmax-ttl = 1\n", IMP_CONFIG_SIGN, &r),
                      0);
    assert_int_equal (check_each ("", 0, &r), 0);
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
        cmocka_unit_test (test_allow_unprivileged),
        cmocka_unit_test (test_check_each_hostile),
        cmocka_unit_test (test_check_each_all_parts),
        cmocka_unit_test (test_check_each_once),
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
