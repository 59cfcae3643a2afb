/* Unit tests of imp_cgroup.c: the pure parsers of /proc/self/mounts,
 * /proc/<pid>/cgroup, pids and /proc/<pid>/stat, the job cgroup name
 * rule, the lookup of the calling process, and killing, counting and
 * waiting on a stand-in cgroup directory (a temporary directory with a
 * cgroup.procs file: no privilege or cgroup needed) and on children.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tap_cmocka.h"
#include "imp_cgroup.h"

static void test_mounts (void **state)
{
    char m[PATH_MAX];
    const char *hybrid = "tmpfs /sys/fs/cgroup tmpfs rw 0 0\n"
                         "cgroup /sys/fs/cgroup/cpu cgroup rw,cpu 0 0\n"
                         "cgroup2 /sys/fs/cgroup/unified cgroup2 rw 0 0\n";
    const char *escaped = "none /a\\040b\\134c cgroup2 rw 0 0";

    assert_int_equal (imp_cgroup_parse_mounts (hybrid, m, sizeof (m)), 0);
    assert_string_equal (m, "/sys/fs/cgroup/unified");
    assert_int_equal (imp_cgroup_parse_mounts (escaped, m, sizeof (m)), 0);
    assert_string_equal (m, "/a b\\c");

    errno = 0;
    assert_int_equal (imp_cgroup_parse_mounts ("", m, sizeof (m)), -1);
    assert_int_equal (errno, ENOENT);
    errno = 0;
    assert_int_equal (
        imp_cgroup_parse_mounts ("cgroup /x cgroup rw 0 0\n", m, sizeof (m)),
        -1);
    assert_int_equal (errno, ENOENT);
    errno = 0;
    assert_int_equal (
        imp_cgroup_parse_mounts ("x /a\\9 cgroup2 rw 0 0", m, sizeof (m)), -1);
    assert_int_equal (errno, EINVAL);
    errno = 0;
    assert_int_equal (
        imp_cgroup_parse_mounts ("x rel cgroup2 rw 0 0", m, sizeof (m)), -1);
    assert_int_equal (errno, EINVAL);
    errno = 0;
    assert_int_equal (imp_cgroup_parse_mounts (hybrid, m, 5), -1);
    assert_int_equal (errno, ENAMETOOLONG);
}

static void test_proc (void **state)
{
    char p[PATH_MAX];
    static const char *const bad[] = {
        "0::",
        "0::x",
        "0::/a//b",
        "0::/a/../b",
        "0::/a/.",
        "0::/a/",
        "0::/a\n0::/b\n",
        "1:name=systemd:/\n0::/flux-1\n0::/flux-2",
    };

    assert_int_equal (imp_cgroup_parse_proc ("0::/\n", p, sizeof (p)), 0);
    assert_string_equal (p, "/");
    assert_int_equal (
        imp_cgroup_parse_proc ("9:name=systemd:/\n1:cpu:/\n"
                               "0::/system.slice/imp-shell-0-f1.scope\n",
                               p, sizeof (p)),
        0);
    assert_string_equal (p, "/system.slice/imp-shell-0-f1.scope");
    assert_int_equal (imp_cgroup_parse_proc ("0::/a/..b/.c", p, sizeof (p)), 0);
    assert_string_equal (p, "/a/..b/.c");

    errno = 0;
    assert_int_equal (imp_cgroup_parse_proc ("1:cpu:/\n", p, sizeof (p)), -1);
    assert_int_equal (errno, ENOENT);
    for (size_t i = 0; i < sizeof (bad) / sizeof (bad[0]); i++) {
        errno = 0;
        if (imp_cgroup_parse_proc (bad[i], p, sizeof (p)) != -1
            || errno != EINVAL)
            fail_msg ("accepted: %s", bad[i]);
    }
    errno = 0;
    assert_int_equal (imp_cgroup_parse_proc ("0::/abcdef", p, 4), -1);
    assert_int_equal (errno, ENAMETOOLONG);
}

static void test_names (void **state)
{
    assert_true (imp_cgroup_name_is_job ("imp-shell-0-f1.scope"));
    assert_true (imp_cgroup_name_is_job ("imp-shell"));
    assert_true (imp_cgroup_name_is_job ("flux-f1"));
    assert_false (imp_cgroup_name_is_job ("flux"));
    assert_false (imp_cgroup_name_is_job (""));
    assert_false (imp_cgroup_name_is_job ("user.slice"));
    assert_false (imp_cgroup_name_is_job ("x-flux-1"));
    assert_false (imp_cgroup_name_is_job (NULL));
}

/* 'of' (imp_cgroup_of or imp_cgroup_job_of) refuses a negative pid and
 * fails with ENOENT, naming the /proc file, for a pid that does not exist.
 */
