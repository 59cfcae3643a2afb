/* Unit tests of exec_cred.c, options.Credentials of `flux-imp exec`:
 * hostile names, values, counts and sizes first, then hostile privsep
 * keys, then the accepted forms and the kv round trip.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tap_cmocka.h"
#include "exec_cred.h"

/* Parse the JSON options 'json'; return -1 (errno set, err filled) or 0
 * with *listp set.
 */
static int
parse (const char *json, struct exec_cred_list **listp, struct error *err)
{
    json_error_t jerr;
    json_t *o = json_loads (json, 0, &jerr);
    int rc;

    if (!o)
        fail_msg ("bad test JSON %s: %s", json, jerr.text);
    rc = exec_cred_parse (o, listp, err);
    json_decref (o);
    return rc;
}

/* Options {"Credentials": {name: "v"}} must fail with 'errnum', the
 * error text naming 'quoted' (if not NULL) and never the value.
 */
static void name_fails (const char *name, int errnum, const char *quoted)
{
    struct exec_cred_list *list = (struct exec_cred_list *)0x1;
    struct error err = {{0}};
    json_t *o = json_pack ("{s:{s:s}}", "Credentials", name, "SECRETVALUE");

    assert_non_null (o);
    errno = 0;
    assert_int_equal (exec_cred_parse (o, &list, &err), -1);
    assert_int_equal (errno, errnum);
    assert_ptr_equal (list, (struct exec_cred_list *)0x1);
    assert_null (strstr (err.text, "SECRETVALUE"));
    if (quoted && !strstr (err.text, quoted))
        fail_msg ("'%s' does not name %s", err.text, quoted);
    json_decref (o);
}

static void test_bad_names (void **state)
{
    char long_name[EXEC_CRED_NAME_MAX + 2];

    memset (long_name, 'a', sizeof (long_name) - 1);
    long_name[sizeof (long_name) - 1] = '\0';
    name_fails ("", EINVAL, "name \"\"");
    name_fails (".", EINVAL, "\".\"");
    name_fails ("..", EINVAL, "\"..\"");
    name_fails (".x", EINVAL, "\".x\"");
    name_fails ("a/b", EINVAL, "\"a/b\"");
    name_fails ("/etc/passwd", EINVAL, NULL);
    name_fails ("../x", EINVAL, NULL);
    name_fails ("a b", EINVAL, NULL);
    name_fails ("a\nb", EINVAL, "\"a\\x0ab\"");
    name_fails ("caf\xc3\xa9", EINVAL, "\"caf\\xc3\\xa9\"");
    name_fails ("a\"b", EINVAL, "\"a\\x22b\"");
    name_fails ("a\\b", EINVAL, NULL);
    name_fails ("a*", EINVAL, NULL);
    name_fails (long_name, EINVAL, "\"...");
    assert_false (exec_cred_name_valid (NULL));
    assert_false (exec_cred_name_valid (long_name));
    long_name[EXEC_CRED_NAME_MAX] = '\0';
    assert_true (exec_cred_name_valid (long_name));
}

/* A key with an embedded NUL: jansson refuses it by default. */
static void test_nul (void **state)
{
    static const char name_nul[] = "{\"Credentials\":{\"a\\u0000b\":\"v\"}}";
    static const char value_nul[] = "{\"Credentials\":{\"a\":\"v\\u0000w\"}}";
    json_error_t jerr;

    assert_null (json_loads (name_nul, 0, &jerr));
    assert_null (json_loads (value_nul, 0, &jerr));
}

static void fails (const char *json, int errnum, const char *text)
{
    struct exec_cred_list *list = (struct exec_cred_list *)0x1;
    struct error err = {{0}};

    errno = 0;
    assert_int_equal (parse (json, &list, &err), -1);
    assert_int_equal (errno, errnum);
    assert_ptr_equal (list, (struct exec_cred_list *)0x1);
    if (text)
        assert_string_equal (err.text, text);
}

