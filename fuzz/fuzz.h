/* fuzz.h - what every libFuzzer harness of fuzz/ shares: the entry point
 * libFuzzer calls, and CHECK(), which aborts (a finding) when an invariant
 * of the parser under test does not hold.
 */
#ifndef FLUX_SECURITY_FUZZ_H
#define FLUX_SECURITY_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

#define CHECK(cond)                                                            \
    do {                                                                       \
        if (!(cond))                                                           \
            abort ();                                                          \
    } while (0)

#endif /* !FLUX_SECURITY_FUZZ_H */
