/* kv.c - the kv encoding of Flux RFC 38 (see kv.h).
 *
 * A struct kv is its own encoding: one buffer of 'len' valid bytes that
 * always satisfies the decoder's rules (every key non-empty and unique,
 * known type characters, every string NUL-terminated).  Lookups scan it;
 * a put removes the old entry by moving the tail down and appends.  Every
 * byte that leaves the valid range (a tail after a delete, an old buffer
 * after a growth, the buffer at destroy) is wiped with sodium_memzero().
 */
#if HAVE_CONFIG_H
#include "config.h"
#endif
#include <errno.h>
#include <inttypes.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sodium.h>

#include "kv.h"

struct kv {
    char *buf;    /* NULL when empty and never grown */
    size_t len;   /* bytes of encoding */
    size_t alloc; /* bytes allocated */
};

#define KV_MIN_ALLOC 256

/* Large enough for "%.6f" of any double: up to 309 integer digits, sign,
 * point and 6 decimals.
 */
#define DOUBLE_TEXT_MAX 330

static bool valid_type (int c)
{
    switch (c) {
    case KV_STRING:
    case KV_INT64:
    case KV_DOUBLE:
    case KV_BOOL:
    case KV_TIMESTAMP:
        return true;
    }
    return false;
}

/* Entry layout helpers.  'off' is the offset of a key within kv->buf of a
 * valid kv; the key, type and value strings are all NUL-terminated inside
 * the buffer.
 */
static size_t entry_size (const char *buf, size_t off)
{
    size_t klen = strlen (buf + off);
    size_t vlen = strlen (buf + off + klen + 2);

    return klen + 1 + 1 + vlen + 1;
}

/* Find 'key'.  Returns true and sets *offp to the entry's offset. */
static bool find (const struct kv *kv, const char *key, size_t *offp)
{
    size_t off = 0;

    while (off < kv->len) {
        if (strcmp (kv->buf + off, key) == 0) {
            *offp = off;
            return true;
        }
        off += entry_size (kv->buf, off);
    }
    return false;
}

/* Make room for 'need' bytes in total.  The old buffer is wiped, never
 * realloc()ed (realloc may leave a copy behind).
 */
static int grow (struct kv *kv, size_t need)
{
    size_t alloc = kv->alloc ? kv->alloc : KV_MIN_ALLOC;
    char *buf;

    if (need <= kv->alloc)
        return 0;
    while (alloc < need)
        alloc *= 2;
    if (!(buf = malloc (alloc)))
        return -1;
    if (kv->buf) {
        memcpy (buf, kv->buf, kv->len);
        sodium_memzero (kv->buf, kv->alloc);
        free (kv->buf);
    }
    kv->buf = buf;
    kv->alloc = alloc;
    return 0;
}

static void remove_at (struct kv *kv, size_t off)
{
    size_t size = entry_size (kv->buf, off);

    memmove (kv->buf + off, kv->buf + off + size, kv->len - off - size);
    kv->len -= size;
    sodium_memzero (kv->buf + kv->len, size);
}

/* Build "key NUL type value NUL" in a new buffer (wiped by the caller),
 * so that 'key' and 'value' may point into kv->buf itself.
 */
static char *make_entry (const char *key,
                         size_t klen,
                         char type,
                         const char *value,
                         size_t vlen,
                         size_t *sizep)
{
    size_t size = klen + 1 + 1 + vlen + 1;
    char *e;

    if (!(e = malloc (size)))
        return NULL;
    memcpy (e, key, klen);
    e[klen] = '\0';
    e[klen + 1] = type;
    memcpy (e + klen + 2, value, vlen);
    e[size - 1] = '\0';
    *sizep = size;
    return e;
}

/* Put an entry whose key and value have been checked (no NUL inside,
 * key non-empty, known type), replacing an entry with the same key.
 * 'kv' is unchanged on failure.
 */
