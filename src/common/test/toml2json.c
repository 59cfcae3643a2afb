/* toml2json - read TOML on stdin, write the tagged JSON of toml-test.
 *
 * Usage: toml2json < FILE.toml
 * Exit 0 with the JSON on stdout; exit 1 with "line:column: message" on
 * stderr if the input is not valid TOML or exceeds a limit (position
 * 0:0 when the error has none, e.g. oversized input); exit 2 on other
 * errors (read failure, out of memory).
 */
#if HAVE_CONFIG_H
#include "config.h"
#endif
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <jansson.h>

#include "common/toml.h"
#include "toml_tagged.h"

/* Read at most TOML_MAX_SIZE + 1 bytes: one more than the parser accepts,
 * so that an oversized input is reported by toml_parse().
 */
static int read_input (int fd, char **bufp, size_t *lenp)
{
    size_t cap = TOML_MAX_SIZE + 1;
    char *buf = malloc (cap);
    size_t len = 0;
    ssize_t n;

    if (!buf)
        return -1;
    while (len < cap) {
        n = read (fd, buf + len, cap - len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            free (buf);
            return -1;
        }
        if (n == 0)
            break;
        len += (size_t)n;
    }
    *bufp = buf;
    *lenp = len;
    return 0;
}

int main (int argc, char *argv[])
{
    struct toml_error err;
    struct toml_value *root;
    json_t *json;
    char *buf;
    size_t len;

    if (argc != 1) {
        fprintf (stderr, "Usage: %s < FILE.toml\n", argv[0]);
        return 2;
    }
    if (read_input (STDIN_FILENO, &buf, &len) < 0) {
        fprintf (stderr, "toml2json: read: %s\n", strerror (errno));
        return 2;
    }
    if (toml_parse (buf, len, &root, &err) < 0) {
        int rc = errno == ENOMEM ? 2 : 1;
        fprintf (stderr, "%u:%u: %s\n", err.line, err.column, err.text);
        free (buf);
        return rc;
    }
    free (buf);
    if (!(json = toml_tagged (root))
        || json_dumpf (json, stdout, JSON_INDENT (2) | JSON_SORT_KEYS) < 0
        || printf ("\n") < 0 || fflush (stdout) != 0) {
        fprintf (stderr, "toml2json: %s\n", strerror (errno));
        json_decref (json);
        toml_destroy (root);
        return 2;
    }
    json_decref (json);
    toml_destroy (root);
    return 0;
}
