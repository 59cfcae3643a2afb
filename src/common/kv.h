/* kv.h - the kv encoding of Flux RFC 38, as used in signed-message headers,
 * certificates and the IMP's privilege-separation messages.
 *
 * Encoding: a concatenation of entries "key NUL T value NUL", where T is a
 * one-character type hint (enum kv_type) and value is the text form of the
 * value:
 *   s  string     as given (may be empty, may not contain NUL)
 *   i  int64      decimal, "%" PRIi64
 *   d  double     "%.6f" in the C locale ("3.000000", "inf", "-inf", "nan")
 *   b  bool       "true" / "false"
 *   t  timestamp  UTC "YYYY-MM-DDTHH:MM:SSZ", 0 <= time_t <= KV_TIMESTAMP_MAX
 *
 * Keys are non-empty and unique within a kv; entries keep the order in
 * which they were last written (a put of an existing key removes the old
 * entry and appends the new one at the end).
 *
 * A struct kv owns one buffer holding exactly the encoded bytes, so that
 * kv_encode() is free.  The buffer may hold secrets (a signed request, a
 * certificate): every copy of it is wiped with sodium_memzero() before it
 * is freed.  The size of the encoding never exceeds KV_MAX_SIZE.
 *
 * Pointers returned into a kv (kv_encode, kv_get_string, kv_next) stay
 * valid until the kv is modified or destroyed.  Functions that take a
 * pointer into a kv's own buffer as input (put of a value just read from
 * the same kv, say) are safe: inputs are copied before the buffer changes.
 *
 * Not thread safe: a kv must not be modified while another thread reads it.
 */
#ifndef FLUX_SECURITY_COMMON_KV_H
#define FLUX_SECURITY_COMMON_KV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "common/error.h"

/* Maximum size of an encoding in bytes: 4 MiB, the privsep cap of the
 * original (PRIVSEP_MAX_KVLEN).  kv_decode() fails with E2BIG above it,
 * and a put that would grow a kv beyond it fails with E2BIG.
 */
#define KV_MAX_SIZE (4 * 1024 * 1024)

/* Largest timestamp: 9999-12-31T23:59:59Z (the text form has four digits
 * of year).
 */
#define KV_TIMESTAMP_MAX ((int64_t)253402300799)

enum kv_type {
    KV_UNKNOWN = 0,
    KV_STRING = 's',
    KV_INT64 = 'i',
    KV_DOUBLE = 'd',
    KV_BOOL = 'b',
    KV_TIMESTAMP = 't',
};

struct kv;

/* One entry, as returned by kv_next().  'key' and 'value' point into the
 * kv's buffer and are NUL-terminated; 'value' is the text form (parse it
 * with the kv_parse_* functions below according to 'type').
 */
struct kv_entry {
    const char *key;
    enum kv_type type;
    const char *value;
};

/* Create an empty kv.  Returns NULL with errno = ENOMEM on failure.
 * Destroy it with kv_destroy().
 */
struct kv *kv_create (void);

/* Wipe and free 'kv'.  kv_destroy (NULL) is a no-op.  Preserves errno.
 */
void kv_destroy (struct kv *kv);

/* Return a new kv with the same entries in the same order, or NULL with
 * errno set (EINVAL: kv is NULL; ENOMEM).
 */
struct kv *kv_copy (const struct kv *kv);

/* True if both kvs have byte-identical encodings (same entries, same
 * order).  False if either is NULL.
 */
bool kv_equal (const struct kv *kv1, const struct kv *kv2);

/* Decode 'len' bytes of 'buf' (untrusted) into a new kv owned by the
 * caller, stored in *kvp.  Pure: no I/O, no global state; 'buf' is only
 * read, within [buf, buf + len).  buf may be NULL when len is 0.
 * The encoding is valid when:
 *   - len is 0 (empty kv), or the last byte is NUL;
 *   - every entry has a key, a type character and a value (so the number
 *     of NULs is even);
 *   - every key is non-empty and every type character is one of s i d b t;
 *   - no key appears twice (the original never writes a duplicate; a
 *     reader that took the first and one that took the last would
 *     disagree, so duplicates are refused).
 * Values are not checked here: a typed get or kv_parse_*() checks them
 * when they are read, as the original does.
 * Returns 0 on success.  On failure returns -1 with errno set, *kvp
 * untouched and 'err' (may be NULL) describing the problem:
 *   EINVAL  NULL kvp, NULL buf with len > 0, or a malformed encoding;
 *   E2BIG   len > KV_MAX_SIZE;
 *   ENOMEM  out of memory.
 */
int kv_decode (const char *buf, size_t len, struct kv **kvp, struct error *err);

/* Set *bufp to the encoding of 'kv' (owned by kv, never NULL, not
 * NUL-terminated beyond the final entry's NUL; "" when empty) and *lenp
 * to its length.  Returns 0, or -1 with errno = EINVAL on NULL arguments.
 */
