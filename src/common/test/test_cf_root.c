/* Unit tests of cf.c that need root: path paranoia through cf_load()
 * with real files of other owners and modes, and how the flags (only
 * the flags) decide whether paranoia applies.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tap_cmocka.h"
#include "common/cf.h"
#include "fixture_files.h"

#define NOBODY 65534
#define NOGROUP 65534

static void make_file (
    const char *name, const char *content, uid_t uid, gid_t gid, mode_t mode)
{
    fixture_write (name, content, strlen (content), uid, gid, mode);
}

static void expect_fail (const char *pattern,
                         int flags,
                         int errnum,
                         const char *name,
                         const char *text)
{
    struct error err = {{0}};
    struct cf *cf = NULL;
    char want[700];

    snprintf (want, sizeof (want), "%s: %s", fixture_path (name), text);
    errno = 0;
    assert_int_equal (cf_load (fixture_path (pattern), flags, &cf, &err), -1);
    assert_null (cf);
    if (errno != errnum || strncmp (err.text, want, strlen (want)))
        fail_msg ("errno %d (expected %d): '%s' does not start with '%s'",
                  errno, errnum, err.text, want);
}

static void expect_ok (const char *pattern, int flags, int64_t want)
{
    struct error err = {{0}};
    struct cf *cf = NULL;
    int64_t n;

    if (cf_load (fixture_path (pattern), flags, &cf, &err) < 0)
        fail_msg ("%s", err.text);
    assert_int_equal (cf_get_int64 (cf, "n", &n, &err), 0);
    assert_int_equal (n, want);
    cf_destroy (cf);
}

static void test_root_default_is_paranoid (void **state)
{
    fixture_mkdir ("perm", 0, 0755);
    make_file ("perm/a.toml", "n = 1\n", 0, 0, 0644);
    make_file ("perm/b.toml", "n = 2\n", 0, 0, 0666);
    expect_fail ("perm/*.toml", 0, EPERM, "perm/b.toml",
                 "bad file permissions (0666)");
    expect_ok ("perm/*.toml", CF_PARANOIA_DISABLE, 2);
}

static void test_owner_and_group (void **state)
{
    fixture_mkdir ("own", 0, 0755);
    make_file ("own/a.toml", "n = 1\n", NOBODY, 0, 0644);
    expect_fail ("own/*.toml", 0, EPERM, "own/a.toml",
                 "insecure file ownership (owner uid 65534): the file must"
                 " be owned by root");
    expect_ok ("own/*.toml", CF_PARANOIA_DISABLE, 1);
    fixture_mkdir ("grp", 0, 0755);
    make_file ("grp/a.toml", "n = 1\n", 0, NOGROUP, 0644);
    expect_fail ("grp/*.toml", 0, EPERM, "grp/a.toml",
                 "insecure file ownership (group gid 65534)");
}

static void test_symlinks (void **state)
{
    fixture_mkdir ("links", 0, 0755);
    fixture_mkdir ("real", 0, 0755);
    make_file ("real/a.toml", "n = 3\n", 0, 0, 0644);
    assert_int_equal (symlink ("../real/a.toml", fixture_path ("links/a.toml")),
                      0);
    expect_fail ("links/*.toml", 0, ELOOP, "links/a.toml", "symbolic link");
    expect_ok ("links/*.toml", CF_PARANOIA_DISABLE, 3);
    assert_int_equal (symlink ("real", fixture_path ("alias")), 0);
    expect_fail ("alias/*.toml", 0, ELOOP, "alias/a.toml",
                 "symbolic link in the path");
    expect_ok ("alias/*.toml", CF_PARANOIA_DISABLE, 3);
}

static void test_fifo_in_conf_d (void **state)
{
    fixture_mkdir ("fifo", 0, 0755);
    make_file ("fifo/a.toml", "n = 1\n", 0, 0, 0644);
    assert_int_equal (mkfifo (fixture_path ("fifo/b.toml"), 0644), 0);
    alarm (10);
    expect_fail ("fifo/*.toml", 0, EINVAL, "fifo/b.toml",
                 "File is not a regular file");
    expect_fail ("fifo/*.toml", CF_PARANOIA_DISABLE, EINVAL, "fifo/b.toml",
                 "File is not a regular file");
    alarm (0);
}

static void test_insecure_conf_d (void **state)
{
    fixture_mkdir ("ww", 0, 0777);
    make_file ("ww/a.toml", "n = 1\n", 0, 0, 0644);
    expect_fail ("ww/*.toml", 0, EPERM, "ww/a.toml",
                 "parent directory is world-writable without sticky bit");
    fixture_mkdir ("gw", 0, 0770);
    make_file ("gw/a.toml", "n = 1\n", 0, 0, 0644);
    expect_fail ("gw/*.toml", 0, EPERM, "gw/a.toml",
                 "parent directory is group-writable without sticky bit");
    fixture_mkdir ("nbdir", NOBODY, 0755);
    make_file ("nbdir/a.toml", "n = 1\n", 0, 0, 0644);
    expect_fail ("nbdir/*.toml", 0, EPERM, "nbdir/a.toml",
                 "Invalid ownership on parent directory");
    expect_ok ("nbdir/*.toml", CF_PARANOIA_DISABLE, 1);
}

/* A key in a file never changes the checks of the files after it. */
static void test_keys_do_not_change_paranoia (void **state)
{
    fixture_mkdir ("keys", 0, 0755);
    make_file ("keys/a.toml", "disable-path-paranoia = true\nn = 1\n", 0, 0,
               0644);
    make_file ("keys/b.toml", "n = 2\n", 0, 0, 0646);
    expect_fail ("keys/*.toml", 0, EPERM, "keys/b.toml",
                 "bad file permissions (0646)");
    fixture_mkdir ("keys2", 0, 0755);
    make_file ("keys2/a.toml", "enable-path-paranoia = true\nn = 1\n", 0, 0,
               0644);
    make_file ("keys2/b.toml", "n = 2\n", NOBODY, NOGROUP, 0666);
    expect_ok ("keys2/*.toml", CF_PARANOIA_DISABLE, 2);
}

