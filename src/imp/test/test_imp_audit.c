/* Unit tests of imp_audit.c: the shape of the audit line, the quoting
 * that keeps a hostile value inside its field, the bound on the length.
 * (That the line reaches syslog with LOG_AUTHPRIV is tested by t0340
 * with a syslog socket of its own.)
 */
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tap_cmocka.h"
#include "imp_audit.h"

/* uid 0 is "root" on every system these tests run on. */
static void test_shape (void **state)
{
    struct imp_audit a;

    imp_audit_begin (&a, "exec", 0);
    imp_audit_user (&a, "user", 0);
    imp_audit_field (&a, "jobid", "f2b3Lo4Kw");
    imp_audit_field (&a, "shell", "/usr/libexec/flux/flux-shell");
    imp_audit_field (&a, "absent", NULL);
    imp_audit_outcome (&a, "allowed");
    assert_string_equal (a.line,
                         "exec: caller=root(0) user=root(0) jobid=f2b3Lo4Kw "
                         "shell=/usr/libexec/flux/flux-shell "
                         "outcome=allowed");
    assert_int_equal (a.len, strlen (a.line));
}

static void test_unknown_uid (void **state)
{
    struct imp_audit a;

    imp_audit_begin (&a, "kill", 4294967294u);
    assert_string_equal (a.line, "kill: caller=?(4294967294)");
}

/* Names looked up by the caller: quoted like any value; NULL is "?". */
static void test_given_names (void **state)
{
    struct imp_audit a;

    imp_audit_begin_name (&a, "exec", 1001, "al ice");
    imp_audit_user_name (&a, "user", 1002, NULL);
    imp_audit_user_name (&a, "other", 0, "x\nuser=root");
    assert_string_equal (a.line, "exec: caller=\"al ice\"(1001) user=?(1002) "
                                 "other=\"x\\x0auser=root\"(0)");
    assert_int_equal (a.len, strlen (a.line));
}

static void test_quoting (void **state)
{
    struct imp_audit a;

    imp_audit_begin (&a, "run", 0);
    imp_audit_field (&a, "name", "a b");
    imp_audit_field (&a, "x", "");
    imp_audit_field (&a, "y", "q\"uo\\te");
    imp_audit_field (&a, "z", "line\nuser=root outcome=allowed");
    imp_audit_field (&a, "u", "\xc3\xa9\x7f\x01");
    assert_string_equal (a.line,
                         "run: caller=root(0) name=\"a b\" x=\"\" "
                         "y=\"q\\\"uo\\\\te\" "
                         "z=\"line\\x0auser=root outcome=allowed\" "
                         "u=\"\\xc3\\xa9\\x7f\\x01\"");
    assert_null (strchr (a.line, '\n'));
}

static void test_bound (void **state)
{
    struct imp_audit a;
    char big[4000];

    memset (big, 'x', sizeof (big) - 1);
    big[sizeof (big) - 1] = '\0';
    imp_audit_begin (&a, "exec", 0);
    imp_audit_field (&a, "shell", big);
    assert_int_equal (a.len, IMP_AUDIT_MAX - 1);
    assert_int_equal (strlen (a.line), IMP_AUDIT_MAX - 1);
    assert_int_equal (a.line[a.len - 1], '+');
    imp_audit_outcome (&a, "allowed");
    assert_int_equal (a.len, IMP_AUDIT_MAX - 1);
}

static void test_status (void **state)
{
    char buf[64];

    imp_audit_status_text (0, buf, sizeof (buf));
    assert_string_equal (buf, "exited 0");
    imp_audit_status_text (3 << 8, buf, sizeof (buf));
    assert_string_equal (buf, "exited 3");
    imp_audit_status_text (SIGKILL, buf, sizeof (buf));
    assert_string_equal (buf, "killed by signal 9 (KILL)");
    imp_audit_status_text (SIGTERM | 0x80, buf, sizeof (buf));
    assert_string_equal (buf, "killed by signal 15 (TERM)");
}

int main (void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test (test_shape),
        cmocka_unit_test (test_unknown_uid),
        cmocka_unit_test (test_given_names),
        cmocka_unit_test (test_quoting),
        cmocka_unit_test (test_bound),
        cmocka_unit_test (test_status),
    };
    return TAP_RUN (tests);
}
