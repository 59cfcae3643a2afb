/* Unit tests of exec_device.c: the parser of the device options (every
 * malformed input first), ACCESS strings, the /proc/devices parser, the
 * resolution of specifiers and its warnings, and the privsep encoding
 * with a hostile decoder input.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include "tap_cmocka.h"
#include "exec_device.h"

/* Parse the JSON text 'options'; expect failure with 'errnum'. */
static void parse_fails (const char *options, int errnum)
{
    struct exec_device_specs *s = (struct exec_device_specs *)0x1;
    struct error err = {{0}};
    json_t *o = json_loads (options, JSON_DECODE_ANY, NULL);

    assert_non_null (o);
    errno = 0;
    assert_int_equal (exec_device_parse (o, &s, &err), -1);
    assert_int_equal (errno, errnum);
    assert_ptr_equal (s, (struct exec_device_specs *)0x1);
    assert_true (strlen (err.text) > 0);
    json_decref (o);
}

/* The exact texts that `flux-imp exec` prints after "exec: failed to
 * parse device containment policy: Invalid argument (": this parser is
 * their one source (exec_input.c does not look into options).
 */
static void test_parse_error_text (void **state)
{
    static const struct {
        const char *options;
        const char *text;
    } cases[] = {
        {"[]", "options must be an object"},
        {"{\"DevicePolicy\":\"open\"}", "unknown DevicePolicy"},
        {"{\"DevicePolicy\":\"\"}", "unknown DevicePolicy"},
        {"{\"DevicePolicy\":1}", "DevicePolicy must be a string"},
        {"{\"DeviceAllow\":{}}", "DeviceAllow must be an array"},
    };
    for (size_t i = 0; i < sizeof (cases) / sizeof (cases[0]); i++) {
        struct exec_device_specs *s = NULL;
        struct error err = {{0}};
        json_t *o = json_loads (cases[i].options, JSON_DECODE_ANY, NULL);

        assert_non_null (o);
        errno = 0;
        assert_int_equal (exec_device_parse (o, &s, &err), -1);
        assert_int_equal (errno, EINVAL);
        assert_string_equal (err.text, cases[i].text);
        assert_null (s);
        json_decref (o);
    }
}

static struct exec_device_specs *parse_ok (const char *options)
{
    struct exec_device_specs *s = NULL;
    struct error err = {{0}};
    json_t *o = options ? json_loads (options, 0, NULL) : NULL;

    if (options)
        assert_non_null (o);
    assert_int_equal (exec_device_parse (o, &s, &err), 0);
    assert_non_null (s);
    json_decref (o);
    return s;
}

static void test_parse_wrong_types (void **state)
{
    parse_fails ("[]", EINVAL);
    parse_fails ("\"auto\"", EINVAL);
    parse_fails ("{\"DevicePolicy\":1}", EINVAL);
    parse_fails ("{\"DevicePolicy\":null}", EINVAL);
    parse_fails ("{\"DevicePolicy\":\"open\"}", EINVAL);
    parse_fails ("{\"DevicePolicy\":\"\"}", EINVAL);
    parse_fails ("{\"DevicePolicy\":\"Strict\"}", EINVAL);
    parse_fails ("{\"DevicePolicy\":\"strict \"}", EINVAL);
    parse_fails ("{\"DeviceAllow\":{}}", EINVAL);
    parse_fails ("{\"DeviceAllow\":\"/dev/null\"}", EINVAL);
    parse_fails ("{\"DeviceAllow\":null}", EINVAL);
}

