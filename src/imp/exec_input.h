/* exec_input.h - the JSON input of `flux-imp exec` (imp.md 4.3).
 *
 * The input is one JSON object
 *     {"J": <string>, "options"?: <object>}
 * read from stdin or from the stdout of FLUX_IMP_EXEC_HELPER.  J is the
 * signed jobspec (sign.h); options holds the device containment policy
 * (imp.md 4.5) and the credentials (exec_cred.h: exec_cred_parse()).  This parser only checks that options is an object and
 * keeps it: exec_device_parse() (exec_device.h) parses the policy from
 * it, so that the input is parsed once and the policy errors have one
 * source.  Other keys are ignored, as in the original.
 *
 * The parser is pure: no I/O, no globals, a size cap on entry.
 */
#ifndef FLUX_IMP_EXEC_INPUT_H
#define FLUX_IMP_EXEC_INPUT_H

#include <jansson.h>
#include <stddef.h>

#include "common/error.h"

/* The largest input accepted, in bytes (16 MiB).  A signed jobspec is
 * a few KiB; flux-core's own limit on a jobspec is far below this.
 */
#define EXEC_INPUT_MAX (16 * 1024 * 1024)

struct exec_input {
    char *J;         /* NUL-terminated, no embedded NUL */
    json_t *options; /* the "options" object, or NULL if absent; owned:
                      * a reference of its own, released by
                      * exec_input_destroy(), so it outlives the rest of
                      * the parsed input.  Not checked beyond its type. */
};

/* Parse 'len' bytes of 'buf' (need not be NUL-terminated).  On success
 * set *inp to a new exec_input (free with exec_input_destroy()) and
 * return 0.  On failure return -1 with errno set, *inp untouched and
 * 'err' holding the text that follows "exec: invalid json input: ":
 *   E2BIG   len > EXEC_INPUT_MAX ("input exceeds 16777216 bytes")
 *   EINVAL  not JSON, not an object, J missing or not a string, J with
 *           an embedded NUL or empty, options not an object (jansson's
 *           text, e.g. "Object item not found: J")
 *   ENOMEM  out of memory
 */
int exec_input_parse (const char *buf,
                      size_t len,
                      struct exec_input **inp,
                      struct error *err);

/* Wipe and free 'in'.  NULL is a no-op; errno is preserved. */
void exec_input_destroy (struct exec_input *in);

#endif /* !FLUX_IMP_EXEC_INPUT_H */
