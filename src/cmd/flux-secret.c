/* flux-secret - seal a secret for one user, open it as that user, and mask
 * secrets in logs, for prolog scripts and jobs (flux-secret(1)).
 *
 *   flux-secret [--config PATTERN] seal --uid USER [--ttl S]
 *                                       [--strip-newline]
 *   flux-secret [--config PATTERN] open [--sealer]
 *                                       [--output FILE | --env NAME
 *                                        [--] COMMAND [ARGS...]]
 *   flux-secret redact [--pattern GLOB]... [FILE]
 *
 * Exit status: 0 success, 1 error, 2 usage error, and for a refused open:
 * 3 expired, 4 not sealed for this user, 5 already opened on this node.
 * open --env: 126 COMMAND cannot be run, 127 COMMAND not found, else the
 * status of COMMAND.  Errors are printed as "flux-secret: <text>", with
 * the library's text unchanged.
 *
 * SECURITY INVARIANTS
 * - Not privileged: it runs with the caller's identity; munged decides who
 *   may open a sealed secret.
 * - The secret enters only through stdin (seal) or a sealed string on
 *   stdin (open), never argv, and leaves only through stdout, a new file
 *   of mode 0600, or the environment of the one command it execs.  No
 *   secret byte enters an error message.
 * - Core dumps are disabled (RLIMIT_CORE 0, PR_SET_DUMPABLE 0) before
 *   anything is read; the command run by open --env gets the caller's
 *   RLIMIT_CORE back.
 * - Every buffer that held a secret is wiped with sodium_memzero() before
 *   it is freed; the library wipes its own copies.
 * - Everything that can be checked is checked before the sealed string is
 *   opened (a secret opens once per node): options, the environment
 *   variable name, and the output file, which is created first with
 *   O_CREAT|O_EXCL|O_NOFOLLOW and removed if the open fails.
 */
#define _GNU_SOURCE /* strcasestr */
#if HAVE_CONFIG_H
#include "config.h"
#endif
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <unistd.h>
#include <sodium.h>

#include "flux/security/context.h"
#include "flux/security/secret.h"
#include "flux/security/version.h"
#include "cmd_util.h"

enum {
    EXIT_EXPIRED = 3,
    EXIT_NOT_MINE = 4,
    EXIT_REPLAYED = 5,
    EXIT_CANNOT_EXEC = 126,
    EXIT_NOT_FOUND = 127,
};

#define MAX_SECRET (256 * KiB) /* seal: largest secret */
#define MAX_SEALED (1 * MiB)   /* open: MUNGE's largest request */
#define MAX_TEXT (64 * MiB)    /* redact: the library's limit */
#define MAX_ENV_NAME 255       /* open --env NAME */

static const char global_usage[] =
    "Usage: flux-secret [--config PATTERN] COMMAND [OPTIONS] [ARGS]\n"
    "\n"
    "Seal a secret for one user with MUNGE, open it as that user, and mask\n"
    "secrets in logs.\n"
    "\n"
    "Commands:\n"
    "  seal    seal the secret read from stdin for a user\n"
    "  open    open the sealed string read from stdin\n"
    "  redact  mask secrets in text or a JSON-lines eventlog\n"
    "\n"
    "Options:\n"
    "  -c, --config=PATTERN  configuration files (glob(3) pattern); default:\n"
    "                        the installed security conf.d\n"
    "  -h, --help            print this help; COMMAND --help for a command\n"
    "  -V, --version         print the library version\n";

static const char seal_usage[] =
    "Usage: flux-secret [--config PATTERN] seal --uid USER [--ttl S]\n"
    "                   [--strip-newline]\n"
    "\n"
    "Seal the secret read from stdin (at most 256 KiB, any bytes, kept as\n"
    "they are) so that only USER can open it, and print the sealed string\n"
    "and a newline on stdout.\n"
    "\n"
    "  -u, --uid=USER        the user who may open it (name or uid)\n"
    "  -t, --ttl=S           seconds it stays valid (default: [secret]\n"
    "                        default-ttl, at most [secret] max-ttl)\n"
    "  -n, --strip-newline   remove one trailing newline from the secret\n"
    "  -c, --config=PATTERN  configuration files (glob(3) pattern)\n"
    "  -h, --help            print this help\n";

