/* toml.c - a complete, pure and bounded TOML 1.0 parser (see toml.h).
 *
 * The parse runs in three steps:
 *   1. limits: size, then lines (before looking at anything else);
 *   2. a scan of the whole text: valid UTF-8 (no overlong forms, no
 *      surrogates, nothing above U+10FFFF) and no control character
 *      other than tab and the LF / CRLF line ending.  No TOML construct
 *      admits any other control character, so the grammar below never
 *      has to check for them again;
 *   3. a recursive-descent parse.  Recursion happens only into arrays
 *      and inline tables, and only after a node of the new depth has
 *      been created: node_new() refuses depths over TOML_MAX_DEPTH, and
 *      the same check bounds the tables made by headers and dotted keys.
 *      A key path longer than TOML_MAX_DEPTH parts is refused too.
 *
 * Every value is allocated as a struct node whose first member is the
 * public struct toml_value; the node adds the bookkeeping of the
 * redefinition rules (flags), the depth and, for tables, a crit-bit
 * index of the keys.  The index makes every lookup and insertion cost
 * O(key length) whatever the keys are, so no input can make the parse
 * quadratic (a hash table with a fixed function could be flooded).
 *
 * Decisions where TOML 1.0 is silent:
 *   - A single UTF-8 byte order mark at the start is skipped; columns of
 *     line 1 count from after it.  Anywhere else U+FEFF is an ordinary
 *     character (so it can only appear in strings and comments).
 *   - Seconds may be 60 (RFC 3339 leap second).  For an offset date-time
 *     it must then fall at 23:59:60 UTC on the last day of a month; a
 *     local date-time or local time has no zone, so :60 is accepted.
 *   - Fractions of seconds may have any number of digits; beyond 9
 *     (nanoseconds) they are truncated, and 'text' keeps 9 digits.
 *   - Floats: the text is checked against the TOML grammar, copied
 *     without underscores and converted with strtod_l() in a "C" locale
 *     object owned by the parse, so the result is correctly rounded and
 *     independent of the process locale.  A finite literal too large for
 *     binary64 is an error ("float out of range"); underflow gives zero
 *     or a subnormal.
 *   - Newlines inside multi-line strings are returned as LF, whatever
 *     the file uses.
 *   - A dotted key may go through a table that a header created
 *     implicitly ([a.b.c] creates a.b) and marks it as defined by dotted
 *     keys, so a later [a.b] is a redefinition.
 */
#define _GNU_SOURCE
#if HAVE_CONFIG_H
#include "config.h"
#endif
#include <errno.h>
#include <inttypes.h>
#include <locale.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sodium.h>

#include "toml.h"

/* Node flags: how a table or an array came to exist. */
enum {
    F_IMPLICIT = 1, /* table created by a header path: [a.b] creates a */
    F_HEADER = 2,   /* table defined by [header] or [[header]], or root */
    F_DOTTED = 4,   /* table created or extended by a dotted key */
    F_SEALED = 8,   /* inline table or static array */
    F_AOT = 16,     /* array of tables made by [[header]] */
};

/* Crit-bit tree over the keys of one table.  A reference with
 * CB_INTERNAL set is an index into 'nodes', otherwise an index into the
 * table's items.  Keys are compared as strings of 9-bit symbols: byte i
 * of a key of length n is 0x100 | byte for i < n and 0 beyond, so keys
 * with embedded NUL and prefixes of each other stay distinct.
 */
#define CB_INTERNAL 0x80000000u

struct cbnode {
    uint32_t child[2];
    uint32_t byte; /* symbol index where the two sides first differ */
    uint32_t mask; /* the highest differing bit of that symbol */
};

struct cbindex {
    uint32_t root; /* meaningful when the table is not empty */
    struct cbnode *nodes;
    size_t count;
    size_t alloc;
};

struct node {
    struct toml_value v; /* first: toml_parse() hands out &node->v */
    unsigned int flags;
    unsigned int depth; /* containers from the root (root = 0) */
    size_t alloc;       /* capacity of the table or array items */
    struct cbindex idx; /* tables only */
};

struct keypart {
    char *s; /* owned until moved into a table */
    size_t len;
    size_t off;
    unsigned int line, column;
};

struct key {
    struct keypart part[TOML_MAX_DEPTH];
    size_t count;
};

struct parser {
    const char *buf;
    size_t len;
    size_t pos;
    size_t start; /* first byte after the byte order mark */
    struct node *root;
    struct node *cur; /* table that key/value pairs go to */
    char *tmp;        /* scratch for strings and floats */
    size_t tmplen;
    size_t tmpalloc;
    locale_t cloc; /* "C" locale for strtod_l(), created on demand */
    struct toml_error *err;
    size_t lc_off, lc_line, lc_start; /* locate() cache */
};

static void destroy_node (struct node *n);

/* Positions and errors */

/* Line and column (1-based, column in bytes) of offset 'off'.  Offsets
 * asked for in increasing order cost O(total length) overall.
 */
static void
locate (struct parser *p, size_t off, unsigned int *line, unsigned int *col)
{
    const char *nl;

    if (off > p->len)
        off = p->len;
    if (off < p->start)
        off = p->start;
    if (off < p->lc_off) {
        p->lc_off = p->lc_start = p->start;
        p->lc_line = 1;
    }
    while ((nl = memchr (p->buf + p->lc_off, '\n', off - p->lc_off))) {
        p->lc_line++;
        p->lc_off = p->lc_start = (size_t)(nl - p->buf) + 1;
    }
    p->lc_off = off;
    *line = (unsigned int)p->lc_line;
    *col = (unsigned int)(off - p->lc_start + 1);
}

/* Fill the error at offset 'off' (or without position if off is
 * SIZE_MAX), set errno to 'errnum' and return -1.
 */
static int fail (struct parser *p, size_t off, int errnum, const char *fmt, ...)
    __attribute__ ((format (printf, 4, 5)));

static int fail (struct parser *p, size_t off, int errnum, const char *fmt, ...)
{
    va_list ap;

    if (p->err) {
        if (off != SIZE_MAX)
            locate (p, off, &p->err->line, &p->err->column);
        va_start (ap, fmt);
        if (vsnprintf (p->err->text, sizeof (p->err->text), fmt, ap) < 0)
            p->err->text[0] = '\0';
        va_end (ap);
    }
    errno = errnum;
    return -1;
}

static int nomem (struct parser *p)
{
    return fail (p, SIZE_MAX, ENOMEM, "out of memory");
}

/* Render 'len' bytes of 's' for an error message: printable ASCII as
 * is, anything else as \xHH, truncated with "..." to fit 'size'.
 */
static void
show (char *out, size_t size, size_t *used, const char *s, size_t len)
{
    size_t n = *used;

    for (size_t i = 0; i < len && n + 8 < size; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 0x20 && c < 0x7f && c != '\\')
            out[n++] = (char)c;
        else
            n += (size_t)snprintf (out + n, size - n, "\\x%02X", c);
        if (n + 8 >= size && i + 1 < len) {
            memcpy (out + n, "...", 4);
            n += 3;
        }
    }
    out[n] = '\0';
    *used = n;
}

