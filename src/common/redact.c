/* redact.c - mask secrets in text (see redact.h). */
#define _GNU_SOURCE
#if HAVE_CONFIG_H
#include "config.h"
#endif
#include <ctype.h>
#include <errno.h>
#include <fnmatch.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <jansson.h>

#include "redact.h"

const char *const redact_default_patterns[] = {
    "*TOKEN*", "*SECRET*", "*PASSWORD*", "*KEY*", NULL,
};

#define MAX_NAME 256

struct buf {
    char *data;
    size_t len;
    size_t size;
};

static int buf_add (struct buf *b, const char *s, size_t n)
{
    if (b->len + n + 1 > b->size) {
        size_t size = b->size ? b->size : 256;
        char *p;
        while (size < b->len + n + 1)
            size *= 2;
        if (!(p = realloc (b->data, size)))
            return -1;
        b->data = p;
        b->size = size;
    }
    memcpy (b->data + b->len, s, n);
    b->len += n;
    b->data[b->len] = '\0';
    return 0;
}

static bool sensitive (const char *const *patterns, const char *name)
{
    for (int i = 0; patterns[i]; i++) {
        if (fnmatch (patterns[i], name, FNM_CASEFOLD) == 0)
            return true;
    }
    return false;
}

/* --- tokens: JWT and MUNGE credentials ------------------------------- */

static bool is_b64url (char c)
{
    return isalnum ((unsigned char)c) || c == '-' || c == '_';
}

static bool is_b64 (char c)
{
    return isalnum ((unsigned char)c) || c == '+' || c == '/' || c == '=';
}

#define JWT_MIN_SEGMENT 8 /* a real header or claims set is longer */

/* Length of a JWT starting at s (0 if none): "eyJ" segment "." segment
 * "." segment, each segment base64url, the first two at least
 * JWT_MIN_SEGMENT long (the signature may be empty: alg "none"). */
static size_t jwt_len (const char *s, size_t n)
{
    size_t i = 0, seg = 0;
    int dots = 0;

    if (n < 3 || memcmp (s, "eyJ", 3) != 0)
        return 0;
    while (i < n && (is_b64url (s[i]) || (s[i] == '.' && dots < 2))) {
        if (s[i] == '.') {
            if (seg < JWT_MIN_SEGMENT)
                return 0;
            dots++;
            seg = 0;
        }
        else
            seg++;
        i++;
    }
    return dots == 2 ? i : 0;
}

/* Length of "MUNGE:<b64>:" starting at s (0 if none). */
static size_t munge_len (const char *s, size_t n)
{
    size_t i = 6;

    if (n < 8 || memcmp (s, "MUNGE:", 6) != 0)
        return 0;
    while (i < n && is_b64 (s[i]))
        i++;
    if (i == 6 || i >= n || s[i] != ':')
        return 0;
    return i + 1;
}

/* Copy 'n' bytes of 's' to 'out' with tokens masked. */
static int mask_tokens (struct buf *out, const char *s, size_t n)
{
    size_t i = 0, start = 0, t;

    while (i < n) {
        bool boundary = (i == 0 || !is_b64url (s[i - 1]));
        if (boundary
            && ((t = jwt_len (s + i, n - i))
                || (t = munge_len (s + i, n - i)))) {
            if (buf_add (out, s + start, i - start) < 0
                || buf_add (out, REDACT_MASK, strlen (REDACT_MASK)) < 0)
                return -1;
            i += t;
            start = i;
        }
        else
            i++;
    }
    return buf_add (out, s + start, n - start);
}

/* --- plain text: NAME=value ------------------------------------------ */

static bool is_name_start (char c)
{
    return isalpha ((unsigned char)c) || c == '_';
}

static bool is_name_char (char c)
{
    return isalnum ((unsigned char)c) || c == '_' || c == '-' || c == '.';
}

static bool value_end (char c)
{
    return isspace ((unsigned char)c) || c == '&' || c == ';' || c == ','
           || c == '"' || c == '\'';
}

