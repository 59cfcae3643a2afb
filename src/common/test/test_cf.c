/* Unit tests of cf.c that need no privilege: loading real files (with
 * path paranoia off, or passing because root wrote them), hostile
 * content, the merge rule, schema checks, getters and JSON.  The checks
 * that need root fixtures are in test_cf_root.c.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdbool.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tap_cmocka.h"
#include "common/cf.h"
#include "fixture_files.h"

static void write_file_len (const char *name, const char *buf, size_t len)
{
    fixture_write (name, buf, len, FIXTURE_NOCHANGE, FIXTURE_NOCHANGE, 0644);
}

static void write_file (const char *name, const char *content)
{
    write_file_len (name, content, strlen (content));
}

static void make_dir (const char *name)
{
    fixture_mkdir (name, FIXTURE_NOCHANGE, 0755);
}

/* Load 'pattern' (relative to fixture_dir) expecting failure with 'errnum'
 * and text that starts with 'prefix' (relative to fixture_dir, NULL: none)
 * and contains 'text' (NULL: anything).
 */
static void expect_load_fail (const char *pattern,
                              int flags,
                              int errnum,
                              const char *prefix,
                              const char *text)
{
    struct error err = {{0}};
    struct cf *cf = (struct cf *)&err;
    const char *p = prefix ? fixture_path (prefix) : NULL;

    errno = 0;
    assert_int_equal (cf_load (fixture_path (pattern), flags, &cf, &err), -1);
    assert_ptr_equal (cf, &err);
    if (errno != errnum)
        fail_msg ("errno %d, expected %d (%s)", errno, errnum, err.text);
    if (p && strncmp (err.text, p, strlen (p)))
        fail_msg ("'%s' does not start with '%s'", err.text, p);
    if (text && !strstr (err.text, text))
        fail_msg ("'%s' lacks '%s'", err.text, text);
}

/* 'text' must read "<fixture_dir>/<name>:<line>:<column>: ..." */
static void assert_position (const char *text, const char *name, int line)
{
    char prefix[600];
    const char *p;

    snprintf (prefix, sizeof (prefix), "%s:%d:", fixture_path (name), line);
    if (strncmp (text, prefix, strlen (prefix)))
        fail_msg ("'%s' does not start with '%s'", text, prefix);
    p = text + strlen (prefix);
    if (!isdigit ((unsigned char)*p))
        fail_msg ("'%s' has no column", text);
    while (isdigit ((unsigned char)*p))
        p++;
    if (strncmp (p, ": ", 2))
        fail_msg ("'%s' is not file:line:column: text", text);
}

static struct cf *load_ok (const char *pattern)
{
    struct error err = {{0}};
    struct cf *cf = NULL;

    if (cf_load (fixture_path (pattern), 0, &cf, &err) < 0)
        fail_msg ("%s: %s", pattern, err.text);
    return cf;
}

static struct cf *parse_ok (const char *toml)
{
    struct error err = {{0}};
    struct cf *cf = cf_create ();

    assert_non_null (cf);
    if (cf_update_buffer (cf, "buf.toml", toml, strlen (toml), &err) < 0)
        fail_msg ("%s", err.text);
    return cf;
}

/* Hostile content through the loader */

static void
expect_parse_fail (const char *name, const char *buf, size_t len, int line)
{
    struct error err = {{0}};
    struct cf *cf = NULL;

    write_file_len (name, buf, len);
    errno = 0;
    assert_int_equal (cf_load (fixture_path (name), 0, &cf, &err), -1);
    assert_null (cf);
    if (errno != EINVAL && errno != E2BIG)
        fail_msg ("errno %d (%s)", errno, err.text);
    assert_position (err.text, name, line);
}

static void test_nul_byte (void **state)
{
    expect_parse_fail ("nul.toml", "a = 1\nb = \"x\0y\"\n", 15, 2);
    expect_parse_fail ("nul2.toml", "\0", 1, 1);
}

static void test_invalid_utf8 (void **state)
{
    expect_parse_fail ("utf8.toml", "a = 1\n\nb = \"\xc3\x28\"\n", 14, 3);
    expect_parse_fail ("utf8b.toml", "# \xff\xfe\n", 5, 1);
}

