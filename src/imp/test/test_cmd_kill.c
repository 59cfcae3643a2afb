/* Unit tests of the pure parsers of cmd_kill.c: SIGNAL, PID, the whole
 * argument vector, and the text of /proc/<pid>/status.  Hostile input
 * first.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "tap_cmocka.h"
#include "imp_cmds.h"

static void test_signal_bad (void **state)
{
    static const char *const bad[] = {
        "",
        "-1",
        "+1",
        " 1",
        "1 ",
        "01",
        "00",
        "65",
        "TERM",
        "SIGTERM",
        "1x",
        "0x1",
        "1e1",
        "99999999999999999999",
        "18446744073709551616",
        "\t9",
        "9\n",
    };
    struct error err = {{0}};
    int sig = 42;

    for (size_t i = 0; i < sizeof (bad) / sizeof (bad[0]); i++) {
        errno = 0;
        assert_int_equal (imp_kill_parse_signal (bad[i], &sig, &err), -1);
        assert_int_equal (errno, EINVAL);
        assert_int_equal (sig, 42);
        assert_non_null (strstr (err.text, "kill: invalid signal"));
    }
    errno = 0;
    assert_int_equal (imp_kill_parse_signal (NULL, &sig, NULL), -1);
    assert_int_equal (errno, EINVAL);
    /* embedded NUL: the string ends there */
    static const char nul[] = {'9', '\0', '9', '\0'};
    assert_int_equal (imp_kill_parse_signal (nul, &sig, NULL), 0);
    assert_int_equal (sig, 9);
}

static void test_signal_good (void **state)
{
    int sig = -1;

    assert_int_equal (imp_kill_parse_signal ("0", &sig, NULL), 0);
    assert_int_equal (sig, 0);
    assert_int_equal (imp_kill_parse_signal ("15", &sig, NULL), 0);
    assert_int_equal (sig, 15);
    assert_int_equal (imp_kill_parse_signal ("64", &sig, NULL), 0);
    assert_int_equal (sig, 64);
}

static void test_pid_bad (void **state)
{
    static const char *const bad[] = {
        "",
        "0",
        "1",
        "-1",
        "-2",
        "+2",
        " 2",
        "2 ",
        "02",
        "abc",
        "2x",
        "2147483648",
        "99999999999999999999",
        "0x10",
        "1.5",
        "\n2",
    };
    struct error err = {{0}};
    pid_t pid = 42;

    for (size_t i = 0; i < sizeof (bad) / sizeof (bad[0]); i++) {
        errno = 0;
        assert_int_equal (imp_kill_parse_pid (bad[i], &pid, &err), -1);
        assert_int_equal (errno, EINVAL);
        assert_int_equal (pid, 42);
        assert_non_null (strstr (err.text, "kill: invalid pid"));
    }
    errno = 0;
    assert_int_equal (imp_kill_parse_pid (NULL, &pid, NULL), -1);
    assert_int_equal (errno, EINVAL);
}

static void test_pid_good (void **state)
{
    pid_t pid = 0;

    assert_int_equal (imp_kill_parse_pid ("2", &pid, NULL), 0);
    assert_int_equal (pid, 2);
    assert_int_equal (imp_kill_parse_pid ("2147483647", &pid, NULL), 0);
    assert_int_equal (pid, INT_MAX);
}

static void test_args (void **state)
{
    char *good[] = {"flux-imp", "kill", "15", "1234", NULL};
    char *extra[] = {"flux-imp", "kill", "15", "1234", "5678", NULL};
    char *badsig[] = {"flux-imp", "kill", "TERM", "1234", NULL};
    char *badpid[] = {"flux-imp", "kill", "15", "1", NULL};
    struct error err = {{0}};
    int sig = -1;
    pid_t pid = -1;

    errno = 0;
    assert_int_equal (imp_kill_parse_args (3, good, &sig, &pid, &err), -1);
    assert_int_equal (errno, EINVAL);
    assert_non_null (strstr (err.text, "Usage"));
    assert_int_equal (imp_kill_parse_args (5, extra, &sig, &pid, &err), -1);
    assert_int_equal (imp_kill_parse_args (4, NULL, &sig, &pid, &err), -1);
    assert_int_equal (imp_kill_parse_args (4, badsig, &sig, &pid, &err), -1);
    assert_int_equal (imp_kill_parse_args (4, badpid, &sig, &pid, &err), -1);
    assert_int_equal (sig, -1);
    assert_int_equal (pid, -1);
    assert_int_equal (imp_kill_parse_args (4, good, &sig, &pid, &err), 0);
    assert_int_equal (sig, 15);
    assert_int_equal (pid, 1234);
}

