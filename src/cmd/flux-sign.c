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

enum { EXIT_OK = 0, EXIT_ERR = 1, EXIT_USAGE = 2 };

/* What the option parsers return for --help. */
#define PARSE_HELP (-1)

#define MiB ((size_t)1024 * 1024)
#define MAX_PAYLOAD (64 * MiB)         /* sign: largest payload */
#define MAX_SIGNED (96 * MiB)          /* verify: largest signed message */
#define READ_CHUNK ((size_t)64 * 1024) /* first buffer size of read_all */

struct subcommand {
    const char *name;
    int (*run) (int argc, char **argv, const char *config);
    const char *usage;
};

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

static const struct subcommand subcommands[] = {
    {"sign", cmd_sign, sign_usage},
    {"verify", cmd_verify, verify_usage},
    {"keygen", cmd_keygen, keygen_usage},
    {"certinfo", cmd_certinfo, certinfo_usage},
};
#define SUBCOMMAND_COUNT (sizeof (subcommands) / sizeof (subcommands[0]))

static void say (const char *fmt, ...) __attribute__ ((format (printf, 1, 2)));

static void say (const char *fmt, ...)
{
    va_list ap;

    va_start (ap, fmt);
    fputs ("flux-sign: ", stderr);
    vfprintf (stderr, fmt, ap);
    fputc ('\n', stderr);
    va_end (ap);
}

/* Print a usage error and where to find the usage of the command, whose
 * usage text begins "Usage: flux-sign ... COMMAND".
 */
static int usage_error (const char *usage, const char *fmt, ...)
    __attribute__ ((format (printf, 2, 3)));

static int usage_error (const char *usage, const char *fmt, ...)
{
    const char *cmd = "";
    va_list ap;

    va_start (ap, fmt);
    fputs ("flux-sign: ", stderr);
    vfprintf (stderr, fmt, ap);
    fputc ('\n', stderr);
    va_end (ap);
    if (usage != global_usage) {
        for (size_t i = 0; i < SUBCOMMAND_COUNT; i++) {
            if (subcommands[i].usage == usage)
                cmd = subcommands[i].name;
        }
    }
    fprintf (stderr, "Try 'flux-sign %s%s--help' for more information.\n", cmd,
             *cmd ? " " : "");
    return EXIT_USAGE;
}

static int help (const char *usage)
{
    fputs (usage, stdout);
    return fflush (stdout) == 0 ? EXIT_OK : EXIT_ERR;
}

/* A getopt_long() result of '?' or ':' (optstring starts with ':'). */
static int bad_option (const char *usage, int c, char **argv)
{
    const char *opt = argv[optind - 1];

    if (c == ':')
        return usage_error (usage, "option '%s' needs an argument", opt);
    if (optopt && strncmp (opt, "--", 2) != 0)
        return usage_error (usage, "unknown option '-%c'", optopt);
    return usage_error (usage, "unknown option '%s'", opt);
}

/* Wipe and free 'len' bytes at 'buf' (NULL is a no-op); keeps errno. */
static void wipe_free (void *buf, size_t len)
{
    if (buf) {
        int saved_errno = errno;
        sodium_memzero (buf, len);
        free (buf);
        errno = saved_errno;
    }
}

/* Double the buffer of read_all(), to at most 'limit' bytes; the old one
 * is wiped (it may hold a payload).
 */
static int grow (char **bufp, size_t len, size_t *capp, size_t limit)
{
    size_t cap = *capp ? *capp * 2 : READ_CHUNK;
    char *buf;

    if (cap > limit)
        cap = limit;
    if (!(buf = malloc (cap)))
        return -1;
    if (*bufp)
        memcpy (buf, *bufp, len);
    wipe_free (*bufp, *capp);
    *bufp = buf;
    *capp = cap;
    return 0;
}

/* Read 'fd' to its end into a new NUL-terminated buffer of at most 'max'
 * bytes (plus the NUL), which the caller wipes and frees.  Returns 0, or
 * -1 with errno set (EFBIG: more than 'max' bytes).
 */
