/* fuzz/b64.c - libFuzzer harness of the strict base64 codec.
 *
 * The input (in a buffer of exactly its size, so ASan catches overreads)
 * is used twice:
 *   - as base64 text: if it decodes, encoding the result must give the
 *     input back byte for byte (the decoder accepts only the canonical
 *     form), and the decoded length must fit the documented bound;
 *   - as binary data: encode, then decode must give it back, and the
 *     encoded length must be exactly b64_encoded_len().
 * A violated invariant aborts.
 */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/b64.h"
#include "fuzz.h"

static void check_as_text (const char *text, size_t len)
{
    void *bin;
    char *again;
    size_t binlen;

    if (b64_decode_alloc (text, len, &bin, &binlen) < 0) {
        CHECK (errno == EINVAL || errno == E2BIG || errno == ENOMEM);
        return;
    }
    CHECK (binlen <= b64_decoded_maxlen (len));
    CHECK (b64_encode_alloc (bin, binlen, &again) == 0);
    CHECK (strlen (again) == len && memcmp (again, text, len) == 0);
    free (again);
    free (bin);
}

static void check_as_binary (const char *bin, size_t len)
{
    char *text;
    void *back;
    size_t backlen;

    if (b64_encode_alloc (bin, len, &text) < 0) {
        CHECK (errno == E2BIG || errno == ENOMEM);
        return;
    }
    CHECK (strlen (text) == b64_encoded_len (len));
    CHECK (b64_decode_alloc (text, strlen (text), &back, &backlen) == 0);
    CHECK (backlen == len && memcmp (back, bin, len) == 0);
    free (back);
    free (text);
}

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
    static const fuzz_check_f checks[] = {check_as_text, check_as_binary, NULL};

    return fuzz_checks (data, size, checks);
}