/* Length of the value at s: a quoted string up to its closing quote
 * (without the quotes), else up to a separator. */
static size_t value_span (const char *s, size_t n, size_t *skip)
{
    size_t i = 0;

    *skip = 0;
    if (n > 0 && (s[0] == '"' || s[0] == '\'')) {
        char q = s[0];
        *skip = 1;
        for (i = 1; i < n && s[i] != q; i++)
            ;
        return i - 1;
    }
    while (i < n && !value_end (s[i]))
        i++;
    return i;
}

/* If a sensitive NAME= or NAME: starts at s[i], return the offset of its
 * value's first byte after any quote, and its length. */
static bool name_assignment (const char *s,
                             size_t n,
                             size_t i,
                             const char *const *patterns,
                             size_t *vstart,
                             size_t *vlen)
{
    char name[MAX_NAME];
    size_t j = i, k, skip;

    if (!is_name_start (s[i]) || (i > 0 && is_name_char (s[i - 1])))
        return false;
    while (j < n && is_name_char (s[j]) && j - i < MAX_NAME - 1)
        j++;
    if (j >= n || (s[j] != '=' && s[j] != ':'))
        return false;
    memcpy (name, s + i, j - i);
    name[j - i] = '\0';
    k = j + 1;
    if (s[j] == ':') {
        if (k >= n || s[k] != ' ')
            return false;
        while (k < n && s[k] == ' ')
            k++;
    }
    if (!sensitive (patterns, name))
        return false;
    *vlen = value_span (s + k, n - k, &skip);
    *vstart = k + skip;
    return *vlen > 0;
}

static int redact_text_line (struct buf *out,
                             const char *s,
                             size_t n,
                             const char *const *patterns)
{
    struct buf tmp = {0};
    size_t i = 0, start = 0, vstart, vlen;
    int rc = -1;

    while (i < n) {
        if (name_assignment (s, n, i, patterns, &vstart, &vlen)) {
            if (buf_add (&tmp, s + start, vstart - start) < 0
                || buf_add (&tmp, REDACT_MASK, strlen (REDACT_MASK)) < 0)
                goto out;
            i = start = vstart + vlen;
        }
        else
            i++;
    }
    if (buf_add (&tmp, s + start, n - start) < 0)
        goto out;
    rc = mask_tokens (out, tmp.data, tmp.len);
out:
    free (tmp.data);
    return rc;
}

/* --- JSON lines ------------------------------------------------------- */

struct scan {
    const char *s;
    size_t n;
    size_t i;
    const char *const *patterns;
    struct buf *out;
    size_t copied; /* s[0..copied) is in out */
};

static void skip_ws (struct scan *sc)
{
    while (sc->i < sc->n && isspace ((unsigned char)sc->s[sc->i]))
        sc->i++;
}

/* Skip a JSON string at sc->i (which is '"'); decode it into name (ASCII
 * escapes only; truncated) when name is not NULL. */
static int skip_string (struct scan *sc, char *name, size_t size)
{
    size_t k = 0;

    sc->i++;
    while (sc->i < sc->n && sc->s[sc->i] != '"') {
        char c = sc->s[sc->i];
        if (c == '\\' && sc->i + 1 < sc->n) {
            sc->i++;
            c = sc->s[sc->i];
            if (c == 'u')
                c = '?'; /* a \u escape never makes a name sensitive */
        }
        if (name && k + 1 < size)
            name[k++] = c;
        sc->i++;
    }
    if (sc->i >= sc->n)
        return -1;
    sc->i++;
    if (name)
        name[k] = '\0';
    return 0;
}

static int scan_value (struct scan *sc, int depth);

