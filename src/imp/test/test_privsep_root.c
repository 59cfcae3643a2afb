/* Unit tests of privsep.c that need root: the fork, the child's
 * irreversible drop and the parent's wait, run in a process that is put
 * in the state of a setuid-root program started by uid 65534 (real ids
 * 65534, effective uid 0).  Each case runs in its own forked process
 * and reports through its exit status: 0 passed, else the number of the
 * first check that failed.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <grp.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tap_cmocka.h"
#include "privsep.h"

#define USER 65534
#define GROUP 65534
#define SUPPL 100

/* The ids of a setuid-root program run by USER with groups GROUP and
 * SUPPL.
 */
static int become_setuid_caller (void)
{
    gid_t groups[] = {GROUP, SUPPL};

    if (setgroups (2, groups) < 0 || setresgid (GROUP, GROUP, GROUP) < 0
        || setresuid (USER, 0, 0) < 0)
        return -1;
    return 0;
}

static void run_case (int (*fn) (void), bool setuid_state)
{
    pid_t pid;
    int status;

    fflush (NULL);
    pid = fork ();
    assert_true (pid >= 0);
    if (pid == 0) {
        if (setuid_state && become_setuid_caller () < 0)
            _exit (99);
        _exit (fn ());
    }
    assert_int_equal (waitpid (pid, &status, 0), pid);
    assert_true (WIFEXITED (status));
    if (WEXITSTATUS (status) != 0)
        fail_msg ("check %d failed", WEXITSTATUS (status));
}

static int ids_are (uid_t u, uid_t eu, uid_t su, gid_t g)
{
    uid_t r, e, s;
    gid_t rg, eg, sg;

    return getresuid (&r, &e, &s) == 0 && getresgid (&rg, &eg, &sg) == 0
           && r == u && e == eu && s == su && rg == g && eg == g && sg == g;
}

static struct kv *request (const char *cmd)
{
    struct kv *kv = kv_create ();

    if (kv && kv_put_string (kv, "cmd", cmd) < 0) {
        kv_destroy (kv);
        return NULL;
    }
    return kv;
}

/* The child: fully unprivileged, cannot get root back, keeps the
 * caller's groups, sends one message.
 */
static int child_round_trip (struct privsep *ps)
{
    gid_t groups[8];
    struct kv *kv;

    if (privsep_child_init (ps, NULL) < 0)
        return 10;
    if (!ids_are (USER, USER, USER, GROUP))
        return 11;
    if (setuid (0) == 0 || seteuid (0) == 0 || setreuid (-1, 0) == 0
        || setresuid (-1, -1, 0) == 0 || setgid (0) == 0)
        return 12;
    /* the kernel keeps the list sorted */
    if (getgroups (8, groups) != 2 || groups[0] != SUPPL || groups[1] != GROUP)
        return 13;
    if (prctl (PR_GET_DUMPABLE, 0, 0, 0, 0) != 0)
        return 14;
    if (!(kv = request ("whoami")) || privsep_send (ps, kv, NULL) < 0)
        return 15;
    errno = 0;
    if (privsep_send (ps, kv, NULL) == 0 || errno != EINVAL)
        return 16;
    kv_destroy (kv);
    return 0;
}

static int round_trip (void)
{
    struct privsep *ps = privsep_create (NULL);
    struct kv *kv = NULL;
    const char *s;

    if (!ps)
        return 1;
    if (privsep_is_child (ps)) {
        int rc = child_round_trip (ps);
        privsep_destroy (ps);
        _exit (rc);
    }
    if (!ids_are (USER, 0, 0, GROUP))
        return 2;
    if (privsep_recv (ps, &kv, NULL) < 0 || !kv) {
        int status;
        if (waitpid (-1, &status, 0) > 0 && WIFEXITED (status))
            return WEXITSTATUS (status); /* the child's check */
        return 3;
    }
    if (kv_get_string (kv, "cmd", &s) < 0 || strcmp (s, "whoami"))
        return 4;
    if (privsep_wait (ps, NULL) < 0)
        return 5;
    errno = 0;
    if (privsep_recv (ps, &kv, NULL) == 0 || errno != EINVAL)
        return 6;
    kv_destroy (kv);
    privsep_destroy (ps);
    return 0;
}

static void test_round_trip (void **state)
{
    run_case (round_trip, true);
}

static int no_message (void)
{
    struct privsep *ps = privsep_create (NULL);
    struct kv *kv = (struct kv *)&kv;

    if (!ps)
        return 1;
    if (privsep_is_child (ps))
        _exit (privsep_child_init (ps, NULL) < 0 ? 1 : 0);
    if (privsep_recv (ps, &kv, NULL) < 0 || kv != NULL)
        return 2;
    if (privsep_wait (ps, NULL) < 0)
        return 3;
    privsep_destroy (ps);
    return 0;
}