static const char open_usage[] =
    "Usage: flux-secret [--config PATTERN] open [--sealer]\n"
    "                   [--output FILE | --env NAME [--] COMMAND [ARGS...]]\n"
    "\n"
    "Open the sealed string read from stdin and write the secret to stdout,\n"
    "to the new file FILE (mode 0600), or into the environment variable\n"
    "NAME of COMMAND, which replaces flux-secret.\n"
    "\n"
    "  -o, --output=FILE     write the secret to the new file FILE\n"
    "  -e, --env=NAME        run COMMAND with the secret in NAME\n"
    "  -s, --sealer          print who sealed it on stderr\n"
    "  -c, --config=PATTERN  configuration files (glob(3) pattern)\n"
    "  -h, --help            print this help\n"
    "\n"
    "Exit status: 3 expired, 4 not sealed for this user, 5 already opened\n"
    "on this node, 1 other errors, 2 usage errors.\n";

static const char redact_usage[] =
    "Usage: flux-secret redact [--pattern GLOB]... [FILE]\n"
    "\n"
    "Copy FILE (default: stdin) to stdout with the values of sensitive\n"
    "keys and anything shaped like a JWT or a MUNGE credential replaced\n"
    "by ***.\n"
    "\n"
    "  -p, --pattern=GLOB  a sensitive name (case-insensitive fnmatch(3)\n"
    "                      pattern); repeatable; replaces the default list\n"
    "                      *TOKEN* *SECRET* *PASSWORD* *KEY*\n"
    "  -h, --help          print this help\n";

static int cmd_seal (int argc, char **argv, const char *config);
static int cmd_open (int argc, char **argv, const char *config);
static int cmd_redact (int argc, char **argv, const char *config);

static const struct cmd_sub subcommands[] = {
    {"seal", cmd_seal, seal_usage},
    {"open", cmd_open, open_usage},
    {"redact", cmd_redact, redact_usage},
};
#define SUBCOMMAND_COUNT (sizeof (subcommands) / sizeof (subcommands[0]))

/* RLIMIT_CORE as the caller set it, given back to open --env's COMMAND. */
static struct rlimit saved_core_limit;
static bool saved_core_limit_valid;

/* A positive decimal number of seconds. */
static int parse_ttl (const char *s, int *ttlp)
{
    char *end;
    long n;

    if (*s < '0' || *s > '9')
        return -1;
    errno = 0;
    n = strtol (s, &end, 10);
    if (errno != 0 || *end != '\0' || n < 1 || n > INT32_MAX)
        return -1;
    *ttlp = (int)n;
    return 0;
}

/* No core dump may hold a secret. */
static void no_core_dumps (void)
{
    struct rlimit rl = {0, 0};

    if (getrlimit (RLIMIT_CORE, &saved_core_limit) == 0)
        saved_core_limit_valid = true;
    (void)setrlimit (RLIMIT_CORE, &rl);
    (void)prctl (PR_SET_DUMPABLE, 0, 0, 0, 0);
}

/*
 * seal
 */
struct seal_opts {
    const char *config;
    bool uid_set;
    int64_t uid;
    int ttl;
    bool strip_newline;
};

static int seal_parse (int argc, char **argv, struct seal_opts *o)
{
    static const struct option opts[] = {
        {"uid", required_argument, NULL, 'u'},
        {"ttl", required_argument, NULL, 't'},
        {"strip-newline", no_argument, NULL, 'n'},
        {"config", required_argument, NULL, 'c'},
        {"help", no_argument, NULL, 'h'},
        {0},
    };
    int c;

    optind = 0;
    while ((c = getopt_long (argc, argv, ":u:t:nc:h", opts, NULL)) != -1) {
        switch (c) {
        case 'u':
            if (cmd_parse_user (optarg, &o->uid) < 0)
                return cmd_usage_error (seal_usage, "--uid: unknown user '%s'",
                                        optarg);
            o->uid_set = true;
            break;
        case 't':
            if (parse_ttl (optarg, &o->ttl) < 0)
                return cmd_usage_error (seal_usage,
                                        "--ttl: '%s' is not a positive number "
                                        "of seconds",
                                        optarg);
            break;
        case 'n':
            o->strip_newline = true;
            break;
        case 'c':
            o->config = optarg;
            break;
        case 'h':
            return PARSE_HELP;
        default:
            return cmd_bad_option (seal_usage, c, argv);
        }
    }
    if (optind < argc)
        return cmd_usage_error (seal_usage,
                                "unexpected argument (the secret is read from "
                                "stdin, never from the command line)");
    if (!o->uid_set)
        return cmd_usage_error (seal_usage, "--uid USER is required");
    return EXIT_OK;
}

