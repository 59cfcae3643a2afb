/* Unit tests of the privsep message framing on bare pipes: hostile
 * messages first (zero, negative and oversized lengths, truncated
 * length and body, garbage body), then the round trip and the limits.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tap_cmocka.h"
#include "privsep.h"

#define LIT(s) (s), (sizeof (s) - 1)

/* A pipe whose write end has 'len' bytes of 'buf' and is then closed;
 * return the read end.
 */
static int pipe_with (const void *buf, size_t len)
{
    int pfd[2];

    assert_int_equal (pipe2 (pfd, O_CLOEXEC), 0);
    if (len > 0)
        assert_int_equal (write (pfd[1], buf, len), (ssize_t)len);
    close (pfd[1]);
    return pfd[0];
}

/* A pipe holding a length header 'len' and then 'body'. */
static int pipe_with_msg (int len, const char *body, size_t bodylen)
{
    char buf[256];

    assert_true (sizeof (len) + bodylen <= sizeof (buf));
    memcpy (buf, &len, sizeof (len));
    if (bodylen > 0)
        memcpy (buf + sizeof (len), body, bodylen);
    return pipe_with (buf, sizeof (len) + bodylen);
}

static void expect_read_fails (int fd, int errnum, const char *text)
{
    struct kv *kv = (struct kv *)&kv;
    struct kv *orig = kv;
    struct error err = {{0}};

    errno = 0;
    assert_int_equal (privsep_read_msg (fd, &kv, &err), -1);
    assert_int_equal (errno, errnum);
    assert_ptr_equal (kv, orig);
    if (strncmp (err.text, text, strlen (text)))
        fail_msg ("got '%s', want '%s...'", err.text, text);
    close (fd);
}

static void test_zero_length (void **state)
{
    expect_read_fails (pipe_with_msg (0, NULL, 0), E2BIG,
                       "privsep: message length 0 is outside 1..4194304");
}

static void test_negative_length (void **state)
{
    expect_read_fails (pipe_with_msg (-1, LIT ("a\0sb\0")), E2BIG,
                       "privsep: message length -1 is outside");
    expect_read_fails (pipe_with_msg (INT_MIN, NULL, 0), E2BIG,
                       "privsep: message length");
}

static void test_oversized_length (void **state)
{
    expect_read_fails (pipe_with_msg (PRIVSEP_MSG_MAX + 1, LIT ("a\0sb\0")),
                       E2BIG, "privsep: message length 4194305 is outside");
    expect_read_fails (pipe_with_msg (INT_MAX, NULL, 0), E2BIG,
                       "privsep: message length");
}

static void test_truncated_length (void **state)
{
    int len = 5;

    for (size_t n = 1; n < sizeof (len); n++)
        expect_read_fails (pipe_with (&len, n), EPROTO,
                           "privsep: truncated message length");
}

static void test_truncated_body (void **state)
{
    expect_read_fails (pipe_with_msg (100, LIT ("cmd\0swhoami\0")), EPROTO,
                       "privsep: truncated message (12 of 100 bytes)");
    expect_read_fails (pipe_with_msg (1, NULL, 0), EPROTO,
                       "privsep: truncated message (0 of 1 bytes)");
}

static void test_garbage_body (void **state)
{
    expect_read_fails (pipe_with_msg (3, LIT ("abc")), EINVAL,
                       "privsep: malformed message: ");
    expect_read_fails (pipe_with_msg (6, LIT ("a\0xb\0\0")), EINVAL,
                       "privsep: malformed message: ");
    expect_read_fails (pipe_with_msg (2, LIT ("a\0")), EINVAL,
                       "privsep: malformed message: ");
    /* a duplicate key is refused by kv_decode */
    expect_read_fails (pipe_with_msg (22, LIT ("cmd\0swhoami\0cmd\0sexec\0")),
                       EINVAL, "privsep: malformed message: ");
}

static void test_eof_is_no_message (void **state)
{
    struct kv *kv = (struct kv *)&kv;
    int fd = pipe_with (NULL, 0);

    assert_int_equal (privsep_read_msg (fd, &kv, NULL), 0);
    assert_null (kv);
    close (fd);
}

static struct kv *make_kv (const char *cmd)
{
    struct kv *kv = kv_create ();

    assert_non_null (kv);
    assert_int_equal (kv_put_string (kv, "cmd", cmd), 0);
    return kv;
}

static void test_round_trip (void **state)
{
    struct kv *kv = make_kv ("whoami");
    struct kv *got = NULL;
    const char *s;
    int pfd[2];

    assert_int_equal (kv_put_int64 (kv, "n", -5), 0);
    assert_int_equal (pipe2 (pfd, O_CLOEXEC), 0);
    assert_int_equal (privsep_write_msg (pfd[1], kv, NULL), 0);
    close (pfd[1]);
    assert_int_equal (privsep_read_msg (pfd[0], &got, NULL), 0);
    assert_non_null (got);
    assert_true (kv_equal (kv, got));
    assert_int_equal (kv_get_string (got, "cmd", &s), 0);
    assert_string_equal (s, "whoami");
    kv_destroy (got);
    got = (struct kv *)&got;
    assert_int_equal (privsep_read_msg (pfd[0], &got, NULL), 0);
    assert_null (got);
    close (pfd[0]);
    kv_destroy (kv);
}

