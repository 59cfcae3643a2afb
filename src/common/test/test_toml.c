/* Unit tests of toml.c: hostile input first (bad arguments, unterminated
 * buffers, every limit, NUL and bad UTF-8), then error positions, then
 * the tree: types, positions, lookups.  The grammar itself is covered
 * by the corpus (test_toml_corpus.c).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "tap_cmocka.h"
#include "common/toml.h"

#define LIT(s) (s), (sizeof (s) - 1)

/* Parse must fail with 'errnum', leave *root untouched and give text. */
static void expect_fail_err (const char *buf,
                             size_t len,
                             int errnum,
                             struct toml_error *err)
{
    struct toml_value *root = (struct toml_value *)&root;
    struct toml_value *orig = root;

    errno = 0;
    assert_int_equal (toml_parse (buf, len, &root, err), -1);
    assert_int_equal (errno, errnum);
    assert_ptr_equal (root, orig);
    assert_true (strlen (err->text) > 0);
}

static void expect_fail (const char *buf, size_t len, int errnum)
{
    struct toml_error err;

    expect_fail_err (buf, len, errnum, &err);
}

/* Parse must fail at line:column with text containing 'text'. */
static void expect_error_at (const char *doc,
                             unsigned int line,
                             unsigned int column,
                             const char *text)
{
    struct toml_error err;

    expect_fail_err (doc, strlen (doc), EINVAL, &err);
    if (err.line != line || err.column != column || !strstr (err.text, text))
        fail_msg ("%s: got %u:%u: %s, expected %u:%u: ...%s...", doc, err.line,
                  err.column, err.text, line, column, text);
}

static struct toml_value *parse_ok (const char *buf, size_t len)
{
    struct toml_value *root = NULL;
    struct toml_error err;

    if (toml_parse (buf, len, &root, &err) < 0)
        fail_msg ("%u:%u: %s", err.line, err.column, err.text);
    assert_non_null (root);
    assert_int_equal (root->type, TOML_TABLE);
    return root;
}

static char *
repeat (const char *head, const char *unit, size_t n, const char *tail)
{
    size_t hl = strlen (head), ul = strlen (unit), tl = strlen (tail);
    char *s = malloc (hl + ul * n + tl + 1);

    assert_non_null (s);
    memcpy (s, head, hl);
    for (size_t i = 0; i < n; i++)
        memcpy (s + hl + i * ul, unit, ul);
    memcpy (s + hl + ul * n, tail, tl + 1);
    return s;
}

/* Hostile arguments and buffers */

static void test_null_args (void **state)
{
    struct toml_value *root = NULL;
    struct toml_error err;

    errno = 0;
    assert_int_equal (toml_parse (NULL, 0, &root, &err), -1);
    assert_int_equal (errno, EINVAL);
    assert_null (root);
    errno = 0;
    assert_int_equal (toml_parse ("a = 1", 5, NULL, &err), -1);
    assert_int_equal (errno, EINVAL);
    errno = 0;
    assert_int_equal (toml_parse ("a =", 3, &root, NULL), -1);
    assert_int_equal (errno, EINVAL);
    assert_null (root);
}

/* Documents placed so that their last byte is the last readable byte:
 * any read past 'len' faults.
 */
