/* cf.h - the security-checked configuration loader.
 *
 * A configuration is a set of TOML files matched by a glob(3) pattern
 * (e.g. "/etc/flux/imp/conf.d/" followed by "*.toml"), read in sorted
 * order through pathsec (checked on the descriptor that is read) and
 * merged with the original's rule: shallow and top-level, a later
 * file's top-level key replaces an earlier file's whole value for that
 * key (a later [sign] replaces the whole earlier [sign]; tables are not
 * merged).  Each
 * top-level key remembers the file that set it, so that every error,
 * even one found long after loading, names the file and line.
 *
 * Path paranoia (the pathsec checks of ownership, modes, ancestors and
 * symbolic links) applies iff 'flags' contain CF_PARANOIA_FORCE, or the
 * effective uid is root and 'flags' do not contain CF_PARANOIA_DISABLE.
 * Only the flags decide: unlike the original, keys inside the files
 * (enable-path-paranoia, disable-path-paranoia) have no effect, because
 * a file must not be able to relax the checks of the files after it.
 *
 * Access is typed and strict: getters tell "absent" (ENOENT) from
 * "wrong type" (EINVAL, with text), so that no security key silently
 * takes a default, and cf_check() validates a whole table against a
 * schema.  Dotted paths ("exec.allowed-users") address nested tables;
 * a key that itself contains a dot or a NUL cannot be addressed.
 */
#ifndef FLUX_SECURITY_COMMON_CF_H
#define FLUX_SECURITY_COMMON_CF_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "toml.h"

struct cf;

/* cf_load() flags */
enum {
    CF_PARANOIA_FORCE = 1,   /* check paths even when not root */
    CF_PARANOIA_DISABLE = 2, /* do not check paths even when root */
};

/* Types of values, with the original's names (see cf_type_name()). */
enum cf_type {
    CF_ANY = 0, /* in a schema: any type */
    CF_INT64,   /* TOML integer */
    CF_DOUBLE,  /* TOML float */
    CF_BOOL,
    CF_STRING,    /* never contains a NUL byte (checked) */
    CF_TIMESTAMP, /* any of the four TOML date/time types */
    CF_TABLE,
    CF_ARRAY,
};

/* cf_schema.flags */
enum {
    CF_REQUIRED = 1, /* the key must be set */
    CF_EACH = 2,     /* CF_TABLE whose keys are free names (like [run.X]):
                      * each value must be a table checked against
                      * 'table' */
};

/* cf_check() flags, applied at every level of the schema */
enum {
    CF_STRICT = 1, /* a key not in the schema is an error */
    CF_ANYTAB = 2, /* with CF_STRICT: except if its value is a table */
};

/* One key of a table schema; arrays of them end with a NULL key. */
struct cf_schema {
    const char *key;
    enum cf_type type;
    int flags;                     /* CF_REQUIRED, CF_EACH */
    enum cf_type elem;             /* CF_ARRAY: type of every element */
    const struct cf_schema *table; /* CF_TABLE, or CF_ARRAY of CF_TABLE:
                                    * schema of the table(s); NULL means
                                    * the contents are not checked */
};

/* A value and where it was set.  Pointers are owned by the cf and valid
 * until cf_destroy().
 */
struct cf_value {
    const struct toml_value *value;
    const char *file;  /* the file that set it */
    unsigned int line; /* of its key */
    unsigned int column;
};

/* Load every file matched by 'pattern' (glob(3) with GLOB_ERR, sorted
 * by byte value).  On success set *cfp to a new configuration, which
 * the caller frees with cf_destroy(), and return 0.  On failure return
 * -1 with errno set and *cfp untouched; nothing is kept (a failure in
 * any file fails the whole load).  Errors:
 *   ENOENT  "<pattern>: No match"
 *   EIO ... "<pattern>: Read error (<dir>: <reason>)" (GLOB_ABORTED,
 *           errno is the reason's, e.g. ENOENT for a missing directory)
 *   EPERM, ELOOP, EINVAL ... from pathsec ("<file>: <rule>: <fix>")
 *   EFBIG   "<file>: file too large ..." (limit TOML_MAX_SIZE)
 *   EINVAL, E2BIG  "<file>:<line>:<column>: <TOML error>"
 *   EINVAL  invalid flags (both CF_PARANOIA_FORCE and _DISABLE)
 */