static void test_parse_bad_pairs (void **state)
{
    parse_fails ("{\"DeviceAllow\":[\"/dev/null\"]}", EINVAL);
    parse_fails ("{\"DeviceAllow\":[[]]}", EINVAL);
    parse_fails ("{\"DeviceAllow\":[[\"/dev/null\"]]}", EINVAL);
    parse_fails ("{\"DeviceAllow\":[[\"/dev/null\",\"r\",\"w\"]]}", EINVAL);
    parse_fails ("{\"DeviceAllow\":[[1,\"r\"]]}", EINVAL);
    parse_fails ("{\"DeviceAllow\":[[\"/dev/null\",7]]}", EINVAL);
    parse_fails ("{\"DeviceAllow\":[[\"/dev/null\",null]]}", EINVAL);
    parse_fails ("{\"DeviceAllow\":[{\"/dev/null\":\"r\"}]}", EINVAL);
    /* a good pair then a bad one: the whole policy is refused */
    parse_fails ("{\"DeviceAllow\":[[\"/dev/null\",\"r\"],[\"x\"]]}", EINVAL);
}

static void test_parse_embedded_nul (void **state)
{
    struct exec_device_specs *s = NULL;
    json_t *o =
        json_pack ("{s:[[s%,s]]}", "DeviceAllow", "/dev/null\0x", 11, "rw");

    assert_non_null (o);
    errno = 0;
    assert_int_equal (exec_device_parse (o, &s, NULL), -1);
    assert_int_equal (errno, EINVAL);
    json_decref (o);
    o = json_pack ("{s:[[s,s%]]}", "DeviceAllow", "/dev/null", "r\0w", 3);
    assert_non_null (o);
    assert_int_equal (exec_device_parse (o, &s, NULL), -1);
    assert_int_equal (errno, EINVAL);
    json_decref (o);
    o = json_pack ("{s:s%}", "DevicePolicy", "strict\0x", 8);
    assert_non_null (o);
    assert_int_equal (exec_device_parse (o, &s, NULL), -1);
    assert_int_equal (errno, EINVAL);
    json_decref (o);
}

static void test_parse_long_spec (void **state)
{
    struct exec_device_specs *s = NULL;
    char *long_spec = malloc (EXEC_DEVICE_SPEC_MAX + 2);
    json_t *o;

    assert_non_null (long_spec);
    memset (long_spec, 'a', EXEC_DEVICE_SPEC_MAX + 1);
    long_spec[EXEC_DEVICE_SPEC_MAX + 1] = '\0';
    o = json_pack ("{s:[[s,s]]}", "DeviceAllow", long_spec, "r");
    assert_int_equal (exec_device_parse (o, &s, NULL), -1);
    assert_int_equal (errno, EINVAL);
    json_decref (o);
    long_spec[EXEC_DEVICE_SPEC_MAX] = '\0';
    o = json_pack ("{s:[[s,s]]}", "DeviceAllow", long_spec, "r");
    assert_int_equal (exec_device_parse (o, &s, NULL), 0);
    exec_device_specs_destroy (s);
    json_decref (o);
    free (long_spec);
}

/* options with 'n' entries under 'policy'. */
static json_t *many (const char *policy, size_t n)
{
    json_t *allow = json_array ();

    for (size_t i = 0; i < n; i++)
        json_array_append_new (allow, json_pack ("[ss]", "/dev/null", "r"));
    return json_pack ("{s:s s:o}", "DevicePolicy", policy, "DeviceAllow",
                      allow);
}

static void count_is (const char *policy, size_t n, int rc, int errnum)
{
    struct exec_device_specs *s = NULL;
    json_t *o = many (policy, n);

    assert_non_null (o);
    errno = 0;
    assert_int_equal (exec_device_parse (o, &s, NULL), rc);
    if (rc < 0)
        assert_int_equal (errno, errnum);
    else
        assert_int_equal (s->count, EXEC_DEVICE_MAX);
    exec_device_specs_destroy (s);
    json_decref (o);
}

static void test_parse_too_many (void **state)
{
    count_is ("strict", EXEC_DEVICE_MAX, 0, 0);
    count_is ("strict", EXEC_DEVICE_MAX + 1, -1, ERANGE);
    count_is ("closed", EXEC_DEVICE_MAX - EXEC_DEVICE_STANDARD_COUNT, 0, 0);
    count_is ("closed", EXEC_DEVICE_MAX - EXEC_DEVICE_STANDARD_COUNT + 1, -1,
              ERANGE);
    count_is ("auto", EXEC_DEVICE_MAX - EXEC_DEVICE_STANDARD_COUNT + 1, -1,
              ERANGE);
    count_is ("auto", 100000, -1, ERANGE);
}