static void test_unterminated (void **state)
{
    expect_parse_fail ("unterm.toml", "a = \"abc\n", 9, 1);
    expect_parse_fail ("unterm3.toml", "a = 1\nb = \"\"\"abc\n", 17, 2);
    expect_parse_fail ("untermarr.toml", "a = [1, 2", 9, 1);
    expect_parse_fail ("untermtab.toml", "[exec", 5, 1);
}

static void test_deeply_nested (void **state)
{
    char buf[512];
    size_t n = 0;

    n += (size_t)snprintf (buf, sizeof (buf), "a = ");
    for (int i = 0; i < 100; i++)
        buf[n++] = '[';
    for (int i = 0; i < 100; i++)
        buf[n++] = ']';
    buf[n++] = '\n';
    expect_parse_fail ("deep.toml", buf, n, 1);

    n = (size_t)snprintf (buf, sizeof (buf), "x = 1\n[t");
    for (int i = 0; i < 100; i++)
        n += (size_t)snprintf (buf + n, sizeof (buf) - n, ".t");
    n += (size_t)snprintf (buf + n, sizeof (buf) - n, "]\n");
    expect_parse_fail ("deeptab.toml", buf, n, 2);
}

static void test_duplicate_key (void **state)
{
    expect_parse_fail ("dup.toml", "a = 1\na = 2\n", 12, 2);
    expect_parse_fail ("duptab.toml", "[t]\nx = 1\n[t]\ny = 2\n", 20, 3);
}

static void test_file_too_large (void **state)
{
    size_t len = TOML_MAX_SIZE + 1;
    char *buf = malloc (len);
    struct cf *cf;

    assert_non_null (buf);
    memset (buf, ' ', len);
    buf[0] = '#';
    write_file_len ("big.toml", buf, len);
    expect_load_fail ("big.toml", 0, EFBIG, "big.toml", ": file too large");
    /* exactly the limit is read (and is a valid comment) */
    write_file_len ("big.toml", buf, len - 1);
    cf = load_ok ("big.toml");
    cf_destroy (cf);
    free (buf);
}

static void test_too_many_lines (void **state)
{
    size_t len = TOML_MAX_LINES + 2;
    char *buf = malloc (len);
    struct error err = {{0}};
    struct cf *cf = NULL;

    assert_non_null (buf);
    memset (buf, '\n', len);
    write_file_len ("lines.toml", buf, len);
    assert_int_equal (cf_load (fixture_path ("lines.toml"), 0, &cf, &err), -1);
    assert_true (errno == E2BIG || errno == EINVAL);
    assert_int_equal (strncmp (err.text, fixture_path ("lines.toml"),
                               strlen (fixture_path ("lines.toml"))),
                      0);
    free (buf);
}

/* Patterns */

static void test_no_match (void **state)
{
    char text[600];

    snprintf (text, sizeof (text), "%s: No match",
              fixture_path ("none-*.toml"));
    expect_load_fail ("none-*.toml", 0, ENOENT, NULL, text);
}

static void test_missing_directory (void **state)
{
    char text[600];

    snprintf (text, sizeof (text),
              "%s: Read error (%s: No such file or"
              " directory)",
              fixture_path ("nodir/*.toml"), fixture_path ("nodir"));
    expect_load_fail ("nodir/*.toml", 0, ENOENT, NULL, text);
}

static void test_bad_arguments (void **state)
{
    struct error err = {{0}};
    struct cf *cf = NULL;

    write_file ("args.toml", "a = 1\n");
    expect_load_fail ("args.toml", CF_PARANOIA_FORCE | CF_PARANOIA_DISABLE,
                      EINVAL, NULL, "invalid flags");
    expect_load_fail ("args.toml", 0x100, EINVAL, NULL, "invalid flags");
    assert_int_equal (cf_load ("", 0, &cf, &err), -1);
    assert_int_equal (errno, EINVAL);
    assert_int_equal (cf_load (NULL, 0, &cf, &err), -1);
    assert_int_equal (errno, EINVAL);
    assert_int_equal (cf_update_buffer (NULL, "x", "", 0, &err), -1);
    assert_int_equal (errno, EINVAL);
    errno = 42;
    cf_destroy (NULL);
    assert_int_equal (errno, 42);
}

static void test_directory_in_pattern (void **state)
{
    make_dir ("dirmatch");
    write_file ("dirmatch/a.toml", "a = 1\n");
    make_dir ("dirmatch/b.toml");
    expect_load_fail ("dirmatch/*.toml", 0, EINVAL, "dirmatch/b.toml",
                      "File is not a regular file");
}

/* Merge */