/* Not root: paranoia is off unless forced; forced, owner == euid. */
static void test_force_as_nobody (void **state)
{
    fixture_mkdir ("nb", 0, 0755);
    make_file ("nb/a.toml", "n = 1\n", 0, 0, 0644);
    make_file ("nb/b.toml", "n = 2\n", 1, 1, 0644);
    fixture_mkdir ("mine", NOBODY, 0755);
    make_file ("mine/a.toml", "n = 5\n", NOBODY, NOGROUP, 0644);
    assert_int_equal (chmod (fixture_dir, 0755), 0);
    assert_int_equal (setegid (NOGROUP), 0);
    assert_int_equal (seteuid (NOBODY), 0);

    expect_ok ("nb/*.toml", 0, 2);
    expect_fail ("nb/*.toml", CF_PARANOIA_FORCE, EPERM, "nb/b.toml",
                 "insecure file ownership (owner uid 1): the file must be"
                 " owned by root or uid 65534");
    expect_ok ("mine/*.toml", CF_PARANOIA_FORCE, 5);

    assert_int_equal (seteuid (0), 0);
    assert_int_equal (setegid (0), 0);
    assert_int_equal (chmod (fixture_dir, 0700), 0);
}

int main (void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test (test_root_default_is_paranoid),
        cmocka_unit_test (test_owner_and_group),
        cmocka_unit_test (test_symlinks),
        cmocka_unit_test (test_fifo_in_conf_d),
        cmocka_unit_test (test_insecure_conf_d),
        cmocka_unit_test (test_keys_do_not_change_paranoia),
        cmocka_unit_test (test_force_as_nobody),
    };
    int rc;

    if (geteuid () != 0)
        return tap_skip_all ("the fixtures need root (chown)");
    if (fixture_dir_create ("test_cf_root") < 0)
        return 1;
    rc = TAP_RUN (tests);
    if (fixture_dir_remove () < 0)
        return 1;
    return rc;
}