static void test_parse_bad_args (void **state)
{
    struct exec_device_specs *s = NULL;

    assert_int_equal (exec_device_parse (NULL, NULL, NULL), -1);
    assert_int_equal (errno, EINVAL);
    exec_device_specs_destroy (NULL);
    (void)s;
}

static void test_parse_policies (void **state)
{
    struct exec_device_specs *s;

    s = parse_ok (NULL);
    assert_false (s->contain);
    assert_int_equal (s->count, 0);
    exec_device_specs_destroy (s);

    s = parse_ok ("{}");
    assert_false (s->contain);
    exec_device_specs_destroy (s);

    s = parse_ok ("{\"DevicePolicy\":\"auto\",\"DeviceAllow\":[],\"x\":1}");
    assert_false (s->contain);
    exec_device_specs_destroy (s);

    s = parse_ok ("{\"DeviceAllow\":[[\"char-foo\",\"rw\"]]}");
    assert_true (s->contain);
    assert_int_equal (s->count, EXEC_DEVICE_STANDARD_COUNT + 1);
    assert_string_equal (s->specs[0].spec, "/dev/null");
    assert_string_equal (s->specs[0].access, "rwm");
    assert_string_equal (s->specs[7].spec, "char-pts");
    assert_string_equal (s->specs[7].access, "rw");
    assert_string_equal (s->specs[8].spec, "char-foo");
    assert_string_equal (s->specs[8].access, "rw");
    exec_device_specs_destroy (s);

    s = parse_ok ("{\"DevicePolicy\":\"closed\"}");
    assert_true (s->contain);
    assert_int_equal (s->count, EXEC_DEVICE_STANDARD_COUNT);
    assert_string_equal (s->specs[6].spec, "/dev/ptmx");
    exec_device_specs_destroy (s);

    s = parse_ok ("{\"DevicePolicy\":\"strict\"}");
    assert_true (s->contain);
    assert_int_equal (s->count, 0);
    exec_device_specs_destroy (s);

    /* not checked by the parser: resolution warns about these */
    s = parse_ok ("{\"DevicePolicy\":\"strict\","
                  "\"DeviceAllow\":[[\"\",\"\"],[\"bogus\",\"xyz\"]]}");
    assert_int_equal (s->count, 2);
    assert_string_equal (s->specs[1].spec, "bogus");
    exec_device_specs_destroy (s);
}

static void test_access (void **state)
{
    static const char *bad[] = {"",    "rwmr", "rr",  "mm",  "x",    "R",
                                "rw ", " r",   "r\n", "rwx", "wrmw", "-"};
    for (size_t i = 0; i < sizeof (bad) / sizeof (bad[0]); i++) {
        errno = 0;
        assert_int_equal (exec_device_access_parse (bad[i]), -1);
        assert_int_equal (errno, EINVAL);
    }
    assert_int_equal (exec_device_access_parse (NULL), -1);
    assert_int_equal (exec_device_access_parse ("r"), EXEC_DEVICE_READ);
    assert_int_equal (exec_device_access_parse ("w"), EXEC_DEVICE_WRITE);
    assert_int_equal (exec_device_access_parse ("m"), EXEC_DEVICE_MKNOD);
    assert_int_equal (exec_device_access_parse ("rwm"), 7);
    assert_int_equal (exec_device_access_parse ("mwr"), 7);
    assert_int_equal (exec_device_access_parse ("wm"),
                      EXEC_DEVICE_WRITE | EXEC_DEVICE_MKNOD);
}