#define SHOW_MAX 96

/* The first 'n' parts of a key, joined with dots, for error messages. */
static const char *path_text (char *out, const struct key *k, size_t n)
{
    size_t used = 0;

    out[0] = '\0';
    for (size_t i = 0; i < n; i++) {
        if (i > 0 && used + 2 < SHOW_MAX)
            out[used++] = '.';
        show (out, SHOW_MAX, &used, k->part[i].s, k->part[i].len);
    }
    return out;
}

/* Nodes and tables */

static int node_new (struct parser *p,
                     enum toml_type type,
                     unsigned int depth,
                     unsigned int line,
                     unsigned int col,
                     size_t off,
                     struct node **np)
{
    struct node *n;

    if ((type == TOML_TABLE || type == TOML_ARRAY) && depth > TOML_MAX_DEPTH)
        return fail (p, off, E2BIG, "nesting deeper than %d", TOML_MAX_DEPTH);
    if (!(n = calloc (1, sizeof (*n))))
        return nomem (p);
    n->v.type = type;
    n->v.line = line;
    n->v.column = col;
    n->depth = depth;
    *np = n;
    return 0;
}

static struct node *node_of (const struct toml_value *v)
{
    return (struct node *)v;
}

static unsigned int sym (const char *key, size_t len, size_t i)
{
    return i < len ? 0x100u | (unsigned char)key[i] : 0;
}

/* Index of the item whose key shares the crit-bit path of 'key'
 * (the only candidate for equality).  The table must not be empty.
 */
static uint32_t cb_best (const struct node *t, const char *key, size_t len)
{
    const struct cbindex *ix = &t->idx;
    uint32_t ref = ix->root;

    while (ref & CB_INTERNAL) {
        const struct cbnode *q = &ix->nodes[ref & ~CB_INTERNAL];
        ref = q->child[(sym (key, len, q->byte) & q->mask) != 0];
    }
    return ref;
}

static struct toml_keyval *
table_find (const struct node *t, const char *key, size_t len)
{
    struct toml_keyval *kv;

    if (t->v.u.table.count == 0)
        return NULL;
    kv = &t->v.u.table.items[cb_best (t, key, len)];
    if (kv->keylen != len || memcmp (kv->key, key, len) != 0)
        return NULL;
    return kv;
}

/* Index item number 'leaf', whose key is not in the table yet. */
static int
cb_insert (struct node *t, const char *key, size_t len, uint32_t leaf)
{
    struct cbindex *ix = &t->idx;
    const struct toml_keyval *best;
    struct cbnode *q;
    uint32_t *where;
    unsigned int diff;
    size_t i = 0;
    int dir;

    if (leaf == 0) {
        ix->root = 0;
        return 0;
    }
    if (ix->count == ix->alloc) {
        size_t nalloc = ix->alloc ? ix->alloc * 2 : 4;
        struct cbnode *nodes = realloc (ix->nodes, nalloc * sizeof (*nodes));
        if (!nodes)
            return -1;
        ix->nodes = nodes;
        ix->alloc = nalloc;
    }
    best = &t->v.u.table.items[cb_best (t, key, len)];
    while (!(diff = sym (key, len, i) ^ sym (best->key, best->keylen, i)))
        i++;
    while (diff & (diff - 1))
        diff &= diff - 1;
    dir = (sym (key, len, i) & diff) != 0;
    where = &ix->root;
    while (*where & CB_INTERNAL) {
        q = &ix->nodes[*where & ~CB_INTERNAL];
        if (q->byte > i || (q->byte == i && q->mask < diff))
            break;
        where = &q->child[(sym (key, len, q->byte) & q->mask) != 0];
    }
    q = &ix->nodes[ix->count];
    q->byte = (uint32_t)i;
    q->mask = diff;
    q->child[dir] = leaf;
    q->child[!dir] = *where;
    *where = (uint32_t)ix->count++ | CB_INTERNAL;
    return 0;
}

static int grow (void **items, size_t *alloc, size_t count, size_t size)
{
    size_t nalloc;
    void *tmp;

    if (count < *alloc)
        return 0;
    nalloc = *alloc ? *alloc * 2 : 4;
    if (!(tmp = realloc (*items, nalloc * size)))
        return -1;
    *items = tmp;
    *alloc = nalloc;
    return 0;
}

/* Add key part 'kp' (which must not be in 't') with value 'v'.  On
 * success the table owns both (kp->s is cleared); on failure the
 * caller still owns them.
 */
static int
table_add (struct parser *p, struct node *t, struct keypart *kp, struct node *v)
{
    struct toml_table *tab = &t->v.u.table;
    struct toml_keyval *kv;

    if (tab->count >= CB_INTERNAL - 1
        || grow ((void **)&tab->items, &t->alloc, tab->count, sizeof (*kv)) < 0
        || cb_insert (t, kp->s, kp->len, (uint32_t)tab->count) < 0)
        return nomem (p);
    kv = &tab->items[tab->count++];
    kv->key = kp->s;
    kv->keylen = kp->len;
    kv->line = kp->line;
    kv->column = kp->column;
    kv->value = &v->v;
    kp->s = NULL;
    return 0;
}

static int array_add (struct parser *p, struct node *a, struct node *v)
{
    struct toml_array *arr = &a->v.u.array;

    if (grow ((void **)&arr->items, &a->alloc, arr->count, sizeof (v)) < 0)
        return nomem (p);
    arr->items[arr->count++] = &v->v;
    return 0;
}

/* Low-level scanning */

static int peek_at (const struct parser *p, size_t k)
{
    if (p->pos + k >= p->len)
        return -1;
    return (unsigned char)p->buf[p->pos + k];
}

static int peek (const struct parser *p)
{
    return peek_at (p, 0);
}

static void skip_ws (struct parser *p)
{
    while (p->pos < p->len && (p->buf[p->pos] == ' ' || p->buf[p->pos] == '\t'))
        p->pos++;
}

/* A CR is always followed by LF (checked by check_text()). */
static bool at_newline (const struct parser *p)
{
    int c = peek (p);
    return c == '\n' || c == '\r';
}

static void skip_newline (struct parser *p)
{
    if (peek (p) == '\r')
        p->pos++;
    if (peek (p) == '\n')
        p->pos++;
}

static void skip_comment (struct parser *p)
{
    const char *nl;

    if (peek (p) != '#')
        return;
    nl = memchr (p->buf + p->pos, '\n', p->len - p->pos);
    if (!nl) {
        p->pos = p->len;
        return;
    }
    p->pos = (size_t)(nl - p->buf);
    if (p->buf[p->pos - 1] == '\r')
        p->pos--;
}

/* Whitespace, comments and newlines, as allowed inside arrays. */
static void skip_wcn (struct parser *p)
{
    for (;;) {
        skip_ws (p);
        skip_comment (p);
        if (!at_newline (p))
            return;
        skip_newline (p);
    }
}

