/* cmd_util.h - what the administrator commands (flux-sign, flux-secret)
 * share: messages and usage errors, reading input into wiped buffers, the
 * security context, user names, and the dispatch of subcommands.
 *
 * Messages go to stderr prefixed with the program's name, which
 * cmd_main() records.
 */
#ifndef FLUX_SECURITY_CMD_UTIL_H
#define FLUX_SECURITY_CMD_UTIL_H

#include <stddef.h>
#include <stdint.h>

#include "flux/security/context.h"

enum { EXIT_OK = 0, EXIT_ERR = 1, EXIT_USAGE = 2 };

/* What the option parsers return for --help. */
#define PARSE_HELP (-1)

#define KiB ((size_t)1024)
#define MiB ((size_t)1024 * 1024)

struct cmd_sub {
    const char *name;
    int (*run) (int argc, char **argv, const char *config);
    const char *usage;
};

struct cmd_program {
    const char *name;  /* "flux-sign" */
    const char *usage; /* the global usage text */
    const struct cmd_sub *subs;
    size_t count;
};

/* Parse the global options (--config, --help, --version), run the
 * subcommand named next and return its exit code (EXIT_ERR if stdout
 * cannot be flushed after it).
 */
int cmd_main (const struct cmd_program *prog, int argc, char **argv);

/* "<program>: <message>" on stderr. */
void cmd_say (const char *fmt, ...) __attribute__ ((format (printf, 1, 2)));

/* The library's text of the last error of 'ctx' (else strerror (errno)). */
void cmd_say_ctx (flux_security_t *ctx);

/* Print a usage error and where to find the usage text 'usage' (the
 * global one or a subcommand's); returns EXIT_USAGE.
 */
int cmd_usage_error (const char *usage, const char *fmt, ...)
    __attribute__ ((format (printf, 2, 3)));

/* Print 'usage' on stdout; EXIT_OK, or EXIT_ERR if it cannot be written. */
int cmd_help (const char *usage);

/* A getopt_long() result of '?' or ':' (optstring starts with ':'). */
int cmd_bad_option (const char *usage, int c, char **argv);

/* Wipe and free 'len' bytes at 'buf' (NULL is a no-op); keeps errno. */
void cmd_wipe_free (void *buf, size_t len);

/* The contents of an input, NUL-terminated after 'len' bytes, in a buffer
 * of 'cap' bytes: release it with cmd_input_wipe().
 */
struct cmd_input {
    char *buf;
    size_t len;
    size_t cap;
};

void cmd_input_wipe (struct cmd_input *in);

/* Read 'path' (stdin when NULL or "-") to its end, at most 'max' bytes;
 * every buffer it grew through is wiped.  Prints the error, with 'what'
 * and 'limit' (e.g. "256 KiB") describing the input; returns 0 or -1.
 */
int cmd_read_input (const char *path,
                    size_t max,
                    const char *what,
                    const char *limit,
                    struct cmd_input *in);

/* write(2) all of 'len' bytes; 0, or -1 with errno set. */
int cmd_write_all (int fd, const void *buf, size_t len);

/* A context configured from 'pattern' (NULL: the installed conf.d), or
 * NULL with the error printed.
 */
flux_security_t *cmd_security_open (const char *pattern);

/* A user name or a decimal uid below 4294967295: 0 or -1. */
int cmd_parse_user (const char *s, int64_t *uidp);

#endif /* !FLUX_SECURITY_CMD_UTIL_H */
