/* floor-bench - the floors that sign-bench's figures are compared with:
 * what the primitives under libflux-security cost on their own.
 *
 * Usage: floor-bench [--socket PATH] [--time SECONDS] [--runs N] [WHAT...]
 *
 * WHAT is among base64 ed25519 munge wire-ed25519 wire-munge (default:
 * all five).  For each
 * one and each payload size (1 KiB and 64 KiB, the payloads of
 * sign-bench, same bytes), it measures two operations and prints:
 *     base64 <size> encode/s=<n> decode/s=<n>
 *         sodium_bin2base64 / sodium_base642bin, ORIGINAL variant (the
 *         one the library uses), into buffers allocated once
 *     ed25519 <size> sign/s=<n> verify/s=<n>
 *         crypto_sign_detached / crypto_sign_verify_detached of the
 *         payload bytes with a key made once
 *     munge <size> encode/s=<n> decode/s=<n>
 *         munge_encode / munge_decode of the payload against the munged
 *         of --socket (else libmunge's default socket); the decode loop
 *         decodes one credential again and again, as sign-bench's unwrap
 *         loop does, so munged reports replays (accepted, as the library
 *         accepts them)
 *     wire-ed25519 <size> sign/s=<n> verify/s=<n>
 *         what the wire format adds to the crypto, with no header: base64
 *         encode the payload and sign that text / verify the text and
 *         decode it (a signed message signs the base64 text)
 *     wire-munge <size> encode/s=<n> decode/s=<n>
 *         likewise: base64 encode, SHA-256 of the text, munge_encode of
 *         the 33-byte digest / munge_decode, base64 decode, SHA-256
 *     <what> <size> skipped: <reason>
 * Each figure is the median of N runs (default 1) of SECONDS each
 * (default 1).
 *
 * Exit status: 0, 1 if libsodium cannot be initialized, 2 on a usage
 * error.
 */
#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <munge.h>
#include <sodium.h>

#include "bench.h"

#define MAX_RUNS 99

#define VARIANT sodium_base64_VARIANT_ORIGINAL

static const char *default_what[] = {
    "base64", "ed25519", "munge", "wire-ed25519", "wire-munge", NULL,
};
static const int sizes[] = {1024, 64 * 1024};

static double seconds = 1.0;
static int runs = 1;
static const char *socket_path;

/* The state of one measurement: an operation and its arguments. */
struct op {
    int (*fn) (struct op *op); /* 0 on success */
    const unsigned char *payload;
    size_t size;
    char *text; /* base64 of payload */
    size_t textsize;
    unsigned char *bin; /* decode buffer */
    unsigned char pk[crypto_sign_PUBLICKEYBYTES];
    unsigned char sk[crypto_sign_SECRETKEYBYTES];
    unsigned char sig[crypto_sign_BYTES];
    munge_ctx_t mctx;
    char *cred;
    char *digest_cred; /* munge credential of the digest of text */
    const char *error;
};

/* Operations per second of 'op': the median of 'runs' loops of
 * 'seconds' each; -1 if an operation fails.
 */
static double measure (struct op *op)
{
    double rates[MAX_RUNS] = {0};

    for (int r = 0; r < runs; r++) {
        double start = bench_now (), elapsed;
        long n = 0;
        do {
            if (op->fn (op) < 0)
                return -1;
            n++;
        } while ((elapsed = bench_now () - start) < seconds);
        rates[r] = (double)n / elapsed;
    }
    return bench_median (rates, runs);
}

static int b64_encode_op (struct op *op)
{
    sodium_bin2base64 (op->text, op->textsize, op->payload, op->size, VARIANT);
    return 0;
}

static int b64_decode_op (struct op *op)
{
    size_t len;

    if (sodium_base642bin (op->bin, op->size, op->text, op->textsize - 1, NULL,
                           &len, NULL, VARIANT)
            < 0
        || len != op->size) {
        op->error = "sodium_base642bin failed";
        return -1;
    }
    return 0;
}

static int sign_op (struct op *op)
{
    if (crypto_sign_detached (op->sig, NULL, op->payload, op->size, op->sk)
        < 0) {
        op->error = "crypto_sign_detached failed";
        return -1;
    }
    return 0;
}

