/* cf.c - the security-checked configuration loader (see cf.h).
 *
 * SECURITY INVARIANTS
 * - Every file is opened by pathsec_open_config() and read from the
 *   descriptor that was checked, with a cap of TOML_MAX_SIZE bytes.
 * - Whether path paranoia applies is decided by the caller's flags and
 *   the effective uid only, never by the content of a file.
 * - A load is all or nothing: a failure in any file frees everything.
 * - Nothing here trusts the TOML tree beyond toml.h's contract; recursion
 *   is bounded by TOML_MAX_DEPTH and checked again here.
 */
#if HAVE_CONFIG_H
#include "config.h"
#endif
#include <errno.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cf.h"
#include "pathsec.h"

struct cf_file {
    char *name;
    struct toml_value *root;
    struct cf_file *next;
};

/* A top-level key of the merged configuration and the file it came from. */
struct cf_item {
    const struct toml_keyval *kv;
    const struct cf_file *file;
};

struct cf {
    struct cf_file *files; /* in load order */
    struct cf_item *items;
    size_t count;
    size_t size;
    char *source; /* the pattern loaded, for errors about the top level */
};

/* A dotted key being built, for messages: printable bytes only. */
struct keybuf {
    char text[256];
    size_t len;
};

/* Context of a schema check or a JSON conversion. */
struct walkctx {
    const char *file;
    struct keybuf key;
    int flags;
    bool skip_required; /* checking one file of several */
    struct error *err;
};

/* Append 'key' (keylen bytes) to 'kb', after a dot unless first; escape
 * what is not printable.  Return the previous length, for key_pop().
 */
static size_t key_push (struct keybuf *kb, const char *key, size_t keylen)
{
    size_t old = kb->len;
    size_t room = sizeof (kb->text);
    int n;

    if (old > 0 && old + 1 < room)
        kb->text[kb->len++] = '.';
    for (size_t i = 0; i < keylen && kb->len + 5 < room; i++) {
        unsigned char c = (unsigned char)key[i];
        if (c < 0x20 || c == 0x7f || c == '\'' || c == '\\') {
            n = snprintf (kb->text + kb->len, room - kb->len, "\\x%02x", c);
            kb->len += (size_t)n;
        }
        else
            kb->text[kb->len++] = (char)c;
    }
    kb->text[kb->len] = '\0';
    return old;
}

static size_t key_push_index (struct keybuf *kb, size_t index)
{
    size_t old = kb->len;
    int n = snprintf (kb->text + kb->len, sizeof (kb->text) - kb->len, "[%zu]",
                      index);

    if (n > 0 && kb->len + (size_t)n < sizeof (kb->text))
        kb->len += (size_t)n;
    kb->text[kb->len] = '\0';
    return old;
}

static void key_pop (struct keybuf *kb, size_t old)
{
    kb->len = old;
    kb->text[old] = '\0';
}

const char *cf_type_name (enum cf_type type)
{
    switch (type) {
    case CF_INT64:
        return "int64";
    case CF_DOUBLE:
        return "double";
    case CF_BOOL:
        return "bool";
    case CF_STRING:
        return "string";
    case CF_TIMESTAMP:
        return "timestamp";
    case CF_TABLE:
        return "table";
    case CF_ARRAY:
        return "array";
    case CF_ANY:
        break;
    }
    return "any";
}

static enum cf_type type_of (const struct toml_value *v)
{
    switch (v->type) {
    case TOML_STRING:
        return CF_STRING;
    case TOML_INTEGER:
        return CF_INT64;
    case TOML_FLOAT:
        return CF_DOUBLE;
    case TOML_BOOL:
        return CF_BOOL;
    case TOML_DATETIME:
    case TOML_DATETIME_LOCAL:
    case TOML_DATE_LOCAL:
    case TOML_TIME_LOCAL:
        return CF_TIMESTAMP;
    case TOML_ARRAY:
        return CF_ARRAY;
    case TOML_TABLE:
        return CF_TABLE;
    }
    return CF_ANY;
}

/* Does 'v' have type 'want' (CF_ANY: any)?  A string must not contain
 * NUL: 'nul' is set when that is the only problem.
 */
