/* Unit tests of b64.c: libsodium's strictness checked case by case, then
 * known answers (RFC 4648 section 10 and the wire.md 2.3 header).  Every
 * case runs twice, against the constant-time codec (b64_encode ...) and
 * the table-driven one (b64_encode_public ...), which must behave
 * alike; the last cases compare the two directly.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "tap_cmocka.h"
#include "common/b64.h"
#include "common/kv.h"

#define LIT(s) (s), (sizeof (s) - 1)

/* The four functions of one codec: the state of every case. */
struct codec {
    int (*encode) (const void *bin, size_t binlen, char *text, size_t size);
    int (*decode) (const char *text,
                   size_t textlen,
                   void *bin,
                   size_t binsize,
                   size_t *binlenp);
    int (*encode_alloc) (const void *bin, size_t binlen, char **textp);
    int (*decode_alloc) (const char *text,
                         size_t textlen,
                         void **binp,
                         size_t *binlenp);
};

static struct codec constant_time = {
    b64_encode,
    b64_decode,
    b64_encode_alloc,
    b64_decode_alloc,
};

static struct codec public = {
    b64_encode_public,
    b64_decode_public,
    b64_encode_public_alloc,
    b64_decode_public_alloc,
};

/* The codec under test: the state of the case, set by its setup. */
static const struct codec *codec = &constant_time;

static int use_codec (void **state)
{
    codec = *state;
    return 0;
}

/* A case, once with each codec. */
#define CASE(f, which)                                                         \
    {                                                                          \
#f " (" #which ")", f, use_codec, NULL, &which                         \
    }
#define BOTH(f) CASE (f, constant_time), CASE (f, public)

static void assert_decode_fails (const char *text, size_t len, int errnum)
{
    unsigned char bin[64];
    size_t binlen = 12345;
    void *p = (void *)&p;
    void *orig = p;

    memset (bin, 0xaa, sizeof (bin));
    errno = 0;
    assert_int_equal (codec->decode (text, len, bin, sizeof (bin), &binlen),
                      -1);
    assert_int_equal (errno, errnum);
    assert_int_equal (binlen, 12345);
    /* the whole output buffer is wiped, not only the partial output */
    for (size_t i = 0; i < sizeof (bin); i++)
        assert_int_equal (bin[i], 0);

    errno = 0;
    assert_int_equal (codec->decode_alloc (text, len, &p, &binlen), -1);
    assert_int_equal (errno, errnum);
    assert_ptr_equal (p, orig);
    assert_int_equal (binlen, 12345);
}

static void
assert_decodes_to (const char *text, const void *expect, size_t expectlen)
{
    unsigned char bin[64];
    size_t binlen;
    void *p;

    assert_int_equal (
        codec->decode (text, strlen (text), bin, sizeof (bin), &binlen), 0);
    assert_int_equal (binlen, expectlen);
    assert_memory_equal (bin, expect, expectlen);

    assert_int_equal (codec->decode_alloc (text, strlen (text), &p, &binlen),
                      0);
    assert_int_equal (binlen, expectlen);
    assert_memory_equal (p, expect, expectlen);
    assert_int_equal (((char *)p)[binlen], '\0');
    free (p);
}

static void assert_encodes_to (const void *bin, size_t len, const char *expect)
{
    char text[128];
    char *p;

    assert_int_equal (b64_encoded_len (len), strlen (expect));
    assert_int_equal (codec->encode (bin, len, text, sizeof (text)), 0);
    assert_string_equal (text, expect);
    assert_int_equal (codec->encode_alloc (bin, len, &p), 0);
    assert_string_equal (p, expect);
    free (p);
}

/* Hostile input. */

static void test_unpadded (void **state)
{
    assert_decode_fails (LIT ("aGVsbG8"), EINVAL);
    assert_decode_fails (LIT ("aGVsbA"), EINVAL);
    assert_decode_fails (LIT ("aGVsbA="), EINVAL);
    assert_decode_fails (LIT ("Zg"), EINVAL);
    assert_decode_fails (LIT ("a"), EINVAL);
}

static void test_url_safe (void **state)
{
    assert_decode_fails (LIT ("aGVsbG8-"), EINVAL);
    assert_decode_fails (LIT ("aGVsbG8_"), EINVAL);
    assert_decode_fails (LIT ("-_-_"), EINVAL);
    /* the same bytes in the standard alphabet are fine */
    assert_decodes_to ("+/+/", "\xfb\xff\xbf", 3);
}

