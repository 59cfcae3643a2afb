/* cmd_casign.c - flux-imp casign: sign the caller's public certificate
 * with the certificate authority of the IMP configuration's [ca] table.
 *
 *     flux-imp casign <sig.pub >sig-signed.pub
 *
 * The child reads a public certificate (TOML, the .pub format of
 * sigcert.h) from stdin, at most CASIGN_INPUT_MAX bytes, and sends its
 * kv form under the prefix "cert" (keys "certmeta.<k>",
 * "certcurve.public-key", "certcurve.signature").  The parent decodes it
 * again, loads the CA (secret key included), signs it for the caller's
 * real uid with ttl = max-cert-ttl and writes the signed public
 * certificate to stdout.  Not installed setuid, the child warns and
 * signs in-process (with whatever CA files the caller can read).
 *
 * SECURITY INVARIANTS
 * - The certificate is untrusted: the child parses it with the pure,
 *   bounded sigcert_parse(); a certificate holding a secret key is
 *   refused, and the kv form never carries one (sigcert_encode()).
 * - The parent accepts only "cmd" and "cert*" keys, and rebuilds the
 *   certificate with sigcert_decode() itself.
 * - The userid signed is the parent's own real uid (the caller, or
 *   SUDO_USER under the sudo simulation), never a value of the message;
 *   every metadata key that ca_sign() sets replaces the caller's.
 * - The CA secret key is loaded by ca_load(), which refuses a key file
 *   accessible by group or other or reached through a symbolic link; in
 *   a privileged run both CA files and every directory above them must
 *   also pass the IMP's own configuration checks (root-owned, not
 *   writable by others).  The key is wiped by ca_destroy() on every
 *   path and never printed or logged.
 */
#define _GNU_SOURCE
#if HAVE_CONFIG_H
#include "config.h"
#endif
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/ca.h"
#include "common/pathsec.h"
#include "common/sigcert.h"
#include "imp_audit.h"
#include "imp_cmds.h"
#include "imp_log.h"

/* Largest certificate read from stdin.  A public certificate signed by a
 * CA is well under 1 KiB; 64 KiB leaves room for generous metadata.
 */
#define CASIGN_INPUT_MAX (64 * 1024)

/* Read all of 'fd' into a new buffer of at most CASIGN_INPUT_MAX bytes.
 * Return 0 and set *bufp (the caller wipes and frees it) and *lenp, or
 * -1 with errno set (EFBIG: too large; ENOMEM; or the read error).
 */
