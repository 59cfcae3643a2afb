/* flux-sign - sign and verify messages and make curve certificates, so that
 * an administrator can debug the signing set-up of a site (flux-sign(1)).
 *
 *   flux-sign [--config PATTERN] sign [--mech M] [--as USER] [--input FILE]
 *   flux-sign [--config PATTERN] verify [--anymech] [--noverify]
 *                                       [--output FILE] [FILE]
 *   flux-sign keygen [--force] PATH
 *   flux-sign [--config PATTERN] certinfo PATH
 *
 * Exit status: 0 success, 1 error, 2 usage error.  Errors are printed as
 * "flux-sign: <text>", with the library's text unchanged.
 *
 * SECURITY INVARIANTS
 * - Not privileged: it runs with the caller's identity, and signs as the
 *   caller (munge signs as the real uid whatever --as says).
 * - Input is read with a size cap before anything parses it; a signed
 *   message is checked only by the library.
 * - Files it creates are created with O_CREAT|O_EXCL|O_NOFOLLOW: an
 *   existing file or a symbolic link is never written through.
 * - Payloads and certificates in memory are wiped before they are freed.
 */
#if HAVE_CONFIG_H
#include "config.h"
#endif
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <libgen.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <sodium.h>

#include "flux/security/context.h"
#include "flux/security/sign.h"
#include "flux/security/version.h"
#include "common/ca.h"
#include "common/cf.h"
#include "common/error.h"
#include "common/kv.h"
#include "common/sigcert.h"
#include "lib/context_private.h"
#include "lib/sign_info.h"
#include "cmd_util.h"

#define MAX_PAYLOAD (64 * MiB) /* sign: largest payload */
#define MAX_SIGNED (96 * MiB)  /* verify: largest signed message */

static const char global_usage[] =
    "Usage: flux-sign [--config PATTERN] COMMAND [OPTIONS] [ARGS]\n"
    "\n"
    "Sign and verify messages with libflux-security, and make curve\n"
    "certificates, to debug the signing set-up of a site.\n"
    "\n"
    "Commands:\n"
    "  sign      sign a payload read from stdin\n"
    "  verify    verify a signed message and print its payload\n"
    "  keygen    create a curve certificate\n"
    "  certinfo  print the metadata of a curve certificate\n"
    "\n"
    "Options:\n"
    "  -c, --config=PATTERN  configuration files (glob(3) pattern); default:\n"
    "                        the installed security conf.d\n"
    "  -h, --help            print this help; COMMAND --help for a command\n"
    "  -V, --version         print the library version\n";

static const char sign_usage[] =
    "Usage: flux-sign [--config PATTERN] sign [--mech M] [--as USER]"
    " [--input FILE]\n"
    "\n"
    "Sign the payload read from stdin (or FILE, at most 64 MiB) and print\n"
    "the signed message and a newline on stdout.\n"
    "\n"
    "  -m, --mech=M      mechanism: none, munge or curve (default: the\n"
    "                    configured default-type)\n"
    "  -a, --as=USER     sign as USER (name or uid) instead of the real uid\n"
    "  -i, --input=FILE  read the payload from FILE\n"
    "  -c, --config=PATTERN  configuration files (glob(3) pattern)\n"
    "  -h, --help        print this help\n";

static const char verify_usage[] =
    "Usage: flux-sign [--config PATTERN] verify [--anymech] [--noverify]\n"
    "                 [--output FILE] [FILE]\n"
    "\n"
    "Verify the signed message read from FILE (default: stdin), print\n"
    "what it says about its signer on stderr and its payload on stdout.\n"
    "\n"
    "  -A, --anymech      accept a mechanism outside allowed-types\n"
    "  -n, --noverify     decode only: do not check the signature\n"
    "  -o, --output=FILE  write the payload to the new file FILE (mode 0600)\n"
    "  -c, --config=PATTERN  configuration files (glob(3) pattern)\n"
    "  -h, --help         print this help\n";

static const char keygen_usage[] =
    "Usage: flux-sign keygen [--force] PATH\n"
    "\n"
    "Create a curve certificate: the secret key PATH (mode 0600) and the\n"
    "public certificate PATH.pub (mode 0644).  The usual PATH is\n"
    "~/.flux/curve/sig; its directory must exist.\n"
    "\n"
    "  -f, --force  replace existing regular files (never symbolic links)\n"
    "  -h, --help   print this help\n";

