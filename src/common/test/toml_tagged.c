/* toml_tagged.c - a TOML tree as the tagged JSON of toml-test. */
#if HAVE_CONFIG_H
#include "config.h"
#endif
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "toml_tagged.h"

/* Trees from toml_parse() are at most TOML_MAX_DEPTH + 1 deep; the limit
 * here only guards against misuse.
 */
#define TAGGED_MAX_DEPTH (TOML_MAX_DEPTH + 2)

static json_t *tagged (const struct toml_value *v, int depth);

static void float_text (double d, char *buf, size_t size)
{
    if (isnan (d))
        snprintf (buf, size, "nan");
    else if (isinf (d))
        snprintf (buf, size, "%sinf", d < 0 ? "-" : "");
    else {
        for (int prec = 1; prec <= 17; prec++) {
            snprintf (buf, size, "%.*g", prec, d);
            if (strtod (buf, NULL) == d)
                break;
        }
    }
}

static json_t *leaf (const char *type, json_t *value)
{
    if (!value)
        return NULL;
    return json_pack ("{s:s s:o}", "type", type, "value", value);
}

static json_t *scalar (const struct toml_value *v)
{
    const char *type = toml_type_name (v->type);
    char buf[64];

    switch (v->type) {
    case TOML_STRING:
        return leaf (type, json_stringn (v->u.string.ptr, v->u.string.len));
    case TOML_INTEGER:
        snprintf (buf, sizeof (buf), "%" PRId64, v->u.integer);
        break;
    case TOML_FLOAT:
        float_text (v->u.fp, buf, sizeof (buf));
        break;
    case TOML_BOOL:
        snprintf (buf, sizeof (buf), "%s", v->u.boolean ? "true" : "false");
        break;
    case TOML_DATETIME:
    case TOML_DATETIME_LOCAL:
    case TOML_DATE_LOCAL:
    case TOML_TIME_LOCAL:
        snprintf (buf, sizeof (buf), "%s", v->u.datetime.text);
        break;
    default:
        errno = EINVAL;
        return NULL;
    }
    return leaf (type, json_string (buf));
}

static json_t *table (const struct toml_value *v, int depth)
{
    json_t *o = json_object ();

    for (size_t i = 0; o && i < v->u.table.count; i++) {
        const struct toml_keyval *kv = &v->u.table.items[i];
        json_t *e = tagged (kv->value, depth + 1);
        if (!e || json_object_setn_new (o, kv->key, kv->keylen, e) < 0) {
            json_decref (o);
            return NULL;
        }
    }
    return o;
}

static json_t *array (const struct toml_value *v, int depth)
{
    json_t *a = json_array ();

    for (size_t i = 0; a && i < v->u.array.count; i++) {
        if (json_array_append_new (a, tagged (v->u.array.items[i], depth + 1))
            < 0) {
            json_decref (a);
            return NULL;
        }
    }
    return a;
}

static json_t *tagged (const struct toml_value *v, int depth)
{
    if (!v || depth > TAGGED_MAX_DEPTH) {
        errno = EINVAL;
        return NULL;
    }
    errno = ENOMEM;
    if (v->type == TOML_TABLE)
        return table (v, depth);
    if (v->type == TOML_ARRAY)
        return array (v, depth);
    return scalar (v);
}

json_t *toml_tagged (const struct toml_value *v)
{
    return tagged (v, 0);
}

static bool float_leaf (const json_t *o, double *d)
{
    const char *type, *value;
    char *end;

    if (json_unpack ((json_t *)o, "{s:s s:s !}", "type", &type, "value", &value)
            < 0
        || strcmp (type, "float") != 0)
        return false;
    *d = strtod (value, &end);
    return *end == '\0' && end != value;
}

static int equal (const json_t *a, const json_t *b, int depth)
{
    double da, db;

    if (depth > TAGGED_MAX_DEPTH + 2)
        return 0;
    if (json_is_object (a) && json_is_object (b)) {
        const char *key;
        size_t keylen;
        json_t *va;
        if (float_leaf (a, &da) && float_leaf (b, &db))
            return (isnan (da) && isnan (db)) || da == db;
        if (json_object_size (a) != json_object_size (b))
            return 0;
        json_object_keylen_foreach ((json_t *)a, key, keylen, va)
        {
            json_t *vb = json_object_getn (b, key, keylen);
            if (!vb || !equal (va, vb, depth + 1))
                return 0;
        }
        return 1;
    }
    if (json_is_array (a) && json_is_array (b)) {
        if (json_array_size (a) != json_array_size (b))
            return 0;
        for (size_t i = 0; i < json_array_size (a); i++) {
            if (!equal (json_array_get (a, i), json_array_get (b, i),
                        depth + 1))
                return 0;
        }
        return 1;
    }
    return json_equal (a, b);
}

int toml_tagged_equal (const json_t *a, const json_t *b)
{
    return equal (a, b, 0);
}