static int verify_op (struct op *op)
{
    if (crypto_sign_verify_detached (op->sig, op->payload, op->size, op->pk)
        < 0) {
        op->error = "crypto_sign_verify_detached failed";
        return -1;
    }
    return 0;
}

static int munge_encode_op (struct op *op)
{
    char *cred = NULL;
    munge_err_t e = munge_encode (&cred, op->mctx, op->payload, (int)op->size);

    if (e != EMUNGE_SUCCESS) {
        op->error = munge_ctx_strerror (op->mctx);
        free (cred);
        return -1;
    }
    free (op->cred);
    op->cred = cred;
    return 0;
}

static int munge_decode_op (struct op *op)
{
    void *buf = NULL;
    int len = 0;
    uid_t uid;
    gid_t gid;
    munge_err_t e = munge_decode (op->cred, op->mctx, &buf, &len, &uid, &gid);
    /* One credential decoded again and again: munged reports a replay
     * but decodes it, as for the library (which accepts replays).
     */
    bool decoded = e == EMUNGE_SUCCESS || e == EMUNGE_CRED_REPLAYED;
    bool ok = decoded && (size_t)len == op->size;

    if (!ok)
        op->error = !decoded ? munge_ctx_strerror (op->mctx) : "bad length";
    free (buf);
    return ok ? 0 : -1;
}

/* The digest the munge mechanism signs: 0x01 || SHA-256 (text). */
static void digest (struct op *op,
                    unsigned char d[1 + crypto_hash_sha256_BYTES])
{
    d[0] = 0x01;
    crypto_hash_sha256 (d + 1, (const unsigned char *)op->text,
                        op->textsize - 1);
}

static int wire_sign_op (struct op *op)
{
    b64_encode_op (op);
    if (crypto_sign_detached (op->sig, NULL, (unsigned char *)op->text,
                              op->textsize - 1, op->sk)
        < 0) {
        op->error = "crypto_sign_detached failed";
        return -1;
    }
    return 0;
}

static int wire_verify_op (struct op *op)
{
    if (crypto_sign_verify_detached (op->sig, (unsigned char *)op->text,
                                     op->textsize - 1, op->pk)
        < 0) {
        op->error = "crypto_sign_verify_detached failed";
        return -1;
    }
    return b64_decode_op (op);
}

static int wire_munge_encode_op (struct op *op)
{
    unsigned char d[1 + crypto_hash_sha256_BYTES];
    char *cred = NULL;
    munge_err_t e;

    b64_encode_op (op);
    digest (op, d);
    if ((e = munge_encode (&cred, op->mctx, d, sizeof (d))) != EMUNGE_SUCCESS) {
        op->error = munge_ctx_strerror (op->mctx);
        free (cred);
        return -1;
    }
    free (op->digest_cred);
    op->digest_cred = cred;
    return 0;
}

static int wire_munge_decode_op (struct op *op)
{
    unsigned char d[1 + crypto_hash_sha256_BYTES];
    void *buf = NULL;
    int len = 0;
    uid_t uid;
    gid_t gid;
    munge_err_t e;
    bool ok;

    e = munge_decode (op->digest_cred, op->mctx, &buf, &len, &uid, &gid);
    if (e != EMUNGE_SUCCESS && e != EMUNGE_CRED_REPLAYED) {
        op->error = munge_ctx_strerror (op->mctx);
        free (buf);
        return -1;
    }
    if (b64_decode_op (op) < 0) {
        free (buf);
        return -1;
    }
    digest (op, d);
    ok = len == (int)sizeof (d) && sodium_memcmp (buf, d, sizeof (d)) == 0;
    free (buf);
    if (!ok) {
        op->error = "digest mismatch";
        return -1;
    }
    return 0;
}

static void report (const char *what,
                    struct op *op,
                    const char *name1,
                    int (*fn1) (struct op *),
                    const char *name2,
                    int (*fn2) (struct op *))
{
    double r1, r2 = -1;

    op->fn = fn1;
    if ((r1 = measure (op)) >= 0) {
        op->fn = fn2;
        r2 = measure (op);
    }
    if (r1 < 0 || r2 < 0)
        printf ("%s %zu skipped: %s\n", what, op->size,
                op->error ? op->error : "failed");
    else
        printf ("%s %zu %s/s=%.0f %s/s=%.0f\n", what, op->size, name1, r1,
                name2, r2);
    fflush (stdout);
}

