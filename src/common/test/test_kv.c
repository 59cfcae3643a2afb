/* Unit tests of kv.c: hostile encodings first, then the RFC 38 vectors
 * as known-answer tests of the exact bytes, then the API semantics.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <locale.h>
#include <math.h>
#include <stdbool.h>
#include <string.h>
#include <time.h>

#include "tap_cmocka.h"
#include "common/kv.h"

/* String literals with embedded NULs: the length excludes the literal's
 * own terminating NUL.
 */
#define LIT(s) (s), (sizeof (s) - 1)

static void assert_decode_fails (const char *buf, size_t len, int errnum)
{
    struct kv *kv = (struct kv *)&kv; /* must stay untouched */
    struct kv *orig = kv;
    struct error err = {{0}};

    errno = 0;
    assert_int_equal (kv_decode (buf, len, &kv, &err), -1);
    assert_int_equal (errno, errnum);
    assert_ptr_equal (kv, orig);
    assert_true (strlen (err.text) > 0);
}

static struct kv *decode_ok (const char *buf, size_t len)
{
    struct kv *kv = NULL;

    assert_int_equal (kv_decode (buf, len, &kv, NULL), 0);
    assert_non_null (kv);
    return kv;
}

/* The encoding of 'kv' must be exactly 'len' bytes of 'buf'. */
static void assert_encoding (const struct kv *kv, const char *buf, size_t len)
{
    const char *enc;
    size_t enclen;

    assert_int_equal (kv_encode (kv, &enc, &enclen), 0);
    assert_int_equal (enclen, len);
    assert_memory_equal (enc, buf, len);
}

/* Hostile encodings. */

static void test_decode_missing_final_nul (void **state)
{
    assert_decode_fails (LIT ("a\0sb"), EINVAL);
    assert_decode_fails (LIT ("a"), EINVAL);
    assert_decode_fails (LIT ("a\0sb\0c\0sd"), EINVAL);
}

static void test_decode_odd_nul_count (void **state)
{
    assert_decode_fails (LIT ("a\0"), EINVAL);
    assert_decode_fails (LIT ("a\0sb\0c\0"), EINVAL);
    assert_decode_fails (LIT ("a\0sb\0\0"), EINVAL);
}

static void test_decode_truncated (void **state)
{
    static const char enc[] = "PATH\0s/bin:/usr/bin\0N\0i42\0E\0s\0";
    size_t len = sizeof (enc) - 1;

    /* Every prefix that ends inside an entry is refused; the prefixes that
     * end on an entry boundary are valid kvs.
     */
    for (size_t n = 0; n < len; n++) {
        struct kv *kv = NULL;
        bool boundary = n == 0 || n == 20 || n == 26;
        int rc = kv_decode (enc, n, &kv, NULL);

        if (boundary) {
            assert_int_equal (rc, 0);
            kv_destroy (kv);
        }
        else {
            assert_int_equal (rc, -1);
            assert_int_equal (errno, EINVAL);
        }
    }
}

static void test_decode_empty_key (void **state)
{
    assert_decode_fails (LIT ("\0sx\0"), EINVAL);
    assert_decode_fails (LIT ("a\0sb\0\0sx\0"), EINVAL);
    assert_decode_fails (LIT ("\0"), EINVAL);
    assert_decode_fails (LIT ("\0\0"), EINVAL);
}

static void test_decode_bad_type (void **state)
{
    assert_decode_fails (LIT ("a\0xv\0"), EINVAL);
    assert_decode_fails (LIT ("a\0Sv\0"), EINVAL);
    assert_decode_fails (LIT ("a\0\xffv\0"), EINVAL);
    /* missing type char: the value is empty and has no type */
    assert_decode_fails (LIT ("a\0\0"), EINVAL);
    assert_decode_fails (LIT ("a\0si\0b\0\0"), EINVAL);
}

static void test_decode_duplicate_key (void **state)
{
    assert_decode_fails (LIT ("userid\0i1000\0userid\0i0\0"), EINVAL);
    assert_decode_fails (LIT ("a\0s1\0b\0s2\0a\0i3\0"), EINVAL);
}

static void test_decode_oversized (void **state)
{
    size_t len = KV_MAX_SIZE + 1;
    char *buf;
    struct kv *kv;

    assert_non_null ((buf = malloc (len)));
    /* key "k", type 's', value of len - 4 bytes: valid but for the size */
    memset (buf, 'x', len);
    memcpy (buf, "k\0s", 3);
    buf[len - 1] = '\0';
    assert_decode_fails (buf, len, E2BIG);

    /* the same shape at exactly KV_MAX_SIZE is accepted */
    memcpy (buf + 1, "k\0s", 3);
    kv = decode_ok (buf + 1, KV_MAX_SIZE);
    assert_int_equal (kv_count (kv), 1);
    kv_destroy (kv);
    free (buf);
}