int kv_encode (const struct kv *kv, const char **bufp, size_t *lenp);

/* Number of entries in 'kv' (0 when kv is NULL).
 */
size_t kv_count (const struct kv *kv);

/* Iterate over the entries in order.  Set *cursor to 0 before the first
 * call; each call fills 'entry', advances *cursor and returns true, until
 * the end where it returns false.  Returns false with errno = EINVAL on
 * NULL arguments.  Modifying the kv invalidates the cursor.
 */
bool kv_next (const struct kv *kv, size_t *cursor, struct kv_entry *entry);

/* Put an entry, replacing any entry with the same key (the new entry goes
 * at the end).  'key' must be non-empty.  Returns 0, or -1 with errno set
 * and 'kv' unchanged:
 *   EINVAL  NULL kv/key/value, empty key, a NUL inside the value of
 *           kv_put_stringn(), an unknown type (kv_put_raw), or a
 *           timestamp outside 0..KV_TIMESTAMP_MAX (negative time_t);
 *   E2BIG   the encoding would exceed KV_MAX_SIZE;
 *   ENOMEM  out of memory.
 * kv_put_stringn() stores 'len' bytes of 'value' (refusing embedded NUL).
 * kv_put_raw() stores 'value' as the text form of an entry of 'type'
 * without checking that it parses as that type (to copy entries as they
 * are; a later typed get checks it).
 */
int kv_put_string (struct kv *kv, const char *key, const char *value);
int kv_put_stringn (struct kv *kv,
                    const char *key,
                    const char *value,
                    size_t len);
int kv_put_int64 (struct kv *kv, const char *key, int64_t value);
int kv_put_double (struct kv *kv, const char *key, double value);
int kv_put_bool (struct kv *kv, const char *key, bool value);
int kv_put_timestamp (struct kv *kv, const char *key, time_t value);
int kv_put_raw (struct kv *kv,
                const char *key,
                enum kv_type type,
                const char *value);

/* Get the value of 'key', which must have the type of the function.
 * Returns 0 and sets *valuep, or -1 with errno set and *valuep untouched:
 *   EINVAL  NULL argument, or the text form does not parse (see below);
 *   ENOENT  no such key, or the entry has another type;
 *   ERANGE  an int64 or double out of range.
 * kv_get_string() returns a pointer into the kv (see above).
 */
int kv_get_string (const struct kv *kv, const char *key, const char **valuep);
int kv_get_int64 (const struct kv *kv, const char *key, int64_t *valuep);
int kv_get_double (const struct kv *kv, const char *key, double *valuep);
int kv_get_bool (const struct kv *kv, const char *key, bool *valuep);
int kv_get_timestamp (const struct kv *kv, const char *key, time_t *valuep);

/* Remove the entry 'key'.  Returns 0, or -1 with errno = ENOENT (no such
 * key) or EINVAL (NULL argument).
 */
int kv_delete (struct kv *kv, const char *key);

/* Put every entry of 'kv2', in order, into 'kv1' with 'prefix' (may be
 * NULL or "") prepended to its key, with the semantics of a put.  All or
 * nothing: on failure kv1 is unchanged.  kv1 and kv2 may be the same kv.
 * Returns 0, or -1 with errno set (EINVAL: NULL kv; E2BIG; ENOMEM).
 */
int kv_join (struct kv *kv1, const struct kv *kv2, const char *prefix);

/* Return a new kv holding, in order, the entries of 'kv' whose key starts
 * with 'prefix' and is longer than it, with the prefix removed from the
 * key.  Returns NULL with errno set (EINVAL: NULL argument; ENOMEM).
 */
struct kv *kv_split (const struct kv *kv, const char *prefix);

/* Parse the text form of a value, as a typed get does.  Strict: the whole
 * string must be consumed.  Return 0 and set *valuep, or -1 with errno set
 * and *valuep untouched:
 * kv_parse_int64: an optional '-' then one or more decimal digits (no
 *   leading space, no '+'); EINVAL otherwise, ERANGE outside int64_t.
 * kv_parse_double: what strtod() accepts in the C locale (including inf,
 *   nan), without leading space; EINVAL otherwise, ERANGE on overflow or
 *   underflow.
 * kv_parse_bool: "false" and "" are false, anything else is true (as the
 *   original); never fails except EINVAL on NULL arguments.
 * kv_parse_timestamp: exactly "YYYY-MM-DDTHH:MM:SSZ" with a valid UTC date
 *   and time (seconds 00-59), from 1970 on; EINVAL otherwise.
 */
int kv_parse_int64 (const char *s, int64_t *valuep);
int kv_parse_double (const char *s, double *valuep);
int kv_parse_bool (const char *s, bool *valuep);
int kv_parse_timestamp (const char *s, time_t *valuep);

#endif /* !FLUX_SECURITY_COMMON_KV_H */