static void test_no_message (void **state)
{
    run_case (no_message, true);
}

static int child_fails (void)
{
    struct privsep *ps = privsep_create (NULL);
    struct error err = {{0}};

    if (!ps)
        return 1;
    if (privsep_is_child (ps))
        _exit (privsep_child_init (ps, NULL) < 0 ? 1 : 3);
    errno = 0;
    if (privsep_wait (ps, &err) == 0 || errno != ECHILD)
        return 2;
    if (strcmp (err.text, "unprivileged child exited with status 3"))
        return 3;
    memset (&err, 0, sizeof (err));
    errno = 0;
    if (privsep_wait (ps, &err) == 0 || errno != ECHILD
        || !strstr (err.text, "status 3"))
        return 4;
    privsep_destroy (ps);
    return 0;
}

static void test_child_fails (void **state)
{
    run_case (child_fails, true);
}

static int child_killed (void)
{
    struct privsep *ps = privsep_create (NULL);
    struct error err = {{0}};

    if (!ps)
        return 1;
    if (privsep_is_child (ps)) {
        (void)privsep_child_init (ps, NULL);
        raise (SIGKILL);
        _exit (0);
    }
    errno = 0;
    if (privsep_wait (ps, &err) == 0 || errno != EINTR)
        return 2;
    if (!strstr (err.text, "killed by signal 9"))
        return 3;
    privsep_destroy (ps);
    return 0;
}

static void test_child_killed (void **state)
{
    run_case (child_killed, true);
}

/* A message the parent did not ask for (a command without a privileged
 * half) is a protocol error when the child is reaped.
 */
static int unexpected_message (void)
{
    struct privsep *ps = privsep_create (NULL);
    struct error err = {{0}};
    struct kv *kv;

    if (!ps)
        return 1;
    if (privsep_is_child (ps))
        _exit (privsep_child_init (ps, NULL) < 0 || !(kv = request ("x"))
                       || privsep_send (ps, kv, NULL) < 0
                   ? 1
                   : 0);
    errno = 0;
    if (privsep_wait (ps, &err) == 0 || errno != EPROTO)
        return 2;
    if (strcmp (err.text,
                "privsep: unexpected data from the unprivileged child"))
        return 3;
    privsep_destroy (ps);
    return 0;
}

static void test_unexpected_message (void **state)
{
    run_case (unexpected_message, true);
}

/* Run by real root (no setuid state): the child refuses. */
static int real_root (void)
{
    struct privsep *ps = privsep_create (NULL);
    struct error err = {{0}};

    if (!ps)
        return 1;
    if (privsep_is_child (ps)) {
        errno = 0;
        if (privsep_child_init (ps, &err) == 0 || errno != EPERM)
            _exit (1);
        _exit (strstr (err.text, "refusing to run the unprivileged half as"
                                 " root")
                   ? 0
                   : 2);
    }
    if (privsep_wait (ps, &err) < 0)
        return 2;
    privsep_destroy (ps);
    return 0;
}

static void test_real_root_refused (void **state)
{
    run_case (real_root, false);
}

/* The parent-only calls fail in the child and the reverse. */
static int wrong_side (void)
{
    struct privsep *ps = privsep_create (NULL);
    struct kv *kv;

    if (!ps)
        return 1;
    if (privsep_is_child (ps)) {
        if (privsep_child_init (ps, NULL) < 0)
            _exit (1);
        _exit (privsep_wait (ps, NULL) == 0 || privsep_recv (ps, &kv, NULL) == 0
                   ? 2
                   : 0);
    }
    errno = 0;
    if (privsep_child_init (ps, NULL) == 0 || errno != EINVAL)
        return 2;
    if (!(kv = request ("x")) || privsep_send (ps, kv, NULL) == 0)
        return 3;
    if (privsep_wait (ps, NULL) < 0)
        return 4;
    kv_destroy (kv);
    privsep_destroy (ps);
    return 0;
}

static void test_wrong_side (void **state)
{
    run_case (wrong_side, true);
}

int main (void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test (test_round_trip),
        cmocka_unit_test (test_no_message),
        cmocka_unit_test (test_child_fails),
        cmocka_unit_test (test_child_killed),
        cmocka_unit_test (test_unexpected_message),
        cmocka_unit_test (test_real_root_refused),
        cmocka_unit_test (test_wrong_side),
    };

    if (geteuid () != 0)
        return tap_skip_all ("not root: cannot change ids");
    return TAP_RUN (tests);
}