static void test_merge_replaces_tables (void **state)
{
    struct error err = {{0}};
    struct cf_value v;
    const char *s;
    int64_t i;
    struct cf *cf;

    make_dir ("merge");
    write_file ("merge/10-a.toml", "x = 1\n"
                                   "[sign]\n"
                                   "max-ttl = 30\n"
                                   "default-type = \"munge\"\n");
    write_file ("merge/20-b.toml", "y = 2\n"
                                   "\n"
                                   "[sign]\n"
                                   "allowed-types = [\"none\"]\n");
    cf = load_ok ("merge/*.toml");
    /* the later [sign] replaced the earlier one wholesale */
    assert_int_equal (cf_get (cf, "sign.max-ttl", CF_ANY, NULL, &err), -1);
    assert_int_equal (errno, ENOENT);
    assert_string_equal (err.text, "'sign.max-ttl' is not set");
    assert_int_equal (cf_get (cf, "sign.default-type", CF_ANY, NULL, &err), -1);
    assert_int_equal (cf_get (cf, "sign", CF_TABLE, &v, &err), 0);
    assert_string_equal (v.file, fixture_path ("merge/20-b.toml"));
    assert_int_equal (v.line, 3);
    assert_int_equal (cf_get (cf, "sign.allowed-types", CF_ARRAY, &v, &err), 0);
    assert_int_equal (cf_get_int64 (cf, "x", &i, &err), 0);
    assert_int_equal (i, 1);
    assert_int_equal (cf_get (cf, "x", CF_INT64, &v, &err), 0);
    assert_string_equal (v.file, fixture_path ("merge/10-a.toml"));
    assert_int_equal (cf_get_int64 (cf, "y", &i, &err), 0);
    assert_int_equal (i, 2);
    cf_destroy (cf);

    /* sorted order: b.toml after a.toml, whatever readdir says */
    write_file ("merge/30-c.toml", "x = \"last\"\n");
    cf = load_ok ("merge/*.toml");
    assert_int_equal (cf_get_string (cf, "x", &s, &err), 0);
    assert_string_equal (s, "last");
    cf_destroy (cf);
}

static void test_one_bad_file_fails_all (void **state)
{
    make_dir ("onebad");
    write_file ("onebad/a.toml", "a = 1\n");
    write_file ("onebad/b.toml", "b = \n");
    write_file ("onebad/c.toml", "c = 1\n");
    expect_load_fail ("onebad/*.toml", 0, EINVAL, "onebad/b.toml:1:", NULL);
}

static void test_update_failure_keeps_cf (void **state)
{
    struct error err = {{0}};
    struct cf *cf = parse_ok ("a = 1\n[t]\nk = 2\n");
    int64_t i;

    assert_int_equal (
        cf_update_buffer (cf, "bad.toml", "a = 2\nt = ", 10, &err), -1);
    assert_int_equal (strncmp (err.text, "bad.toml:2:", 11), 0);
    assert_int_equal (cf_get_int64 (cf, "a", &i, &err), 0);
    assert_int_equal (i, 1);
    assert_int_equal (cf_get_int64 (cf, "t.k", &i, &err), 0);
    assert_int_equal (cf_update_buffer (cf, "good.toml", "a = 3\n", 6, &err),
                      0);
    assert_int_equal (cf_get_int64 (cf, "a", &i, &err), 0);
    assert_int_equal (i, 3);
    assert_int_equal (cf_get_int64 (cf, "t.k", &i, &err), 0);
    assert_int_equal (cf_update_buffer (cf, "empty.toml", NULL, 0, &err), 0);
    cf_destroy (cf);
}

/* Schema */

static const struct cf_schema exec_schema[] = {
    {.key = "allowed-users", .type = CF_ARRAY, .elem = CF_STRING},
    {.key = "allowed-shells", .type = CF_ARRAY, .elem = CF_STRING},
    {.key = "pam-support", .type = CF_BOOL},
    {0},
};

static const struct cf_schema run_schema[] = {
    {.key = "path", .type = CF_STRING, .flags = CF_REQUIRED},
    {.key = "allowed-users", .type = CF_ARRAY, .elem = CF_STRING},
    {0},
};

static const struct cf_schema sign_schema[] = {
    {.key = "max-ttl", .type = CF_INT64, .flags = CF_REQUIRED},
    {.key = "default-type", .type = CF_STRING, .flags = CF_REQUIRED},
    {.key = "allowed-types",
     .type = CF_ARRAY,
     .flags = CF_REQUIRED,
     .elem = CF_STRING},
    {0},
};

