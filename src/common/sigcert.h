/* sigcert.h - ed25519 signing certificates (wire.md 2.7).
 *
 * A certificate is an ed25519 key pair (the secret half optional), a
 * metadata kv (RFC 38 types) and an optional signature by a certificate
 * authority over the public key and the metadata.
 *
 * Files, as the original writes them:
 *   <name>.pub  (0644)  [metadata] key = value ..., then [curve]
 *                       public-key = "<base64>" and signature = "<base64>"
 *                       when signed
 *   <name>      (0600)  [curve] secret-key = "<base64>"
 * Base64 is libsodium's original variant, padded (common/b64.h).
 *
 * The kv form of a certificate (in the "curve" header of signed messages
 * and in privilege-separation messages) is the entries "meta.<key>" in
 * metadata order, "curve.public-key" (s, base64), then
 * "curve.signature" (s, base64) when signed.
 *
 * Secret keys are kept in memory that is wiped (sodium_memzero) when the
 * certificate is destroyed or forgets its secret, and on every error path.
 */
#ifndef FLUX_SECURITY_COMMON_SIGCERT_H
#define FLUX_SECURITY_COMMON_SIGCERT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>
#include <time.h>

#include "error.h"
#include "kv.h"

/* Largest certificate file read (the original's limit).  The TOML parser
 * has its own, smaller limit (TOML_MAX_SIZE): a file between the two
 * fails with E2BIG.
 */
#define SIGCERT_MAX_FILE_SIZE (10 * 1024 * 1024)

/* Size of the seed of sigcert_create_from_seed(). */
#define SIGCERT_SEED_SIZE 32

struct sigcert;

/* Create a certificate with a new random key pair and metadata
 * algorithm = "ed25519".  NULL with errno set on failure.
 */
struct sigcert *sigcert_create (void);

/* As sigcert_create(), with the key pair derived from 'seed'
 * (SIGCERT_SEED_SIZE bytes, crypto_sign_seed_keypair): the same seed
 * gives the same keys, for known-answer tests.  The caller wipes the
 * seed.  NULL with errno set (EINVAL: NULL seed).
 */
struct sigcert *sigcert_create_from_seed (const uint8_t *seed);

/* Destroy, wiping the secret key.  NULL is a no-op; errno is preserved. */
void sigcert_destroy (struct sigcert *cert);

/* Wipe and drop the secret key (a no-op if there is none). */
void sigcert_forget_secret (struct sigcert *cert);
bool sigcert_has_secret (const struct sigcert *cert);

/* Load <name>.pub, and <name> too when 'secret' is true.  Files are
 * opened with O_NOFOLLOW and must be regular files of at most
 * SIGCERT_MAX_FILE_SIZE bytes.  <name>.pub must not be writable by group
 * or other, and the secret key file not accessible by group or other
 * (EPERM), as an attacker who can write either can replace the key.
 * The secret key must be the one of the public key (EINVAL).  NULL with
 * errno set and 'err' naming the file on failure (ENOENT, EACCES, ELOOP
 * for a symbolic link, EINVAL for bad contents or not a regular file,
 * EFBIG, E2BIG, EPERM).  Error text never contains key material.
 */
struct sigcert *sigcert_load (const char *name,
                              bool secret,
                              struct error *err);

/* As sigcert_load (name, false, err), and on success *stp (if not NULL)
 * is the fstat() of the descriptor <name>.pub was read from, taken before
 * the first byte was read: whatever changes the file afterwards
 * (rewrite, replacement, chmod, chown) shows in a later stat() of the
 * path as another st_dev, st_ino, st_size, st_mtim or st_ctim, at the
 * granularity of the file system's timestamps.  *stp is untouched on
 * failure.
 */
struct sigcert *
sigcert_load_stat (const char *name, struct stat *stp, struct error *err);

/* The path of the public file of certificate 'name': "<name>.pub", new,
 * for the caller to free; NULL with errno (EINVAL: empty name,
 * ENAMETOOLONG, ENOMEM) and 'err' set.
 */
char *sigcert_pub_path (const char *name, struct error *err);

/* Write <name>.pub (mode 0644) and, if the certificate has a secret key,
 * <name> (mode 0600, created with O_EXCL|O_NOFOLLOW: an existing secret
 * key file is never overwritten, EEXIST).  The secret key file is written
 * first and removed again if <name>.pub cannot be written; <name>.pub is
 * opened O_NOFOLLOW (ELOOP on a symbolic link).  The modes are set with
 * fchmod(), whatever the umask.  0 or -1 with errno set and 'err'.
 */
int sigcert_store (const struct sigcert *cert,
                   const char *name,
                   struct error *err);