static void test_bad_types (void **state)
{
    fails ("{\"Credentials\":[]}", EINVAL, "Credentials must be an object");
    fails ("{\"Credentials\":\"x\"}", EINVAL, "Credentials must be an object");
    fails ("{\"Credentials\":null}", EINVAL, "Credentials must be an object");
    fails ("{\"Credentials\":{\"a\":1}}", EINVAL,
           "\"a\": value must be a string");
    fails ("{\"Credentials\":{\"a\":null}}", EINVAL,
           "\"a\": value must be a string");
    fails ("{\"Credentials\":{\"a\":{\"b\":\"c\"}}}", EINVAL,
           "\"a\": value must be a string");
    fails ("{\"Credentials\":{\"good\":\"x\",\"a\":[\"x\"]}}", EINVAL, NULL);
}

/* {"Credentials": {"c0": V, "c1": V ...}} with n values of 'size'. */
static json_t *make_many (size_t n, size_t size)
{
    json_t *creds = json_object (), *o;
    char *v = malloc (size + 1);
    char name[32];

    assert_non_null (creds);
    assert_non_null (v);
    memset (v, 'v', size);
    v[size] = '\0';
    for (size_t i = 0; i < n; i++) {
        snprintf (name, sizeof (name), "c%zu", i);
        assert_int_equal (json_object_set_new (creds, name, json_string (v)),
                          0);
    }
    free (v);
    o = json_pack ("{s:o}", "Credentials", creds);
    assert_non_null (o);
    return o;
}

static int parse_many (size_t n, size_t size, struct error *err)
{
    struct exec_cred_list *list = NULL;
    json_t *o = make_many (n, size);
    int rc = exec_cred_parse (o, &list, err);

    if (rc == 0)
        assert_int_equal (list->count, n);
    exec_cred_list_destroy (list);
    json_decref (o);
    return rc;
}

static void test_limits (void **state)
{
    struct error err = {{0}};

    assert_int_equal (parse_many (EXEC_CRED_COUNT_MAX, 1, &err), 0);
    errno = 0;
    assert_int_equal (parse_many (EXEC_CRED_COUNT_MAX + 1, 1, &err), -1);
    assert_int_equal (errno, E2BIG);
    assert_string_equal (err.text, "too many entries (65, at most 64)");
    assert_int_equal (parse_many (1, EXEC_CRED_VALUE_MAX, &err), 0);
    errno = 0;
    assert_int_equal (parse_many (1, EXEC_CRED_VALUE_MAX + 1, &err), -1);
    assert_int_equal (errno, E2BIG);
    assert_string_equal (err.text, "\"c0\": value exceeds 1048576 bytes");
    assert_int_equal (parse_many (4, EXEC_CRED_TOTAL_MAX / 4, &err), 0);
    errno = 0;
    assert_int_equal (parse_many (4, EXEC_CRED_TOTAL_MAX / 4 + 1, &err), -1);
    assert_int_equal (errno, E2BIG);
    assert_non_null (strstr (err.text, "in total"));
}

static void test_absent (void **state)
{
    struct exec_cred_list *list = NULL;
    struct error err = {{0}};

    assert_int_equal (exec_cred_parse (NULL, &list, &err), 0);
    assert_int_equal (list->count, 0);
    exec_cred_list_destroy (list);
    assert_int_equal (parse ("{}", &list, &err), 0);
    assert_int_equal (list->count, 0);
    exec_cred_list_destroy (list);
    assert_int_equal (parse ("{\"Credentials\":{}}", &list, &err), 0);
    assert_int_equal (list->count, 0);
    exec_cred_list_destroy (list);
    assert_int_equal (exec_cred_parse (NULL, NULL, &err), -1);
    exec_cred_list_destroy (NULL);
}

