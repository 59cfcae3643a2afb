/* Unit tests of exec_input.c, the parser of `flux-imp exec`'s JSON
 * input: hostile input first (oversized, truncated, embedded NUL, wrong
 * types, duplicates), then the accepted forms.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tap_cmocka.h"
#include "exec_device.h"
#include "exec_input.h"

/* Parse the NUL-terminated 's'; expect failure with 'errnum' and, if
 * 'text' is not NULL, that error text.
 */
static void fails (const char *s, size_t len, int errnum, const char *text)
{
    struct exec_input *in = (struct exec_input *)0x1;
    struct error err = {{0}};

    errno = 0;
    assert_int_equal (exec_input_parse (s, len, &in, &err), -1);
    assert_int_equal (errno, errnum);
    assert_ptr_equal (in, (struct exec_input *)0x1);
    assert_true (strlen (err.text) > 0);
    if (text)
        assert_string_equal (err.text, text);
}

static void fails_str (const char *s, int errnum, const char *text)
{
    fails (s, strlen (s), errnum, text);
}

static void test_oversized (void **state)
{
    size_t len = (size_t)EXEC_INPUT_MAX + 1;
    char *big = malloc (len);

    assert_non_null (big);
    memset (big, ' ', len);
    fails (big, len, E2BIG, "input exceeds 16777216 bytes");
    free (big);
}

static void test_not_json (void **state)
{
    fails_str ("", EINVAL, NULL);
    fails_str ("not json", EINVAL, NULL);
    fails_str ("{\"J\":\"abc\"", EINVAL, NULL); /* truncated */
    fails_str ("{\"J\":\"abc\"} trailing", EINVAL, NULL);
    fails_str ("\"J\"", EINVAL, NULL);
    fails_str ("[\"J\"]", EINVAL, NULL);
}

/* A syntax error never quotes the input, which may hold a credential:
 * the text gives the position instead.
 */
static void test_syntax_error_quotes_nothing (void **state)
{
    fails_str ("{\"J\":\"s3cr3t", EINVAL,
               "premature end of input at line 1, column 12");
    fails_str ("{\"J\":\"x\",\"options\":{\"Credentials\":"
               "{\"t\":\"s3cr3t\" x}}}",
               EINVAL, "'}' expected at line 1, column 49");
    fails_str ("{\"J\":\"s3cr3t\\q\"}", EINVAL,
               "invalid escape at line 1, column 14");
}

static void test_embedded_nul (void **state)
{
    static const char s[] = "{\"J\":\"a\"}\0{\"J\":\"b\"}";
    static const char u[] = "{\"J\":\"a\\u0000b\"}";

    fails (s, sizeof (s) - 1, EINVAL, NULL);
    fails_str (u, EINVAL, NULL); /* jansson refuses \u0000 */
}

static void test_J_missing_or_wrong (void **state)
{
    fails_str ("{}", EINVAL, "Object item not found: J");
    fails_str ("{\"options\":{}}", EINVAL, "Object item not found: J");
    fails_str ("{\"J\":42}", EINVAL, NULL);
    fails_str ("{\"J\":null}", EINVAL, NULL);
    fails_str ("{\"J\":[\"x\"]}", EINVAL, NULL);
    fails_str ("{\"J\":\"\"}", EINVAL, NULL);
}

static void test_options_wrong (void **state)
{
    fails_str ("{\"J\":\"x\",\"options\":1}", EINVAL,
               "options must be an object");
    fails_str ("{\"J\":\"x\",\"options\":[]}", EINVAL,
               "options must be an object");
}

/* The device policy is not checked here, but kept for exec_device_parse(),
 * which gives the errors.
 */
static void test_devices_wrong (void **state)
{
    static const struct {
        const char *options;
        const char *text;
    } cases[] = {
        {"{\"DevicePolicy\":1}", "DevicePolicy must be a string"},
        {"{\"DevicePolicy\":\"open\"}", "unknown DevicePolicy"},
        {"{\"DeviceAllow\":{}}", "DeviceAllow must be an array"},
    };
    for (size_t i = 0; i < sizeof (cases) / sizeof (cases[0]); i++) {
        struct exec_input *in = NULL;
        struct exec_device_specs *specs = NULL;
        struct error err = {{0}};
        char buf[256];

        snprintf (buf, sizeof (buf), "{\"J\":\"x\",\"options\":%s}",
                  cases[i].options);
        assert_int_equal (exec_input_parse (buf, strlen (buf), &in, NULL), 0);
        assert_non_null (in->options);
        errno = 0;
        assert_int_equal (exec_device_parse (in->options, &specs, &err), -1);
        assert_int_equal (errno, EINVAL);
        assert_string_equal (err.text, cases[i].text);
        assert_null (specs);
        exec_input_destroy (in);
    }
}