static const struct cf_schema top_schema[] = {
    {.key = "allow-sudo", .type = CF_BOOL},
    {.key = "f", .type = CF_DOUBLE},
    {.key = "ts", .type = CF_TIMESTAMP},
    {.key = "exec", .type = CF_TABLE, .table = exec_schema},
    {.key = "run", .type = CF_TABLE, .flags = CF_EACH, .table = run_schema},
    {.key = "sign", .type = CF_TABLE, .table = sign_schema},
    {.key = "ca", .type = CF_TABLE},
    {.key = "list", .type = CF_ARRAY, .elem = CF_TABLE, .table = run_schema},
    {0},
};

static const struct cf_schema required_schema[] = {
    {.key = "allow-sudo", .type = CF_BOOL, .flags = CF_REQUIRED},
    {0},
};

static void expect_schema (const char *toml,
                           const char *path,
                           const struct cf_schema *schema,
                           int flags,
                           int errnum,
                           const char *text)
{
    struct error err = {{0}};
    struct cf *cf = parse_ok (toml);

    errno = 0;
    if (!errnum) {
        if (cf_check (cf, path, schema, flags, &err) < 0)
            fail_msg ("%s", err.text);
    }
    else {
        assert_int_equal (cf_check (cf, path, schema, flags, &err), -1);
        assert_int_equal (errno, errnum);
        assert_string_equal (err.text, text);
    }
    cf_destroy (cf);
}

static void test_check_unknown_key (void **state)
{
    const char *toml = "allow-sudo = true\n"
                       "\n"
                       "[exec]\n"
                       "allowed-users = [\"flux\"]\n"
                       "allowed-shells = [\"/bin/sh\"]\n"
                       "\n"
                       "allowed-user = \"x\"\n";

    expect_schema (toml, NULL, top_schema, CF_STRICT, EINVAL,
                   "buf.toml:7: key 'exec.allowed-user' is unknown");
    expect_schema (toml, NULL, top_schema, 0, 0, NULL);
    expect_schema ("alow-sudo = true\n", NULL, top_schema, CF_STRICT, EINVAL,
                   "buf.toml:1: key 'alow-sudo' is unknown");
    /* ANYTAB: unknown tables allowed, unknown scalars not */
    expect_schema ("[other]\nx = 1\n", NULL, top_schema, CF_STRICT | CF_ANYTAB,
                   0, NULL);
    expect_schema ("[other]\nx = 1\n", NULL, top_schema, CF_STRICT, EINVAL,
                   "buf.toml:1: key 'other' is unknown");
    expect_schema ("other = 1\n", NULL, top_schema, CF_STRICT | CF_ANYTAB,
                   EINVAL, "buf.toml:1: key 'other' is unknown");
    /* unprintable bytes in a key are escaped */
    expect_schema ("\"a'\\u0001\\u0000b\" = 1\n", NULL, top_schema, CF_STRICT,
                   EINVAL, "buf.toml:1: key 'a\\x27\\x01\\x00b' is unknown");
    /* a table without a schema is not looked into */
    expect_schema ("[ca]\nanything = 1\n", NULL, top_schema, CF_STRICT, 0,
                   NULL);
    /* free names under CF_EACH, strict keys inside them */
    expect_schema ("[run.prolog]\npath = \"/p\"\n[run.epilog]\npath = \"/e\"\n"
                   "paht = \"x\"\n",
                   NULL, top_schema, CF_STRICT, EINVAL,
                   "buf.toml:5: key 'run.epilog.paht' is unknown");
}

