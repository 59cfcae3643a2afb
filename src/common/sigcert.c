/* sigcert.c - ed25519 signing certificates (see sigcert.h, wire.md 2.7).
 *
 * SECURITY INVARIANTS
 * - The secret key lives only in struct sigcert (sk) and is wiped with
 *   sodium_memzero() when it is dropped, when the certificate is
 *   destroyed and on every error path.  The text of a secret key file,
 *   its formatted form and the base64 string in its TOML tree are wiped
 *   before they are freed; stack copies are wiped before returning.
 * - Files are opened O_RDONLY|O_NOFOLLOW|O_CLOEXEC and checked with
 *   fstat() on that same descriptor (regular file, size, mode) before a
 *   byte is read; the secret key file is created O_EXCL|O_NOFOLLOW, 0600.
 * - Secret keys are base64-coded only by the constant-time codec of b64.h
 *   (b64_encode, b64_decode); public keys and signatures by the faster
 *   table-driven one (b64_*_public).
 * - Parsing is pure and bounded (sigcert_parse() is a fuzz target).
 *   Every base64 field must decode to exactly the size of its key or
 *   signature, and a secret key must derive the public key it is loaded
 *   with.
 * - Error text never contains key material: an error in a secret key
 *   file is reported by position only.
 */
#if HAVE_CONFIG_H
#include "config.h"
#endif
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <sodium.h>

#include "sigcert.h"
#include "b64.h"
#include "toml.h"

#define PK_SIZE crypto_sign_PUBLICKEYBYTES
#define SK_SIZE crypto_sign_SECRETKEYBYTES
#define SIG_SIZE crypto_sign_BYTES
#define PK_B64_LEN 44  /* b64_encoded_len (PK_SIZE) */
#define SK_B64_LEN 88  /* b64_encoded_len (SK_SIZE) */
#define SIG_B64_LEN 88 /* b64_encoded_len (SIG_SIZE) */

_Static_assert(PK_SIZE == 32 && SK_SIZE == 64 && SIG_SIZE == 64,
               "ed25519 sizes");
_Static_assert(SIGCERT_SEED_SIZE == crypto_sign_SEEDBYTES, "seed size");

struct sigcert {
    uint8_t pk[PK_SIZE];
    char pk_b64[PK_B64_LEN + 1];
    uint8_t sk[SK_SIZE];
    bool has_sk;
    uint8_t sig[SIG_SIZE];
    bool has_sig;
    struct kv *meta;
};

/* Construction */

static struct sigcert *sigcert_alloc (void)
{
    struct sigcert *cert;

    if (sodium_init () < 0) {
        errno = EIO;
        return NULL;
    }
    if (!(cert = calloc (1, sizeof (*cert))))
        return NULL;
    if (!(cert->meta = kv_create ())) {
        free (cert);
        return NULL;
    }
    return cert;
}

void sigcert_destroy (struct sigcert *cert)
{
    if (cert) {
        int saved_errno = errno;
        kv_destroy (cert->meta);
        sodium_memzero (cert, sizeof (*cert));
        free (cert);
        errno = saved_errno;
    }
}

static int set_public_b64 (struct sigcert *cert)
{
    return b64_encode_public (cert->pk, PK_SIZE, cert->pk_b64,
                              sizeof (cert->pk_b64));
}

/* Finish a certificate whose key pair was just made. */
static struct sigcert *new_cert_finish (struct sigcert *cert)
{
    cert->has_sk = true;
    if (set_public_b64 (cert) < 0
        || kv_put_string (cert->meta, "algorithm", "ed25519") < 0) {
        sigcert_destroy (cert);
        return NULL;
    }
    return cert;
}

struct sigcert *sigcert_create (void)
{
    struct sigcert *cert;

    if (!(cert = sigcert_alloc ()))
        return NULL;
    if (crypto_sign_keypair (cert->pk, cert->sk) < 0) {
        sigcert_destroy (cert);
        errno = EIO;
        return NULL;
    }
    return new_cert_finish (cert);
}

struct sigcert *sigcert_create_from_seed (const uint8_t *seed)
{
    struct sigcert *cert;

    if (!seed) {
        errno = EINVAL;
        return NULL;
    }
    if (!(cert = sigcert_alloc ()))
        return NULL;
    if (crypto_sign_seed_keypair (cert->pk, cert->sk, seed) < 0) {
        sigcert_destroy (cert);
        errno = EIO;
        return NULL;
    }
    return new_cert_finish (cert);
}

void sigcert_forget_secret (struct sigcert *cert)
{
    if (cert) {
        sodium_memzero (cert->sk, sizeof (cert->sk));
        cert->has_sk = false;
    }
}

bool sigcert_has_secret (const struct sigcert *cert)
{
    return cert && cert->has_sk;
}

static void drop_signature (struct sigcert *cert)
{
    sodium_memzero (cert->sig, sizeof (cert->sig));
    cert->has_sig = false;
}

/* Text helpers */

/* 'len' bytes of 'key' for error text: unprintable bytes become '?',
 * long keys are cut.  Returns 'buf'.
 */
