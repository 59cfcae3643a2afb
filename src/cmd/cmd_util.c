/* cmd_util.c - see cmd_util.h */
#if HAVE_CONFIG_H
#include "config.h"
#endif
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sodium.h>

#include "flux/security/version.h"
#include "cmd_util.h"

#define READ_CHUNK ((size_t)64 * 1024) /* first buffer size of read_all */

static const struct cmd_program *program;

static const char *program_name (void)
{
    return program ? program->name : "flux-security";
}

static __attribute__ ((format (printf, 1, 0))) void
vsay (const char *fmt, va_list ap)
{
    fprintf (stderr, "%s: ", program_name ());
    vfprintf (stderr, fmt, ap);
    fputc ('\n', stderr);
}

void cmd_say (const char *fmt, ...)
{
    va_list ap;

    va_start (ap, fmt);
    vsay (fmt, ap);
    va_end (ap);
}

void cmd_say_ctx (flux_security_t *ctx)
{
    const char *text = flux_security_last_error (ctx);

    cmd_say ("%s", text ? text : strerror (errno));
}

int cmd_usage_error (const char *usage, const char *fmt, ...)
{
    const char *cmd = "";
    va_list ap;

    va_start (ap, fmt);
    vsay (fmt, ap);
    va_end (ap);
    for (size_t i = 0; program && i < program->count; i++) {
        if (program->subs[i].usage == usage)
            cmd = program->subs[i].name;
    }
    fprintf (stderr, "Try '%s %s%s--help' for more information.\n",
             program_name (), cmd, *cmd ? " " : "");
    return EXIT_USAGE;
}

int cmd_help (const char *usage)
{
    fputs (usage, stdout);
    return fflush (stdout) == 0 ? EXIT_OK : EXIT_ERR;
}

int cmd_bad_option (const char *usage, int c, char **argv)
{
    const char *opt = argv[optind - 1];

    if (c == ':')
        return cmd_usage_error (usage, "option '%s' needs an argument", opt);
    if (optopt && strncmp (opt, "--", 2) != 0)
        return cmd_usage_error (usage, "unknown option '-%c'", optopt);
    return cmd_usage_error (usage, "unknown option '%s'", opt);
}

void cmd_wipe_free (void *buf, size_t len)
{
    if (buf) {
        int saved_errno = errno;
        sodium_memzero (buf, len);
        free (buf);
        errno = saved_errno;
    }
}

void cmd_input_wipe (struct cmd_input *in)
{
    cmd_wipe_free (in->buf, in->cap);
    in->buf = NULL;
    in->len = in->cap = 0;
}

/* Double the buffer of read_all(), to at most 'limit' bytes; the old one
 * is wiped (it may hold a secret).
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
    cmd_wipe_free (*bufp, *capp);
    *bufp = buf;
    *capp = cap;
    return 0;
}

/* Read 'fd' to its end into 'in', at most 'max' bytes (plus the NUL).
 * Returns 0, or -1 with errno set (EFBIG: more than 'max' bytes).
 */
static int read_all (int fd, size_t max, struct cmd_input *in)
{
    struct cmd_input r = {NULL, 0, 0};
    ssize_t n;

    for (;;) {
        if (r.len + 1 >= r.cap && grow (&r.buf, r.len, &r.cap, max + 2) < 0)
            goto error;
        if ((n = read (fd, r.buf + r.len, r.cap - r.len - 1)) < 0) {
            if (errno == EINTR)
                continue;
            goto error;
        }
        if (n == 0)
            break;
        r.len += (size_t)n;
        if (r.len > max) {
            errno = EFBIG;
            goto error;
        }
    }
    r.buf[r.len] = '\0';
    *in = r;
    return 0;
error:
    cmd_input_wipe (&r);
    return -1;
}

int cmd_read_input (const char *path,
                    size_t max,
                    const char *what,
                    const char *limit,
                    struct cmd_input *in)
{
    bool use_stdin = !path || strcmp (path, "-") == 0;
    const char *name = use_stdin ? "stdin" : path;
    int fd = STDIN_FILENO;
    int rc;

    if (!use_stdin && (fd = open (path, O_RDONLY | O_CLOEXEC)) < 0) {
        cmd_say ("%s: %s", path, strerror (errno));
        return -1;
    }
    if ((rc = read_all (fd, max, in)) < 0) {
        if (errno == EFBIG)
            cmd_say ("%s: %s is larger than %s", name, what, limit);
        else
            cmd_say ("%s: %s", name, strerror (errno));
    }
    if (!use_stdin)
        close (fd);
    return rc;
}

int cmd_write_all (int fd, const void *buf, size_t len)
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

flux_security_t *cmd_security_open (const char *pattern)
{
    flux_security_t *ctx;

    if (!(ctx = flux_security_create (0))) {
        cmd_say ("flux_security_create: %s", strerror (errno));
        return NULL;
    }
    if (flux_security_configure (ctx, pattern) < 0) {
        cmd_say_ctx (ctx);
        flux_security_destroy (ctx);
        return NULL;
    }
    return ctx;
}

int cmd_parse_user (const char *s, int64_t *uidp)
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

static const struct cmd_sub *find_sub (const char *name)
{
    for (size_t i = 0; i < program->count; i++) {
        if (strcmp (program->subs[i].name, name) == 0)
            return &program->subs[i];
    }
    return NULL;
}

int cmd_main (const struct cmd_program *prog, int argc, char **argv)
{
    static const struct option opts[] = {
        {"config", required_argument, NULL, 'c'},
        {"help", no_argument, NULL, 'h'},
        {"version", no_argument, NULL, 'V'},
        {0},
    };
    const struct cmd_sub *cmd;
    const char *config = NULL;
    int c, rc;

    program = prog;
    opterr = 0;
    while ((c = getopt_long (argc, argv, "+:c:hV", opts, NULL)) != -1) {
        switch (c) {
        case 'c':
            config = optarg;
            break;
        case 'h':
            return cmd_help (prog->usage);
        case 'V':
            printf ("%s (flux-security) %s\n", prog->name,
                    flux_security_version_string ());
            return fflush (stdout) == 0 ? EXIT_OK : EXIT_ERR;
        default:
            return cmd_bad_option (prog->usage, c, argv);
        }
    }
    if (optind >= argc)
        return cmd_usage_error (prog->usage, "a command is required");
    if (!(cmd = find_sub (argv[optind])))
        return cmd_usage_error (prog->usage, "unknown command '%s'",
                                argv[optind]);
    rc = cmd->run (argc - optind, argv + optind, config);
    if (fflush (stdout) != 0 && rc == EXIT_OK) {
        cmd_say ("stdout: %s", strerror (errno));
        rc = EXIT_ERR;
    }
    return rc;
}
