/* fuzz/toml.c - libFuzzer harness of toml_parse().
 *
 * The input is copied into a buffer of exactly its size (no NUL after
 * it), so that AddressSanitizer catches any read past 'len'.  A parsed
 * tree is walked completely: every value is read, every key is looked
 * up again and must be found (unless it contains NUL, which never
 * matches), and the invariants of the interface are checked; any
 * violation aborts.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/toml.h"
#include "fuzz.h"

static uint64_t walk (const struct toml_value *v, int depth);

static uint64_t walk_table (const struct toml_value *v, int depth)
{
    const struct toml_table *t = &v->u.table;
    uint64_t sum = t->count;

    for (size_t i = 0; i < t->count; i++) {
        const struct toml_keyval *kv = &t->items[i];
        CHECK (kv->key != NULL && kv->key[kv->keylen] == '\0');
        CHECK (kv->line > 0 && kv->column > 0 && kv->value != NULL);
        if (strlen (kv->key) == kv->keylen)
            CHECK (toml_table_item (v, kv->key) == kv);
        else
            CHECK (toml_table_item (v, kv->key) != kv);
        sum += kv->keylen + walk (kv->value, depth + 1);
    }
    return sum;
}

static uint64_t walk (const struct toml_value *v, int depth)
{
    uint64_t sum = 0;

    CHECK (depth <= TOML_MAX_DEPTH + 1);
    CHECK (v->line > 0 && v->column > 0);
    CHECK (strcmp (toml_type_name (v->type), "unknown") != 0);
    switch (v->type) {
    case TOML_STRING:
        CHECK (v->u.string.ptr[v->u.string.len] == '\0');
        for (size_t i = 0; i < v->u.string.len; i++)
            sum += (unsigned char)v->u.string.ptr[i];
        break;
    case TOML_INTEGER:
        sum += (uint64_t)v->u.integer;
        break;
    case TOML_FLOAT:
        sum += v->u.fp == v->u.fp;
        break;
    case TOML_BOOL:
        sum += v->u.boolean;
        break;
    case TOML_DATETIME:
    case TOML_DATETIME_LOCAL:
    case TOML_DATE_LOCAL:
    case TOML_TIME_LOCAL:
        CHECK (strlen (v->u.datetime.text) < sizeof (v->u.datetime.text));
        CHECK (v->u.datetime.nanosecond >= 0
               && v->u.datetime.nanosecond < 1000000000);
        sum += (uint64_t)v->u.datetime.second + strlen (v->u.datetime.text);
        break;
    case TOML_ARRAY:
        CHECK (depth < TOML_MAX_DEPTH + 1);
        for (size_t i = 0; i < v->u.array.count; i++)
            sum += walk (v->u.array.items[i], depth + 1);
        break;
    case TOML_TABLE:
        CHECK (depth < TOML_MAX_DEPTH + 1);
        sum += walk_table (v, depth);
        break;
    }
    return sum;
}

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
    struct toml_value *root = NULL;
    struct toml_error err;
    char *buf;

    if (!(buf = malloc (size ? size : 1)))
        return 0;
    memcpy (buf, data, size);
    if (toml_parse (buf, size, &root, &err) == 0) {
        volatile uint64_t sum = walk (root, 0);
        (void)sum;
        CHECK (root->type == TOML_TABLE);
        errno = 12345;
        toml_destroy (root);
        CHECK (errno == 12345);
    }
    else {
        CHECK (errno == EINVAL || errno == E2BIG || errno == ENOMEM);
        CHECK (memchr (err.text, '\0', sizeof (err.text)) != NULL);
        CHECK (err.text[0] != '\0');
    }
    free (buf);
    return 0;
}