static bool type_ok (const struct toml_value *v, enum cf_type want, bool *nul)
{
    *nul = false;
    if (want != CF_ANY && type_of (v) != want)
        return false;
    if (v->type == TOML_STRING && strlen (v->u.string.ptr) != v->u.string.len)
        *nul = (want == CF_STRING);
    return !*nul;
}

static int
type_error (struct walkctx *ctx, unsigned int line, enum cf_type want, bool nul)
{
    if (nul)
        return error_errno (ctx->err, EINVAL,
                            "%s:%u: '%s' must not contain"
                            " a NUL character",
                            ctx->file, line, ctx->key.text);
    return error_errno (ctx->err, EINVAL, "%s:%u: '%s' must be of type %s",
                        ctx->file, line, ctx->key.text, cf_type_name (want));
}

/* Create, free, merge */

struct cf *cf_create (void)
{
    return calloc (1, sizeof (struct cf));
}

void cf_destroy (struct cf *cf)
{
    int saved_errno = errno;

    if (cf) {
        while (cf->files) {
            struct cf_file *f = cf->files;
            cf->files = f->next;
            toml_destroy (f->root);
            free (f->name);
            free (f);
        }
        free (cf->items);
        free (cf->source);
        free (cf);
    }
    errno = saved_errno;
}

static bool key_equal (const struct toml_keyval *a, const struct toml_keyval *b)
{
    return a->keylen == b->keylen && !memcmp (a->key, b->key, a->keylen);
}

/* Make room for 'more' items (before anything is changed). */
static int reserve_items (struct cf *cf, size_t more)
{
    struct cf_item *items;
    size_t size;

    if (more > SIZE_MAX / sizeof (*items) - cf->count)
        return -1;
    size = cf->count + more;
    if (size <= cf->size)
        return 0;
    if (!(items = realloc (cf->items, size * sizeof (*items))))
        return -1;
    cf->items = items;
    cf->size = size;
    return 0;
}

/* The merge rule: a top-level key of 'f' replaces the value of an earlier
 * file for that key wholesale, or is added.  Keys are unique within one
 * file (TOML), so only the items of earlier files are searched.
 */
static void merge (struct cf *cf, const struct cf_file *f)
{
    const struct toml_table *t = &f->root->u.table;
    size_t earlier = cf->count;

    for (size_t i = 0; i < t->count; i++) {
        const struct toml_keyval *kv = &t->items[i];
        size_t j;
        for (j = 0; j < earlier; j++)
            if (key_equal (cf->items[j].kv, kv))
                break;
        if (j == earlier)
            j = cf->count++;
        cf->items[j].kv = kv;
        cf->items[j].file = f;
    }
}

/* Report a toml_parse() failure as "<name>:<line>:<column>: <text>". */
static int
parse_error (const char *name, const struct toml_error *terr, struct error *err)
{
    int errnum = errno ? errno : EINVAL;

    if (terr->line && terr->column)
        return error_errno (err, errnum, "%s:%u:%u: %s", name, terr->line,
                            terr->column, terr->text);
    if (terr->line)
        return error_errno (err, errnum, "%s:%u: %s", name, terr->line,
                            terr->text);
    return error_errno (err, errnum, "%s: %s", name, terr->text);
}

int cf_update_buffer (struct cf *cf,
                      const char *name,
                      const char *buf,
                      size_t len,
                      struct error *err)
{
    struct toml_error terr = {0};
    struct toml_value *root = NULL;
    struct cf_file **tail;
    struct cf_file *f = NULL;

    if (!cf || !name || (!buf && len > 0))
        return error_errno (err, EINVAL,
                            "cf_update_buffer: invalid"
                            " argument");
    errno = 0;
    if (toml_parse (buf ? buf : "", len, &root, &terr) < 0)
        return parse_error (name, &terr, err);
    if (root->type != TOML_TABLE) {
        toml_destroy (root);
        return error_errno (err, EINVAL, "%s: not a TOML table", name);
    }
    if (!(f = calloc (1, sizeof (*f))) || !(f->name = strdup (name))
        || reserve_items (cf, root->u.table.count) < 0) {
        if (f)
            free (f->name);
        free (f);
        toml_destroy (root);
        return error_errno (err, ENOMEM, "%s: out of memory", name);
    }
    f->root = root;
    tail = &cf->files;
    while (*tail)
        tail = &(*tail)->next;
    *tail = f;
    merge (cf, f);
    return 0;
}