static void test_decode_null_args (void **state)
{
    struct kv *kv;

    errno = 0;
    assert_int_equal (kv_decode (LIT ("a\0sb\0"), NULL, NULL), -1);
    assert_int_equal (errno, EINVAL);
    assert_decode_fails (NULL, 4, EINVAL);

    /* NULL with length 0 is the empty kv */
    kv = decode_ok (NULL, 0);
    assert_int_equal (kv_count (kv), 0);
    assert_encoding (kv, "", 0);
    kv_destroy (kv);
}

static void test_decode_reads_only_len (void **state)
{
    /* A valid kv followed by garbage: only 'len' bytes are considered. */
    static const char buf[] = "a\0sb\0GARBAGE";
    struct kv *kv = decode_ok (buf, 5);
    const char *s;

    assert_int_equal (kv_get_string (kv, "a", &s), 0);
    assert_string_equal (s, "b");
    assert_int_equal (kv_count (kv), 1);
    kv_destroy (kv);
}

static void test_put_refuses_bad_keys_and_values (void **state)
{
    struct kv *kv = kv_create ();

    assert_non_null (kv);
    assert_int_equal (kv_put_string (kv, "a", "keep"), 0);

    errno = 0;
    assert_int_equal (kv_put_string (kv, "", "x"), -1);
    assert_int_equal (errno, EINVAL);
    errno = 0;
    assert_int_equal (kv_put_stringn (kv, "k", LIT ("a\0b")), -1);
    assert_int_equal (errno, EINVAL);
    errno = 0;
    assert_int_equal (kv_put_raw (kv, "k", KV_UNKNOWN, "x"), -1);
    assert_int_equal (errno, EINVAL);
    errno = 0;
    assert_int_equal (kv_put_raw (kv, "k", (enum kv_type)'x', "x"), -1);
    assert_int_equal (errno, EINVAL);
    errno = 0;
    assert_int_equal (kv_put_string (kv, NULL, "x"), -1);
    assert_int_equal (errno, EINVAL);
    errno = 0;
    assert_int_equal (kv_put_string (kv, "k", NULL), -1);
    assert_int_equal (errno, EINVAL);
    errno = 0;
    assert_int_equal (kv_put_int64 (NULL, "k", 1), -1);
    assert_int_equal (errno, EINVAL);

    /* nothing changed */
    assert_encoding (kv, LIT ("a\0skeep\0"));

    /* kv_put_stringn stores exactly len bytes */
    assert_int_equal (kv_put_stringn (kv, "n", "abcdef", 3), 0);
    assert_encoding (kv, LIT ("a\0skeep\0n\0sabc\0"));
    kv_destroy (kv);
}

static void test_put_oversized (void **state)
{
    size_t size = KV_MAX_SIZE - 4; /* the largest value of a 1-char key */
    struct kv *kv = kv_create ();
    char *big;

    assert_non_null ((big = malloc (size + 2)));
    memset (big, 'v', size + 1);
    big[size + 1] = '\0';

    errno = 0;
    assert_int_equal (kv_put_string (kv, "k", big), -1);
    assert_int_equal (errno, E2BIG);
    assert_int_equal (kv_count (kv), 0);

    big[size] = '\0';
    assert_int_equal (kv_put_string (kv, "k", big), 0);
    /* replacing the entry with one of the same size fits */
    big[0] = 'w';
    assert_int_equal (kv_put_string (kv, "k", big), 0);
    /* but nothing more */
    errno = 0;
    assert_int_equal (kv_put_bool (kv, "b", true), -1);
    assert_int_equal (errno, E2BIG);
    assert_int_equal (kv_count (kv), 1);
    kv_destroy (kv);
    free (big);
}

static void test_int_parse_hostile (void **state)
{
    static const char *einval[] = {
        "",    "-",         "12abc", "abc", " 1",  "1 ",
        "+1",  "--1",       "0x10",  "1.0", "1e3", "99999999999999999999x",
        "\t1", "-\x31\xff",
    };
    static const char *erange[] = {
        "9223372036854775808",
        "-9223372036854775809",
        "18446744073709551616",
        "99999999999999999999999999",
    };
    int64_t i = 7;

    for (size_t n = 0; n < sizeof (einval) / sizeof (einval[0]); n++) {
        errno = 0;
        assert_int_equal (kv_parse_int64 (einval[n], &i), -1);
        assert_int_equal (errno, EINVAL);
    }
    for (size_t n = 0; n < sizeof (erange) / sizeof (erange[0]); n++) {
        errno = 0;
        assert_int_equal (kv_parse_int64 (erange[n], &i), -1);
        assert_int_equal (errno, ERANGE);
    }
    assert_int_equal (i, 7);
    errno = 0;
    assert_int_equal (kv_parse_int64 (NULL, &i), -1);
    assert_int_equal (errno, EINVAL);

    assert_int_equal (kv_parse_int64 ("-0", &i), 0);
    assert_int_equal (i, 0);
    assert_int_equal (kv_parse_int64 ("007", &i), 0);
    assert_int_equal (i, 7);
}