static void test_whitespace_and_garbage (void **state)
{
    assert_decode_fails (LIT ("aGVs bG8="), EINVAL);
    assert_decode_fails (LIT ("aGVs\nbG8="), EINVAL);
    assert_decode_fails (LIT ("aGVsbG8=\n"), EINVAL);
    assert_decode_fails (LIT (" aGVsbG8="), EINVAL);
    assert_decode_fails (LIT ("aGVsbG8=aGVs"), EINVAL);
    assert_decode_fails (LIT ("aGVsbG8=x"), EINVAL);
    assert_decode_fails (LIT ("aGVs\0bG8="), EINVAL);
    assert_decode_fails (LIT ("aGVsbG8\0"), EINVAL);
    assert_decode_fails (LIT ("aGVs*G8="), EINVAL);
    assert_decode_fails (LIT ("aGVs\xc3\xa9G8="), EINVAL);
}

/* Every byte value at every position of a group: only the 64 characters
 * of the alphabet decode.  libsodium 1.0.18 alone accepts every byte
 * >= 0x80 as '/' (signed char); b64_decode() must not.
 */
static bool in_alphabet (int c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z')
           || (c >= '0' && c <= '9') || c == '+' || c == '/';
}

static void test_every_byte (void **state)
{
    for (int pos = 0; pos < 4; pos++) {
        for (int c = 0; c < 256; c++) {
            char text[5] = "Zm9v";
            unsigned char bin[3];
            size_t len;
            int rc;

            text[pos] = (char)c;
            rc = codec->decode (text, 4, bin, sizeof (bin), &len);
            if (in_alphabet (c))
                assert_int_equal (rc, 0);
            else if (c != '=' || pos < 2) {
                assert_int_equal (rc, -1);
                assert_int_equal (errno, EINVAL);
            }
        }
    }
    assert_decode_fails (LIT ("\xab\x98\xc2\xc2"), EINVAL);
    assert_decode_fails (LIT ("Zm9\xff"), EINVAL);
}

static void test_bad_padding (void **state)
{
    assert_decode_fails (LIT ("aGVsbG8=="), EINVAL);
    assert_decode_fails (LIT ("aGV=bG8="), EINVAL);
    assert_decode_fails (LIT ("===="), EINVAL);
    assert_decode_fails (LIT ("a==="), EINVAL);
    assert_decode_fails (LIT ("="), EINVAL);
    assert_decode_fails (LIT ("aGVsbA=a"), EINVAL);
    /* non-zero unused bits: "aGVsbG9=" would also decode to "hello" */
    assert_decode_fails (LIT ("aGVsbG9="), EINVAL);
    assert_decode_fails (LIT ("aGVsbB=="), EINVAL);
    assert_decode_fails (LIT ("Zh=="), EINVAL);
}

static void test_oversized (void **state)
{
    unsigned char bin[4];
    size_t len;
    void *p;

    /* the size check comes before anything reads the text */
    errno = 0;
    assert_int_equal (
        codec->decode ("", B64_MAX_ENCODED + 4, bin, sizeof (bin), &len), -1);
    assert_int_equal (errno, E2BIG);
    errno = 0;
    assert_int_equal (codec->decode_alloc ("", B64_MAX_ENCODED + 4, &p, &len),
                      -1);
    assert_int_equal (errno, E2BIG);
    errno = 0;
    assert_int_equal (
        codec->encode ("", B64_MAX_DECODED + 1, (char *)bin, sizeof (bin)), -1);
    assert_int_equal (errno, E2BIG);
    errno = 0;
    assert_int_equal (
        codec->encode_alloc ("", B64_MAX_DECODED + 1, (char **)&p), -1);
    assert_int_equal (errno, E2BIG);
    assert_int_equal (b64_encoded_len (B64_MAX_DECODED + 1), 0);
    assert_int_equal (b64_decoded_maxlen (B64_MAX_ENCODED + 1), 0);
    assert_int_equal (b64_encoded_len (B64_MAX_DECODED), B64_MAX_ENCODED);
}

static void test_short_buffers (void **state)
{
    unsigned char bin[8];
    char text[16];
    size_t len = 99;

    /* "hello" needs 5 bytes: 4 is too few (and wiped), 5 is exact */
    memset (bin, 0xaa, sizeof (bin));
    errno = 0;
    assert_int_equal (codec->decode (LIT ("aGVsbG8="), bin, 4, &len), -1);
    assert_int_equal (errno, ERANGE);
    assert_int_equal (len, 99);
    assert_int_equal (bin[0], 0);
    assert_int_equal (bin[3], 0);
    assert_int_equal (bin[4], 0xaa);
    assert_int_equal (codec->decode (LIT ("aGVsbG8="), bin, 5, &len), 0);
    assert_int_equal (len, 5);
    assert_memory_equal (bin, "hello", 5);

    /* encoding needs the NUL too: 8 + 1 */
    memset (text, 'z', sizeof (text));
    errno = 0;
    assert_int_equal (codec->encode ("hello", 5, text, 8), -1);
    assert_int_equal (errno, ERANGE);
    assert_int_equal (text[0], 'z');
    assert_int_equal (codec->encode ("hello", 5, text, 9), 0);
    assert_string_equal (text, "aGVsbG8=");
}