/* The header is a native int followed by exactly the kv encoding. */
static void test_wire_bytes (void **state)
{
    struct kv *kv = make_kv ("version");
    char buf[64];
    int pfd[2];
    int len;

    assert_int_equal (pipe2 (pfd, O_CLOEXEC), 0);
    assert_int_equal (privsep_write_msg (pfd[1], kv, NULL), 0);
    close (pfd[1]);
    assert_int_equal (read (pfd[0], buf, sizeof (buf)), sizeof (int) + 13);
    memcpy (&len, buf, sizeof (len));
    assert_int_equal (len, 13);
    assert_memory_equal (buf + sizeof (int), "cmd\0sversion\0", 13);
    close (pfd[0]);
    kv_destroy (kv);
}

static void test_write_empty_refused (void **state)
{
    struct kv *kv = kv_create ();
    struct kv *got = (struct kv *)&got;
    int pfd[2];

    assert_int_equal (pipe2 (pfd, O_CLOEXEC), 0);
    errno = 0;
    assert_int_equal (privsep_write_msg (pfd[1], kv, NULL), -1);
    assert_int_equal (errno, EINVAL);
    assert_int_equal (privsep_write_msg (pfd[1], NULL, NULL), -1);
    close (pfd[1]);
    /* nothing was written */
    assert_int_equal (privsep_read_msg (pfd[0], &got, NULL), 0);
    assert_null (got);
    close (pfd[0]);
    kv_destroy (kv);
}

/* A reader that went away is EPIPE, not death by SIGPIPE. */
static void test_write_to_closed_pipe (void **state)
{
    struct kv *kv = make_kv ("whoami");
    struct error err = {{0}};
    sigset_t pending;
    int pfd[2];

    assert_int_equal (pipe2 (pfd, O_CLOEXEC), 0);
    close (pfd[0]);
    errno = 0;
    assert_int_equal (privsep_write_msg (pfd[1], kv, &err), -1);
    assert_int_equal (errno, EPIPE);
    assert_string_equal (err.text, "privsep: write: Broken pipe");
    assert_int_equal (sigpending (&pending), 0);
    assert_false (sigismember (&pending, SIGPIPE));
    close (pfd[1]);
    kv_destroy (kv);
}

/* The largest message, KV_MAX_SIZE bytes, passes (written by a child:
 * it does not fit in a pipe's buffer).
 */
static void test_largest_message (void **state)
{
    size_t vlen = PRIVSEP_MSG_MAX - strlen ("v") - 3;
    char *value = malloc (vlen + 1);
    struct kv *kv = kv_create ();
    struct kv *got = NULL;
    const char *enc;
    size_t len;
    int pfd[2];
    pid_t pid;
    int status;

    assert_non_null (value);
    memset (value, 'x', vlen);
    value[vlen] = '\0';
    assert_int_equal (kv_put_string (kv, "v", value), 0);
    assert_int_equal (kv_encode (kv, &enc, &len), 0);
    assert_int_equal (len, PRIVSEP_MSG_MAX);
    assert_int_equal (pipe2 (pfd, O_CLOEXEC), 0);
    pid = fork ();
    assert_true (pid >= 0);
    if (pid == 0) {
        close (pfd[0]);
        _exit (privsep_write_msg (pfd[1], kv, NULL) == 0 ? 0 : 1);
    }
    close (pfd[1]);
    assert_int_equal (privsep_read_msg (pfd[0], &got, NULL), 0);
    assert_true (kv_equal (kv, got));
    assert_int_equal (waitpid (pid, &status, 0), pid);
    assert_true (WIFEXITED (status) && WEXITSTATUS (status) == 0);
    close (pfd[0]);
    kv_destroy (got);
    kv_destroy (kv);
    free (value);
}

static void test_bad_arguments (void **state)
{
    struct error err = {{0}};

    errno = 0;
    assert_int_equal (privsep_read_msg (0, NULL, &err), -1);
    assert_int_equal (errno, EINVAL);
    assert_false (privsep_is_child (NULL));
    assert_int_equal (privsep_wait (NULL, &err), -1);
    assert_int_equal (privsep_recv (NULL, NULL, &err), -1);
    assert_int_equal (privsep_send (NULL, NULL, &err), -1);
    assert_int_equal (privsep_child_init (NULL, &err), -1);
    errno = EXDEV;
    privsep_destroy (NULL);
    assert_int_equal (errno, EXDEV);
}

int main (void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test (test_zero_length),
        cmocka_unit_test (test_negative_length),
        cmocka_unit_test (test_oversized_length),
        cmocka_unit_test (test_truncated_length),
        cmocka_unit_test (test_truncated_body),
        cmocka_unit_test (test_garbage_body),
        cmocka_unit_test (test_eof_is_no_message),
        cmocka_unit_test (test_round_trip),
        cmocka_unit_test (test_wire_bytes),
        cmocka_unit_test (test_write_empty_refused),
        cmocka_unit_test (test_write_to_closed_pipe),
        cmocka_unit_test (test_largest_message),
        cmocka_unit_test (test_bad_arguments),
    };
    return TAP_RUN (tests);
}