static void test_int_get_hostile (void **state)
{
    struct kv *kv = decode_ok (LIT ("a\0i12abc\0b\0i9223372036854775808\0"
                                    "c\0i\0"));
    int64_t i = 5;

    errno = 0;
    assert_int_equal (kv_get_int64 (kv, "a", &i), -1);
    assert_int_equal (errno, EINVAL);
    errno = 0;
    assert_int_equal (kv_get_int64 (kv, "b", &i), -1);
    assert_int_equal (errno, ERANGE);
    errno = 0;
    assert_int_equal (kv_get_int64 (kv, "c", &i), -1);
    assert_int_equal (errno, EINVAL);
    assert_int_equal (i, 5);
    kv_destroy (kv);
}

static void test_double_parse_hostile (void **state)
{
    static const char *einval[] = {
        "",    " 1.0", "\n1.0", "1.0 ", "1.0x", "12abc",
        "1,5", "x",    ".",     "--1",  "1e",
    };
    double d = 7.;

    for (size_t n = 0; n < sizeof (einval) / sizeof (einval[0]); n++) {
        errno = 0;
        assert_int_equal (kv_parse_double (einval[n], &d), -1);
        assert_int_equal (errno, EINVAL);
    }
    errno = 0;
    assert_int_equal (kv_parse_double ("1e999", &d), -1);
    assert_int_equal (errno, ERANGE);
    errno = 0;
    assert_int_equal (kv_parse_double ("-1e999", &d), -1);
    assert_int_equal (errno, ERANGE);
    assert_true (d == 7.);
}

static void test_timestamp_hostile (void **state)
{
    static const char *einval[] = {
        "",
        "1969-12-31T23:59:59Z",
        "0000-01-01T00:00:00Z",
        "2023-08-18T14:59:45",
        "2023-08-18 14:59:45Z",
        "2023-08-18T14:59:45z",
        "2023-08-18T14:59:45Z ",
        " 2023-08-18T14:59:45Z",
        "2023-8-18T14:59:45Z",
        "2023-08-18T14:59:45.0Z",
        "2023-08-18T14:59:45+00:00",
        "2023-13-01T00:00:00Z",
        "2023-00-01T00:00:00Z",
        "2023-01-00T00:00:00Z",
        "2023-02-29T00:00:00Z",
        "1900-02-29T00:00:00Z",
        "2023-04-31T00:00:00Z",
        "2023-08-18T24:00:00Z",
        "2023-08-18T14:60:00Z",
        "2023-08-18T14:59:60Z",
        "+023-08-18T14:59:45Z",
        "2023-08-18T1 :59:45Z",
        "10000-01-01T00:00:00Z",
    };
    struct kv *kv = kv_create ();
    time_t t = 7;

    for (size_t n = 0; n < sizeof (einval) / sizeof (einval[0]); n++) {
        errno = 0;
        assert_int_equal (kv_parse_timestamp (einval[n], &t), -1);
        assert_int_equal (errno, EINVAL);
    }
    assert_int_equal (t, 7);

    /* negative time_t and years beyond 9999 are refused on put */
    errno = 0;
    assert_int_equal (kv_put_timestamp (kv, "t", -1), -1);
    assert_int_equal (errno, EINVAL);
    errno = 0;
    assert_int_equal (kv_put_timestamp (kv, "t", (time_t)INT64_MIN), -1);
    assert_int_equal (errno, EINVAL);
    errno = 0;
    assert_int_equal (kv_put_timestamp (kv, "t", KV_TIMESTAMP_MAX + 1), -1);
    assert_int_equal (errno, EINVAL);
    assert_int_equal (kv_count (kv), 0);

    /* the extremes */
    assert_int_equal (kv_put_timestamp (kv, "lo", 0), 0);
    assert_int_equal (kv_put_timestamp (kv, "hi", KV_TIMESTAMP_MAX), 0);
    assert_encoding (kv, LIT ("lo\0t1970-01-01T00:00:00Z\0"
                              "hi\0t9999-12-31T23:59:59Z\0"));
    assert_int_equal (kv_get_timestamp (kv, "hi", &t), 0);
    assert_int_equal (t, KV_TIMESTAMP_MAX);
    kv_destroy (kv);
}

