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

/* The vector built for envp must be 'want'. */
static int build_equals (char *const envp[], const char *const want[])
{
    struct imp_env *env = imp_env_create (envp, NULL, NULL);
    char **v;
    size_t i;
    int rc = 1;

    if (!env || !(v = exec_env_build (env, NULL)))
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
    pid_t pid;
    int status;

    if (geteuid () != 0) {
        assert_int_equal (build_equals (envp, want), 0);
        return;
    }
    /* As root the build is refused (imp_env.h); as another user it works. */
    struct imp_env *env = imp_env_create (envp, NULL, NULL);
    errno = 0;
    assert_null (exec_env_build (env, NULL));
    assert_int_equal (errno, EPERM);
    imp_env_destroy (env);
    pid = fork ();
    assert_true (pid >= 0);
    if (pid == 0) {
        if (setresgid (65534, 65534, 65534) < 0
            || setresuid (65534, 65534, 65534) < 0)
            _exit (2);
        _exit (build_equals (envp, want));
    }
    assert_int_equal (waitpid (pid, &status, 0), pid);
    assert_true (WIFEXITED (status));
    assert_int_equal (WEXITSTATUS (status), 0);
}

int main (void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test (test_denied),
        cmocka_unit_test (test_allowed),
        cmocka_unit_test (test_build),
    };
    return TAP_RUN (tests);
}
