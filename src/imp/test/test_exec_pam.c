/* Unit tests of exec_pam.c, the PAM session of exec: bad arguments, a
 * service directory without the service, a session a module refuses, and
 * a session that opens and closes, with its module message, and one that
 * fails to close.  The service
 * files live in a temporary directory (pam_start_confdir), never in
 * /etc/pam.d; the modules used need no privilege.
 */
#define _GNU_SOURCE
#if HAVE_CONFIG_H
#include "config.h"
#endif
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tap_cmocka.h"
#include "exec_pam.h"

static void test_bad_args (void **state)
{
    struct exec_pam *pam = NULL;
    struct error err = {{0}};
#if HAVE_PAM
    int want = EINVAL;
#else
    int want = ENOSYS;
#endif

    errno = 0;
    assert_int_equal (exec_pam_open (NULL, NULL, NULL, NULL, &pam, &err), -1);
    assert_int_equal (errno, want);
    errno = 0;
    assert_int_equal (exec_pam_open ("", NULL, NULL, NULL, &pam, &err), -1);
    assert_int_equal (errno, want);
    errno = 0;
    assert_int_equal (exec_pam_open ("u", NULL, NULL, NULL, NULL, &err), -1);
    assert_int_equal (errno, want);
    assert_null (pam);
    assert_int_equal (exec_pam_close (NULL, &err), 0);
}

#if HAVE_PAM && HAVE_PAM_START_CONFDIR
struct msgs {
    int count;
    char last[256];
};

static void on_msg (const char *msg, void *arg)
{
    struct msgs *m = arg;

    m->count++;
    snprintf (m->last, sizeof (m->last), "%s", msg);
}

/* A temporary service directory holding "flux" = 'text' (NULL: none). */
static char *confdir (const char *text)
{
    char *dir = strdup ("/tmp/test_exec_pam.XXXXXX");
    char path[256];
    FILE *f;

    assert_non_null (dir);
    assert_non_null (mkdtemp (dir));
    if (text) {
        snprintf (path, sizeof (path), "%s/flux", dir);
        assert_non_null (f = fopen (path, "w"));
        fputs (text, f);
        assert_int_equal (fclose (f), 0);
    }
    return dir;
}

static void rm_confdir (char *dir)
{
    char path[256];

    snprintf (path, sizeof (path), "%s/flux", dir);
    (void)unlink (path);
    assert_int_equal (rmdir (dir), 0);
    free (dir);
}

/* Linux-PAM 1.5.2 leaks its handle when pam_start_confdir() finds no
 * service: the call runs in a child that ends with _exit(), so that
 * LeakSanitizer (which checks at exit()) does not count the library's
 * leak.  The child exits 0 if the result is the expected one.
 */
static int no_service_child (const char *dir)
{
    struct exec_pam *pam = NULL;
    struct error err = {{0}};

    if (exec_pam_open ("nobody", dir, NULL, NULL, &pam, &err) != -1
        || errno != EPERM || pam != NULL
        || strcmp (err.text, "pam_start: Critical error - immediate abort"))
        return 1;
    return 0;
}

static void test_no_service (void **state)
{
    char *dir = confdir (NULL);
    int status;
    pid_t pid;

    assert_true ((pid = fork ()) >= 0);
    if (pid == 0)
        _exit (no_service_child (dir));
    assert_int_equal (waitpid (pid, &status, 0), pid);
    assert_true (WIFEXITED (status));
    assert_int_equal (WEXITSTATUS (status), 0);
    rm_confdir (dir);
}

static void test_refused (void **state)
{
    char *dir = confdir ("auth required pam_permit.so\n"
                         "session required pam_deny.so\n");
    struct exec_pam *pam = NULL;
    struct error err = {{0}};

    assert_int_equal (exec_pam_open ("nobody", dir, NULL, NULL, &pam, &err),
                      -1);
    assert_int_equal (errno, EPERM);
    assert_true (!strncmp (err.text, "pam_open_session: ", 18));
    assert_null (pam);
    rm_confdir (dir);
}

static void test_setcred_refused (void **state)
{
    char *dir = confdir ("auth required pam_deny.so\n"
                         "session required pam_permit.so\n");
    struct exec_pam *pam = NULL;
    struct error err = {{0}};

    assert_int_equal (exec_pam_open ("nobody", dir, NULL, NULL, &pam, &err),
                      -1);
    assert_int_equal (errno, EPERM);
    assert_string_equal (err.text, "pam_setcred: Failure setting user "
                                   "credentials");
    rm_confdir (dir);
}

static void test_session (void **state)
{
    char *dir = confdir ("auth required pam_permit.so\n"
                         "session required pam_permit.so\n"
                         "session optional pam_echo.so hello %u\n");
    struct exec_pam *pam = NULL;
    struct error err = {{0}};
    struct msgs m = {0};

    if (exec_pam_open ("nobody", dir, on_msg, &m, &pam, &err) < 0)
        fail_msg ("exec_pam_open: %s", err.text);
    assert_non_null (pam);
    assert_int_equal (m.count, 1);
    assert_string_equal (m.last, "hello nobody");
    if (exec_pam_close (pam, &err) < 0)
        fail_msg ("exec_pam_close: %s", err.text);
    rm_confdir (dir);
}

/* pam_echo ignores close_session: a stack of it alone fails there. */
static void test_close_fails (void **state)
{
    char *dir = confdir ("auth required pam_permit.so\n"
                         "session required pam_echo.so hello\n");
    struct exec_pam *pam = NULL;
    struct error err = {{0}};

    if (exec_pam_open ("nobody", dir, NULL, NULL, &pam, &err) < 0)
        fail_msg ("exec_pam_open: %s", err.text);
    errno = 0;
    assert_int_equal (exec_pam_close (pam, &err), -1);
    assert_int_equal (errno, EPERM);
    assert_true (!strncmp (err.text, "pam_close_session: ", 19));
    assert_null (strstr (err.text, "pam_setcred"));
    rm_confdir (dir);
}
#endif

int main (void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test (test_bad_args),
#if HAVE_PAM && HAVE_PAM_START_CONFDIR
        cmocka_unit_test (test_no_service),
        cmocka_unit_test (test_refused),
        cmocka_unit_test (test_setcred_refused),
        cmocka_unit_test (test_session),
        cmocka_unit_test (test_close_fails),
#endif
    };
    return TAP_RUN (tests);
}