int cf_load (const char *pattern,
             int flags,
             struct cf **cfp,
             struct error *err);

/* An empty configuration, for cf_update_buffer().  NULL on ENOMEM. */
struct cf *cf_create (void);

/* Parse 'len' bytes of 'buf' as TOML (no I/O) and merge the result into
 * 'cf' as if it came from a file named 'name' (used in error text).
 * Return 0, or -1 with errno set (as toml_parse(), errors read
 * "<name>:<line>:<column>: <message>") and 'cf' unchanged.
 */
int cf_update_buffer (struct cf *cf,
                      const char *name,
                      const char *buf,
                      size_t len,
                      struct error *err);

/* Free 'cf'.  NULL is a no-op; errno is preserved. */
void cf_destroy (struct cf *cf);

/* Check the table at dotted 'path' (NULL or "" for the top level)
 * against 'schema', with 'flags' (CF_STRICT, CF_ANYTAB) at every level.
 * Unknown keys and types are checked in every file, in load order, even
 * in a table that a later file replaced (a misspelt key is never lost
 * silently); required keys are checked on the merged configuration.
 * Return 0, or -1 with errno set and the first problem in 'err':
 *   EINVAL "<file>:<line>: key '<k>' is unknown"
 *   EINVAL "<file>:<line>: '<k>' must be of type <type>"
 *   EINVAL "<file>:<line>: '<k>[<i>]' must be of type <type>"
 *   EINVAL "<file>:<line>: '<k>' must not contain a NUL character"
 *   ENOENT "<file>:<line>: '<k>' must be set" (line of the table; at
 *          the top level "<pattern>: '<k>' must be set")
 * '<k>' is always the full dotted key, with unprintable bytes escaped.
 */
int cf_check (const struct cf *cf,
              const char *path,
              const struct cf_schema *schema,
              int flags,
              struct error *err);

/* Look up dotted 'path'.  If 'type' is not CF_ANY the value must be of
 * that type.  On success fill *vp (may be NULL) and return 0.  Return -1
 * with errno ENOENT ("'<k>' is not set") if the key is absent, EINVAL
 * ("<file>:<line>: '<k>' must be of type <type>") if it, or a table on
 * the way, has the wrong type or a string contains NUL.
 */
int cf_get (const struct cf *cf,
            const char *path,
            enum cf_type type,
            struct cf_value *vp,
            struct error *err);

/* Typed shortcuts of cf_get(), same errors.  Output is set only on
 * success; a string belongs to the cf.
 */
int cf_get_string (const struct cf *cf,
                   const char *path,
                   const char **sp,
                   struct error *err);
int cf_get_int64 (const struct cf *cf,
                  const char *path,
                  int64_t *ip,
                  struct error *err);
int cf_get_bool (const struct cf *cf,
                 const char *path,
                 bool *bp,
                 struct error *err);

/* Get the array of strings at 'path' as a NULL-terminated vector of
 * strings owned by the cf; the caller frees only the vector with free().
 * Errors as cf_get(), plus EINVAL "'<k>[<i>]' must be of type string".
 */
int cf_get_strings (const struct cf *cf,
                    const char *path,
                    const char ***strvp,
                    struct error *err);

/* The merged configuration as a new jansson object (caller owns the
 * reference).  Date and time values become {"iso-8601-ts": "<text>"}
 * objects, as in the original.  NULL with errno set on failure: ENOMEM,
 * or EINVAL for a value JSON cannot hold (nan or inf).
 */
json_t *cf_to_json (const struct cf *cf, struct error *err);

/* The original's name of 'type': "int64", "double", "bool", "string",
 * "timestamp", "table", "array" ("any" for CF_ANY).
 */
const char *cf_type_name (enum cf_type type);

#endif /* !FLUX_SECURITY_COMMON_CF_H */
