/* fuzz/cgroup_pids.c - libFuzzer harness of the pid parsers of
 * imp_cgroup.h: imp_cgroup_parse_pid() (a token of cgroup.procs or of
 * /proc/self/task/<pid>/children) and imp_cgroup_parse_ppid() (the text
 * of /proc/<pid>/stat).
 *
 * The first byte chooses the parser (bit 0).  For parse_pid the rest is
 * the token, of exactly its length (allocated at that size, so that ASan
 * catches a read past it); for parse_ppid the rest, up to the first NUL,
 * is the text.  Each result is checked against the contract:
 *   pid:  accepted iff 1..10 decimal digits, no leading zero, <= INT_MAX,
 *         and then printing the pid gives back the token;
 *   ppid: on success the pid printed is found right after ") X " that
 *         follows the last ')' of the text.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "imp/imp_cgroup.h"
#include "fuzz.h"

static bool ref_pid (const char *s, size_t len)
{
    long long v = 0;

    if (len == 0 || len > 10 || s[0] == '0')
        return false;
    for (size_t i = 0; i < len; i++) {
        if (s[i] < '0' || s[i] > '9')
            return false;
        v = v * 10 + (s[i] - '0');
    }
    return v <= INT_MAX;
}

static void fuzz_pid (const uint8_t *data, size_t size)
{
    char *s = malloc (size ? size : 1);
    char back[16];
    pid_t pid = -1;
    int rc;

    if (!s)
        return;
    memcpy (s, data, size);
    rc = imp_cgroup_parse_pid (s, size, &pid);
    CHECK ((rc == 0) == ref_pid (s, size));
    if (rc == 0) {
        CHECK (pid >= 1);
        snprintf (back, sizeof (back), "%ld", (long)pid);
        CHECK (strlen (back) == size && memcmp (back, s, size) == 0);
    }
    else
        CHECK (errno == EINVAL && pid == -1);
    free (s);
}

static void fuzz_ppid (const uint8_t *data, size_t size)
{
    char *text = strndup ((const char *)data, size);
    char want[32];
    const char *p;
    pid_t ppid = -1;

    if (!text)
        return;
    if (imp_cgroup_parse_ppid (text, &ppid) == 0) {
        CHECK (ppid >= 0);
        CHECK ((p = strrchr (text, ')')) != NULL);
        snprintf (want, sizeof (want), "%ld", (long)ppid);
        CHECK (p[1] == ' ' && p[3] == ' ');
        CHECK (strncmp (p + 4, want, strlen (want)) == 0);
    }
    else
        CHECK (errno == EINVAL && ppid == -1);
    free (text);
}

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    if (data[0] & 1)
        fuzz_ppid (data + 1, size - 1);
    else
        fuzz_pid (data + 1, size - 1);
    return 0;
}
