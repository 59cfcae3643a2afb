/* Unit tests of exec_env.c, the environment of the job shell: every
 * variable of the rule is removed, everything else passes in order.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tap_cmocka.h"
#include "exec_env.h"

static void test_denied (void **state)
{
    static const char *const denied[] = {
        "LD_PRELOAD",
        "LD_LIBRARY_PATH",
        "LD_AUDIT",
        "LD_DEBUG_OUTPUT",
        "LD_",
        "LD_ANYTHING_NEW",
        "MALLOC_CHECK_",
        "MALLOC_TRACE",
        "MALLOC_ARENA_MAX",
        "GLIBC_TUNABLES",
        "GCONV_PATH",
        "GETCONF_DIR",
        "HOSTALIASES",
        "LOCALDOMAIN",
        "RES_OPTIONS",
        "RESOLV_HOST_CONF",
        "LOCPATH",
        "NLSPATH",
        "NIS_PATH",
        "TZDIR",
        "TMPDIR",
        "BASH_ENV",
        "ENV",
        "SHELLOPTS",
        "BASHOPTS",
        "PS4",
        "BASH_FUNC_ls%%",
    };
    for (size_t i = 0; i < sizeof (denied) / sizeof (denied[0]); i++)
        if (!exec_env_denied (denied[i]))
            fail_msg ("%s passes", denied[i]);
    assert_true (exec_env_denied (NULL));
}

static void test_allowed (void **state)
{
    static const char *const allowed[] = {
        "FLUX_URI",
        "FLUX_KVS_NAMESPACE",
        "FLUX_IMP_EXEC_HELPER",
        "PATH",
        "HOME",
        "LUA_PATH",
        "LUA_CPATH",
        "LANG",
        "TZ",
        "L",
        "LD",
        "ld_preload",
        "XLD_PRELOAD",
        "MALLOC",
        "ENVIRONMENT",
        "TMPDIR2",
        "",
    };
    for (size_t i = 0; i < sizeof (allowed) / sizeof (allowed[0]); i++)
        if (exec_env_denied (allowed[i]))
            fail_msg ("%s is denied", allowed[i]);
}

/* The vector built for envp (with 'extra') must be 'want'. */
static int build_equals (char *const envp[],
                         const char *const *extra,
                         const char *const want[])
{
    struct imp_env *env = imp_env_create (envp, NULL, NULL);
    char **v;
    size_t i;
    int rc = 1;

    if (!env || !(v = exec_env_build (env, extra, NULL)))
        goto out;
    for (i = 0; v[i] && want[i]; i++)
        if (strcmp (v[i], want[i]))
            break;
    rc = v[i] || want[i] ? 1 : 0;
    exec_env_free (v);
out:
    imp_env_destroy (env);
    return rc;
}

/* The extras of a guest's shell of pid 'pid' (0: none). */
static const char *const *refuse (pid_t pid)
{
    static char buf[64];
    static const char *extra[] = {buf, NULL};

    if (pid == 0)
        return NULL;
    assert_int_equal (exec_env_refuse_none (pid, buf, sizeof (buf)), 0);
    return extra;
}

/* build_equals() as this user, or, as root (where the build is refused,
 * imp_env.h), in a child that became nobody.
 */
static void check_build (char *const envp[],
                         const char *const *extra,
                         const char *const want[])
{
    pid_t pid;
    int status;

    if (geteuid () != 0) {
        assert_int_equal (build_equals (envp, extra, want), 0);
        return;
    }
    pid = fork ();
    assert_true (pid >= 0);
    if (pid == 0) {
        if (setresgid (65534, 65534, 65534) < 0
            || setresuid (65534, 65534, 65534) < 0)
            _exit (2);
        _exit (build_equals (envp, extra, want));
    }
    assert_int_equal (waitpid (pid, &status, 0), pid);
    assert_true (WIFEXITED (status));
    assert_int_equal (WEXITSTATUS (status), 0);
}

static void test_build (void **state)
{
    char *envp[] = {
        "FLUX_URI=local:///x",
        "LD_PRELOAD=/evil.so",
        "NOEQ",
        "PATH=/bin",
        "MALLOC_TRACE=/tmp/t",
        "A=x=y",
        "GCONV_PATH=/tmp",
        "A=2",
        "BASH_FUNC_cd%%=() { :; }",
        "E=",
        NULL,
    };
    static const char *const want[] = {
        "FLUX_URI=local:///x", "PATH=/bin", "A=x=y", "A=2", "E=", NULL,
    };

    check_build (envp, NULL, want);
    if (geteuid () == 0) {
        struct imp_env *env = imp_env_create (envp, NULL, NULL);
        errno = 0;
        assert_null (exec_env_build (env, NULL, NULL));
        assert_int_equal (errno, EPERM);
        imp_env_destroy (env);
    }
}

/* A guest's shell gets FLUX_SECURITY_REFUSE_NONE=<its pid>, whatever the
 * caller set; otherwise the caller's value passes as any variable.
 */
static void test_refuse_none (void **state)
{
    char *envp[] = {
        "FLUX_SECURITY_REFUSE_NONE=0",
        "PATH=/bin",
        "FLUX_SECURITY_REFUSE_NONE=99",
        NULL,
    };
    static const char *const guest[] = {
        "PATH=/bin", "FLUX_SECURITY_REFUSE_NONE=4242", NULL,
    };
    static const char *const same[] = {
        "FLUX_SECURITY_REFUSE_NONE=0",
        "PATH=/bin",
        "FLUX_SECURITY_REFUSE_NONE=99",
        NULL,
    };
    char *empty[] = {NULL};
    static const char *const only[] = {
        "FLUX_SECURITY_REFUSE_NONE=1", NULL,
    };

    check_build (envp, refuse (4242), guest);
    check_build (envp, refuse (0), same);
    check_build (empty, refuse (1), only);
}

/* Extras replace the caller's variables of their name and end the
 * vector; the caller's CREDENTIALS_DIRECTORY never passes.
 */
static void test_extra (void **state)
{
    char *envp[] = {
        "CREDENTIALS_DIRECTORY=/tmp/evil",
        "PATH=/bin",
        "X=1",
        "XY=2",
        NULL,
    };
    static const char *const extra[] = {
        "X=new",
        "CREDENTIALS_DIRECTORY=/run/flux-imp/credentials/job-1-ab",
        NULL,
    };
    static const char *const want[] = {
        "PATH=/bin",
        "XY=2",
        "X=new",
        "CREDENTIALS_DIRECTORY=/run/flux-imp/credentials/job-1-ab",
        NULL,
    };
    static const char *const dropped[] = {"PATH=/bin", "X=1", "XY=2", NULL};
    static const char *const bad[] = {"NOEQUALS", NULL};
    static const char *const bad2[] = {"=x", NULL};
    struct imp_env *env = imp_env_create (envp, NULL, NULL);

    check_build (envp, extra, want);
    check_build (envp, NULL, dropped);
    errno = 0;
    assert_null (exec_env_build (env, bad, NULL));
    assert_int_equal (errno, EINVAL);
    assert_null (exec_env_build (env, bad2, NULL));
    assert_int_equal (errno, EINVAL);
    imp_env_destroy (env);
}

int main (void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test (test_denied),
        cmocka_unit_test (test_allowed),
        cmocka_unit_test (test_build),
        cmocka_unit_test (test_refuse_none),
        cmocka_unit_test (test_extra),
    };
    return TAP_RUN (tests);
}