static int put_entry (struct kv *kv,
                      const char *key,
                      size_t klen,
                      char type,
                      const char *value,
                      size_t vlen)
{
    size_t size, off, oldsize = 0;
    bool exists;
    char *e;
    int rc = -1;

    if (klen > KV_MAX_SIZE || vlen > KV_MAX_SIZE) {
        errno = E2BIG;
        return -1;
    }
    if (!(e = make_entry (key, klen, type, value, vlen, &size)))
        return -1;
    if ((exists = find (kv, e, &off)))
        oldsize = entry_size (kv->buf, off);
    if (kv->len - oldsize + size > KV_MAX_SIZE) {
        errno = E2BIG;
        goto out;
    }
    if (grow (kv, kv->len + size) < 0)
        goto out;
    if (exists)
        remove_at (kv, off);
    memcpy (kv->buf + kv->len, e, size);
    kv->len += size;
    rc = 0;
out:
    sodium_memzero (e, size);
    free (e);
    return rc;
}

static int put_checked (struct kv *kv,
                        const char *key,
                        enum kv_type type,
                        const char *value,
                        size_t vlen)
{
    if (!kv || !key || !value || *key == '\0' || !valid_type (type)
        || memchr (value, '\0', vlen)) {
        errno = EINVAL;
        return -1;
    }
    return put_entry (kv, key, strlen (key), (char)type, value, vlen);
}

struct kv *kv_create (void)
{
    struct kv *kv;

    if (!(kv = calloc (1, sizeof (*kv))))
        return NULL;
    return kv;
}

void kv_destroy (struct kv *kv)
{
    int saved_errno = errno;

    if (kv) {
        if (kv->buf) {
            sodium_memzero (kv->buf, kv->alloc);
            free (kv->buf);
        }
        free (kv);
    }
    errno = saved_errno;
}

/* A new kv holding a copy of 'len' bytes of 'buf' (a valid encoding). */
static struct kv *kv_from_bytes (const char *buf, size_t len)
{
    struct kv *kv;

    if (!(kv = kv_create ()))
        return NULL;
    if (len > 0) {
        if (grow (kv, len) < 0) {
            kv_destroy (kv);
            return NULL;
        }
        memcpy (kv->buf, buf, len);
        kv->len = len;
    }
    return kv;
}

struct kv *kv_copy (const struct kv *kv)
{
    if (!kv) {
        errno = EINVAL;
        return NULL;
    }
    return kv_from_bytes (kv->buf, kv->len);
}

bool kv_equal (const struct kv *kv1, const struct kv *kv2)
{
    if (!kv1 || !kv2 || kv1->len != kv2->len)
        return false;
    return kv1->len == 0 || memcmp (kv1->buf, kv2->buf, kv1->len) == 0;
}

/* Decoding. */

static int cmp_keys (const void *a, const void *b)
{
    return strcmp (*(const char *const *)a, *(const char *const *)b);
}

/* Refuse a key that appears twice.  'keys' holds 'count' pointers to
 * NUL-terminated keys; sorting makes duplicates adjacent (O(n log n), so
 * a 4 MiB input of tiny entries stays cheap).
 */
static int check_unique (const char **keys, size_t count, struct error *err)
{
    qsort (keys, count, sizeof (keys[0]), cmp_keys);
    for (size_t i = 1; i < count; i++) {
        if (strcmp (keys[i - 1], keys[i]) == 0)
            return error_errno (err, EINVAL, "kv: duplicate key");
    }
    return 0;
}

/* Check the structure of a non-empty buffer whose last byte is NUL and
 * collect its keys (at most len / 4 of them: an entry is >= 4 bytes).
 */
static int check_entries (const char *buf,
                          size_t len,
                          const char **keys,
                          size_t *countp,
                          struct error *err)
{
    size_t off = 0, count = 0;

