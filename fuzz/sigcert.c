/* fuzz/sigcert.c - libFuzzer harness of the certificate parsers
 * (sigcert_parse for .pub and secret key files, sigcert_decode for the kv
 * form).
 *
 * Input: the text of a .pub file, optionally followed by a NUL and the
 * text of a secret key file.  Each part is copied into a buffer of
 * exactly its size, so that ASan catches any read past it.  For inputs
 * that parse:
 *   - format then parse again must give an equal certificate (and the
 *     same text when formatted again), with and without the secret key;
 *   - encode then decode (the kv form) must give an equal certificate;
 *   - a certificate with a secret key must sign, and verify what it signed.
 * The input is also decoded as a kv and, if that succeeds, as the kv form
 * of a certificate, which must survive an encode/decode round trip.
 * A violated invariant aborts.
 */
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/sigcert.h"
#include "fuzz.h"

static char *copy (const uint8_t *data, size_t size)
{
    char *buf = malloc (size ? size : 1);

    CHECK (buf);
    if (size > 0)
        memcpy (buf, data, size);
    return buf;
}

static void check_kv_roundtrip (const struct sigcert *cert)
{
    struct kv *kv;
    struct sigcert *again;

    CHECK ((kv = sigcert_encode (cert)));
    CHECK ((again = sigcert_decode (kv, NULL)));
    CHECK (sigcert_equal (cert, again));
    sigcert_destroy (again);
    kv_destroy (kv);
}

static void check_file_roundtrip (const struct sigcert *cert)
{
    char *pub, *sec = NULL, *pub2;
    struct sigcert *again;

    CHECK ((pub = sigcert_format_public (cert)));
    if (sigcert_has_secret (cert))
        CHECK ((sec = sigcert_format_secret (cert)));
    again = sigcert_parse ("fuzz", pub, strlen (pub), sec,
                           sec ? strlen (sec) : 0, NULL);
    CHECK (again);
    CHECK (sigcert_equal (cert, again));
    CHECK (sigcert_has_secret (again) == sigcert_has_secret (cert));
    CHECK ((pub2 = sigcert_format_public (again)));
    CHECK (strcmp (pub, pub2) == 0);
    if (sigcert_has_secret (cert)) {
        char *sig = sigcert_sign_detached (cert, pub, strlen (pub));
        CHECK (sig);
        CHECK (sigcert_verify_detached (again, sig, pub, strlen (pub)) == 0);
        free (sig);
        free (sec);
    }
    free (pub2);
    free (pub);
    sigcert_destroy (again);
}

static void check_files (const uint8_t *data, size_t size)
{
    const uint8_t *nul = memchr (data, '\0', size);
    size_t publen = nul ? (size_t)(nul - data) : size;
    char *pub = copy (data, publen);
    char *sec = nul ? copy (nul + 1, size - publen - 1) : NULL;
    struct sigcert *cert;

    cert = sigcert_parse ("fuzz", pub, publen, sec, nul ? size - publen - 1 : 0,
                          NULL);
    if (cert) {
        CHECK (!sec || sigcert_has_secret (cert));
        check_file_roundtrip (cert);
        check_kv_roundtrip (cert);
        sigcert_destroy (cert);
    }
    else
        CHECK (errno == EINVAL || errno == E2BIG || errno == EFBIG
               || errno == ENOMEM);
    free (sec);
    free (pub);
}

static void check_kv (const uint8_t *data, size_t size)
{
    char *buf = copy (data, size);
    struct kv *kv = NULL;
    struct sigcert *cert;

    if (kv_decode (buf, size, &kv, NULL) == 0) {
        if ((cert = sigcert_decode (kv, NULL))) {
            CHECK (!sigcert_has_secret (cert));
            check_kv_roundtrip (cert);
            sigcert_destroy (cert);
        }
        else
            CHECK (errno == EINVAL || errno == ENOMEM);
        kv_destroy (kv);
    }
    free (buf);
}

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
    check_files (data, size);
    check_kv (data, size);
    return 0;
}