static const char certinfo_usage[] =
    "Usage: flux-sign [--config PATTERN] certinfo PATH\n"
    "\n"
    "Print the metadata and public key of the certificate PATH.pub (PATH\n"
    "may name the .pub file itself).  With --config, also check it against\n"
    "the certificate authority of the configuration's [ca] table.\n"
    "\n"
    "  -c, --config=PATTERN  configuration files (glob(3) pattern)\n"
    "  -h, --help            print this help\n";

static int cmd_sign (int argc, char **argv, const char *config);
static int cmd_verify (int argc, char **argv, const char *config);
static int cmd_keygen (int argc, char **argv, const char *config);
static int cmd_certinfo (int argc, char **argv, const char *config);

static const struct cmd_sub subcommands[] = {
    {"sign", cmd_sign, sign_usage},
    {"verify", cmd_verify, verify_usage},
    {"keygen", cmd_keygen, keygen_usage},
    {"certinfo", cmd_certinfo, certinfo_usage},
};
#define SUBCOMMAND_COUNT (sizeof (subcommands) / sizeof (subcommands[0]))

struct sign_opts {
    const char *config;
    const char *mech;
    const char *input;
    bool as_set;
    int64_t as;
};

static int sign_parse (int argc, char **argv, struct sign_opts *o)
{
    static const struct option opts[] = {
        {"mech", required_argument, NULL, 'm'},
        {"as", required_argument, NULL, 'a'},
        {"input", required_argument, NULL, 'i'},
        {"config", required_argument, NULL, 'c'},
        {"help", no_argument, NULL, 'h'},
        {0},
    };
    int c;

    optind = 0;
    while ((c = getopt_long (argc, argv, ":m:a:i:c:h", opts, NULL)) != -1) {
        switch (c) {
        case 'm':
            o->mech = optarg;
            break;
        case 'a':
            if (cmd_parse_user (optarg, &o->as) < 0)
                return cmd_usage_error (sign_usage, "--as: unknown user '%s'",
                                        optarg);
            o->as_set = true;
            break;
        case 'i':
            o->input = optarg;
            break;
        case 'c':
            o->config = optarg;
            break;
        case 'h':
            return PARSE_HELP;
        default:
            return cmd_bad_option (sign_usage, c, argv);
        }
    }
    if (optind < argc)
        return cmd_usage_error (sign_usage, "unexpected argument '%s'",
                                argv[optind]);
    return EXIT_OK;
}

static int cmd_sign (int argc, char **argv, const char *config)
{
    struct sign_opts o = {.config = config};
    flux_security_t *ctx = NULL;
    struct cmd_input in = {NULL, 0, 0};
    const char *s;
    int rc;

    if ((rc = sign_parse (argc, argv, &o)) != EXIT_OK)
        return rc == PARSE_HELP ? cmd_help (sign_usage) : rc;
    rc = EXIT_ERR;
    if (cmd_read_input (o.input, MAX_PAYLOAD, "the payload", "64 MiB", &in) < 0
        || !(ctx = cmd_security_open (o.config)))
        goto out;
    if (o.as_set)
        s = flux_sign_wrap_as (ctx, o.as, in.buf, (int)in.len, o.mech, 0);
    else
        s = flux_sign_wrap (ctx, in.buf, (int)in.len, o.mech, 0);
    if (!s) {
        cmd_say_ctx (ctx);
        goto out;
    }
    if (printf ("%s\n", s) < 0 || fflush (stdout) != 0) {
        cmd_say ("stdout: %s", strerror (errno));
        goto out;
    }
    rc = EXIT_OK;
out:
    cmd_input_wipe (&in);
    flux_security_destroy (ctx);
    return rc;
}

struct verify_opts {
    const char *config;
    const char *output;
    const char *input;
    int flags;
};

static int verify_parse (int argc, char **argv, struct verify_opts *o)
{
    static const struct option opts[] = {
        {"anymech", no_argument, NULL, 'A'},
        {"noverify", no_argument, NULL, 'n'},
        {"output", required_argument, NULL, 'o'},
        {"config", required_argument, NULL, 'c'},
        {"help", no_argument, NULL, 'h'},
        {0},
    };
    int c;

    optind = 0;
    while ((c = getopt_long (argc, argv, ":Ano:c:h", opts, NULL)) != -1) {
        switch (c) {
        case 'A':
            o->flags |= SIGN_INFO_ANYMECH;
            break;
        case 'n':
            o->flags |= FLUX_SIGN_NOVERIFY;
            break;
        case 'o':
            o->output = optarg;
            break;
        case 'c':
            o->config = optarg;
            break;
        case 'h':
            return PARSE_HELP;
        default:
            return cmd_bad_option (verify_usage, c, argv);
        }
    }
    if (optind < argc)
        o->input = argv[optind++];
    if (optind < argc)
        return cmd_usage_error (verify_usage, "unexpected argument '%s'",
                                argv[optind]);
    return EXIT_OK;
}