static int expect_eol (struct parser *p, const char *what)
{
    skip_ws (p);
    skip_comment (p);
    if (p->pos < p->len && !at_newline (p))
        return fail (p, p->pos, EINVAL, "expected newline after %s", what);
    skip_newline (p);
    return 0;
}

static int tmp_put (struct parser *p, const char *s, size_t n)
{
    if (p->tmpalloc - p->tmplen < n + 1) {
        size_t nalloc = p->tmpalloc ? p->tmpalloc : 64;
        char *tmp;
        while (nalloc - p->tmplen < n + 1)
            nalloc *= 2;
        /* not realloc: strings may be secrets (a certificate's secret
         * key), so the old scratch is wiped, not left behind */
        if (!(tmp = malloc (nalloc)))
            return nomem (p);
        if (p->tmp) {
            memcpy (tmp, p->tmp, p->tmplen + 1);
            sodium_memzero (p->tmp, p->tmpalloc);
            free (p->tmp);
        }
        p->tmp = tmp;
        p->tmpalloc = nalloc;
    }
    memcpy (p->tmp + p->tmplen, s, n);
    p->tmplen += n;
    p->tmp[p->tmplen] = '\0';
    return 0;
}

/* Input checks */

static int check_limits (struct parser *p)
{
    size_t lines = 0;
    const char *s = p->buf;
    const char *end;
    const char *nl;

    /* check the length before any pointer arithmetic uses it */
    if (p->len > TOML_MAX_SIZE)
        return fail (p, SIZE_MAX, E2BIG, "input larger than %d bytes",
                     TOML_MAX_SIZE);
    end = p->buf + p->len;
    while ((nl = memchr (s, '\n', (size_t)(end - s)))) {
        lines++;
        s = nl + 1;
    }
    if (s < end)
        lines++;
    if (lines > TOML_MAX_LINES)
        return fail (p, SIZE_MAX, E2BIG, "more than %d lines", TOML_MAX_LINES);
    return 0;
}

/* Length of the valid UTF-8 sequence at 's' (n > 0 bytes left) or 0. */
static size_t utf8_seq (const unsigned char *s, size_t n)
{
    unsigned int lo = 0x80, hi = 0xbf;
    size_t len;

    if (s[0] < 0x80)
        return 1;
    if (s[0] < 0xc2)
        return 0;
    if (s[0] < 0xe0)
        len = 2;
    else if (s[0] < 0xf0) {
        len = 3;
        if (s[0] == 0xe0)
            lo = 0xa0; /* overlong */
        else if (s[0] == 0xed)
            hi = 0x9f; /* surrogates */
    }
    else if (s[0] < 0xf5) {
        len = 4;
        if (s[0] == 0xf0)
            lo = 0x90; /* overlong */
        else if (s[0] == 0xf4)
            hi = 0x8f; /* above U+10FFFF */
    }
    else
        return 0;
    if (n < len || s[1] < lo || s[1] > hi)
        return 0;
    for (size_t i = 2; i < len; i++) {
        if ((s[i] & 0xc0) != 0x80)
            return 0;
    }
    return len;
}

static int check_text (struct parser *p)
{
    const unsigned char *s = (const unsigned char *)p->buf;
    size_t i = p->start;
    size_t n;

    while (i < p->len) {
        unsigned char c = s[i];
        if ((c >= 0x20 && c < 0x7f) || c == '\t' || c == '\n') {
            i++;
            continue;
        }
        if (c == '\r') {
            if (i + 1 < p->len && s[i + 1] == '\n') {
                i += 2;
                continue;
            }
            return fail (p, i, EINVAL,
                         "carriage return not followed by "
                         "line feed");
        }
        if (c == 0)
            return fail (p, i, EINVAL, "embedded NUL byte");
        if (c < 0x20 || c == 0x7f)
            return fail (p, i, EINVAL, "control character U+%04X not allowed",
                         c);
        if (!(n = utf8_seq (s + i, p->len - i)))
            return fail (p, i, EINVAL, "invalid UTF-8");
        i += n;
    }
    return 0;
}

/* Strings */

