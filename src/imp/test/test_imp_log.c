/* Unit tests of imp_log.c: hostile messages first (control bytes, line
 * breaks, oversized), then the format of each level and the level filter.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdarg.h>
#include <string.h>
#include <unistd.h>

#include "tap_cmocka.h"
#include "imp_log.h"

static char line[IMP_LOG_LINE_MAX];

static __attribute__ ((format (printf, 2, 3))) size_t
fmt (enum imp_log_level level, const char *f, ...)
{
    va_list ap;
    size_t n;

    va_start (ap, f);
    n = imp_log_vformat (line, sizeof (line), level, f, ap);
    va_end (ap);
    assert_int_equal (n, strlen (line));
    return n;
}

/* Run 'fn' with stderr on a temporary file; return what was written. */
static const char *capture (void (*fn) (void))
{
    static char buf[IMP_LOG_LINE_MAX * 2];
    FILE *f = tmpfile ();
    int saved = dup (STDERR_FILENO);
    size_t n;

    assert_non_null (f);
    assert_true (saved >= 0);
    assert_int_equal (dup2 (fileno (f), STDERR_FILENO), STDERR_FILENO);
    fn ();
    assert_int_equal (dup2 (saved, STDERR_FILENO), STDERR_FILENO);
    close (saved);
    rewind (f);
    n = fread (buf, 1, sizeof (buf) - 1, f);
    buf[n] = '\0';
    fclose (f);
    return buf;
}

static void test_control_bytes (void **state)
{
    fmt (IMP_LOG_INFO, "a%cb%cc%cd", '\x1b', '\x7f', '\x01');
    assert_string_equal (line, "flux-imp: a?b?c?d\n");
}

static void test_embedded_line_breaks (void **state)
{
    fmt (IMP_LOG_FATAL, "%s", "Unknown IMP command: x\nflux-imp: forged");
    assert_string_equal (line,
                         "flux-imp: Fatal: Unknown IMP command: x?flux-imp:"
                         " forged\n");
    fmt (IMP_LOG_INFO, "%s", "a\rb");
    assert_string_equal (line, "flux-imp: a?b\n");
}

static void test_trailing_crlf_stripped (void **state)
{
    fmt (IMP_LOG_WARNING, "%s", "msg\r\n\n\r");
    assert_string_equal (line, "flux-imp: Warning: msg\n");
    fmt (IMP_LOG_INFO, "%s", "\n\n");
    assert_string_equal (line, "flux-imp: \n");
}

static void test_tab_and_high_bytes_kept (void **state)
{
    fmt (IMP_LOG_INFO, "%s", "a\tb \xc3\xa9");
    assert_string_equal (line, "flux-imp: a\tb \xc3\xa9\n");
}

static void test_truncation (void **state)
{
    char big[IMP_LOG_MSG_MAX * 2];
    size_t n;

    memset (big, 'a', sizeof (big) - 1);
    big[sizeof (big) - 1] = '\0';
    n = fmt (IMP_LOG_INFO, "%s", big);
    assert_int_equal (n, strlen ("flux-imp: ") + IMP_LOG_MSG_MAX - 1 + 1);
    assert_int_equal (line[n - 2], '+');
    assert_int_equal (line[n - 3], 'a');
    assert_int_equal (line[n - 1], '\n');
}

static void test_longest_untruncated (void **state)
{
    char msg[IMP_LOG_MSG_MAX];
    size_t n;

    memset (msg, 'b', sizeof (msg) - 1);
    msg[sizeof (msg) - 1] = '\0';
    n = fmt (IMP_LOG_INFO, "%s", msg);
    assert_int_equal (n, strlen ("flux-imp: ") + IMP_LOG_MSG_MAX - 1 + 1);
    assert_int_equal (line[n - 2], 'b');

    msg[sizeof (msg) - 2] = '\0'; /* one shorter */
    n = fmt (IMP_LOG_INFO, "%s!", msg);
    assert_int_equal (line[n - 2], '!');
}