/* Loading files */

/* glob(3) gives its error callback no user data: the first error is
 * kept here, per thread, and read right after glob() returns.
 */
static __thread struct {
    char path[PATHSEC_PATH_MAX];
    int errnum;
} glob_failure;

static int glob_errfunc (const char *epath, int eerrno)
{
    if (glob_failure.errnum == 0) {
        snprintf (glob_failure.path, sizeof (glob_failure.path), "%s", epath);
        glob_failure.errnum = eerrno ? eerrno : EIO;
    }
    return 1; /* stop */
}

static int cmp_path (const void *a, const void *b)
{
    return strcmp (*(char *const *)a, *(char *const *)b);
}

/* Expand 'pattern' into g (sorted by byte value, whatever the locale). */
static int expand (const char *pattern, glob_t *g, struct error *err)
{
    int rc;

    glob_failure.errnum = 0;
    rc = glob (pattern, GLOB_ERR, glob_errfunc, g);
    if (rc == 0) {
        qsort (g->gl_pathv, g->gl_pathc, sizeof (char *), cmp_path);
        return 0;
    }
    if (rc == GLOB_NOMATCH)
        error_errno (err, ENOENT, "%s: No match", pattern);
    else if (rc == GLOB_ABORTED && glob_failure.errnum)
        error_errno (err, glob_failure.errnum, "%s: Read error (%s: %s)",
                     pattern, glob_failure.path,
                     strerror (glob_failure.errnum));
    else if (rc == GLOB_ABORTED)
        error_errno (err, EIO, "%s: Read error", pattern);
    else
        error_errno (err, ENOMEM, "%s: out of memory", pattern);
    globfree (g);
    return -1;
}

static int
load_file (struct cf *cf, const char *path, bool paranoid, struct error *err)
{
    char *buf = NULL;
    size_t len;
    int fd;
    int rc = -1;

    fd = pathsec_open_config (path, paranoid ? PATHSEC_PARANOIA : 0, err);
    if (fd < 0)
        return -1;
    if (pathsec_read (fd, path, TOML_MAX_SIZE, &buf, &len, err) < 0)
        goto out;
    rc = cf_update_buffer (cf, path, buf, len, err);
out:
    close (fd);
    free (buf);
    return rc;
}

static int paranoia (int flags, bool *paranoidp, struct error *err)
{
    if (flags & ~(CF_PARANOIA_FORCE | CF_PARANOIA_DISABLE)
        || (flags & CF_PARANOIA_FORCE && flags & CF_PARANOIA_DISABLE))
        return error_errno (err, EINVAL, "cf_load: invalid flags");
    if (flags & CF_PARANOIA_FORCE)
        *paranoidp = true;
    else
        *paranoidp = (geteuid () == 0 && !(flags & CF_PARANOIA_DISABLE));
    return 0;
}

int cf_load (const char *pattern, int flags, struct cf **cfp, struct error *err)
{
    glob_t g = {0};
    struct cf *cf = NULL;
    bool paranoid = true;

    if (!pattern || !*pattern || !cfp)
        return error_errno (err, EINVAL, "cf_load: invalid argument");
    if (paranoia (flags, &paranoid, err) < 0)
        return -1;
    if (!(cf = cf_create ()) || !(cf->source = strdup (pattern))) {
        cf_destroy (cf);
        return error_errno (err, ENOMEM, "%s: out of memory", pattern);
    }
    if (expand (pattern, &g, err) < 0)
        goto error;
    for (size_t i = 0; i < g.gl_pathc; i++)
        if (load_file (cf, g.gl_pathv[i], paranoid, err) < 0)
            goto error_glob;
    globfree (&g);
    *cfp = cf;
    return 0;
error_glob:
    globfree (&g);
error:
    cf_destroy (cf);
    return -1;
}

/* Lookup */