static int cmd_seal (int argc, char **argv, const char *config)
{
    struct seal_opts o = {.config = config};
    flux_security_t *ctx = NULL;
    struct cmd_input in = {0};
    size_t len;
    const char *sealed;
    int rc;

    if ((rc = seal_parse (argc, argv, &o)) != EXIT_OK)
        return rc == PARSE_HELP ? cmd_help (seal_usage) : rc;
    rc = EXIT_ERR;
    if (cmd_read_input (NULL, MAX_SECRET, "the secret", "256 KiB", &in) < 0
        || !(ctx = cmd_security_open (o.config)))
        goto out;
    len = in.len;
    if (o.strip_newline && len > 0 && in.buf[len - 1] == '\n')
        len--;
    if (!(sealed = flux_secret_seal (ctx, o.uid, in.buf, (int)len, o.ttl, 0))) {
        cmd_say_ctx (ctx);
        goto out;
    }
    if (printf ("%s\n", sealed) < 0 || fflush (stdout) != 0) {
        cmd_say ("stdout: %s", strerror (errno));
        goto out;
    }
    rc = EXIT_OK;
out:
    cmd_input_wipe (&in);
    flux_security_destroy (ctx);
    return rc;
}

/*
 * open
 */
struct open_opts {
    const char *config;
    const char *output;
    const char *env;
    bool sealer;
    char **command; /* NULL-terminated, from argv */
};

/* [A-Za-z_][A-Za-z0-9_]*, at most MAX_ENV_NAME characters. */
static bool valid_env_name (const char *s)
{
    size_t len = strlen (s);

    if (len == 0 || len > MAX_ENV_NAME || (*s >= '0' && *s <= '9'))
        return false;
    return strspn (s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                      "0123456789_")
           == len;
}

static int open_check (int argc, char **argv, struct open_opts *o)
{
    if (o->output && o->env)
        return cmd_usage_error (open_usage,
                                "--output and --env cannot be used together");
    if (o->env && !valid_env_name (o->env))
        return cmd_usage_error (
            open_usage,
            "--env: '%s' is not a valid variable name "
            "([A-Za-z_][A-Za-z0-9_]*, at most %d characters)",
            o->env, MAX_ENV_NAME);
    if (o->env && optind >= argc)
        return cmd_usage_error (open_usage, "--env NAME needs a COMMAND");
    if (!o->env && optind < argc)
        return cmd_usage_error (open_usage,
                                "unexpected argument '%s' (a COMMAND needs "
                                "--env NAME)",
                                argv[optind]);
    if (o->output && o->output[0] == '\0')
        return cmd_usage_error (open_usage, "--output: FILE is empty");
    if (o->env)
        o->command = argv + optind;
    return EXIT_OK;
}

static int open_parse (int argc, char **argv, struct open_opts *o)
{
    static const struct option opts[] = {
        {"output", required_argument, NULL, 'o'},
        {"env", required_argument, NULL, 'e'},
        {"sealer", no_argument, NULL, 's'},
        {"config", required_argument, NULL, 'c'},
        {"help", no_argument, NULL, 'h'},
        {0},
    };
    int c;

    optind = 0;
    /* '+': options stop at COMMAND, whose own options are its business */
    while ((c = getopt_long (argc, argv, "+:o:e:sc:h", opts, NULL)) != -1) {
        switch (c) {
        case 'o':
            o->output = optarg;
            break;
        case 'e':
            o->env = optarg;
            break;
        case 's':
            o->sealer = true;
            break;
        case 'c':
            o->config = optarg;
            break;
        case 'h':
            return PARSE_HELP;
        default:
            return cmd_bad_option (open_usage, c, argv);
        }
    }
    return open_check (argc, argv, o);
}

