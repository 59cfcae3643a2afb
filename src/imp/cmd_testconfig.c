/* cmd_testconfig.c - flux-imp testconfig: check both configuration
 * hierarchies as this IMP would read them, and report every problem.
 *
 *     flux-imp testconfig
 *
 * For each hierarchy (the IMP's, then libflux-security's), with the
 * pattern and path paranoia of this build:
 *   1. the pattern must match files (else "No config file(s) found", or
 *      the directory's read error);
 *   2. every file is loaded on its own, with the checks of cf_load()
 *      (ownership and modes on the descriptor, every ancestor, TOML
 *      syntax), so that a problem in one file does not hide another's;
 *   3. IMP: each file is checked against the schema, part by part
 *      (imp_config_check_each()); then the whole hierarchy is loaded
 *      exactly as at startup (imp_config_load()), log-level is checked,
 *      and [ca], when present, is created and its certificate and
 *      secret key loaded as casign would;
 *      security: flux_security_configure() as the library does, then
 *      the [sign] table (sign_config_check()).
 * Each problem is one line on stderr, "flux-imp: testconfig: <text>",
 * naming the file and line where known, followed by a hint; a good
 * hierarchy prints "flux-imp: testconfig: <pattern>: ok".  Exit 0 only
 * if every check passed.
 *
 * It runs before (and instead of) the startup's configuration load and
 * privilege checks, in the invoking process: no privsep, no message.
 * Root may run it (an administrator checks the installed tree); under
 * setuid it runs with euid 0 so that the root-only paranoia applies.
 *
 * SECURITY INVARIANTS
 * - It reads only the files of the build's fixed patterns (the test
 *   build's override exists only in test-imp) and the CA files they
 *   name; it writes nothing, and runs no program.
 * - What a caller may learn: run setuid by a user other than root, it
 *   reports paths, line and column numbers and metadata (ownership,
 *   modes) of every file, but a message derived from the contents of a
 *   file ("<file>:<line>..." texts: keys, values, TOML errors) is shown
 *   only if the caller could read that file itself (access(2), which
 *   uses the real uid); otherwise only its location is shown.  Key
 *   material is never read into a message (sigcert.h, ca.h).
 * - The CA secret key is wiped by ca_destroy().
 */
#define _GNU_SOURCE
#if HAVE_CONFIG_H
#include "config.h"
#endif
#include <ctype.h>
#include <errno.h>
#include <glob.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/ca.h"
#include "flux/security/context.h"
#include "imp_cmds.h"
#include "imp_config.h"
#include "imp_log.h"
#include "lib/sign_info.h"

#ifndef FLUX_SECURITY_CONFDIR
#error FLUX_SECURITY_CONFDIR must be defined by config.h
#endif
#define SECURITY_DEFAULT_PATTERN FLUX_SECURITY_CONFDIR "/*.toml"

struct testconfig {
    bool withhold; /* a caller other than root of a setuid IMP */
    glob_t files;  /* of the hierarchy being checked */
    bool have_files;
    int problems; /* in the hierarchy being checked */
    int total;    /* in all */
};

/* A message about the contents of a file of the hierarchy starts with
 * "<file>:<line>" or "<file>:<line>:<column>".
 */
struct location {
    const char *file;
    size_t len;  /* of the location text */
    bool column; /* a TOML syntax error has one */
};

static bool
location_parse (const char *text, const char *file, struct location *loc)
{
    size_t n = strlen (file);
    int fields = 0;

    if (strncmp (text, file, n) != 0)
        return false;
    while (fields < 2 && text[n] == ':'
           && isdigit ((unsigned char)text[n + 1])) {
        n++;
        while (isdigit ((unsigned char)text[n]))
            n++;
        fields++;
    }
    if (fields == 0)
        return false;
    loc->file = file;
    loc->len = n;
    loc->column = fields == 2;
    return true;
}

static bool content_location (const struct testconfig *tc,
                              const char *text,
                              struct location *loc)
{
    if (!tc->have_files)
        return false;
    for (size_t i = 0; i < tc->files.gl_pathc; i++)
        if (location_parse (text, tc->files.gl_pathv[i], loc))
            return true;
    return false;
}

static const char *hint (int errnum, const char *text, bool toml_syntax)
{
    if (strstr (text, "' is unknown"))
        return "remove the key or correct its name "
               "(flux-config-security-imp(5) lists the keys)";
    if (strstr (text, "' must be of type "))
        return "give the key a value of the type named";
    if (strstr (text, "' must be set") || strstr (text, "not found"))
        return "add the missing key or table";
    if (strstr (text, "No config file(s) found")
        || strstr (text, "matched nothing"))
        return "put the configuration in *.toml files there";
    if (strstr (text, "Read error"))
        return "create the directory, owned by root, mode 0755";
    if (strstr (text, "log-level"))
        return "use debug, info or warning";
    if (strstr (text, "sign: "))
        return "correct [sign] as flux-config-security(5) describes";
    if (strstr (text, "[ca]"))
        return "correct [ca], or create the CA files it names";
    if (toml_syntax)
        return "correct the TOML at that position";
    if (errnum == EPERM || errnum == ELOOP)
        return "make the files and their directories root-owned and "
               "writable only by root, without symbolic links";
    return NULL;
}

