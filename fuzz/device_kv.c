/* fuzz/device_kv.c - libFuzzer harness of exec_device_decode(), the
 * strict decoder of the device keys of the privsep message of `flux-imp
 * exec`, which the privileged parent runs.
 *
 * The input is decoded with kv_decode() (common/kv.h), from a buffer of
 * exactly its size; a kv that decodes is handed to exec_device_decode().
 * Invariants: success gives at most EXEC_DEVICE_MAX entries, each in
 * range (type, major, minor -1 or in range, access 1..7), no entry
 * without containment, *nkeysp = 1 + count with it and 0 without; each
 * entry formats to the string it came from up to the order of the access
 * letters; and decode(encode(x)) == x.  Failure is EINVAL, ERANGE,
 * ENOENT or ENOMEM with an error text and the output untouched.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/kv.h"
#include "imp/exec_device.h"
#include "fuzz.h"

static void
check_entry (const struct kv *kv, size_t i, const struct exec_device *d)
{
    char key[32], buf[64];
    const char *s;
    size_t n;

    CHECK (d->type == EXEC_DEVICE_CHAR || d->type == EXEC_DEVICE_BLOCK);
    CHECK (d->major <= EXEC_DEVICE_MAJOR_MAX);
    CHECK (d->minor >= -1 && d->minor <= EXEC_DEVICE_MINOR_MAX);
    CHECK (d->access >= 1 && d->access <= 7);
    snprintf (key, sizeof (key), "device.%zu", i);
    CHECK (kv_get_string (kv, key, &s) == 0);
    CHECK (exec_device_format (d, buf, sizeof (buf)) == 0);
    /* same text but for the order of the access letters */
    n = strlen (buf);
    while (n > 0 && buf[n - 1] != ':')
        n--;
    CHECK (n > 0 && strlen (s) == strlen (buf) && !strncmp (s, buf, n));
}

static void check_round_trip (const struct exec_device_list *list)
{
    struct exec_device_list *list2 = NULL;
    struct error err = {{0}};
    struct kv *kv;
    size_t nkeys;

    CHECK ((kv = kv_create ()));
    CHECK (exec_device_encode (list, kv) == 0);
    CHECK (exec_device_decode (kv, &list2, &nkeys, &err) == 0);
    CHECK (nkeys == kv_count (kv));
    CHECK (list2->contain == list->contain && list2->count == list->count);
    for (size_t i = 0; i < list->count; i++) {
        const struct exec_device *a = &list->dev[i], *b = &list2->dev[i];
        CHECK (a->type == b->type && a->major == b->major
               && a->minor == b->minor && a->access == b->access);
    }
    free (list2);
    kv_destroy (kv);
}

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
    struct exec_device_list *list = NULL;
    struct error err = {{0}};
    struct kv *kv = NULL;
    size_t nkeys = 9999;
    char *buf;

    if (!(buf = malloc (size ? size : 1)))
        return 0;
    if (size > 0)
        memcpy (buf, data, size);
    if (kv_decode (buf, size, &kv, NULL) < 0)
        goto out;
    errno = 0;
    if (exec_device_decode (kv, &list, &nkeys, &err) == 0) {
        CHECK (list && list->count <= EXEC_DEVICE_MAX);
        CHECK (nkeys == (list->contain ? 1 + list->count : 0));
        CHECK (list->contain || list->count == 0);
        CHECK (nkeys <= kv_count (kv));
        for (size_t i = 0; i < list->count; i++)
            check_entry (kv, i, &list->dev[i]);
        check_round_trip (list);
        free (list);
    }
    else {
        CHECK (list == NULL && nkeys == 9999);
        CHECK (errno == EINVAL || errno == ERANGE || errno == ENOENT
               || errno == ENOMEM);
        CHECK (err.text[0] != '\0');
    }
    kv_destroy (kv);
out:
    free (buf);
    return 0;
}
