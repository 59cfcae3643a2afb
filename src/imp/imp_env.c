/* imp_env.c - the caller's environment, as the IMP received it.
 *
 * SECURITY INVARIANTS (the rule is in imp_env.h)
 * - imp_env_get() answers only for names of the allow-list; any other
 *   name is EPERM, whatever the environment holds.
 * - A variable of the allow-list defined twice makes the copy fail, so
 *   that the first-match and last-match readers (glibc, sudo, a shell)
 *   can never disagree with the IMP about its value.
 * - imp_env_next(), the only way to see the other variables, refuses
 *   to run with an effective uid of 0.
 * - Every copy of a variable is wiped before it is freed.
 */
#if HAVE_CONFIG_H
#include "config.h"
#endif
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "imp_env.h"

/* The allow-list of every build (see imp_env.h for the readers). */
static const char *const base_allow[] = {
    "FLUX_IMP_EXEC_HELPER", "NOTIFY_SOCKET",   "SUDO_USER",
    "FLUX_JOB_ID",          "FLUX_JOB_USERID", NULL,
};

struct entry {
    char *name;  /* "NAME\0value\0": one allocation */
    char *value; /* inside it */
    size_t size; /* of the allocation, for wiping */
};

struct imp_env {
    struct entry *entries;
    size_t count;
    const char *const *extra; /* the build's additions (static) */
};

static bool in_list (const char *const *list, const char *name)
{
    for (; list && *list; list++)
        if (!strcmp (*list, name))
            return true;
    return false;
}

bool imp_env_allowed (const struct imp_env *env, const char *name)
{
    if (!env || !name)
        return false;
    return in_list (base_allow, name) || in_list (env->extra, name);
}

void imp_env_destroy (struct imp_env *env)
{
    if (env) {
        int saved_errno = errno;
        for (size_t i = 0; i < env->count; i++) {
            explicit_bzero (env->entries[i].name, env->entries[i].size);
            free (env->entries[i].name);
        }
        free (env->entries);
        free (env);
        errno = saved_errno;
    }
}

/* gcc 12's -fanalyzer loses track of the copy once it is stored in
 * env->entries[] and reports it as leaked; imp_env_destroy() frees every
 * entry (checked by the unit tests under valgrind and LeakSanitizer).
 */
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wanalyzer-malloc-leak"
#endif

/* Copy "NAME=value" into 'e'.  Return 1 if copied, 0 if skipped (no "="
 * or an empty name), -1 on ENOMEM.
 */
static int copy_entry (struct entry *e, const char *s)
{
    const char *eq = strchr (s, '=');
    size_t size;

    if (!eq || eq == s)
        return 0;
    size = strlen (s) + 1;
    if (!(e->name = malloc (size)))
        return -1;
    memcpy (e->name, s, size);
    e->name[eq - s] = '\0';
    e->value = e->name + (eq - s) + 1;
    e->size = size;
    return 1;
}

/* Refuse an allow-listed name defined more than once. */
static int check_unique (const struct imp_env *env, struct error *err)
{
    for (size_t i = 0; i < env->count; i++) {
        const char *name = env->entries[i].name;
        if (!imp_env_allowed (env, name))
            continue;
        for (size_t j = i + 1; j < env->count; j++)
            if (!strcmp (env->entries[j].name, name))
                return error_errno (err, EINVAL,
                                    "environment variable %s is set more"
                                    " than once",
                                    name);
    }
    return 0;
}

struct imp_env *imp_env_create (char *const envp[],
                                const char *const extra[],
                                struct error *err)
{
    struct imp_env *env;
    size_t n = 0;

    while (envp && envp[n])
        n++;
    if (!(env = calloc (1, sizeof (*env)))
        || !(env->entries = calloc (n + 1, sizeof (*env->entries))))
        goto nomem;
    env->extra = extra;
    for (size_t i = 0; i < n; i++) {
        int rc = copy_entry (&env->entries[env->count], envp[i]);
        if (rc < 0)
            goto nomem;
        env->count += (size_t)rc;
    }
    if (check_unique (env, err) < 0)
        goto error;
    return env;
nomem:
    error_errno (err, ENOMEM, "out of memory copying the environment");
error:
    imp_env_destroy (env);
    return NULL;
}

const char *imp_env_get (const struct imp_env *env, const char *name)
{
    if (!env || !name) {
        errno = EINVAL;
        return NULL;
    }
    if (!imp_env_allowed (env, name)) {
        errno = EPERM;
        return NULL;
    }
    for (size_t i = 0; i < env->count; i++)
        if (!strcmp (env->entries[i].name, name))
            return env->entries[i].value;
    errno = ENOENT;
    return NULL;
}

int imp_env_next (const struct imp_env *env,
                  size_t *cursor,
                  const char **namep,
                  const char **valuep)
{
    if (!env || !cursor || !namep || !valuep) {
        errno = EINVAL;
        return -1;
    }
    if (geteuid () == 0) {
        errno = EPERM;
        return -1;
    }
    if (*cursor >= env->count) {
        errno = ENOENT;
        return -1;
    }
    *namep = env->entries[*cursor].name;
    *valuep = env->entries[*cursor].value;
    (*cursor)++;
    return 0;
}

size_t imp_env_count (const struct imp_env *env)
{
    return env ? env->count : 0;
}