static void
check_bad_pids (int (*of) (pid_t, struct imp_cgroup *, struct error *))
{
    struct imp_cgroup cg;
    struct error err = {{0}};

    errno = 0;
    assert_int_equal (of (-1, &cg, &err), -1);
    assert_int_equal (errno, EINVAL);
    errno = 0;
    assert_int_equal (of (INT_MAX, &cg, &err), -1);
    assert_int_equal (errno, ENOENT);
    assert_non_null (strstr (err.text, "/proc/"));
}

static void test_self (void **state)
{
    struct imp_cgroup cg;
    struct error err = {{0}};
    struct stat sb;

    if (imp_cgroup_of (0, &cg, &err) < 0) {
        /* Only a machine without cgroup v2 may fail here. */
        assert_int_equal (errno, ENOENT);
        return;
    }
    assert_int_equal (stat (cg.path, &sb), 0);
    assert_true (S_ISDIR (sb.st_mode));
    assert_int_equal (strncmp (cg.path, cg.mount, strlen (cg.mount)), 0);
    check_bad_pids (imp_cgroup_of);
}

/* imp_cgroup_job_of() agrees with imp_cgroup_of() on a job cgroup, and
 * leaves any other with the relative path and no mount.
 */
static void test_self_job (void **state)
{
    struct imp_cgroup cg, job;
    struct error err = {{0}};
    size_t plen, rlen;

    if (imp_cgroup_of (0, &cg, &err) < 0) {
        assert_int_equal (errno, ENOENT);
        return;
    }
    assert_int_equal (imp_cgroup_job_of (0, &job, &err), 0);
    assert_int_equal (job.is_job, cg.is_job);
    if (cg.is_job) {
        assert_string_equal (job.path, cg.path);
        assert_string_equal (job.mount, cg.mount);
    }
    else {
        assert_string_equal (job.mount, "");
        assert_int_equal (job.path[0], '/');
        plen = strlen (cg.path);
        rlen = strlen (job.path);
        if (strcmp (job.path, "/") != 0) {
            assert_true (plen >= rlen);
            assert_string_equal (cg.path + plen - rlen, job.path);
        }
    }
    check_bad_pids (imp_cgroup_job_of);
}

static void test_pid (void **state)
{
    static const char *const bad[] = {
        "0", "01", "-1", "+1", "1a", " 1", "2147483648", "99999999999",
    };
    pid_t pid;

    assert_int_equal (imp_cgroup_parse_pid ("1", 1, &pid), 0);
    assert_int_equal (pid, 1);
    assert_int_equal (imp_cgroup_parse_pid ("2147483647", 10, &pid), 0);
    assert_int_equal (pid, 2147483647);
    assert_int_equal (imp_cgroup_parse_pid ("12\n", 2, &pid), 0);
    assert_int_equal (pid, 12);
    for (size_t i = 0; i < sizeof (bad) / sizeof (bad[0]); i++) {
        errno = 0;
        if (imp_cgroup_parse_pid (bad[i], strlen (bad[i]), &pid) != -1
            || errno != EINVAL)
            fail_msg ("accepted: %s", bad[i]);
    }
    errno = 0;
    assert_int_equal (imp_cgroup_parse_pid ("", 0, &pid), -1);
    assert_int_equal (errno, EINVAL);
    assert_int_equal (imp_cgroup_parse_pid ("1\0", 2, &pid), -1);
}