static void bench_one (const char *what, const unsigned char *payload, int size)
{
    struct op op = {.payload = payload, .size = (size_t)size};

    op.textsize = sodium_base64_ENCODED_LEN ((size_t)size, VARIANT);
    if (!(op.text = malloc (op.textsize)) || !(op.bin = malloc (op.size))) {
        printf ("%s %d skipped: out of memory\n", what, size);
        goto out;
    }
    sodium_bin2base64 (op.text, op.textsize, payload, op.size, VARIANT);
    if (!strcmp (what, "base64"))
        report (what, &op, "encode", b64_encode_op, "decode", b64_decode_op);
    else if (!strcmp (what, "ed25519")) {
        crypto_sign_keypair (op.pk, op.sk);
        report (what, &op, "sign", sign_op, "verify", verify_op);
    }
    else if (!strcmp (what, "wire-ed25519")) {
        crypto_sign_keypair (op.pk, op.sk);
        report (what, &op, "sign", wire_sign_op, "verify", wire_verify_op);
    }
    else if (!strcmp (what, "munge") || !strcmp (what, "wire-munge")) {
        if (!(op.mctx = munge_ctx_create ())) {
            printf ("%s %d skipped: munge_ctx_create failed\n", what, size);
            goto out;
        }
        if (socket_path
            && munge_ctx_set (op.mctx, MUNGE_OPT_SOCKET, socket_path)
                   != EMUNGE_SUCCESS) {
            printf ("%s %d skipped: %s\n", what, size,
                    munge_ctx_strerror (op.mctx));
            goto out;
        }
        if (!strcmp (what, "munge"))
            report (what, &op, "encode", munge_encode_op, "decode",
                    munge_decode_op);
        else
            report (what, &op, "encode", wire_munge_encode_op, "decode",
                    wire_munge_decode_op);
    }
    else
        printf ("%s %d skipped: unknown floor\n", what, size);
out:
    if (op.mctx)
        munge_ctx_destroy (op.mctx);
    free (op.cred);
    free (op.digest_cred);
    free (op.bin);
    free (op.text);
    sodium_memzero (op.sk, sizeof (op.sk));
}

static int usage (FILE *f, int status)
{
    fprintf (f, "Usage: floor-bench [--socket PATH] [--time SECONDS]"
                " [--runs N] [WHAT...]\n");
    return status;
}

int main (int argc, char **argv)
{
    static const struct option opts[] = {
        {"socket", required_argument, NULL, 's'},
        {"time", required_argument, NULL, 't'},
        {"runs", required_argument, NULL, 'r'},
        {"help", no_argument, NULL, 'h'},
        {0, 0, 0, 0},
    };
    const char **what = default_what;
    unsigned char *payload;
    int c;

    while ((c = getopt_long (argc, argv, "s:t:r:h", opts, NULL)) != -1) {
        switch (c) {
        case 's':
            socket_path = optarg;
            break;
        case 't':
            if (bench_parse_seconds (optarg, &seconds) < 0)
                return usage (stderr, 2);
            break;
        case 'r':
            if (bench_parse_runs (optarg, MAX_RUNS, &runs) < 0)
                return usage (stderr, 2);
            break;
        case 'h':
            return usage (stdout, 0);
        default:
            return usage (stderr, 2);
        }
    }
    if (optind < argc)
        what = (const char **)argv + optind;
    if (sodium_init () < 0) {
        fprintf (stderr, "floor-bench: sodium_init failed\n");
        return 1;
    }
    if (!(payload = malloc ((size_t)sizes[1]))) {
        fprintf (stderr, "floor-bench: out of memory\n");
        return 1;
    }
    /* The payload bytes of sign-bench. */
    for (int i = 0; i < sizes[1]; i++)
        payload[i] = (unsigned char)(char)(i * 31 + 7);
    for (int w = 0; what[w]; w++) {
        for (size_t s = 0; s < sizeof (sizes) / sizeof (sizes[0]); s++)
            bench_one (what[w], payload, sizes[s]);
    }
    free (payload);
    return 0;
}