static const struct cf_item *
find_top (const struct cf *cf, const char *key, size_t keylen)
{
    for (size_t i = 0; i < cf->count; i++) {
        const struct toml_keyval *kv = cf->items[i].kv;
        if (kv->keylen == keylen && !memcmp (kv->key, key, keylen))
            return &cf->items[i];
    }
    return NULL;
}

static const struct toml_keyval *
find_in (const struct toml_value *table, const char *key, size_t keylen)
{
    const struct toml_table *t = &table->u.table;

    for (size_t i = 0; i < t->count; i++)
        if (t->items[i].keylen == keylen
            && !memcmp (t->items[i].key, key, keylen))
            return &t->items[i];
    return NULL;
}

/* Walk dotted 'path' to its key/value, in the merged configuration, or
 * in the one file 'f' if not NULL.  Every component but the last must be
 * a table.  ENOENT if absent, EINVAL on a bad path or type.
 */
static int lookup (const struct cf *cf,
                   const struct cf_file *f,
                   const char *path,
                   struct walkctx *ctx,
                   const struct toml_keyval **kvp)
{
    const struct toml_keyval *kv = NULL;
    const char *p = path;

    do {
        const char *dot = strchr (p, '.');
        size_t len = dot ? (size_t)(dot - p) : strlen (p);
        bool nul;
        if (len == 0)
            return error_errno (ctx->err, EINVAL, "'%s': invalid key path",
                                path);
        if (kv && !type_ok (kv->value, CF_TABLE, &nul))
            return type_error (ctx, kv->line, CF_TABLE, false);
        key_push (&ctx->key, p, len);
        if (!kv && f) {
            kv = find_in (f->root, p, len);
            ctx->file = f->name;
        }
        else if (!kv) {
            const struct cf_item *item = find_top (cf, p, len);
            kv = item ? item->kv : NULL;
            ctx->file = item ? item->file->name : NULL;
        }
        else
            kv = find_in (kv->value, p, len);
        if (!kv)
            return error_errno (ctx->err, ENOENT, "'%s' is not set", path);
        p = dot ? dot + 1 : NULL;
    } while (p);
    *kvp = kv;
    return 0;
}

int cf_get (const struct cf *cf,
            const char *path,
            enum cf_type type,
            struct cf_value *vp,
            struct error *err)
{
    struct walkctx ctx = {.err = err};
    const struct toml_keyval *kv;
    bool nul;

    if (!cf || !path)
        return error_errno (err, EINVAL, "cf_get: invalid argument");
    if (lookup (cf, NULL, path, &ctx, &kv) < 0)
        return -1;
    if (!type_ok (kv->value, type, &nul))
        return type_error (&ctx, kv->line, type, nul);
    if (vp) {
        vp->value = kv->value;
        vp->file = ctx.file;
        vp->line = kv->line;
        vp->column = kv->column;
    }
    return 0;
}

int cf_get_string (const struct cf *cf,
                   const char *path,
                   const char **sp,
                   struct error *err)
{
    struct cf_value v;

    if (cf_get (cf, path, CF_STRING, &v, err) < 0)
        return -1;
    *sp = v.value->u.string.ptr;
    return 0;
}

int cf_get_int64 (const struct cf *cf,
                  const char *path,
                  int64_t *ip,
                  struct error *err)
{
    struct cf_value v;

    if (cf_get (cf, path, CF_INT64, &v, err) < 0)
        return -1;
    *ip = v.value->u.integer;
    return 0;
}

int cf_get_bool (const struct cf *cf,
                 const char *path,
                 bool *bp,
                 struct error *err)
{
    struct cf_value v;

    if (cf_get (cf, path, CF_BOOL, &v, err) < 0)
        return -1;
    *bp = v.value->u.boolean;
    return 0;
}

int cf_get_strings (const struct cf *cf,
                    const char *path,
                    const char ***strvp,
                    struct error *err)
{
    const struct toml_array *a;
    struct cf_value v;
    const char **strv;
    bool nul;