    while (off < len) {
        const char *key = buf + off;
        size_t klen = strlen (key); /* buf[len - 1] == '\0' bounds it */

        if (klen == 0)
            return error_errno (err, EINVAL, "kv: empty key at %zu", off);
        off += klen + 1;
        if (off == len)
            return error_errno (err, EINVAL, "kv: key without value at %zu",
                                (size_t)(key - buf));
        if (!valid_type ((unsigned char)buf[off]))
            return error_errno (err, EINVAL, "kv: unknown type at %zu", off);
        off += strlen (buf + off) + 1;
        keys[count++] = key;
    }
    *countp = count;
    return 0;
}

int kv_decode (const char *buf, size_t len, struct kv **kvp, struct error *err)
{
    const char **keys = NULL;
    size_t count = 0;
    struct kv *kv;
    int rc = -1;

    if (!kvp || (!buf && len > 0))
        return error_errno (err, EINVAL, "kv: invalid argument");
    if (len > KV_MAX_SIZE)
        return error_errno (err, E2BIG,
                            "kv: %zu bytes exceeds the maximum"
                            " of %d",
                            len, KV_MAX_SIZE);
    if (len > 0) {
        if (buf[len - 1] != '\0')
            return error_errno (err, EINVAL, "kv: not NUL-terminated");
        if (!(keys = calloc (len / 4 + 1, sizeof (keys[0]))))
            return error_errno (err, ENOMEM, "kv: out of memory");
        if (check_entries (buf, len, keys, &count, err) < 0
            || check_unique (keys, count, err) < 0)
            goto out;
    }
    if (!(kv = kv_from_bytes (buf, len))) {
        error_set (err, "kv: out of memory");
        goto out;
    }
    *kvp = kv;
    rc = 0;
out:
    free (keys);
    return rc;
}

int kv_encode (const struct kv *kv, const char **bufp, size_t *lenp)
{
    if (!kv || !bufp || !lenp) {
        errno = EINVAL;
        return -1;
    }
    *bufp = kv->buf ? kv->buf : "";
    *lenp = kv->len;
    return 0;
}

bool kv_next (const struct kv *kv, size_t *cursor, struct kv_entry *entry)
{
    size_t off, klen;

    if (!kv || !cursor || !entry) {
        errno = EINVAL;
        return false;
    }
    off = *cursor;
    if (off >= kv->len)
        return false;
    klen = strlen (kv->buf + off);
    if (off + klen + 1 >= kv->len) { /* a cursor not from kv_next() */
        errno = EINVAL;
        return false;
    }
    entry->key = kv->buf + off;
    entry->type = (enum kv_type)kv->buf[off + klen + 1];
    entry->value = kv->buf + off + klen + 2;
    *cursor = off + entry_size (kv->buf, off);
    return true;
}

size_t kv_count (const struct kv *kv)
{
    size_t count = 0;
    size_t off = 0;

    while (kv && off < kv->len) {
        off += entry_size (kv->buf, off);
        count++;
    }
    return count;
}

/* Puts. */

int kv_put_raw (struct kv *kv,
                const char *key,
                enum kv_type type,
                const char *value)
{
    return put_checked (kv, key, type, value, value ? strlen (value) : 0);
}

int kv_put_string (struct kv *kv, const char *key, const char *value)
{
    return kv_put_raw (kv, key, KV_STRING, value);
}

int kv_put_stringn (struct kv *kv,
                    const char *key,
                    const char *value,
                    size_t len)
{
    return put_checked (kv, key, KV_STRING, value, len);
}

int kv_put_int64 (struct kv *kv, const char *key, int64_t value)
{
    char s[32];

    snprintf (s, sizeof (s), "%" PRIi64, value);
    return kv_put_raw (kv, key, KV_INT64, s);
}

/* Run snprintf "%.6f" / strtod in the C locale so that the encoding does
 * not depend on the caller's LC_NUMERIC (a "," decimal point would break
 * the wire format).
 */
static locale_t c_numeric_locale (void)
{
    return newlocale (LC_NUMERIC_MASK, "C", (locale_t)0);
}