static void test_good (void **state)
{
    struct exec_cred_list *list = NULL;
    struct error err = {{0}};

    assert_int_equal (parse ("{\"DevicePolicy\":\"closed\",\"Credentials\":"
                             "{\"token\":\"s3cr3t\",\"A-b_c.9\":\"\","
                             "\"x..\":\"line\\nline\\u00e9\"}}",
                             &list, &err),
                      0);
    assert_int_equal (list->count, 3);
    assert_string_equal (list->cred[0].name, "token");
    assert_string_equal (list->cred[0].value, "s3cr3t");
    assert_int_equal (list->cred[0].len, 6);
    assert_string_equal (list->cred[1].name, "A-b_c.9");
    assert_string_equal (list->cred[1].value, "");
    assert_string_equal (list->cred[2].name, "x..");
    assert_string_equal (list->cred[2].value, "line\nline\xc3\xa9");
    assert_int_equal (list->total, 6 + 0 + 11);
    exec_cred_list_destroy (list);
}

static void test_round_trip (void **state)
{
    struct exec_cred_list *list = NULL, *list2 = NULL;
    struct error err = {{0}};
    struct kv *kv = kv_create ();
    size_t nkeys = 0;

    assert_non_null (kv);
    assert_int_equal (
        parse ("{\"Credentials\":{\"a\":\"1\",\"b\":\"22\"}}", &list, &err), 0);
    assert_int_equal (kv_put_string (kv, "J", "x"), 0);
    assert_int_equal (exec_cred_encode (list, kv), 0);
    assert_int_equal (kv_count (kv), 1 + 1 + 2 * 2);
    assert_int_equal (exec_cred_decode (kv, &list2, &nkeys, &err), 0);
    assert_int_equal (nkeys, 5);
    assert_int_equal (list2->count, 2);
    for (size_t i = 0; i < 2; i++) {
        assert_string_equal (list2->cred[i].name, list->cred[i].name);
        assert_string_equal (list2->cred[i].value, list->cred[i].value);
    }
    exec_cred_kv_wipe (kv);
    assert_int_equal (kv_count (kv), 1 + 1 + 2);
    exec_cred_list_destroy (list2);
    exec_cred_list_destroy (list);
    kv_destroy (kv);

    /* no credentials: no keys, and decode gives an empty list */
    assert_non_null (kv = kv_create ());
    assert_int_equal (exec_cred_parse (NULL, &list, &err), 0);
    assert_int_equal (exec_cred_encode (list, kv), 0);
    assert_int_equal (kv_count (kv), 0);
    assert_int_equal (exec_cred_decode (kv, &list2, &nkeys, &err), 0);
    assert_int_equal (nkeys, 0);
    assert_int_equal (list2->count, 0);
    exec_cred_list_destroy (list2);
    exec_cred_list_destroy (list);
    kv_destroy (kv);
}

/* The kv of the NULL-terminated key, type, value triples must not
 * decode, with 'errnum'.
 */
static void decode_fails (int errnum, const char *const *kvs)
{
    struct exec_cred_list *list = (struct exec_cred_list *)0x1;
    struct error err = {{0}};
    struct kv *kv = kv_create ();
    size_t nkeys = 9999;

    assert_non_null (kv);
    for (; kvs[0]; kvs += 3)
        assert_int_equal (kv_put_raw (kv, kvs[0], kvs[1][0], kvs[2]), 0);
    errno = 0;
    assert_int_equal (exec_cred_decode (kv, &list, &nkeys, &err), -1);
    assert_int_equal (errno, errnum);
    assert_ptr_equal (list, (struct exec_cred_list *)0x1);
    assert_int_equal (nkeys, 9999);
    assert_true (strlen (err.text) > 0);
    kv_destroy (kv);
}

