/* Unit tests of imp_env.c, the rules of the environment copy: hostile
 * environments first (duplicates, loader variables, malformed entries),
 * then the allow-list and the walk that only an unprivileged process may
 * do.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tap_cmocka.h"
#include "imp_env.h"

static struct imp_env *create_ok (char *const envp[], const char *const *extra)
{
    struct error err = {{0}};
    struct imp_env *env = imp_env_create (envp, extra, &err);

    if (!env)
        fail_msg ("imp_env_create: %s", err.text);
    return env;
}

static void assert_denied (const struct imp_env *env, const char *name)
{
    errno = 0;
    assert_null (imp_env_get (env, name));
    assert_int_equal (errno, EPERM);
    assert_false (imp_env_allowed (env, name));
}

static void test_duplicate_allowed_refused (void **state)
{
    static const char *const names[] = {
        "SUDO_USER",   "NOTIFY_SOCKET",   "FLUX_IMP_EXEC_HELPER",
        "FLUX_JOB_ID", "FLUX_JOB_USERID",
    };
    for (size_t i = 0; i < sizeof (names) / sizeof (names[0]); i++) {
        char a[64], b[64];
        char *envp[] = {"A=1", a, "B=2", b, NULL};
        struct error err = {{0}};
        char want[128];

        snprintf (a, sizeof (a), "%s=root", names[i]);
        snprintf (b, sizeof (b), "%s=other", names[i]);
        errno = 0;
        assert_null (imp_env_create (envp, NULL, &err));
        assert_int_equal (errno, EINVAL);
        snprintf (want, sizeof (want),
                  "environment variable %s is set more than once", names[i]);
        assert_string_equal (err.text, want);
    }
}

static void test_duplicate_extra_refused (void **state)
{
    static const char *const extra[] = {"FLUX_IMP_CONFIG_PATTERN", NULL};
    char *envp[] = {"FLUX_IMP_CONFIG_PATTERN=/a/*.toml",
                    "FLUX_IMP_CONFIG_PATTERN=/b/*.toml", NULL};

    errno = 0;
    assert_null (imp_env_create (envp, extra, NULL));
    assert_int_equal (errno, EINVAL);
    /* Without the extra names, it is just another variable. */
    imp_env_destroy (create_ok (envp, NULL));
}

static void test_loader_variables_denied (void **state)
{
    char *envp[] = {"LD_PRELOAD=/tmp/evil.so",
                    "LD_LIBRARY_PATH=/tmp",
                    "GCONV_PATH=/tmp",
                    "MALLOC_CHECK_=3",
                    "PATH=/tmp",
                    "IFS=x",
                    "HOME=/tmp",
                    NULL};
    struct imp_env *env = create_ok (envp, NULL);

    assert_denied (env, "LD_PRELOAD");
    assert_denied (env, "LD_LIBRARY_PATH");
    assert_denied (env, "GCONV_PATH");
    assert_denied (env, "MALLOC_CHECK_");
    assert_denied (env, "PATH");
    assert_denied (env, "IFS");
    assert_denied (env, "HOME");
    assert_int_equal (imp_env_count (env), 7);
    imp_env_destroy (env);
}

static void test_denied_even_when_absent (void **state)
{
    struct imp_env *env = create_ok (NULL, NULL);

    assert_denied (env, "LD_PRELOAD");
    assert_denied (env, "");
    assert_denied (env, "SUDO_USER=");
    assert_denied (env, "sudo_user");
    imp_env_destroy (env);
}

static void test_malformed_entries_skipped (void **state)
{
    char *envp[] = {"NOEQUALS",  "=value",      "=",
                    "SUDO_USER", "SUDO_USER=u", NULL};
    struct imp_env *env = create_ok (envp, NULL);

    assert_int_equal (imp_env_count (env), 1);
    assert_string_equal (imp_env_get (env, "SUDO_USER"), "u");
    imp_env_destroy (env);
}

static void test_values (void **state)
{
    char *envp[] = {"FLUX_JOB_ID=f1=2", "NOTIFY_SOCKET=", "X=y", NULL};
    struct imp_env *env = create_ok (envp, NULL);

    assert_string_equal (imp_env_get (env, "FLUX_JOB_ID"), "f1=2");
    assert_string_equal (imp_env_get (env, "NOTIFY_SOCKET"), "");
    errno = 0;
    assert_null (imp_env_get (env, "FLUX_JOB_USERID"));
    assert_int_equal (errno, ENOENT);
    errno = 0;
    assert_null (imp_env_get (env, "SUDO_USER"));
    assert_int_equal (errno, ENOENT);
    imp_env_destroy (env);
}

static void test_extra_names (void **state)
{
    static const char *const extra[] = {"FLUX_IMP_CONFIG_PATTERN",
                                        "FLUX_TEST_IMP_PATH_PARANOIA", NULL};
    char *envp[] = {"FLUX_IMP_CONFIG_PATTERN=/x/*.toml", NULL};
    struct imp_env *plain = create_ok (envp, NULL);
    struct imp_env *test = create_ok (envp, extra);

    assert_denied (plain, "FLUX_IMP_CONFIG_PATTERN");
    assert_denied (plain, "FLUX_TEST_IMP_PATH_PARANOIA");
    assert_string_equal (imp_env_get (test, "FLUX_IMP_CONFIG_PATTERN"),
                         "/x/*.toml");
    errno = 0;
    assert_null (imp_env_get (test, "FLUX_TEST_IMP_PATH_PARANOIA"));
    assert_int_equal (errno, ENOENT);
    imp_env_destroy (plain);
    imp_env_destroy (test);
}