/* Line breaks up to the cut become "?"; the "+" marker stays last. */
static void test_truncation_keeps_marker_after_newlines (void **state)
{
    char big[IMP_LOG_MSG_MAX + 10];

    memset (big, '\n', sizeof (big) - 1);
    big[sizeof (big) - 1] = '\0';
    fmt (IMP_LOG_INFO, "%s", big);
    assert_int_equal (line[strlen (line) - 2], '+');
    assert_int_equal (line[strlen (line) - 3], '?');
    assert_ptr_equal (strchr (line, '\n'), line + strlen (line) - 1);
}

static void test_level_prefixes (void **state)
{
    fmt (IMP_LOG_FATAL, "x %d", 1);
    assert_string_equal (line, "flux-imp: Fatal: x 1\n");
    fmt (IMP_LOG_WARNING, "x");
    assert_string_equal (line, "flux-imp: Warning: x\n");
    fmt (IMP_LOG_INFO, "x");
    assert_string_equal (line, "flux-imp: x\n");
    fmt (IMP_LOG_DEBUG, "x");
    assert_string_equal (line, "flux-imp: Debug: x\n");
}

static void test_sanitize_direct (void **state)
{
    char s[] = "ok\x02\x1f\x20~\x7f\r\n";

    imp_log_sanitize (s);
    assert_string_equal (s, "ok?? ~?");
}

static void log_all (void)
{
    imp_debug ("d");
    imp_say ("i");
    imp_warn ("w");
    imp_fatal ("f");
    imp_print ("p");
}

static void test_level_filter (void **state)
{
    imp_log_set_level (IMP_LOG_INFO);
    assert_string_equal (capture (log_all),
                         "flux-imp: i\nflux-imp: Warning: w\n"
                         "flux-imp: Fatal: f\nflux-imp: p\n");
    imp_log_set_level (IMP_LOG_DEBUG);
    assert_string_equal (capture (log_all),
                         "flux-imp: Debug: d\nflux-imp: i\n"
                         "flux-imp: Warning: w\nflux-imp: Fatal: f\n"
                         "flux-imp: p\n");
    imp_log_set_level (IMP_LOG_WARNING);
    assert_string_equal (capture (log_all),
                         "flux-imp: Warning: w\nflux-imp: Fatal: f\n"
                         "flux-imp: p\n");
    imp_log_set_level (IMP_LOG_INFO);
}

static void log_errno (void)
{
    errno = EXDEV;
    imp_say ("x");
    assert_int_equal (errno, EXDEV);
}

static void test_errno_preserved (void **state)
{
    assert_string_equal (capture (log_errno), "flux-imp: x\n");
}

static void test_level_parse (void **state)
{
    enum imp_log_level level = IMP_LOG_FATAL;

    assert_int_equal (imp_log_level_parse ("debug", &level), 0);
    assert_int_equal (level, IMP_LOG_DEBUG);
    assert_int_equal (imp_log_level_parse ("info", &level), 0);
    assert_int_equal (level, IMP_LOG_INFO);
    assert_int_equal (imp_log_level_parse ("warning", &level), 0);
    assert_int_equal (level, IMP_LOG_WARNING);
    errno = 0;
    assert_int_equal (imp_log_level_parse ("Debug", &level), -1);
    assert_int_equal (errno, EINVAL);
    assert_int_equal (imp_log_level_parse ("", &level), -1);
    assert_int_equal (imp_log_level_parse ("fatal", &level), -1);
    assert_int_equal (imp_log_level_parse (NULL, &level), -1);
    assert_int_equal (level, IMP_LOG_WARNING);
}

int main (void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test (test_control_bytes),
        cmocka_unit_test (test_embedded_line_breaks),
        cmocka_unit_test (test_trailing_crlf_stripped),
        cmocka_unit_test (test_tab_and_high_bytes_kept),
        cmocka_unit_test (test_truncation),
        cmocka_unit_test (test_longest_untruncated),
        cmocka_unit_test (test_truncation_keeps_marker_after_newlines),
        cmocka_unit_test (test_level_prefixes),
        cmocka_unit_test (test_sanitize_direct),
        cmocka_unit_test (test_level_filter),
        cmocka_unit_test (test_errno_preserved),
        cmocka_unit_test (test_level_parse),
    };
    return TAP_RUN (tests);
}