/* Parse the contents of a .pub file ('len' bytes of 'buf', at most
 * SIGCERT_MAX_FILE_SIZE) and, when 'secbuf' is not NULL, of the secret key
 * file.  'name' is the certificate's name (may be NULL) for error text:
 * "<name>.pub:<line>:<column>: ..." and "<name>:<line>:<column>: ..."
 * (errors in the secret key file give only the position, never its
 * text).  Only the tables [metadata] and [curve] are allowed, [curve]
 * holds public-key (required) and signature, the secret file only
 * [curve] secret-key.  Metadata values are typed by TOML: string, bool,
 * integer, float (double) and offset date-time (timestamp, whole
 * seconds); other types, keys containing '.' or NUL, and strings
 * containing NUL are refused.  Pure: no I/O.  NULL with errno set on
 * failure (EINVAL, E2BIG, EFBIG, ENOMEM).  This is the fuzz target for
 * certificate files.
 */
struct sigcert *sigcert_parse (const char *name,
                               const char *buf,
                               size_t len,
                               const char *secbuf,
                               size_t seclen,
                               struct error *err);

/* Render the .pub / secret file contents as a new NUL-terminated string
 * that the caller frees (the secret one must be wiped with sodium_memzero
 * before free).  Metadata keys are written bare when they consist of
 * A-Z a-z 0-9 _ - only, else quoted; strings are quoted with TOML
 * escapes.  NULL with errno set (EINVAL: no secret key, or a metadata
 * string or key that is not valid UTF-8, which TOML cannot hold).
 */
char *sigcert_format_public (const struct sigcert *cert);
char *sigcert_format_secret (const struct sigcert *cert);

/* The kv form of the certificate (see above), never with the secret key.
 * NULL with errno set.
 */
struct kv *sigcert_encode (const struct sigcert *cert);

/* A certificate (public key only) from its kv form, e.g. the result of
 * kv_split (header, "curve.cert.").  Metadata values must parse as their
 * type and are stored in canonical form (as a typed put writes them).
 * NULL with errno set and 'err' on failure: EINVAL for a missing or
 * malformed public key or signature, a metadata key containing '.', a
 * value that does not parse, or an entry that is neither "meta.*" nor
 * "curve.public-key" / "curve.signature" (both of type string).
 */
struct sigcert *sigcert_decode (const struct kv *kv, struct error *err);

/* Same public key, metadata (byte-identical kv) and signature. */
bool sigcert_equal (const struct sigcert *a, const struct sigcert *b);

/* Metadata.  Keys are non-empty and may not contain '.'.  Setters replace
 * an existing key (which then moves to the end, as kv does) and drop any
 * CA signature (the signed content changed).  Getters return -1 with
 * errno ENOENT when the key is absent or has another type.
 */
int sigcert_meta_set_string (struct sigcert *cert,
                             const char *key,
                             const char *value);
int sigcert_meta_set_int64 (struct sigcert *cert,
                            const char *key,
                            int64_t value);
int sigcert_meta_set_double (struct sigcert *cert,
                             const char *key,
                             double value);
int sigcert_meta_set_bool (struct sigcert *cert, const char *key, bool value);
int sigcert_meta_set_timestamp (struct sigcert *cert,
                                const char *key,
                                time_t value);
int sigcert_meta_get_string (const struct sigcert *cert,
                             const char *key,
                             const char **valuep);
int sigcert_meta_get_int64 (const struct sigcert *cert,
                            const char *key,
                            int64_t *valuep);
int sigcert_meta_get_double (const struct sigcert *cert,
                             const char *key,
                             double *valuep);
int sigcert_meta_get_bool (const struct sigcert *cert,
                           const char *key,
                           bool *valuep);
int sigcert_meta_get_timestamp (const struct sigcert *cert,
                                const char *key,
                                time_t *valuep);
/* The metadata kv itself, read-only (owned by cert). */
const struct kv *sigcert_meta (const struct sigcert *cert);

/* The public key in base64 (owned by cert) */
const char *sigcert_public_key_b64 (const struct sigcert *cert);
bool sigcert_has_signature (const struct sigcert *cert);

/* Sign 'len' bytes of 'buf' with the secret key: a new string, the
 * base64 of the 64-byte detached ed25519 signature (88 characters),
 * which the caller frees.  NULL with errno set (EINVAL: no secret key).
 */
char *sigcert_sign_detached (const struct sigcert *cert,
                             const void *buf,
                             size_t len);

/* Check a base64 detached signature over 'len' bytes of 'buf' with the
 * public key.  0, or -1 with errno EINVAL (malformed or wrong signature).
 */
int sigcert_verify_detached (const struct sigcert *cert,
                             const char *signature,
                             const void *buf,
                             size_t len);

/* Sign 'cert' with the secret key of 'ca': ed25519 over the kv
 * encoding of "curve.public_key" (s, base64 public key) followed by the
 * "meta.*" entries in metadata order (wire.md 2.7); replaces any previous
 * signature.  Check such a signature with the public key of 'ca'
 * (EINVAL: no signature, or a wrong one).
 */
int sigcert_sign_cert (const struct sigcert *ca, struct sigcert *cert);
int sigcert_verify_cert (const struct sigcert *ca,
                         const struct sigcert *cert);

#endif /* !FLUX_SECURITY_COMMON_SIGCERT_H */