/* Report one problem, withholding what the caller may not read. */
static void report (int errnum, const char *text, void *arg)
{
    struct testconfig *tc = arg;
    struct location loc = {0};
    bool content = content_location (tc, text, &loc);
    const char *h = hint (errnum, text, content && loc.column);

    tc->problems++;
    tc->total++;
    if (content && tc->withhold && access (loc.file, R_OK) < 0) {
        imp_print ("testconfig: %.*s: a problem at this position (details "
                   "withheld: the file is not readable by uid %ju; run "
                   "flux-imp testconfig as root to see them)",
                   (int)loc.len, text, (uintmax_t)getuid ());
        return;
    }
    if (h)
        imp_print ("testconfig: %s (hint: %s)", text, h);
    else
        imp_print ("testconfig: %s", text);
}

/* Escape glob(3) metacharacters so that cf_load() matches 'path' only. */
static char *glob_escape (const char *path)
{
    char *s = malloc (2 * strlen (path) + 1);
    char *p = s;

    if (!s)
        return NULL;
    for (; *path; path++) {
        if (strchr ("*?[]\\", *path))
            *p++ = '\\';
        *p++ = *path;
    }
    *p = '\0';
    return s;
}

/* 1: list the files of 'pattern'; false (reported) if there are none. */
static bool
find_files (struct testconfig *tc, const char *pattern, int cf_flags)
{
    struct error err = {{0}};
    struct cf *cf;

    if (glob (pattern, GLOB_ERR, NULL, &tc->files) == 0) {
        tc->have_files = true;
        return true;
    }
    globfree (&tc->files);
    /* cf_load() words the reason as the startup does. */
    if (cf_load (pattern, cf_flags, &cf, &err) == 0) {
        cf_destroy (cf);
        error_errno (&err, ENOENT, "%s: No match", pattern);
    }
    if (errno == ENOENT && strstr (err.text, ": No match"))
        error_set (&err, "%s: No config file(s) found", pattern);
    report (errno, err.text, tc);
    return false;
}

/* 3: [ca] as casign loads it (its secret key included). */
static void check_ca (struct testconfig *tc, const struct cf *cf)
{
    struct error err = {{0}};
    struct ca *ca;

    if (cf_get (cf, "ca", CF_TABLE, NULL, NULL) < 0)
        return;
    if (!(ca = ca_create (cf, &err))) {
        int saved = errno;
        struct cf_value v;

        if (cf_get (cf, "ca", CF_TABLE, &v, NULL) == 0
            && strncmp (err.text, v.file, strlen (v.file)) != 0)
            error_prefix (&err, "%s:%u: ", v.file, v.line);
        report (saved, err.text, tc);
        return;
    }
    if (imp_casign_check_ca_paths (cf, &err) < 0
        || ca_load (ca, true, &err) < 0) {
        error_prefix (&err, "[ca] cert-path: ");
        report (errno, err.text, tc);
    }
    ca_destroy (ca);
}

/* An unknown log-level, located like every other problem (the startup
 * only warns, and keeps the default level).
 */
static void report_log_level (struct testconfig *tc, const struct cf *cf)
{
    struct error err = {{0}};
    struct cf_value v;
    const char *name;

    if (cf_get (cf, "log-level", CF_STRING, &v, NULL) < 0
        || cf_get_string (cf, "log-level", &name, NULL) < 0)
        return;
    error_set (&err, "%s:%u: unknown log-level '%s' (the IMP ignores it)",
               v.file, v.line, name);
    report (EINVAL, err.text, tc);
}

/* 3, IMP: one file's schema, log-level and [ca]. */
static void
check_imp_file (struct testconfig *tc, const struct cf *cf, int imp_flags)
{
    struct error err = {{0}};
    enum imp_log_level level;

    if (imp_config_check_each (cf, imp_flags, report, tc) != 0)
        return;
    if (imp_config_log_level (cf, &level, &err) < 0 && errno != ENOENT)
        report_log_level (tc, cf);
    check_ca (tc, cf);
}

/* 3, security: one file's [sign], if it has one, as the library reads
 * it ('one' is the file's name as a pattern).
 */
static void check_sign_file (struct testconfig *tc,
                             const struct cf *cf,
                             const char *one,
                             int ctx_flags)
{
    struct error err = {{0}};
    flux_security_t *ctx;

    if (cf_get (cf, "sign", CF_ANY, NULL, NULL) < 0)
        return;
    if (!(ctx = flux_security_create (ctx_flags))) {
        report (errno, strerror (errno), tc);
        return;
    }
    if (flux_security_configure (ctx, one) < 0) {
        const char *e = flux_security_last_error (ctx);
        report (flux_security_last_errnum (ctx), e ? e : "error", tc);
    }
    else if (sign_config_check (ctx, &err) < 0)
        report (errno, err.text, tc);
    flux_security_destroy (ctx);
}

