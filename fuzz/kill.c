/* fuzz/kill.c - libFuzzer harness of the pure parsers of `flux-imp
 * kill` (imp_cmds.h).
 *
 * The first byte chooses: even, the rest (up to the first NUL) is one
 * argument given to imp_kill_parse_signal(), imp_kill_parse_pid() and
 * imp_kill_parse_args(); odd, the rest is the text of a
 * /proc/<pid>/status for imp_kill_parse_status().  Invariants:
 *   signal, pid: accepted exactly when the argument is the canonical
 *     decimal form ("%d") of a number in range (0..IMP_KILL_SIGNAL_MAX,
 *     2..INT_MAX); a failure is EINVAL with an error text and leaves the
 *     output untouched;
 *   status: accepted exactly when a simple reference parser written here
 *     from the contract accepts, with the same values.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "imp/imp_cmds.h"
#include "fuzz.h"

static bool canonical (const char *s, long long min, long long max)
{
    char buf[32];
    char *end;
    long long v;

    if (!*s || strlen (s) > 19 || *s < '0' || *s > '9')
        return false;
    errno = 0;
    v = strtoll (s, &end, 10);
    if (errno || *end || v < min || v > max)
        return false;
    snprintf (buf, sizeof (buf), "%lld", v);
    return !strcmp (buf, s);
}

static void check_args (const char *s)
{
    struct error err = {{0}};
    char *argv[] = {"flux-imp", "kill", (char *)s, (char *)s, NULL};
    int sig = -99, sig2 = -99;
    pid_t pid = -99, pid2 = -99;
    bool sig_ok = canonical (s, 0, IMP_KILL_SIGNAL_MAX);
    bool pid_ok = canonical (s, 2, INT_MAX);

    errno = 0;
    if (imp_kill_parse_signal (s, &sig, &err) == 0)
        CHECK (sig_ok && sig == atoi (s));
    else
        CHECK (!sig_ok && errno == EINVAL && err.text[0] && sig == -99);
    err.text[0] = '\0';
    errno = 0;
    if (imp_kill_parse_pid (s, &pid, &err) == 0)
        CHECK (pid_ok && pid == atoi (s));
    else
        CHECK (!pid_ok && errno == EINVAL && err.text[0] && pid == -99);
    err.text[0] = '\0';
    errno = 0;
    if (imp_kill_parse_args (4, argv, &sig2, &pid2, &err) == 0)
        CHECK (sig_ok && pid_ok && sig2 == sig && pid2 == pid);
    else
        CHECK (!(sig_ok && pid_ok) && errno == EINVAL && err.text[0]
               && sig2 == -99 && pid2 == -99);
    CHECK (imp_kill_parse_args (3, argv, &sig2, &pid2, NULL) < 0);
}

/* The rest of the one line that starts with 'key', or NULL. */
static const char *ref_field (const char *text, const char *key)
{
    const char *found = NULL;
    int n = 0;

    for (const char *line = text; *line;) {
        const char *end = strchrnul (line, '\n');
        if (!strncmp (line, key, strlen (key))) {
            n++;
            found = line + strlen (key);
        }
        if (!*end)
            break;
        line = end + 1;
    }
    return n == 1 ? found : NULL;
}

static bool
ref_number (const char **pp, unsigned long long max, unsigned long long *vp)
{
    const char *p = *pp;
    unsigned long long v = 0;
    int digits = 0;

    while (*p == ' ' || *p == '\t')
        p++;
    for (; *p >= '0' && *p <= '9'; p++, digits++) {
        v = v * 10 + (unsigned long long)(*p - '0');
        if (v > max)
            return false;
    }
    *pp = p;
    *vp = v;
    return digits > 0;
}

static bool ref_line_end (const char *p)
{
    p += strspn (p, " \t");
    return *p == '\n' || *p == '\0';
}

static void check_status (const char *text)
{
    const char *p, *q;
    unsigned long long ppid = 0, u[4] = {0};
    bool ok;
    pid_t got_ppid = -99;
    uid_t got_uid[4] = {7, 7, 7, 7};
    int rc;

    ok = (p = ref_field (text, "PPid:")) && ref_number (&p, INT_MAX, &ppid)
         && ref_line_end (p) && (q = ref_field (text, "Uid:"));
    for (int i = 0; ok && i < 4; i++)
        ok = ref_number (&q, UINT32_MAX, &u[i]);
    ok = ok && ref_line_end (q);
    errno = 0;
    rc = imp_kill_parse_status (text, &got_ppid, got_uid);
    if (rc == 0) {
        CHECK (ok && got_ppid == (pid_t)ppid);
        for (int i = 0; i < 4; i++)
            CHECK (got_uid[i] == (uid_t)u[i]);
    }
    else
        CHECK (!ok && errno == EINVAL && got_ppid == -99 && got_uid[0] == 7);
}

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
    char *s;

    if (size < 1)
        return 0;
    if (!(s = strndup ((const char *)data + 1, size - 1)))
        return 0;
    if (data[0] & 1)
        check_status (s);
    else
        check_args (s);
    free (s);
    return 0;
}