static void test_status_bad (void **state)
{
    static const char *const bad[] = {
        "",
        "Name:\tx\n",
        "PPid:\t1\n",                      /* no Uid */
        "Uid:\t1\t2\t3\t4\n",              /* no PPid */
        "PPid:\t1\nUid:\t1\t2\t3\n",       /* 3 uids */
        "PPid:\t1\nUid:\t1\t2\t3\t4\t5\n", /* 5 uids */
        "PPid:\t1\nUid:\t1\t-2\t3\t4\n",
        "PPid:\t-1\nUid:\t1\t2\t3\t4\n",
        "PPid:\t1x\nUid:\t1\t2\t3\t4\n",
        "PPid:\t1\nUid:\t1\t2\t3\t4294967296\n",
        "PPid:\t2147483648\nUid:\t1\t2\t3\t4\n",
        "PPid:\t1\nPPid:\t2\nUid:\t1\t2\t3\t4\n", /* twice */
        "PPid:\t1\nUid:\t1\t2\t3\t4\nUid:\t0\t0\t0\t0\n",
        "PPid:\nUid:\t1\t2\t3\t4\n",
    };
    uid_t uid[4] = {7, 7, 7, 7};
    pid_t ppid = 7;

    for (size_t i = 0; i < sizeof (bad) / sizeof (bad[0]); i++) {
        errno = 0;
        assert_int_equal (imp_kill_parse_status (bad[i], &ppid, uid), -1);
        assert_int_equal (errno, EINVAL);
        assert_int_equal (ppid, 7);
        assert_int_equal (uid[0], 7);
    }
    assert_int_equal (imp_kill_parse_status (NULL, &ppid, uid), -1);
}

static void test_status_good (void **state)
{
    const char *text = "Name:\tsleep\nUmask:\t0022\nState:\tS (sleeping)\n"
                       "Tgid:\t42\nNgid:\t0\nPid:\t42\nPPid:\t41\n"
                       "TracerPid:\t0\nUid:\t1000\t0\t0\t4294967295\n"
                       "Gid:\t1000\t1000\t1000\t1000\nGroups:\t1000 27\n";
    uid_t uid[4];
    pid_t ppid;

    assert_int_equal (imp_kill_parse_status (text, &ppid, uid), 0);
    assert_int_equal (ppid, 41);
    assert_int_equal (uid[0], 1000);
    assert_int_equal (uid[1], 0);
    assert_int_equal (uid[2], 0);
    assert_int_equal (uid[3], 4294967295U);
}

/* The real thing: this process's own status. */
static void test_status_self (void **state)
{
    char buf[65536];
    FILE *f = fopen ("/proc/self/status", "r");
    size_t n;
    uid_t uid[4];
    pid_t ppid;

    assert_non_null (f);
    n = fread (buf, 1, sizeof (buf) - 1, f);
    fclose (f);
    buf[n] = '\0';
    assert_int_equal (imp_kill_parse_status (buf, &ppid, uid), 0);
    assert_int_equal (ppid, getppid ());
    assert_int_equal (uid[0], getuid ());
    assert_int_equal (uid[1], geteuid ());
}

int main (void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test (test_signal_bad),
        cmocka_unit_test (test_signal_good),
        cmocka_unit_test (test_pid_bad),
        cmocka_unit_test (test_pid_good),
        cmocka_unit_test (test_args),
        cmocka_unit_test (test_status_bad),
        cmocka_unit_test (test_status_good),
        cmocka_unit_test (test_status_self),
    };
    return TAP_RUN (tests);
}