/* Strip one trailing newline; refuse a NUL byte, which would silently cut
 * the message short.
 */
static int signed_string (char *buf, size_t *lenp)
{
    if (memchr (buf, '\0', *lenp)) {
        cmd_say ("the signed message contains a NUL byte");
        return -1;
    }
    if (*lenp > 0 && buf[*lenp - 1] == '\n')
        buf[--*lenp] = '\0';
    return 0;
}

static void print_time (const char *label, time_t t)
{
    struct tm tm;
    char buf[64];

    if (t <= 0 || !gmtime_r (&t, &tm)
        || strftime (buf, sizeof (buf), "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
        fprintf (stderr, "%s: unknown\n", label);
    else
        fprintf (stderr, "%s: %s\n", label, buf);
}

static void print_info (const struct sign_info *info, int flags)
{
    struct passwd *pw = getpwuid ((uid_t)info->userid);
    char host[256];

    fprintf (stderr, "mechanism: %s\n", info->mechanism);
    if (pw)
        fprintf (stderr, "userid: %" PRId64 " (%s)\n", info->userid,
                 pw->pw_name);
    else {
        if (gethostname (host, sizeof (host)) < 0)
            strcpy (host, "this host");
        host[sizeof (host) - 1] = '\0';
        fprintf (stderr, "userid: %" PRId64 " (unknown on %s)\n", info->userid,
                 host);
    }
    print_time ("created", info->ctime);
    print_time ("expires", info->xtime);
    if (flags & FLUX_SIGN_NOVERIFY)
        fprintf (stderr, "signature: not checked (--noverify)\n");
}

/* Write the payload to a new file 'path' (never an existing one). */
static int write_output (const char *path, const void *buf, size_t len)
{
    int fd;

    fd =
        open (path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0) {
        if (errno == EEXIST)
            cmd_say ("%s: file exists: not overwriting it", path);
        else
            cmd_say ("%s: %s", path, strerror (errno));
        return -1;
    }
    if (cmd_write_all (fd, buf, len) < 0 || close (fd) < 0) {
        cmd_say ("%s: %s", path, strerror (errno));
        (void)unlink (path); /* do not leave a truncated payload */
        return -1;
    }
    return 0;
}

static int write_payload (const char *output, const void *buf, size_t len)
{
    if (output)
        return write_output (output, buf, len);
    if (cmd_write_all (STDOUT_FILENO, buf, len) < 0) {
        cmd_say ("stdout: %s", strerror (errno));
        return -1;
    }
    return 0;
}

static int cmd_verify (int argc, char **argv, const char *config)
{
    struct verify_opts o = {.config = config};
    flux_security_t *ctx = NULL;
    struct sign_info info;
    struct cmd_input in = {NULL, 0, 0};
    const void *payload;
    int payloadsz;
    int rc;

    if ((rc = verify_parse (argc, argv, &o)) != EXIT_OK)
        return rc == PARSE_HELP ? cmd_help (verify_usage) : rc;
    rc = EXIT_ERR;
    if (cmd_read_input (o.input, MAX_SIGNED, "the signed message", "96 MiB",
                        &in)
            < 0
        || signed_string (in.buf, &in.len) < 0
        || !(ctx = cmd_security_open (o.config)))
        goto out;
    if (sign_unwrap_info (ctx, in.buf, &payload, &payloadsz, &info, o.flags)
        < 0) {
        cmd_say_ctx (ctx);
        goto out;
    }
    print_info (&info, o.flags);
    if (write_payload (o.output, payload, (size_t)payloadsz) < 0)
        goto out;
    rc = EXIT_OK;
out:
    cmd_input_wipe (&in);
    flux_security_destroy (ctx);
    return rc;
}

/* Make sure a certificate file may be (re)created at 'path'. */
static int keygen_check_file (const char *path, bool force)
{
    struct stat st;

    if (lstat (path, &st) < 0) {
        if (errno == ENOENT)
            return 0;
        cmd_say ("%s: %s", path, strerror (errno));
        return -1;
    }
    if (S_ISLNK (st.st_mode)) {
        cmd_say ("%s is a symbolic link: refusing to replace it", path);
        return -1;
    }
    if (!S_ISREG (st.st_mode)) {
        cmd_say ("%s exists and is not a regular file", path);
        return -1;
    }
    if (!force) {
        cmd_say ("%s exists: not overwriting it (--force replaces it)", path);
        return -1;
    }
    if (unlink (path) < 0) {
        cmd_say ("%s: %s", path, strerror (errno));
        return -1;
    }
    return 0;
}

/* The directory of 'path' must exist: keygen does not create it. */
static int keygen_check_dir (const char *path)
{
    struct stat st;
    char *copy;
    const char *dir;
    int rc = -1;

    if (!(copy = strdup (path))) {
        cmd_say ("%s", strerror (errno));
        return -1;
    }
    dir = dirname (copy);
    if (stat (dir, &st) < 0) {
        if (errno == ENOENT)
            cmd_say ("directory %s does not exist: create it first"
                     " (mkdir -p %s)",
                     dir, dir);
        else
            cmd_say ("%s: %s", dir, strerror (errno));
    }
    else if (!S_ISDIR (st.st_mode))
        cmd_say ("%s is not a directory", dir);
    else
        rc = 0;
    free (copy);
    return rc;
}

/* The one PATH operand left after the options, non-empty. */
static int
one_path (const char *usage, int argc, char **argv, const char **pathp)
{
    if (optind >= argc)
        return cmd_usage_error (usage, "PATH is missing");
    if (optind + 1 < argc)
        return cmd_usage_error (usage, "unexpected argument '%s'",
                                argv[optind + 1]);
    if (argv[optind][0] == '\0')
        return cmd_usage_error (usage, "PATH is empty");
    *pathp = argv[optind];
    return EXIT_OK;
}

static int keygen_parse (int argc, char **argv, bool *force, const char **pathp)
{
    static const struct option opts[] = {
        {"force", no_argument, NULL, 'f'},
        {"help", no_argument, NULL, 'h'},
        {0},
    };
    int c;

    optind = 0;
    while ((c = getopt_long (argc, argv, ":fh", opts, NULL)) != -1) {
        switch (c) {
        case 'f':
            *force = true;
            break;
        case 'h':
            return PARSE_HELP;
        default:
            return cmd_bad_option (keygen_usage, c, argv);
        }
    }
    return one_path (keygen_usage, argc, argv, pathp);
}

/* No core dump may hold the secret key. */
static void no_core_dumps (void)
{
    struct rlimit rl = {0, 0};

    (void)setrlimit (RLIMIT_CORE, &rl);
}

static int keygen_store (const char *path)
{
    struct error err = {{0}};
    struct sigcert *cert;
    int rc = -1;

    if (!(cert = sigcert_create ())) {
        cmd_say ("cannot create a certificate: %s", strerror (errno));
        return -1;
    }
    if (sigcert_meta_set_int64 (cert, "userid", (int64_t)getuid ()) < 0
        || sigcert_meta_set_timestamp (cert, "ctime", time (NULL)) < 0)
        cmd_say ("cannot set the certificate metadata: %s", strerror (errno));
    else if (sigcert_store (cert, path, &err) < 0)
        cmd_say ("%s", err.text[0] ? err.text : strerror (errno));
    else
        rc = 0;
    sigcert_destroy (cert);
    return rc;
}

static int cmd_keygen (int argc, char **argv, const char *config)
{
    bool force = false;
    const char *path = NULL;
    char *pub = NULL;
    int rc;

    if ((rc = keygen_parse (argc, argv, &force, &path)) != EXIT_OK)
        return rc == PARSE_HELP ? cmd_help (keygen_usage) : rc;
    rc = EXIT_ERR;
    no_core_dumps ();
    if (!path || !(pub = malloc (strlen (path) + sizeof (".pub")))) {
        cmd_say ("%s", strerror (errno));
        goto out;
    }
    strcpy (pub, path);
    strcat (pub, ".pub");
    if (keygen_check_dir (path) < 0 || keygen_check_file (path, force) < 0
        || keygen_check_file (pub, force) < 0 || keygen_store (path) < 0)
        goto out;
    rc = EXIT_OK;
out:
    free (pub);
    return rc;
}

/* Print 's' with control characters and bytes >= 0x80 escaped as \xNN:
 * a certificate's metadata may come from anyone.
 */
static void print_escaped (const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p < 0x20 || *p >= 0x7f || *p == '\\')
            printf ("\\x%02x", *p);
        else
            putchar (*p);
    }
}