static const char proc_devices[] = "Character devices:\n"
                                   "  1 mem\n"
                                   "  4 /dev/vc/0\n"
                                   "  5 /dev/tty\n"
                                   "136 pts\n"
                                   "180 usb\n"
                                   "240 foo\n"
                                   "241 foo\n"
                                   "   bad line\n"
                                   "x12 foo\n"
                                   "12foo\n"
                                   "999999999999 foo\n"
                                   "242  foo \n"
                                   "\n"
                                   "Block devices:\n"
                                   "  7 loop\n"
                                   "  8 sd\n"
                                   "250 foo\n"
                                   "253 device-mapper";

static size_t majors_of (int type, const char *name, uint32_t *m, size_t max)
{
    size_t n = 99;

    assert_int_equal (exec_device_proc_majors (proc_devices,
                                               strlen (proc_devices), type,
                                               name, m, max, &n),
                      0);
    return n;
}

static void test_proc_devices (void **state)
{
    uint32_t m[8];
    size_t n;

    assert_int_equal (majors_of (EXEC_DEVICE_CHAR, "pts", m, 8), 1);
    assert_int_equal (m[0], 136);
    assert_int_equal (majors_of (EXEC_DEVICE_CHAR, "mem", m, 8), 1);
    assert_int_equal (m[0], 1);
    assert_int_equal (majors_of (EXEC_DEVICE_CHAR, "/dev/vc/0", m, 8), 1);
    assert_int_equal (m[0], 4);
    /* every major of a name, only in its own section */
    assert_int_equal (majors_of (EXEC_DEVICE_CHAR, "foo", m, 8), 2);
    assert_int_equal (m[0], 240);
    assert_int_equal (m[1], 241);
    assert_int_equal (majors_of (EXEC_DEVICE_BLOCK, "foo", m, 8), 1);
    assert_int_equal (m[0], 250);
    /* the last line has no newline */
    assert_int_equal (majors_of (EXEC_DEVICE_BLOCK, "device-mapper", m, 8), 1);
    assert_int_equal (m[0], 253);
    /* exact names only */
    assert_int_equal (majors_of (EXEC_DEVICE_CHAR, "pt", m, 8), 0);
    assert_int_equal (majors_of (EXEC_DEVICE_CHAR, "pts ", m, 8), 0);
    assert_int_equal (majors_of (EXEC_DEVICE_CHAR, "loop", m, 8), 0);
    assert_int_equal (majors_of (EXEC_DEVICE_BLOCK, "mem", m, 8), 0);
    assert_int_equal (majors_of (EXEC_DEVICE_CHAR, "", m, 8), 0);
    assert_int_equal (majors_of (EXEC_DEVICE_CHAR, "line", m, 8), 0);
    /* too many matches */
    errno = 0;
    assert_int_equal (
        exec_device_proc_majors (proc_devices, strlen (proc_devices),
                                 EXEC_DEVICE_CHAR, "foo", m, 1, &n),
        -1);
    assert_int_equal (errno, ERANGE);
}