static const char *shown (const char *key, size_t len, char *buf, size_t size)
{
    size_t i;

    for (i = 0; i < len && i < size - 1; i++) {
        unsigned char c = (unsigned char)key[i];
        buf[i] = c >= 0x20 && c < 0x7f ? (char)c : '?';
    }
    buf[i] = '\0';
    if (i < len && size > 4)
        memcpy (buf + size - 4, "...", 4);
    return buf;
}

/* A base64 decoder of b64.h: b64_decode for secret keys, which must go
 * through the constant-time codec, b64_decode_public for public keys and
 * signatures.
 */
typedef int (*b64_decoder) (const char *text,
                            size_t textlen,
                            void *bin,
                            size_t binsize,
                            size_t *binlenp);

/* Decode base64 'text' ('len' characters) with 'decode' into exactly
 * 'size' bytes of 'out'.  -1 with errno = EINVAL (out wiped) unless it is
 * exactly that.
 */
static int decode_exact (
    b64_decoder decode, const char *text, size_t len, uint8_t *out, size_t size)
{
    size_t n;

    if (len != b64_encoded_len (size) || decode (text, len, out, size, &n) < 0
        || n != size) {
        sodium_memzero (out, size);
        errno = EINVAL;
        return -1;
    }
    return 0;
}

static bool meta_key_valid (const char *key)
{
    return key && *key != '\0' && !strchr (key, '.');
}

/* Length of the valid UTF-8 sequence at 's' (n > 0 bytes left), or 0. */
static size_t utf8_seq (const unsigned char *s, size_t n)
{
    unsigned int lo = 0x80, hi = 0xbf;
    size_t len;

    if (s[0] < 0x80)
        return 1;
    if (s[0] < 0xc2 || s[0] > 0xf4)
        return 0;
    len = s[0] < 0xe0 ? 2 : s[0] < 0xf0 ? 3 : 4;
    if (s[0] == 0xe0)
        lo = 0xa0;
    else if (s[0] == 0xed)
        hi = 0x9f;
    else if (s[0] == 0xf0)
        lo = 0x90;
    else if (s[0] == 0xf4)
        hi = 0x8f;
    if (n < len || s[1] < lo || s[1] > hi)
        return 0;
    for (size_t i = 2; i < len; i++)
        if (s[i] < 0x80 || s[i] > 0xbf)
            return 0;
    return len;
}

static bool utf8_valid (const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t n = strlen (s);

    while (n > 0) {
        size_t len = utf8_seq (p, n);
        if (len == 0)
            return false;
        p += len;
        n -= len;
    }
    return true;
}

/* Write 's' as a TOML basic string. */
static int put_quoted (FILE *f, const char *s)
{
    if (!utf8_valid (s)) {
        errno = EINVAL;
        return -1;
    }
    fputc ('"', f);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        switch (*p) {
        case '"':
            fputs ("\\\"", f);
            break;
        case '\\':
            fputs ("\\\\", f);
            break;
        case '\b':
            fputs ("\\b", f);
            break;
        case '\t':
            fputs ("\\t", f);
            break;
        case '\n':
            fputs ("\\n", f);
            break;
        case '\f':
            fputs ("\\f", f);
            break;
        case '\r':
            fputs ("\\r", f);
            break;
        default:
            if (*p < 0x20 || *p == 0x7f)
                fprintf (f, "\\u%04X", *p);
            else
                fputc (*p, f);
        }
    }
    fputc ('"', f);
    return 0;
}

