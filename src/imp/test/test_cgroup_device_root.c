/* Root-only tests of cgroup_device.c: load the built programs into the
 * kernel, attach them to a cgroup that this test creates, and check
 * from a forked child moved into that cgroup that allowed devices open
 * and denied ones fail with EPERM.
 *
 * Only the cgroup made here (<cgroup2 mount>/flux-devtest-unit.<pid>)
 * ever gets a program: on a shared or the root cgroup a filter would
 * deny /dev/zero to the whole machine.  Each case detaches what it
 * attached; the cgroup is removed at the end (which releases anything
 * left attached).  The whole program is skipped, with the reason, when
 * not root, with no writable cgroup2 mount, or when bpf(2) is refused.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <mntent.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tap_cmocka.h"
#include "cgroup_device.h"

static char cgpath[PATH_MAX];
static int cgfd = -1;

#define R EXEC_DEVICE_READ
#define W EXEC_DEVICE_WRITE
#define M EXEC_DEVICE_MKNOD
#define CHR EXEC_DEVICE_CHAR

/* The first rw cgroup2 mount of /proc/self/mounts, or -1. */
static int find_cgroup2 (char *buf, size_t size)
{
    FILE *f = setmntent ("/proc/self/mounts", "re");
    struct mntent *m;
    int rc = -1;

    if (!f)
        return -1;
    while ((m = getmntent (f))) {
        if (!strcmp (m->mnt_type, "cgroup2") && hasmntopt (m, "rw")
            && strlen (m->mnt_dir) < size) {
            snprintf (buf, size, "%s", m->mnt_dir);
            rc = 0;
            break;
        }
    }
    endmntent (f);
    return rc;
}

