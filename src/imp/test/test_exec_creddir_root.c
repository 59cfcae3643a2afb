/* Root-only tests of exec_creddir.c: make the credentials directory of a
 * job under a tmpfs that this test mounts in a private mount namespace
 * (so that nothing outlives the process), check modes, owners and
 * content, then remove it after hostile changes by its "user" (links
 * out, nested and unreadable directories, too deep a tree), and refuse
 * bad bases.  Skipped, with the reason, when not root or when a mount
 * namespace or a tmpfs mount is refused.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/magic.h>

#include "tap_cmocka.h"
#include "exec_creddir.h"

#define UID 65534
#define GID 65534

static char top[64];   /* the tmpfs */
static char base[128]; /* top/flux-imp/credentials */
static char warnings[8192];

static void warn (const char *msg, void *arg)
{
    size_t n = strlen (warnings);

    snprintf (warnings + n, sizeof (warnings) - n, "%s\n", msg);
}

/* A list of 'n' NULL-terminated name, value pairs (not validated). */
static struct exec_cred_list *make_list (const char *const *nv)
{
    size_t n = 0;
    struct exec_cred_list *list;

    while (nv[2 * n])
        n++;
    list = calloc (1, sizeof (*list) + n * sizeof (struct exec_cred));
    assert_non_null (list);
    for (size_t i = 0; i < n; i++) {
        snprintf (list->cred[i].name, sizeof (list->cred[i].name), "%s",
                  nv[2 * i]);
        assert_non_null (list->cred[i].value = strdup (nv[2 * i + 1]));
        list->cred[i].len = strlen (nv[2 * i + 1]);
        list->count++;
    }
    return list;
}

static void
check_stat (const char *path, mode_t type, mode_t mode, uid_t uid, gid_t gid)
{
    struct stat st;

    if (lstat (path, &st) < 0)
        fail_msg ("%s: %s", path, strerror (errno));
    assert_int_equal (st.st_mode & S_IFMT, type);
    if ((st.st_mode & 07777) != mode)
        fail_msg ("%s: mode %o, want %o", path, st.st_mode & 07777, mode);
    assert_int_equal (st.st_uid, uid);
    assert_int_equal (st.st_gid, gid);
}

static void check_content (const char *path, const char *want)
{
    char buf[256];
    int fd = open (path, O_RDONLY);
    ssize_t n;

    assert_true (fd >= 0);
    n = read (fd, buf, sizeof (buf) - 1);
    assert_true (n >= 0);
    buf[n] = '\0';
    assert_string_equal (buf, want);
    close (fd);
}

/* Number of entries of 'dir' but . and .. */
static int count_entries (const char *dir)
{
    char cmd[PATH_MAX + 64];
    FILE *f;
    int n = -1;

    snprintf (cmd, sizeof (cmd), "ls -A '%s' | wc -l", dir);
    assert_non_null (f = popen (cmd, "r"));
    assert_int_equal (fscanf (f, "%d", &n), 1);
    pclose (f);
    return n;
}

/* Run the command 'fmt' with every "%s" in it replaced by 'arg'. */
static void sh (const char *fmt, const char *arg)
{
    char cmd[4096];
    size_t n = 0;

    for (const char *p = fmt; *p && n < sizeof (cmd) - 1; p++) {
        if (p[0] == '%' && p[1] == 's') {
            n += (size_t)snprintf (cmd + n, sizeof (cmd) - n, "%s", arg);
            p++;
        }
        else
            cmd[n++] = *p;
    }
    assert_true (n < sizeof (cmd) - 1);
    cmd[n] = '\0';
    if (system (cmd) != 0)
        fail_msg ("failed: %s", cmd);
}

static struct exec_creddir *create (const char *const *nv)
{
    struct exec_cred_list *list = make_list (nv);
    struct exec_creddir *d = NULL;
    struct error err = {{0}};

    if (exec_creddir_create (base, list, UID, GID, warn, NULL, &d, &err) < 0)
        fail_msg ("create: %s", err.text);
    exec_cred_list_destroy (list);
    return d;
}

