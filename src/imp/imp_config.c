/* imp_config.c - the IMP's configuration: load, check, read.
 *
 * SECURITY INVARIANTS
 * - The pattern and the paranoia flags come from the caller, which has
 *   them from the build (imp_paths.h), never from argv or the config.
 * - File security is checked by cf_load() on the descriptor it reads.
 * - Every file is checked against the schema before any command reads a
 *   key: a misspelt security key fails the IMP instead of being
 *   ignored.
 */
#if HAVE_CONFIG_H
#include "config.h"
#endif
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "imp_config.h"

static const struct cf_schema exec_schema[] = {
    {.key = "allowed-users", .type = CF_ARRAY, .elem = CF_STRING},
    {.key = "allowed-shells", .type = CF_ARRAY, .elem = CF_STRING},
    {.key = "allow-unprivileged-exec", .type = CF_BOOL},
    {.key = "pam-support", .type = CF_BOOL},
    {0},
};

static const struct cf_schema run_schema[] = {
    {.key = "path", .type = CF_STRING},
    {.key = "allowed-users", .type = CF_ARRAY, .elem = CF_STRING},
    {.key = "allowed-environment", .type = CF_ARRAY, .elem = CF_STRING},
    {0},
};

/* wire.md 2.7: all six keys are required when [ca] is present. */
static const struct cf_schema ca_schema[] = {
    {.key = "max-cert-ttl", .type = CF_INT64, .flags = CF_REQUIRED},
    {.key = "max-sign-ttl", .type = CF_INT64, .flags = CF_REQUIRED},
    {.key = "cert-path", .type = CF_STRING, .flags = CF_REQUIRED},
    {.key = "revoke-dir", .type = CF_STRING, .flags = CF_REQUIRED},
    {.key = "revoke-allow", .type = CF_BOOL, .flags = CF_REQUIRED},
    {.key = "domain", .type = CF_STRING, .flags = CF_REQUIRED},
    {0},
};

static const struct cf_schema imp_schema[] = {
    {.key = "allow-sudo", .type = CF_BOOL},
    {.key = "log-level", .type = CF_STRING},
    {.key = "exec", .type = CF_TABLE, .table = exec_schema},
    {.key = "run", .type = CF_TABLE, .flags = CF_EACH, .table = run_schema},
    {.key = "ca", .type = CF_TABLE, .table = ca_schema},
    {0},
};

/* The same, and [sign], a table whose contents libflux-security checks. */
static const struct cf_schema imp_sign_schema[] = {
    {.key = "allow-sudo", .type = CF_BOOL},
    {.key = "log-level", .type = CF_STRING},
    {.key = "exec", .type = CF_TABLE, .table = exec_schema},
    {.key = "run", .type = CF_TABLE, .flags = CF_EACH, .table = run_schema},
    {.key = "ca", .type = CF_TABLE, .table = ca_schema},
    {.key = "sign", .type = CF_TABLE},
    {0},
};

int imp_config_check (const struct cf *cf, int flags, struct error *err)
{
    const struct cf_schema *schema;

    if (!cf || (flags & ~IMP_CONFIG_SIGN))
        return error_errno (err, EINVAL, "invalid argument");
    schema = (flags & IMP_CONFIG_SIGN) ? imp_sign_schema : imp_schema;
    return cf_check (cf, NULL, schema, CF_STRICT, err);
}

/* The top level alone, for imp_config_check_each(): the tables are
 * checked separately.
 */
static const struct cf_schema imp_top_schema[] = {
    {.key = "allow-sudo", .type = CF_BOOL},
    {.key = "log-level", .type = CF_STRING},
    {.key = "exec", .type = CF_TABLE},
    {.key = "run", .type = CF_TABLE},
    {.key = "ca", .type = CF_TABLE},
    {0},
};

static const struct cf_schema imp_sign_top_schema[] = {
    {.key = "allow-sudo", .type = CF_BOOL},
    {.key = "log-level", .type = CF_STRING},
    {.key = "exec", .type = CF_TABLE},
    {.key = "run", .type = CF_TABLE},
    {.key = "ca", .type = CF_TABLE},
    {.key = "sign", .type = CF_TABLE},
    {0},
};

/* [run] as a table of tables, checked from the top level with
 * CF_ANYTAB (so that the other tables are left to their own part); the
 * other top-level keys are listed so that only the top part reports
 * them.
 */
static const struct cf_schema run_each_schema[] = {
    {.key = "allow-sudo", .type = CF_ANY},
    {.key = "log-level", .type = CF_ANY},
    {.key = "run", .type = CF_TABLE, .flags = CF_EACH, .table = run_schema},
    {0},
};

/* The state of imp_config_check_each(). */
struct each {
    const struct cf *cf;
    imp_config_report_f report;
    void *arg;
    int count;
    struct error seen[8]; /* the first texts reported, not to repeat */
    size_t nseen;
};

static void each_report (struct each *e, int errnum, const struct error *err)
{
    for (size_t i = 0; i < e->nseen; i++)
        if (!strcmp (e->seen[i].text, err->text))
            return;
    if (e->nseen < sizeof (e->seen) / sizeof (e->seen[0]))
        e->seen[e->nseen++] = *err;
    e->report (errnum, err->text, e->arg);
    e->count++;
}