static int scan_container (struct scan *sc, int depth, char close)
{
    char name[MAX_NAME];

    sc->i++;
    for (;;) {
        skip_ws (sc);
        if (sc->i < sc->n && sc->s[sc->i] == close) {
            sc->i++;
            return 0;
        }
        if (close == '}') {
            if (sc->i >= sc->n || sc->s[sc->i] != '"'
                || skip_string (sc, name, sizeof (name)) < 0)
                return -1;
            skip_ws (sc);
            if (sc->i >= sc->n || sc->s[sc->i++] != ':')
                return -1;
            skip_ws (sc);
            if (sc->out && sensitive (sc->patterns, name)) {
                size_t vstart = sc->i;
                struct buf *saved = sc->out;
                sc->out = NULL; /* skip without output */
                if (scan_value (sc, depth + 1) < 0)
                    return -1;
                sc->out = saved;
                if (buf_add (sc->out, sc->s + sc->copied, vstart - sc->copied)
                        < 0
                    || buf_add (sc->out, "\"" REDACT_MASK "\"",
                                strlen (REDACT_MASK) + 2)
                           < 0)
                    return -1;
                sc->copied = sc->i;
            }
            else if (scan_value (sc, depth + 1) < 0)
                return -1;
        }
        else if (scan_value (sc, depth + 1) < 0)
            return -1;
        skip_ws (sc);
        if (sc->i < sc->n && sc->s[sc->i] == ',')
            sc->i++;
        else if (sc->i >= sc->n || sc->s[sc->i] != close)
            return -1; /* not JSON after all: every step must progress */
    }
}

static int scan_value (struct scan *sc, int depth)
{
    char c;

    if (depth > REDACT_MAX_DEPTH || sc->i >= sc->n)
        return -1;
    c = sc->s[sc->i];
    if (c == '{')
        return scan_container (sc, depth, '}');
    if (c == '[')
        return scan_container (sc, depth, ']');
    if (c == '"')
        return skip_string (sc, NULL, 0);
    {
        size_t start = sc->i;
        while (sc->i < sc->n && sc->s[sc->i] != '\0'
               && !strchr (",]} \t\r\n", sc->s[sc->i]))
            sc->i++;
        return sc->i > start ? 0 : -1;
    }
}

/* Redact a line that is a valid JSON object or array; -1 if it is not
 * (or is too deep), with nothing written to 'out'. */
static int redact_json_line (struct buf *out,
                             const char *s,
                             size_t n,
                             const char *const *patterns)
{
    struct buf tmp = {0};
    struct scan sc = {s, n, 0, patterns, &tmp, 0};
    json_t *o;
    int rc = -1;

    if (!(o = json_loadb (s, n, 0, NULL)))
        return -1;
    if (!json_is_object (o) && !json_is_array (o))
        goto out;
    skip_ws (&sc);
    if (scan_value (&sc, 0) < 0)
        goto out;
    if (buf_add (&tmp, s + sc.copied, n - sc.copied) < 0)
        goto out;
    rc = mask_tokens (out, tmp.data, tmp.len);
out:
    json_decref (o);
    free (tmp.data);
    return rc;
}

int redact (const char *text,
            size_t len,
            const char *const *patterns,
            char **outp,
            size_t *outlenp)
{
    struct buf out = {0};
    size_t i = 0;

    if ((!text && len > 0) || !outp) {
        errno = EINVAL;
        return -1;
    }
    if (len > REDACT_MAX_SIZE) {
        errno = E2BIG;
        return -1;
    }
    if (!patterns)
        patterns = redact_default_patterns;
    if (buf_add (&out, "", 0) < 0)
        goto nomem;
    while (i < len) {
        const char *nl = memchr (text + i, '\n', len - i);
        size_t n = nl ? (size_t)(nl - (text + i)) : len - i;
        size_t body = (n > 0 && text[i + n - 1] == '\r') ? n - 1 : n;
        if (redact_json_line (&out, text + i, body, patterns) < 0
            && redact_text_line (&out, text + i, body, patterns) < 0)
            goto nomem;
        if (buf_add (&out, text + i + body, n - body + (nl ? 1 : 0)) < 0)
            goto nomem;
        i += n + (nl ? 1 : 0);
    }
    *outp = out.data;
    if (outlenp)
        *outlenp = out.len;
    return 0;
nomem:
    free (out.data);
    errno = ENOMEM;
    return -1;
}