static void print_cert (const struct sigcert *cert)
{
    const struct kv *meta = sigcert_meta (cert);
    struct kv_entry e;
    size_t cursor = 0;

    while (kv_next (meta, &cursor, &e)) {
        print_escaped (e.key);
        fputs (" = ", stdout);
        print_escaped (e.value);
        putchar ('\n');
    }
    printf ("public-key = %s\n", sigcert_public_key_b64 (cert));
    printf ("signed by CA: %s\n", sigcert_has_signature (cert) ? "yes" : "no");
}

/* Check 'cert' against the CA of the [ca] table of 'pattern'. */
static int certinfo_ca (const struct sigcert *cert, const char *pattern)
{
    struct error err = {{0}};
    flux_security_t *ctx;
    const struct cf *cf;
    struct ca *ca = NULL;
    int64_t userid, max_sign_ttl;
    int rc = -1;

    if (!(ctx = cmd_security_open (pattern)))
        return -1;
    if (!(cf = security_get_config (ctx))) {
        cmd_say_ctx (ctx);
        goto out;
    }
    if (cf_get (cf, "ca", CF_TABLE, NULL, &err) < 0) {
        if (errno == ENOENT)
            cmd_say ("no [ca] table in %s: cannot check the certificate",
                     pattern);
        else
            cmd_say ("%s", err.text);
        goto out;
    }
    if (!(ca = ca_create (cf, &err)) || ca_load (ca, false, &err) < 0) {
        cmd_say ("%s", err.text);
        goto out;
    }
    if (ca_verify (ca, cert, time (NULL), &userid, &max_sign_ttl, &err) < 0) {
        printf ("CA verification: failed\n");
        cmd_say ("ca: %s", err.text);
        goto out;
    }
    printf ("CA verification: ok (userid %" PRId64 ", max-sign-ttl %" PRId64
            ")\n",
            userid, max_sign_ttl);
    rc = 0;
out:
    ca_destroy (ca);
    flux_security_destroy (ctx);
    return rc;
}