static void test_typed_lookup (void **state)
{
    struct kv *kv = decode_ok (LIT ("s\0sx\0i\0i1\0d\0d1.000000\0"
                                    "b\0btrue\0t\0t2023-08-18T14:59:45Z\0"));
    const char *s = "untouched";
    int64_t i = 0;
    double d = 0;
    bool b = false;
    time_t t = 0;

    errno = 0;
    assert_int_equal (kv_get_int64 (kv, "s", &i), -1);
    assert_int_equal (errno, ENOENT);
    errno = 0;
    assert_int_equal (kv_get_string (kv, "i", &s), -1);
    assert_int_equal (errno, ENOENT);
    errno = 0;
    assert_int_equal (kv_get_double (kv, "i", &d), -1);
    assert_int_equal (errno, ENOENT);
    errno = 0;
    assert_int_equal (kv_get_bool (kv, "s", &b), -1);
    assert_int_equal (errno, ENOENT);
    errno = 0;
    assert_int_equal (kv_get_timestamp (kv, "s", &t), -1);
    assert_int_equal (errno, ENOENT);
    errno = 0;
    assert_int_equal (kv_get_string (kv, "missing", &s), -1);
    assert_int_equal (errno, ENOENT);
    /* a key is matched whole, not by prefix */
    errno = 0;
    assert_int_equal (kv_get_string (kv, "", &s), -1);
    assert_int_equal (errno, ENOENT);
    assert_string_equal (s, "untouched");

    errno = 0;
    assert_int_equal (kv_get_string (NULL, "s", &s), -1);
    assert_int_equal (errno, EINVAL);
    errno = 0;
    assert_int_equal (kv_get_string (kv, NULL, &s), -1);
    assert_int_equal (errno, EINVAL);
    errno = 0;
    assert_int_equal (kv_get_string (kv, "s", NULL), -1);
    assert_int_equal (errno, EINVAL);

    assert_int_equal (kv_get_string (kv, "s", &s), 0);
    assert_string_equal (s, "x");
    assert_int_equal (kv_get_int64 (kv, "i", &i), 0);
    assert_int_equal (i, 1);
    assert_int_equal (kv_get_double (kv, "d", &d), 0);
    assert_true (d == 1.0);
    assert_int_equal (kv_get_bool (kv, "b", &b), 0);
    assert_true (b);
    assert_int_equal (kv_get_timestamp (kv, "t", &t), 0);
    assert_int_equal (t, 1692370785);
    kv_destroy (kv);
}

/* RFC 38 test vectors: known answers, both ways. */

static const char rfc38[] = "PATH\0s/bin:/usr/bin\0"
                            "EMPTY\0s\0"
                            "INT64_MIN\0i-9223372036854775808\0"
                            "INT64_MAX\0i9223372036854775807\0"
                            "ZERO\0i0\0"
                            "PI\0d3.141593\0"
                            "ONE\0d1.000000\0"
                            "NEGHALF\0d-0.500000\0"
                            "TINY\0d0.000000\0"
                            "INF\0dinf\0"
                            "NEGINF\0d-inf\0"
                            "NAN\0dnan\0"
                            "TRUE\0btrue\0"
                            "FALSE\0bfalse\0"
                            "EPOCH\0t1970-01-01T00:00:00Z\0"
                            "TIMESTAMP\0t2023-08-18T14:59:45Z\0";

static struct kv *make_rfc38 (void)
{
    struct kv *kv = kv_create ();

    assert_non_null (kv);
    assert_int_equal (kv_put_string (kv, "PATH", "/bin:/usr/bin"), 0);
    assert_int_equal (kv_put_string (kv, "EMPTY", ""), 0);
    assert_int_equal (kv_put_int64 (kv, "INT64_MIN", INT64_MIN), 0);
    assert_int_equal (kv_put_int64 (kv, "INT64_MAX", INT64_MAX), 0);
    assert_int_equal (kv_put_int64 (kv, "ZERO", 0), 0);
    assert_int_equal (kv_put_double (kv, "PI", 3.14159265358979), 0);
    assert_int_equal (kv_put_double (kv, "ONE", 1.0), 0);
    assert_int_equal (kv_put_double (kv, "NEGHALF", -0.5), 0);
    assert_int_equal (kv_put_double (kv, "TINY", 1e-300), 0);
    assert_int_equal (kv_put_double (kv, "INF", INFINITY), 0);
    assert_int_equal (kv_put_double (kv, "NEGINF", -INFINITY), 0);
    assert_int_equal (kv_put_double (kv, "NAN", NAN), 0);
    assert_int_equal (kv_put_bool (kv, "TRUE", true), 0);
    assert_int_equal (kv_put_bool (kv, "FALSE", false), 0);
    assert_int_equal (kv_put_timestamp (kv, "EPOCH", 0), 0);
    assert_int_equal (kv_put_timestamp (kv, "TIMESTAMP", 1692370785), 0);
    return kv;
}