static void test_create (void **state)
{
    struct exec_creddir *d;
    char path[PATH_MAX], parent[PATH_MAX], prefix[64];

    d = create ((const char *const[]){"token", "s3cr3t", "empty", "", "x.y-z_1",
                                      "a\nb", NULL});
    snprintf (parent, sizeof (parent), "%s/flux-imp", top);
    check_stat (parent, S_IFDIR, 0755, 0, 0);
    check_stat (base, S_IFDIR, 0711, 0, 0);
    snprintf (prefix, sizeof (prefix), "/job-%d-", (int)getpid ());
    assert_non_null (strstr (exec_creddir_path (d), prefix));
    assert_int_equal (strncmp (exec_creddir_path (d), base, strlen (base)), 0);
    check_stat (exec_creddir_path (d), S_IFDIR, 0500, UID, GID);
    snprintf (path, sizeof (path), "%s/token", exec_creddir_path (d));
    check_stat (path, S_IFREG, 0400, UID, GID);
    check_content (path, "s3cr3t");
    snprintf (path, sizeof (path), "%s/empty", exec_creddir_path (d));
    check_stat (path, S_IFREG, 0400, UID, GID);
    check_content (path, "");
    snprintf (path, sizeof (path), "%s/x.y-z_1", exec_creddir_path (d));
    check_content (path, "a\nb");
    assert_int_equal (count_entries (exec_creddir_path (d)), 3);
    snprintf (path, sizeof (path), "%s", exec_creddir_path (d));
    warnings[0] = '\0';
    assert_int_equal (exec_creddir_remove (d, warn, NULL), 0);
    assert_string_equal (warnings, "");
    assert_int_equal (access (path, F_OK), -1);
    assert_int_equal (count_entries (base), 0);
    assert_int_equal (exec_creddir_remove (NULL, warn, NULL), 0);
}

/* What the job's user may do to its directory before the job ends. */
static void test_remove_hostile (void **state)
{
    struct exec_creddir *d = create ((const char *const[]){"a", "1", NULL});
    char path[PATH_MAX];

    snprintf (path, sizeof (path), "%s", exec_creddir_path (d));
    sh ("echo keep >'%s/../../../outside' && mkdir -p '%s/../../../outdir' "
        "&& echo keep >'%s/../../../outdir/f'",
        path);
    sh ("chmod 700 '%s' && mkdir -p '%s/d1/d2/d3' && echo x >'%s/d1/d2/f' "
        "&& ln -s ../../../outside '%s/link' && "
        "ln -s ../../../../outdir '%s/d1/dl' && mkfifo '%s/fifo'",
        path);
    sh ("ln -s / '%s/root' && chmod 000 '%s/d1/d2' '%s/d1' '%s/a' && "
        "chmod 000 '%s'",
        path);
    warnings[0] = '\0';
    assert_int_equal (exec_creddir_remove (d, warn, NULL), 0);
    assert_string_equal (warnings, "");
    assert_int_equal (access (path, F_OK), -1);
    snprintf (path, sizeof (path), "%s/outside", top);
    check_content (path, "keep\n");
    snprintf (path, sizeof (path), "%s/outdir/f", top);
    check_content (path, "keep\n");
    sh ("rm -rf '%s/outside' '%s/outdir'", top);
}

/* Deeper than EXEC_CREDDIR_DEPTH: what is beyond is left, with a
 * warning naming the path; the rest goes.
 */
static void test_remove_deep (void **state)
{
    struct exec_creddir *d = create ((const char *const[]){"a", "1", NULL});
    char path[PATH_MAX], cmd[2 * PATH_MAX];

    snprintf (path, sizeof (path), "%s", exec_creddir_path (d));
    snprintf (cmd, sizeof (cmd),
              "mkdir -p '%s'/1/2/3/4/5/6/7/8/9/10/11/12/"
              "13/14/15/16/17/18/19/20",
              path);
    sh ("%s", cmd);
    warnings[0] = '\0';
    assert_int_equal (exec_creddir_remove (d, warn, NULL), -1);
    assert_non_null (strstr (warnings, "deeper than 16 levels, left in place"));
    assert_non_null (strstr (warnings, path));
    snprintf (cmd, sizeof (cmd), "%s/1/2/3/4/5/6/7/8/9/10/11/12/13/14/15/16",
              path);
    assert_int_equal (access (cmd, F_OK), 0);
    snprintf (cmd, sizeof (cmd), "%s/a", path);
    assert_int_equal (access (cmd, F_OK), -1);
    sh ("rm -rf '%s'", path);
}

/* A failure while writing leaves nothing behind. */
static void test_create_fails_clean (void **state)
{
    struct exec_cred_list *list =
        make_list ((const char *const[]){"a", "1", "a", "2", NULL});
    struct exec_creddir *d = NULL;
    struct error err = {{0}};

    errno = 0;
    assert_int_equal (
        exec_creddir_create (base, list, UID, GID, warn, NULL, &d, &err), -1);
    assert_int_equal (errno, EEXIST);
    assert_null (d);
    assert_non_null (strstr (err.text, "/a: File exists"));
    assert_int_equal (count_entries (base), 0);
    exec_cred_list_destroy (list);
}

