/* exec_cred.h - the credentials of `flux-imp exec`: options.Credentials
 * of the exec input (exec_input.h), validated, and their privsep keys.
 *
 * options.Credentials is an object of NAME -> string given by the
 * instance owner.  The privileged IMP writes each value to the file NAME
 * of a private per-job directory (exec_creddir.h) and gives the job
 * shell only its path, as CREDENTIALS_DIRECTORY (flux-imp(8)).
 *
 * The rules (exec_cred_parse(), and again exec_cred_decode() in the
 * parent):
 *   - a NAME is 1 to EXEC_CRED_NAME_MAX characters of [A-Za-z0-9_.-]
 *     and does not start with "." (so never "." or ".."; never "/");
 *   - a value is a JSON string without NUL (jansson refuses \u0000
 *     unless told otherwise; it is checked again here), at most
 *     EXEC_CRED_VALUE_MAX bytes; an empty string gives an empty file;
 *   - at most EXEC_CRED_COUNT_MAX entries, whose values add up to at most
 *     EXEC_CRED_TOTAL_MAX bytes (the privsep message, which also holds J,
 *     stays far below its 4 MiB cap).
 * One bad entry refuses the whole request.  Error text names an entry
 * by its NAME (quoted, escaped, truncated), never by its value.
 *
 * The privsep keys: "cred.count" (int, 1..EXEC_CRED_COUNT_MAX), then for
 * each i below it "cred.<i>.name" and "cred.<i>.value" (strings).  No
 * credentials: no key at all.
 *
 * Everything here is pure (no I/O, no globals) but
 * exec_cred_wipe_jansson(), which main() calls once.
 */
#ifndef FLUX_IMP_EXEC_CRED_H
#define FLUX_IMP_EXEC_CRED_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "common/error.h"
#include "common/kv.h"

#define EXEC_CRED_NAME_MAX 64
#define EXEC_CRED_COUNT_MAX 64
#define EXEC_CRED_VALUE_MAX (1024 * 1024)
#define EXEC_CRED_TOTAL_MAX (1024 * 1024)

struct exec_cred {
    char name[EXEC_CRED_NAME_MAX + 1];
    char *value; /* NUL-terminated, owned; wiped when the list is */
    size_t len;  /* strlen (value) */
};

struct exec_cred_list {
    size_t count;
    size_t total; /* sum of the lengths */
    struct exec_cred cred[];
};

/* True if 'name' follows the rule above. */
bool exec_cred_name_valid (const char *name);

/* Validate options.Credentials of 'options' (the "options" object of the
 * input, or NULL).  Set *listp to a new list (count 0 when Credentials
 * is absent or empty; destroy with exec_cred_list_destroy()) and return
 * 0, or return -1 with errno set, *listp untouched and 'err' holding the
 * text that follows "exec: invalid credentials: ":
 *   EINVAL  Credentials not an object, a bad NAME, a value that is not a
 *           string or holds a NUL
 *   E2BIG   too many entries, a value or the total too large
 *   ENOMEM
 */
int exec_cred_parse (const json_t *options,
                     struct exec_cred_list **listp,
                     struct error *err);

/* Put the privsep keys of 'list' into 'kv' (nothing if it is empty).
 * Return 0, or -1 with errno set (kv_put_*() errors).
 */
int exec_cred_encode (const struct exec_cred_list *list, struct kv *kv);

/* Decode the privsep keys of 'kv' (other keys are not looked at) with
 * the rules above, names unique.  No "cred.count": an empty list.  Set
 * *nkeysp to the number of credential keys (0 or 1 + 2 * count), so that
 * the caller can check that the message holds nothing more.  Return 0
 * and set *listp to a new list, or -1 with errno set, the outputs
 * untouched and 'err' filled: EINVAL a malformed count, name or value, a
 * duplicate name; ERANGE count out of range; E2BIG a value or the total
 * too large; ENOENT a missing key; ENOMEM.
 */
int exec_cred_decode (const struct kv *kv,
                      struct exec_cred_list **listp,
                      size_t *nkeysp,
                      struct error *err);

/* Delete the value keys "cred.<i>.value" of 'kv' (kv wipes what it
 * removes), once they have been written.  Never fails.
 */
void exec_cred_kv_wipe (struct kv *kv);

/* Wipe every value and free 'list'.  NULL is a no-op; errno is kept. */
void exec_cred_list_destroy (struct exec_cred_list *list);

/* Make jansson wipe every block it frees (json_set_alloc_funcs()), so
 * that the credential values it parsed leave no copy behind.  Call it
 * once, before any JSON is parsed.
 */
void exec_cred_wipe_jansson (void);

#endif /* !FLUX_IMP_EXEC_CRED_H */
