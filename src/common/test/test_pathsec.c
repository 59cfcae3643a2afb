/* Unit tests of pathsec.c: every rule with a real file.  The fixtures
 * need chown(), so the whole program needs root and skips without it.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <signal.h>
#include <stdbool.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "tap_cmocka.h"
#include "common/pathsec.h"
#include "fixture_files.h"

#define NOBODY 65534
#define NOGROUP 65534

static void make_file_content (
    const char *name, const char *content, uid_t uid, gid_t gid, mode_t mode)
{
    fixture_write (name, content, strlen (content), uid, gid, mode);
}

static void make_file (const char *name, uid_t uid, gid_t gid, mode_t mode)
{
    make_file_content (name, "a = 1\n", uid, gid, mode);
}

/* Open 'path' and expect failure with 'errnum' and text containing each
 * of the NULL-terminated strings.
 */
static void expect_fail_at (const char *path, int flags, int errnum, ...)
{
    struct error err = {{0}};
    const char *s;
    va_list ap;

    errno = 0;
    assert_int_equal (pathsec_open_config (path, flags, &err), -1);
    if (errno != errnum)
        fail_msg ("%s: errno %d, expected %d (%s)", path, errno, errnum,
                  err.text);
    va_start (ap, errnum);
    while ((s = va_arg (ap, const char *)))
        if (!strstr (err.text, s))
            fail_msg ("'%s' lacks '%s'", err.text, s);
    va_end (ap);
}

#define expect_fail(name, flags, errnum, ...)                                  \
    expect_fail_at (fixture_path (name), flags, errnum, __VA_ARGS__,           \
                    (const char *)NULL)

static void expect_ok_at (const char *path, int flags)
{
    struct error err = {{0}};
    char *buf = NULL;
    size_t len;
    int fd;

    fd = pathsec_open_config (path, flags, &err);
    if (fd < 0)
        fail_msg ("%s: %s", path, err.text);
    assert_int_equal (fcntl (fd, F_GETFL) & O_NONBLOCK, 0);
    assert_true (fcntl (fd, F_GETFD) & FD_CLOEXEC);
    assert_int_equal (pathsec_read (fd, path, 100, &buf, &len, &err), 0);
    assert_string_equal (buf, "a = 1\n");
    assert_int_equal (len, 6);
    free (buf);
    close (fd);
}

#define expect_ok(name, flags) expect_ok_at (fixture_path (name), flags)

/* The file itself */

static void test_good_file (void **state)
{
    make_file ("good.toml", 0, 0, 0644);
    expect_ok ("good.toml", PATHSEC_PARANOIA);
    expect_ok ("good.toml", 0);
    make_file ("ro.toml", 0, 0, 0400);
    expect_ok ("ro.toml", PATHSEC_PARANOIA);
}

static void test_owner_nobody (void **state)
{
    make_file ("owner.toml", NOBODY, 0, 0644);
    expect_fail ("owner.toml", PATHSEC_PARANOIA, EPERM,
                 "owner.toml: insecure file ownership (owner uid 65534):"
                 " the file must be owned by root");
    expect_ok ("owner.toml", 0);
}

/* A second name for a root-owned file (as anyone could make in a sticky
 * directory without fs.protected_hardlinks) is refused.
 */
static void test_hard_link (void **state)
{
    make_file ("linked.toml", 0, 0, 0644);
    assert_int_equal (
        link (fixture_path ("linked.toml"), fixture_path ("link2.toml")), 0);
    expect_fail ("linked.toml", PATHSEC_PARANOIA, EPERM,
                 "linked.toml: the file has 2 hard links: it must have"
                 " exactly one (copy it instead of linking it)");
    expect_fail ("link2.toml", PATHSEC_PARANOIA, EPERM, "2 hard links");
    expect_ok ("linked.toml", 0);
}

static void test_group_nogroup (void **state)
{
    make_file ("group.toml", 0, NOGROUP, 0644);
    expect_fail ("group.toml", PATHSEC_PARANOIA, EPERM,
                 "insecure file ownership (group gid 65534)",
                 "group must be root");
    expect_ok ("group.toml", 0);
}

