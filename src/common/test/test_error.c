/* Unit tests of error.c. */
#include <errno.h>
#include <string.h>

#include "tap_cmocka.h"
#include "common/error.h"

static void test_null_is_noop (void **state)
{
    errno = 42;
    error_set (NULL, "x %d", 1);
    error_prefix (NULL, "y ");
    assert_int_equal (errno, 42);
    assert_int_equal (error_errno (NULL, ENOENT, "z"), -1);
    assert_int_equal (errno, ENOENT);
}

static void test_truncation_is_marked (void **state)
{
    struct error err;
    char big[2 * ERROR_TEXT_MAX];

    memset (big, 'a', sizeof (big) - 1);
    big[sizeof (big) - 1] = '\0';
    error_set (&err, "%s", big);
    assert_int_equal (strlen (err.text), ERROR_TEXT_MAX - 1);
    assert_int_equal (err.text[ERROR_TEXT_MAX - 2], '+');
}

static void test_prefix (void **state)
{
    struct error err;

    errno = EPERM;
    error_set (&err, "bad file permissions (%04o)", 0666);
    error_prefix (&err, "%s: ", "/etc/x.toml");
    assert_string_equal (err.text, "/etc/x.toml: bad file permissions (0666)");
    assert_int_equal (errno, EPERM);
}

static void test_prefix_truncates (void **state)
{
    struct error err;
    char big[ERROR_TEXT_MAX];

    memset (big, 'b', sizeof (big) - 1);
    big[sizeof (big) - 1] = '\0';
    error_set (&err, "tail");
    error_prefix (&err, "%s", big);
    assert_int_equal (strlen (err.text), ERROR_TEXT_MAX - 1);
    assert_int_equal (err.text[ERROR_TEXT_MAX - 2], '+');
}

static void test_errno (void **state)
{
    struct error err;

    assert_int_equal (error_errno (&err, EACCES, "no %s", "way"), -1);
    assert_int_equal (errno, EACCES);
    assert_string_equal (err.text, "no way");
}

int main (void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test (test_null_is_noop),
        cmocka_unit_test (test_truncation_is_marked),
        cmocka_unit_test (test_prefix),
        cmocka_unit_test (test_prefix_truncates),
        cmocka_unit_test (test_errno),
    };
    return TAP_RUN (tests);
}