static void test_rfc38_encode (void **state)
{
    struct kv *kv = make_rfc38 ();

    assert_encoding (kv, rfc38, sizeof (rfc38) - 1);
    assert_int_equal (kv_count (kv), 16);
    kv_destroy (kv);
}

static void test_rfc38_decode (void **state)
{
    struct kv *kv = decode_ok (rfc38, sizeof (rfc38) - 1);
    struct kv *expect = make_rfc38 ();
    const char *s;
    int64_t i;
    double d;
    bool b;
    time_t t;

    assert_true (kv_equal (kv, expect));
    assert_int_equal (kv_get_string (kv, "PATH", &s), 0);
    assert_string_equal (s, "/bin:/usr/bin");
    assert_int_equal (kv_get_string (kv, "EMPTY", &s), 0);
    assert_string_equal (s, "");
    assert_int_equal (kv_get_int64 (kv, "INT64_MIN", &i), 0);
    assert_true (i == INT64_MIN);
    assert_int_equal (kv_get_int64 (kv, "INT64_MAX", &i), 0);
    assert_true (i == INT64_MAX);
    assert_int_equal (kv_get_double (kv, "PI", &d), 0);
    assert_true (d == 3.141593);
    assert_int_equal (kv_get_double (kv, "NEGHALF", &d), 0);
    assert_true (d == -0.5);
    assert_int_equal (kv_get_double (kv, "INF", &d), 0);
    assert_true (isinf (d) && d > 0);
    assert_int_equal (kv_get_double (kv, "NEGINF", &d), 0);
    assert_true (isinf (d) && d < 0);
    assert_int_equal (kv_get_double (kv, "NAN", &d), 0);
    assert_true (isnan (d));
    assert_int_equal (kv_get_bool (kv, "TRUE", &b), 0);
    assert_true (b);
    assert_int_equal (kv_get_bool (kv, "FALSE", &b), 0);
    assert_false (b);
    assert_int_equal (kv_get_timestamp (kv, "EPOCH", &t), 0);
    assert_int_equal (t, 0);
    assert_int_equal (kv_get_timestamp (kv, "TIMESTAMP", &t), 0);
    assert_int_equal (t, 1692370785);
    kv_destroy (kv);
    kv_destroy (expect);
}

static void test_double_text (void **state)
{
    struct kv *kv = kv_create ();

    assert_int_equal (kv_put_double (kv, "a", 3.0), 0);
    assert_int_equal (kv_put_double (kv, "b", -NAN), 0);
    assert_int_equal (kv_put_double (kv, "c", -0.0), 0);
    assert_int_equal (kv_put_double (kv, "d", 0.0000005), 0);
    assert_int_equal (kv_put_double (kv, "e", 1e20), 0);
    assert_encoding (kv,
                     LIT ("a\0d3.000000\0b\0d-nan\0c\0d-0.000000\0"
                          "d\0d0.000000\0e\0d100000000000000000000.000000\0"));
    kv_destroy (kv);
}

/* The encoding must not follow the caller's LC_NUMERIC. */
static void test_double_locale (void **state)
{
    static const char *names[] = {"de_DE.UTF-8", "de_DE.utf8", "fr_FR.UTF-8"};
    locale_t loc = (locale_t)0, old;
    struct kv *kv = kv_create ();
    char text[32];
    double d;

    for (size_t n = 0; n < 3 && !loc; n++)
        loc = newlocale (LC_NUMERIC_MASK, names[n], (locale_t)0);
    if (!loc) {
        printf ("# no comma-decimal locale installed: only the C locale"
                " is exercised\n");
        loc = newlocale (LC_NUMERIC_MASK, "C", (locale_t)0);
    }
    assert_non_null (loc);
    old = uselocale (loc);
    snprintf (text, sizeof (text), "%.1f", 1.5);
    printf ("# the caller's locale prints 1.5 as %s\n", text);
    assert_int_equal (kv_put_double (kv, "x", 1.5), 0);
    assert_int_equal (kv_get_double (kv, "x", &d), 0);
    errno = 0;
    assert_int_equal (kv_parse_double ("1,5", &d), -1);
    assert_int_equal (errno, EINVAL);
    uselocale (old);
    freelocale (loc);
    assert_encoding (kv, LIT ("x\0d1.500000\0"));
    assert_true (d == 1.5);
    kv_destroy (kv);
}

static void test_bool_parse (void **state)
{
    static const struct {
        const char *s;
        bool b;
    } cases[] = {
        {"false", false}, {"", false},     {"true", true}, {"0", true},
        {"False", true},  {"FALSE", true}, {"no", true},   {"false ", true},
    };
    bool b;

    for (size_t n = 0; n < sizeof (cases) / sizeof (cases[0]); n++) {
        b = !cases[n].b;
        assert_int_equal (kv_parse_bool (cases[n].s, &b), 0);
        assert_int_equal (b, cases[n].b);
    }
    errno = 0;
    assert_int_equal (kv_parse_bool (NULL, &b), -1);
    assert_int_equal (errno, EINVAL);
}