static int read_input (int fd, char **bufp, size_t *lenp)
{
    char *buf;
    size_t len = 0;
    ssize_t n;

    if (!(buf = malloc (CASIGN_INPUT_MAX + 1)))
        return -1;
    for (;;) {
        n = read (fd, buf + len, CASIGN_INPUT_MAX + 1 - len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            goto fail;
        if (n == 0)
            break;
        len += (size_t)n;
        if (len > CASIGN_INPUT_MAX) {
            errno = EFBIG;
            goto fail;
        }
    }
    *bufp = buf;
    *lenp = len;
    return 0;
fail:
    explicit_bzero (buf, len);
    free (buf);
    return -1;
}

/* The caller's certificate from stdin, without a secret key. */
static struct sigcert *read_cert (struct error *err)
{
    struct sigcert *cert;
    char *buf;
    size_t len;

    if (read_input (STDIN_FILENO, &buf, &len) < 0) {
        error_set (err, "%s", strerror (errno));
        return NULL;
    }
    cert = sigcert_parse ("stdin", buf, len, NULL, 0, err);
    explicit_bzero (buf, len); /* a careless caller may paste a secret */
    free (buf);
    if (!cert) {
        int saved = errno;
        error_prefix (err, "%s (", strerror (saved));
        if (strlen (err->text) + 2 < sizeof (err->text))
            strcat (err->text, ")");
        errno = saved;
        return NULL;
    }
    if (sigcert_has_secret (cert)) {
        sigcert_destroy (cert);
        errno = EINVAL;
        error_set (err, "%s (the certificate holds a secret key)",
                   strerror (EINVAL));
        return NULL;
    }
    return cert;
}

/* Privileged: the CA files must be root's, as the IMP's own
 * configuration is (pathsec.h: owner and group root, not writable by
 * group or other, every directory from / root-owned and not writable by
 * others, no symbolic link), so that no other user could have planted
 * or could swap the key that signs for the site.  ca_load() then opens
 * them by name, and also refuses a secret key readable by group or
 * other.
 */
static int check_ca_file (const char *path, struct error *err)
{
    int fd;

    if ((fd = pathsec_open_config (path, PATHSEC_PARANOIA, err)) < 0)
        return -1;
    (void)close (fd);
    return 0;
}

int imp_casign_check_ca_paths (const struct cf *cf, struct error *err)
{
    const char *path;
    char *pub = NULL;
    int rc = -1;

    if (geteuid () != 0)
        return 0;
    if (cf_get_string (cf, "ca.cert-path", &path, err) < 0)
        return -1;
    if (asprintf (&pub, "%s.pub", path) < 0)
        return error_errno (err, ENOMEM, "out of memory");
    if (check_ca_file (path, err) == 0 && check_ca_file (pub, err) == 0)
        rc = 0;
    free (pub);
    return rc;
}

/* Load [ca] with its secret key.  Logs and returns NULL on failure. */
static struct ca *load_ca (const struct cf *cf)
{
    struct error err = {{0}};
    struct ca *ca;

    if (cf_get (cf, "ca", CF_TABLE, NULL, &err) < 0) {
        if (errno == ENOENT)
            imp_fatal ("casign: no [ca] configuration");
        else
            imp_fatal ("casign: ca_create: %s", err.text);
        return NULL;
    }
    if (!(ca = ca_create (cf, &err))) {
        imp_fatal ("casign: ca_create: %s", err.text);
        return NULL;
    }
    if (imp_casign_check_ca_paths (cf, &err) < 0
        || ca_load (ca, true, &err) < 0) {
        imp_fatal ("casign: ca_load: %s", err.text);
        ca_destroy (ca);
        return NULL;
    }
    return ca;
}

static int print_cert (const struct sigcert *cert)
{
    char *s;
    int rc = 0;

    if (!(s = sigcert_format_public (cert))) {
        imp_fatal ("casign: format cert: %s", strerror (errno));
        return -1;
    }
    if (fputs (s, stdout) == EOF || fflush (stdout) != 0) {
        imp_fatal ("casign: write error on stdout: %s", strerror (errno));
        rc = -1;
    }
    free (s);
    return rc;
}

/* Sign 'cert' for the real uid with the CA of the configuration and
 * print it.  Return the exit status.
 */
static int sign_cert (struct imp_state *imp, struct sigcert *cert)
{
    struct error err = {{0}};
    uid_t uid = getuid ();
    const char *uuid = "?";
    struct ca *ca;
    int rc = 1;

    if (!(ca = load_ca (imp->conf)))
        return 1;
    if (ca_sign (ca, cert, 0, 0, (int64_t)uid, &err) < 0) {
        imp_fatal ("casign: ca_sign: %s", err.text);
        goto out;
    }
    if (print_cert (cert) < 0)
        goto out;
    (void)sigcert_meta_get_string (cert, "uuid", &uuid);
    imp_say ("casign: signed certificate %s for uid %ju", uuid, (uintmax_t)uid);
    rc = 0;
out:
    ca_destroy (ca);
    return rc;
}

static int send_request (struct imp_state *imp, const struct sigcert *cert)
{
    struct error err = {{0}};
    struct kv *kv = NULL;
    struct kv *enc = NULL;
    int rc = -1;

    if (!(kv = kv_create ()) || kv_put_string (kv, "cmd", imp->cmd) < 0
        || !(enc = sigcert_encode (cert)) || kv_join (kv, enc, "cert") < 0)
        imp_fatal ("casign: %s", strerror (errno));
    else if (privsep_send (imp->ps, kv, &err) < 0)
        imp_fatal ("casign: %s", err.text);
    else
        rc = 0;
    kv_destroy (enc);
    kv_destroy (kv);
    return rc;
}

int imp_cmd_casign_child (struct imp_state *imp)
{
    struct error err = {{0}};
    struct sigcert *cert;
    int rc;

    if (!(cert = read_cert (&err))) {
        imp_fatal ("casign: decode cert: %s", err.text);
        return 1;
    }
    if (imp->ps)
        rc = send_request (imp, cert) < 0 ? 1 : 0;
    else {
        imp_warn ("casign: imp is not installed setuid, proceeding anyway...");
        rc = sign_cert (imp, cert);
    }
    sigcert_destroy (cert);
    return rc;
}

/* The audit line of the privileged half (imp_audit.h). */
static void audit (const struct sigcert *cert, int rc)
{
    struct imp_audit a;
    const char *uuid = NULL;

    imp_audit_begin (&a, "casign", getuid ());
    if (rc == 0 && cert) {
        (void)sigcert_meta_get_string (cert, "uuid", &uuid);
        imp_audit_field (&a, "cert", uuid);
        imp_audit_send (&a, true, "signed");
    }
    else
        imp_audit_send_refused (&a);
}

int imp_cmd_casign_parent (struct imp_state *imp, const struct kv *msg)
{
    struct error err = {{0}};
    struct sigcert *cert = NULL;
    struct kv *enc;
    int rc = 1;

    if (!(enc = kv_split (msg, "cert"))) {
        imp_fatal ("casign: %s", strerror (errno));
        return 1;
    }
    if (kv_count (enc) + 1 != kv_count (msg))
        imp_fatal ("casign: unexpected keys in the request");
    else if (!(cert = sigcert_decode (enc, &err)))
        imp_fatal ("casign: decode cert: %s (%s)", strerror (errno), err.text);
    else if (sigcert_has_secret (cert))
        imp_fatal ("casign: decode cert: the certificate holds a secret key");
    else
        rc = sign_cert (imp, cert);
    audit (cert, rc);
    sigcert_destroy (cert);
    kv_destroy (enc);
    return rc;
}
