/* regress.c - run a fuzz harness over every file of a corpus directory.
 *
 * Usage: fuzz-NAME-regress DIR
 * Prints one TAP case per file.  A harness that crashes or trips a
 * sanitizer kills the run, which the test harness reports as a failure.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

#define REGRESS_MAX_INPUT (4 * 1024 * 1024)

static int cmpstr (const void *a, const void *b)
{
    return strcmp (*(char *const *)a, *(char *const *)b);
}

static int read_file (int dirfd, const char *name, uint8_t **bufp, size_t *lenp)
{
    struct stat sb;
    uint8_t *buf = NULL;
    size_t len = 0;
    ssize_t n;
    int fd;

    fd = openat (dirfd, name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0)
        return -1;
    if (fstat (fd, &sb) < 0 || !S_ISREG (sb.st_mode)
        || sb.st_size > REGRESS_MAX_INPUT)
        goto error;
    /* +1 so that an empty file still gets a valid pointer */
    if (!(buf = malloc ((size_t)sb.st_size + 1)))
        goto error;
    while (len < (size_t)sb.st_size) {
        n = read (fd, buf + len, (size_t)sb.st_size - len);
        if (n <= 0)
            goto error;
        len += (size_t)n;
    }
    close (fd);
    *bufp = buf;
    *lenp = len;
    return 0;
error:
    free (buf);
    close (fd);
    return -1;
}

static int list_dir (DIR *dir, char ***namesp, size_t *countp)
{
    struct dirent *de;
    char **names = NULL;
    size_t count = 0;

    while ((de = readdir (dir))) {
        char **tmp;
        if (de->d_name[0] == '.')
            continue;
        if (!(tmp = realloc (names, (count + 1) * sizeof (*names))))
            goto nomem;
        names = tmp;
        if (!(names[count] = strdup (de->d_name)))
            goto nomem;
        count++;
    }
    if (count > 0)
        qsort (names, count, sizeof (*names), cmpstr);
    *namesp = names;
    *countp = count;
    return 0;
nomem:
    while (count > 0)
        free (names[--count]);
    free (names);
    return -1;
}

int main (int argc, char *argv[])
{
    char **names = NULL;
    size_t count = 0;
    int failed = 0;
    DIR *dir;

    if (argc != 2) {
        fprintf (stderr, "Usage: %s CORPUS-DIR\n", argv[0]);
        return 2;
    }
    if (!(dir = opendir (argv[1])) || list_dir (dir, &names, &count) < 0) {
        printf ("1..0 # SKIP cannot read %s: %s\n", argv[1], strerror (errno));
        return errno == ENOENT ? 0 : 1;
    }
    printf ("1..%zu\n", count);
    for (size_t i = 0; i < count; i++) {
        uint8_t *buf;
        size_t len;
        if (read_file (dirfd (dir), names[i], &buf, &len) < 0) {
            printf ("not ok %zu - %s: %s\n", i + 1, names[i], strerror (errno));
            failed = 1;
        }
        else {
            fflush (stdout);
            LLVMFuzzerTestOneInput (buf, len);
            free (buf);
            printf ("ok %zu - %s\n", i + 1, names[i]);
        }
        free (names[i]);
    }
    free (names);
    closedir (dir);
    return failed;
}