    if (cf_get (cf, path, CF_ARRAY, &v, err) < 0)
        return -1;
    a = &v.value->u.array;
    for (size_t i = 0; i < a->count; i++) {
        if (!type_ok (a->items[i], CF_STRING, &nul))
            return error_errno (err, EINVAL, "%s:%u: '%s[%zu]' %s", v.file,
                                a->items[i]->line, path, i,
                                nul ? "must not contain a NUL character"
                                    : "must be of type string");
    }
    if (!(strv = calloc (a->count + 1, sizeof (*strv))))
        return error_errno (err, ENOMEM, "out of memory");
    for (size_t i = 0; i < a->count; i++)
        strv[i] = a->items[i]->u.string.ptr;
    *strvp = strv;
    return 0;
}

/* Schema check */

static int check_table (struct walkctx *ctx,
                        const struct toml_value *table,
                        unsigned int line,
                        const struct cf_schema *schema,
                        int depth);

static const struct cf_schema *schema_find (const struct cf_schema *schema,
                                            const struct toml_keyval *kv)
{
    for (; schema && schema->key; schema++)
        if (strlen (schema->key) == kv->keylen
            && !memcmp (schema->key, kv->key, kv->keylen))
            return schema;
    return NULL;
}

static int check_array (struct walkctx *ctx,
                        const struct toml_value *v,
                        const struct cf_schema *s,
                        int depth)
{
    const struct toml_array *a = &v->u.array;
    bool nul;

    for (size_t i = 0; i < a->count; i++) {
        const struct toml_value *e = a->items[i];
        size_t old = key_push_index (&ctx->key, i);
        if (!type_ok (e, s->elem, &nul))
            return type_error (ctx, e->line, s->elem, nul);
        if (e->type == TOML_TABLE && s->table
            && check_table (ctx, e, e->line, s->table, depth + 1) < 0)
            return -1;
        key_pop (&ctx->key, old);
    }
    return 0;
}

/* CF_EACH: every value of table 'v' is a table checked against s->table. */
static int check_each (struct walkctx *ctx,
                       const struct toml_value *v,
                       const struct cf_schema *s,
                       int depth)
{
    const struct toml_table *t = &v->u.table;
    bool nul;

    for (size_t i = 0; i < t->count; i++) {
        const struct toml_keyval *kv = &t->items[i];
        size_t old = key_push (&ctx->key, kv->key, kv->keylen);
        if (!type_ok (kv->value, CF_TABLE, &nul))
            return type_error (ctx, kv->line, CF_TABLE, false);
        if (s->table
            && check_table (ctx, kv->value, kv->line, s->table, depth + 1) < 0)
            return -1;
        key_pop (&ctx->key, old);
    }
    return 0;
}

/* Check one key/value of a table against the table's schema. */
static int check_keyval (struct walkctx *ctx,
                         const struct toml_keyval *kv,
                         const struct cf_schema *schema,
                         int depth)
{
    const struct cf_schema *s = schema_find (schema, kv);
    size_t old = key_push (&ctx->key, kv->key, kv->keylen);
    bool nul;
    int rc = -1;

    if (!s) {
        if ((ctx->flags & CF_STRICT)
            && !((ctx->flags & CF_ANYTAB) && kv->value->type == TOML_TABLE))
            return error_errno (ctx->err, EINVAL,
                                "%s:%u: key '%s' is"
                                " unknown",
                                ctx->file, kv->line, ctx->key.text);
        rc = 0;
        goto out;
    }
    if (!type_ok (kv->value, s->type, &nul))
        return type_error (ctx, kv->line, s->type, nul);
    if (kv->value->type == TOML_ARRAY && s->type == CF_ARRAY)
        rc = check_array (ctx, kv->value, s, depth);
    else if (kv->value->type == TOML_TABLE && (s->flags & CF_EACH))
        rc = check_each (ctx, kv->value, s, depth);
    else if (kv->value->type == TOML_TABLE && s->table)
        rc = check_table (ctx, kv->value, kv->line, s->table, depth + 1);
    else
        rc = 0;
out:
    if (rc == 0)
        key_pop (&ctx->key, old);
    return rc;
}

