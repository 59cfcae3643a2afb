/* b64.c - strict standard base64 (see b64.h): libsodium's constant-time
 * codec for anything that may be secret, a table-driven one for public
 * data.  Both run behind the same argument and size checks, in the same
 * order, so that they fail alike (same errno, output wiped).
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
 *
 * The table-driven codec indexes tables with the data: its time and
 * cache footprint depend on the bytes, so it is only for public data
 * (fuzz/b64_public.c checks that it agrees with libsodium's on every
 * input).
 */
#if HAVE_CONFIG_H
#include "config.h"
#endif
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sodium.h>

#include "b64.h"

#define VARIANT sodium_base64_VARIANT_ORIGINAL

/* How the checked entry points below encode and decode.  'encode' gets
 * a buffer large enough for the text and its NUL; 'decode' gets
 * non-empty text whose length is a multiple of 4 and a buffer of at
 * least decoded_len() bytes, and returns -1 on invalid base64 (the
 * caller wipes the buffer).
 */
struct codec {
    void (*encode) (const void *bin, size_t binlen, char *text, size_t size);
    int (*decode) (const char *text,
                   size_t textlen,
                   unsigned char *bin,
                   size_t binsize,
                   size_t *binlenp);
};

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

/* libsodium: constant time */

static void
sodium_encode (const void *bin, size_t binlen, char *text, size_t size)
{
    sodium_bin2base64 (text, size, bin, binlen, VARIANT);
}

static int sodium_decode (const char *text,
                          size_t textlen,
                          unsigned char *bin,
                          size_t binsize,
                          size_t *binlenp)
{
    if (has_high_bytes (text, textlen)
        || sodium_base642bin (bin, binsize, text, textlen, NULL, binlenp, NULL,
                              VARIANT)
               < 0)
        return -1;
    return 0;
}

static const struct codec sodium_codec = {sodium_encode, sodium_decode};

/* Table-driven: public data only */

static const char alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/* The value of each byte in the alphabet; X (bits 6 and 7) for every
 * other byte, '=' and bytes >= 0x80 included.
 */
#define X 0xff
/* clang-format off */
static const uint8_t values[256] = {
    X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,
    X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,
    X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  62, X,  X,  X,  63,
    52, 53, 54, 55, 56, 57, 58, 59, 60, 61, X,  X,  X,  X,  X,  X,
    X,  0,  1,  2,  3,  4,  5,  6,  7,  8,  9,  10, 11, 12, 13, 14,
    15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, X,  X,  X,  X,  X,
    X,  26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40,
    41, 42, 43, 44, 45, 46, 47, 48, 49, 50, 51, X,  X,  X,  X,  X,
    X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,
    X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,
    X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,
    X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,
    X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,
    X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,
    X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,
    X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,  X,
};
/* clang-format on */
#undef X
#define INVALID 0xc0 /* any of these bits: not in the alphabet */

static void
table_encode (const void *bin, size_t binlen, char *text, size_t size)
{
    const unsigned char *b = bin;
    size_t i;
    char *t = text;

    (void)size;
    for (i = 0; binlen - i >= 3; i += 3, t += 4) {
        uint32_t v = (uint32_t)b[i] << 16 | (uint32_t)b[i + 1] << 8 | b[i + 2];
        t[0] = alphabet[v >> 18];
        t[1] = alphabet[(v >> 12) & 63];
        t[2] = alphabet[(v >> 6) & 63];
        t[3] = alphabet[v & 63];
    }
    if (binlen - i > 0) {
        uint32_t v = (uint32_t)b[i] << 16;
        if (binlen - i == 2)
            v |= (uint32_t)b[i + 1] << 8;
        t[0] = alphabet[v >> 18];
        t[1] = alphabet[(v >> 12) & 63];
        t[2] = binlen - i == 2 ? alphabet[(v >> 6) & 63] : '=';
        t[3] = '=';
        t += 4;
    }
    *t = '\0';
}

/* Decode the last group 't' (which may be padded) into 'b'; the number
 * of bytes is 3 minus the padding.  Unused bits must be zero.
 */
static unsigned int
decode_last (const unsigned char *t, unsigned char *b, size_t *lenp)
{
    unsigned int c0 = values[t[0]], c1 = values[t[1]];
    unsigned int c2, c3;

    if (t[3] != '=') {
        c2 = values[t[2]];
        c3 = values[t[3]];
        b[0] = (unsigned char)(c0 << 2 | c1 >> 4);
        b[1] = (unsigned char)(c1 << 4 | c2 >> 2);
        b[2] = (unsigned char)(c2 << 6 | c3);
        *lenp = 3;
        return c0 | c1 | c2 | c3;
    }
    if (t[2] == '=') {
        b[0] = (unsigned char)(c0 << 2 | c1 >> 4);
        *lenp = 1;
        return c0 | c1 | ((c1 & 0x0f) ? INVALID : 0);
    }
    c2 = values[t[2]];
    b[0] = (unsigned char)(c0 << 2 | c1 >> 4);
    b[1] = (unsigned char)(c1 << 4 | c2 >> 2);
    *lenp = 2;
    return c0 | c1 | c2 | ((c2 & 0x03) ? INVALID : 0);
}