static void test_proc_devices_hostile (void **state)
{
    static const char nul[] = "Character devices:\n  1 m\0em\n  2 mem\n";
    static const char nosection[] = "  1 mem\n";
    size_t big = 65 * 1024, n = 99;
    uint32_t m[4];
    char *buf;

    assert_int_equal (exec_device_proc_majors (nul, sizeof (nul) - 1,
                                               EXEC_DEVICE_CHAR, "mem", m, 4,
                                               &n),
                      0);
    assert_int_equal (n, 1);
    assert_int_equal (m[0], 2);
    assert_int_equal (
        exec_device_proc_majors (nosection, sizeof (nosection) - 1,
                                 EXEC_DEVICE_CHAR, "mem", m, 4, &n),
        0);
    assert_int_equal (n, 0);
    /* truncated in the middle of a name, or of the next line */
    assert_int_equal (exec_device_proc_majors (
                          proc_devices, 25, EXEC_DEVICE_CHAR, "mem", m, 4, &n),
                      0);
    assert_int_equal (n, 0);
    assert_int_equal (exec_device_proc_majors (
                          proc_devices, 29, EXEC_DEVICE_CHAR, "mem", m, 4, &n),
                      0);
    assert_int_equal (n, 1);
    assert_int_equal (
        exec_device_proc_majors ("", 0, EXEC_DEVICE_CHAR, "mem", m, 4, &n), 0);
    assert_int_equal (n, 0);
    assert_non_null (buf = calloc (1, big));
    errno = 0;
    assert_int_equal (
        exec_device_proc_majors (buf, big, EXEC_DEVICE_CHAR, "mem", m, 4, &n),
        -1);
    assert_int_equal (errno, EINVAL);
    free (buf);
    assert_int_equal (exec_device_proc_majors ("x", 1, 3, "mem", m, 4, &n), -1);
    assert_int_equal (
        exec_device_proc_majors (NULL, 1, EXEC_DEVICE_CHAR, "mem", m, 4, &n),
        -1);
    assert_int_equal (
        exec_device_proc_majors ("x", 1, EXEC_DEVICE_CHAR, NULL, m, 4, &n), -1);
}

/* Warnings collected by resolve (). */
struct warnings {
    char text[8192];
    int count;
};

static void collect (const char *msg, void *arg)
{
    struct warnings *w = arg;
    size_t len = strlen (w->text);

    snprintf (w->text + len, sizeof (w->text) - len, "%s\n", msg);
    w->count++;
}

static struct exec_device_list *resolve (const char *options,
                                         struct warnings *w)
{
    struct exec_device_specs *s = parse_ok (options);
    struct exec_device_list *l = NULL;
    struct error err = {{0}};

    memset (w, 0, sizeof (*w));
    assert_int_equal (exec_device_resolve (s, collect, w, &l, &err), 0);
    exec_device_specs_destroy (s);
    return l;
}

static bool has_dev (const struct exec_device_list *l,
                     int type,
                     uint32_t major,
                     int32_t minor,
                     int access)
{
    for (size_t i = 0; i < l->count; i++)
        if (l->dev[i].type == type && l->dev[i].major == major
            && l->dev[i].minor == minor && l->dev[i].access == access)
            return true;
    return false;
}

static void test_resolve_warnings (void **state)
{
    struct exec_device_list *l;
    struct warnings w;

    l = resolve ("{\"DevicePolicy\":\"strict\",\"DeviceAllow\":["
                 "[\"/dev/nonexistent-device\",\"rw\"],"
                 "[\"/dev/.\",\"r\"],"
                 "[\"/etc/passwd\",\"r\"],"
                 "[\"nul\",\"r\"],"
                 "[\"\",\"r\"],"
                 "[\"/dev/null\",\"rx\"],"
                 "[\"/dev/null\",\"\"],"
                 "[\"char-no-such-driver\",\"r\"],"
                 "[\"block-mem\",\"r\"],"
                 "[\"char-\",\"r\"],"
                 "[\"char-mem\",\"rwmr\"],"
                 "[\"/dev/null\",\"r\"]]}",
                 &w);
    assert_true (l->contain);
    assert_int_equal (w.count, 11);
    assert_string_equal (
        w.text,
        "device: ignore /dev/nonexistent-device (rw): No such file or "
        "directory\n"
        "device: ignore /dev/. (r): not a device\n"
        "device: ignore /etc/passwd (r): unknown specifier\n"
        "device: ignore nul (r): unknown specifier\n"
        "device: ignore  (r): unknown specifier\n"
        "device: ignore /dev/null (rx): invalid access key\n"
        "device: ignore /dev/null (): invalid access key\n"
        "device: ignore char-no-such-driver (r): not found in /proc/devices\n"
        "device: ignore block-mem (r): not found in /proc/devices\n"
        "device: ignore char- (r): not found in /proc/devices\n"
        "device: ignore char-mem (rwmr): invalid access key\n");
    /* only the good entry is left */
    assert_int_equal (l->count, 1);
    assert_true (has_dev (l, EXEC_DEVICE_CHAR, 1, 3, EXEC_DEVICE_READ));
    free (l);
}