/* Every day of 1970-2100 and a sample up to 9999 round trip through the
 * text form and agree with gmtime_r().
 */
static void test_timestamp_roundtrip (void **state)
{
    struct kv *kv = kv_create ();
    time_t t, got;

    for (t = 0; t <= KV_TIMESTAMP_MAX; t += t < 4102444800 ? 86399 : 8640007) {
        struct tm tm;
        char expect[32];
        const char *enc;
        size_t len;

        assert_non_null (gmtime_r (&t, &tm));
        strftime (expect, sizeof (expect), "%Y-%m-%dT%H:%M:%SZ", &tm);
        assert_int_equal (kv_put_timestamp (kv, "t", t), 0);
        assert_int_equal (kv_encode (kv, &enc, &len), 0);
        assert_string_equal (enc + 3, expect);
        assert_int_equal (kv_get_timestamp (kv, "t", &got), 0);
        assert_int_equal (got, t);
    }
    kv_destroy (kv);
}

/* The first and last second of every year, and of February 29th of every
 * leap year, from 1970 to 9999 agree with gmtime_r().
 */
static void test_timestamp_year_ends (void **state)
{
    struct kv *kv = kv_create ();

    for (int year = 1970; year <= 9999; year++) {
        struct tm jan1 = {.tm_year = year - 1900, .tm_mday = 1};
        struct tm feb29 = {.tm_year = year - 1900, .tm_mon = 1, .tm_mday = 29};
        time_t start = timegm (&jan1), leap = timegm (&feb29);
        time_t t[] = {start, start + 365 * 86400 - 1, start + 366 * 86400 - 1,
                      leap, leap + 86399};

        for (size_t i = 0; i < sizeof (t) / sizeof (t[0]); i++) {
            struct tm tm;
            char expect[32];
            const char *enc;
            size_t len;

            if (t[i] > KV_TIMESTAMP_MAX)
                continue;
            assert_non_null (gmtime_r (&t[i], &tm));
            strftime (expect, sizeof (expect), "%Y-%m-%dT%H:%M:%SZ", &tm);
            assert_int_equal (kv_put_timestamp (kv, "t", t[i]), 0);
            assert_int_equal (kv_encode (kv, &enc, &len), 0);
            assert_string_equal (enc + 3, expect);
        }
    }
    kv_destroy (kv);
}

/* Semantics. */

static void test_put_replaces_and_appends (void **state)
{
    struct kv *kv = kv_create ();

    assert_int_equal (kv_put_string (kv, "a", "1"), 0);
    assert_int_equal (kv_put_string (kv, "b", "2"), 0);
    assert_int_equal (kv_put_string (kv, "c", "3"), 0);
    assert_int_equal (kv_put_int64 (kv, "a", 4), 0);
    assert_encoding (kv, LIT ("b\0s2\0c\0s3\0a\0i4\0"));
    assert_int_equal (kv_put_string (kv, "a", "5"), 0);
    assert_encoding (kv, LIT ("b\0s2\0c\0s3\0a\0s5\0"));
    assert_int_equal (kv_count (kv), 3);

    assert_int_equal (kv_delete (kv, "c"), 0);
    assert_encoding (kv, LIT ("b\0s2\0a\0s5\0"));
    errno = 0;
    assert_int_equal (kv_delete (kv, "c"), -1);
    assert_int_equal (errno, ENOENT);
    errno = 0;
    assert_int_equal (kv_delete (kv, NULL), -1);
    assert_int_equal (errno, EINVAL);
    assert_int_equal (kv_delete (kv, "b"), 0);
    assert_int_equal (kv_delete (kv, "a"), 0);
    assert_encoding (kv, "", 0);
    kv_destroy (kv);
}

/* Putting a value read from the same kv must survive the buffer moving. */
static void test_put_aliasing (void **state)
{
    struct kv *kv = kv_create ();
    const char *s;
    char key[16];

    assert_int_equal (kv_put_string (kv, "a", "alias"), 0);
    for (int n = 0; n < 200; n++) {
        assert_int_equal (kv_get_string (kv, "a", &s), 0);
        snprintf (key, sizeof (key), "k%d", n);
        assert_int_equal (kv_put_string (kv, key, s), 0);
    }
    assert_int_equal (kv_get_string (kv, "a", &s), 0);
    assert_int_equal (kv_put_string (kv, "a", s), 0);
    assert_int_equal (kv_get_string (kv, "a", &s), 0);
    assert_string_equal (s, "alias");
    assert_int_equal (kv_get_string (kv, "k199", &s), 0);
    assert_string_equal (s, "alias");
    assert_int_equal (kv_count (kv), 201);
    kv_destroy (kv);
}