int kv_put_double (struct kv *kv, const char *key, double value)
{
    char s[DOUBLE_TEXT_MAX];
    locale_t c, old;
    int n;

    if (!(c = c_numeric_locale ()))
        return -1;
    old = uselocale (c);
    n = snprintf (s, sizeof (s), "%.6f", value);
    uselocale (old);
    freelocale (c);
    if (n < 0 || (size_t)n >= sizeof (s)) {
        errno = EINVAL;
        return -1;
    }
    return kv_put_raw (kv, key, KV_DOUBLE, s);
}

int kv_put_bool (struct kv *kv, const char *key, bool value)
{
    return kv_put_raw (kv, key, KV_BOOL, value ? "true" : "false");
}

/* Write 'n' as 'width' decimal digits at 's'. */
static void put_digits (char *s, int width, int64_t n)
{
    for (int i = width - 1; i >= 0; i--, n /= 10)
        s[i] = (char)('0' + n % 10);
}

/* "YYYY-MM-DDTHH:MM:SSZ" of 0 <= t <= KV_TIMESTAMP_MAX into s[21], the
 * proleptic Gregorian date by the days-to-civil algorithm of H. Hinnant
 * (eras of 400 years from 0000-03-01), as gmtime_r() and snprintf()
 * would give it, at a fraction of their cost: a signer formats two per
 * message.
 */
static void format_timestamp (int64_t t, char *s)
{
    int64_t z = t / 86400 + 719468; /* days since 0000-03-01 */
    int64_t sec = t % 86400;
    int64_t era = z / 146097;
    int64_t doe = z - era * 146097; /* 0-146096 */
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100); /* 0-365 */
    int64_t mp = (5 * doy + 2) / 153;                      /* March: 0 */
    int64_t month = mp < 10 ? mp + 3 : mp - 9;

    put_digits (s, 4, yoe + era * 400 + (month <= 2));
    s[4] = '-';
    put_digits (s + 5, 2, month);
    s[7] = '-';
    put_digits (s + 8, 2, doy - (153 * mp + 2) / 5 + 1);
    s[10] = 'T';
    put_digits (s + 11, 2, sec / 3600);
    s[13] = ':';
    put_digits (s + 14, 2, sec / 60 % 60);
    s[16] = ':';
    put_digits (s + 17, 2, sec % 60);
    s[19] = 'Z';
    s[20] = '\0';
}

int kv_put_timestamp (struct kv *kv, const char *key, time_t value)
{
    char s[21];

    if (value < 0 || (int64_t)value > KV_TIMESTAMP_MAX) {
        errno = EINVAL;
        return -1;
    }
    format_timestamp ((int64_t)value, s);
    return kv_put_raw (kv, key, KV_TIMESTAMP, s);
}

/* Gets. */

/* Find 'key' with 'type' and return its text form, or NULL with errno. */
static const char *get_value (const struct kv *kv,
                              const char *key,
                              enum kv_type type,
                              const void *valuep)
{
    size_t off, klen;

    if (!kv || !key || !valuep) {
        errno = EINVAL;
        return NULL;
    }
    if (!find (kv, key, &off)) {
        errno = ENOENT;
        return NULL;
    }
    klen = strlen (kv->buf + off);
    if (kv->buf[off + klen + 1] != (char)type) {
        errno = ENOENT;
        return NULL;
    }
    return kv->buf + off + klen + 2;
}

int kv_get_string (const struct kv *kv, const char *key, const char **valuep)
{
    const char *s;

    if (!(s = get_value (kv, key, KV_STRING, valuep)))
        return -1;
    *valuep = s;
    return 0;
}

int kv_get_int64 (const struct kv *kv, const char *key, int64_t *valuep)
{
    const char *s;

    if (!(s = get_value (kv, key, KV_INT64, valuep)))
        return -1;
    return kv_parse_int64 (s, valuep);
}

int kv_get_double (const struct kv *kv, const char *key, double *valuep)
{
    const char *s;

    if (!(s = get_value (kv, key, KV_DOUBLE, valuep)))
        return -1;
    return kv_parse_double (s, valuep);
}