static void test_resolve_standard (void **state)
{
    struct exec_device_list *l;
    struct warnings w;
    struct stat sb;

    l = resolve ("{\"DevicePolicy\":\"closed\","
                 "\"DeviceAllow\":[[\"char-mem\",\"r\"]]}",
                 &w);
    assert_true (l->contain);
    /* /dev/null and /dev/zero are the same everywhere */
    assert_true (has_dev (l, EXEC_DEVICE_CHAR, 1, 3, 7));
    assert_true (has_dev (l, EXEC_DEVICE_CHAR, 1, 5, 7));
    assert_true (has_dev (l, EXEC_DEVICE_CHAR, 1, -1, EXEC_DEVICE_READ));
    if (stat ("/dev/urandom", &sb) == 0 && S_ISCHR (sb.st_mode))
        assert_true (has_dev (l, EXEC_DEVICE_CHAR, major (sb.st_rdev),
                              (int32_t)minor (sb.st_rdev), 7));
    free (l);

    l = resolve ("{}", &w);
    assert_false (l->contain);
    assert_int_equal (l->count, 0);
    assert_int_equal (w.count, 0);
    free (l);

    /* no warning function: entries are skipped silently */
    {
        struct exec_device_specs *s = parse_ok ("{\"DevicePolicy\":\"strict\","
                                                "\"DeviceAllow\":[[\"x\",\"r"
                                                "\"]]}");
        assert_int_equal (exec_device_resolve (s, NULL, NULL, &l, NULL), 0);
        assert_true (l->contain);
        assert_int_equal (l->count, 0);
        free (l);
        exec_device_specs_destroy (s);
    }
}

static struct kv *encode (const struct exec_device_list *l)
{
    struct kv *kv = kv_create ();

    assert_non_null (kv);
    assert_int_equal (kv_put_string (kv, "cmd", "exec"), 0);
    assert_int_equal (exec_device_encode (l, kv), 0);
    return kv;
}

static void test_roundtrip (void **state)
{
    static struct exec_device_list l;
    struct exec_device_list *d = NULL;
    const char *s;
    size_t nkeys = 99;
    struct kv *kv;

    l.contain = true;
    l.count = 4;
    l.dev[0] = (struct exec_device){EXEC_DEVICE_CHAR, 195, 0, 6};
    l.dev[1] = (struct exec_device){EXEC_DEVICE_BLOCK, 4095, -1, 1};
    l.dev[2] = (struct exec_device){EXEC_DEVICE_CHAR, 0, 1048575, 7};
    l.dev[3] = (struct exec_device){EXEC_DEVICE_CHAR, 1, 3, 2};
    kv = encode (&l);
    assert_int_equal (kv_count (kv), 1 + 1 + 4);
    assert_int_equal (kv_get_string (kv, "device.0", &s), 0);
    assert_string_equal (s, "c:195:0:rw");
    assert_int_equal (kv_get_string (kv, "device.1", &s), 0);
    assert_string_equal (s, "b:4095:-1:m");
    assert_int_equal (kv_get_string (kv, "device.2", &s), 0);
    assert_string_equal (s, "c:0:1048575:rwm");
    assert_int_equal (exec_device_decode (kv, &d, &nkeys, NULL), 0);
    assert_int_equal (nkeys, 5);
    assert_true (d->contain);
    assert_int_equal (d->count, 4);
    assert_memory_equal (d->dev, l.dev, 4 * sizeof (l.dev[0]));
    free (d);
    kv_destroy (kv);

    /* strict with nothing left: contain, deny all */
    l.count = 0;
    kv = encode (&l);
    assert_int_equal (exec_device_decode (kv, &d, &nkeys, NULL), 0);
    assert_true (d->contain);
    assert_int_equal (d->count, 0);
    assert_int_equal (nkeys, 1);
    free (d);
    kv_destroy (kv);

    /* no containment: no key */
    l.contain = false;
    kv = encode (&l);
    assert_int_equal (kv_count (kv), 1);
    assert_int_equal (exec_device_decode (kv, &d, &nkeys, NULL), 0);
    assert_false (d->contain);
    assert_int_equal (nkeys, 0);
    free (d);
    kv_destroy (kv);
}

