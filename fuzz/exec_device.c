/* fuzz/exec_device.c - libFuzzer harness of exec_device_parse(), the
 * parser of the device containment "options" of `flux-imp exec`.
 *
 * The input is loaded as JSON (any type) and handed to the parser as the
 * options.  Invariants: success gives at most EXEC_DEVICE_MAX entries,
 * none without containment, each a SPEC of at most EXEC_DEVICE_SPEC_MAX
 * bytes and an ACCESS string; containment with any policy but "strict"
 * starts with the EXEC_DEVICE_STANDARD_COUNT standard entries.  Failure
 * sets errno to EINVAL, ERANGE or ENOMEM and an error text, and leaves
 * the output untouched.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "imp/exec_device.h"
#include "fuzz.h"

static bool is_strict (const json_t *options)
{
    const char *s =
        json_string_value (json_object_get (options, "DevicePolicy"));
    return s && !strcmp (s, "strict");
}

static void check_specs (const json_t *options,
                         const struct exec_device_specs *s)
{
    CHECK (s->count <= EXEC_DEVICE_MAX);
    if (!s->contain) {
        CHECK (s->count == 0);
        return;
    }
    CHECK (s->specs != NULL);
    if (!is_strict (options)) {
        CHECK (s->count >= EXEC_DEVICE_STANDARD_COUNT);
        CHECK (!strcmp (s->specs[0].spec, "/dev/null"));
    }
    for (size_t i = 0; i < s->count; i++) {
        CHECK (s->specs[i].spec && s->specs[i].access);
        CHECK (strlen (s->specs[i].spec) <= EXEC_DEVICE_SPEC_MAX);
        CHECK (strlen (s->specs[i].access) <= EXEC_DEVICE_SPEC_MAX);
        /* the access parser must not crash on whatever was accepted */
        errno = 0;
        if (exec_device_access_parse (s->specs[i].access) < 0)
            CHECK (errno == EINVAL);
    }
}

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
    struct exec_device_specs *specs = NULL;
    struct error err = {{0}};
    json_t *options;

    options = json_loadb ((const char *)data, size,
                          JSON_DECODE_ANY | JSON_ALLOW_NUL, NULL);
    if (!options)
        return 0;
    errno = 0;
    if (exec_device_parse (options, &specs, &err) == 0) {
        CHECK (specs != NULL);
        check_specs (options, specs);
        exec_device_specs_destroy (specs);
    }
    else {
        CHECK (specs == NULL);
        CHECK (errno == EINVAL || errno == ERANGE || errno == ENOMEM);
        CHECK (err.text[0] != '\0');
    }
    json_decref (options);
    return 0;
}
