/* test_toml_corpus.c - run the TOML corpus (see toml-corpus/README).
 *
 * Usage: test_toml_corpus DIR
 * One TAP case per document: DIR/valid/NAME.toml must parse and give the
 * tagged JSON of DIR/valid/NAME.json; DIR/invalid/NAME.toml must be
 * rejected.  A failure prints a "# " diagnostic (the parse error, or the
 * expected and actual JSON).  Exit status 1 if any case fails.
 */
#if HAVE_CONFIG_H
#include "config.h"
#endif
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jansson.h>

#include "common/toml.h"
#include "toml_tagged.h"

#define CORPUS_MAX_FILE (2 * TOML_MAX_SIZE)

struct names {
    char **v;
    size_t count;
};

static int cmpstr (const void *a, const void *b)
{
    return strcmp (*(char *const *)a, *(char *const *)b);
}

/* The NAME of every NAME.toml in 'dir', sorted. */
static int list_cases (const char *dir, struct names *n)
{
    struct dirent *de;
    DIR *d;

    n->v = NULL;
    n->count = 0;
    if (!(d = opendir (dir)))
        return -1;
    while ((de = readdir (d))) {
        size_t len = strlen (de->d_name);
        char **tmp;
        if (len <= 5 || strcmp (de->d_name + len - 5, ".toml") != 0)
            continue;
        if (!(tmp = realloc (n->v, (n->count + 1) * sizeof (*tmp)))
            || !(tmp[n->count] = strndup (de->d_name, len - 5))) {
            n->v = tmp ? tmp : n->v;
            closedir (d);
            return -1;
        }
        n->v = tmp;
        n->count++;
    }
    closedir (d);
    qsort (n->v, n->count, sizeof (*n->v), cmpstr);
    return 0;
}

static void names_free (struct names *n)
{
    for (size_t i = 0; i < n->count; i++)
        free (n->v[i]);
    free (n->v);
}

static char *read_file (const char *path, size_t *lenp)
{
    FILE *f = fopen (path, "rb");
    char *buf;
    size_t len;

    if (!f)
        return NULL;
    if (!(buf = malloc (CORPUS_MAX_FILE + 1))) {
        fclose (f);
        return NULL;
    }
    len = fread (buf, 1, CORPUS_MAX_FILE + 1, f);
    if (ferror (f) || len > CORPUS_MAX_FILE) {
        fclose (f);
        free (buf);
        errno = EFBIG;
        return NULL;
    }
    fclose (f);
    *lenp = len;
    return buf;
}

/* Diagnostic text of the current case, printed after its result line. */
static char diag[8192];

static void diag_set (const char *fmt, ...)
    __attribute__ ((format (printf, 1, 2)));

static void diag_set (const char *fmt, ...)
{
    size_t used = strlen (diag);
    va_list ap;

    va_start (ap, fmt);
    vsnprintf (diag + used, sizeof (diag) - used, fmt, ap);
    va_end (ap);
}

static void diag_json (const char *what, const json_t *json)
{
    char *s =
        json_dumps (json, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENCODE_ANY);

    diag_set ("# %s: %.3000s\n", what, s ? s : "(null)");
    free (s);
}

/* Parse DIR/valid/NAME.toml and compare with DIR/valid/NAME.json. */
static bool check_valid (const char *dir, const char *name)
{
    char path[4096];
    struct toml_error err;
    struct toml_value *root = NULL;
    json_t *got = NULL, *want = NULL;
    json_error_t jerr;
    bool ok = false;
    char *buf;
    size_t len;

    snprintf (path, sizeof (path), "%s/valid/%s.toml", dir, name);
    if (!(buf = read_file (path, &len))) {
        diag_set ("# %s: %s\n", path, strerror (errno));
        return false;
    }
    snprintf (path, sizeof (path), "%s/valid/%s.json", dir, name);
    if (!(want = json_load_file (path, JSON_ALLOW_NUL, &jerr)))
        diag_set ("# %s: %s\n", path, jerr.text);
    else if (toml_parse (buf, len, &root, &err) < 0)
        diag_set ("# %u:%u: %s\n", err.line, err.column, err.text);
    else if (!(got = toml_tagged (root)))
        diag_set ("# tagged JSON: %s\n", strerror (errno));
    else if (!(ok = toml_tagged_equal (got, want))) {
        diag_json ("expected", want);
        diag_json ("got", got);
    }
    json_decref (got);
    json_decref (want);
    toml_destroy (root);
    free (buf);
    return ok;
}

/* DIR/invalid/NAME.toml must be rejected with EINVAL or E2BIG. */
static bool check_invalid (const char *dir, const char *name)
{
    char path[4096];
    struct toml_error err;
    struct toml_value *root = NULL;
    char *buf;
    size_t len;
    bool ok;

    snprintf (path, sizeof (path), "%s/invalid/%s.toml", dir, name);
    if (!(buf = read_file (path, &len))) {
        diag_set ("# %s: %s\n", path, strerror (errno));
        return false;
    }
    if (toml_parse (buf, len, &root, &err) == 0) {
        diag_set ("# accepted, but the document is invalid\n");
        toml_destroy (root);
        ok = false;
    }
    else if (errno != EINVAL && errno != E2BIG) {
        diag_set ("# rejected with %s: %s\n", strerror (errno), err.text);
        ok = false;
    }
    else
        ok = true;
    free (buf);
    return ok;
}

int main (int argc, char *argv[])
{
    struct names valid, invalid;
    char path[4096];
    size_t n = 0;
    int failed = 0;

    if (argc != 2) {
        fprintf (stderr, "Usage: %s CORPUS-DIR\n", argv[0]);
        return 2;
    }
    snprintf (path, sizeof (path), "%s/valid", argv[1]);
    if (list_cases (path, &valid) < 0) {
        printf ("Bail out! %s: %s\n", path, strerror (errno));
        return 1;
    }
    snprintf (path, sizeof (path), "%s/invalid", argv[1]);
    if (list_cases (path, &invalid) < 0) {
        printf ("Bail out! %s: %s\n", path, strerror (errno));
        names_free (&valid);
        return 1;
    }
    printf ("1..%zu\n", valid.count + invalid.count);
    for (size_t i = 0; i < valid.count; i++) {
        bool ok = check_valid (argv[1], valid.v[i]);
        printf ("%sok %zu - valid/%s\n%s", ok ? "" : "not ", ++n, valid.v[i],
                diag);
        diag[0] = '\0';
        failed |= !ok;
    }
    for (size_t i = 0; i < invalid.count; i++) {
        bool ok = check_invalid (argv[1], invalid.v[i]);
        printf ("%sok %zu - invalid/%s\n%s", ok ? "" : "not ", ++n,
                invalid.v[i], diag);
        diag[0] = '\0';
        failed |= !ok;
    }
    names_free (&valid);
    names_free (&invalid);
    return failed;
}