static void test_huge_value (void **state)
{
    size_t size = 1024 * 1024;
    char *big = malloc (size);
    char *envp[] = {big, NULL};
    struct imp_env *env;

    assert_non_null (big);
    memcpy (big, "FLUX_JOB_ID=", 12);
    memset (big + 12, 'x', size - 13);
    big[size - 1] = '\0';
    env = create_ok (envp, NULL);
    assert_int_equal (strlen (imp_env_get (env, "FLUX_JOB_ID")), size - 13);
    imp_env_destroy (env);
    free (big);
}

static void test_null_arguments (void **state)
{
    struct imp_env *env = create_ok (NULL, NULL);
    const char *n, *v;
    size_t cursor = 0;

    errno = 0;
    assert_null (imp_env_get (NULL, "SUDO_USER"));
    assert_int_equal (errno, EINVAL);
    errno = 0;
    assert_null (imp_env_get (env, NULL));
    assert_int_equal (errno, EINVAL);
    assert_int_equal (imp_env_next (NULL, &cursor, &n, &v), -1);
    assert_int_equal (imp_env_next (env, NULL, &n, &v), -1);
    assert_int_equal (imp_env_count (NULL), 0);
    errno = EXDEV;
    imp_env_destroy (NULL);
    assert_int_equal (errno, EXDEV);
    imp_env_destroy (env);
}

/* Walk 'env' and compare with the expected "NAME=value" list; return
 * 0 if equal.  Used in a process that is not root.
 */
static int walk_equals (const struct imp_env *env, const char *const *want)
{
    size_t cursor = 0;
    const char *name, *value;
    char buf[256];
    size_t i = 0;

    while (imp_env_next (env, &cursor, &name, &value) == 0) {
        snprintf (buf, sizeof (buf), "%s=%s", name, value);
        if (!want[i] || strcmp (want[i], buf))
            return 1;
        i++;
    }
    return (errno == ENOENT && !want[i]) ? 0 : 1;
}

static void test_walk (void **state)
{
    char *envp[] = {"A=1", "NOEQ", "B=x=y", "A=2", "SUDO_USER=u", NULL};
    static const char *const want[] = {"A=1", "B=x=y", "A=2", "SUDO_USER=u",
                                       NULL};
    struct imp_env *env = create_ok (envp, NULL);
    const char *name, *value;
    size_t cursor = 0;
    pid_t pid;
    int status;

    if (geteuid () != 0) {
        assert_int_equal (walk_equals (env, want), 0);
        imp_env_destroy (env);
        return;
    }
    /* As root the walk is refused; as another user it works. */
    errno = 0;
    assert_int_equal (imp_env_next (env, &cursor, &name, &value), -1);
    assert_int_equal (errno, EPERM);
    assert_int_equal (cursor, 0);
    pid = fork ();
    assert_true (pid >= 0);
    if (pid == 0) {
        if (setresgid (65534, 65534, 65534) < 0
            || setresuid (65534, 65534, 65534) < 0)
            _exit (2);
        _exit (walk_equals (env, want));
    }
    assert_int_equal (waitpid (pid, &status, 0), pid);
    assert_true (WIFEXITED (status));
    assert_int_equal (WEXITSTATUS (status), 0);
    imp_env_destroy (env);
}

/* With a real uid but an effective uid of 0 (a setuid process), the
 * walk is refused too.
 */
static void test_walk_refused_in_setuid_state (void **state)
{
    char *envp[] = {"A=1", NULL};
    struct imp_env *env = create_ok (envp, NULL);
    pid_t pid;
    int status;

    if (geteuid () != 0) {
        printf ("# %s: not root, not checked\n", __func__);
        imp_env_destroy (env);
        return;
    }
    pid = fork ();
    assert_true (pid >= 0);
    if (pid == 0) {
        const char *n, *v;
        size_t cursor = 0;
        if (setresuid (65534, 0, 0) < 0)
            _exit (2);
        _exit (imp_env_next (env, &cursor, &n, &v) == -1 && errno == EPERM ? 0
                                                                           : 1);
    }
    assert_int_equal (waitpid (pid, &status, 0), pid);
    assert_true (WIFEXITED (status));
    assert_int_equal (WEXITSTATUS (status), 0);
    imp_env_destroy (env);
}

int main (void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test (test_duplicate_allowed_refused),
        cmocka_unit_test (test_duplicate_extra_refused),
        cmocka_unit_test (test_loader_variables_denied),
        cmocka_unit_test (test_denied_even_when_absent),
        cmocka_unit_test (test_malformed_entries_skipped),
        cmocka_unit_test (test_values),
        cmocka_unit_test (test_extra_names),
        cmocka_unit_test (test_huge_value),
        cmocka_unit_test (test_null_arguments),
        cmocka_unit_test (test_walk),
        cmocka_unit_test (test_walk_refused_in_setuid_state),
    };
    return TAP_RUN (tests);
}