static void test_encode_invalid (void **state)
{
    static struct exec_device_list l;
    struct kv *kv = kv_create ();
    char buf[8];

    l.contain = true;
    l.count = 1;
    l.dev[0] = (struct exec_device){EXEC_DEVICE_CHAR, 4096, 0, 6};
    assert_int_equal (exec_device_encode (&l, kv), -1);
    l.dev[0] = (struct exec_device){3, 1, 0, 6};
    assert_int_equal (exec_device_encode (&l, kv), -1);
    l.dev[0] = (struct exec_device){EXEC_DEVICE_CHAR, 1, -2, 6};
    assert_int_equal (exec_device_encode (&l, kv), -1);
    l.dev[0] = (struct exec_device){EXEC_DEVICE_CHAR, 1, 0, 0};
    assert_int_equal (exec_device_encode (&l, kv), -1);
    l.dev[0] = (struct exec_device){EXEC_DEVICE_CHAR, 1, 0, 8};
    assert_int_equal (exec_device_encode (&l, kv), -1);
    l.count = EXEC_DEVICE_MAX + 1;
    assert_int_equal (exec_device_encode (&l, kv), -1);
    l.dev[0] = (struct exec_device){EXEC_DEVICE_CHAR, 1, 0, 6};
    assert_int_equal (exec_device_format (&l.dev[0], buf, 4), -1);
    assert_int_equal (errno, ERANGE);
    kv_destroy (kv);
}

/* A kv with "device.count" = 'count' (an int) and one entry 'entry'. */
static void decode_fails (struct kv *kv, int errnum)
{
    struct exec_device_list *d = (struct exec_device_list *)0x1;
    struct error err = {{0}};
    size_t nkeys = 99;

    errno = 0;
    assert_int_equal (exec_device_decode (kv, &d, &nkeys, &err), -1);
    assert_int_equal (errno, errnum);
    assert_ptr_equal (d, (struct exec_device_list *)0x1);
    assert_int_equal (nkeys, 99);
    assert_true (strlen (err.text) > 0);
}

static void entry_fails (const char *entry)
{
    struct kv *kv = kv_create ();

    assert_int_equal (kv_put_int64 (kv, "device.count", 1), 0);
    assert_int_equal (kv_put_string (kv, "device.0", entry), 0);
    decode_fails (kv, EINVAL);
    kv_destroy (kv);
}

static void test_decode_hostile_entries (void **state)
{
    static const char *bad[] = {
        "",
        "c",
        "c:",
        "c:1",
        "c:1:3",
        "c:1:3:",
        "x:1:3:rw",
        "C:1:3:rw",
        "cc:1:3:rw",
        "c:01:3:rw",
        "c:1:03:rw",
        "c:00:3:rw",
        "c:4096:3:r",
        "c:99999999999:3:r",
        "c:1:1048576:r",
        "c:1:-2:r",
        "c:1:-0:r",
        "c:1:--1:r",
        "c:+1:3:r",
        "c: 1:3:r",
        " c:1:3:r",
        "c:1:3:rw ",
        "c:1:3:rwx",
        "c:1:3:rr",
        "c:1:3:rwmr",
        "c:1:3:rw:",
        "c::3:r",
        "c:1::r",
        "c:1:-1",
        "c:1:-1:",
        "c:-1:3:r",
        "c:1:3\n:r",
        "c:0x1:3:r",
        "c:1:3:R",
        "b:1:3;r",
    };
    for (size_t i = 0; i < sizeof (bad) / sizeof (bad[0]); i++)
        entry_fails (bad[i]);
}