static void test_bad_modes (void **state)
{
    make_file ("m0664.toml", 0, 0, 0664);
    expect_fail ("m0664.toml", PATHSEC_PARANOIA, EPERM,
                 "m0664.toml: bad file permissions (0664)", "chmod go-w");
    make_file ("m0646.toml", 0, 0, 0646);
    expect_fail ("m0646.toml", PATHSEC_PARANOIA, EPERM,
                 "bad file permissions (0646)");
    make_file ("m0666.toml", 0, 0, 0666);
    expect_fail ("m0666.toml", PATHSEC_PARANOIA, EPERM,
                 "bad file permissions (0666)");
    make_file ("m4666.toml", 0, 0, 02666);
    expect_fail ("m4666.toml", PATHSEC_PARANOIA, EPERM,
                 "bad file permissions (2666)");
    expect_ok ("m0666.toml", 0);
}

static void test_directory (void **state)
{
    fixture_mkdir ("adir.toml", 0, 0755);
    expect_fail ("adir.toml", PATHSEC_PARANOIA, EINVAL,
                 "adir.toml: File is not a regular file");
    expect_fail ("adir.toml", 0, EINVAL, "File is not a regular file");
    expect_fail ("adir.toml/", PATHSEC_PARANOIA, EINVAL,
                 "File is not a regular file");
    expect_fail ("adir.toml/.", PATHSEC_PARANOIA, EINVAL,
                 "File is not a regular file");
}

static void test_fifo_does_not_hang (void **state)
{
    assert_int_equal (mkfifo (fixture_path ("fifo.toml"), 0644), 0);
    alarm (10); /* a hang fails the test instead of blocking the suite */
    expect_fail ("fifo.toml", PATHSEC_PARANOIA, EINVAL,
                 "File is not a regular file");
    expect_fail ("fifo.toml", 0, EINVAL, "File is not a regular file");
    alarm (0);
}