static void each_check (struct each *e,
                        const char *path,
                        const struct cf_schema *schema,
                        int flags)
{
    struct error err = {{0}};

    if (path && cf_get (e->cf, path, CF_TABLE, NULL, NULL) < 0)
        return; /* absent, or not a table (the top level says so) */
    if (cf_check (e->cf, path, schema, flags, &err) < 0)
        each_report (e, errno, &err);
}

/* The top level: the type of each known key, then the first unknown key
 * (cf_check() stops at its first problem).
 */
static void each_check_top (struct each *e, const struct cf_schema *top)
{
    struct cf_schema one[2] = {{0}};
    struct cf_schema any[8] = {{0}};
    size_t n = 0;

    for (const struct cf_schema *s = top; s->key; s++) {
        one[0] = *s;
        each_check (e, NULL, one, 0);
        if (n + 1 < sizeof (any) / sizeof (any[0])) {
            any[n] = *s;
            any[n++].type = CF_ANY;
        }
    }
    each_check (e, NULL, any, CF_STRICT);
}

/* [run.<name>] one table at a time, when every name can be addressed
 * and every value is a table; otherwise [run] as a whole.
 */
static void each_check_run (struct each *e)
{
    const struct toml_table *run;
    struct cf_value v;
    char path[256];

    if (cf_get (e->cf, "run", CF_TABLE, &v, NULL) < 0)
        return;
    run = &v.value->u.table;
    for (size_t i = 0; i < run->count; i++) {
        const struct toml_keyval *kv = &run->items[i];
        int n = snprintf (path, sizeof (path), "run.%s", kv->key);

        if (strlen (kv->key) != kv->keylen || strchr (kv->key, '.') || n < 0
            || (size_t)n >= sizeof (path) || kv->value->type != TOML_TABLE) {
            each_check (e, NULL, run_each_schema, CF_STRICT | CF_ANYTAB);
            return;
        }
    }
    for (size_t i = 0; i < run->count; i++) {
        snprintf (path, sizeof (path), "run.%s", run->items[i].key);
        each_check (e, path, run_schema, CF_STRICT);
    }
}

int imp_config_check_each (const struct cf *cf,
                           int flags,
                           imp_config_report_f report,
                           void *arg)
{
    struct each e = {.cf = cf, .report = report, .arg = arg};

    if (!cf || (flags & ~IMP_CONFIG_SIGN) || !report) {
        errno = EINVAL;
        return -1;
    }
    each_check_top (&e, (flags & IMP_CONFIG_SIGN) ? imp_sign_top_schema
                                                  : imp_top_schema);
    each_check (&e, "exec", exec_schema, CF_STRICT);
    each_check_run (&e);
    each_check (&e, "ca", ca_schema, CF_STRICT);
    return e.count;
}

/* cf_load()'s "<pattern>: No match" in the original's words. */
static void reword_no_match (const char *pattern, struct error *err)
{
    char want[ERROR_TEXT_MAX];
    int n;

    n = snprintf (want, sizeof (want), "%s: No match", pattern);
    if (err && n > 0 && (size_t)n < sizeof (want) && !strcmp (err->text, want))
        error_set (err, "%s: No config file(s) found", pattern);
}

int imp_config_load (const char *pattern,
                     int cf_flags,
                     int flags,
                     struct cf **cfp,
                     struct error *err)
{
    struct cf *cf;

    if (!pattern || !cfp)
        return error_errno (err, EINVAL, "invalid argument");
    if (cf_load (pattern, cf_flags, &cf, err) < 0) {
        if (errno == ENOENT)
            reword_no_match (pattern, err);
        return -1;
    }
    if (imp_config_check (cf, flags, err) < 0) {
        cf_destroy (cf);
        return -1;
    }
    *cfp = cf;
    return 0;
}

int imp_config_allow_sudo (const struct cf *cf, bool *allowp, struct error *err)
{
    bool allow;

    if (cf_get_bool (cf, "allow-sudo", &allow, err) < 0) {
        if (errno != ENOENT)
            return -1;
        allow = false;
    }
    *allowp = allow;
    return 0;
}

int imp_config_allow_unprivileged (const struct cf *cf,
                                   bool *allowp,
                                   struct error *err)
{
    bool allow = false;
    int rc = cf_get_bool (cf, "exec.allow-unprivileged-exec", &allow, err);

    *allowp = rc == 0 && allow;
    return rc < 0 && errno != ENOENT ? -1 : 0;
}

int imp_config_log_level (const struct cf *cf,
                          enum imp_log_level *levelp,
                          struct error *err)
{
    struct cf_value v;
    const char *name;

    if (cf_get (cf, "log-level", CF_STRING, &v, err) < 0
        || cf_get_string (cf, "log-level", &name, err) < 0)
        return -1;
    if (imp_log_level_parse (name, levelp) < 0)
        return error_errno (err, EINVAL,
                            "unknown log-level '%s', ignoring (%s:%u)", name,
                            v.file, v.line);
    return 0;
}
