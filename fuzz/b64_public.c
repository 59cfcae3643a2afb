/* fuzz/b64_public.c - differential libFuzzer harness of the table-driven
 * base64 codec (b64_*_public) against the constant-time one over
 * libsodium (b64_encode ...): for any input they must agree exactly.
 *
 * The input (in a buffer of exactly its size, so ASan catches overreads)
 * is used twice:
 *   - as base64 text: both decoders, into buffers of the maximal size,
 *     of sizes around the exact one and of none, give the same return
 *     value, errno, decoded length and buffer contents (wiped alike on
 *     failure); the _alloc variants too;
 *   - as binary data: both encoders give the same text, and fail alike
 *     when the buffer is one byte short.
 * A difference aborts.
 */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/b64.h"
#include "fuzz.h"

/* Decode 'text' with both codecs into 'binsize' bytes of a and b. */
static void
compare_decode (const char *text, size_t len, size_t binsize, void *a, void *b)
{
    size_t alen = 12345, blen = 12345;
    int arc, brc, aerr, berr;

    memset (a, 0xaa, binsize);
    memset (b, 0xaa, binsize);
    errno = 0;
    arc = b64_decode (text, len, binsize ? a : NULL, binsize, &alen);
    aerr = errno;
    errno = 0;
    brc = b64_decode_public (text, len, binsize ? b : NULL, binsize, &blen);
    berr = errno;
    CHECK (arc == brc && alen == blen);
    CHECK (arc == 0 || aerr == berr);
    CHECK (memcmp (a, b, binsize) == 0);
}

static void compare_decode_alloc (const char *text, size_t len)
{
    void *a = NULL, *b = NULL;
    size_t alen = 12345, blen = 12345;
    int arc, brc, aerr, berr;

    errno = 0;
    arc = b64_decode_alloc (text, len, &a, &alen);
    aerr = errno;
    errno = 0;
    brc = b64_decode_public_alloc (text, len, &b, &blen);
    berr = errno;
    CHECK (arc == brc && alen == blen);
    if (arc < 0)
        CHECK (aerr == berr && !a && !b);
    else
        CHECK (memcmp (a, b, alen + 1) == 0);
    free (a);
    free (b);
}

static void check_as_text (const char *text, size_t len)
{
    size_t max = b64_decoded_maxlen (len);
    void *a, *b;

    if (!(a = malloc (max + 1)) || !(b = malloc (max + 1))) {
        free (a);
        return;
    }
    compare_decode (text, len, max, a, b);
    for (size_t less = 1; less <= 3 && less <= max; less++)
        compare_decode (text, len, max - less, a, b);
    compare_decode (text, len, 0, a, b);
    compare_decode_alloc (text, len);
    free (a);
    free (b);
}

static void check_as_binary (const char *bin, size_t len)
{
    size_t size = b64_encoded_len (len) + 1;
    char *a = NULL, *b = NULL;

    if (!(a = malloc (size)) || !(b = malloc (size)))
        goto out;
    CHECK (b64_encode (bin, len, a, size) == 0);
    CHECK (b64_encode_public (bin, len, b, size) == 0);
    CHECK (memcmp (a, b, size) == 0);
    memset (b, 'z', size);
    errno = 0;
    CHECK (b64_encode_public (bin, len, b, size - 1) == -1 && errno == ERANGE);
    CHECK (b[0] == 'z');
    free (b);
    b = NULL;
    CHECK (b64_encode_public_alloc (bin, len, &b) == 0);
    CHECK (strcmp (a, b) == 0);
out:
    free (a);
    free (b);
}

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
    static const fuzz_check_f checks[] = {check_as_text, check_as_binary, NULL};

    return fuzz_checks (data, size, checks);
}