static bool bare_key (const char *key)
{
    for (const char *p = key; *p; p++) {
        if (!((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z')
              || (*p >= '0' && *p <= '9') || *p == '_' || *p == '-'))
            return false;
    }
    return *key != '\0';
}

/* Metadata */

static int meta_set (struct sigcert *cert,
                     const char *key,
                     enum kv_type type,
                     const void *value)
{
    int rc = -1;

    if (!cert || !meta_key_valid (key)) {
        errno = EINVAL;
        return -1;
    }
    switch (type) {
    case KV_STRING:
        rc = kv_put_string (cert->meta, key, value);
        break;
    case KV_INT64:
        rc = kv_put_int64 (cert->meta, key, *(const int64_t *)value);
        break;
    case KV_DOUBLE:
        rc = kv_put_double (cert->meta, key, *(const double *)value);
        break;
    case KV_BOOL:
        rc = kv_put_bool (cert->meta, key, *(const bool *)value);
        break;
    case KV_TIMESTAMP:
        rc = kv_put_timestamp (cert->meta, key, *(const time_t *)value);
        break;
    case KV_UNKNOWN:
        errno = EINVAL;
        break;
    }
    if (rc == 0)
        drop_signature (cert);
    return rc;
}

int sigcert_meta_set_string (struct sigcert *cert,
                             const char *key,
                             const char *value)
{
    if (!value) {
        errno = EINVAL;
        return -1;
    }
    return meta_set (cert, key, KV_STRING, value);
}

int sigcert_meta_set_int64 (struct sigcert *cert,
                            const char *key,
                            int64_t value)
{
    return meta_set (cert, key, KV_INT64, &value);
}

int sigcert_meta_set_double (struct sigcert *cert,
                             const char *key,
                             double value)
{
    return meta_set (cert, key, KV_DOUBLE, &value);
}

int sigcert_meta_set_bool (struct sigcert *cert, const char *key, bool value)
{
    return meta_set (cert, key, KV_BOOL, &value);
}

int sigcert_meta_set_timestamp (struct sigcert *cert,
                                const char *key,
                                time_t value)
{
    return meta_set (cert, key, KV_TIMESTAMP, &value);
}

int sigcert_meta_get_string (const struct sigcert *cert,
                             const char *key,
                             const char **valuep)
{
    if (!cert) {
        errno = EINVAL;
        return -1;
    }
    return kv_get_string (cert->meta, key, valuep);
}

int sigcert_meta_get_int64 (const struct sigcert *cert,
                            const char *key,
                            int64_t *valuep)
{
    if (!cert) {
        errno = EINVAL;
        return -1;
    }
    return kv_get_int64 (cert->meta, key, valuep);
}

int sigcert_meta_get_double (const struct sigcert *cert,
                             const char *key,
                             double *valuep)
{
    if (!cert) {
        errno = EINVAL;
        return -1;
    }
    return kv_get_double (cert->meta, key, valuep);
}

int sigcert_meta_get_bool (const struct sigcert *cert,
                           const char *key,
                           bool *valuep)
{
    if (!cert) {
        errno = EINVAL;
        return -1;
    }
    return kv_get_bool (cert->meta, key, valuep);
}

int sigcert_meta_get_timestamp (const struct sigcert *cert,
                                const char *key,
                                time_t *valuep)
{
    if (!cert) {
        errno = EINVAL;
        return -1;
    }
    return kv_get_timestamp (cert->meta, key, valuep);
}

const struct kv *sigcert_meta (const struct sigcert *cert)
{
    return cert ? cert->meta : NULL;
}

const char *sigcert_public_key_b64 (const struct sigcert *cert)
{
    return cert ? cert->pk_b64 : NULL;
}

bool sigcert_has_signature (const struct sigcert *cert)
{
    return cert && cert->has_sig;
}

bool sigcert_equal (const struct sigcert *a, const struct sigcert *b)
{
    if (!a || !b)
        return false;
    if (sodium_memcmp (a->pk, b->pk, PK_SIZE) != 0
        || !kv_equal (a->meta, b->meta) || a->has_sig != b->has_sig)
        return false;
    if (a->has_sig && sodium_memcmp (a->sig, b->sig, SIG_SIZE) != 0)
        return false;
    return true;
}

/* Formatting */

static int put_meta_entry (FILE *f, const struct kv_entry *e)
{
    fputs ("    ", f);
    if (bare_key (e->key))
        fputs (e->key, f);
    else if (put_quoted (f, e->key) < 0)
        return -1;
    fputs (" = ", f);
    if (e->type == KV_STRING) {
        if (put_quoted (f, e->value) < 0)
            return -1;
    }
    else /* int, double (%f), bool, timestamp: the kv text is valid TOML */
        fputs (e->value, f);
    fputc ('\n', f);
    return 0;
}

static int put_public (FILE *f, const struct sigcert *cert)
{
    struct kv_entry e;
    size_t cursor = 0;
    char sig[SIG_B64_LEN + 1];

    fputs ("[metadata]\n", f);
    while (kv_next (cert->meta, &cursor, &e)) {
        if (put_meta_entry (f, &e) < 0)
            return -1;
    }
    fprintf (f, "\n[curve]\n    public-key = \"%s\"\n", cert->pk_b64);
    if (cert->has_sig) {
        if (b64_encode_public (cert->sig, SIG_SIZE, sig, sizeof (sig)) < 0)
            return -1;
        fprintf (f, "    signature = \"%s\"\n", sig);
    }
    return 0;
}

char *sigcert_format_public (const struct sigcert *cert)
{
    char *buf = NULL;
    size_t size = 0;
    FILE *f;
    int rc;
    int saved_errno;

    if (!cert) {
        errno = EINVAL;
        return NULL;
    }
    if (!(f = open_memstream (&buf, &size)))
        return NULL;
    rc = put_public (f, cert);
    saved_errno = errno;
    if (ferror (f) && rc == 0) {
        rc = -1;
        saved_errno = ENOMEM;
    }
    if (fclose (f) != 0 && rc == 0) {
        rc = -1;
        saved_errno = errno;
    }
    if (rc < 0) {
        free (buf);
        errno = saved_errno;
        return NULL;
    }
    return buf;
}

char *sigcert_format_secret (const struct sigcert *cert)
{
    static const char head[] = "[curve]\n    secret-key = \"";
    static const char tail[] = "\"\n";
    size_t size = sizeof (head) - 1 + SK_B64_LEN + sizeof (tail);
    char *buf;

    if (!cert || !cert->has_sk) {
        errno = EINVAL;
        return NULL;
    }
    if (!(buf = malloc (size)))
        return NULL;
    memcpy (buf, head, sizeof (head) - 1);
    if (b64_encode (cert->sk, SK_SIZE, buf + sizeof (head) - 1, SK_B64_LEN + 1)
        < 0) {
        sodium_memzero (buf, size);
        free (buf);
        return NULL;
    }
    memcpy (buf + sizeof (head) - 1 + SK_B64_LEN, tail, sizeof (tail));
    return buf;
}

/* Parsing */

/* Days from 1970-01-01 to y-m-d (proleptic Gregorian). */
static int64_t days_from_civil (int64_t y, int m, int d)
{
    int64_t era, yoe, doy, doe;

    y -= m <= 2;
    era = (y >= 0 ? y : y - 399) / 400;
    yoe = y - era * 400;
    doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static int datetime_to_time (const struct toml_datetime *dt, time_t *tp)
{
    int64_t t;

    if (dt->frac_digits > 0 || dt->second > 59) {
        errno = EINVAL;
        return -1;
    }
    t = days_from_civil (dt->year, dt->month, dt->day) * 86400 + dt->hour * 3600
        + dt->minute * 60 + dt->second - (int64_t)dt->offset_minutes * 60;
    if (t < 0 || t > KV_TIMESTAMP_MAX) {
        errno = EINVAL;
        return -1;
    }
    *tp = (time_t)t;
    return 0;
}

/* Context of one parse, for error text. */
struct parsectx {
    const char *name;
    const char *suffix; /* ".pub" or "" */
    bool secret;        /* never show text, only positions */
    struct error *err;
};

/* Fill pc->err with "<file>[:<line>[:<column>]]: <message>", set errno
 * to 'errnum' and return -1.  'line' or 'col' 0: not shown.
 */
static int parse_fail (struct parsectx *pc,
                       unsigned int line,
                       unsigned int col,
                       int errnum,
                       const char *fmt,
                       ...) __attribute__ ((format (printf, 5, 6)));

static int parse_fail (struct parsectx *pc,
                       unsigned int line,
                       unsigned int col,
                       int errnum,
                       const char *fmt,
                       ...)
{
    char msg[256];
    char pos[32] = "";
    va_list ap;

    va_start (ap, fmt);
    vsnprintf (msg, sizeof (msg), fmt, ap);
    va_end (ap);
    if (line > 0 && col > 0)
        snprintf (pos, sizeof (pos), ":%u:%u", line, col);
    else if (line > 0)
        snprintf (pos, sizeof (pos), ":%u", line);
    error_set (pc->err, "%s%s%s: %s", pc->name, pc->suffix, pos, msg);
    errno = errnum;
    return -1;
}

static int
meta_put_value (struct kv *meta, const char *key, const struct toml_value *v)
{
    time_t t;

    switch (v->type) {
    case TOML_STRING:
        return kv_put_stringn (meta, key, v->u.string.ptr, v->u.string.len);
    case TOML_INTEGER:
        return kv_put_int64 (meta, key, v->u.integer);
    case TOML_FLOAT:
        return kv_put_double (meta, key, v->u.fp);
    case TOML_BOOL:
        return kv_put_bool (meta, key, v->u.boolean);
    case TOML_DATETIME:
        if (datetime_to_time (&v->u.datetime, &t) < 0)
            return -1;
        return kv_put_timestamp (meta, key, t);
    default:
        errno = EINVAL;
        return -1;
    }
}

/* Why a metadata value was refused, given that its put failed. */
static const char *value_problem (enum toml_type type)
{
    switch (type) {
    case TOML_STRING:
        return "a string may not contain NUL";
    case TOML_DATETIME:
        return "a date-time must be in whole seconds, from 1970 to 9999";
    default:
        return "values must be string, bool, integer, float or UTC"
               " date-time, not ";
    }
}

static int parse_metadata (struct parsectx *pc,
                           struct kv *meta,
                           const struct toml_value *table)
{
    char buf[64];

    for (size_t i = 0; i < table->u.table.count; i++) {
        const struct toml_keyval *kv = &table->u.table.items[i];
        const char *k = shown (kv->key, kv->keylen, buf, sizeof (buf));

        if (kv->keylen == 0 || kv->keylen != strlen (kv->key)
            || strchr (kv->key, '.'))
            return parse_fail (pc, kv->line, 0, EINVAL,
                               "metadata key '%s' is empty or contains"
                               " '.' or NUL",
                               k);
        if (meta_put_value (meta, kv->key, kv->value) < 0) {
            if (errno == ENOMEM || errno == E2BIG)
                return parse_fail (pc, kv->line, 0, errno, "metadata '%s': %s",
                                   k, strerror (errno));
            return parse_fail (pc, kv->line, 0, EINVAL, "metadata '%s': %s%s",
                               k, value_problem (kv->value->type),
                               kv->value->type == TOML_STRING
                                       || kv->value->type == TOML_DATETIME
                                   ? ""
                                   : toml_type_name (kv->value->type));
        }
    }
    return 0;
}

/* Decode the string at 'kv' into exactly 'size' bytes of 'out'. */
static int parse_b64_field (struct parsectx *pc,
                            const struct toml_keyval *kv,
                            uint8_t *out,
                            size_t size)
{
    const struct toml_value *v = kv->value;

    if (v->type != TOML_STRING
        || decode_exact (b64_decode_public, v->u.string.ptr, v->u.string.len,
                         out, size)
               < 0)
        return parse_fail (pc, kv->line, 0, EINVAL,
                           "[curve] %s must be a string of standard padded"
                           " base64 encoding %zu bytes",
                           kv->key, size);
    return 0;
}

static int parse_curve_public (struct parsectx *pc,
                               struct sigcert *cert,
                               const struct toml_value *table,
                               unsigned int line)
{
    bool have_pk = false;
    char buf[64];

    for (size_t i = 0; i < table->u.table.count; i++) {
        const struct toml_keyval *kv = &table->u.table.items[i];

        if (strcmp (kv->key, "public-key") == 0 && kv->keylen == 10) {
            if (parse_b64_field (pc, kv, cert->pk, PK_SIZE) < 0)
                return -1;
            have_pk = true;
        }
        else if (strcmp (kv->key, "signature") == 0 && kv->keylen == 9) {
            if (parse_b64_field (pc, kv, cert->sig, SIG_SIZE) < 0)
                return -1;
            cert->has_sig = true;
        }
        else
            return parse_fail (pc, kv->line, 0, EINVAL,
                               "[curve] key '%s' is unknown",
                               shown (kv->key, kv->keylen, buf, sizeof (buf)));
    }
    if (!have_pk)
        return parse_fail (pc, line, 0, EINVAL,
                           "[curve] public-key is missing");
    return set_public_b64 (cert);
}

static int parse_toml (struct parsectx *pc,
                       const char *buf,
                       size_t len,
                       struct toml_value **rootp)
{
    struct toml_error terr;

    if (len > SIGCERT_MAX_FILE_SIZE)
        return parse_fail (pc, 0, 0, EFBIG,
                           "file too large (more than %d bytes)",
                           SIGCERT_MAX_FILE_SIZE);
    if (toml_parse (buf, len, rootp, &terr) < 0) {
        int errnum = errno;
        if (pc->secret)
            return parse_fail (pc, terr.line, terr.column, errnum,
                               "not a valid secret key file (TOML syntax)");
        return parse_fail (pc, terr.line, terr.column, errnum, "%s", terr.text);
    }
    return 0;
}

static int parse_public (struct parsectx *pc,
                         struct sigcert *cert,
                         const char *buf,
                         size_t len)
{
    struct toml_value *root = NULL;
    const struct toml_value *curve = NULL;
    unsigned int curve_line = 0;
    char kbuf[64];
    int rc = -1;

    if (parse_toml (pc, buf, len, &root) < 0)
        return -1;
    for (size_t i = 0; i < root->u.table.count; i++) {
        const struct toml_keyval *kv = &root->u.table.items[i];
        bool is_meta = kv->keylen == 8 && strcmp (kv->key, "metadata") == 0;
        bool is_curve = kv->keylen == 5 && strcmp (kv->key, "curve") == 0;

        if ((!is_meta && !is_curve) || kv->value->type != TOML_TABLE) {
            parse_fail (pc, kv->line, 0, EINVAL,
                        "'%s' is not allowed (only the tables [metadata]"
                        " and [curve])",
                        shown (kv->key, kv->keylen, kbuf, sizeof (kbuf)));
            goto out;
        }
        if (is_meta && parse_metadata (pc, cert->meta, kv->value) < 0)
            goto out;
        if (is_curve) {
            curve = kv->value;
            curve_line = kv->value->line;
        }
    }
    if (!curve) {
        parse_fail (pc, 0, 0, EINVAL, "[curve] table is missing");
        goto out;
    }
    if (parse_curve_public (pc, cert, curve, curve_line) < 0)
        goto out;
    rc = 0;
out:
    toml_destroy (root);
    return rc;
}

/* Wipe every string in the tree at 'v' (depth bounded by TOML_MAX_DEPTH). */
static void wipe_strings (struct toml_value *v)
{
    switch (v->type) {
    case TOML_STRING:
        sodium_memzero (v->u.string.ptr, v->u.string.len);
        break;
    case TOML_TABLE:
        for (size_t i = 0; i < v->u.table.count; i++)
            wipe_strings (v->u.table.items[i].value);
        break;
    case TOML_ARRAY:
        for (size_t i = 0; i < v->u.array.count; i++)
            wipe_strings (v->u.array.items[i]);
        break;
    default:
        break;
    }
}

/* A secret key must be the seed-derived key pair of the public key. */
static int check_key_pair (const struct sigcert *cert)
{
    uint8_t seed[crypto_sign_SEEDBYTES];
    uint8_t pk[PK_SIZE];
    uint8_t sk[SK_SIZE];
    int rc = 0;

    crypto_sign_ed25519_sk_to_seed (seed, cert->sk);
    if (crypto_sign_seed_keypair (pk, sk, seed) < 0
        || sodium_memcmp (pk, cert->pk, PK_SIZE) != 0
        || sodium_memcmp (sk, cert->sk, SK_SIZE) != 0) {
        errno = EINVAL;
        rc = -1;
    }
    sodium_memzero (seed, sizeof (seed));
    sodium_memzero (sk, sizeof (sk));
    return rc;
}

static int parse_secret_table (struct parsectx *pc,
                               struct sigcert *cert,
                               const struct toml_value *root)
{
    const struct toml_keyval *kv;
    const struct toml_value *curve;

    if (root->u.table.count != 1 || !(curve = toml_table_get (root, "curve"))
        || curve->type != TOML_TABLE)
        return parse_fail (pc, 0, 0, EINVAL,
                           "must hold only the table [curve]");
    if (curve->u.table.count != 1
        || !(kv = toml_table_item (curve, "secret-key")))
        return parse_fail (pc, curve->line, 0, EINVAL,
                           "[curve] must hold only secret-key");
    if (kv->value->type != TOML_STRING
        || decode_exact (b64_decode, kv->value->u.string.ptr,
                         kv->value->u.string.len, cert->sk, SK_SIZE)
               < 0)
        return parse_fail (pc, kv->line, 0, EINVAL,
                           "[curve] secret-key must be a string of standard"
                           " padded base64 encoding %d bytes",
                           SK_SIZE);
    cert->has_sk = true;
    if (check_key_pair (cert) < 0)
        return parse_fail (pc, 0, 0, EINVAL,
                           "the secret key does not belong to the public key"
                           " of %s.pub",
                           pc->name);
    return 0;
}

static int parse_secret (struct parsectx *pc,
                         struct sigcert *cert,
                         const char *buf,
                         size_t len)
{
    struct toml_value *root = NULL;
    int rc;

    if (parse_toml (pc, buf, len, &root) < 0)
        return -1;
    rc = parse_secret_table (pc, cert, root);
    wipe_strings (root);
    toml_destroy (root);
    return rc;
}

struct sigcert *sigcert_parse (const char *name,
                               const char *buf,
                               size_t len,
                               const char *secbuf,
                               size_t seclen,
                               struct error *err)
{
    struct parsectx pc = {
        .name = name ? name : "certificate",
        .suffix = ".pub",
        .err = err,
    };
    struct sigcert *cert;

    if ((!buf && len > 0) || (!secbuf && seclen > 0)) {
        error_set (err, "sigcert_parse: invalid argument");
        errno = EINVAL;
        return NULL;
    }
    if (!(cert = sigcert_alloc ())) {
        error_set (err, "%s: %s", pc.name, strerror (errno));
        return NULL;
    }
    if (parse_public (&pc, cert, buf ? buf : "", len) < 0)
        goto error;
    if (secbuf) {
        pc.suffix = "";
        pc.secret = true;
        if (parse_secret (&pc, cert, secbuf, seclen) < 0)
            goto error;
    }
    return cert;
error:
    sigcert_destroy (cert);
    return NULL;
}

/* Files */

char *sigcert_pub_path (const char *name, struct error *err)
{
    char *path;

    if (!name || *name == '\0') {
        error_errno (err, EINVAL, "certificate name is empty");
        return NULL;
    }
    if (strlen (name) + 5 > PATH_MAX) {
        error_errno (err, ENAMETOOLONG, "%.64s...: %s", name,
                     strerror (ENAMETOOLONG));
        return NULL;
    }
    if (!(path = malloc (strlen (name) + 5))) {
        error_errno (err, ENOMEM, "%s.pub: %s", name, strerror (ENOMEM));
        return NULL;
    }
    strcpy (path, name);
    strcat (path, ".pub");
    return path;
}

/* Read the regular file 'path' whose mode has none of the bits of
 * 'forbidden' into a new buffer (NUL-terminated, not counted).  The
 * buffer is allocated once, at the size fstat() gives, so that no copy
 * of a secret is left behind by a reallocation.  On success *stp (if not
 * NULL) is that fstat(), taken before the first byte was read.
 */
static int read_file (const char *path,
                      mode_t forbidden,
                      char **bufp,
                      size_t *lenp,
                      struct stat *stp,
                      struct error *err)
{
    struct stat st;
    char *buf = NULL;
    size_t size, len = 0;
    ssize_t n;
    int fd;

    if ((fd = open (path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK)) < 0)
        return error_errno (err, errno, "%s: %s", path, strerror (errno));
    if (fstat (fd, &st) < 0) {
        error_errno (err, errno, "%s: %s", path, strerror (errno));
        goto error;
    }
    if (!S_ISREG (st.st_mode)) {
        error_errno (err, EINVAL, "%s: not a regular file", path);
        goto error;
    }
    if (st.st_mode & forbidden) {
        error_errno (err, EPERM,
                     "%s: bad file permissions (%04o): must not be %s by"
                     " group or other",
                     path, (unsigned int)(st.st_mode & 07777),
                     forbidden == 0022 ? "writable" : "accessible");
        goto error;
    }
    if (st.st_size > SIGCERT_MAX_FILE_SIZE) {
        error_errno (err, EFBIG, "%s: file too large (more than %d bytes)",
                     path, SIGCERT_MAX_FILE_SIZE);
        goto error;
    }
    size = (size_t)st.st_size + 1; /* one more byte detects growth */
    if (!(buf = malloc (size + 1))) {
        error_errno (err, ENOMEM, "%s: %s", path, strerror (ENOMEM));
        goto error;
    }
    while (len < size) {
        if ((n = read (fd, buf + len, size - len)) == 0)
            break;
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            error_errno (err, errno, "%s: %s", path, strerror (errno));
            goto error;
        }
        len += (size_t)n;
    }
    if (len == size) {
        error_errno (err, EIO, "%s: file changed while being read", path);
        goto error;
    }
    buf[len] = '\0';
    close (fd);
    *bufp = buf;
    *lenp = len;
    if (stp)
        *stp = st;
    return 0;
error:
    if (buf) {
        sodium_memzero (buf, size + 1);
        free (buf);
    }
    close (fd);
    return -1;
}

static void free_secret_text (char *buf, size_t len)
{
    if (buf) {
        sodium_memzero (buf, len);
        free (buf);
    }
}

static struct sigcert *
load (const char *name, bool secret, struct stat *stp, struct error *err)
{
    char *pubpath;
    char *pub = NULL;
    char *sec = NULL;
    size_t publen = 0, seclen = 0;
    struct sigcert *cert = NULL;

    if (!(pubpath = sigcert_pub_path (name, err)))
        return NULL;
    if (read_file (pubpath, 0022, &pub, &publen, stp, err) < 0)
        goto out;
    if (secret && read_file (name, 0077, &sec, &seclen, NULL, err) < 0)
        goto out;
    cert = sigcert_parse (name, pub, publen, sec, seclen, err);
out:
    free_secret_text (sec, seclen);
    free (pub);
    free (pubpath);
    return cert;
}

struct sigcert *sigcert_load (const char *name, bool secret, struct error *err)
{
    return load (name, secret, NULL, err);
}

struct sigcert *
sigcert_load_stat (const char *name, struct stat *stp, struct error *err)
{
    struct stat st;
    struct sigcert *cert;

    if (!stp)
        return load (name, false, NULL, err);
    if ((cert = load (name, false, &st, err)))
        *stp = st;
    return cert;
}

/* Write all of 'text' to the new file 'path' with 'mode'.  'flags' adds
 * O_EXCL or O_TRUNC.  -1 with errno set and 'err'.
 */
static int write_file (const char *path,
                       const char *text,
                       mode_t mode,
                       int flags,
                       struct error *err)
{
    size_t len = strlen (text);
    size_t off = 0;
    ssize_t n;
    int fd;

    fd = open (path, O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC | flags, mode);
    if (fd < 0)
        return error_errno (err, errno, "%s: %s", path, strerror (errno));
    if (fchmod (fd, mode) < 0)
        goto error;
    while (off < len) {
        if ((n = write (fd, text + off, len - off)) < 0) {
            if (errno == EINTR)
                continue;
            goto error;
        }
        off += (size_t)n;
    }
    if (close (fd) < 0)
        return error_errno (err, errno, "%s: %s", path, strerror (errno));
    return 0;
error:
    error_errno (err, errno, "%s: %s", path, strerror (errno));
    close (fd);
    return -1;
}

int sigcert_store (const struct sigcert *cert,
                   const char *name,
                   struct error *err)
{
    char *pubpath = NULL;
    char *pub = NULL;
    char *sec = NULL;
    bool sec_written = false;
    int rc = -1;

    if (!cert)
        return error_errno (err, EINVAL, "sigcert_store: invalid argument");
    if (!(pubpath = sigcert_pub_path (name, err)))
        return -1;
    if (!(pub = sigcert_format_public (cert))
        || (cert->has_sk && !(sec = sigcert_format_secret (cert)))) {
        error_errno (err, errno, "%s: %s", name, strerror (errno));
        goto out;
    }
    if (sec) {
        if (write_file (name, sec, 0600, O_EXCL, err) < 0)
            goto out;
        sec_written = true;
    }
    if (write_file (pubpath, pub, 0644, O_TRUNC, err) < 0)
        goto out;
    rc = 0;
out:
    if (rc < 0 && sec_written) {
        int saved_errno = errno;
        (void)unlink (name);
        errno = saved_errno;
    }
    if (sec)
        free_secret_text (sec, strlen (sec));
    free (pub);
    free (pubpath);
    return rc;
}

/* kv form */

struct kv *sigcert_encode (const struct sigcert *cert)
{
    char sig[SIG_B64_LEN + 1];
    struct kv *kv;

    if (!cert) {
        errno = EINVAL;
        return NULL;
    }
    if (!(kv = kv_create ()))
        return NULL;
    if (kv_join (kv, cert->meta, "meta.") < 0
        || kv_put_string (kv, "curve.public-key", cert->pk_b64) < 0)
        goto error;
    if (cert->has_sig) {
        if (b64_encode_public (cert->sig, SIG_SIZE, sig, sizeof (sig)) < 0
            || kv_put_string (kv, "curve.signature", sig) < 0)
            goto error;
    }
    return kv;
error:
    kv_destroy (kv);
    return NULL;
}

/* Put the text form 'value' of 'type' into 'meta' in canonical form. */
static int meta_put_text (struct kv *meta,
                          const char *key,
                          enum kv_type type,
                          const char *value)
{
    int64_t i;
    double d;
    bool b;
    time_t t;

    switch (type) {
    case KV_STRING:
        return kv_put_string (meta, key, value);
    case KV_INT64:
        if (kv_parse_int64 (value, &i) < 0)
            return -1;
        return kv_put_int64 (meta, key, i);
    case KV_DOUBLE:
        if (kv_parse_double (value, &d) < 0)
            return -1;
        return kv_put_double (meta, key, d);
    case KV_BOOL:
        if (kv_parse_bool (value, &b) < 0)
            return -1;
        return kv_put_bool (meta, key, b);
    case KV_TIMESTAMP:
        if (kv_parse_timestamp (value, &t) < 0)
            return -1;
        return kv_put_timestamp (meta, key, t);
    default:
        errno = EINVAL;
        return -1;
    }
}

static int decode_entry (struct sigcert *cert,
                         const struct kv_entry *e,
                         bool *have_pk,
                         struct error *err)
{
    char buf[64];
    const char *k = shown (e->key, strlen (e->key), buf, sizeof (buf));

    if (strncmp (e->key, "meta.", 5) == 0) {
        if (!meta_key_valid (e->key + 5))
            return error_errno (err, EINVAL,
                                "certificate: metadata key '%s' is empty or"
                                " contains '.'",
                                k);
        if (meta_put_text (cert->meta, e->key + 5, e->type, e->value) < 0)
            return error_errno (err, errno == ENOMEM ? ENOMEM : EINVAL,
                                "certificate: '%s': invalid value", k);
        return 0;
    }
    if (strcmp (e->key, "curve.public-key") == 0) {
        if (e->type != KV_STRING
            || decode_exact (b64_decode_public, e->value, strlen (e->value),
                             cert->pk, PK_SIZE)
                   < 0
            || set_public_b64 (cert) < 0)
            return error_errno (err, EINVAL,
                                "certificate: malformed public key");
        *have_pk = true;
        return 0;
    }
    if (strcmp (e->key, "curve.signature") == 0) {
        if (e->type != KV_STRING
            || decode_exact (b64_decode_public, e->value, strlen (e->value),
                             cert->sig, SIG_SIZE)
                   < 0)
            return error_errno (err, EINVAL,
                                "certificate: malformed signature");
        cert->has_sig = true;
        return 0;
    }
    return error_errno (err, EINVAL, "certificate: unexpected key '%s'", k);
}

struct sigcert *sigcert_decode (const struct kv *kv, struct error *err)
{
    struct sigcert *cert;
    struct kv_entry e;
    size_t cursor = 0;
    bool have_pk = false;

    if (!kv) {
        error_errno (err, EINVAL, "certificate: invalid argument");
        return NULL;
    }
    if (!(cert = sigcert_alloc ())) {
        error_set (err, "certificate: %s", strerror (errno));
        return NULL;
    }
    while (kv_next (kv, &cursor, &e)) {
        if (decode_entry (cert, &e, &have_pk, err) < 0)
            goto error;
    }
    if (!have_pk) {
        error_errno (err, EINVAL, "certificate: public key is missing");
        goto error;
    }
    return cert;
error:
    sigcert_destroy (cert);
    return NULL;
}

/* Signatures */

char *
sigcert_sign_detached (const struct sigcert *cert, const void *buf, size_t len)
{
    uint8_t sig[SIG_SIZE];
    char *text = NULL;

    if (!cert || !cert->has_sk || (!buf && len > 0)) {
        errno = EINVAL;
        return NULL;
    }
    if (crypto_sign_detached (sig, NULL, buf ? buf : "", len, cert->sk) < 0) {
        errno = EIO;
        return NULL;
    }
    if (b64_encode_public_alloc (sig, SIG_SIZE, &text) < 0)
        text = NULL;
    return text;
}

int sigcert_verify_detached (const struct sigcert *cert,
                             const char *signature,
                             const void *buf,
                             size_t len)
{
    uint8_t sig[SIG_SIZE];

    if (!cert || !signature || (!buf && len > 0)
        || decode_exact (b64_decode_public, signature, strlen (signature), sig,
                         SIG_SIZE)
               < 0
        || crypto_sign_verify_detached (sig, buf ? buf : "", len, cert->pk)
               != 0) {
        errno = EINVAL;
        return -1;
    }
    return 0;
}

/* The content a CA signs: "curve.public_key" then the "meta.*" entries. */
static struct kv *signed_content (const struct sigcert *cert)
{
    struct kv *kv;

    if (!(kv = kv_create ()))
        return NULL;
    if (kv_put_string (kv, "curve.public_key", cert->pk_b64) < 0
        || kv_join (kv, cert->meta, "meta.") < 0) {
        kv_destroy (kv);
        return NULL;
    }
    return kv;
}

int sigcert_sign_cert (const struct sigcert *ca, struct sigcert *cert)
{
    struct kv *content;
    const char *buf;
    size_t len;
    uint8_t sig[SIG_SIZE];
    int rc = -1;

    if (!ca || !cert || !ca->has_sk) {
        errno = EINVAL;
        return -1;
    }
    if (!(content = signed_content (cert)))
        return -1;
    if (kv_encode (content, &buf, &len) < 0)
        goto out;
    if (crypto_sign_detached (sig, NULL, (const unsigned char *)buf, len,
                              ca->sk)
        < 0) {
        errno = EIO;
        goto out;
    }
    memcpy (cert->sig, sig, SIG_SIZE);
    cert->has_sig = true;
    rc = 0;
out:
    kv_destroy (content);
    return rc;
}

int sigcert_verify_cert (const struct sigcert *ca, const struct sigcert *cert)
{
    struct kv *content;
    const char *buf;
    size_t len;
    int rc = -1;

    if (!ca || !cert || !cert->has_sig) {
        errno = EINVAL;
        return -1;
    }
    if (!(content = signed_content (cert)))
        return -1;
    if (kv_encode (content, &buf, &len) < 0)
        goto out;
    if (crypto_sign_verify_detached (cert->sig, (const unsigned char *)buf, len,
                                     ca->pk)
        != 0) {
        errno = EINVAL;
        goto out;
    }
    rc = 0;
out:
    kv_destroy (content);
    return rc;
}