static void test_check_wrong_type (void **state)
{
    expect_schema ("\n\nallow-sudo = \"yes\"\n", NULL, top_schema, CF_STRICT,
                   EINVAL, "buf.toml:3: 'allow-sudo' must be of type bool");
    expect_schema ("allow-sudo = 1\n", NULL, top_schema, 0, EINVAL,
                   "buf.toml:1: 'allow-sudo' must be of type bool");
    expect_schema ("exec = 1\n", NULL, top_schema, 0, EINVAL,
                   "buf.toml:1: 'exec' must be of type table");
    expect_schema ("f = 1\n", NULL, top_schema, 0, EINVAL,
                   "buf.toml:1: 'f' must be of type double");
    expect_schema ("ts = \"1979-05-27\"\n", NULL, top_schema, 0, EINVAL,
                   "buf.toml:1: 'ts' must be of type timestamp");
    expect_schema ("f = 1.0\nts = 1979-05-27\n", NULL, top_schema, 0, 0, NULL);
    expect_schema ("[exec]\nallowed-users = \"flux\"\n", NULL, top_schema, 0,
                   EINVAL,
                   "buf.toml:2: 'exec.allowed-users' must be of type array");
    expect_schema ("[exec]\nallowed-users = [\"a\",\n  \"b\",\n  3]\n", NULL,
                   top_schema, 0, EINVAL,
                   "buf.toml:4: 'exec.allowed-users[2]' must be of type"
                   " string");
    expect_schema ("[exec]\nallowed-shells = [\"/bin/\\u0000sh\"]\n", NULL,
                   top_schema, 0, EINVAL,
                   "buf.toml:2: 'exec.allowed-shells[0]' must not contain a"
                   " NUL character");
    expect_schema ("[run]\nprolog = \"x\"\n", NULL, top_schema, 0, EINVAL,
                   "buf.toml:2: 'run.prolog' must be of type table");
    expect_schema ("list = [1]\n", NULL, top_schema, 0, EINVAL,
                   "buf.toml:1: 'list[0]' must be of type table");
    expect_schema ("[[list]]\npath = \"/x\"\n[[list]]\npath = 1\n", NULL,
                   top_schema, 0, EINVAL,
                   "buf.toml:4: 'list[1].path' must be of type string");
}

static void test_check_required (void **state)
{
    struct error err = {{0}};
    struct cf *cf;

    expect_schema ("[sign]\nmax-ttl = 30\ndefault-type = \"munge\"\n", NULL,
                   top_schema, CF_STRICT, ENOENT,
                   "buf.toml:1: 'sign.allowed-types' must be set");
    expect_schema ("x = 1\n\n[run.prolog]\nallowed-users = []\n", NULL,
                   top_schema, 0, ENOENT,
                   "buf.toml:3: 'run.prolog.path' must be set");
    expect_schema ("[[list]]\npath = \"/x\"\n[[list]]\n", NULL, top_schema, 0,
                   ENOENT, "buf.toml:3: 'list[1].path' must be set");
    expect_schema ("x = 1\n", NULL, required_schema, 0, ENOENT,
                   "configuration: 'allow-sudo' must be set");
    /* check a sub-table only, as the library checks [sign] */
    expect_schema ("x = 1\n[sign]\nmax-ttl = 1\ndefault-type = \"m\"\n"
                   "allowed-types = [\"m\"]\nextra = 1\n",
                   "sign", sign_schema, CF_STRICT, EINVAL,
                   "buf.toml:6: key 'sign.extra' is unknown");
    expect_schema ("x = 1\n", "sign", sign_schema, CF_STRICT, ENOENT,
                   "configuration: 'sign' must be set");
    expect_schema ("sign = 1\n", "sign", sign_schema, CF_STRICT, EINVAL,
                   "buf.toml:1: 'sign' must be of type table");

    /* at the top level of a load, the pattern is named */
    write_file ("req.toml", "x = 1\n");
    cf = load_ok ("req.toml");
    assert_int_equal (cf_check (cf, NULL, required_schema, 0, &err), -1);
    assert_int_equal (errno, ENOENT);
    assert_string_equal (strstr (err.text, "req.toml: "),
                         "req.toml: 'allow-sudo' must be set");
    assert_int_equal (cf_check (cf, NULL, top_schema, 0x100, &err), -1);
    assert_int_equal (errno, EINVAL);
    cf_destroy (cf);
}

/* A key of a table that a later file replaced is still checked. */
static void test_check_replaced_table (void **state)
{
    struct error err = {{0}};
    struct cf *cf = parse_ok ("[exec]\nallowed-user = [\"typo\"]\n");

    assert_int_equal (cf_update_buffer (cf, "later.toml",
                                        "[exec]\nallowed-users = []\n", 26,
                                        &err),
                      0);
    assert_int_equal (cf_check (cf, NULL, top_schema, CF_STRICT, &err), -1);
    assert_int_equal (errno, EINVAL);
    assert_string_equal (err.text,
                         "buf.toml:2: key 'exec.allowed-user' is unknown");
    assert_int_equal (cf_update_buffer (cf, "more.toml",
                                        "[sign]\nmax-ttl = \"x\"\n", 21, &err),
                      0);
    assert_int_equal (
        cf_update_buffer (cf, "last.toml", "[sign]\nmax-ttl = 1\n", 19, &err),
        0);
    assert_int_equal (cf_check (cf, "sign", sign_schema, 0, &err), -1);
    assert_int_equal (errno, EINVAL);
    assert_string_equal (err.text,
                         "more.toml:2: 'sign.max-ttl' must be of type int64");
    /* required keys are checked on the merged result only */
    assert_int_equal (cf_check (cf, "exec", exec_schema, CF_STRICT, &err), -1);
    assert_string_equal (err.text,
                         "buf.toml:2: key 'exec.allowed-user' is unknown");
    cf_destroy (cf);
}

