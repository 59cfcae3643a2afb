/* munged_fixture.c - see munged_fixture.h */
#define _GNU_SOURCE
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "munged_fixture.h"

char munged_dir[64];
char munged_sock_a[192], munged_sock_b[192], munged_sock_c[192];

int munged_run (const char *fmt, ...)
{
    char cmd[1024];
    va_list ap;

    va_start (ap, fmt);
    vsnprintf (cmd, sizeof (cmd), fmt, ap);
    va_end (ap);
    return system (cmd);
}

/* Start munged in munged_dir/NAME with munged_dir/KEY; wait for its
 * socket. */
static int munged_start (const char *name, const char *key, char *sock)
{
    char dir[128];
    struct stat sb;

    snprintf (dir, sizeof (dir), "%s/%s", munged_dir, name);
    snprintf (sock, 192, "%s/sock", dir);
    if (mkdir (dir, 0711) < 0 || chmod (dir, 0711) < 0)
        return -1;
    if (munged_run ("cp %s/%s %s/munge.key && chmod 600 %s/munge.key",
                    munged_dir, key, dir, dir)
        != 0)
        return -1;
    if (munged_run ("munged --socket=%s/sock --key-file=%s/munge.key"
                    " --pid-file=%s/pid --log-file=%s/log --seed-file=%s/seed"
                    " >>%s/log 2>&1",
                    dir, dir, dir, dir, dir, dir)
        != 0)
        return -1;
    for (int i = 0; i < 100; i++) {
        if (stat (sock, &sb) == 0)
            return 0;
        usleep (100000);
    }
    return -1;
}

static void munged_stop (const char *name)
{
    char path[192];
    FILE *f;
    int pid = 0;

    snprintf (path, sizeof (path), "%s/%s/pid", munged_dir, name);
    if ((f = fopen (path, "r"))) {
        if (fscanf (f, "%d", &pid) == 1 && pid > 1) {
            kill (pid, SIGTERM);
            for (int i = 0; i < 50 && kill (pid, 0) == 0; i++)
                usleep (100000);
        }
        fclose (f);
    }
}

int munged_setup (const char *prefix)
{
    snprintf (munged_dir, sizeof (munged_dir), "/tmp/%s.XXXXXX", prefix);
    if (!mkdtemp (munged_dir) || chmod (munged_dir, 0711) < 0)
        return -1;
    if (munged_run ("command -v munged >/dev/null && command -v mungekey"
                    " >/dev/null")
        != 0)
        return -1;
    if (munged_run ("mungekey --create --keyfile=%s/key1 >/dev/null 2>&1",
                    munged_dir)
            != 0
        || munged_run ("mungekey --create --keyfile=%s/key2 >/dev/null 2>&1",
                       munged_dir)
               != 0)
        return -1;
    if (munged_start ("a", "key1", munged_sock_a) < 0
        || munged_start ("b", "key1", munged_sock_b) < 0
        || munged_start ("c", "key2", munged_sock_c) < 0)
        return -1;
    return 0;
}

void munged_teardown (void)
{
    munged_stop ("a");
    munged_stop ("b");
    munged_stop ("c");
    if (munged_dir[0])
        (void)munged_run ("rm -rf %s", munged_dir);
}