static void test_not_nul_terminated (void **state)
{
    static const char *docs[] = {
        "a = 1",
        "a = 12",
        "a = -",
        "a = \"abc",
        "a = 'abc",
        "a = \"\"\"abc\"\"",
        "a = '''abc''",
        "a = \"\\u12",
        "a = \"\\",
        "a = tru",
        "a = 1979-05-27",
        "a = 1979-05-27 07:32",
        "a = 07:32:00.",
        "[a",
        "[[a]",
        "a = [1,",
        "a = {b = 1",
        "# comment",
        "a.",
        "\"key",
        "a = 1.5e",
        "a = 0x",
        "a = \"\"\"x\\",
        "a = \"\"\"x\\  ",
        "a = 1\r",
        "\xef\xbb",
        "a = \xe2\x82",
        "a = inf",
        "a = \"\"\"\"\"",
        "a = ''''''",
    };
    long pagesize = sysconf (_SC_PAGESIZE);
    char *map;

    assert_true (pagesize > 0);
    map = mmap (NULL, (size_t)pagesize * 2, PROT_READ | PROT_WRITE,
                MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    assert_true (map != MAP_FAILED);
    assert_int_equal (mprotect (map + pagesize, (size_t)pagesize, PROT_NONE),
                      0);
    for (size_t i = 0; i < sizeof (docs) / sizeof (docs[0]); i++) {
        size_t len = strlen (docs[i]);
        char *buf = map + pagesize - len;
        struct toml_value *root = NULL;
        memcpy (buf, docs[i], len);
        if (toml_parse (buf, len, &root, NULL) == 0)
            toml_destroy (root);
    }
    /* a valid one, to see the value read stops at the end */
    {
        char *buf = map + pagesize - 6;
        struct toml_value *root;
        memcpy (buf, "a = 12", 6);
        root = parse_ok (buf, 6);
        assert_int_equal (toml_table_get (root, "a")->u.integer, 12);
        toml_destroy (root);
        root = parse_ok (buf, 5); /* "a = 1" */
        assert_int_equal (toml_table_get (root, "a")->u.integer, 1);
        toml_destroy (root);
    }
    munmap (map, (size_t)pagesize * 2);
}

static void test_oversized (void **state)
{
    size_t n = TOML_MAX_SIZE - 8;
    char *buf = malloc (TOML_MAX_SIZE + 1);
    struct toml_value *root;
    struct toml_error err;

    assert_non_null (buf);
    /* exactly TOML_MAX_SIZE bytes is fine: a = "xxx...x"\n */
    memcpy (buf, "a = \"", 5);
    memset (buf + 5, 'x', n);
    memcpy (buf + 5 + n, "\"\n", 2);
    assert_int_equal (5 + n + 2, TOML_MAX_SIZE - 1);
    buf[TOML_MAX_SIZE - 1] = '\n';
    root = parse_ok (buf, TOML_MAX_SIZE);
    assert_int_equal (toml_table_get (root, "a")->u.string.len, n);
    toml_destroy (root);
    /* one more byte is not, whatever it is */
    buf[TOML_MAX_SIZE] = '\n';
    expect_fail_err (buf, TOML_MAX_SIZE + 1, E2BIG, &err);
    assert_non_null (strstr (err.text, "larger than"));
    expect_fail (buf, SIZE_MAX, E2BIG);
    free (buf);
}

static void test_too_many_lines (void **state)
{
    char *ok = repeat ("", "\n", TOML_MAX_LINES, "");
    char *bad = repeat ("", "\n", TOML_MAX_LINES + 1, "");
    char *tail = repeat ("", "\n", TOML_MAX_LINES, "a = 1");
    char *keys = repeat ("", "a = 1\n", TOML_MAX_LINES + 1, "");
    struct toml_error err;

    toml_destroy (parse_ok (ok, strlen (ok)));
    expect_fail_err (bad, strlen (bad), E2BIG, &err);
    assert_non_null (strstr (err.text, "lines"));
    /* a last line without newline counts */
    expect_fail (tail, strlen (tail), E2BIG);
    /* the limit is checked before anything else (duplicate keys here) */
    expect_fail (keys, strlen (keys), E2BIG);
    free (ok);
    free (bad);
    free (tail);
    free (keys);
}

/* TOML_MAX_DEPTH levels parse, one more fails with E2BIG. */
static void check_depth (const char *head,
                         const char *open,
                         const char *mid,
                         const char *close,
                         const char *tail)
{
    for (size_t n = TOML_MAX_DEPTH; n <= TOML_MAX_DEPTH + 1; n++) {
        char *a = repeat (head, open, n, "");
        char *b = repeat (mid, close, n, tail);
        size_t la = strlen (a), lb = strlen (b);
        char *doc = malloc (la + lb + 1);
        struct toml_error err;
        if (!doc)
            fail_msg ("out of memory");
        memcpy (doc, a, la);
        memcpy (doc + la, b, lb + 1);
        if (n == TOML_MAX_DEPTH)
            toml_destroy (parse_ok (doc, strlen (doc)));
        else {
            expect_fail_err (doc, strlen (doc), E2BIG, &err);
            assert_non_null (strstr (err.text, "nesting deeper than 32"));
        }
        free (a);
        free (b);
        free (doc);
    }
}

/* A key of 'ok' parts parses in "<head><key><tail>", one more part fails
 * with E2BIG.
 */
static void check_key_depth (const char *head, const char *tail, size_t ok)
{
    for (size_t n = ok; n <= ok + 1; n++) {
        char *doc = repeat (head, "k.", n - 1, "");
        char full[1024];
        snprintf (full, sizeof (full), "%sk%s", doc, tail);
        if (n == ok)
            toml_destroy (parse_ok (full, strlen (full)));
        else
            expect_fail (full, strlen (full), E2BIG);
        free (doc);
    }
}

static void test_depth (void **state)
{
    check_depth ("a = ", "[", "1", "]", "\n");           /* arrays */
    check_depth ("a = ", "{b = ", "1", "}", "\n");       /* inline tables */
    check_key_depth ("[", "]\n", TOML_MAX_DEPTH);        /* headers */
    check_key_depth ("[[", "]]\n", TOML_MAX_DEPTH - 1);  /* [[ ]] */
    check_key_depth ("", " = 1\n", TOML_MAX_DEPTH);      /* dotted keys */
    check_key_depth ("[t]\n", " = 1\n", TOML_MAX_DEPTH); /* both */
    check_key_depth ("[[t]]\n", " = 1\n", TOML_MAX_DEPTH - 1);
    check_key_depth ("a = {", " = 1}\n", TOML_MAX_DEPTH); /* dotted inline */
}

/* Very deep input must fail fast, without recursion to its depth. */
static void test_depth_hostile (void **state)
{
    size_t n = TOML_MAX_SIZE - 8;
    char *doc = repeat ("a = ", "[", n, "");
    char *doc2 = repeat ("a = ", "{b=", n / 3, "");
    char doc3[2048] = "";
    size_t len = 0;

    expect_fail (doc, strlen (doc), E2BIG);
    expect_fail (doc2, strlen (doc2), E2BIG);
    free (doc);
    free (doc2);
    /* [[a]] [[a.a]] ...: each array of tables is an array and a table */
    for (size_t i = 1; i <= TOML_MAX_DEPTH / 2 + 1; i++) {
        len += (size_t)sprintf (doc3 + len, "[[a");
        for (size_t j = 1; j < i; j++)
            len += (size_t)sprintf (doc3 + len, ".a");
        len += (size_t)sprintf (doc3 + len, "]]\n");
        if (i == TOML_MAX_DEPTH / 2)
            toml_destroy (parse_ok (doc3, len));
    }
    expect_fail (doc3, len, E2BIG);
}

static void test_embedded_nul (void **state)
{
    struct toml_error err;

    expect_fail_err (LIT ("a = 1\0"), EINVAL, &err);
    assert_string_equal (err.text, "embedded NUL byte");
    assert_int_equal (err.line, 1);
    assert_int_equal (err.column, 6);
    expect_fail_err (LIT ("a = \"x\0y\"\n"), EINVAL, &err);
    assert_int_equal (err.column, 7);
    expect_fail (LIT ("# \0\n"), EINVAL);
    expect_fail (LIT ("\0"), EINVAL);
    expect_fail (LIT ("a = '''\0'''"), EINVAL);
}

static void test_invalid_utf8 (void **state)
{
    static const char *bad[] = {
        "\x80",
        "\xbf",
        "\xc0\x80",
        "\xc1\xbf",
        "\xc2",
        "\xc2\x41",
        "\xe0\x80\x80",
        "\xe0\x9f\xbf",
        "\xed\xa0\x80",
        "\xed\xbf\xbf",
        "\xe1\x80",
        "\xf0\x80\x80\x80",
        "\xf0\x8f\xbf\xbf",
        "\xf4\x90\x80\x80",
        "\xf5\x80\x80\x80",
        "\xf8\x88\x80\x80\x80",
        "\xfe",
        "\xff",
    };
    struct toml_error err;
    char doc[64];

    for (size_t i = 0; i < sizeof (bad) / sizeof (bad[0]); i++) {
        snprintf (doc, sizeof (doc), "a = \"%s\"", bad[i]);
        expect_fail_err (doc, strlen (doc), EINVAL, &err);
        assert_string_equal (err.text, "invalid UTF-8");
        assert_int_equal (err.column, 6);
        snprintf (doc, sizeof (doc), "# %s\n", bad[i]);
        expect_fail (doc, strlen (doc), EINVAL);
    }
    /* the boundaries that are valid */
    toml_destroy (
        parse_ok (LIT ("a = \"\xc2\x80\xdf\xbf\xe0\xa0\x80\xed\x9f\xbf"
                       "\xee\x80\x80\xef\xbf\xbf\xf0\x90\x80\x80"
                       "\xf4\x8f\xbf\xbf\"")));
}

static void test_control_chars (void **state)
{
    struct toml_error err;
    char doc[32];

    for (int c = 1; c < 0x20; c++) {
        if (c == '\t' || c == '\n')
            continue;
        snprintf (doc, sizeof (doc), "a = \"x%cy\"", c);
        expect_fail_err (doc, strlen (doc), EINVAL, &err);
        assert_int_equal (err.column, 7);
        snprintf (doc, sizeof (doc), "# x%c", c);
        expect_fail (doc, strlen (doc), EINVAL);
    }
    expect_fail (LIT ("a = \"\x7f\""), EINVAL);
    expect_fail (LIT ("# \x7f"), EINVAL);
    expect_fail_err (LIT ("a = 1\r"), EINVAL, &err);
    assert_non_null (strstr (err.text, "carriage return"));
    toml_destroy (parse_ok (LIT ("a = \"x\ty\" #\tz\r\n")));
}

static void test_unterminated (void **state)
{
    static const char *docs[] = {
        "a = \"abc",     "a = \"abc\n",       "a = 'abc",   "a = 'abc\n",
        "a = \"\"\"abc", "a = \"\"\"abc\"\"", "a = '''abc", "a = '''abc''\n",
        "a = \"abc\\\"", "\"abc = 1",         "'abc = 1",
    };
    struct toml_error err;

    for (size_t i = 0; i < sizeof (docs) / sizeof (docs[0]); i++) {
        expect_fail_err (docs[i], strlen (docs[i]), EINVAL, &err);
        if (!strstr (err.text, "unterminated"))
            fail_msg ("%s: %s", docs[i], err.text);
    }
    expect_error_at ("a = [1, 2", 1, 5, "unterminated array");
    expect_error_at ("a = {b = 1", 1, 5, "unterminated inline table");
}

/* Errors: line, column and text */

static void test_error_positions (void **state)
{
    expect_error_at ("a = 1\nb 2\n", 2, 3, "expected '=' after key");
    expect_error_at ("a = 1\na = 2\n", 2, 1, "duplicate key 'a'");
    expect_error_at ("a = \"\\q\"", 1, 5 + 1, "invalid escape '\\q' in string");
    expect_error_at ("\n\n  x = 99999999999999999999", 3, 7,
                     "integer out of range");
    expect_error_at ("[a.b]\n[a.b]\n", 2, 4, "table 'a.b' defined twice");
    expect_error_at ("a = 1\r\nb = 1\r\nb = 2\r\n", 3, 1, "duplicate key 'b'");
    expect_error_at ("a = [\n  1,\n  2 3\n]", 3, 5, "expected ',' or ']'");
    expect_error_at ("x = \"\"\"\nline\nline\"\"\" y", 3, 9,
                     "expected newline after value");
    expect_error_at ("a = 2023-02-29", 1, 5, "day out of range");
    expect_error_at ("a.b.c = 1\n[a.b]", 2, 4, "table 'a.b' defined twice");
    expect_error_at ("a = {b = 1,}", 1, 12, "trailing comma");
    expect_error_at ("\xef\xbb\xbf"
                     "a = 1\nb",
                     2, 2, "expected '=' after key");
    expect_error_at ("\xef\xbb\xbf"
                     "a 1",
                     1, 3, "expected '=' after key");
    expect_error_at ("a = \"\\uD800\"", 1, 6, "not a Unicode scalar value");
    expect_error_at ("a = 1.", 1, 5, "invalid number");
    expect_error_at ("a = +0x1", 1, 5, "sign not allowed");
    expect_error_at ("a = 1e999", 1, 5, "float out of range");
    expect_error_at ("a = 1 # \xff", 1, 9, "invalid UTF-8");
}

static void test_error_no_err (void **state)
{
    struct toml_value *root = NULL;

    /* a NULL struct toml_error is allowed */
    errno = 0;
    assert_int_equal (toml_parse (LIT ("a = 1\na = 2"), &root, NULL), -1);
    assert_int_equal (errno, EINVAL);
    assert_null (root);
    root = parse_ok (LIT (""));
    assert_int_equal (root->u.table.count, 0);
    toml_destroy (root);
}

/* Lookups */

static void test_table_get (void **state)
{
    struct toml_value *root = parse_ok (LIT ("a = 1\nt = {x = 2}\n"));
    const struct toml_value *a = toml_table_get (root, "a");
    const struct toml_value *t = toml_table_get (root, "t");

    assert_non_null (a);
    errno = 0;
    assert_null (toml_table_get (a, "x")); /* not a table */
    assert_int_equal (errno, EINVAL);
    errno = 0;
    assert_null (toml_table_get (NULL, "x"));
    assert_int_equal (errno, EINVAL);
    errno = 0;
    assert_null (toml_table_get (root, NULL));
    assert_int_equal (errno, EINVAL);
    errno = 0;
    assert_null (toml_table_get (root, "b"));
    assert_int_equal (errno, ENOENT);
    errno = 0;
    assert_null (toml_table_get (root, "t.x")); /* not dotted */
    assert_int_equal (errno, ENOENT);
    assert_int_equal (toml_table_get (t, "x")->u.integer, 2);
    assert_null (toml_table_item (a, "x"));
    toml_destroy (root);
}

static void test_keys_with_nul (void **state)
{
    struct toml_value *root =
        parse_ok (LIT ("\"a\\u0000b\" = 1\n\"\\u0000\" = 2\nab = 3\n"));
    const struct toml_keyval *kv;

    assert_int_equal (root->u.table.count, 3);
    kv = &root->u.table.items[0];
    assert_int_equal (kv->keylen, 3);
    assert_memory_equal (kv->key, "a\0b", 4);
    errno = 0;
    assert_null (toml_table_get (root, "a"));
    assert_int_equal (errno, ENOENT);
    assert_null (toml_table_get (root, ""));
    assert_int_equal (toml_table_get (root, "ab")->u.integer, 3);
    toml_destroy (root);
    /* "a" and "a\0" are different keys; lookups find the plain one */
    root = parse_ok (LIT ("\"a\\u0000\" = 1\na = 2\n\"\" = 3\n"));
    assert_int_equal (toml_table_get (root, "a")->u.integer, 2);
    assert_int_equal (toml_table_get (root, "")->u.integer, 3);
    toml_destroy (root);
}

/* Values: types, contents, positions */

static void test_values (void **state)
{
    struct toml_value *root = parse_ok (LIT (
        "s = \"x\\u0000y\"\ni = -9223372036854775808\nf = 1.5e3\n"
        "b = true\nodt = 1979-05-27T00:32:00.5-07:00\n"
        "ldt = 1979-05-27t07:32:00\nld = 2000-02-29\n"
        "lt = 07:32:00.123456789123\nn = -nan\nz = 1979-05-27 07:32:00z\n"));
    const struct toml_value *v;

    v = toml_table_get (root, "s");
    assert_int_equal (v->type, TOML_STRING);
    assert_int_equal (v->u.string.len, 3);
    assert_memory_equal (v->u.string.ptr, "x\0y", 4);
    v = toml_table_get (root, "i");
    assert_int_equal (v->type, TOML_INTEGER);
    assert_true (v->u.integer == INT64_MIN);
    v = toml_table_get (root, "f");
    assert_int_equal (v->type, TOML_FLOAT);
    assert_true (v->u.fp == 1500.0);
    assert_true (toml_table_get (root, "b")->u.boolean);
    v = toml_table_get (root, "odt");
    assert_int_equal (v->type, TOML_DATETIME);
    assert_int_equal (v->u.datetime.year, 1979);
    assert_int_equal (v->u.datetime.month, 5);
    assert_int_equal (v->u.datetime.day, 27);
    assert_int_equal (v->u.datetime.minute, 32);
    assert_int_equal (v->u.datetime.nanosecond, 500000000);
    assert_int_equal (v->u.datetime.frac_digits, 1);
    assert_int_equal (v->u.datetime.offset_minutes, -420);
    assert_string_equal (v->u.datetime.text, "1979-05-27T00:32:00.5-07:00");
    v = toml_table_get (root, "ldt");
    assert_int_equal (v->type, TOML_DATETIME_LOCAL);
    assert_string_equal (v->u.datetime.text, "1979-05-27T07:32:00");
    v = toml_table_get (root, "ld");
    assert_int_equal (v->type, TOML_DATE_LOCAL);
    assert_string_equal (v->u.datetime.text, "2000-02-29");
    assert_int_equal (v->u.datetime.hour, 0);
    v = toml_table_get (root, "lt");
    assert_int_equal (v->type, TOML_TIME_LOCAL);
    assert_int_equal (v->u.datetime.nanosecond, 123456789);
    assert_int_equal (v->u.datetime.frac_digits, 12);
    assert_int_equal (v->u.datetime.year, 0);
    assert_string_equal (v->u.datetime.text, "07:32:00.123456789");
    v = toml_table_get (root, "n");
    assert_true (isnan (v->u.fp) && signbit (v->u.fp));
    assert_string_equal (toml_table_get (root, "z")->u.datetime.text,
                         "1979-05-27T07:32:00Z");
    toml_destroy (root);
}

static void test_positions (void **state)
{
    struct toml_value *root =
        parse_ok (LIT ("a = 1\n  [t . u]\n x = \"s\"\r\n\n[[arr]]\n[[arr]]\n"
                       "d.e = [ 1,\n  {f = 2} ]\n"));
    const struct toml_keyval *kv;
    const struct toml_value *t, *u, *arr, *v;

    kv = toml_table_item (root, "a");
    assert_int_equal (kv->line, 1);
    assert_int_equal (kv->column, 1);
    assert_int_equal (kv->value->line, 1);
    assert_int_equal (kv->value->column, 5);
    kv = toml_table_item (root, "t");
    t = kv->value;
    assert_int_equal (kv->line, 2);
    assert_int_equal (kv->column, 4);
    kv = toml_table_item (t, "u");
    u = kv->value;
    assert_int_equal (kv->column, 8);
    assert_int_equal (u->line, 2); /* a [table]: its header */
    assert_int_equal (u->column, 3);
    kv = toml_table_item (u, "x");
    assert_int_equal (kv->line, 3);
    assert_int_equal (kv->column, 2);
    assert_int_equal (kv->value->column, 6);
    arr = toml_table_get (root, "arr");
    assert_int_equal (arr->type, TOML_ARRAY);
    assert_int_equal (arr->u.array.count, 2);
    assert_int_equal (arr->line, 5);
    assert_int_equal (arr->u.array.items[1]->line, 6);
    v = toml_table_get (toml_table_get (arr->u.array.items[1], "d"), "e");
    assert_int_equal (v->line, 7);
    assert_int_equal (v->column, 7);
    assert_int_equal (v->u.array.items[1]->line, 8);
    assert_int_equal (v->u.array.items[1]->column, 3);
    kv = toml_table_item (v->u.array.items[1], "f");
    assert_int_equal (kv->line, 8);
    assert_int_equal (kv->column, 4);
    toml_destroy (root);
}

static void test_document_order (void **state)
{
    struct toml_value *root = parse_ok (LIT ("z = 1\na = 2\nm = 3\n"));

    assert_int_equal (root->u.table.count, 3);
    assert_string_equal (root->u.table.items[0].key, "z");
    assert_string_equal (root->u.table.items[1].key, "a");
    assert_string_equal (root->u.table.items[2].key, "m");
    toml_destroy (root);
}

static void test_destroy_keeps_errno (void **state)
{
    struct toml_value *root = parse_ok (LIT ("a = [1, {b = \"c\"}]\n"));

    errno = 42;
    toml_destroy (NULL);
    assert_int_equal (errno, 42);
    toml_destroy (root);
    assert_int_equal (errno, 42);
}

static void test_type_names (void **state)
{
    assert_string_equal (toml_type_name (TOML_STRING), "string");
    assert_string_equal (toml_type_name (TOML_INTEGER), "integer");
    assert_string_equal (toml_type_name (TOML_FLOAT), "float");
    assert_string_equal (toml_type_name (TOML_BOOL), "bool");
    assert_string_equal (toml_type_name (TOML_DATETIME), "datetime");
    assert_string_equal (toml_type_name (TOML_DATETIME_LOCAL),
                         "datetime-local");
    assert_string_equal (toml_type_name (TOML_DATE_LOCAL), "date-local");
    assert_string_equal (toml_type_name (TOML_TIME_LOCAL), "time-local");
    assert_string_equal (toml_type_name (TOML_ARRAY), "array");
    assert_string_equal (toml_type_name (TOML_TABLE), "table");
    assert_string_equal (toml_type_name ((enum toml_type)0), "unknown");
}

/* Performance: large documents of every shape parse fast */

static double now (void)
{
    struct timespec ts;

    clock_gettime (CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Fill 'buf' with units "<prefix><n><suffix>" up to about TOML_MAX_SIZE. */
static size_t fill (char *buf,
                    const char *head,
                    const char *prefix,
                    const char *suffix,
                    const char *tail,
                    size_t *count)
{
    size_t len = (size_t)sprintf (buf, "%s", head);
    size_t n = 0;

    while (len + 64 + strlen (tail) < TOML_MAX_SIZE) {
        len += (size_t)sprintf (buf + len, "%s%zu%s", prefix, n++, suffix);
    }
    len += (size_t)sprintf (buf + len, "%s", tail);
    *count = n;
    return len;
}

static void
time_parse (const char *buf, size_t len, size_t keys, const char *what)
{
    double t0 = now ();
    struct toml_value *root = parse_ok (buf, len);
    double dt = now () - t0;

    toml_destroy (root);
    printf ("# %s: %zu bytes, %zu items, %.3f s\n", what, len, keys, dt);
    /* generous for sanitizers and valgrind; ~0.05 s in a plain build */
    if (dt > 10.0)
        fail_msg ("%s took %.3f s", what, dt);
}

static void test_large_documents (void **state)
{
    char *buf = malloc (TOML_MAX_SIZE + 1);
    size_t len, n;

    assert_non_null (buf);
    /* one inline table of ~100k keys on one line */
    len = fill (buf, "t = {", "k", " = 1,", "z = 0}\n", &n);
    time_parse (buf, len, n, "inline table");
    /* keys with a long common prefix (crit-bit worst case) */
    len =
        fill (buf, "t = {", "kkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkk",
              " = 1,", "z = 0}\n", &n);
    time_parse (buf, len, n, "inline table, long keys");
    /* one array of ~200k integers */
    len = fill (buf, "a = [", "", ",", "0]\n", &n);
    time_parse (buf, len, n, "array");
    /* 10000 lines of dotted keys in one table */
    len = 0;
    for (n = 0; n < TOML_MAX_LINES - 1; n++)
        len += (size_t)sprintf (buf + len, "x.k%zu = %zu\n", n, n);
    time_parse (buf, len, n, "dotted keys");
    /* 10000 headers */
    len = 0;
    for (n = 0; n < TOML_MAX_LINES - 1; n++)
        len += (size_t)sprintf (buf + len, "[[a.b]]\n");
    time_parse (buf, len, n, "array of tables");
    /* multi-line values between keys: positions stay linear */
    len = 0;
    for (n = 0; n < TOML_MAX_LINES / 3; n++) {
        len += (size_t)sprintf (buf + len, "s%zu = \"\"\"\n", n);
        memset (buf + len, 'x', 250);
        len += 250;
        len += (size_t)sprintf (buf + len, "\n\"\"\"\n");
    }
    time_parse (buf, len, n, "multi-line strings");
    free (buf);
}

int main (void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test (test_null_args),
        cmocka_unit_test (test_not_nul_terminated),
        cmocka_unit_test (test_oversized),
        cmocka_unit_test (test_too_many_lines),
        cmocka_unit_test (test_depth),
        cmocka_unit_test (test_depth_hostile),
        cmocka_unit_test (test_embedded_nul),
        cmocka_unit_test (test_invalid_utf8),
        cmocka_unit_test (test_control_chars),
        cmocka_unit_test (test_unterminated),
        cmocka_unit_test (test_error_positions),
        cmocka_unit_test (test_error_no_err),
        cmocka_unit_test (test_table_get),
        cmocka_unit_test (test_keys_with_nul),
        cmocka_unit_test (test_values),
        cmocka_unit_test (test_positions),
        cmocka_unit_test (test_document_order),
        cmocka_unit_test (test_destroy_keeps_errno),
        cmocka_unit_test (test_type_names),
        cmocka_unit_test (test_large_documents),
    };

    return TAP_RUN (tests);
}