static void test_null_args (void **state)
{
    unsigned char bin[8];
    char text[16];
    size_t len;
    void *p;
    char *s;

    errno = 0;
    assert_int_equal (codec->decode (NULL, 0, bin, sizeof (bin), &len), -1);
    assert_int_equal (errno, EINVAL);
    errno = 0;
    assert_int_equal (codec->decode (LIT ("aGVsbG8="), NULL, 8, &len), -1);
    assert_int_equal (errno, EINVAL);
    errno = 0;
    assert_int_equal (codec->decode (LIT ("aGVsbG8="), bin, sizeof (bin), NULL),
                      -1);
    assert_int_equal (errno, EINVAL);
    errno = 0;
    assert_int_equal (codec->decode_alloc (NULL, 0, &p, &len), -1);
    assert_int_equal (errno, EINVAL);
    errno = 0;
    assert_int_equal (codec->decode_alloc (LIT ("aGVsbG8="), NULL, &len), -1);
    assert_int_equal (errno, EINVAL);
    errno = 0;
    assert_int_equal (codec->encode (NULL, 3, text, sizeof (text)), -1);
    assert_int_equal (errno, EINVAL);
    errno = 0;
    assert_int_equal (codec->encode ("abc", 3, NULL, 0), -1);
    assert_int_equal (errno, EINVAL);
    errno = 0;
    assert_int_equal (codec->encode_alloc ("abc", 3, NULL), -1);
    assert_int_equal (errno, EINVAL);

    /* empty input with NULL data is fine */
    assert_int_equal (codec->encode (NULL, 0, text, sizeof (text)), 0);
    assert_string_equal (text, "");
    assert_int_equal (codec->encode_alloc (NULL, 0, &s), 0);
    assert_string_equal (s, "");
    free (s);
    assert_int_equal (codec->decode ("", 0, NULL, 0, &len), 0);
    assert_int_equal (len, 0);
}

/* Known answers. */

static void test_rfc4648_vectors (void **state)
{
    static const struct {
        const char *bin;
        const char *text;
    } v[] = {
        {"", ""},
        {"f", "Zg=="},
        {"fo", "Zm8="},
        {"foo", "Zm9v"},
        {"foob", "Zm9vYg=="},
        {"fooba", "Zm9vYmE="},
        {"foobar", "Zm9vYmFy"},
        {"hello", "aGVsbG8="},
    };

    for (size_t i = 0; i < sizeof (v) / sizeof (v[0]); i++) {
        assert_encodes_to (v[i].bin, strlen (v[i].bin), v[i].text);
        assert_decodes_to (v[i].text, v[i].bin, strlen (v[i].bin));
    }
}

static void test_binary_roundtrip (void **state)
{
    unsigned char bin[256], out[256];
    char text[400];
    size_t len;

    for (size_t i = 0; i < sizeof (bin); i++)
        bin[i] = (unsigned char)(255 - i);
    for (size_t n = 0; n <= sizeof (bin); n++) {
        assert_int_equal (codec->encode (bin, n, text, sizeof (text)), 0);
        assert_int_equal (strlen (text), b64_encoded_len (n));
        assert_true (b64_decoded_maxlen (strlen (text)) >= n);
        assert_true (b64_decoded_maxlen (strlen (text)) < n + 3);
        assert_int_equal (codec->decode (text, strlen (text), out, n, &len), 0);
        assert_int_equal (len, n);
        assert_memory_equal (out, bin, n);
    }
}

/* wire.md 2.3: the header of a "none" message for uid 1000. */
static void test_none_header (void **state)
{
    static const char header[] = "version\0i1\0mechanism\0snone\0"
                                 "userid\0i1000\0";
    static const char text[] =
        "dmVyc2lvbgBpMQBtZWNoYW5pc20Ac25vbmUAdXNlcmlkAGkxMDAwAA==";
    struct kv *kv = kv_create ();
    struct kv *decoded = NULL;
    const char *enc, *mech;
    size_t len;
    int64_t i;
    void *bin;

    assert_int_equal (kv_put_int64 (kv, "version", 1), 0);
    assert_int_equal (kv_put_string (kv, "mechanism", "none"), 0);
    assert_int_equal (kv_put_int64 (kv, "userid", 1000), 0);
    assert_int_equal (kv_encode (kv, &enc, &len), 0);
    assert_int_equal (len, sizeof (header) - 1);
    assert_memory_equal (enc, header, len);
    assert_encodes_to (enc, len, text);

    assert_int_equal (codec->decode_alloc (LIT (text), &bin, &len), 0);
    assert_int_equal (kv_decode (bin, len, &decoded, NULL), 0);
    assert_true (kv_equal (kv, decoded));
    assert_int_equal (kv_get_int64 (decoded, "userid", &i), 0);
    assert_int_equal (i, 1000);
    assert_int_equal (kv_get_string (decoded, "mechanism", &mech), 0);
    assert_string_equal (mech, "none");
    free (bin);
    kv_destroy (kv);
    kv_destroy (decoded);
}

