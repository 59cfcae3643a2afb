/* Unit tests of cmd_run.c: the filter of the caller's variables
 * (imp_run_env_allowed()), hostile names and values first.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "tap_cmocka.h"
#include "imp_cmds.h"

static const char *const flux_globs[] = {"FLUX_*", "TEST_?", NULL};
static const char *const star[] = {"*", NULL};

static bool allowed (const char *const *globs, const char *n, const char *v)
{
    bool too_long = true;
    bool rc = imp_run_env_allowed (globs, n, v, &too_long);

    assert_false (too_long);
    return rc;
}

static void test_hostile (void **state)
{
    static const char *const denied[] = {
        "LD_PRELOAD",
        "LD_LIBRARY_PATH",
        "LD_AUDIT",
        "GCONV_PATH",
        "MALLOC_CHECK_",
        "GLIBC_TUNABLES",
        "BASH_ENV",
        "ENV",
        "TMPDIR",
        "BASH_FUNC_x%%",
        "SHELLOPTS",
        "PS4",
        /* set by the IMP itself */
        "PATH",
        "HOME",
        "USER",
        "FLUX_OWNER_USERID",
    };
    char name[IMP_RUN_ENV_NAME_MAX + 2];

    for (size_t i = 0; i < sizeof (denied) / sizeof (denied[0]); i++)
        if (allowed (star, denied[i], "x"))
            fail_msg ("passed: %s", denied[i]);
    assert_false (allowed (star, "", "x"));
    assert_false (allowed (star, NULL, "x"));
    assert_false (allowed (star, "A", NULL));
    assert_false (allowed (star, "A=B", "x"));
    memset (name, 'A', sizeof (name));
    name[IMP_RUN_ENV_NAME_MAX + 1] = '\0';
    assert_false (allowed (star, name, "x"));
    name[IMP_RUN_ENV_NAME_MAX] = '\0';
    assert_true (allowed (star, name, "x"));
}

static void test_value_size (void **state)
{
    char *v = malloc (IMP_RUN_ENV_VALUE_MAX + 2);
    bool too_long = false;

    assert_non_null (v);
    memset (v, 'v', IMP_RUN_ENV_VALUE_MAX + 1);
    v[IMP_RUN_ENV_VALUE_MAX + 1] = '\0';
    assert_false (imp_run_env_allowed (star, "BIG", v, &too_long));
    assert_true (too_long);
    /* not allowed anyway: too_long is not set */
    assert_false (imp_run_env_allowed (flux_globs, "BIG", v, &too_long));
    assert_false (too_long);
    v[IMP_RUN_ENV_VALUE_MAX] = '\0';
    assert_true (imp_run_env_allowed (star, "BIG", v, &too_long));
    assert_false (too_long);
    free (v);
}

/* Patterns, and the two job variables that pass without one. */
static void test_globs (void **state)
{
    static const char *const none[] = {NULL};
    static const struct {
        const char *const *globs;
        const char *name;
        bool pass;
    } cases[] = {
        {flux_globs, "FLUX_URI", true},   {flux_globs, "TEST_A", true},
        {flux_globs, "TEST_AB", false},   {flux_globs, "flux_uri", false},
        {flux_globs, "XFLUX_URI", false}, {star, "ANYTHING", true},
        {NULL, "FLUX_JOB_ID", true},      {NULL, "FLUX_JOB_USERID", true},
        {none, "FLUX_JOB_ID", true},      {NULL, "FLUX_JOB_IDX", false},
        {NULL, "FLUX_URI", false},        {none, "TEST_A", false},
    };

    for (size_t i = 0; i < sizeof (cases) / sizeof (cases[0]); i++)
        if (allowed (cases[i].globs, cases[i].name, "v") != cases[i].pass)
            fail_msg ("case %zu: %s", i, cases[i].name);
}

int main (void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test (test_hostile),
        cmocka_unit_test (test_value_size),
        cmocka_unit_test (test_globs),
    };
    return TAP_RUN (tests);
}