/* Getters */

static void test_getters (void **state)
{
    struct error err = {{0}};
    struct cf *cf = parse_ok ("allow-sudo = false\n"
                              "n = -7\n"
                              "s = \"text\"\n"
                              "z = \"a\\u0000b\"\n"
                              "\"a.b\" = 1\n"
                              "[exec]\n"
                              "allowed-users = [\"alice\", \"bob\"]\n"
                              "mixed = [\"alice\", 1]\n"
                              "empty = []\n");
    const char **strv;
    const char *s = "untouched";
    int64_t n = 42;
    bool b = true;

    assert_int_equal (cf_get_bool (cf, "allow-sudo", &b, &err), 0);
    assert_false (b);
    assert_int_equal (cf_get_int64 (cf, "n", &n, &err), 0);
    assert_int_equal (n, -7);
    assert_int_equal (cf_get_string (cf, "s", &s, &err), 0);
    assert_string_equal (s, "text");

    /* absent is ENOENT, wrong type is EINVAL, output untouched */
    b = true;
    assert_int_equal (cf_get_bool (cf, "missing", &b, &err), -1);
    assert_int_equal (errno, ENOENT);
    assert_string_equal (err.text, "'missing' is not set");
    assert_int_equal (cf_get_bool (cf, "exec.missing", &b, &err), -1);
    assert_int_equal (errno, ENOENT);
    assert_int_equal (cf_get_bool (cf, "s", &b, &err), -1);
    assert_int_equal (errno, EINVAL);
    assert_string_equal (err.text, "buf.toml:3: 's' must be of type bool");
    assert_true (b);
    assert_int_equal (cf_get_int64 (cf, "s.x", &n, &err), -1);
    assert_int_equal (errno, EINVAL);
    assert_string_equal (err.text, "buf.toml:3: 's' must be of type table");
    assert_int_equal (cf_get_string (cf, "z", &s, &err), -1);
    assert_int_equal (errno, EINVAL);
    assert_string_equal (err.text, "buf.toml:4: 'z' must not contain a NUL"
                                   " character");
    assert_string_equal (s, "text");
    assert_int_equal (cf_get (cf, "z", CF_ANY, NULL, &err), 0);
    assert_int_equal (cf_get (cf, "a.b", CF_ANY, NULL, &err), -1);
    assert_int_equal (errno, ENOENT);
    assert_int_equal (cf_get (cf, "exec..x", CF_ANY, NULL, &err), -1);
    assert_int_equal (errno, EINVAL);
    assert_int_equal (cf_get (cf, "", CF_ANY, NULL, &err), -1);
    assert_int_equal (errno, EINVAL);
    assert_int_equal (cf_get (cf, "exec.", CF_ANY, NULL, &err), -1);
    assert_int_equal (errno, EINVAL);

    assert_int_equal (cf_get_strings (cf, "exec.allowed-users", &strv, &err),
                      0);
    assert_string_equal (strv[0], "alice");
    assert_string_equal (strv[1], "bob");
    assert_null (strv[2]);
    free (strv);
    assert_int_equal (cf_get_strings (cf, "exec.empty", &strv, &err), 0);
    assert_null (strv[0]);
    free (strv);
    assert_int_equal (cf_get_strings (cf, "exec.mixed", &strv, &err), -1);
    assert_int_equal (errno, EINVAL);
    assert_string_equal (err.text, "buf.toml:8: 'exec.mixed[1]' must be of"
                                   " type string");
    assert_int_equal (cf_get_strings (cf, "s", &strv, &err), -1);
    assert_int_equal (errno, EINVAL);
    assert_int_equal (cf_get_strings (cf, "nope", &strv, &err), -1);
    assert_int_equal (errno, ENOENT);
    cf_destroy (cf);
}