/* check_each_file() 'what' */
enum {
    CHECK_IMP = 1,  /* the IMP's schema, log-level, [ca] */
    CHECK_SIGN = 2, /* [sign] */
    QUIET_LOAD = 4, /* the IMP pass loaded the same files: do not report
                     * their load errors again */
};

/* 2 and 3: each file on its own. */
static void
check_each_file (struct testconfig *tc, int cf_flags, int imp_flags, int what)
{
    int ctx_flags = 0;

    if (cf_flags & CF_PARANOIA_DISABLE)
        ctx_flags = FLUX_SECURITY_DISABLE_PATH_PARANOIA;
    for (size_t i = 0; i < tc->files.gl_pathc; i++) {
        struct error err = {{0}};
        struct cf *cf;
        char *one;

        if (!(one = glob_escape (tc->files.gl_pathv[i]))) {
            report (errno, strerror (errno), tc);
            continue;
        }
        if (cf_load (one, cf_flags, &cf, &err) < 0) {
            if (!(what & QUIET_LOAD))
                report (errno, err.text, tc);
        }
        else {
            if (what & CHECK_IMP)
                check_imp_file (tc, cf, imp_flags);
            if (what & CHECK_SIGN)
                check_sign_file (tc, cf, one, ctx_flags);
            cf_destroy (cf);
        }
        free (one);
    }
}

/* 3: the IMP hierarchy as a whole, exactly as at startup; its problems
 * are those of a file, already reported, unless none was found.
 */
static void check_imp_whole (struct testconfig *tc, struct imp_state *imp)
{
    struct error err = {{0}};
    struct cf *cf;

    if (imp_config_load (imp->paths.config_pattern, imp->paths.cf_flags,
                         imp->paths.config_flags, &cf, &err)
        < 0) {
        if (tc->problems == 0)
            report (errno, err.text, tc);
        return;
    }
    cf_destroy (cf);
}

/* Print "ok" if no problem was found; 'keep' the count for the next
 * pass when it reads the same files.
 */
static void
finish_hierarchy (struct testconfig *tc, const char *pattern, bool keep)
{
    if (tc->problems == 0)
        imp_print ("testconfig: %s: ok", pattern);
    if (!keep) {
        if (tc->have_files)
            globfree (&tc->files);
        tc->have_files = false;
        tc->problems = 0;
    }
}

static const char *security_pattern (const struct imp_state *imp)
{
    if (imp->paths.security_pattern)
        return imp->paths.security_pattern;
    return SECURITY_DEFAULT_PATTERN;
}

/* In the test build both hierarchies are the same files. */
static bool same_files (const struct imp_state *imp)
{
    return !strcmp (imp->paths.config_pattern, security_pattern (imp));
}

static void check_imp (struct testconfig *tc, struct imp_state *imp)
{
    const char *pattern = imp->paths.config_pattern;

    if (find_files (tc, pattern, imp->paths.cf_flags)) {
        check_each_file (tc, imp->paths.cf_flags, imp->paths.config_flags,
                         CHECK_IMP);
        check_imp_whole (tc, imp);
    }
    finish_hierarchy (tc, pattern, same_files (imp));
}

/* 3: libflux-security's own loader, then [sign]; a problem is reported
 * only if none was found in a file already (it would be the same).
 */
static void
check_security_whole (struct testconfig *tc, const char *pattern, int cf_flags)
{
    struct error err = {{0}};
    flux_security_t *ctx;
    int flags = 0;

    if (cf_flags & CF_PARANOIA_DISABLE)
        flags = FLUX_SECURITY_DISABLE_PATH_PARANOIA;
    if (!(ctx = flux_security_create (flags))) {
        report (errno, strerror (errno), tc);
        return;
    }
    if (flux_security_configure (ctx, pattern) < 0) {
        if (tc->problems == 0) {
            const char *e = flux_security_last_error (ctx);
            report (flux_security_last_errnum (ctx), e ? e : "error", tc);
        }
    }
    else if (sign_config_check (ctx, &err) < 0 && tc->problems == 0)
        report (errno, err.text, tc);
    flux_security_destroy (ctx);
}

/* The test build reads the library's files with its own paranoia
 * setting; the installed IMP with the library's default (on as root).
 */
static void check_security (struct testconfig *tc, struct imp_state *imp)
{
    const char *pattern = security_pattern (imp);
    int cf_flags = imp->paths.cf_flags & CF_PARANOIA_DISABLE;
    bool found;

    if (same_files (imp)) {
        found = tc->have_files; /* a missing directory was said once */
        if (found)
            check_each_file (tc, cf_flags, 0, CHECK_SIGN | QUIET_LOAD);
    }
    else if ((found = find_files (tc, pattern, cf_flags)))
        check_each_file (tc, cf_flags, 0, CHECK_SIGN);
    if (found)
        check_security_whole (tc, pattern, cf_flags);
    finish_hierarchy (tc, pattern, false);
}

int imp_cmd_testconfig_child (struct imp_state *imp)
{
    struct testconfig tc = {0};

    tc.withhold = geteuid () == 0 && getuid () != 0;
    check_imp (&tc, imp);
    check_security (&tc, imp);
    return tc.total > 0 ? 1 : 0;
}
