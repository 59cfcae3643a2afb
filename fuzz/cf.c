/* fuzz/cf.c - libFuzzer harness of the configuration loader, without
 * files: the input is split at NUL bytes into up to CF_FUZZ_MAX_FILES
 * documents, merged in order with cf_update_buffer() (so the merge rule
 * is exercised), then checked against a schema shaped like the IMP's,
 * queried with the typed getters and converted to JSON.  Any of these
 * may fail; none may crash, leak or trip a sanitizer.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/cf.h"
#include "fuzz.h"

#define CF_FUZZ_MAX_FILES 8

static const struct cf_schema exec_schema[] = {
    {.key = "allowed-users", .type = CF_ARRAY, .elem = CF_STRING},
    {.key = "allowed-shells", .type = CF_ARRAY, .elem = CF_STRING},
    {.key = "allow-unprivileged-exec", .type = CF_BOOL},
    {.key = "pam-support", .type = CF_BOOL},
    {0},
};

static const struct cf_schema run_schema[] = {
    {.key = "path", .type = CF_STRING, .flags = CF_REQUIRED},
    {.key = "allowed-users", .type = CF_ARRAY, .elem = CF_STRING},
    {.key = "allowed-environment", .type = CF_ARRAY, .elem = CF_STRING},
    {0},
};

static const struct cf_schema sign_schema[] = {
    {.key = "max-ttl", .type = CF_INT64, .flags = CF_REQUIRED},
    {.key = "default-type", .type = CF_STRING, .flags = CF_REQUIRED},
    {.key = "allowed-types",
     .type = CF_ARRAY,
     .flags = CF_REQUIRED,
     .elem = CF_STRING},
    {0},
};

static const struct cf_schema schema[] = {
    {.key = "allow-sudo", .type = CF_BOOL},
    {.key = "log-level", .type = CF_STRING},
    {.key = "ttl", .type = CF_DOUBLE},
    {.key = "expires", .type = CF_TIMESTAMP},
    {.key = "exec", .type = CF_TABLE, .table = exec_schema},
    {.key = "run", .type = CF_TABLE, .flags = CF_EACH, .table = run_schema},
    {.key = "sign", .type = CF_TABLE, .table = sign_schema},
    {.key = "list", .type = CF_ARRAY, .elem = CF_TABLE, .table = run_schema},
    {.key = "ca", .type = CF_TABLE},
    {0},
};

static void query (const struct cf *cf)
{
    static const char *paths[] = {
        "allow-sudo",
        "log-level",
        "exec.allowed-users",
        "exec",
        "run.prolog.path",
        "sign.max-ttl",
        "a.b.c",
        "x",
    };
    struct error err;
    const char **strv;
    const char *s;
    int64_t i;
    bool b;

    for (size_t n = 0; n < sizeof (paths) / sizeof (paths[0]); n++) {
        (void)cf_get (cf, paths[n], CF_ANY, NULL, &err);
        (void)cf_get_string (cf, paths[n], &s, &err);
        (void)cf_get_int64 (cf, paths[n], &i, &err);
        (void)cf_get_bool (cf, paths[n], &b, &err);
        if (cf_get_strings (cf, paths[n], &strv, &err) == 0)
            free (strv);
    }
}

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
    const char *p = (const char *)data;
    const char *end = p + size;
    struct error err;
    struct cf *cf;
    json_t *o;

    if (!(cf = cf_create ()))
        return 0;
    for (int n = 0; n < CF_FUZZ_MAX_FILES && p <= end; n++) {
        const char *nul = memchr (p, '\0', (size_t)(end - p));
        size_t len = nul ? (size_t)(nul - p) : (size_t)(end - p);
        (void)cf_update_buffer (cf, "fuzz.toml", p, len, &err);
        p += len + 1;
    }
    (void)cf_check (cf, NULL, schema, CF_STRICT, &err);
    (void)cf_check (cf, NULL, schema, CF_STRICT | CF_ANYTAB, &err);
    (void)cf_check (cf, "sign", sign_schema, CF_STRICT, &err);
    query (cf);
    if ((o = cf_to_json (cf, &err)))
        json_decref (o);
    cf_destroy (cf);
    return 0;
}