/* The codecs compared directly. */

/* Decode with both into buffers of 'binsize' bytes: same result, errno,
 * length and buffer contents (wiped alike on failure).
 */
static void assert_same_decode (const char *text, size_t len, size_t binsize)
{
    unsigned char a[512], b[512];
    size_t alen = 777, blen = 777;
    int arc, brc, aerr, berr;

    assert_true (binsize <= sizeof (a));
    memset (a, 0xaa, sizeof (a));
    memset (b, 0xaa, sizeof (b));
    errno = 0;
    arc = b64_decode (text, len, a, binsize, &alen);
    aerr = errno;
    errno = 0;
    brc = b64_decode_public (text, len, b, binsize, &blen);
    berr = errno;
    assert_int_equal (arc, brc);
    if (arc < 0)
        assert_int_equal (aerr, berr);
    assert_int_equal (alen, blen);
    assert_memory_equal (a, b, sizeof (a));
}

/* Characters that matter to a decoder: the alphabet's edges, '=',
 * the URL-safe pair, NUL, space and bytes >= 0x80.
 */
static const char probe[] = "AQgw/+0Iz=-_\0 \x80\xff";

/* Every group of 4 probe characters, as the only group and as the first
 * of two (the table-driven decoder treats the last group apart), with
 * an exact, a large and a too small buffer.
 */
static void test_codecs_agree_groups (void **state)
{
    static const char *const last[] = {"", "Zm9v", "Zg==", "Zm8="};
    char text[9];

    for (unsigned int n = 0; n < 16 * 16 * 16 * 16; n++) {
        for (int i = 0; i < 4; i++)
            text[i] = probe[(n >> (4 * i)) & 15];
        for (size_t k = 0; k < sizeof (last) / sizeof (last[0]); k++) {
            size_t len = 4 + strlen (last[k]);
            memcpy (text + 4, last[k], strlen (last[k]));
            assert_same_decode (text, len, sizeof (text));
            assert_same_decode (text, len, len / 4 * 3);
            assert_same_decode (text, len, len / 4 * 3 - 2);
        }
    }
}

/* Deterministic pseudo-random bytes (xorshift32). */
static uint32_t next_random (uint32_t *x)
{
    *x ^= *x << 13;
    *x ^= *x >> 17;
    *x ^= *x << 5;
    return *x;
}

/* Random data of every length up to 300: the same text from both
 * encoders; then every character of it replaced by a random byte
 * decodes alike.
 */
static void test_codecs_agree_random (void **state)
{
    unsigned char bin[300];
    char a[401], b[401];
    uint32_t x = 2463534242u;

    for (size_t n = 0; n <= sizeof (bin); n++) {
        size_t len;

        for (size_t i = 0; i < n; i++)
            bin[i] = (unsigned char)next_random (&x);
        assert_int_equal (b64_encode (bin, n, a, sizeof (a)), 0);
        assert_int_equal (b64_encode_public (bin, n, b, sizeof (b)), 0);
        assert_string_equal (a, b);
        len = strlen (a);
        for (size_t i = 0; i < len; i++) {
            char saved = b[i];
            b[i] = (char)next_random (&x);
            assert_same_decode (b, len, len / 4 * 3);
            b[i] = saved;
        }
    }
}

int main (void)
{
    const struct CMUnitTest tests[] = {
        BOTH (test_unpadded),
        BOTH (test_url_safe),
        BOTH (test_whitespace_and_garbage),
        BOTH (test_every_byte),
        BOTH (test_bad_padding),
        BOTH (test_oversized),
        BOTH (test_short_buffers),
        BOTH (test_null_args),
        BOTH (test_rfc4648_vectors),
        BOTH (test_binary_roundtrip),
        BOTH (test_none_header),
        cmocka_unit_test (test_codecs_agree_groups),
        cmocka_unit_test (test_codecs_agree_random),
    };
    return TAP_RUN (tests);
}
