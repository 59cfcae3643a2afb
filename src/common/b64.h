/* b64.h - base64 as the signed-message format uses it (wire.md 2.1).
 *
 * The variant is libsodium's sodium_base64_VARIANT_ORIGINAL (RFC 4648
 * section 4): alphabet A-Z a-z 0-9 + /, padding with '=' required.  The
 * decoder is strict: unpadded or URL-safe input, whitespace or any other
 * character outside the alphabet (bytes >= 0x80 included, which
 * libsodium 1.0.18 alone decodes as '/'), trailing bytes after the
 * padding, extra padding and non-zero unused bits in the last group are
 * all refused (EINVAL).  Encoding is deterministic, so encode(decode(x)) == x
 * for every accepted x.
 *
 * Two codecs with exactly this contract (same strictness, same results,
 * same errno values, output wiped on error):
 *
 *   b64_encode(), b64_decode() and their _alloc variants use libsodium's
 *   constant-time codec: their time does not depend on the data.  They
 *   are the default, and the only ones for anything secret or derived
 *   from a secret (secret keys, seeds, tokens, decoded credentials), where
 *   data-dependent timing or table lookups could leak bits of it.
 *
 *   b64_encode_public(), b64_decode_public() and their _alloc variants
 *   are a table-driven codec, 5 to 15 times faster, whose time and memory
 *   accesses depend on the data.  Use them only for data that an
 *   observer may know anyway: the header, payload and signature of a
 *   signed message (all on the wire), public keys and signatures of
 *   certificates.  fuzz/b64_public.c checks that both codecs give
 *   byte-identical results and the same accept/reject for any input.
 *
 * Lengths never include a terminating NUL unless stated.
 * Pure: no I/O, no global state.
 */
#ifndef FLUX_SECURITY_COMMON_B64_H
#define FLUX_SECURITY_COMMON_B64_H

#include <stddef.h>

/* Maximum binary input of an encode (96 MiB) and maximum text input of a
 * decode (128 MiB, the encoded length of B64_MAX_DECODED).  Larger
 * inputs fail with E2BIG.
 */
#define B64_MAX_DECODED ((size_t)96 * 1024 * 1024)
#define B64_MAX_ENCODED ((size_t)128 * 1024 * 1024)

/* Exact length of the encoding of 'binlen' bytes: 4 * ceil (binlen / 3),
 * without the NUL.  Returns 0 when binlen > B64_MAX_DECODED.
 */
size_t b64_encoded_len (size_t binlen);

/* Upper bound of the decoded length of 'textlen' characters of base64:
 * 3 * (textlen / 4) (the exact length is smaller by the number of '='
 * pad characters).  Returns 0 when textlen > B64_MAX_ENCODED.
 */
size_t b64_decoded_maxlen (size_t textlen);

/* Encode 'binlen' bytes of 'bin' (may be NULL when binlen is 0) into
 * 'text', a buffer of 'textsize' bytes that must hold
 * b64_encoded_len (binlen) + 1 bytes; the result is NUL-terminated.
 * Returns 0, or -1 with errno set and 'text' unchanged:
 *   EINVAL  NULL argument;
 *   E2BIG   binlen > B64_MAX_DECODED;
 *   ERANGE  textsize too small.
 */
int b64_encode (const void *bin, size_t binlen, char *text, size_t textsize);

/* Decode 'textlen' characters of 'text' (untrusted, need not be
 * NUL-terminated, read only within [text, text + textlen)) into 'bin', a
 * buffer of 'binsize' bytes (may be NULL when binsize is 0), and set
 * *binlenp to the decoded length.  'bin' must hold the exact decoded
 * length (b64_decoded_maxlen (textlen) is always enough).
 * Returns 0, or -1 with errno set, *binlenp untouched and all of 'bin'
 * wiped (the partial output may be secret):
 *   EINVAL  NULL argument or invalid base64 (see above);
 *   E2BIG   textlen > B64_MAX_ENCODED;
 *   ERANGE  binsize too small.
 */
int b64_decode (const char *text,
                size_t textlen,
                void *bin,
                size_t binsize,
                size_t *binlenp);

/* As b64_encode(), into a new NUL-terminated string stored in *textp,
 * which the caller frees.  Errors as b64_encode(), plus ENOMEM.
 */
int b64_encode_alloc (const void *bin, size_t binlen, char **textp);

/* As b64_decode(), into a new buffer stored in *binp, which the caller
 * wipes (if the content is secret) and frees.  The buffer holds *binlenp
 * bytes followed by a NUL that is not counted, so that text payloads can
 * be used as strings.  Errors as b64_decode() (never ERANGE), plus ENOMEM.
 */
int b64_decode_alloc (const char *text,
                      size_t textlen,
                      void **binp,
                      size_t *binlenp);

/* As the four functions above, with the table-driven codec: for public
 * data only (see the top of this file).
 */
int b64_encode_public (const void *bin,
                       size_t binlen,
                       char *text,
                       size_t textsize);
int b64_decode_public (const char *text,
                       size_t textlen,
                       void *bin,
                       size_t binsize,
                       size_t *binlenp);
int b64_encode_public_alloc (const void *bin, size_t binlen, char **textp);
int b64_decode_public_alloc (const char *text,
                             size_t textlen,
                             void **binp,
                             size_t *binlenp);

#endif /* !FLUX_SECURITY_COMMON_B64_H */