/* Every group but the last is checked after the loop, not in it: an
 * invalid byte only spoils the output, which the caller then wipes.
 */
static int table_decode (const char *text,
                         size_t textlen,
                         unsigned char *bin,
                         size_t binsize,
                         size_t *binlenp)
{
    const unsigned char *t = (const unsigned char *)text;
    const unsigned char *last = t + textlen - 4;
    unsigned char *b = bin;
    unsigned int bad = 0;
    size_t n;

    (void)binsize;
    for (; t < last; t += 4, b += 3) {
        unsigned int c0 = values[t[0]], c1 = values[t[1]];
        unsigned int c2 = values[t[2]], c3 = values[t[3]];
        bad |= c0 | c1 | c2 | c3;
        b[0] = (unsigned char)(c0 << 2 | c1 >> 4);
        b[1] = (unsigned char)(c1 << 4 | c2 >> 2);
        b[2] = (unsigned char)(c2 << 6 | c3);
    }
    bad |= decode_last (t, b, &n);
    if (bad & INVALID)
        return -1;
    *binlenp = (size_t)(b - bin) + n;
    return 0;
}

static const struct codec table_codec = {table_encode, table_decode};

/* The checks and their errno values, common to both codecs */

static int encode_with (const struct codec *codec,
                        const void *bin,
                        size_t binlen,
                        char *text,
                        size_t textsize)
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
    codec->encode (bin, binlen, text, textsize);
    return 0;
}

static int decode_with (const struct codec *codec,
                        const char *text,
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
    if (textlen % 4 != 0) {
        errno = EINVAL;
        goto error;
    }
    if (binsize < decoded_len (text, textlen)) {
        /* text with a byte >= 0x80 is invalid before it is too long */
        errno = has_high_bytes (text, textlen) ? EINVAL : ERANGE;
        goto error;
    }
    if (textlen == 0) { /* libsodium's arguments must not be NULL */
        *binlenp = 0;
        return 0;
    }
    if (codec->decode (text, textlen, bin, binsize, &len) < 0) {
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

static int encode_alloc_with (const struct codec *codec,
                              const void *bin,
                              size_t binlen,
                              char **textp)
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
    if (encode_with (codec, bin, binlen, text, size) < 0) {
        free (text);
        return -1;
    }
    *textp = text;
    return 0;
}

static int decode_alloc_with (const struct codec *codec,
                              const char *text,
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
    if (decode_with (codec, text, textlen, bin, size - 1, &len) < 0) {
        free (bin); /* wiped by decode_with */
        return -1;
    }
    bin[len] = '\0';
    *binp = bin;
    *binlenp = len;
    return 0;
}

/* The entry points */

int b64_encode (const void *bin, size_t binlen, char *text, size_t textsize)
{
    return encode_with (&sodium_codec, bin, binlen, text, textsize);
}

int b64_decode (const char *text,
                size_t textlen,
                void *bin,
                size_t binsize,
                size_t *binlenp)
{
    return decode_with (&sodium_codec, text, textlen, bin, binsize, binlenp);
}

int b64_encode_alloc (const void *bin, size_t binlen, char **textp)
{
    return encode_alloc_with (&sodium_codec, bin, binlen, textp);
}

int b64_decode_alloc (const char *text,
                      size_t textlen,
                      void **binp,
                      size_t *binlenp)
{
    return decode_alloc_with (&sodium_codec, text, textlen, binp, binlenp);
}

int b64_encode_public (const void *bin,
                       size_t binlen,
                       char *text,
                       size_t textsize)
{
    return encode_with (&table_codec, bin, binlen, text, textsize);
}

int b64_decode_public (const char *text,
                       size_t textlen,
                       void *bin,
                       size_t binsize,
                       size_t *binlenp)
{
    return decode_with (&table_codec, text, textlen, bin, binsize, binlenp);
}

int b64_encode_public_alloc (const void *bin, size_t binlen, char **textp)
{
    return encode_alloc_with (&table_codec, bin, binlen, textp);
}

int b64_decode_public_alloc (const char *text,
                             size_t textlen,
                             void **binp,
                             size_t *binlenp)
{
    return decode_alloc_with (&table_codec, text, textlen, binp, binlenp);
}
