/* fuzz/exec_cred.c - libFuzzer harness of exec_cred_parse() and
 * exec_cred_decode() (src/imp/exec_cred.h): options.Credentials of
 * `flux-imp exec` as the unprivileged child validates it, and its privsep
 * keys as the privileged parent decodes them.
 *
 * An input that is JSON is handed to exec_cred_parse() as the options
 * object; any other input is decoded with kv_decode() and, if that works,
 * handed to exec_cred_decode().  Invariants: success gives at most
 * EXEC_CRED_COUNT_MAX entries, each with a valid name, a value without
 * NUL of at most EXEC_CRED_VALUE_MAX bytes, the total within
 * EXEC_CRED_TOTAL_MAX, names unique; decode(encode(x)) == x with 1 + 2 *
 * count keys; failure leaves the output untouched with errno EINVAL,
 * E2BIG, ERANGE, ENOENT or ENOMEM and an error text.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/kv.h"
#include "imp/exec_cred.h"
#include "fuzz.h"

static void check_list (const struct exec_cred_list *list)
{
    size_t total = 0;

    CHECK (list && list->count <= EXEC_CRED_COUNT_MAX);
    for (size_t i = 0; i < list->count; i++) {
        const struct exec_cred *c = &list->cred[i];
        CHECK (exec_cred_name_valid (c->name));
        CHECK (c->value && strlen (c->value) == c->len);
        CHECK (c->len <= EXEC_CRED_VALUE_MAX);
        total += c->len;
        for (size_t j = 0; j < i; j++)
            CHECK (strcmp (list->cred[j].name, c->name) != 0);
    }
    CHECK (total == list->total && total <= EXEC_CRED_TOTAL_MAX);
}

static void check_round_trip (const struct exec_cred_list *list)
{
    struct exec_cred_list *list2 = NULL;
    struct error err = {{0}};
    struct kv *kv = kv_create ();
    size_t nkeys = 0;

    CHECK (kv);
    CHECK (exec_cred_encode (list, kv) == 0);
    CHECK (exec_cred_decode (kv, &list2, &nkeys, &err) == 0);
    CHECK (nkeys == kv_count (kv));
    CHECK (nkeys == (list->count ? 1 + 2 * list->count : 0));
    CHECK (list2->count == list->count);
    for (size_t i = 0; i < list->count; i++) {
        CHECK (!strcmp (list2->cred[i].name, list->cred[i].name));
        CHECK (!strcmp (list2->cred[i].value, list->cred[i].value));
    }
    exec_cred_list_destroy (list2);
    kv_destroy (kv);
}

static void check_failure (const struct exec_cred_list *list,
                           const struct error *err)
{
    CHECK (list == (struct exec_cred_list *)0x1);
    CHECK (errno == EINVAL || errno == E2BIG || errno == ERANGE
           || errno == ENOENT || errno == ENOMEM);
    CHECK (err->text[0] != '\0');
}

static void fuzz_json (json_t *o)
{
    struct exec_cred_list *list = (struct exec_cred_list *)0x1;
    struct error err = {{0}};

    errno = 0;
    if (exec_cred_parse (o, &list, &err) == 0) {
        check_list (list);
        check_round_trip (list);
        exec_cred_list_destroy (list);
    }
    else
        check_failure (list, &err);
}

static void fuzz_kv (const struct kv *kv)
{
    struct exec_cred_list *list = (struct exec_cred_list *)0x1;
    struct error err = {{0}};
    size_t nkeys = 9999;

    errno = 0;
    if (exec_cred_decode (kv, &list, &nkeys, &err) == 0) {
        check_list (list);
        CHECK (nkeys == (list->count ? 1 + 2 * list->count : 0));
        CHECK (nkeys <= kv_count (kv));
        check_round_trip (list);
        exec_cred_list_destroy (list);
    }
    else {
        check_failure (list, &err);
        CHECK (nkeys == 9999);
    }
}

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
    struct kv *kv = NULL;
    json_t *o;

    if ((o = json_loadb ((const char *)data, size, 0, NULL))) {
        fuzz_json (o);
        json_decref (o);
    }
    else if (kv_decode ((const char *)data, size, &kv, NULL) == 0) {
        fuzz_kv (kv);
        kv_destroy (kv);
    }
    return 0;
}
