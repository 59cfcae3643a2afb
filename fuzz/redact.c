/* fuzz/redact.c - libFuzzer harness of the redaction of text and JSON
 * lines (common/redact.c).
 *
 * Invariants: redaction never fails on input within its limit, the
 * result is NUL-terminated at its stated length, and it has exactly the
 * line structure of the input (the same number of newlines).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/redact.h"
#include "fuzz.h"

static size_t count_newlines (const char *s, size_t n)
{
    size_t count = 0;

    for (size_t i = 0; i < n; i++)
        count += s[i] == '\n';
    return count;
}

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
    char *in;
    char *out = NULL;
    size_t outlen = 0;

    if (!(in = malloc (size ? size : 1)))
        return 0;
    memcpy (in, data, size);
    CHECK (redact (in, size, NULL, &out, &outlen) == 0);
    CHECK (out[outlen] == '\0');
    CHECK (count_newlines (in, size) == count_newlines (out, outlen));
    free (out);
    free (in);
    return 0;
}