static void test_socket (void **state)
{
    struct sockaddr_un sun = {.sun_family = AF_UNIX};
    int fd = socket (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

    assert_true (fd >= 0);
    snprintf (sun.sun_path, sizeof (sun.sun_path), "%s", fixture_path ("sock"));
    assert_int_equal (bind (fd, (struct sockaddr *)&sun, sizeof (sun)), 0);
    expect_fail ("sock", PATHSEC_PARANOIA, EINVAL,
                 "File is not a regular file");
    expect_fail ("sock", 0, EINVAL, "File is not a regular file");
    close (fd);
}

static void test_device (void **state)
{
    expect_fail_at ("/dev/null", PATHSEC_PARANOIA, EINVAL,
                    "/dev/null: File is not a regular file",
                    (const char *)NULL);
    expect_fail_at ("/dev/null", 0, EINVAL,
                    "/dev/null: File is not a regular file",
                    (const char *)NULL);
    assert_int_equal (symlink ("/dev/null", fixture_path ("devnull.toml")), 0);
    expect_fail ("devnull.toml", PATHSEC_PARANOIA, ELOOP,
                 "devnull.toml: symbolic link");
    expect_fail ("devnull.toml", 0, EINVAL, "File is not a regular file");
}

static void test_symlink_to_good_file (void **state)
{
    make_file ("target.toml", 0, 0, 0644);
    assert_int_equal (symlink ("target.toml", fixture_path ("link.toml")), 0);
    expect_fail ("link.toml", PATHSEC_PARANOIA, ELOOP,
                 "link.toml: symbolic link: the file must not be a"
                 " symbolic link");
    expect_ok ("link.toml", 0); /* paranoia off: links are followed */
}

static void test_missing_and_empty (void **state)
{
    expect_fail ("nonexistent.toml", PATHSEC_PARANOIA, ENOENT,
                 "nonexistent.toml: No such file or directory");
    expect_fail ("nonexistent.toml", 0, ENOENT, "No such file");
    expect_fail ("nodir/x.toml", PATHSEC_PARANOIA, ENOENT, "nodir: No such");
    expect_fail_at ("", PATHSEC_PARANOIA, EINVAL, "Filename not defined",
                    (const char *)NULL);
    expect_fail_at (NULL, 0, EINVAL, "Filename not defined",
                    (const char *)NULL);
    make_file ("good.toml", 0, 0, 0644);
    expect_fail ("good.toml", 0x100, EINVAL, "invalid flags");
    expect_fail ("good.toml/x", PATHSEC_PARANOIA, ENOTDIR, "good.toml");
}

static void test_path_too_long (void **state)
{
    char path[PATHSEC_PATH_MAX + 16];

    memset (path, 'a', sizeof (path) - 1);
    path[0] = '/';
    path[sizeof (path) - 1] = '\0';
    expect_fail_at (path, PATHSEC_PARANOIA, ENAMETOOLONG, "path is too long",
                    (const char *)NULL);
}

/* The directories */

static void test_symlinked_ancestor (void **state)
{
    fixture_mkdir ("real", 0, 0755);
    make_file ("real/good.toml", 0, 0, 0644);
    assert_int_equal (symlink ("real", fixture_path ("alias")), 0);
    expect_fail ("alias/good.toml", PATHSEC_PARANOIA, ELOOP,
                 "alias/good.toml: symbolic link in the path (", "/alias)");
    expect_ok ("alias/good.toml", 0);
    expect_ok ("real/good.toml", PATHSEC_PARANOIA);
}

static void test_group_writable_dir (void **state)
{
    fixture_mkdir ("gw", 0, 0775);
    make_file ("gw/good.toml", 0, 0, 0644);
    expect_fail ("gw/good.toml", PATHSEC_PARANOIA, EPERM,
                 "gw/good.toml: parent directory is group-writable without"
                 " sticky bit (",
                 "/gw, mode 0775)");
    expect_ok ("gw/good.toml", 0);
    fixture_mkdir ("gwt", 0, 01775);
    make_file ("gwt/good.toml", 0, 0, 0644);
    expect_ok ("gwt/good.toml", PATHSEC_PARANOIA);
}

static void test_world_writable_dir (void **state)
{
    fixture_mkdir ("ww", 0, 0777);
    make_file ("ww/good.toml", 0, 0, 0644);
    expect_fail ("ww/good.toml", PATHSEC_PARANOIA, EPERM,
                 "parent directory is world-writable without sticky bit (",
                 "/ww, mode 0777)");
    fixture_mkdir ("wwt", 0, 01777);
    make_file ("wwt/good.toml", 0, 0, 0644);
    expect_ok ("wwt/good.toml", PATHSEC_PARANOIA);
    fixture_mkdir ("wo", 0, 0757);
    make_file ("wo/good.toml", 0, 0, 0644);
    expect_fail ("wo/good.toml", PATHSEC_PARANOIA, EPERM,
                 "parent directory is world-writable without sticky bit");
}

/* The original checked only the immediate parent: check further up. */
static void test_insecure_grandparent (void **state)
{
    fixture_mkdir ("up", 0, 0777);
    fixture_mkdir ("up/conf.d", 0, 0755);
    make_file ("up/conf.d/good.toml", 0, 0, 0644);
    expect_fail ("up/conf.d/good.toml", PATHSEC_PARANOIA, EPERM,
                 "world-writable without sticky bit (", "/up, mode 0777)");
}

static void test_dir_owned_by_other (void **state)
{
    fixture_mkdir ("theirs", NOBODY, 0755);
    make_file ("theirs/good.toml", 0, 0, 0644);
    expect_fail ("theirs/good.toml", PATHSEC_PARANOIA, EPERM,
                 "theirs/good.toml: Invalid ownership on parent directory"
                 " (",
                 "/theirs, owner uid 65534): the directory must be"
                 " owned by root");
    expect_ok ("theirs/good.toml", 0);
}

static void test_relative_and_dotdot (void **state)
{
    char cwd[PATHSEC_PATH_MAX];

    fixture_mkdir ("rel", 0, 0755);
    make_file ("rel/good.toml", 0, 0, 0644);
    assert_non_null (getcwd (cwd, sizeof (cwd)));
    assert_int_equal (chdir (fixture_path ("rel")), 0);
    expect_ok_at ("good.toml", PATHSEC_PARANOIA);
    expect_ok_at ("./good.toml", PATHSEC_PARANOIA);
    expect_ok_at ("../rel/good.toml", PATHSEC_PARANOIA);
    expect_fail_at ("missing.toml", PATHSEC_PARANOIA, ENOENT,
                    "missing.toml: No such file", (const char *)NULL);
    assert_int_equal (chdir (cwd), 0);
    expect_ok ("rel/../rel//good.toml", PATHSEC_PARANOIA);
}

/* "owner == euid" and "group == egid" rules, as an unprivileged euid */

static void test_as_nobody (void **state)
{
    fixture_mkdir ("nb", 0, 0755);
    make_file ("nb/mine.toml", NOBODY, 0, 0644);
    make_file ("nb/mine-ng.toml", NOBODY, NOGROUP, 0644);
    make_file ("nb/root.toml", 0, 0, 0644);
    make_file ("nb/root-ng.toml", 0, NOGROUP, 0644);
    make_file ("nb/other.toml", 1, 0, 0644);
    assert_int_equal (chmod (fixture_dir, 0755), 0);

    assert_int_equal (seteuid (NOBODY), 0);
    expect_ok ("nb/mine.toml", PATHSEC_PARANOIA);
    expect_ok ("nb/root.toml", PATHSEC_PARANOIA);
    expect_fail ("nb/mine-ng.toml", PATHSEC_PARANOIA, EPERM,
                 "insecure file ownership (group gid 65534)");
    expect_fail ("nb/other.toml", PATHSEC_PARANOIA, EPERM,
                 "insecure file ownership (owner uid 1): the file must be"
                 " owned by root or uid 65534");
    assert_int_equal (seteuid (0), 0);

    assert_int_equal (setegid (NOGROUP), 0);
    assert_int_equal (seteuid (NOBODY), 0);
    expect_ok ("nb/mine-ng.toml", PATHSEC_PARANOIA);
    /* the egid exception holds only when the owner is the euid */
    expect_fail ("nb/root-ng.toml", PATHSEC_PARANOIA, EPERM,
                 "insecure file ownership (group gid 65534)");
    assert_int_equal (seteuid (0), 0);
    assert_int_equal (setegid (0), 0);

    /* as root, a file owned by nobody is not "owned by the euid" */
    expect_fail ("nb/mine.toml", PATHSEC_PARANOIA, EPERM, "owner uid 65534");
    assert_int_equal (chmod (fixture_dir, 0700), 0);
}

/* Reading with a cap */

static void test_read_cap (void **state)
{
    struct error err = {{0}};
    char big[8193];
    char *buf = (char *)"untouched";
    size_t len = 42;
    int fd;

    memset (big, 'x', sizeof (big) - 1);
    big[sizeof (big) - 1] = '\0';
    make_file_content ("big.toml", big, 0, 0, 0644);
    fd =
        pathsec_open_config (fixture_path ("big.toml"), PATHSEC_PARANOIA, &err);
    assert_true (fd >= 0);
    errno = 0;
    assert_int_equal (pathsec_read (fd, "big.toml", 8191, &buf, &len, &err),
                      -1);
    assert_int_equal (errno, EFBIG);
    assert_string_equal (err.text, "big.toml: file too large (more than 8191"
                                   " bytes)");
    assert_string_equal (buf, "untouched");
    assert_int_equal (len, 42);
    assert_int_equal (lseek (fd, 0, SEEK_SET), 0);
    assert_int_equal (pathsec_read (fd, "big.toml", 8192, &buf, &len, &err), 0);
    assert_int_equal (len, 8192);
    assert_int_equal (buf[8192], '\0');
    free (buf);
    close (fd);

    make_file_content ("empty.toml", "", 0, 0, 0644);
    fd = pathsec_open_config (fixture_path ("empty.toml"), PATHSEC_PARANOIA,
                              &err);
    assert_true (fd >= 0);
    assert_int_equal (pathsec_read (fd, "empty.toml", 0, &buf, &len, &err), 0);
    assert_int_equal (len, 0);
    assert_string_equal (buf, "");
    free (buf);
    close (fd);
}

/* Executables */

static void expect_exec_fail (const char *path, int errnum, const char *text)
{
    struct error err = {{0}};

    errno = 0;
    assert_int_equal (pathsec_open_exec (path, &err), -1);
    if (errno != errnum || !strstr (err.text, text))
        fail_msg ("%s: errno %d, expected %d: '%s' lacks '%s'", path, errno,
                  errnum, err.text, text);
}

static void test_exec (void **state)
{
    struct error err = {{0}};
    struct stat sb;
    int fd;

    make_file ("prolog", 0, NOGROUP, 0755);
    fd = pathsec_open_exec (fixture_path ("prolog"), &err);
    if (fd < 0)
        fail_msg ("%s", err.text);
    assert_int_equal (fstat (fd, &sb), 0);
    assert_true (S_ISREG (sb.st_mode));
    assert_int_equal (fcntl (fd, F_GETFL) & O_PATH, O_PATH);
    close (fd);

    make_file ("prolog-gw", 0, 0, 0775);
    expect_exec_fail (fixture_path ("prolog-gw"), EPERM,
                      "bad file permissions (0775)");
    make_file ("prolog-nb", NOBODY, 0, 0755);
    expect_exec_fail (fixture_path ("prolog-nb"), EPERM,
                      "insecure file ownership (owner uid 65534)");
    assert_int_equal (symlink ("prolog", fixture_path ("prolog-ln")), 0);
    expect_exec_fail (fixture_path ("prolog-ln"), ELOOP, "symbolic link");
    fixture_mkdir ("bin-ww", 0, 0777);
    make_file ("bin-ww/prolog", 0, 0, 0755);
    expect_exec_fail (fixture_path ("bin-ww/prolog"), EPERM,
                      "world-writable without sticky bit");
    expect_exec_fail ("bin/true", EINVAL, "must be absolute");
    expect_exec_fail ("", EINVAL, "Filename not defined");
    expect_exec_fail ("/dev/null", EINVAL, "File is not a regular file");
}

static int teardown (void **state)
{
    return fixture_dir_remove ();
}

static int setup (void **state)
{
    return fixture_dir_create ("test_pathsec");
}

int main (void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test (test_owner_nobody),
        cmocka_unit_test (test_hard_link),
        cmocka_unit_test (test_group_nogroup),
        cmocka_unit_test (test_bad_modes),
        cmocka_unit_test (test_directory),
        cmocka_unit_test (test_fifo_does_not_hang),
        cmocka_unit_test (test_socket),
        cmocka_unit_test (test_device),
        cmocka_unit_test (test_symlink_to_good_file),
        cmocka_unit_test (test_missing_and_empty),
        cmocka_unit_test (test_path_too_long),
        cmocka_unit_test (test_symlinked_ancestor),
        cmocka_unit_test (test_group_writable_dir),
        cmocka_unit_test (test_world_writable_dir),
        cmocka_unit_test (test_insecure_grandparent),
        cmocka_unit_test (test_dir_owned_by_other),
        cmocka_unit_test (test_relative_and_dotdot),
        cmocka_unit_test (test_as_nobody),
        cmocka_unit_test (test_read_cap),
        cmocka_unit_test (test_exec),
        cmocka_unit_test (test_good_file),
    };

    int rc;

    if (geteuid () != 0)
        return tap_skip_all ("the fixtures need root (chown)");
    if (setup (NULL) < 0) {
        perror ("mkdtemp");
        return 1;
    }
    rc = TAP_RUN (tests);
    if (teardown (NULL) < 0) {
        perror (fixture_dir);
        return 1;
    }
    return rc;
}
