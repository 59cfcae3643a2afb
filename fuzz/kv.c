/* fuzz/kv.c - libFuzzer harness of the kv decoder (kv_decode) and of the
 * operations that run on decoded kvs.
 *
 * The input is copied into a buffer of exactly its size, so that ASan
 * catches any read past 'len'.  For inputs that decode:
 *   - iterating and putting every entry back (kv_put_raw) must rebuild
 *     the input byte for byte, and kv_copy() must equal it;
 *   - every typed get must agree with the entry's type, and a value that
 *     parses must survive a typed put and get;
 *   - kv_split() by a prefix then kv_join() back must give the same
 *     entries;
 *   - deleting every key must leave an empty kv.
 * A violated invariant aborts.
 */
#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/kv.h"
#include "fuzz.h"

/* The timestamp parser accepts only the form that kv_put_timestamp()
 * writes: the encoding of the last put ("v" NUL "t" text NUL) must hold
 * the same text.
 */
static void check_canonical (const struct kv *scratch, const char *text)
{
    const char *enc;
    size_t len;

    CHECK (kv_encode (scratch, &enc, &len) == 0);
    CHECK (len > 3 && strcmp (enc + len - strlen (text) - 1, text) == 0);
}

/* A typed put then get of a value that parsed must give it back. */
static void check_typed (const struct kv_entry *e, struct kv *scratch)
{
    int64_t i, i2;
    double d, d2;
    bool b, b2;
    time_t t, t2;

    switch (e->type) {
    case KV_INT64:
        if (kv_parse_int64 (e->value, &i) == 0) {
            CHECK (kv_put_int64 (scratch, "v", i) == 0);
            CHECK (kv_get_int64 (scratch, "v", &i2) == 0 && i == i2);
        }
        else
            CHECK (errno == EINVAL || errno == ERANGE);
        break;
    case KV_DOUBLE:
        if (kv_parse_double (e->value, &d) == 0) {
            CHECK (kv_put_double (scratch, "v", d) == 0);
            CHECK (kv_get_double (scratch, "v", &d2) == 0);
            CHECK (!isnan (d) == !isnan (d2));
        }
        else
            CHECK (errno == EINVAL || errno == ERANGE);
        break;
    case KV_BOOL:
        CHECK (kv_parse_bool (e->value, &b) == 0);
        CHECK (kv_put_bool (scratch, "v", b) == 0);
        CHECK (kv_get_bool (scratch, "v", &b2) == 0 && b == b2);
        break;
    case KV_TIMESTAMP:
        if (kv_parse_timestamp (e->value, &t) == 0) {
            CHECK (kv_put_timestamp (scratch, "v", t) == 0);
            CHECK (kv_get_timestamp (scratch, "v", &t2) == 0 && t == t2);
            check_canonical (scratch, e->value);
        }
        else
            CHECK (errno == EINVAL);
        break;
    case KV_STRING:
    case KV_UNKNOWN:
        break;
    }
}

/* Typed gets by key: the entry's own type succeeds or fails on the
 * value, every other type is ENOENT.
 */
static void check_gets (const struct kv *kv, const struct kv_entry *e)
{
    const char *s;
    int64_t i;
    double d;
    bool b;
    time_t t;
    int rc;

    rc = kv_get_string (kv, e->key, &s);
    CHECK (e->type == KV_STRING ? rc == 0 && s == e->value
                                : rc < 0 && errno == ENOENT);
    rc = kv_get_int64 (kv, e->key, &i);
    CHECK (e->type == KV_INT64 || (rc < 0 && errno == ENOENT));
    rc = kv_get_double (kv, e->key, &d);
    CHECK (e->type == KV_DOUBLE || (rc < 0 && errno == ENOENT));
    rc = kv_get_bool (kv, e->key, &b);
    CHECK (e->type == KV_BOOL ? rc == 0 : rc < 0 && errno == ENOENT);
    rc = kv_get_timestamp (kv, e->key, &t);
    CHECK (e->type == KV_TIMESTAMP || (rc < 0 && errno == ENOENT));
}

static void check_split_join (const struct kv *kv, const char *key)
{
    char prefix[4] = {0};
    struct kv *part, *rest;
    size_t plen = strlen (key) < 3 ? strlen (key) : 3;
    struct kv_entry e;
    size_t cursor = 0;

    memcpy (prefix, key, plen);
    CHECK ((part = kv_split (kv, prefix)));
    CHECK ((rest = kv_copy (kv)));
    while (kv_next (part, &cursor, &e)) {
        CHECK (strlen (e.key) > 0);
    }
    /* joining the split entries back into the kv replaces them */
    CHECK (kv_join (rest, part, prefix) == 0);
    CHECK (kv_count (rest) == kv_count (kv));
    kv_destroy (part);
    kv_destroy (rest);
}

static void check_decoded (const struct kv *kv, const char *buf, size_t len)
{
    struct kv *rebuilt, *copy, *scratch;
    struct kv_entry e;
    size_t cursor = 0, count = 0;
    const char *enc;
    size_t enclen;

    CHECK ((rebuilt = kv_create ()) && (scratch = kv_create ()));
    while (kv_next (kv, &cursor, &e)) {
        CHECK (kv_put_raw (rebuilt, e.key, e.type, e.value) == 0);
        check_gets (kv, &e);
        check_typed (&e, scratch);
        count++;
    }
    CHECK (count == kv_count (kv));
    CHECK (kv_encode (rebuilt, &enc, &enclen) == 0);
    CHECK (enclen == len && memcmp (enc, buf, len) == 0);
    CHECK ((copy = kv_copy (kv)) && kv_equal (copy, kv));
    CHECK (kv_equal (copy, rebuilt));

    cursor = 0;
    if (kv_next (kv, &cursor, &e))
        check_split_join (kv, e.key);

    cursor = 0;
    while (kv_next (kv, &cursor, &e))
        CHECK (kv_delete (copy, e.key) == 0);
    CHECK (kv_count (copy) == 0);
    kv_destroy (rebuilt);
    kv_destroy (copy);
    kv_destroy (scratch);
}

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
    struct kv *kv = NULL;
    char *buf;

    if (!(buf = malloc (size ? size : 1)))
        return 0;
    if (size > 0)
        memcpy (buf, data, size);
    if (kv_decode (buf, size, &kv, NULL) == 0) {
        check_decoded (kv, buf, size);
        kv_destroy (kv);
    }
    else
        CHECK (errno == EINVAL || errno == E2BIG || errno == ENOMEM);
    free (buf);
    return 0;
}