static int read_all (int fd, size_t max, char **bufp, size_t *lenp)
{
    char *buf = NULL;
    size_t cap = 0;
    size_t len = 0;
    ssize_t n;

    for (;;) {
        if (len + 1 >= cap && grow (&buf, len, &cap, max + 2) < 0)
            goto error;
        if ((n = read (fd, buf + len, cap - len - 1)) < 0) {
            if (errno == EINTR)
                continue;
            goto error;
        }
        if (n == 0)
            break;
        len += (size_t)n;
        if (len > max) {
            errno = EFBIG;
            goto error;
        }
    }
    buf[len] = '\0';
    *bufp = buf;
    *lenp = len;
    return 0;
error:
    wipe_free (buf, cap);
    return -1;
}

/* read_all() of 'path', or of stdin when path is NULL or "-".  Prints the
 * error.  'what' names the contents in the error text.
 */
static int read_input (
    const char *path, size_t max, const char *what, char **bufp, size_t *lenp)
{
    bool use_stdin = !path || strcmp (path, "-") == 0;
    const char *name = use_stdin ? "stdin" : path;
    int fd = STDIN_FILENO;
    int rc;

    if (!use_stdin && (fd = open (path, O_RDONLY | O_CLOEXEC)) < 0) {
        say ("%s: %s", path, strerror (errno));
        return -1;
    }
    if ((rc = read_all (fd, max, bufp, lenp)) < 0) {
        if (errno == EFBIG)
            say ("%s: %s is larger than %zu MiB", name, what, max / MiB);
        else
            say ("%s: %s", name, strerror (errno));
    }
    if (!use_stdin)
        close (fd);
    return rc;
}

static int write_all (int fd, const void *buf, size_t len)
{
    const char *p = buf;
    ssize_t n;

    while (len > 0) {
        if ((n = write (fd, p, len)) < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

/* The library's text of the last error of 'ctx'. */
static void say_ctx (flux_security_t *ctx)
{
    const char *text = flux_security_last_error (ctx);

    say ("%s", text ? text : strerror (errno));
}

/* A context configured from 'pattern' (NULL: the installed conf.d), or
 * NULL with the error printed.
 */
static flux_security_t *security_open (const char *pattern)
{
    flux_security_t *ctx;

    if (!(ctx = flux_security_create (0))) {
        say ("flux_security_create: %s", strerror (errno));
        return NULL;
    }
    if (flux_security_configure (ctx, pattern) < 0) {
        say_ctx (ctx);
        flux_security_destroy (ctx);
        return NULL;
    }
    return ctx;
}

/* A user name or a decimal uid. */
static int parse_user (const char *s, int64_t *uidp)
{
    struct passwd *pw;
    char *end;
    long long n;

    if (*s >= '0' && *s <= '9') {
        errno = 0;
        n = strtoll (s, &end, 10);
        if (errno != 0 || *end != '\0' || n < 0 || n >= (long long)UINT32_MAX)
            return -1;
        *uidp = (int64_t)n;
        return 0;
    }
    if (*s == '\0' || !(pw = getpwnam (s)))
        return -1;
    *uidp = (int64_t)pw->pw_uid;
    return 0;
}

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
            if (parse_user (optarg, &o->as) < 0)
                return usage_error (sign_usage, "--as: unknown user '%s'",
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
            return bad_option (sign_usage, c, argv);
        }
    }
    if (optind < argc)
        return usage_error (sign_usage, "unexpected argument '%s'",
                            argv[optind]);
    return EXIT_OK;
}

static int cmd_sign (int argc, char **argv, const char *config)
{
    struct sign_opts o = {.config = config};
    flux_security_t *ctx = NULL;
    char *payload = NULL;
    size_t len = 0;
    const char *s;
    int rc;

    if ((rc = sign_parse (argc, argv, &o)) != EXIT_OK)
        return rc == PARSE_HELP ? help (sign_usage) : rc;
    rc = EXIT_ERR;
    if (read_input (o.input, MAX_PAYLOAD, "the payload", &payload, &len) < 0
        || !(ctx = security_open (o.config)))
        goto out;
    if (o.as_set)
        s = flux_sign_wrap_as (ctx, o.as, payload, (int)len, o.mech, 0);
    else
        s = flux_sign_wrap (ctx, payload, (int)len, o.mech, 0);
    if (!s) {
        say_ctx (ctx);
        goto out;
    }
    if (printf ("%s\n", s) < 0 || fflush (stdout) != 0) {
        say ("stdout: %s", strerror (errno));
        goto out;
    }
    rc = EXIT_OK;
out:
    wipe_free (payload, len + 1);
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
            return bad_option (verify_usage, c, argv);
        }
    }
    if (optind < argc)
        o->input = argv[optind++];
    if (optind < argc)
        return usage_error (verify_usage, "unexpected argument '%s'",
                            argv[optind]);
    return EXIT_OK;
}