static void test_ppid (void **state)
{
    static const char *const bad[] = {
        "",           "12 (x) S",  "12 (x) S ",     "12 (x) S -1 0",
        "12 x S 3 0", "12 (x)S 3", "12 (x) S 3x 0", "12 (x) S 03 0",
    };
    pid_t ppid;

    assert_int_equal (imp_cgroup_parse_ppid ("12 (sh) S 34 12 12 0", &ppid), 0);
    assert_int_equal (ppid, 34);
    assert_int_equal (imp_cgroup_parse_ppid ("12 (a) b) S 7 1\\n", &ppid), 0);
    assert_int_equal (ppid, 7);
    assert_int_equal (imp_cgroup_parse_ppid ("1 (init) S 0 1 1", &ppid), 0);
    assert_int_equal (ppid, 0);
    for (size_t i = 0; i < sizeof (bad) / sizeof (bad[0]); i++) {
        errno = 0;
        if (imp_cgroup_parse_ppid (bad[i], &ppid) != -1 || errno != EINVAL)
            fail_msg ("accepted: %s", bad[i]);
    }
}

/* A stand-in job cgroup: a temporary directory with a cgroup.procs. */
static void fake_cgroup (struct imp_cgroup *cg, const char *procs)
{
    char path[PATH_MAX + 32];
    FILE *f;

    memset (cg, 0, sizeof (*cg));
    strcpy (cg->path, "/tmp/test_imp_cgroup.XXXXXX");
    assert_non_null (mkdtemp (cg->path));
    snprintf (path, sizeof (path), "%s/cgroup.procs", cg->path);
    assert_non_null (f = fopen (path, "w"));
    fputs (procs, f);
    assert_int_equal (fclose (f), 0);
    cg->is_job = true;
}

static void fake_remove (struct imp_cgroup *cg)
{
    char path[PATH_MAX + 32];

    snprintf (path, sizeof (path), "%s/cgroup.procs", cg->path);
    (void)unlink (path);
    (void)rmdir (cg->path);
}

static pid_t sleeper (void)
{
    pid_t pid = fork ();

    assert_true (pid >= 0);
    if (pid == 0) {
        pause ();
        _exit (0);
    }
    return pid;
}

static void test_kill (void **state)
{
    struct imp_cgroup cg;
    struct error err = {{0}};
    char procs[64];
    pid_t pid = sleeper ();
    int status;

    snprintf (procs, sizeof (procs), "%ld\n%ld\n", (long)getpid (), (long)pid);
    fake_cgroup (&cg, procs);
    assert_int_equal (imp_cgroup_count_others (&cg, &err), 1);
    cg.is_job = false;
    errno = 0;
    assert_int_equal (imp_cgroup_kill (&cg, SIGKILL, &err), -1);
    assert_int_equal (errno, EPERM);
    errno = 0;
    assert_int_equal (imp_cgroup_count_others (&cg, &err), -1);
    assert_int_equal (errno, EPERM);
    cg.is_job = true;
    assert_int_equal (imp_cgroup_kill (&cg, SIGTERM, &err), 1);
    assert_int_equal (waitpid (pid, &status, 0), pid);
    assert_true (WIFSIGNALED (status) && WTERMSIG (status) == SIGTERM);
    /* gone now: ESRCH is not an error */
    assert_int_equal (imp_cgroup_kill (&cg, SIGTERM, &err), 0);
    errno = 0;
    assert_int_equal (imp_cgroup_kill (&cg, -1, &err), -1);
    assert_int_equal (errno, EINVAL);
    errno = 0;
    assert_int_equal (imp_cgroup_kill (NULL, SIGKILL, &err), -1);
    assert_int_equal (errno, EINVAL);
    fake_remove (&cg);
}

