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

char **exec_env_build (const struct imp_env *env, struct error *err)
{
    size_t n = imp_env_count (env);
    size_t cursor = 0, i = 0;
    const char *name, *value;
    char **envv;

    if (!(envv = calloc (n + 1, sizeof (*envv)))) {
        error_errno (err, ENOMEM, "out of memory");
        return NULL;
    }
    while (imp_env_next (env, &cursor, &name, &value) == 0) {
        if (exec_env_denied (name))
            continue;
        if (i >= n || !(envv[i++] = join (name, value))) {
            exec_env_free (envv);
            error_errno (err, ENOMEM, "out of memory");
            return NULL;
        }
    }
    if (errno != ENOENT) {
        error_errno (err, errno, "reading the environment: %s",
                     strerror (errno));
        exec_env_free (envv);
        return NULL;
    }
    return envv;
}
