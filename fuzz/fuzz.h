/* fuzz.h - what every libFuzzer harness of fuzz/ shares: the entry point
 * libFuzzer calls, and CHECK(), which aborts (a finding) when an invariant
 * of the parser under test does not hold.
 */
#ifndef FLUX_SECURITY_FUZZ_H
#define FLUX_SECURITY_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

#define CHECK(cond)                                                            \
    do {                                                                       \
        if (!(cond))                                                           \
            abort ();                                                          \
    } while (0)

/* One check of a harness: 'size' bytes of input at 'buf'. */
typedef void (*fuzz_check_f) (const char *buf, size_t size);

/* Run each of the NULL-terminated 'checks' in turn on a copy of the input
 * in a buffer of exactly its size (so that ASan catches any read past its
 * end).  Returns 0, as LLVMFuzzerTestOneInput() does.
 */
static inline int
fuzz_checks (const uint8_t *data, size_t size, const fuzz_check_f *checks)
{
    char *buf;

    if (!(buf = malloc (size ? size : 1)))
        return 0;
    if (size > 0)
        memcpy (buf, data, size);
    for (; *checks; checks++)
        (*checks) (buf, size);
    free (buf);
    return 0;
}

#endif /* !FLUX_SECURITY_FUZZ_H */