static void test_iteration (void **state)
{
    struct kv *kv = decode_ok (rfc38, sizeof (rfc38) - 1);
    struct kv *copy = kv_create ();
    struct kv_entry e;
    size_t cursor = 0, n = 0;

    while (kv_next (kv, &cursor, &e)) {
        assert_int_equal (kv_put_raw (copy, e.key, e.type, e.value), 0);
        n++;
    }
    assert_int_equal (n, 16);
    assert_true (kv_equal (kv, copy));

    cursor = 0;
    assert_true (kv_next (kv, &cursor, &e));
    assert_string_equal (e.key, "PATH");
    assert_int_equal (e.type, KV_STRING);
    assert_string_equal (e.value, "/bin:/usr/bin");
    assert_true (kv_next (kv, &cursor, &e));
    assert_string_equal (e.key, "EMPTY");
    assert_string_equal (e.value, "");

    /* a cursor that does not come from kv_next() cannot read out of
     * bounds: the last byte is a terminator */
    cursor = sizeof (rfc38) - 2;
    errno = 0;
    assert_false (kv_next (kv, &cursor, &e));
    assert_int_equal (errno, EINVAL);
    cursor = (size_t)-1;
    assert_false (kv_next (kv, &cursor, &e));
    errno = 0;
    assert_false (kv_next (NULL, &cursor, &e));
    assert_int_equal (errno, EINVAL);
    kv_destroy (kv);
    kv_destroy (copy);
}

static void test_copy_equal (void **state)
{
    struct kv *kv = make_rfc38 ();
    struct kv *copy = kv_copy (kv);
    struct kv *empty1 = kv_create ();
    struct kv *empty2 = kv_create ();

    assert_non_null (copy);
    assert_true (kv_equal (kv, copy));
    assert_int_equal (kv_put_bool (copy, "TRUE", true), 0);
    assert_false (kv_equal (kv, copy)); /* same entries, other order */
    assert_true (kv_equal (empty1, empty2));
    assert_false (kv_equal (kv, NULL));
    assert_false (kv_equal (NULL, NULL));
    errno = 0;
    assert_null (kv_copy (NULL));
    assert_int_equal (errno, EINVAL);

    errno = 42;
    kv_destroy (NULL);
    assert_int_equal (errno, 42);
    kv_destroy (kv);
    kv_destroy (copy);
    kv_destroy (empty1);
    kv_destroy (empty2);
}

static void test_join (void **state)
{
    struct kv *kv1 = kv_create ();
    struct kv *kv2 = kv_create ();

    assert_int_equal (kv_put_string (kv1, "version", "x"), 0);
    assert_int_equal (kv_put_string (kv1, "p.a", "old"), 0);
    assert_int_equal (kv_put_int64 (kv1, "z", 1), 0);
    assert_int_equal (kv_put_string (kv2, "a", "new"), 0);
    assert_int_equal (kv_put_bool (kv2, "b", false), 0);

    assert_int_equal (kv_join (kv1, kv2, "p."), 0);
    assert_encoding (kv1, LIT ("version\0sx\0z\0i1\0p.a\0snew\0p.b\0bfalse\0"));

    /* NULL and empty prefix mean no prefix */
    assert_int_equal (kv_join (kv1, kv2, NULL), 0);
    assert_int_equal (kv_join (kv1, kv2, ""), 0);
    assert_encoding (kv1, LIT ("version\0sx\0z\0i1\0p.a\0snew\0p.b\0bfalse\0"
                               "a\0snew\0b\0bfalse\0"));

    /* a kv joined with itself */
    assert_int_equal (kv_join (kv2, kv2, "x"), 0);
    assert_encoding (kv2, LIT ("a\0snew\0b\0bfalse\0xa\0snew\0xb\0bfalse\0"));

    errno = 0;
    assert_int_equal (kv_join (NULL, kv2, "p"), -1);
    assert_int_equal (errno, EINVAL);
    errno = 0;
    assert_int_equal (kv_join (kv1, NULL, "p"), -1);
    assert_int_equal (errno, EINVAL);
    kv_destroy (kv1);
    kv_destroy (kv2);
}