/* Whether containment is asked for: exec_device_parse() of the options
 * that the input keeps.
 */
static void test_devices (void **state)
{
    static const struct {
        const char *options;
        bool wants;
    } cases[] = {
        {"{}", false},
        {"{\"DevicePolicy\":\"auto\"}", false},
        {"{\"DevicePolicy\":\"auto\",\"DeviceAllow\":[]}", false},
        {"{\"DevicePolicy\":\"closed\"}", true},
        {"{\"DevicePolicy\":\"strict\",\"DeviceAllow\":[]}", true},
        {"{\"DeviceAllow\":[[\"/dev/null\",\"rw\"]]}", true},
    };
    for (size_t i = 0; i < sizeof (cases) / sizeof (cases[0]); i++) {
        struct exec_input *in = NULL;
        struct exec_device_specs *specs = NULL;
        char buf[256];

        snprintf (buf, sizeof (buf), "{\"J\":\"x\",\"options\":%s}",
                  cases[i].options);
        assert_int_equal (exec_input_parse (buf, strlen (buf), &in, NULL), 0);
        assert_non_null (in->options);
        assert_int_equal (exec_device_parse (in->options, &specs, NULL), 0);
        assert_int_equal (specs->contain, cases[i].wants);
        exec_device_specs_destroy (specs);
        exec_input_destroy (in);
    }
}

static void test_duplicate_J (void **state)
{
    fails_str ("{\"J\":\"a\",\"J\":\"b\"}", EINVAL, NULL);
}

static void test_null_arguments (void **state)
{
    struct exec_input *in;

    errno = 0;
    assert_int_equal (exec_input_parse (NULL, 0, &in, NULL), -1);
    assert_int_equal (errno, EINVAL);
    assert_int_equal (exec_input_parse ("{}", 2, NULL, NULL), -1);
    assert_int_equal (errno, EINVAL);
    exec_input_destroy (NULL);
}

static void test_good (void **state)
{
    static const char *const ok[] = {
        "{\"J\":\"abc.def.none\"}",
        " {\"J\" : \"abc.def.none\", \"options\": {}}\n",
        ("{\"J\":\"abc.def.none\",\"options\":{\"DevicePolicy\":\"auto\"},"
         "\"other\":1}"),
    };

    for (size_t i = 0; i < sizeof (ok) / sizeof (ok[0]); i++) {
        struct exec_input *in = NULL;
        struct error err = {{0}};

        if (exec_input_parse (ok[i], strlen (ok[i]), &in, &err) < 0)
            fail_msg ("%s: %s", ok[i], err.text);
        assert_string_equal (in->J, "abc.def.none");
        assert_int_equal (in->options != NULL, i > 0);
        if (in->options)
            assert_true (json_is_object (in->options));
        errno = 42;
        exec_input_destroy (in);
        assert_int_equal (errno, 42);
    }
}

/* Not NUL-terminated: only 'len' bytes are read. */
static void test_not_terminated (void **state)
{
    static const char s[] = "{\"J\":\"x\"}XXXX";
    struct exec_input *in = NULL;

    assert_int_equal (exec_input_parse (s, 9, &in, NULL), 0);
    assert_string_equal (in->J, "x");
    exec_input_destroy (in);
}

int main (void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test (test_oversized),
        cmocka_unit_test (test_not_json),
        cmocka_unit_test (test_syntax_error_quotes_nothing),
        cmocka_unit_test (test_embedded_nul),
        cmocka_unit_test (test_J_missing_or_wrong),
        cmocka_unit_test (test_options_wrong),
        cmocka_unit_test (test_devices_wrong),
        cmocka_unit_test (test_devices),
        cmocka_unit_test (test_duplicate_J),
        cmocka_unit_test (test_null_arguments),
        cmocka_unit_test (test_good),
        cmocka_unit_test (test_not_terminated),
    };
    return TAP_RUN (tests);
}
