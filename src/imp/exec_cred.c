/* exec_cred.c - validate options.Credentials and code its privsep keys:
 * see exec_cred.h.
 *
 * SECURITY INVARIANTS
 * - The same rules are applied by the child to the JSON input and by the
 *   parent to the privsep keys; the parent trusts nothing it has not
 *   checked itself (name charset and length, value size, count, total,
 *   unique names, exact key set).
 * - A value never appears in error text; a name appears escaped and
 *   truncated, so that hostile bytes cannot forge a log line.
 * - Every copy of a value made here is wiped before it is freed.
 */
#define _GNU_SOURCE
#if HAVE_CONFIG_H
#include "config.h"
#endif
#include <errno.h>
#include <inttypes.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exec_cred.h"

/* Room for a quoted, escaped, truncated name in error text. */
#define QUOTED_MAX (EXEC_CRED_NAME_MAX * 4 + 8)

static void *wipe_malloc (size_t size)
{
    return malloc (size);
}

static void wipe_free (void *p)
{
    if (p) {
        explicit_bzero (p, malloc_usable_size (p));
        free (p);
    }
}

void exec_cred_wipe_jansson (void)
{
    json_set_alloc_funcs (wipe_malloc, wipe_free);
}

static bool name_char (char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z')
           || (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-';
}

/* The rule of exec_cred.h on 'len' bytes of 'name'. */
static bool name_valid (const char *name, size_t len)
{
    if (len < 1 || len > EXEC_CRED_NAME_MAX || name[0] == '.')
        return false;
    for (size_t i = 0; i < len; i++)
        if (!name_char (name[i]))
            return false;
    return true;
}

bool exec_cred_name_valid (const char *name)
{
    return name && name_valid (name, strlen (name));
}

/* "name" with '"', '\' and bytes outside printable ASCII as \xHH, cut
 * after EXEC_CRED_NAME_MAX bytes of the name ("..." after the quote).
 */
static const char *quote (const char *name, size_t len, char *buf)
{
    size_t n = 0;

    buf[n++] = '"';
    for (size_t i = 0; i < len && i < EXEC_CRED_NAME_MAX; i++) {
        unsigned char c = (unsigned char)name[i];
        if (c < 0x20 || c > 0x7e || c == '"' || c == '\\')
            n += (size_t)snprintf (buf + n, 5, "\\x%02x", c);
        else
            buf[n++] = (char)c;
    }
    buf[n++] = '"';
    if (len > EXEC_CRED_NAME_MAX)
        n += (size_t)snprintf (buf + n, 4, "...");
    buf[n] = '\0';
    return buf;
}

void exec_cred_list_destroy (struct exec_cred_list *list)
{
    int saved_errno = errno;

    if (list) {
        for (size_t i = 0; i < list->count; i++) {
            if (list->cred[i].value) {
                explicit_bzero (list->cred[i].value, list->cred[i].len);
                free (list->cred[i].value);
            }
        }
        free (list);
    }
    errno = saved_errno;
}

static struct exec_cred_list *list_create (size_t count)
{
    return calloc (1, sizeof (struct exec_cred_list)
                          + count * sizeof (struct exec_cred));
}

/* Check one entry (name of 'nlen' bytes, value of 'vlen' bytes) and
 * append a copy of it to 'list' (whose count and total grow).
 */
static int add_entry (struct exec_cred_list *list,
                      const char *name,
                      size_t nlen,
                      const char *value,
                      size_t vlen,
                      struct error *err)
{
    struct exec_cred *c = &list->cred[list->count];
    char q[QUOTED_MAX];

    if (!name_valid (name, nlen))
        return error_errno (err, EINVAL,
                            "name %s: a name is 1 to %d characters of "
                            "A-Z a-z 0-9 _ . - and does not start with a dot",
                            quote (name, nlen, q), EXEC_CRED_NAME_MAX);
    if (!value || strlen (value) != vlen)
        return error_errno (err, EINVAL,
                            "%s: value must be a string "
                            "without NUL",
                            quote (name, nlen, q));
    if (vlen > EXEC_CRED_VALUE_MAX)
        return error_errno (err, E2BIG, "%s: value exceeds %d bytes",
                            quote (name, nlen, q), EXEC_CRED_VALUE_MAX);
    if (vlen > EXEC_CRED_TOTAL_MAX - list->total)
        return error_errno (err, E2BIG,
                            "%s: the values exceed %d bytes "
                            "in total",
                            quote (name, nlen, q), EXEC_CRED_TOTAL_MAX);
    for (size_t i = 0; i < list->count; i++)
        if (!strcmp (list->cred[i].name, name))
            return error_errno (err, EINVAL, "%s: duplicate name",
                                quote (name, nlen, q));
    if (!(c->value = malloc (vlen + 1)))
        return error_errno (err, ENOMEM, "out of memory");
    memcpy (c->value, value, vlen + 1);
    memcpy (c->name, name, nlen + 1);
    c->len = vlen;
    list->total += vlen;
    list->count++;
    return 0;
}

/* Fill 'list' from the object 'o' (at most EXEC_CRED_COUNT_MAX keys). */
static int
parse_object (json_t *o, struct exec_cred_list *list, struct error *err)
{
    char q[QUOTED_MAX];
    void *it;

    for (it = json_object_iter (o); it; it = json_object_iter_next (o, it)) {
        const char *name = json_object_iter_key (it);
        size_t nlen = json_object_iter_key_len (it);
        json_t *v = json_object_iter_value (it);

        if (!json_is_string (v))
            return error_errno (err, EINVAL, "%s: value must be a string",
                                quote (name, nlen, q));
        if (add_entry (list, name, nlen, json_string_value (v),
                       json_string_length (v), err)
            < 0)
            return -1;
    }
    return 0;
}

int exec_cred_parse (const json_t *options,
                     struct exec_cred_list **listp,
                     struct error *err)
{
    struct exec_cred_list *list;
    json_t *o = NULL;
    size_t n = 0;

    if (!listp)
        return error_errno (err, EINVAL, "invalid argument");
    if (options && json_is_object (options))
        o = json_object_get (options, "Credentials");
    if (o && !json_is_object (o))
        return error_errno (err, EINVAL, "Credentials must be an object");
    if (o && (n = json_object_size (o)) > EXEC_CRED_COUNT_MAX)
        return error_errno (err, E2BIG, "too many entries (%zu, at most %d)", n,
                            EXEC_CRED_COUNT_MAX);
    if (!(list = list_create (n)))
        return error_errno (err, ENOMEM, "out of memory");
    if (o && parse_object (o, list, err) < 0) {
        exec_cred_list_destroy (list);
        return -1;
    }
    *listp = list;
    return 0;
}

int exec_cred_encode (const struct exec_cred_list *list, struct kv *kv)
{
    char key[64];

    if (!list || !kv) {
        errno = EINVAL;
        return -1;
    }
    if (list->count == 0)
        return 0;
    if (kv_put_int64 (kv, "cred.count", (int64_t)list->count) < 0)
        return -1;
    for (size_t i = 0; i < list->count; i++) {
        snprintf (key, sizeof (key), "cred.%zu.name", i);
        if (kv_put_string (kv, key, list->cred[i].name) < 0)
            return -1;
        snprintf (key, sizeof (key), "cred.%zu.value", i);
        if (kv_put_string (kv, key, list->cred[i].value) < 0)
            return -1;
    }
    return 0;
}

/* "cred.count": 0 if absent, else 1..EXEC_CRED_COUNT_MAX into *np. */
static int decode_count (const struct kv *kv, size_t *np, struct error *err)
{
    int64_t n;

    if (kv_get_int64 (kv, "cred.count", &n) < 0) {
        if (errno == ENOENT) {
            const char *s;
            if (kv_get_string (kv, "cred.count", &s) == 0)
                return error_errno (err, EINVAL, "malformed cred.count");
            *np = 0;
            return 0;
        }
        return error_errno (err, EINVAL, "malformed cred.count");
    }
    if (n < 1 || n > EXEC_CRED_COUNT_MAX)
        return error_errno (err, ERANGE,
                            "cred.count %" PRId64 " is outside 1..%d", n,
                            EXEC_CRED_COUNT_MAX);
    *np = (size_t)n;
    return 0;
}

static int decode_entry (const struct kv *kv,
                         size_t i,
                         struct exec_cred_list *list,
                         struct error *err)
{
    char nkey[64], vkey[64];
    const char *name, *value;

    snprintf (nkey, sizeof (nkey), "cred.%zu.name", i);
    snprintf (vkey, sizeof (vkey), "cred.%zu.value", i);
    if (kv_get_string (kv, nkey, &name) < 0
        || kv_get_string (kv, vkey, &value) < 0)
        return error_errno (err, ENOENT, "missing or malformed cred.%zu", i);
    return add_entry (list, name, strlen (name), value, strlen (value), err);
}

int exec_cred_decode (const struct kv *kv,
                      struct exec_cred_list **listp,
                      size_t *nkeysp,
                      struct error *err)
{
    struct exec_cred_list *list;
    size_t n;

    if (!kv || !listp || !nkeysp)
        return error_errno (err, EINVAL, "invalid argument");
    if (decode_count (kv, &n, err) < 0)
        return -1;
    if (!(list = list_create (n)))
        return error_errno (err, ENOMEM, "out of memory");
    for (size_t i = 0; i < n; i++) {
        if (decode_entry (kv, i, list, err) < 0) {
            exec_cred_list_destroy (list);
            return -1;
        }
    }
    *listp = list;
    *nkeysp = n ? 1 + 2 * n : 0;
    return 0;
}

void exec_cred_kv_wipe (struct kv *kv)
{
    char key[64];

    for (size_t i = 0; i < EXEC_CRED_COUNT_MAX; i++) {
        snprintf (key, sizeof (key), "cred.%zu.value", i);
        (void)kv_delete (kv, key);
    }
}
