/* Unit tests of imp_notify.c: hostile addresses first, then a datagram
 * to a socket of the test's own, by path and abstract.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "tap_cmocka.h"
#include "imp_notify.h"

static void test_bad_addresses (void **state)
{
    char longpath[200];
    const char *bad[] = {"", "/", "@", "relative/sock", longpath};

    memset (longpath, 'x', sizeof (longpath) - 1);
    longpath[0] = '/';
    longpath[sizeof (longpath) - 1] = '\0';
    for (size_t i = 0; i < sizeof (bad) / sizeof (bad[0]); i++) {
        struct error err = {{0}};
        errno = 0;
        assert_int_equal (imp_notify (bad[i], "READY=1", &err), -1);
        assert_int_equal (errno, EINVAL);
        assert_string_equal (err.text, "NOTIFY_SOCKET: invalid address");
    }
    assert_int_equal (imp_notify (NULL, "READY=1", NULL), 0);
    assert_int_equal (imp_notify ("/x/y", NULL, NULL), -1);
}

/* Bind 'name' (a path, or @abstract), notify, read it back. */
static void round_trip (const char *name)
{
    struct sockaddr_un addr = {.sun_family = AF_UNIX};
    socklen_t len;
    char buf[128];
    ssize_t n;
    int fd;

    len = (socklen_t)(offsetof (struct sockaddr_un, sun_path) + strlen (name)
                      + (name[0] == '@' ? 0 : 1));
    memcpy (addr.sun_path, name, strlen (name));
    if (name[0] == '@')
        addr.sun_path[0] = '\0';
    fd = socket (AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    assert_true (fd >= 0);
    assert_int_equal (bind (fd, (struct sockaddr *)&addr, len), 0);
    assert_int_equal (imp_notify (name, "READY=1\nSTATUS=x", NULL), 0);
    n = recv (fd, buf, sizeof (buf) - 1, MSG_DONTWAIT);
    assert_int_equal (n, 16);
    buf[n] = '\0';
    assert_string_equal (buf, "READY=1\nSTATUS=x");
    close (fd);
}

static void test_path (void **state)
{
    char dir[] = "/tmp/test_imp_notify.XXXXXX";
    char path[64];

    assert_non_null (mkdtemp (dir));
    snprintf (path, sizeof (path), "%s/sock", dir);
    round_trip (path);
    unlink (path);
    rmdir (dir);
}

static void test_abstract (void **state)
{
    char name[64];

    snprintf (name, sizeof (name), "@test_imp_notify.%d", (int)getpid ());
    round_trip (name);
}

static void test_nobody_listening (void **state)
{
    struct error err = {{0}};

    errno = 0;
    assert_int_equal (imp_notify ("/nonexistent/sock", "READY=1", &err), -1);
    assert_int_equal (errno, ENOENT);
    assert_non_null (strstr (err.text, "NOTIFY_SOCKET: sendto: "));
}

int main (void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test (test_bad_addresses),
        cmocka_unit_test (test_path),
        cmocka_unit_test (test_abstract),
        cmocka_unit_test (test_nobody_listening),
    };
    return TAP_RUN (tests);
}