static int
missing (struct walkctx *ctx, unsigned int line, const struct cf_schema *s)
{
    key_push (&ctx->key, s->key, strlen (s->key));
    if (line)
        return error_errno (ctx->err, ENOENT, "%s:%u: '%s' must be set",
                            ctx->file, line, ctx->key.text);
    return error_errno (ctx->err, ENOENT, "%s: '%s' must be set",
                        ctx->file ? ctx->file : "configuration", ctx->key.text);
}

/* Check 'table' (whose own key is at 'line' of ctx->file). */
static int check_table (struct walkctx *ctx,
                        const struct toml_value *table,
                        unsigned int line,
                        const struct cf_schema *schema,
                        int depth)
{
    const struct toml_table *t = &table->u.table;

    if (depth > TOML_MAX_DEPTH)
        return error_errno (ctx->err, E2BIG,
                            "%s:%u: '%s' is nested too"
                            " deeply",
                            ctx->file, line, ctx->key.text);
    for (size_t i = 0; i < t->count; i++)
        if (check_keyval (ctx, &t->items[i], schema, depth) < 0)
            return -1;
    for (const struct cf_schema *s = schema; s && s->key; s++)
        if ((s->flags & CF_REQUIRED) && !ctx->skip_required
            && !find_in (table, s->key, strlen (s->key)))
            return missing (ctx, line, s);
    return 0;
}

/* Check every file on its own, without the required keys (which may
 * come from another file), so that a misspelt key or a wrong type is
 * reported even in a table that a later file replaced.
 */
static int check_files (const struct cf *cf,
                        const char *path,
                        const struct cf_schema *schema,
                        struct walkctx *ctx)
{
    const struct toml_keyval *kv;
    bool nul;

    ctx->skip_required = true;
    for (const struct cf_file *f = cf->files; f; f = f->next) {
        ctx->file = f->name;
        if (!path) {
            if (check_table (ctx, f->root, 0, schema, 1) < 0)
                return -1;
            continue;
        }
        if (lookup (cf, f, path, ctx, &kv) < 0) {
            if (errno != ENOENT)
                return -1;
            key_pop (&ctx->key, 0);
            continue;
        }
        if (!type_ok (kv->value, CF_TABLE, &nul))
            return type_error (ctx, kv->line, CF_TABLE, false);
        if (check_table (ctx, kv->value, kv->line, schema, 1) < 0)
            return -1;
        key_pop (&ctx->key, 0);
    }
    ctx->skip_required = false;
    return 0;
}

/* Check the merged top level, now with the required keys. */
static int check_top (const struct cf *cf,
                      const struct cf_schema *schema,
                      struct walkctx *ctx)
{
    for (size_t i = 0; i < cf->count; i++) {
        ctx->file = cf->items[i].file->name;
        if (check_keyval (ctx, cf->items[i].kv, schema, 1) < 0)
            return -1;
    }
    for (const struct cf_schema *s = schema; s && s->key; s++) {
        if ((s->flags & CF_REQUIRED)
            && !find_top (cf, s->key, strlen (s->key))) {
            ctx->file = cf->source;
            return missing (ctx, 0, s);
        }
    }
    return 0;
}

int cf_check (const struct cf *cf,
              const char *path,
              const struct cf_schema *schema,
              int flags,
              struct error *err)
{
    struct walkctx ctx = {.flags = flags, .err = err};
    const struct toml_keyval *kv;
    bool nul;

    if (!cf || (flags & ~(CF_STRICT | CF_ANYTAB)))
        return error_errno (err, EINVAL, "cf_check: invalid argument");
    if (path && !*path)
        path = NULL;
    if (check_files (cf, path, schema, &ctx) < 0)
        return -1;
    if (!path)
        return check_top (cf, schema, &ctx);
    if (lookup (cf, NULL, path, &ctx, &kv) < 0) {
        if (errno == ENOENT)
            error_set (err, "%s: '%s' must be set",
                       cf->source ? cf->source : "configuration", path);
        return -1;
    }
    if (!type_ok (kv->value, CF_TABLE, &nul))
        return type_error (&ctx, kv->line, CF_TABLE, false);
    return check_table (&ctx, kv->value, kv->line, schema, 1);
}

/* JSON */

static json_t *
value_to_json (struct walkctx *ctx, const struct toml_value *v, int depth);