/* One trailing newline is dropped; a NUL byte would cut the string. */
static int sealed_string (struct cmd_input *in)
{
    if (memchr (in->buf, '\0', in->len)) {
        cmd_say ("the sealed string contains a NUL byte");
        return -1;
    }
    if (in->len > 0 && in->buf[in->len - 1] == '\n')
        in->buf[--in->len] = '\0';
    return 0;
}

/* The exit status of a refused open, from the library's error. */
static int open_status (flux_security_t *ctx, int errnum)
{
    const char *text = flux_security_last_error (ctx);

    if (errnum != EPERM || !text)
        return EXIT_ERR;
    if (strstr (text, "secret-open: expired"))
        return EXIT_EXPIRED;
    if (strstr (text, "not sealed for this user")
        || strcasestr (text, "Unauthorized"))
        return EXIT_NOT_MINE;
    if (strstr (text, "already opened once"))
        return EXIT_REPLAYED;
    return EXIT_ERR;
}

static void print_sealer (int64_t uid)
{
    struct passwd *pw = getpwuid ((uid_t)uid);

    if (pw)
        fprintf (stderr, "sealed by uid %" PRId64 " (%s)\n", uid, pw->pw_name);
    else
        fprintf (stderr, "sealed by uid %" PRId64 " (unknown user)\n", uid);
}

/* Create the new file 'path' for the secret: never an existing file or a
 * symbolic link.  Returns the descriptor or -1 with the error printed.
 */
static int output_create (const char *path)
{
    int fd;

    fd =
        open (path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0) {
        if (errno == EEXIST)
            cmd_say ("%s: file exists: not overwriting it", path);
        else
            cmd_say ("%s: %s", path, strerror (errno));
    }
    return fd;
}

/* Write the secret to the file 'fd' created at 'path', or to stdout. */
static int output_write (const char *path, int fd, const void *buf, size_t len)
{
    if (!path) {
        if (cmd_write_all (STDOUT_FILENO, buf, len) < 0) {
            cmd_say ("stdout: %s", strerror (errno));
            return -1;
        }
        return 0;
    }
    if (cmd_write_all (fd, buf, len) < 0 || fsync (fd) < 0) {
        cmd_say ("%s: %s", path, strerror (errno));
        return -1;
    }
    return 0;
}

/* Replace this process with the command, the secret in its environment
 * as NAME.  Returns only on failure, with the exit status.
 */
static int
exec_with_secret (const struct open_opts *o, const char *secret, size_t len)
{
    size_t namelen = strlen (o->env);
    size_t size = namelen + 1 + len + 1;
    char *entry;
    int errnum;

    if (memchr (secret, '\0', len)) {
        cmd_say ("the secret contains a NUL byte: it cannot be put in the "
                 "environment (use --output)");
        return EXIT_ERR;
    }
    if (!(entry = malloc (size))) {
        cmd_say ("%s", strerror (errno));
        return EXIT_ERR;
    }
    memcpy (entry, o->env, namelen);
    entry[namelen] = '=';
    memcpy (entry + namelen + 1, secret, len);
    entry[size - 1] = '\0';
    if (putenv (entry) != 0) {
        cmd_say ("%s: %s", o->env, strerror (errno));
        cmd_wipe_free (entry, size);
        return EXIT_ERR;
    }
    if (saved_core_limit_valid)
        (void)setrlimit (RLIMIT_CORE, &saved_core_limit);
    execvp (o->command[0], o->command);
    errnum = errno;
    (void)unsetenv (o->env);
    cmd_wipe_free (entry, size);
    cmd_say ("%s: %s", o->command[0], strerror (errnum));
    return errnum == ENOENT ? EXIT_NOT_FOUND : EXIT_CANNOT_EXEC;
}

/* Open the sealed input; deliver the secret as 'o' says. */
static int open_deliver (flux_security_t *ctx,
                         const struct open_opts *o,
                         const char *sealed,
                         int fd)
{
    const void *secret;
    int secretsz;
    int64_t sealer;
    int errnum;

    if (flux_secret_open (ctx, sealed, &secret, &secretsz, &sealer, 0) < 0) {
        errnum = errno;
        cmd_say_ctx (ctx);
        return open_status (ctx, errnum);
    }
    if (o->sealer)
        print_sealer (sealer);
    if (!secret)
        secret = "";
    if (o->env)
        return exec_with_secret (o, secret, (size_t)secretsz);
    if (output_write (o->output, fd, secret, (size_t)secretsz) < 0)
        return EXIT_ERR;
    return EXIT_OK;
}

