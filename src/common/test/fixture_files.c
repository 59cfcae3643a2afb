/* fixture_files.c - see fixture_files.h */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tap_cmocka.h"
#include "fixture_files.h"

#define FIXTURE_PATH_MAX 4096

char fixture_dir[64];

int fixture_dir_create (const char *prefix)
{
    snprintf (fixture_dir, sizeof (fixture_dir), "/tmp/%s.XXXXXX", prefix);
    if (!mkdtemp (fixture_dir)) {
        perror ("mkdtemp");
        return -1;
    }
    return 0;
}

static int
rm_one (const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
    return remove (path);
}

int fixture_dir_remove (void)
{
    if (nftw (fixture_dir, rm_one, 16, FTW_DEPTH | FTW_PHYS) < 0) {
        perror (fixture_dir);
        return -1;
    }
    return 0;
}

const char *fixture_path (const char *name)
{
    static char path[4][FIXTURE_PATH_MAX];
    static int next;
    char *p = path[next++ % 4];

    snprintf (p, FIXTURE_PATH_MAX, "%s/%s", fixture_dir, name);
    return p;
}

void fixture_mkdir (const char *name, uid_t uid, mode_t mode)
{
    const char *path = fixture_path (name);

    assert_int_equal (mkdir (path, 0700), 0);
    if (uid != (uid_t)FIXTURE_NOCHANGE)
        assert_int_equal (chown (path, uid, 0), 0);
    assert_int_equal (chmod (path, mode), 0);
}

void fixture_write (const char *name,
                    const void *buf,
                    size_t len,
                    uid_t uid,
                    gid_t gid,
                    mode_t mode)
{
    const char *path = fixture_path (name);
    int fd = open (path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);

    assert_true (fd >= 0);
    assert_int_equal (write (fd, buf, len), (ssize_t)len);
    assert_int_equal (close (fd), 0);
    if (uid != (uid_t)FIXTURE_NOCHANGE || gid != (gid_t)FIXTURE_NOCHANGE)
        assert_int_equal (chown (path, uid, gid), 0);
    assert_int_equal (chmod (path, mode), 0);
}