static json_t *json_error (struct walkctx *ctx,
                           const struct toml_value *v,
                           int errnum,
                           const char *what)
{
    error_errno (ctx->err, errnum, "%s:%u: '%s' %s", ctx->file, v->line,
                 ctx->key.text, what);
    return NULL;
}

static json_t *
table_to_json (struct walkctx *ctx, const struct toml_value *v, int depth)
{
    const struct toml_table *t = &v->u.table;
    json_t *o;

    if (!(o = json_object ()))
        return json_error (ctx, v, ENOMEM, "out of memory");
    for (size_t i = 0; i < t->count; i++) {
        const struct toml_keyval *kv = &t->items[i];
        size_t old = key_push (&ctx->key, kv->key, kv->keylen);
        json_t *val = value_to_json (ctx, kv->value, depth + 1);
        if (!val || json_object_setn_new (o, kv->key, kv->keylen, val) < 0) {
            if (val)
                json_error (ctx, kv->value, EINVAL, "key is not valid");
            json_decref (o);
            return NULL;
        }
        key_pop (&ctx->key, old);
    }
    return o;
}

static json_t *
array_to_json (struct walkctx *ctx, const struct toml_value *v, int depth)
{
    const struct toml_array *a = &v->u.array;
    json_t *o;

    if (!(o = json_array ()))
        return json_error (ctx, v, ENOMEM, "out of memory");
    for (size_t i = 0; i < a->count; i++) {
        size_t old = key_push_index (&ctx->key, i);
        json_t *val = value_to_json (ctx, a->items[i], depth + 1);
        if (!val || json_array_append_new (o, val) < 0) {
            if (val)
                json_error (ctx, a->items[i], ENOMEM, "out of memory");
            json_decref (o);
            return NULL;
        }
        key_pop (&ctx->key, old);
    }
    return o;
}

static json_t *scalar_to_json (struct walkctx *ctx, const struct toml_value *v)
{
    json_t *o = NULL;

    switch (v->type) {
    case TOML_STRING:
        o = json_stringn (v->u.string.ptr, v->u.string.len);
        break;
    case TOML_INTEGER:
        o = json_integer ((json_int_t)v->u.integer);
        break;
    case TOML_FLOAT:
        if (!(o = json_real (v->u.fp)))
            return json_error (ctx, v, EINVAL,
                               "cannot be represented in"
                               " JSON (nan or inf)");
        break;
    case TOML_BOOL:
        o = json_boolean (v->u.boolean);
        break;
    default:
        o = json_pack ("{s:s}", "iso-8601-ts", v->u.datetime.text);
        break;
    }
    if (!o)
        return json_error (ctx, v, EINVAL, "cannot be converted to JSON");
    return o;
}

static json_t *
value_to_json (struct walkctx *ctx, const struct toml_value *v, int depth)
{
    if (depth > TOML_MAX_DEPTH + 1)
        return json_error (ctx, v, E2BIG, "is nested too deeply");
    if (v->type == TOML_TABLE)
        return table_to_json (ctx, v, depth);
    if (v->type == TOML_ARRAY)
        return array_to_json (ctx, v, depth);
    return scalar_to_json (ctx, v);
}

json_t *cf_to_json (const struct cf *cf, struct error *err)
{
    struct walkctx ctx = {.err = err};
    json_t *o;

    if (!cf) {
        error_errno (err, EINVAL, "cf_to_json: invalid argument");
        return NULL;
    }
    if (!(o = json_object ())) {
        error_errno (err, ENOMEM, "out of memory");
        return NULL;
    }
    for (size_t i = 0; i < cf->count; i++) {
        const struct toml_keyval *kv = cf->items[i].kv;
        size_t old = key_push (&ctx.key, kv->key, kv->keylen);
        json_t *val;
        ctx.file = cf->items[i].file->name;
        val = value_to_json (&ctx, kv->value, 1);
        if (!val || json_object_setn_new (o, kv->key, kv->keylen, val) < 0) {
            if (val)
                json_error (&ctx, kv->value, EINVAL, "key is not valid");
            json_decref (o);
            return NULL;
        }
        key_pop (&ctx.key, old);
    }
    return o;
}