/* JSON */

static void test_json (void **state)
{
    struct error err = {{0}};
    struct cf *cf = parse_ok ("s = \"x\"\n"
                              "i = 42\n"
                              "f = 1.5\n"
                              "b = true\n"
                              "odt = 1979-05-27T07:32:00z\n"
                              "ldt = 1979-05-27T07:32:00\n"
                              "ld = 1979-05-27\n"
                              "lt = 07:32:00\n"
                              "arr = [1, \"two\"]\n"
                              "[t]\n"
                              "k = \"v\"\n");
    const char *s, *odt, *ldt, *ld, *lt, *two, *k;
    json_int_t i, one;
    double f;
    int b;
    json_t *o;

    assert_int_equal (cf_update_buffer (cf, "later.toml", "i = 43\n", 7, &err),
                      0);
    o = cf_to_json (cf, &err);
    assert_non_null (o);
    if (json_unpack (o,
                     "{s:s s:I s:f s:b s:{s:s} s:{s:s} s:{s:s} s:{s:s}"
                     " s:[I s] s:{s:s}}",
                     "s", &s, "i", &i, "f", &f, "b", &b, "odt", "iso-8601-ts",
                     &odt, "ldt", "iso-8601-ts", &ldt, "ld", "iso-8601-ts", &ld,
                     "lt", "iso-8601-ts", &lt, "arr", &one, &two, "t", "k", &k)
        < 0)
        fail_msg ("unexpected JSON");
    assert_string_equal (s, "x");
    assert_int_equal (i, 43);
    assert_true (f == 1.5);
    assert_true (b);
    assert_string_equal (odt, "1979-05-27T07:32:00Z");
    assert_string_equal (ldt, "1979-05-27T07:32:00");
    assert_string_equal (ld, "1979-05-27");
    assert_string_equal (lt, "07:32:00");
    assert_int_equal (one, 1);
    assert_string_equal (two, "two");
    assert_string_equal (k, "v");
    json_decref (o);
    cf_destroy (cf);
}

static void test_json_nan (void **state)
{
    struct error err = {{0}};
    struct cf *cf = parse_ok ("[t]\nx = [1.0, nan]\n");

    assert_null (cf_to_json (cf, &err));
    assert_int_equal (errno, EINVAL);
    assert_string_equal (err.text, "buf.toml:2: 't.x[1]' cannot be"
                                   " represented in JSON (nan or inf)");
    cf_destroy (cf);
}

static void test_json_nul_key (void **state)
{
    struct error err = {{0}};
    struct cf *cf = parse_ok ("\"a\\u0000b\" = \"c\\u0000d\"\n");
    json_t *o = cf_to_json (cf, &err);
    char *s;

    if (!o)
        fail_msg ("%s", err.text);
    s = json_dumps (o, JSON_COMPACT);
    assert_string_equal (s, "{\"a\\u0000b\":\"c\\u0000d\"}");
    free (s);
    json_decref (o);
    cf_destroy (cf);
}

int main (void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test (test_nul_byte),
        cmocka_unit_test (test_invalid_utf8),
        cmocka_unit_test (test_unterminated),
        cmocka_unit_test (test_deeply_nested),
        cmocka_unit_test (test_duplicate_key),
        cmocka_unit_test (test_file_too_large),
        cmocka_unit_test (test_too_many_lines),
        cmocka_unit_test (test_no_match),
        cmocka_unit_test (test_missing_directory),
        cmocka_unit_test (test_bad_arguments),
        cmocka_unit_test (test_directory_in_pattern),
        cmocka_unit_test (test_merge_replaces_tables),
        cmocka_unit_test (test_one_bad_file_fails_all),
        cmocka_unit_test (test_update_failure_keeps_cf),
        cmocka_unit_test (test_check_unknown_key),
        cmocka_unit_test (test_check_wrong_type),
        cmocka_unit_test (test_check_required),
        cmocka_unit_test (test_check_replaced_table),
        cmocka_unit_test (test_getters),
        cmocka_unit_test (test_json),
        cmocka_unit_test (test_json_nan),
        cmocka_unit_test (test_json_nul_key),
    };
    int rc;

    if (fixture_dir_create ("test_cf") < 0)
        return 1;
    rc = TAP_RUN (tests);
    if (fixture_dir_remove () < 0)
        return 1;
    return rc;
}
