/* fuzz/cgroup.c - libFuzzer harness of the two text parsers of
 * imp_cgroup.h: imp_cgroup_parse_mounts() (/proc/self/mounts) and
 * imp_cgroup_parse_proc() (/proc/<pid>/cgroup).
 *
 * The first byte chooses: bit 0 the parser; bit 1 set, an output buffer
 * of (byte >> 2) bytes (0-63), else PATH_MAX.  The rest, up to the first
 * NUL, is the text.  The output buffer is allocated at exactly its size
 * so that ASan catches a write past it.  Each result is checked against
 * a simple reference parser written here from the contract:
 *   mounts: the second field, octal escapes (\000 excluded) undone, of
 *           the first line whose third whitespace-separated field is
 *           "cgroup2" (lines of 2 * PATH_MAX bytes or more are skipped);
 *   proc:   the rest of the one line that starts with "0::", an
 *           absolute path without "", "." or ".." components.
 * On success the output is NUL-terminated within 'size'.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "imp/imp_cgroup.h"
#include "fuzz.h"

/* The next whitespace-separated field of [*pp, end): its start and length. */
static bool
next_field (const char **pp, const char *end, const char **fp, size_t *lenp)
{
    const char *p = *pp;

    while (p < end && isspace ((unsigned char)*p))
        p++;
    if (p == end)
        return false;
    *fp = p;
    while (p < end && !isspace ((unsigned char)*p))
        p++;
    *lenp = (size_t)(p - *fp);
    *pp = p;
    return true;
}

/* Undo the octal escapes of 'len' bytes of 's' into 'out' (room for len
 * + 1).  -1 on a malformed escape or \000.
 */
static int ref_unescape (const char *s, size_t len, char *out)
{
    size_t i = 0, o = 0;

    while (i < len) {
        if (s[i] != '\\') {
            out[o++] = s[i++];
            continue;
        }
        if (i + 3 >= len)
            return -1;
        if (s[i + 1] < '0' || s[i + 1] > '3' || s[i + 2] < '0' || s[i + 2] > '7'
            || s[i + 3] < '0' || s[i + 3] > '7')
            return -1;
        out[o] = (char)((s[i + 1] - '0') * 64 + (s[i + 2] - '0') * 8
                        + (s[i + 3] - '0'));
        if (out[o++] == '\0')
            return -1;
        i += 4;
    }
    out[o] = '\0';
    return 0;
}

/* Reference of imp_cgroup_parse_mounts(): 0 and the mount in 'out'
 * (PATH_MAX * 2 bytes), or -1 with the errno to expect in *errp
 * (ENAMETOOLONG not decided here: the caller compares lengths).
 */
static int ref_mounts (const char *text, char *out, int *errp)
{
    const char *line = text;

    while (*line) {
        const char *end = strchrnul (line, '\n'), *p = line, *f[3] = {0};
        size_t len[3] = {0};
        int n = 0;

        if ((size_t)(end - line) < PATH_MAX * 2) {
            while (n < 3 && next_field (&p, end, &f[n], &len[n]))
                n++;
            if (n == 3 && len[2] == 7 && !strncmp (f[2], "cgroup2", 7)) {
                if (len[1] >= PATH_MAX) {
                    *errp = ENAMETOOLONG;
                    return -1;
                }
                if (ref_unescape (f[1], len[1], out) < 0 || out[0] != '/') {
                    *errp = EINVAL;
                    return -1;
                }
                return 0;
            }
        }
        if (!*end)
            break;
        line = end + 1;
    }
    *errp = ENOENT;
    return -1;
}

static bool ref_clean (const char *rel)
{
    if (rel[0] != '/')
        return false;
    if (!strcmp (rel, "/"))
        return true;
    for (const char *p = rel; *p;) {
        const char *c = p + 1;
        size_t n = strcspn (c, "/");
        if (n == 0 || (n == 1 && c[0] == '.')
            || (n == 2 && c[0] == '.' && c[1] == '.'))
            return false;
        p = c + n;
    }
    return true;
}

static void check_mounts (const char *text, char *mount, size_t size)
{
    static char expect[PATH_MAX * 2];
    int experr = 0;
    int rc, rrc;

    errno = 0;
    rc = imp_cgroup_parse_mounts (text, mount, size);
    rrc = ref_mounts (text, expect, &experr);
    if (rrc == 0 && strlen (expect) >= size) {
        rrc = -1;
        experr = ENAMETOOLONG;
    }
    if (rc == 0) {
        CHECK (rrc == 0);
        CHECK (strlen (mount) < size && !strcmp (mount, expect));
        CHECK (mount[0] == '/');
    }
    else {
        CHECK (rrc < 0 && errno == experr);
    }
}

static void check_proc (const char *text, char *rel, size_t size)
{
    const char *line = text, *found = NULL;
    size_t flen = 0;
    int n = 0, rc;

    errno = 0;
    rc = imp_cgroup_parse_proc (text, rel, size);
    while (*line) {
        const char *end = strchrnul (line, '\n');
        if (!strncmp (line, "0::", 3)) {
            n++;
            found = line + 3;
            flen = (size_t)(end - found);
        }
        if (!*end)
            break;
        line = end + 1;
    }
    if (rc == 0) {
        CHECK (n == 1 && flen < size);
        CHECK (strlen (rel) == flen && !memcmp (rel, found, flen));
        CHECK (ref_clean (rel));
    }
    else if (n == 0)
        CHECK (errno == ENOENT);
    else if (n > 1)
        CHECK (errno == EINVAL);
    else if (flen >= size)
        CHECK (errno == ENAMETOOLONG);
    else
        CHECK (errno == EINVAL);
}

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
    size_t outsize;
    char *text, *out;

    if (size < 1)
        return 0;
    outsize = data[0] & 2 ? (size_t)(data[0] >> 2) : PATH_MAX;
    if (!(text = strndup ((const char *)data + 1, size - 1)))
        return 0;
    if (!(out = malloc (outsize ? outsize : 1))) {
        free (text);
        return 0;
    }
    if (data[0] & 1)
        check_proc (text, out, outsize);
    else
        check_mounts (text, out, outsize);
    free (out);
    free (text);
    return 0;
}