static void test_procs_hostile (void **state)
{
    static const char *const bad[] = {"1\n0\n", "x\n", "1\n-5\n", "1 1a"};
    struct imp_cgroup cg;
    struct error err = {{0}};
    char *big, *p;
    size_t n = 20000;

    for (size_t i = 0; i < sizeof (bad) / sizeof (bad[0]); i++) {
        fake_cgroup (&cg, bad[i]);
        errno = 0;
        if (imp_cgroup_count_others (&cg, &err) != -1 || errno != EINVAL)
            fail_msg ("accepted: %s", bad[i]);
        fake_remove (&cg);
    }
    /* A token longer than the read buffer. */
    assert_non_null (big = malloc (n + 1));
    memset (big, '7', n);
    big[n] = '\0';
    fake_cgroup (&cg, big);
    errno = 0;
    assert_int_equal (imp_cgroup_count_others (&cg, &err), -1);
    assert_int_equal (errno, EINVAL);
    fake_remove (&cg);
    /* Many entries across read boundaries: 1999 + the caller. */
    p = big;
    for (int i = 2; i <= 2000; i++)
        p += sprintf (p, "%d\n", i == (int)getpid () ? 1 : i);
    sprintf (p, "%ld", (long)getpid ());
    fake_cgroup (&cg, big);
    assert_int_equal (imp_cgroup_count_others (&cg, &err), 1999);
    fake_remove (&cg);
    free (big);
}

static void test_wait_empty (void **state)
{
    struct imp_cgroup cg;
    struct error err = {{0}};
    sigset_t wake, old;
    char procs[64];
    pid_t pid = sleeper ();
    int sig = -1, status;

    snprintf (procs, sizeof (procs), "%ld\n", (long)getpid ());
    fake_cgroup (&cg, procs);
    assert_int_equal (imp_cgroup_wait_empty (&cg, NULL, -1, &sig, &err), 0);
    assert_int_equal (sig, 0);
    fake_remove (&cg);

    snprintf (procs, sizeof (procs), "%ld\n%ld\n", (long)getpid (), (long)pid);
    fake_cgroup (&cg, procs);
    errno = 0;
    assert_int_equal (imp_cgroup_wait_empty (&cg, NULL, 50, &sig, &err), -1);
    assert_int_equal (errno, ETIMEDOUT);

    sigemptyset (&wake);
    sigaddset (&wake, SIGUSR1);
    assert_int_equal (sigprocmask (SIG_BLOCK, &wake, &old), 0);
    assert_int_equal (raise (SIGUSR1), 0);
    sig = 0;
    assert_int_equal (imp_cgroup_wait_empty (&cg, &wake, -1, &sig, &err), 0);
    assert_int_equal (sig, SIGUSR1);
    assert_int_equal (sigprocmask (SIG_SETMASK, &old, NULL), 0);

    cg.is_job = false;
    errno = 0;
    assert_int_equal (imp_cgroup_wait_empty (&cg, NULL, -1, &sig, &err), -1);
    assert_int_equal (errno, EPERM);
    fake_remove (&cg);
    (void)kill (pid, SIGKILL);
    assert_int_equal (waitpid (pid, &status, 0), pid);
}

static void test_kill_children (void **state)
{
    struct error err = {{0}};
    pid_t a = sleeper (), b = sleeper ();
    int status;

    assert_int_equal (imp_cgroup_kill_children (0, &err), 2);
    assert_int_equal (imp_cgroup_kill_children (SIGKILL, &err), 2);
    assert_int_equal (waitpid (a, &status, 0), a);
    assert_true (WIFSIGNALED (status) && WTERMSIG (status) == SIGKILL);
    assert_int_equal (waitpid (b, &status, 0), b);
    assert_true (WIFSIGNALED (status) && WTERMSIG (status) == SIGKILL);
    assert_int_equal (imp_cgroup_kill_children (SIGKILL, &err), 0);
    errno = 0;
    assert_int_equal (imp_cgroup_kill_children (NSIG, &err), -1);
    assert_int_equal (errno, EINVAL);
}

int main (void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test (test_mounts),
        cmocka_unit_test (test_proc),
        cmocka_unit_test (test_names),
        cmocka_unit_test (test_self),
        cmocka_unit_test (test_self_job),
        cmocka_unit_test (test_pid),
        cmocka_unit_test (test_ppid),
        cmocka_unit_test (test_kill),
        cmocka_unit_test (test_procs_hostile),
        cmocka_unit_test (test_wait_empty),
        cmocka_unit_test (test_kill_children),
    };
    return TAP_RUN (tests);
}