int kv_get_bool (const struct kv *kv, const char *key, bool *valuep)
{
    const char *s;

    if (!(s = get_value (kv, key, KV_BOOL, valuep)))
        return -1;
    return kv_parse_bool (s, valuep);
}

int kv_get_timestamp (const struct kv *kv, const char *key, time_t *valuep)
{
    const char *s;

    if (!(s = get_value (kv, key, KV_TIMESTAMP, valuep)))
        return -1;
    return kv_parse_timestamp (s, valuep);
}

int kv_delete (struct kv *kv, const char *key)
{
    size_t off;

    if (!kv || !key) {
        errno = EINVAL;
        return -1;
    }
    if (!find (kv, key, &off)) {
        errno = ENOENT;
        return -1;
    }
    remove_at (kv, off);
    return 0;
}

/* Join and split. */

/* Put 'e' into 'kv' with 'prefix' prepended to its key. */
static int
put_prefixed (struct kv *kv, const char *prefix, const struct kv_entry *e)
{
    size_t plen = strlen (prefix);
    size_t klen = strlen (e->key);
    char *key;
    int rc;

    if (plen > KV_MAX_SIZE || klen > KV_MAX_SIZE) {
        errno = E2BIG;
        return -1;
    }
    if (!(key = malloc (plen + klen + 1)))
        return -1;
    memcpy (key, prefix, plen);
    memcpy (key + plen, e->key, klen + 1);
    rc = put_entry (kv, key, plen + klen, (char)e->type, e->value,
                    strlen (e->value));
    free (key);
    return rc;
}

/* Swap the contents of two kvs. */
static void swap (struct kv *a, struct kv *b)
{
    struct kv tmp = *a;

    *a = *b;
    *b = tmp;
}

int kv_join (struct kv *kv1, const struct kv *kv2, const char *prefix)
{
    struct kv *result;
    struct kv_entry e;
    size_t cursor = 0;

    if (!kv1 || !kv2) {
        errno = EINVAL;
        return -1;
    }
    if (!(result = kv_copy (kv1)))
        return -1;
    while (kv_next (kv2, &cursor, &e)) {
        if (put_prefixed (result, prefix ? prefix : "", &e) < 0) {
            kv_destroy (result);
            return -1;
        }
    }
    swap (kv1, result);
    kv_destroy (result);
    return 0;
}

/* Append an entry known not to be in 'kv' (no lookup: kv_split of a large
 * hostile kv stays linear).
 */
static int append (struct kv *kv, const char *entry, size_t size)
{
    if (kv->len + size > KV_MAX_SIZE) {
        errno = E2BIG;
        return -1;
    }
    if (grow (kv, kv->len + size) < 0)
        return -1;
    memcpy (kv->buf + kv->len, entry, size);
    kv->len += size;
    return 0;
}

struct kv *kv_split (const struct kv *kv, const char *prefix)
{
    struct kv *result;
    size_t plen, off = 0;

    if (!kv || !prefix) {
        errno = EINVAL;
        return NULL;
    }
    if (!(result = kv_create ()))
        return NULL;
    plen = strlen (prefix);
    while (off < kv->len) {
        const char *key = kv->buf + off;
        size_t size = entry_size (kv->buf, off);

        /* Keys are unique, so the stripped keys are too. */
        if (strncmp (key, prefix, plen) == 0 && key[plen] != '\0'
            && append (result, key + plen, size - plen) < 0) {
            kv_destroy (result);
            return NULL;
        }
        off += size;
    }
    return result;
}

/* Parsing the text forms. */

static bool is_digit (char c)
{
    return c >= '0' && c <= '9';
}

