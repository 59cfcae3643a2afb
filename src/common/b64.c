/* b64.c - strict standard base64 over libsodium (see b64.h).
 *
 * libsodium aborts (sodium_misuse) when the output buffer of
 * sodium_bin2base64() is too small and reports decode errors with
 * inconsistent errno values (ERANGE for missing padding), so every size
 * is checked here first and every decode failure is reported as EINVAL.
 *
 * libsodium 1.0.18 (Debian 12) also decodes every byte >= 0x80 as if it
 * were '/' where char is signed: its constant-time character mapping
 * assumes non-negative values (found by fuzz/b64.c).  Such bytes are
 * refused here before libsodium sees the text, so that the decoder stays
 * strict and the encoding canonical.
 */
#if HAVE_CONFIG_H
#include "config.h"
#endif
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sodium.h>

#include "b64.h"

#define VARIANT sodium_base64_VARIANT_ORIGINAL

size_t b64_encoded_len (size_t binlen)
{
    if (binlen > B64_MAX_DECODED)
        return 0;
    return (binlen / 3 + (binlen % 3 != 0)) * 4;
}

size_t b64_decoded_maxlen (size_t textlen)
{
    if (textlen > B64_MAX_ENCODED)
        return 0;
    return textlen / 4 * 3;
}

/* The decoded length of 'textlen' characters ending in '=' padding, if
 * the text is valid (textlen is a multiple of 4).
 */
static size_t decoded_len (const char *text, size_t textlen)
{
    size_t len = textlen / 4 * 3;

    if (textlen >= 4 && text[textlen - 1] == '=') {
        len--;
        if (text[textlen - 2] == '=')
            len--;
    }
    return len;
}

/* True if any byte of 'text' has the high bit set.  Branch-free over the
 * bytes, like libsodium's decoder (the text may be a secret key).
 */
static bool has_high_bytes (const char *text, size_t len)
{
    unsigned char acc = 0;

    for (size_t i = 0; i < len; i++)
        acc |= (unsigned char)text[i];
    return (acc & 0x80) != 0;
}

int b64_encode (const void *bin, size_t binlen, char *text, size_t textsize)
{
    if ((!bin && binlen > 0) || !text) {
        errno = EINVAL;
        return -1;
    }
    if (binlen > B64_MAX_DECODED) {
        errno = E2BIG;
        return -1;
    }
    if (textsize < b64_encoded_len (binlen) + 1) {
        errno = ERANGE;
        return -1;
    }
    sodium_bin2base64 (text, textsize, bin, binlen, VARIANT);
    return 0;
}

int b64_decode (const char *text,
                size_t textlen,
                void *bin,
                size_t binsize,
                size_t *binlenp)
{
    size_t len;

    if (!text || (!bin && binsize > 0) || !binlenp) {
        errno = EINVAL;
        goto error;
    }
    if (textlen > B64_MAX_ENCODED) {
        errno = E2BIG;
        goto error;
    }
    if (textlen % 4 != 0 || has_high_bytes (text, textlen)) {
        errno = EINVAL;
        goto error;
    }
    if (binsize < decoded_len (text, textlen)) {
        errno = ERANGE;
        goto error;
    }
    if (textlen == 0) { /* libsodium's arguments must not be NULL */
        *binlenp = 0;
        return 0;
    }
    if (sodium_base642bin (bin, binsize, text, textlen, NULL, &len, NULL,
                           VARIANT)
        < 0) {
        errno = EINVAL;
        goto error;
    }
    *binlenp = len;
    return 0;
error:
    if (bin)
        sodium_memzero (bin, binsize);
    return -1;
}

int b64_encode_alloc (const void *bin, size_t binlen, char **textp)
{
    size_t size;
    char *text;

    if (!textp) {
        errno = EINVAL;
        return -1;
    }
    if (binlen > B64_MAX_DECODED) {
        errno = E2BIG;
        return -1;
    }
    size = b64_encoded_len (binlen) + 1;
    if (!(text = malloc (size)))
        return -1;
    if (b64_encode (bin, binlen, text, size) < 0) {
        free (text);
        return -1;
    }
    *textp = text;
    return 0;
}

int b64_decode_alloc (const char *text,
                      size_t textlen,
                      void **binp,
                      size_t *binlenp)
{
    size_t size, len;
    char *bin;

    if (!text || !binp || !binlenp) {
        errno = EINVAL;
        return -1;
    }
    if (textlen > B64_MAX_ENCODED) {
        errno = E2BIG;
        return -1;
    }
    size = b64_decoded_maxlen (textlen) + 1;
    if (!(bin = malloc (size)))
        return -1;
    if (b64_decode (text, textlen, bin, size - 1, &len) < 0) {
        free (bin); /* wiped by b64_decode */
        return -1;
    }
    bin[len] = '\0';
    *binp = bin;
    *binlenp = len;
    return 0;
}
