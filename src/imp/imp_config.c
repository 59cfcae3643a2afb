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