static int
certinfo_parse (int argc, char **argv, const char **config, const char **pathp)
{
    static const struct option opts[] = {
        {"config", required_argument, NULL, 'c'},
        {"help", no_argument, NULL, 'h'},
        {0},
    };
    int c;

    optind = 0;
    while ((c = getopt_long (argc, argv, ":c:h", opts, NULL)) != -1) {
        switch (c) {
        case 'c':
            *config = optarg;
            break;
        case 'h':
            return PARSE_HELP;
        default:
            return cmd_bad_option (certinfo_usage, c, argv);
        }
    }
    return one_path (certinfo_usage, argc, argv, pathp);
}

static int cmd_certinfo (int argc, char **argv, const char *config)
{
    struct error err = {{0}};
    struct sigcert *cert = NULL;
    const char *path = NULL;
    char *name;
    size_t len;
    int rc;

    if ((rc = certinfo_parse (argc, argv, &config, &path)) != EXIT_OK)
        return rc == PARSE_HELP ? cmd_help (certinfo_usage) : rc;
    if (!(name = strdup (path))) {
        cmd_say ("%s", strerror (errno));
        return EXIT_ERR;
    }
    len = strlen (name);
    if (len > 4 && strcmp (name + len - 4, ".pub") == 0)
        name[len - 4] = '\0';
    rc = EXIT_ERR;
    if (!(cert = sigcert_load (name, false, &err))) {
        cmd_say ("%s", err.text[0] ? err.text : strerror (errno));
        goto out;
    }
    print_cert (cert);
    if (fflush (stdout) != 0) {
        cmd_say ("stdout: %s", strerror (errno));
        goto out;
    }
    if (config && certinfo_ca (cert, config) < 0)
        goto out;
    rc = EXIT_OK;
out:
    sigcert_destroy (cert);
    free (name);
    return rc;
}

int main (int argc, char **argv)
{
    static const struct cmd_program prog = {
        "flux-sign",
        global_usage,
        subcommands,
        SUBCOMMAND_COUNT,
    };

    return cmd_main (&prog, argc, argv);
}