/* Strip one trailing newline; refuse a NUL byte, which would silently cut
 * the message short.
 */
static int signed_string (char *buf, size_t *lenp)
{
    if (memchr (buf, '\0', *lenp)) {
        say ("the signed message contains a NUL byte");
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
            say ("%s: file exists: not overwriting it", path);
        else
            say ("%s: %s", path, strerror (errno));
        return -1;
    }
    if (write_all (fd, buf, len) < 0 || close (fd) < 0) {
        say ("%s: %s", path, strerror (errno));
        (void)unlink (path); /* do not leave a truncated payload */
        return -1;
    }
    return 0;
}

static int write_payload (const char *output, const void *buf, size_t len)
{
    if (output)
        return write_output (output, buf, len);
    if (write_all (STDOUT_FILENO, buf, len) < 0) {
        say ("stdout: %s", strerror (errno));
        return -1;
    }
    return 0;
}

static int cmd_verify (int argc, char **argv, const char *config)
{
    struct verify_opts o = {.config = config};
    flux_security_t *ctx = NULL;
    struct sign_info info;
    char *input = NULL;
    size_t len = 0;
    const void *payload;
    int payloadsz;
    int rc;

    if ((rc = verify_parse (argc, argv, &o)) != EXIT_OK)
        return rc == PARSE_HELP ? help (verify_usage) : rc;
    rc = EXIT_ERR;
    if (read_input (o.input, MAX_SIGNED, "the signed message", &input, &len) < 0
        || signed_string (input, &len) < 0 || !(ctx = security_open (o.config)))
        goto out;
    if (sign_unwrap_info (ctx, input, &payload, &payloadsz, &info, o.flags)
        < 0) {
        say_ctx (ctx);
        goto out;
    }
    print_info (&info, o.flags);
    if (write_payload (o.output, payload, (size_t)payloadsz) < 0)
        goto out;
    rc = EXIT_OK;
out:
    wipe_free (input, len + 1);
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
        say ("%s: %s", path, strerror (errno));
        return -1;
    }
    if (S_ISLNK (st.st_mode)) {
        say ("%s is a symbolic link: refusing to replace it", path);
        return -1;
    }
    if (!S_ISREG (st.st_mode)) {
        say ("%s exists and is not a regular file", path);
        return -1;
    }
    if (!force) {
        say ("%s exists: not overwriting it (--force replaces it)", path);
        return -1;
    }
    if (unlink (path) < 0) {
        say ("%s: %s", path, strerror (errno));
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
        say ("%s", strerror (errno));
        return -1;
    }
    dir = dirname (copy);
    if (stat (dir, &st) < 0) {
        if (errno == ENOENT)
            say ("directory %s does not exist: create it first"
                 " (mkdir -p %s)",
                 dir, dir);
        else
            say ("%s: %s", dir, strerror (errno));
    }
    else if (!S_ISDIR (st.st_mode))
        say ("%s is not a directory", dir);
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
        return usage_error (usage, "PATH is missing");
    if (optind + 1 < argc)
        return usage_error (usage, "unexpected argument '%s'",
                            argv[optind + 1]);
    if (argv[optind][0] == '\0')
        return usage_error (usage, "PATH is empty");
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
            return bad_option (keygen_usage, c, argv);
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
        say ("cannot create a certificate: %s", strerror (errno));
        return -1;
    }
    if (sigcert_meta_set_int64 (cert, "userid", (int64_t)getuid ()) < 0
        || sigcert_meta_set_timestamp (cert, "ctime", time (NULL)) < 0)
        say ("cannot set the certificate metadata: %s", strerror (errno));
    else if (sigcert_store (cert, path, &err) < 0)
        say ("%s", err.text[0] ? err.text : strerror (errno));
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
        return rc == PARSE_HELP ? help (keygen_usage) : rc;
    rc = EXIT_ERR;
    no_core_dumps ();
    if (!(pub = malloc (strlen (path) + sizeof (".pub")))) {
        say ("%s", strerror (errno));
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

    if (!(ctx = security_open (pattern)))
        return -1;
    if (!(cf = security_get_config (ctx))) {
        say_ctx (ctx);
        goto out;
    }
    if (cf_get (cf, "ca", CF_TABLE, NULL, &err) < 0) {
        if (errno == ENOENT)
            say ("no [ca] table in %s: cannot check the certificate", pattern);
        else
            say ("%s", err.text);
        goto out;
    }
    if (!(ca = ca_create (cf, &err)) || ca_load (ca, false, &err) < 0) {
        say ("%s", err.text);
        goto out;
    }
    if (ca_verify (ca, cert, time (NULL), &userid, &max_sign_ttl, &err) < 0) {
        printf ("CA verification: failed\n");
        say ("ca: %s", err.text);
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
            return bad_option (certinfo_usage, c, argv);
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
        return rc == PARSE_HELP ? help (certinfo_usage) : rc;
    if (!(name = strdup (path))) {
        say ("%s", strerror (errno));
        return EXIT_ERR;
    }
    len = strlen (name);
    if (len > 4 && strcmp (name + len - 4, ".pub") == 0)
        name[len - 4] = '\0';
    rc = EXIT_ERR;
    if (!(cert = sigcert_load (name, false, &err))) {
        say ("%s", err.text[0] ? err.text : strerror (errno));
        goto out;
    }
    print_cert (cert);
    if (fflush (stdout) != 0) {
        say ("stdout: %s", strerror (errno));
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

static const struct subcommand *subcommand_find (const char *name)
{
    for (size_t i = 0; i < SUBCOMMAND_COUNT; i++) {
        if (strcmp (subcommands[i].name, name) == 0)
            return &subcommands[i];
    }
    return NULL;
}

int main (int argc, char **argv)
{
    static const struct option opts[] = {
        {"config", required_argument, NULL, 'c'},
        {"help", no_argument, NULL, 'h'},
        {"version", no_argument, NULL, 'V'},
        {0},
    };
    const struct subcommand *cmd;
    const char *config = NULL;
    int c, rc;

    opterr = 0;
    while ((c = getopt_long (argc, argv, "+:c:hV", opts, NULL)) != -1) {
        switch (c) {
        case 'c':
            config = optarg;
            break;
        case 'h':
            return help (global_usage);
        case 'V':
            printf ("flux-sign (flux-security) %s\n",
                    flux_security_version_string ());
            return fflush (stdout) == 0 ? EXIT_OK : EXIT_ERR;
        default:
            return bad_option (global_usage, c, argv);
        }
    }
    if (optind >= argc)
        return usage_error (global_usage, "a command is required");
    if (!(cmd = subcommand_find (argv[optind])))
        return usage_error (global_usage, "unknown command '%s'", argv[optind]);
    rc = cmd->run (argc - optind, argv + optind, config);
    if (fflush (stdout) != 0 && rc == EXIT_OK) {
        say ("stdout: %s", strerror (errno));
        rc = EXIT_ERR;
    }
    return rc;
}