static void test_decode_hostile_count (void **state)
{
    struct kv *kv = kv_create ();

    assert_int_equal (kv_put_int64 (kv, "device.count", -1), 0);
    decode_fails (kv, ERANGE);
    assert_int_equal (kv_put_int64 (kv, "device.count", EXEC_DEVICE_MAX + 1),
                      0);
    decode_fails (kv, ERANGE);
    assert_int_equal (kv_put_int64 (kv, "device.count", INT64_MAX), 0);
    decode_fails (kv, ERANGE);
    assert_int_equal (kv_put_string (kv, "device.count", "1"), 0);
    decode_fails (kv, EINVAL);
    assert_int_equal (kv_put_bool (kv, "device.count", true), 0);
    decode_fails (kv, EINVAL);
    assert_int_equal (kv_put_raw (kv, "device.count", KV_INT64, "1x"), 0);
    decode_fails (kv, EINVAL);
    assert_int_equal (
        kv_put_raw (kv, "device.count", KV_INT64, "99999999999999999999999"),
        0);
    decode_fails (kv, EINVAL);
    /* a missing entry, an entry of the wrong type */
    assert_int_equal (kv_put_int64 (kv, "device.count", 2), 0);
    assert_int_equal (kv_put_string (kv, "device.0", "c:1:3:r"), 0);
    decode_fails (kv, ENOENT);
    assert_int_equal (kv_put_int64 (kv, "device.1", 7), 0);
    decode_fails (kv, ENOENT);
    /* entries numbered from 1 */
    kv_destroy (kv);
    kv = kv_create ();
    assert_int_equal (kv_put_int64 (kv, "device.count", 1), 0);
    assert_int_equal (kv_put_string (kv, "device.1", "c:1:3:r"), 0);
    decode_fails (kv, ENOENT);
    kv_destroy (kv);
}

static void test_decode_max (void **state)
{
    struct exec_device_list *d = NULL;
    struct kv *kv = kv_create ();
    size_t nkeys = 0;
    char key[32];

    assert_int_equal (kv_put_int64 (kv, "device.count", EXEC_DEVICE_MAX), 0);
    for (int i = 0; i < EXEC_DEVICE_MAX; i++) {
        snprintf (key, sizeof (key), "device.%d", i);
        assert_int_equal (kv_put_string (kv, key, "b:8:-1:rw"), 0);
    }
    assert_int_equal (exec_device_decode (kv, &d, &nkeys, NULL), 0);
    assert_int_equal (nkeys, EXEC_DEVICE_MAX + 1);
    assert_int_equal (d->count, EXEC_DEVICE_MAX);
    assert_int_equal (d->dev[EXEC_DEVICE_MAX - 1].minor, -1);
    free (d);
    kv_destroy (kv);
    assert_int_equal (exec_device_decode (NULL, &d, &nkeys, NULL), -1);
    assert_int_equal (errno, EINVAL);
}

int main (void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test (test_parse_wrong_types),
        cmocka_unit_test (test_parse_error_text),
        cmocka_unit_test (test_parse_bad_pairs),
        cmocka_unit_test (test_parse_embedded_nul),
        cmocka_unit_test (test_parse_long_spec),
        cmocka_unit_test (test_parse_too_many),
        cmocka_unit_test (test_parse_bad_args),
        cmocka_unit_test (test_parse_policies),
        cmocka_unit_test (test_access),
        cmocka_unit_test (test_proc_devices),
        cmocka_unit_test (test_proc_devices_hostile),
        cmocka_unit_test (test_resolve_warnings),
        cmocka_unit_test (test_resolve_standard),
        cmocka_unit_test (test_roundtrip),
        cmocka_unit_test (test_encode_invalid),
        cmocka_unit_test (test_decode_hostile_entries),
        cmocka_unit_test (test_decode_hostile_count),
        cmocka_unit_test (test_decode_max),
    };
    return TAP_RUN (tests);
}