static int cmd_open (int argc, char **argv, const char *config)
{
    struct open_opts o = {.config = config};
    flux_security_t *ctx = NULL;
    struct cmd_input in = {0};
    int fd = -1;
    int rc;

    if ((rc = open_parse (argc, argv, &o)) != EXIT_OK)
        return rc == PARSE_HELP ? cmd_help (open_usage) : rc;
    rc = EXIT_ERR;
    if (cmd_read_input (NULL, MAX_SEALED, "the sealed string", "1 MiB", &in) < 0
        || sealed_string (&in) < 0 || !(ctx = cmd_security_open (o.config)))
        goto out;
    if (o.output && (fd = output_create (o.output)) < 0)
        goto out;
    rc = open_deliver (ctx, &o, in.buf, fd);
    if (fd >= 0 && close (fd) < 0 && rc == EXIT_OK) {
        cmd_say ("%s: %s", o.output, strerror (errno));
        rc = EXIT_ERR;
    }
    if (fd >= 0 && rc != EXIT_OK)
        (void)unlink (o.output); /* no empty or partial secret left */
out:
    cmd_input_wipe (&in);
    flux_security_destroy (ctx);
    return rc;
}

/*
 * redact
 */
struct redact_opts {
    const char **patterns; /* NULL: the library's defaults */
    size_t npatterns;
    const char *input;
};

static int redact_parse (int argc, char **argv, struct redact_opts *o)
{
    static const struct option opts[] = {
        {"pattern", required_argument, NULL, 'p'},
        {"help", no_argument, NULL, 'h'},
        {0},
    };
    int c;

    optind = 0;
    while ((c = getopt_long (argc, argv, ":p:h", opts, NULL)) != -1) {
        switch (c) {
        case 'p':
            if (optarg[0] == '\0')
                return cmd_usage_error (redact_usage,
                                        "--pattern: GLOB is empty");
            o->patterns[o->npatterns++] = optarg;
            break;
        case 'h':
            return PARSE_HELP;
        default:
            return cmd_bad_option (redact_usage, c, argv);
        }
    }
    if (optind < argc)
        o->input = argv[optind++];
    if (optind < argc)
        return cmd_usage_error (redact_usage, "unexpected argument '%s'",
                                argv[optind]);
    return EXIT_OK;
}

static int cmd_redact (int argc, char **argv, const char *config)
{
    struct redact_opts o = {0};
    struct cmd_input in = {0};
    char *out = NULL;
    size_t outlen = 0;
    int rc;

    (void)config;
    /* at most one pattern per argument, plus the NULL */
    if (!(o.patterns = calloc ((size_t)argc + 1, sizeof (*o.patterns)))) {
        cmd_say ("%s", strerror (errno));
        return EXIT_ERR;
    }
    if ((rc = redact_parse (argc, argv, &o)) != EXIT_OK) {
        rc = rc == PARSE_HELP ? cmd_help (redact_usage) : rc;
        goto out;
    }
    rc = EXIT_ERR;
    if (cmd_read_input (o.input, MAX_TEXT, "the text", "64 MiB", &in) < 0)
        goto out;
    if (!(out = flux_secret_redact (
              in.buf, in.len, o.npatterns ? o.patterns : NULL, &outlen))) {
        cmd_say ("redact: %s", strerror (errno));
        goto out;
    }
    if (cmd_write_all (STDOUT_FILENO, out, outlen) < 0) {
        cmd_say ("stdout: %s", strerror (errno));
        goto out;
    }
    rc = EXIT_OK;
out:
    cmd_wipe_free (out, outlen);
    cmd_input_wipe (&in);
    free (o.patterns);
    return rc;
}

int main (int argc, char **argv)
{
    static const struct cmd_program prog = {
        "flux-secret",
        global_usage,
        subcommands,
        SUBCOMMAND_COUNT,
    };

    no_core_dumps ();
    return cmd_main (&prog, argc, argv);
}
