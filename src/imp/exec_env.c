/* exec_env.c - the job shell's environment: see exec_env.h. */
#define _GNU_SOURCE
#if HAVE_CONFIG_H
#include "config.h"
#endif
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exec_env.h"

/* The rule of exec_env.h: names removed, and prefixes removed. */
static const char *const denied_names[] = {
    "GLIBC_TUNABLES",   "GCONV_PATH",  "GETCONF_DIR",
    "HOSTALIASES",      "LOCALDOMAIN", "RES_OPTIONS",
    "RESOLV_HOST_CONF", "LOCPATH",     "NLSPATH",
    "NIS_PATH",         "TZDIR",       "TMPDIR",
    "BASH_ENV",         "ENV",         "SHELLOPTS",
    "BASHOPTS",         "PS4",         NULL,
};
static const char *const denied_prefixes[] = {
    "LD_",
    "MALLOC_",
    "BASH_FUNC_",
    NULL,
};

bool exec_env_denied (const char *name)
{
    if (!name)
        return true;
    for (const char *const *p = denied_names; *p; p++)
        if (!strcmp (name, *p))
            return true;
    for (const char *const *p = denied_prefixes; *p; p++)
        if (!strncmp (name, *p, strlen (*p)))
            return true;
    return false;
}

void exec_env_free (char **envv)
{
    int saved_errno = errno;

    if (envv) {
        for (char **e = envv; *e; e++)
            free (*e);
        free (envv);
    }
    errno = saved_errno;
}

static char *join (const char *name, const char *value)
{
    char *s;

    if (asprintf (&s, "%s=%s", name, value) < 0)
        return NULL;
    return s;
}

int exec_env_refuse_none (pid_t pid, char *buf, size_t size)
{
    int n = snprintf (buf, size, "%s=%ld", EXEC_ENV_REFUSE_NONE, (long)pid);

    if (n < 0 || (size_t)n >= size) {
        errno = ERANGE;
        return -1;
    }
    return 0;
}

/* True if the caller's 'name' must give way: to an extra of the same
 * name, or always (EXEC_ENV_CREDENTIALS_DIRECTORY).
 */
static bool replaced (const char *name, const char *const *extra)
{
    size_t len = strlen (name);

    if (!strcmp (name, EXEC_ENV_CREDENTIALS_DIRECTORY))
        return true;
    for (const char *const *e = extra; e && *e; e++)
        if (!strncmp (*e, name, len) && (*e)[len] == '=')
            return true;
    return false;
}

/* Count the extras; -1 if one has no "=" or an empty name. */
static ssize_t count_extra (const char *const *extra)
{
    ssize_t n = 0;

    for (const char *const *e = extra; e && *e; e++, n++)
        if (!strchr (*e, '=') || (*e)[0] == '=')
            return -1;
    return n;
}

/* gcc 12's -fanalyzer loses track of a copy stored in envv[] and reports
 * it as leaked; exec_env_free() frees every entry (checked under valgrind
 * and LeakSanitizer by test_exec_env).
 */
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wanalyzer-malloc-leak"
#endif

/* Append copies of the extras at envv[*ip]. */
static int add_extra (char **envv, size_t *ip, const char *const *extra)
{
    for (const char *const *e = extra; e && *e; e++) {
        if (!(envv[*ip] = strdup (*e)))
            return -1;
        (*ip)++;
    }
    return 0;
}

char **exec_env_build (const struct imp_env *env,
                       const char *const *extra,
                       struct error *err)
{
    size_t n = imp_env_count (env);
    size_t cursor = 0, i = 0;
    ssize_t nextra = count_extra (extra);
    const char *name, *value;
    char **envv;

    if (nextra < 0) {
        error_errno (err, EINVAL, "invalid extra variable");
        return NULL;
    }
    if (!(envv = calloc (n + (size_t)nextra + 1, sizeof (*envv)))) {
        error_errno (err, ENOMEM, "out of memory");
        return NULL;
    }
    while (imp_env_next (env, &cursor, &name, &value) == 0) {
        if (exec_env_denied (name) || replaced (name, extra))
            continue;
        if (i >= n || !(envv[i++] = join (name, value)))
            goto nomem;
    }
    if (errno != ENOENT) {
        error_errno (err, errno, "reading the environment: %s",
                     strerror (errno));
        exec_env_free (envv);
        return NULL;
    }
    if (add_extra (envv, &i, extra) < 0)
        goto nomem;
    return envv;
nomem:
    exec_env_free (envv);
    error_errno (err, ENOMEM, "out of memory");
    return NULL;
}
