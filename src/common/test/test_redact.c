/* Unit tests of redact.c: a table of inputs and expected outputs, hostile
 * input first. */
#include <errno.h>
#include <string.h>

#include "tap_cmocka.h"
#include "common/redact.h"

static void expect (const char *in, const char *want)
{
    char *out = NULL;
    size_t len;

    assert_int_equal (redact (in, strlen (in), NULL, &out, &len), 0);
    if (strcmp (out, want) != 0)
        fail_msg ("in:   %s\nwant: %s\ngot:  %s", in, want, out);
    assert_int_equal (len, strlen (want));
    free (out);
}

#define JWT                                                                    \
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0In0."                \
    "SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c"
#define CRED "MUNGE:AwQFAAAcdVRsPZGp0+kq2/Qx=:"

static void test_hostile (void **state)
{
    char *out = NULL;
    const char nul[] = "TOKEN=a\0b\nx";

    errno = 0;
    assert_int_equal (redact (NULL, 1, NULL, &out, NULL), -1);
    assert_int_equal (errno, EINVAL);
    assert_int_equal (redact ("x", 1, NULL, NULL, NULL), -1);
    errno = 0;
    assert_int_equal (redact ("x", REDACT_MAX_SIZE + 1, NULL, &out, NULL), -1);
    assert_int_equal (errno, E2BIG);
    /* empty input */
    assert_int_equal (redact (NULL, 0, NULL, &out, NULL), 0);
    assert_string_equal (out, "");
    free (out);
    /* an embedded NUL is part of the value (masked with it); the length
     * is exact */
    {
        size_t len;
        assert_int_equal (redact (nul, sizeof (nul) - 1, NULL, &out, &len), 0);
        assert_int_equal (len, 11);
        assert_memory_equal (out, "TOKEN=***\nx", 11);
        free (out);
    }
    /* deep JSON falls back to text, no crash */
    {
        char deep[400];
        memset (deep, '[', 200);
        memset (deep + 200, ']', 200);
        assert_int_equal (redact (deep, sizeof (deep), NULL, &out, NULL), 0);
        assert_memory_equal (out, deep, sizeof (deep));
        free (out);
    }
    /* unterminated JSON-looking lines are text */
    expect ("{\"token\": \"abc", "{\"token\": \"abc");
    expect ("{\"TOKEN\":", "{\"TOKEN\":");
}

static void test_text (void **state)
{
    expect ("", "");
    expect ("nothing to see\n", "nothing to see\n");
    expect ("TOKEN=abc", "TOKEN=***");
    expect ("DW_WORKFLOW_TOKEN=abc123 next", "DW_WORKFLOW_TOKEN=*** next");
    expect ("export API_KEY=\"a b c\" x", "export API_KEY=\"***\" x");
    expect ("password='s3cr3t'", "password='***'");
    expect ("db_password: hunter2", "db_password: ***");
    expect ("https://x/?token=abc&user=bob", "https://x/?token=***&user=bob");
    expect ("a=1,secret=2,b=3", "a=1,secret=***,b=3");
    expect ("HOME=/home/bob PATH=/bin", "HOME=/home/bob PATH=/bin");
    expect ("TOKEN=", "TOKEN=");
    expect ("time 12:30 TOKENS", "time 12:30 TOKENS");
    /* multi-line, CRLF kept */
    expect ("A=1\nSECRET=x\r\nB=2\n", "A=1\nSECRET=***\r\nB=2\n");
    expect ("no newline at end\nTOKEN=a", "no newline at end\nTOKEN=***");
}

static void test_tokens (void **state)
{
    expect ("Authorization: Bearer " JWT, "Authorization: Bearer ***");
    expect ("x" JWT, "x" JWT); /* not at a boundary */
    expect ("see " JWT ".", "see ***.");
    expect ("(" JWT ")", "(***)");
    expect ("cred " CRED " end", "cred *** end");
    expect ("flux-secret:1:munge:" CRED, "flux-secret:1:munge:***");
    expect ("MUNGE::", "MUNGE::");
    expect ("eyJ.not.jwt", "eyJ.not.jwt");
    expect ("eyJabc.def", "eyJabc.def");
}

static void test_json (void **state)
{
    /* a JSON-lines eventlog entry: only the sensitive value changes */
    expect (
        "{\"timestamp\":1.5,\"name\":\"dws_environment\",\"context\":"
        "{\"variables\":{\"DW_JOB_x\":\"1\",\"DW_WORKFLOW_TOKEN\":\"abc\"}}}",
        "{\"timestamp\":1.5,\"name\":\"dws_environment\",\"context\":"
        "{\"variables\":{\"DW_JOB_x\":\"1\",\"DW_WORKFLOW_TOKEN\":\"***\"}}}");
    /* spacing preserved, non-string values masked */
    expect ("{ \"a\" : 1 , \"api_key\" : 12345 , \"b\" : [1,2] }",
            "{ \"a\" : 1 , \"api_key\" : \"***\" , \"b\" : [1,2] }");
    expect ("{\"secret\": {\"nested\": [1, {\"x\": 2}]}, \"ok\": true}",
            "{\"secret\": \"***\", \"ok\": true}");
    expect ("[{\"password\": null}, {\"other\": \"v\"}]",
            "[{\"password\": \"***\"}, {\"other\": \"v\"}]");
    /* tokens inside JSON strings under harmless keys */
    expect ("{\"msg\": \"got " JWT " ok\"}", "{\"msg\": \"got *** ok\"}");
    /* escaped quotes in values and keys */
    expect ("{\"note\": \"say \\\"hi\\\"\", \"token\": \"a\\\"b\"}",
            "{\"note\": \"say \\\"hi\\\"\", \"token\": \"***\"}");
    /* a JSON scalar line is text */
    expect ("\"TOKEN=abc\"", "\"TOKEN=***\"");
    /* NAME=value inside JSON is not a key: left alone unless a token */
    expect ("{\"cmd\": \"TOKEN=abc\"}", "{\"cmd\": \"TOKEN=abc\"}");
    /* several lines, one invalid */
    expect ("{\"token\":\"a\"}\n{bad json token=1\n",
            "{\"token\":\"***\"}\n{bad json token=***\n");
}

static void test_patterns (void **state)
{
    const char *pats[] = {"DW_*", NULL};
    char *out;

    assert_int_equal (redact ("DW_X=1 TOKEN=2", 14, pats, &out, NULL), 0);
    assert_string_equal (out, "DW_X=*** TOKEN=2");
    free (out);
    /* case-insensitive */
    assert_int_equal (redact ("dw_x=1", 6, pats, &out, NULL), 0);
    assert_string_equal (out, "dw_x=***");
    free (out);
}

int main (void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test (test_hostile),  cmocka_unit_test (test_text),
        cmocka_unit_test (test_tokens),   cmocka_unit_test (test_json),
        cmocka_unit_test (test_patterns),
    };
    return TAP_RUN (tests);
}