static int hexval (int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

static int put_utf8 (struct parser *p, uint32_t cp)
{
    char b[4];
    size_t n;

    if (cp < 0x80) {
        b[0] = (char)cp;
        n = 1;
    }
    else if (cp < 0x800) {
        b[0] = (char)(0xc0 | (cp >> 6));
        b[1] = (char)(0x80 | (cp & 0x3f));
        n = 2;
    }
    else if (cp < 0x10000) {
        b[0] = (char)(0xe0 | (cp >> 12));
        b[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
        b[2] = (char)(0x80 | (cp & 0x3f));
        n = 3;
    }
    else {
        b[0] = (char)(0xf0 | (cp >> 18));
        b[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
        b[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
        b[3] = (char)(0x80 | (cp & 0x3f));
        n = 4;
    }
    return tmp_put (p, b, n);
}

/* \uXXXX or \UXXXXXXXX at p->pos (the backslash). */
static int parse_unicode_escape (struct parser *p, size_t ndigits)
{
    size_t off = p->pos;
    uint32_t cp = 0;

    for (size_t i = 0; i < ndigits; i++) {
        int d = hexval (peek_at (p, 2 + i));
        if (d < 0)
            return fail (p, off, EINVAL,
                         "invalid escape '\\%c' in string: "
                         "expected %zu hex digits",
                         ndigits == 4 ? 'u' : 'U', ndigits);
        cp = (cp << 4) | (uint32_t)d;
    }
    if ((cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
        return fail (p, off, EINVAL,
                     "invalid escape '\\%c%.*s' in string: "
                     "not a Unicode scalar value",
                     ndigits == 4 ? 'u' : 'U', (int)ndigits, p->buf + off + 2);
    p->pos += 2 + ndigits;
    return put_utf8 (p, cp);
}

/* The escape sequence at p->pos (the backslash) of a basic string. */
static int parse_escape (struct parser *p)
{
    static const char from[] = "btnfr\"\\";
    static const char to[] = "\b\t\n\f\r\"\\";
    int c = peek_at (p, 1);
    const char *e;

    if (c == 'u')
        return parse_unicode_escape (p, 4);
    if (c == 'U')
        return parse_unicode_escape (p, 8);
    if (c > 0 && (e = strchr (from, c))) {
        p->pos += 2;
        return tmp_put (p, &to[e - from], 1);
    }
    if (c > 0x20 && c < 0x7f)
        return fail (p, p->pos, EINVAL, "invalid escape '\\%c' in string", c);
    return fail (p, p->pos, EINVAL, "invalid escape in string");
}

/* Copy bytes up to (not including) the first byte of 'stop' or the
 * end.  The text holds no NUL (check_text()), so strchr() is safe.
 */
static int copy_run (struct parser *p, const char *stop)
{
    size_t i = p->pos;
    size_t from = p->pos;

    while (i < p->len && !strchr (stop, p->buf[i]))
        i++;
    p->pos = i;
    return tmp_put (p, p->buf + from, i - from);
}

/* Single-line basic or literal string at p->pos (the quote). */
static int parse_line_string (struct parser *p, char quote)
{
    const char *stop = quote == '"' ? "\"\\\r\n" : "'\r\n";
    size_t off = p->pos;
    int c;

    p->pos++;
    for (;;) {
        if (copy_run (p, stop) < 0)
            return -1;
        c = peek (p);
        if (c == quote) {
            p->pos++;
            return 0;
        }
        if (c != '\\')
            return fail (p, off, EINVAL, "unterminated string");
        if (parse_escape (p) < 0)
            return -1;
    }
}

/* At a backslash that ends a line (only spaces or tabs follow before the
 * newline), skip it with all the whitespace and newlines after it.
 */
static bool skip_line_end_backslash (struct parser *p)
{
    size_t i = p->pos + 1;

    while (i < p->len && (p->buf[i] == ' ' || p->buf[i] == '\t'))
        i++;
    if (i >= p->len || (p->buf[i] != '\n' && p->buf[i] != '\r'))
        return false;
    while (i < p->len && strchr (" \t\r\n", p->buf[i]))
        i++;
    p->pos = i;
    return true;
}

/* At a quote of a multi-line string: up to two quotes are content, three
 * close the string and may be preceded by one or two more quotes of
 * content; six or more in a row are an error.
 */
static int multiline_quotes (struct parser *p, char quote, bool *done)
{
    size_t n = 0;

    while (peek_at (p, n) == quote)
        n++;
    if (n > 5)
        return fail (p, p->pos, EINVAL,
                     "too many quotes at end of multi-line string");
    *done = n >= 3;
    if (tmp_put (p, p->buf + p->pos, *done ? n - 3 : n) < 0)
        return -1;
    p->pos += n;
    return 0;
}

/* Multi-line basic or literal string at p->pos (the first quote). */
static int parse_multiline_string (struct parser *p, char quote)
{
    const char *stop = quote == '"' ? "\"\\\r" : "'\r";
    size_t off = p->pos;
    bool done = false;
    int c;

    p->pos += 3;
    skip_newline (p); /* a newline right after the delimiter is trimmed */
    while (!done) {
        if (copy_run (p, stop) < 0)
            return -1;
        c = peek (p);
        if (c < 0)
            return fail (p, off, EINVAL, "unterminated multi-line string");
        if (c == '\r') {
            p->pos += 2; /* CRLF, returned as LF */
            if (tmp_put (p, "\n", 1) < 0)
                return -1;
        }
        else if (c == '\\') {
            if (!skip_line_end_backslash (p) && parse_escape (p) < 0)
                return -1;
        }
        else if (multiline_quotes (p, quote, &done) < 0)
            return -1;
    }
    return 0;
}

/* Any string at p->pos (a quote); the result is malloc'd, NUL-terminated
 * and may contain NUL.
 */
static int
parse_string (struct parser *p, bool multiline_ok, char **sp, size_t *lenp)
{
    char quote = p->buf[p->pos];
    bool multiline = peek_at (p, 1) == quote && peek_at (p, 2) == quote;
    char *s;
    int rc;

    p->tmplen = 0;
    if (multiline && !multiline_ok)
        return fail (p, p->pos, EINVAL, "a key cannot be a multi-line string");
    if (multiline)
        rc = parse_multiline_string (p, quote);
    else
        rc = parse_line_string (p, quote);
    if (rc < 0 || tmp_put (p, "", 0) < 0)
        return -1;
    if (!(s = malloc (p->tmplen + 1)))
        return nomem (p);
    memcpy (s, p->tmp, p->tmplen + 1);
    *sp = s;
    *lenp = p->tmplen;
    return 0;
}

/* Keys */

static bool is_bare (int c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z')
           || (c >= '0' && c <= '9') || c == '_' || c == '-';
}

static int parse_simple_key (struct parser *p, struct keypart *kp)
{
    size_t from = p->pos;
    int c = peek (p);

    kp->off = p->pos;
    locate (p, p->pos, &kp->line, &kp->column);
    if (c == '"' || c == '\'')
        return parse_string (p, false, &kp->s, &kp->len);
    while (is_bare (peek (p)))
        p->pos++;
    if (p->pos == from)
        return fail (p, from, EINVAL, "expected a key");
    if (!(kp->s = malloc (p->pos - from + 1)))
        return nomem (p);
    memcpy (kp->s, p->buf + from, p->pos - from);
    kp->s[p->pos - from] = '\0';
    kp->len = p->pos - from;
    return 0;
}

/* A dotted key of at most TOML_MAX_DEPTH parts.  The caller frees the
 * parts with key_clear() whatever the result.
 */
static int parse_key (struct parser *p, struct key *k)
{
    k->count = 0;
    for (;;) {
        if (k->count == TOML_MAX_DEPTH)
            return fail (p, p->pos, E2BIG, "nesting deeper than %d",
                         TOML_MAX_DEPTH);
        k->part[k->count].s = NULL;
        if (parse_simple_key (p, &k->part[k->count]) < 0) {
            free (k->part[k->count].s);
            return -1;
        }
        k->count++;
        skip_ws (p);
        if (peek (p) != '.')
            return 0;
        p->pos++;
        skip_ws (p);
    }
}

static void key_clear (struct key *k)
{
    for (size_t i = 0; i < k->count; i++)
        free (k->part[i].s);
    k->count = 0;
}

/* Scalars */

static bool is_digit (int c, int base)
{
    switch (base) {
    case 2:
        return c == '0' || c == '1';
    case 8:
        return c >= '0' && c <= '7';
    case 10:
        return c >= '0' && c <= '9';
    }
    return hexval (c) >= 0;
}

/* Length of the longest prefix of 's' of the form digit *( [_] digit ). */
static size_t digit_run (const char *s, size_t n, int base)
{
    size_t i;

    if (n == 0 || !is_digit (s[0], base))
        return 0;
    i = 1;
    while (i < n) {
        if (is_digit (s[i], base))
            i++;
        else if (s[i] == '_' && i + 1 < n && is_digit (s[i + 1], base))
            i += 2;
        else
            break;
    }
    return i;
}

/* Convert a digit run (as accepted by digit_run()) not above 'limit'. */
static int to_uint (
    const char *s, size_t n, unsigned int base, uint64_t limit, uint64_t *out)
{
    uint64_t v = 0;

    for (size_t i = 0; i < n; i++) {
        unsigned int d;
        if (s[i] == '_')
            continue;
        d = (unsigned int)hexval (s[i]);
        if (v > (limit - d) / base)
            return -1;
        v = v * base + d;
    }
    *out = v;
    return 0;
}

static int scalar_radix (struct parser *p,
                         const char *tok,
                         size_t n,
                         size_t off,
                         const char *shown,
                         struct node *v)
{
    unsigned int base = tok[1] == 'x' ? 16 : tok[1] == 'o' ? 8 : 2;
    size_t d = digit_run (tok + 2, n - 2, (int)base);
    uint64_t u;

    if (d == 0 || d != n - 2)
        return fail (p, off, EINVAL, "invalid integer '%s'", shown);
    if (to_uint (tok + 2, d, base, INT64_MAX, &u) < 0)
        return fail (p, off, EINVAL, "integer out of range");
    v->v.type = TOML_INTEGER;
    v->v.u.integer = (int64_t)u;
    return 0;
}

static int to_double (struct parser *p, const char *tok, size_t n, double *dp)
{
    char *end;
    size_t i = 0;

    p->tmplen = 0;
    while (i < n) {
        size_t j = i;
        while (j < n && tok[j] != '_')
            j++;
        if (tmp_put (p, tok + i, j - i) < 0)
            return -1;
        i = j + 1;
    }
    if (!p->cloc && !(p->cloc = newlocale (LC_ALL_MASK, "C", (locale_t)0)))
        return nomem (p);
    *dp = strtod_l (p->tmp, &end, p->cloc);
    return end == p->tmp + p->tmplen ? 0 : 1;
}

/* The part of a float after the integer digits: [frac] [exp]. */
static size_t float_tail (const char *s, size_t n)
{
    size_t j = 0, d;

    if (j < n && s[j] == '.') {
        if (!(d = digit_run (s + 1, n - 1, 10)))
            return 0;
        j += 1 + d;
    }
    if (j < n && (s[j] == 'e' || s[j] == 'E')) {
        j++;
        if (j < n && (s[j] == '+' || s[j] == '-'))
            j++;
        if (!(d = digit_run (s + j, n - j, 10)))
            return 0;
        j += d;
    }
    return j;
}

static int scalar_number (struct parser *p,
                          const char *tok,
                          size_t n,
                          size_t off,
                          const char *shown,
                          struct node *v)
{
    bool neg = tok[0] == '-';
    size_t i = (tok[0] == '+' || tok[0] == '-');
    const char *s = tok + i;
    size_t sn = n - i, d;
    uint64_t u;

    if (sn == 3 && (!memcmp (s, "inf", 3) || !memcmp (s, "nan", 3))) {
        v->v.type = TOML_FLOAT;
        v->v.u.fp = copysign (s[0] == 'i' ? INFINITY : NAN, neg ? -1. : 1.);
        return 0;
    }
    if (sn > 1 && s[0] == '0' && (s[1] == 'x' || s[1] == 'o' || s[1] == 'b')) {
        if (i)
            return fail (p, off, EINVAL,
                         "sign not allowed on hexadecimal, "
                         "octal or binary integer '%s'",
                         shown);
        return scalar_radix (p, s, sn, off, shown, v);
    }
    if (!(d = digit_run (s, sn, 10)))
        return fail (p, off, EINVAL, "invalid value '%s'", shown);
    if (s[0] == '0' && d > 1)
        return fail (p, off, EINVAL, "leading zeros not allowed in '%s'",
                     shown);
    if (d == sn) {
        if (to_uint (s, d, 10, (uint64_t)INT64_MAX + neg, &u) < 0)
            return fail (p, off, EINVAL, "integer out of range");
        v->v.type = TOML_INTEGER;
        v->v.u.integer = neg ? (int64_t)(0 - u) : (int64_t)u;
        return 0;
    }
    if (d + float_tail (s + d, sn - d) != sn || float_tail (s + d, sn - d) == 0)
        return fail (p, off, EINVAL, "invalid number '%s'", shown);
    v->v.type = TOML_FLOAT;
    switch (to_double (p, tok, n, &v->v.u.fp)) {
    case -1:
        return -1;
    case 1:
        return fail (p, off, EINVAL, "invalid number '%s'", shown);
    }
    if (isinf (v->v.u.fp))
        return fail (p, off, EINVAL, "float out of range");
    return 0;
}

/* Dates and times */

static bool is_dec (int c)
{
    return c >= '0' && c <= '9';
}

/* Exactly 'n' decimal digits. */
static bool fixed_digits (const char *s, size_t n, int *val)
{
    int v = 0;

    for (size_t i = 0; i < n; i++) {
        if (!is_dec (s[i]))
            return false;
        v = v * 10 + (s[i] - '0');
    }
    *val = v;
    return true;
}

static int month_days (int year, int month)
{
    static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    bool leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);

    return month == 2 && leap ? 29 : days[month - 1];
}

/* YYYY-MM-DD at the start of 's' (n >= 10).  Returns NULL or a reason. */
static const char *parse_date (const char *s, struct toml_datetime *dt)
{
    if (!fixed_digits (s, 4, &dt->year) || s[4] != '-'
        || !fixed_digits (s + 5, 2, &dt->month) || s[7] != '-'
        || !fixed_digits (s + 8, 2, &dt->day))
        return "expected YYYY-MM-DD";
    if (dt->month < 1 || dt->month > 12)
        return "month out of range";
    if (dt->day < 1 || dt->day > month_days (dt->year, dt->month))
        return "day out of range";
    return NULL;
}

/* HH:MM:SS[.fraction] at the start of 's'; sets *used to its length and
 * *frac to the fraction digits.
 */
static const char *parse_time (const char *s,
                               size_t n,
                               struct toml_datetime *dt,
                               size_t *used,
                               const char **frac)
{
    size_t i = 8;

    if (n < 8 || !fixed_digits (s, 2, &dt->hour) || s[2] != ':'
        || !fixed_digits (s + 3, 2, &dt->minute) || s[5] != ':'
        || !fixed_digits (s + 6, 2, &dt->second))
        return "expected HH:MM:SS";
    if (dt->hour > 23)
        return "hour out of range";
    if (dt->minute > 59)
        return "minute out of range";
    if (dt->second > 60)
        return "second out of range";
    if (i < n && s[i] == '.') {
        *frac = s + ++i;
        while (i < n && is_dec (s[i]))
            i++;
        if (i - 9 == 0)
            return "expected digits after '.'";
        dt->frac_digits = (int)(i - 9);
        for (int k = 0; k < 9; k++)
            dt->nanosecond = dt->nanosecond * 10
                             + (k < dt->frac_digits ? (*frac)[k] - '0' : 0);
    }
    *used = i;
    return NULL;
}

/* Z, z or +HH:MM / -HH:MM, the whole of 's'. */
static const char *
parse_offset (const char *s, size_t n, struct toml_datetime *dt, char *zone)
{
    int h, m;

    if (n == 1 && (s[0] == 'Z' || s[0] == 'z')) {
        *zone = 'Z';
        return NULL;
    }
    if (n != 6 || (s[0] != '+' && s[0] != '-') || !fixed_digits (s + 1, 2, &h)
        || s[3] != ':' || !fixed_digits (s + 4, 2, &m))
        return "expected Z or an offset +HH:MM";
    if (h > 23 || m > 59)
        return "offset out of range";
    *zone = s[0];
    dt->offset_minutes = (s[0] == '-' ? -1 : 1) * (h * 60 + m);
    return NULL;
}

/* A leap second must be 23:59:60 UTC on the last day of a month. */
static bool leap_second_ok (const struct toml_datetime *dt)
{
    int utc = dt->hour * 60 + dt->minute - dt->offset_minutes;
    int shift = utc < 0 ? -1 : utc >= 24 * 60 ? 1 : 0;
    int last = month_days (dt->year, dt->month);

    if ((utc + 24 * 60) % (24 * 60) != 23 * 60 + 59)
        return false;
    /* the UTC date is the local date + shift: it is the last of its
     * month when the local date is shift + 1 days before a 1st */
    return dt->day == last - shift || (shift == -1 && dt->day == 1);
}

static void datetime_text (struct toml_datetime *dt,
                           enum toml_type type,
                           const char *frac,
                           char zone)
{
    size_t size = sizeof (dt->text);
    int n = 0;

    if (type != TOML_TIME_LOCAL)
        n += snprintf (dt->text, size, "%04d-%02d-%02d%s", dt->year, dt->month,
                       dt->day, type == TOML_DATE_LOCAL ? "" : "T");
    if (type == TOML_DATE_LOCAL)
        return;
    n += snprintf (dt->text + n, size - (size_t)n, "%02d:%02d:%02d", dt->hour,
                   dt->minute, dt->second);
    if (dt->frac_digits > 0)
        n += snprintf (dt->text + n, size - (size_t)n, ".%.*s",
                       dt->frac_digits > 9 ? 9 : dt->frac_digits, frac);
    if (zone == 'Z')
        snprintf (dt->text + n, size - (size_t)n, "Z");
    else if (zone)
        snprintf (dt->text + n, size - (size_t)n, "%c%02d:%02d", zone,
                  abs (dt->offset_minutes) / 60, abs (dt->offset_minutes) % 60);
}

/* A date, date-time or time token (as classified by scalar_value()). */
static const char *
parse_datetime (const char *tok, size_t n, bool has_date, struct node *v)
{
    struct toml_datetime *dt = &v->v.u.datetime;
    const char *frac = NULL;
    const char *why;
    size_t used = 0;
    char zone = 0;

    v->v.type = TOML_TIME_LOCAL;
    if (has_date) {
        if ((why = parse_date (tok, dt)))
            return why;
        v->v.type = TOML_DATE_LOCAL;
        if (n == 10)
            goto done;
        if (tok[10] != 'T' && tok[10] != 't' && tok[10] != ' ')
            return "expected 'T' or a space between date and time";
        tok += 11;
        n -= 11;
        v->v.type = TOML_DATETIME_LOCAL;
    }
    if ((why = parse_time (tok, n, dt, &used, &frac)))
        return why;
    if (used < n) {
        if (!has_date)
            return "a local time has no offset";
        if ((why = parse_offset (tok + used, n - used, dt, &zone)))
            return why;
        v->v.type = TOML_DATETIME;
    }
    if (dt->second == 60 && v->v.type == TOML_DATETIME && !leap_second_ok (dt))
        return "second 60 is only valid at 23:59:60 UTC on the last day "
               "of a month";
done:
    datetime_text (dt, v->v.type, frac, zone);
    return NULL;
}

static bool is_tokchar (int c)
{
    return is_bare (c) || c == '+' || c == '.' || c == ':';
}

static int scalar_value (
    struct parser *p, const char *tok, size_t n, size_t off, struct node *v)
{
    char shown[SHOW_MAX];
    size_t used = 0;
    const char *why;

    show (shown, 48, &used, tok, n);
    if (n == 4 && !memcmp (tok, "true", 4)) {
        v->v.type = TOML_BOOL;
        v->v.u.boolean = true;
        return 0;
    }
    if (n == 5 && !memcmp (tok, "false", 5)) {
        v->v.type = TOML_BOOL;
        return 0;
    }
    if (n >= 5 && is_dec (tok[0]) && is_dec (tok[1]) && is_dec (tok[2])
        && is_dec (tok[3]) && tok[4] == '-') {
        if (n < 10 || (why = parse_datetime (tok, n, true, v)))
            return fail (p, off, EINVAL, "invalid date/time '%s': %s", shown,
                         n < 10 ? "expected YYYY-MM-DD" : why);
        return 0;
    }
    if (n >= 3 && is_dec (tok[0]) && is_dec (tok[1]) && tok[2] == ':') {
        if ((why = parse_datetime (tok, n, false, v)))
            return fail (p, off, EINVAL, "invalid time '%s': %s", shown, why);
        return 0;
    }
    return scalar_number (p, tok, n, off, shown, v);
}

/* Values */

static int parse_value (struct parser *p, unsigned int depth, struct node **vp);
static int parse_keyval (struct parser *p, struct node *t);

static int parse_scalar (struct parser *p, unsigned int depth, struct node **vp)
{
    size_t off = p->pos;
    unsigned int line, col;
    struct node *v = NULL;

    while (is_tokchar (peek (p)))
        p->pos++;
    /* a date and a time may be separated by a space */
    if (p->pos - off == 10 && p->buf[off + 4] == '-' && peek (p) == ' '
        && is_dec (peek_at (p, 1))) {
        p->pos++;
        while (is_tokchar (peek (p)))
            p->pos++;
    }
    if (p->pos == off)
        return fail (p, off, EINVAL, "expected a value");
    locate (p, off, &line, &col);
    if (node_new (p, TOML_BOOL, depth, line, col, off, &v) < 0)
        return -1;
    if (scalar_value (p, p->buf + off, p->pos - off, off, v) < 0) {
        destroy_node (v);
        return -1;
    }
    *vp = v;
    return 0;
}

static int
parse_string_value (struct parser *p, unsigned int depth, struct node **vp)
{
    size_t off = p->pos;
    unsigned int line, col;
    struct node *v = NULL;
    char *s;
    size_t len;

    locate (p, off, &line, &col);
    if (parse_string (p, true, &s, &len) < 0)
        return -1;
    if (node_new (p, TOML_STRING, depth, line, col, off, &v) < 0) {
        free (s);
        return -1;
    }
    v->v.u.string.ptr = s;
    v->v.u.string.len = len;
    *vp = v;
    return 0;
}

static int parse_array (struct parser *p, unsigned int depth, struct node **vp)
{
    size_t off = p->pos;
    unsigned int line, col;
    struct node *a, *v = NULL;

    locate (p, off, &line, &col);
    if (node_new (p, TOML_ARRAY, depth, line, col, off, &a) < 0)
        return -1;
    a->flags = F_SEALED;
    p->pos++;
    skip_wcn (p);
    while (peek (p) != ']') {
        if (p->pos >= p->len)
            goto unterminated;
        if (parse_value (p, depth + 1, &v) < 0)
            goto error;
        if (array_add (p, a, v) < 0) {
            destroy_node (v);
            goto error;
        }
        skip_wcn (p);
        if (peek (p) == ',') {
            p->pos++;
            skip_wcn (p);
        }
        else if (p->pos >= p->len)
            goto unterminated;
        else if (peek (p) != ']') {
            fail (p, p->pos, EINVAL, "expected ',' or ']' after array element");
            goto error;
        }
    }
    p->pos++;
    *vp = a;
    return 0;
unterminated:
    fail (p, off, EINVAL, "unterminated array");
error:
    destroy_node (a);
    return -1;
}

/* One step of an inline table after an entry: ',' then another entry,
 * or '}'.  Returns 1 at the end, 0 to go on, -1 on error.
 */
static int inline_table_next (struct parser *p, size_t off)
{
    skip_ws (p);
    if (peek (p) == '}') {
        p->pos++;
        return 1;
    }
    if (peek (p) == ',') {
        p->pos++;
        skip_ws (p);
        if (peek (p) == '}')
            return fail (p, p->pos, EINVAL,
                         "trailing comma not allowed in inline table");
        if (p->pos < p->len && !at_newline (p))
            return 0;
    }
    if (p->pos >= p->len)
        return fail (p, off, EINVAL, "unterminated inline table");
    if (at_newline (p))
        return fail (p, p->pos, EINVAL, "newline not allowed in inline table");
    return fail (p, p->pos, EINVAL, "expected ',' or '}' in inline table");
}

static int
parse_inline_table (struct parser *p, unsigned int depth, struct node **vp)
{
    size_t off = p->pos;
    unsigned int line, col;
    struct node *t;
    int rc;

    locate (p, off, &line, &col);
    if (node_new (p, TOML_TABLE, depth, line, col, off, &t) < 0)
        return -1;
    p->pos++;
    skip_ws (p);
    if (peek (p) == '}') {
        p->pos++;
        rc = 1;
    }
    else if (p->pos >= p->len || at_newline (p))
        rc = inline_table_next (p, off);
    else
        rc = 0;
    while (rc == 0) {
        if (parse_keyval (p, t) < 0)
            rc = -1;
        else
            rc = inline_table_next (p, off);
    }
    if (rc < 0) {
        destroy_node (t);
        return -1;
    }
    t->flags = F_SEALED;
    *vp = t;
    return 0;
}

static int parse_value (struct parser *p, unsigned int depth, struct node **vp)
{
    switch (peek (p)) {
    case '"':
    case '\'':
        return parse_string_value (p, depth, vp);
    case '[':
        return parse_array (p, depth, vp);
    case '{':
        return parse_inline_table (p, depth, vp);
    }
    return parse_scalar (p, depth, vp);
}

/* Tables: the redefinition rules */

static int
already (struct parser *p, const struct key *k, size_t i, struct node *n)
{
    char path[SHOW_MAX];

    path_text (path, k, i + 1);
    if (n->v.type == TOML_TABLE && (n->flags & F_SEALED))
        return fail (p, k->part[i].off, EINVAL,
                     "cannot extend inline table '%s'", path);
    if (n->v.type == TOML_ARRAY && !(n->flags & F_AOT))
        return fail (p, k->part[i].off, EINVAL,
                     "cannot extend static array '%s'", path);
    if (n->v.type == TOML_ARRAY)
        return fail (p, k->part[i].off, EINVAL,
                     "'%s' is already an array of tables", path);
    if (n->v.type == TOML_TABLE)
        return fail (p, k->part[i].off, EINVAL, "table '%s' defined twice",
                     path);
    return fail (p, k->part[i].off, EINVAL, "key '%s' is already defined as %s",
                 path, toml_type_name (n->v.type));
}

/* Add a new table or array under key part i of 'k' in '*tp'. */
static int add_container (struct parser *p,
                          struct node *t,
                          struct key *k,
                          size_t i,
                          enum toml_type type,
                          unsigned int flags,
                          const unsigned int *pos,
                          struct node **np)
{
    struct keypart *kp = &k->part[i];
    struct node *n;

    if (node_new (p, type, t->depth + 1, pos ? pos[0] : kp->line,
                  pos ? pos[1] : kp->column, kp->off, &n)
        < 0)
        return -1;
    n->flags = flags;
    if (table_add (p, t, kp, n) < 0) {
        destroy_node (n);
        return -1;
    }
    *np = n;
    return 0;
}

/* Go through key part i of a dotted key in a key/value pair: only tables
 * created implicitly or by dotted keys may be extended.
 */
static int
descend_dotted (struct parser *p, struct node **tp, struct key *k, size_t i)
{
    struct keypart *kp = &k->part[i];
    struct toml_keyval *kv = table_find (*tp, kp->s, kp->len);
    struct node *n;

    if (!kv)
        return add_container (p, *tp, k, i, TOML_TABLE, F_DOTTED, NULL, tp);
    n = node_of (kv->value);
    if (n->v.type == TOML_TABLE && (n->flags & F_HEADER)) {
        char path[SHOW_MAX];
        return fail (p, kp->off, EINVAL,
                     "cannot extend table '%s' with dotted "
                     "keys: it was defined by a header",
                     path_text (path, k, i + 1));
    }
    if (n->v.type != TOML_TABLE || (n->flags & F_SEALED))
        return already (p, k, i, n);
    n->flags |= F_DOTTED;
    *tp = n;
    return 0;
}

/* Go through key part i of a table header: any table but an inline one,
 * or the last table of an array of tables.
 */
static int descend_header (struct parser *p,
                           struct node **tp,
                           struct key *k,
                           size_t i,
                           const unsigned int *pos)
{
    struct keypart *kp = &k->part[i];
    struct toml_keyval *kv = table_find (*tp, kp->s, kp->len);
    struct node *n;

    if (!kv)
        return add_container (p, *tp, k, i, TOML_TABLE, F_IMPLICIT, pos, tp);
    n = node_of (kv->value);
    if (n->v.type == TOML_ARRAY && (n->flags & F_AOT)) {
        *tp = node_of (n->v.u.array.items[n->v.u.array.count - 1]);
        return 0;
    }
    if (n->v.type != TOML_TABLE || (n->flags & F_SEALED))
        return already (p, k, i, n);
    *tp = n;
    return 0;
}

/* [a.b]: the last part names a new table or one only created implicitly
 * by an earlier header.
 */
static int define_table (struct parser *p,
                         struct node **tp,
                         struct key *k,
                         const unsigned int *pos)
{
    size_t i = k->count - 1;
    struct keypart *kp = &k->part[i];
    struct toml_keyval *kv = table_find (*tp, kp->s, kp->len);
    struct node *n;

    if (!kv)
        return add_container (p, *tp, k, i, TOML_TABLE, F_HEADER, pos, tp);
    n = node_of (kv->value);
    if (n->v.type != TOML_TABLE || n->flags != F_IMPLICIT)
        return already (p, k, i, n);
    n->flags = F_HEADER;
    n->v.line = pos[0];
    n->v.column = pos[1];
    *tp = n;
    return 0;
}

/* [[a.b]]: append a table to a new or existing array of tables. */
static int define_aot (struct parser *p,
                       struct node **tp,
                       struct key *k,
                       const unsigned int *pos)
{
    size_t i = k->count - 1;
    struct keypart *kp = &k->part[i];
    struct toml_keyval *kv = table_find (*tp, kp->s, kp->len);
    struct node *a, *t;

    if (!kv) {
        if (add_container (p, *tp, k, i, TOML_ARRAY, F_AOT, pos, &a) < 0)
            return -1;
    }
    else {
        a = node_of (kv->value);
        if (a->v.type != TOML_ARRAY || !(a->flags & F_AOT))
            return already (p, k, i, a);
    }
    if (node_new (p, TOML_TABLE, a->depth + 1, pos[0], pos[1], kp->off, &t) < 0)
        return -1;
    t->flags = F_HEADER;
    if (array_add (p, a, t) < 0) {
        destroy_node (t);
        return -1;
    }
    *tp = t;
    return 0;
}

static int parse_header (struct parser *p)
{
    bool aot = peek_at (p, 1) == '[';
    struct node *t = p->root;
    unsigned int pos[2];
    struct key k;
    int rc = -1;

    k.count = 0;
    locate (p, p->pos, &pos[0], &pos[1]);
    p->pos += aot ? 2 : 1;
    skip_ws (p);
    if (parse_key (p, &k) < 0)
        goto out;
    if (peek (p) != ']' || (aot && peek_at (p, 1) != ']')) {
        fail (p, p->pos, EINVAL,
              aot ? "expected ']]' after array of tables "
                    "name"
                  : "expected ']' after table name");
        goto out;
    }
    p->pos += aot ? 2 : 1;
    for (size_t i = 0; i + 1 < k.count; i++) {
        if (descend_header (p, &t, &k, i, pos) < 0)
            goto out;
    }
    if ((aot ? define_aot (p, &t, &k, pos) : define_table (p, &t, &k, pos)) < 0)
        goto out;
    p->cur = t;
    rc = 0;
out:
    key_clear (&k);
    return rc;
}

/* key = value, in table 't' (the current table or an inline table). */
static int parse_keyval (struct parser *p, struct node *t)
{
    char path[SHOW_MAX];
    struct keypart *last;
    struct node *v = NULL;
    struct key k;
    int rc = -1;

    if (parse_key (p, &k) < 0)
        goto out;
    if (peek (p) != '=') {
        fail (p, p->pos, EINVAL, "expected '=' after key");
        goto out;
    }
    p->pos++;
    skip_ws (p);
    for (size_t i = 0; i + 1 < k.count; i++) {
        if (descend_dotted (p, &t, &k, i) < 0)
            goto out;
    }
    last = &k.part[k.count - 1];
    if (table_find (t, last->s, last->len)) {
        fail (p, last->off, EINVAL, "duplicate key '%s'",
              path_text (path, &k, k.count));
        goto out;
    }
    if (parse_value (p, t->depth + 1, &v) < 0)
        goto out;
    if (table_add (p, t, last, v) < 0) {
        destroy_node (v);
        goto out;
    }
    rc = 0;
out:
    key_clear (&k);
    return rc;
}

static int parse_document (struct parser *p)
{
    while (p->pos < p->len) {
        int c;
        skip_ws (p);
        c = peek (p);
        if (c == '[') {
            if (parse_header (p) < 0 || expect_eol (p, "table header") < 0)
                return -1;
        }
        else if (c >= 0 && c != '#' && !at_newline (p)) {
            if (parse_keyval (p, p->cur) < 0 || expect_eol (p, "value") < 0)
                return -1;
        }
        else if (expect_eol (p, "comment") < 0)
            return -1;
    }
    return 0;
}

/* Public interface */

int toml_parse (const char *buf,
                size_t len,
                struct toml_value **root,
                struct toml_error *err)
{
    struct parser p;
    int rc;

    memset (&p, 0, sizeof (p));
    if (err)
        memset (err, 0, sizeof (*err));
    p.err = err;
    if (!buf || !root)
        return fail (&p, SIZE_MAX, EINVAL, "invalid argument");
    p.buf = buf;
    p.len = len;
    if (len >= 3 && memcmp (buf, "\xef\xbb\xbf", 3) == 0)
        p.start = 3;
    p.pos = p.lc_off = p.lc_start = p.start;
    p.lc_line = 1;
    if (check_limits (&p) < 0 || check_text (&p) < 0)
        return -1;
    if (node_new (&p, TOML_TABLE, 0, 1, 1, p.start, &p.root) < 0)
        return -1;
    p.root->flags = F_HEADER;
    p.cur = p.root;
    rc = parse_document (&p);
    if (p.tmp)
        sodium_memzero (p.tmp, p.tmpalloc);
    free (p.tmp);
    if (p.cloc)
        freelocale (p.cloc);
    if (rc < 0) {
        toml_destroy (&p.root->v);
        return -1;
    }
    *root = &p.root->v;
    return 0;
}

/* Trees come only from toml_parse(), so the recursion is bounded by
 * TOML_MAX_DEPTH + 1 levels.
 */
static void destroy_node (struct node *n)
{
    if (!n)
        return;
    switch (n->v.type) {
    case TOML_STRING:
        free (n->v.u.string.ptr);
        break;
    case TOML_ARRAY:
        for (size_t i = 0; i < n->v.u.array.count; i++)
            destroy_node (node_of (n->v.u.array.items[i]));
        free (n->v.u.array.items);
        break;
    case TOML_TABLE:
        for (size_t i = 0; i < n->v.u.table.count; i++) {
            free (n->v.u.table.items[i].key);
            destroy_node (node_of (n->v.u.table.items[i].value));
        }
        free (n->v.u.table.items);
        free (n->idx.nodes);
        break;
    default:
        break;
    }
    free (n);
}

void toml_destroy (struct toml_value *v)
{
    int saved_errno = errno;

    destroy_node (node_of (v));
    errno = saved_errno;
}

const struct toml_keyval *toml_table_item (const struct toml_value *table,
                                           const char *key)
{
    const struct toml_keyval *kv;

    if (!table || !key || table->type != TOML_TABLE) {
        errno = EINVAL;
        return NULL;
    }
    if (!(kv = table_find ((const struct node *)table, key, strlen (key)))) {
        errno = ENOENT;
        return NULL;
    }
    return kv;
}

const struct toml_value *toml_table_get (const struct toml_value *table,
                                         const char *key)
{
    const struct toml_keyval *kv = toml_table_item (table, key);

    return kv ? kv->value : NULL;
}

const char *toml_type_name (enum toml_type type)
{
    switch (type) {
    case TOML_STRING:
        return "string";
    case TOML_INTEGER:
        return "integer";
    case TOML_FLOAT:
        return "float";
    case TOML_BOOL:
        return "bool";
    case TOML_DATETIME:
        return "datetime";
    case TOML_DATETIME_LOCAL:
        return "datetime-local";
    case TOML_DATE_LOCAL:
        return "date-local";
    case TOML_TIME_LOCAL:
        return "time-local";
    case TOML_ARRAY:
        return "array";
    case TOML_TABLE:
        return "table";
    }
    return "unknown";
}