int kv_parse_int64 (const char *s, int64_t *valuep)
{
    bool negative = false;
    uint64_t limit, n = 0;

    if (!s || !valuep) {
        errno = EINVAL;
        return -1;
    }
    if (*s == '-') {
        negative = true;
        s++;
    }
    if (*s == '\0') {
        errno = EINVAL;
        return -1;
    }
    limit = negative ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
    for (; *s != '\0'; s++) {
        unsigned int digit;

        if (!is_digit (*s)) {
            errno = EINVAL;
            return -1;
        }
        digit = (unsigned int)(*s - '0');
        if (n > (limit - digit) / 10) {
            /* keep scanning: "99999999999999999999x" is EINVAL */
            while (is_digit (*s))
                s++;
            errno = *s == '\0' ? ERANGE : EINVAL;
            return -1;
        }
        n = n * 10 + digit;
    }
    if (negative)
        *valuep = n == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)n;
    else
        *valuep = (int64_t)n;
    return 0;
}

static bool is_space (char c)
{
    return c == ' ' || (c >= '\t' && c <= '\r');
}

int kv_parse_double (const char *s, double *valuep)
{
    locale_t c, old;
    char *end;
    double d;
    int saved_errno;

    if (!s || !valuep || *s == '\0' || is_space (*s)) {
        errno = EINVAL;
        return -1;
    }
    if (!(c = c_numeric_locale ()))
        return -1;
    old = uselocale (c);
    errno = 0;
    d = strtod (s, &end);
    saved_errno = errno;
    uselocale (old);
    freelocale (c);
    if (*end != '\0' || end == s) {
        errno = EINVAL;
        return -1;
    }
    if (saved_errno == ERANGE) {
        errno = ERANGE;
        return -1;
    }
    *valuep = d;
    return 0;
}

int kv_parse_bool (const char *s, bool *valuep)
{
    if (!s || !valuep) {
        errno = EINVAL;
        return -1;
    }
    *valuep = !(*s == '\0' || strcmp (s, "false") == 0);
    return 0;
}

/* Parse exactly 'width' decimal digits. */
static bool parse_digits (const char *s, int width, int *valuep)
{
    int n = 0;

    for (int i = 0; i < width; i++) {
        if (!is_digit (s[i]))
            return false;
        n = n * 10 + (s[i] - '0');
    }
    *valuep = n;
    return true;
}

static bool is_leap (int y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int days_in_month (int y, int m)
{
    static const int days[12] = {31, 28, 31, 30, 31, 30,
                                 31, 31, 30, 31, 30, 31};

    return m == 2 && is_leap (y) ? 29 : days[m - 1];
}

/* Days from 1970-01-01 to y-m-d (y >= 1970): whole years, then whole
 * months, then days.
 */
static int64_t days_since_epoch (int y, int m, int d)
{
    int64_t years = y - 1970;
    /* leap years in [1970, y): those divisible by 4, 100, 400 up to y-1,
     * minus those up to 1969 */
    int64_t leaps = ((y - 1) / 4 - (y - 1) / 100 + (y - 1) / 400)
                    - (1969 / 4 - 1969 / 100 + 1969 / 400);
    int64_t days = years * 365 + leaps;

    for (int i = 1; i < m; i++)
        days += days_in_month (y, i);
    return days + d - 1;
}

int kv_parse_timestamp (const char *s, time_t *valuep)
{
    int y, mo, d, h, mi, sec;

    if (!s || !valuep || strlen (s) != 20 || s[4] != '-' || s[7] != '-'
        || s[10] != 'T' || s[13] != ':' || s[16] != ':' || s[19] != 'Z'
        || !parse_digits (s, 4, &y) || !parse_digits (s + 5, 2, &mo)
        || !parse_digits (s + 8, 2, &d) || !parse_digits (s + 11, 2, &h)
        || !parse_digits (s + 14, 2, &mi) || !parse_digits (s + 17, 2, &sec)
        || y < 1970 || mo < 1 || mo > 12 || d < 1 || d > days_in_month (y, mo)
        || h > 23 || mi > 59 || sec > 59) {
        errno = EINVAL;
        return -1;
    }
    *valuep = (time_t)(days_since_epoch (y, mo, d) * 86400 + h * 3600 + mi * 60
                       + sec);
    return 0;
}