/* A join that would exceed KV_MAX_SIZE leaves kv1 unchanged. */
static void test_join_oversized (void **state)
{
    struct kv *kv1 = kv_create ();
    struct kv *kv2 = kv_create ();
    size_t size = KV_MAX_SIZE / 2;
    char *big;
    const char *enc;
    size_t len;

    assert_non_null ((big = malloc (size)));
    memset (big, 'v', size - 1);
    big[size - 1] = '\0';
    assert_int_equal (kv_put_string (kv1, "k", big), 0);
    assert_int_equal (kv_put_string (kv2, "a", "small"), 0);
    assert_int_equal (kv_put_string (kv2, "b", big), 0);
    errno = 0;
    assert_int_equal (kv_join (kv1, kv2, "p."), -1);
    assert_int_equal (errno, E2BIG);
    assert_int_equal (kv_count (kv1), 1);
    assert_int_equal (kv_encode (kv1, &enc, &len), 0);
    assert_int_equal (len, size + 3);
    kv_destroy (kv1);
    kv_destroy (kv2);
    free (big);
}

static void test_split (void **state)
{
    struct kv *kv = decode_ok (LIT ("version\0i1\0curve.cert.meta.a\0s1\0"
                                    "curve.cert.\0sexact\0curve.ctime\0i2\0"
                                    "curve.cert.curve.k\0sK\0curve.cert\0s\0"));
    struct kv *cert, *all, *none;

    cert = kv_split (kv, "curve.cert.");
    assert_non_null (cert);
    /* the key equal to the prefix is not taken */
    assert_encoding (cert, LIT ("meta.a\0s1\0curve.k\0sK\0"));

    all = kv_split (kv, "");
    assert_true (kv_equal (all, kv));
    none = kv_split (kv, "nomatch");
    assert_int_equal (kv_count (none), 0);

    /* split then join with the same prefix restores the entries */
    assert_int_equal (kv_delete (kv, "curve.cert.meta.a"), 0);
    assert_int_equal (kv_delete (kv, "curve.cert.curve.k"), 0);
    assert_int_equal (kv_join (kv, cert, "curve.cert."), 0);
    assert_encoding (kv,
                     LIT ("version\0i1\0curve.cert.\0sexact\0"
                          "curve.ctime\0i2\0curve.cert\0s\0"
                          "curve.cert.meta.a\0s1\0curve.cert.curve.k\0sK\0"));

    errno = 0;
    assert_null (kv_split (kv, NULL));
    assert_int_equal (errno, EINVAL);
    errno = 0;
    assert_null (kv_split (NULL, "x"));
    assert_int_equal (errno, EINVAL);
    kv_destroy (kv);
    kv_destroy (cert);
    kv_destroy (all);
    kv_destroy (none);
}

static void test_encode_args (void **state)
{
    struct kv *kv = kv_create ();
    const char *buf = NULL;
    size_t len = 1;

    assert_int_equal (kv_encode (kv, &buf, &len), 0);
    assert_non_null (buf);
    assert_int_equal (len, 0);
    errno = 0;
    assert_int_equal (kv_encode (NULL, &buf, &len), -1);
    assert_int_equal (errno, EINVAL);
    errno = 0;
    assert_int_equal (kv_encode (kv, NULL, &len), -1);
    assert_int_equal (errno, EINVAL);
    assert_int_equal (kv_count (NULL), 0);
    kv_destroy (kv);
}

int main (void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test (test_decode_missing_final_nul),
        cmocka_unit_test (test_decode_odd_nul_count),
        cmocka_unit_test (test_decode_truncated),
        cmocka_unit_test (test_decode_empty_key),
        cmocka_unit_test (test_decode_bad_type),
        cmocka_unit_test (test_decode_duplicate_key),
        cmocka_unit_test (test_decode_oversized),
        cmocka_unit_test (test_decode_null_args),
        cmocka_unit_test (test_decode_reads_only_len),
        cmocka_unit_test (test_put_refuses_bad_keys_and_values),
        cmocka_unit_test (test_put_oversized),
        cmocka_unit_test (test_int_parse_hostile),
        cmocka_unit_test (test_int_get_hostile),
        cmocka_unit_test (test_double_parse_hostile),
        cmocka_unit_test (test_timestamp_hostile),
        cmocka_unit_test (test_typed_lookup),
        cmocka_unit_test (test_rfc38_encode),
        cmocka_unit_test (test_rfc38_decode),
        cmocka_unit_test (test_double_text),
        cmocka_unit_test (test_double_locale),
        cmocka_unit_test (test_bool_parse),
        cmocka_unit_test (test_timestamp_roundtrip),
        cmocka_unit_test (test_timestamp_year_ends),
        cmocka_unit_test (test_put_replaces_and_appends),
        cmocka_unit_test (test_put_aliasing),
        cmocka_unit_test (test_iteration),
        cmocka_unit_test (test_copy_equal),
        cmocka_unit_test (test_join),
        cmocka_unit_test (test_join_oversized),
        cmocka_unit_test (test_split),
        cmocka_unit_test (test_encode_args),
    };
    return TAP_RUN (tests);
}