static void test_hostile_decode (void **state)
{
    decode_fails (EINVAL, (const char *const[]){"cred.count", "i", "x", NULL});
    decode_fails (EINVAL, (const char *const[]){"cred.count", "s", "1", NULL});
    decode_fails (ERANGE, (const char *const[]){"cred.count", "i", "0", NULL});
    decode_fails (ERANGE, (const char *const[]){"cred.count", "i", "-1", NULL});
    decode_fails (ERANGE, (const char *const[]){"cred.count", "i", "65", NULL});
    decode_fails (EINVAL, (const char *const[]){"cred.count", "i",
                                                "99999999999999999999", NULL});
    decode_fails (ENOENT, (const char *const[]){"cred.count", "i", "1", NULL});
    decode_fails (ENOENT, (const char *const[]){"cred.count", "i", "1",
                                                "cred.0.name", "s", "a", NULL});
    decode_fails (ENOENT, (const char *const[]){
                              "cred.count", "i", "1", "cred.0.name", "i", "1",
                              "cred.0.value", "s", "v", NULL});
    decode_fails (EINVAL, (const char *const[]){
                              "cred.count", "i", "1", "cred.0.name", "s", "..",
                              "cred.0.value", "s", "v", NULL});
    decode_fails (EINVAL, (const char *const[]){
                              "cred.count", "i", "1", "cred.0.name", "s", "a/b",
                              "cred.0.value", "s", "v", NULL});
    decode_fails (EINVAL, (const char *const[]){
                              "cred.count", "i", "2", "cred.0.name", "s", "a",
                              "cred.0.value", "s", "v", "cred.1.name", "s", "a",
                              "cred.1.value", "s", "w", NULL});
    decode_fails (ENOENT, (const char *const[]){
                              "cred.count", "i", "2", "cred.0.name", "s", "a",
                              "cred.0.value", "s", "v", "cred.2.name", "s", "b",
                              "cred.2.value", "s", "w", NULL});
}

/* A value over the limit in the kv is refused by the parent too. */
static void test_decode_sizes (void **state)
{
    struct exec_cred_list *list = NULL;
    struct error err = {{0}};
    struct kv *kv = kv_create ();
    char *v = malloc (EXEC_CRED_VALUE_MAX + 2);
    size_t nkeys;

    assert_non_null (kv);
    assert_non_null (v);
    memset (v, 'x', EXEC_CRED_VALUE_MAX + 1);
    v[EXEC_CRED_VALUE_MAX + 1] = '\0';
    assert_int_equal (kv_put_int64 (kv, "cred.count", 1), 0);
    assert_int_equal (kv_put_string (kv, "cred.0.name", "a"), 0);
    assert_int_equal (kv_put_string (kv, "cred.0.value", v), 0);
    errno = 0;
    assert_int_equal (exec_cred_decode (kv, &list, &nkeys, &err), -1);
    assert_int_equal (errno, E2BIG);
    v[EXEC_CRED_VALUE_MAX / 2 + 1] = '\0';
    assert_int_equal (kv_put_int64 (kv, "cred.count", 2), 0);
    assert_int_equal (kv_put_string (kv, "cred.0.value", v), 0);
    assert_int_equal (kv_put_string (kv, "cred.1.name", "b"), 0);
    assert_int_equal (kv_put_string (kv, "cred.1.value", v), 0);
    errno = 0;
    assert_int_equal (exec_cred_decode (kv, &list, &nkeys, &err), -1);
    assert_int_equal (errno, E2BIG);
    free (v);
    kv_destroy (kv);
}

int main (void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test (test_bad_names),
        cmocka_unit_test (test_nul),
        cmocka_unit_test (test_bad_types),
        cmocka_unit_test (test_limits),
        cmocka_unit_test (test_hostile_decode),
        cmocka_unit_test (test_decode_sizes),
        cmocka_unit_test (test_absent),
        cmocka_unit_test (test_good),
        cmocka_unit_test (test_round_trip),
    };
    exec_cred_wipe_jansson ();
    return TAP_RUN (tests);
}
