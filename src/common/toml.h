/* toml.h - a complete, pure and bounded TOML 1.0 parser.
 *
 * toml_parse() takes a buffer and returns a tree; it does no I/O, uses
 * no global state and never recurses deeper than TOML_MAX_DEPTH, so it
 * is safe to run on hostile input (see fuzz/toml.c).
 *
 * Limits (checked before any work that depends on them):
 *   TOML_MAX_SIZE   bytes of input           (1 MiB)
 *   TOML_MAX_LINES  lines of input           (10000, as the original)
 *   TOML_MAX_DEPTH  nesting of tables/arrays (32, as the original)
 *
 * Every key and value carries the line and column (1-based, column in
 * bytes) where it starts, so that consumers can report errors as
 * "file:line:column".
 */
#ifndef FLUX_SECURITY_COMMON_TOML_H
#define FLUX_SECURITY_COMMON_TOML_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define TOML_MAX_SIZE (1024 * 1024)
#define TOML_MAX_LINES 10000
#define TOML_MAX_DEPTH 32

enum toml_type {
    TOML_STRING = 1,
    TOML_INTEGER,
    TOML_FLOAT,
    TOML_BOOL,
    TOML_DATETIME,       /* offset date-time: 1979-05-27T07:32:00Z */
    TOML_DATETIME_LOCAL, /* local date-time: 1979-05-27T07:32:00 */
    TOML_DATE_LOCAL,     /* local date: 1979-05-27 */
    TOML_TIME_LOCAL,     /* local time: 07:32:00 */
    TOML_ARRAY,
    TOML_TABLE,
};

/* Date and time components.  Fields that the type does not carry are
 * zero.  'nanosecond' holds the fraction (extra digits beyond 9 are
 * truncated, as TOML 1.0 permits), 'frac_digits' how many digits were
 * written (0 = no fraction).  'offset_minutes' is east of UTC and
 * meaningful only for TOML_DATETIME.  'text' is the canonical RFC 3339
 * rendering: "T" separator, "Z" for a zero offset written as z/Z,
 * seconds always present, the fraction as written.
 */
struct toml_datetime {
    int year, month, day;
    int hour, minute, second;
    int nanosecond;
    int frac_digits;
    int offset_minutes;
    char text[64];
};

struct toml_value;

struct toml_keyval {
    char *key;      /* NUL-terminated; may also contain NUL (see keylen) */
    size_t keylen;
    unsigned int line, column; /* where the key was written */
    struct toml_value *value;
};

struct toml_table {
    size_t count;
    struct toml_keyval *items; /* in document order */
};

struct toml_array {
    size_t count;
    struct toml_value **items;
};

struct toml_value {
    enum toml_type type;
    unsigned int line, column; /* where the value starts (for an array of
                                * tables or a [table], its header) */
    union {
        struct {
            char *ptr; /* NUL-terminated; may contain NUL (see len) */
            size_t len;
        } string;
        int64_t integer;
        double fp;
        bool boolean;
        struct toml_datetime datetime;
        struct toml_array array;
        struct toml_table table;
    } u;
};

struct toml_error {
    unsigned int line;   /* 0 if not tied to a position */
    unsigned int column; /* 0 if not tied to a position */
    char text[256];
};

/* Parse 'len' bytes of 'buf' (need not be NUL-terminated) as a TOML 1.0
 * document.  On success set *root to a TOML_TABLE value owned by the
 * caller (free with toml_destroy()) and return 0.  On failure return -1
 * with errno set (EINVAL: not valid TOML; E2BIG: a limit was exceeded;
 * ENOMEM) and, if 'err' is non-NULL, the position and a description.
 * *root is untouched on failure.
 */
int toml_parse (const char *buf,
                size_t len,
                struct toml_value **root,
                struct toml_error *err);

/* Free a tree returned by toml_parse().  NULL is a no-op; errno is
 * preserved.
 */
void toml_destroy (struct toml_value *v);

/* Look up 'key' (a single key, not dotted) in a TOML_TABLE value.
 * Return the value or NULL (errno = ENOENT, or EINVAL if 'table' is not
 * a table).  Keys containing NUL never match.
 */
const struct toml_value *toml_table_get (const struct toml_value *table,
                                         const char *key);

/* Same, returning the key/value item (with the key's position). */
const struct toml_keyval *toml_table_item (const struct toml_value *table,
                                           const char *key);

/* A static name for each type: "string", "integer", "float", "bool",
 * "datetime", "datetime-local", "date-local", "time-local", "array",
 * "table" (the names of the toml-test tagged JSON).
 */
const char *toml_type_name (enum toml_type type);

#endif /* !FLUX_SECURITY_COMMON_TOML_H */