/* Stale job directories of an IMP that is gone are swept. */
static void test_sweep (void **state)
{
    struct exec_creddir *d;
    char path[PATH_MAX], live[PATH_MAX];
    pid_t pid = fork ();
    int status;

    assert_true (pid >= 0);
    if (pid == 0)
        _exit (0);
    assert_int_equal (waitpid (pid, &status, 0), pid);
    snprintf (path, sizeof (path), "%s/job-%d-0123456789abcdef", base,
              (int)pid);
    snprintf (live, sizeof (live), "%s/job-1-0123456789abcdef", base);
    sh ("mkdir -p '%s/sub' && echo x >'%s/sub/f' && chmod 500 '%s'", path);
    sh ("mkdir '%s'", live);
    d = create ((const char *const[]){"a", "1", NULL});
    assert_int_equal (access (path, F_OK), -1);
    assert_int_equal (access (live, F_OK), 0);
    assert_int_equal (exec_creddir_remove (d, warn, NULL), 0);
    sh ("rmdir '%s'", live);
}

static void bad_base (const char *b, int errnum, const char *text)
{
    struct exec_cred_list *list =
        make_list ((const char *const[]){"a", "1", NULL});
    struct exec_creddir *d = NULL;
    struct error err = {{0}};

    errno = 0;
    assert_int_equal (
        exec_creddir_create (b, list, UID, GID, warn, NULL, &d, &err), -1);
    if (errno != errnum)
        fail_msg ("%s: errno %d (%s), want %d", b, errno, err.text, errnum);
    if (text && !strstr (err.text, text))
        fail_msg ("%s: '%s' lacks '%s'", b, err.text, text);
    assert_null (d);
    exec_cred_list_destroy (list);
}

static void test_bad_base (void **state)
{
    char b[PATH_MAX], t[PATH_MAX + 64];
    struct statfs sf;

    bad_base ("relative/credentials", EINVAL, NULL);
    snprintf (b, sizeof (b), "%s/x/../credentials", top);
    bad_base (b, EINVAL, NULL);
    /* a symbolic link, as the base and as its parent */
    sh ("mkdir -p '%s/real/credentials' && ln -s real/credentials "
        "'%s/link' && ln -s real '%s/plink'",
        top);
    snprintf (b, sizeof (b), "%s/link", top);
    bad_base (b, ELOOP, "is a symbolic link");
    snprintf (b, sizeof (b), "%s/plink/credentials", top);
    bad_base (b, ELOOP, "is a symbolic link");
    /* a file */
    sh ("touch '%s/file'", top);
    snprintf (b, sizeof (b), "%s/file", top);
    bad_base (b, ENOTDIR, NULL);
    /* not root's, writable by others (even sticky) */
    snprintf (b, sizeof (b), "%s/real/credentials", top);
    sh ("chown 1 '%s'", b);
    bad_base (b, EPERM, "not owned by root");
    sh ("chown 0 '%s' && chmod 1777 '%s'", b);
    bad_base (b, EPERM, "writable by group or other");
    sh ("chmod 711 '%s' && chmod 775 '%s/..'", b);
    bad_base (b, EPERM, "writable by group or other");
    sh ("rm -rf '%s/real' '%s/link' '%s/plink' '%s/file'", top);
    /* not on a memory file system: nothing is made there */
    if (getcwd (b, sizeof (b) - 32) && statfs (b, &sf) == 0
        && sf.f_type != TMPFS_MAGIC && sf.f_type != RAMFS_MAGIC) {
        strcat (b, "/notmem.creds");
        snprintf (t, sizeof (t),
                  "%s is not on a memory file system "
                  "(tmpfs or ramfs)",
                  b);
        rmdir (b);
        errno = 0;
        bad_base (b, EXDEV, t);
        assert_int_equal (access (b, F_OK), -1);
    }
}

/* Why the tests cannot run, or NULL.  Mounts the tmpfs. */
static const char *setup (void)
{
    if (geteuid () != 0)
        return "not root";
    if (unshare (CLONE_NEWNS) < 0)
        return "unshare (CLONE_NEWNS) is refused";
    if (mount ("none", "/", "none", MS_REC | MS_PRIVATE, NULL) < 0)
        return "cannot make the mounts private";
    snprintf (top, sizeof (top), "/tmp/creddir-test.XXXXXX");
    if (!mkdtemp (top))
        return "mkdtemp failed";
    if (mount ("tmpfs", top, "tmpfs", 0, "mode=0755") < 0) {
        rmdir (top);
        return "mounting a tmpfs is refused";
    }
    snprintf (base, sizeof (base), "%s/flux-imp/credentials", top);
    return NULL;
}

int main (void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test (test_create),
        cmocka_unit_test (test_remove_hostile),
        cmocka_unit_test (test_remove_deep),
        cmocka_unit_test (test_create_fails_clean),
        cmocka_unit_test (test_sweep),
        cmocka_unit_test (test_bad_base),
    };
    const char *why = setup ();
    int rc;

    if (why)
        return tap_skip_all (why);
    rc = TAP_RUN (tests);
    (void)umount2 (top, MNT_DETACH);
    rmdir (top);
    return rc;
}