/* Why the tests cannot run, or NULL.  Creates the test cgroup. */
static const char *setup_cgroup (void)
{
    static char why[PATH_MAX + 64];
    char mount[PATH_MAX - 64];

    if (geteuid () != 0)
        return "not root: cannot load or attach a bpf program";
    if (find_cgroup2 (mount, sizeof (mount)) < 0)
        return "no read-write cgroup2 mount in /proc/self/mounts";
    snprintf (cgpath, sizeof (cgpath), "%s/flux-devtest-unit.%ld", mount,
              (long)getpid ());
    if (mkdir (cgpath, 0755) < 0) {
        snprintf (why, sizeof (why), "mkdir %s: %s", cgpath, strerror (errno));
        return why;
    }
    if ((cgfd = open (cgpath, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0) {
        snprintf (why, sizeof (why), "open %s: %s", cgpath, strerror (errno));
        (void)rmdir (cgpath);
        return why;
    }
    return NULL;
}

static void remove_cgroup (void)
{
    if (cgfd >= 0)
        close (cgfd);
    if (cgpath[0] && rmdir (cgpath) < 0)
        fprintf (stderr, "# rmdir %s: %s\n", cgpath, strerror (errno));
}

static int load (const struct exec_device *dev, size_t count)
{
    static struct bpf_insn insns[CGROUP_DEVICE_INSNS_MAX];
    struct error err = {{0}};
    int n = cgroup_device_build (dev, count, insns, CGROUP_DEVICE_INSNS_MAX);
    int fd;

    assert_true (n > 0);
    fd = cgroup_device_load (insns, (size_t)n, &err);
    if (fd < 0)
        fail_msg ("%s", err.text);
    return fd;
}

/* Can bpf(2) load a program at all?  NULL if yes, else why not. */
static const char *probe_bpf (void)
{
    static char why[ERROR_TEXT_MAX + 32];
    struct bpf_insn insns[16];
    struct error err = {{0}};
    int n = cgroup_device_build (NULL, 0, insns, 16), fd;

    if (n < 0 || (fd = cgroup_device_load (insns, (size_t)n, &err)) < 0) {
        snprintf (why, sizeof (why), "bpf(2) refused: %s", err.text);
        return why;
    }
    close (fd);
    return NULL;
}

/* Open 'path' with 'flags' in a child moved into the test cgroup;
 * return 0 or the errno of open.
 */
static int open_in_cgroup (const char *path, int flags)
{
    char procs[PATH_MAX + 16];
    int status, fd;
    pid_t pid;

    snprintf (procs, sizeof (procs), "%s/cgroup.procs", cgpath);
    assert_true ((pid = fork ()) >= 0);
    if (pid == 0) {
        int e = 0;
        if ((fd = open (procs, O_WRONLY | O_CLOEXEC)) < 0
            || write (fd, "0", 1) != 1)
            _exit (200);
        close (fd);
        if ((fd = open (path, flags | O_CLOEXEC)) < 0)
            e = errno;
        else
            close (fd);
        _exit (e < 200 ? e : 201);
    }
    assert_int_equal (waitpid (pid, &status, 0), pid);
    assert_true (WIFEXITED (status));
    assert_true (WEXITSTATUS (status) < 200);
    return WEXITSTATUS (status);
}

static void attach (int fd)
{
    struct error err = {{0}};

    if (cgroup_device_attach (cgfd, fd, &err) < 0)
        fail_msg ("%s", err.text);
}

static void detach (int fd)
{
    struct error err = {{0}};

    if (cgroup_device_detach (cgfd, fd, &err) < 0)
        fail_msg ("%s", err.text);
    close (fd);
}

static void test_no_filter (void **state)
{
    assert_int_equal (open_in_cgroup ("/dev/null", O_RDWR), 0);
    assert_int_equal (open_in_cgroup ("/dev/zero", O_RDONLY), 0);
}

static void test_verifier_accepts (void **state)
{
    static struct exec_device dev[EXEC_DEVICE_MAX];
    int fd;

    for (int i = 0; i < EXEC_DEVICE_MAX; i++)
        dev[i] = (struct exec_device){i % 2 ? CHR : EXEC_DEVICE_BLOCK,
                                      (uint32_t)i, i % 3 ? i : -1, 1 + i % 7};
    fd = load (dev, EXEC_DEVICE_MAX);
    close (fd);
    fd = load (dev, 1);
    close (fd);
}

static void test_null_allowed_zero_denied (void **state)
{
    struct exec_device dev[] = {{CHR, 1, 3, R | W}};
    int fd = load (dev, 1);

    attach (fd);
    assert_int_equal (open_in_cgroup ("/dev/null", O_RDWR), 0);
    assert_int_equal (open_in_cgroup ("/dev/null", O_RDONLY), 0);
    assert_int_equal (open_in_cgroup ("/dev/zero", O_RDONLY), EPERM);
    assert_int_equal (open_in_cgroup ("/dev/full", O_WRONLY), EPERM);
    detach (fd);
    assert_int_equal (open_in_cgroup ("/dev/zero", O_RDONLY), 0);
}

static void test_access_subset (void **state)
{
    struct exec_device dev[] = {{CHR, 1, -1, R}};
    int fd = load (dev, 1);

    attach (fd);
    assert_int_equal (open_in_cgroup ("/dev/zero", O_RDONLY), 0);
    assert_int_equal (open_in_cgroup ("/dev/null", O_RDONLY), 0);
    assert_int_equal (open_in_cgroup ("/dev/null", O_WRONLY), EPERM);
    assert_int_equal (open_in_cgroup ("/dev/zero", O_RDWR), EPERM);
    detach (fd);
}

static void test_deny_all (void **state)
{
    int fd = load (NULL, 0);

    attach (fd);
    assert_int_equal (open_in_cgroup ("/dev/null", O_RDONLY), EPERM);
    /* files that are not devices are not filtered */
    assert_int_equal (open_in_cgroup ("/proc/self/status", O_RDONLY), 0);
    detach (fd);
}

/* A second attach never replaces the first: both must allow an access,
 * so the IMP can only narrow what an earlier filter allowed.
 */
static void test_never_replaces (void **state)
{
    struct exec_device null[] = {{CHR, 1, 3, R | W | M}};
    struct exec_device zero[] = {{CHR, 1, 5, R | W | M}};
    int fd1 = load (null, 1), fd2 = load (zero, 1);

    attach (fd1);
    assert_int_equal (open_in_cgroup ("/dev/zero", O_RDONLY), EPERM);
    assert_int_equal (open_in_cgroup ("/dev/null", O_RDONLY), 0);
    attach (fd2);
    assert_int_equal (open_in_cgroup ("/dev/zero", O_RDONLY), EPERM);
    assert_int_equal (open_in_cgroup ("/dev/null", O_RDONLY), EPERM);
    detach (fd2);
    assert_int_equal (open_in_cgroup ("/dev/null", O_RDONLY), 0);
    detach (fd1);
    assert_int_equal (open_in_cgroup ("/dev/zero", O_RDONLY), 0);
}

/* A cgroup that holds an exclusive program (flags 0, attached by someone
 * else): ours is refused, and that program stays in force.
 */
static void test_exclusive_refused (void **state)
{
    struct exec_device null[] = {{CHR, 1, 3, R | W | M}};
    struct exec_device all[] = {{CHR, 1, -1, R | W | M}};
    int fd1 = load (null, 1), fd2 = load (all, 1);
    struct error err = {{0}};
    union bpf_attr attr;

    memset (&attr, 0, sizeof (attr));
    attr.target_fd = (uint32_t)cgfd;
    attr.attach_bpf_fd = (uint32_t)fd1;
    attr.attach_type = BPF_CGROUP_DEVICE;
    assert_int_equal (syscall (__NR_bpf, BPF_PROG_ATTACH, &attr, sizeof (attr)),
                      0);
    errno = 0;
    assert_int_equal (cgroup_device_attach (cgfd, fd2, &err), -1);
    assert_int_equal (errno, EPERM);
    assert_non_null (strstr (err.text, "exclusive device program"));
    assert_int_equal (open_in_cgroup ("/dev/zero", O_RDONLY), EPERM);
    detach (fd1);
    close (fd2);
    assert_int_equal (open_in_cgroup ("/dev/zero", O_RDONLY), 0);
}

/* A cgroup that holds a multi-attach program (as systemd's DeviceAllow
 * does): ours goes beside it, and an access needs both to allow it.
 */
static void test_multi (void **state)
{
    struct exec_device both[] = {{CHR, 1, 3, R | W}, {CHR, 1, 5, R}};
    struct exec_device null[] = {{CHR, 1, 3, R | W}};
    int fd1 = load (both, 2), fd2 = load (null, 1);
    union bpf_attr attr;

    memset (&attr, 0, sizeof (attr));
    attr.target_fd = (uint32_t)cgfd;
    attr.attach_bpf_fd = (uint32_t)fd1;
    attr.attach_type = BPF_CGROUP_DEVICE;
    attr.attach_flags = BPF_F_ALLOW_MULTI;
    assert_int_equal (syscall (__NR_bpf, BPF_PROG_ATTACH, &attr, sizeof (attr)),
                      0);
    assert_int_equal (open_in_cgroup ("/dev/zero", O_RDONLY), 0);
    attach (fd2);
    assert_int_equal (open_in_cgroup ("/dev/null", O_RDWR), 0);
    assert_int_equal (open_in_cgroup ("/dev/zero", O_RDONLY), EPERM);
    detach (fd2);
    assert_int_equal (open_in_cgroup ("/dev/zero", O_RDONLY), 0);
    detach (fd1);
}

/* Detach every device program of the test cgroup (found by id with
 * BPF_PROG_QUERY); return how many.
 */
static int detach_all (void)
{
    uint32_t ids[64] = {0};
    union bpf_attr attr;
    int n;

    memset (&attr, 0, sizeof (attr));
    attr.query.target_fd = (uint32_t)cgfd;
    attr.query.attach_type = BPF_CGROUP_DEVICE;
    attr.query.prog_ids = (uint64_t)(uintptr_t)ids;
    attr.query.prog_cnt = 64;
    assert_int_equal (syscall (__NR_bpf, BPF_PROG_QUERY, &attr, sizeof (attr)),
                      0);
    n = (int)attr.query.prog_cnt;
    for (int i = 0; i < n; i++) {
        union bpf_attr get;
        int fd;

        memset (&get, 0, sizeof (get));
        get.prog_id = ids[i];
        fd = (int)syscall (__NR_bpf, BPF_PROG_GET_FD_BY_ID, &get, sizeof (get));
        assert_true (fd >= 0);
        detach (fd);
    }
    return n;
}

static void test_apply (void **state)
{
    static struct exec_device_list list;
    struct error err = {{0}};

    assert_int_equal (cgroup_device_apply (cgfd, &list, &err), -1);
    assert_int_equal (errno, EINVAL);
    list.contain = true;
    list.count = 1;
    list.dev[0] = (struct exec_device){CHR, 1, 3, R | W};
    assert_int_equal (cgroup_device_apply (cgfd, &list, &err), 0);
    assert_int_equal (open_in_cgroup ("/dev/null", O_RDWR), 0);
    assert_int_equal (open_in_cgroup ("/dev/zero", O_RDONLY), EPERM);
    /* the program's fd is closed: find it by id and detach it */
    assert_int_equal (detach_all (), 1);
    assert_int_equal (open_in_cgroup ("/dev/zero", O_RDONLY), 0);
}

int main (void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test (test_no_filter),
        cmocka_unit_test (test_verifier_accepts),
        cmocka_unit_test (test_null_allowed_zero_denied),
        cmocka_unit_test (test_access_subset),
        cmocka_unit_test (test_deny_all),
        cmocka_unit_test (test_never_replaces),
        cmocka_unit_test (test_exclusive_refused),
        cmocka_unit_test (test_multi),
        cmocka_unit_test (test_apply),
    };
    const char *why;
    int rc;

    if ((why = setup_cgroup ()))
        return tap_skip_all (why);
    if ((why = probe_bpf ())) {
        remove_cgroup ();
        return tap_skip_all (why);
    }
    rc = TAP_RUN (tests);
    remove_cgroup ();
    return rc;
}
