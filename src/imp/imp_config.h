/* imp_config.h - the IMP's configuration: load, check, read.
 *
 * The files are found by a pattern that the build fixes (imp_paths.h)
 * and loaded by cf_load() (common/cf.h), which checks their security on
 * the descriptor it reads.  Then the whole configuration is checked
 * against the schema of flux-config-security-imp(5), strictly: a key
 * that is not in it, or a value of the wrong type, is an error naming
 * the file, the line and the key, even in a table that a later file
 * replaced.  The commands read their keys through cf.h's typed getters.
 *
 * The schema (types; no key is required at the top level):
 *   allow-sudo                    bool
 *   log-level                     string ("debug", "info", "warning")
 *   [exec] allowed-users          array of strings
 *          allowed-shells         array of strings
 *          allow-unprivileged-exec  bool
 *          pam-support            bool
 *   [run.<name>] path             string
 *          allowed-users          array of strings
 *          allowed-environment    array of strings
 *   [ca]   max-cert-ttl, max-sign-ttl (int), cert-path, revoke-dir,
 *          domain (string), revoke-allow (bool): all six required when
 *          [ca] is present
 *   [sign] only with IMP_CONFIG_SIGN (the test build, where
 *          libflux-security reads the same files); its contents are
 *          checked by the library
 */
#ifndef FLUX_IMP_CONFIG_H
#define FLUX_IMP_CONFIG_H

#include <stdbool.h>

#include "common/cf.h"
#include "common/error.h"
#include "imp_log.h"

/* imp_config_load() and imp_config_check() flags */
enum {
    IMP_CONFIG_SIGN = 1, /* accept a [sign] table */
};

/* Load the files matched by 'pattern' with cf_load() 'cf_flags'
 * (CF_PARANOIA_*), then imp_config_check() them with 'flags'.  On
 * success set *cfp to the configuration (free with cf_destroy()) and
 * return 0.  On failure return -1 with errno set, *cfp untouched and
 * 'err' filled with cf.h's text, except that a pattern that matches
 * nothing reads, as in the original, "<pattern>: No config file(s)
 * found" (ENOENT).
 */
int imp_config_load (const char *pattern,
                     int cf_flags,
                     int flags,
                     struct cf **cfp,
                     struct error *err);

/* Check 'cf' against the schema above.  Return 0, or -1 with errno set
 * and cf_check()'s text in 'err' (EINVAL, ENOENT).
 */
int imp_config_check (const struct cf *cf, int flags, struct error *err);

/* A problem found by imp_config_check_each(): errno value and text. */
typedef void (*imp_config_report_f) (int errnum, const char *text, void *arg);

/* Check 'cf' against the same schema as imp_config_check(), one part at
 * a time, and call 'report' with the first problem of each part (each
 * text once), so that one run shows as many problems as cf_check() can
 * find (flux-imp testconfig).  The parts: the type of each top-level
 * key, the first unknown top-level key, [exec], each [run.<name>] (or
 * [run] as a whole if a name cannot be addressed), [ca].  Return the
 * number of problems, or -1 with errno = EINVAL for invalid arguments.
 */
int imp_config_check_each (const struct cf *cf,
                           int flags,
                           imp_config_report_f report,
                           void *arg);

/* allow-sudo: *allowp is false when the key is absent.  Return 0, or -1
 * with errno set (EINVAL: wrong type, with text).
 */
int imp_config_allow_sudo (const struct cf *cf,
                           bool *allowp,
                           struct error *err);

/* exec.allow-unprivileged-exec, the IMP's one test-mode switch (exec and
 * run without setuid): *allowp is false when the key is absent, and on
 * error.  Return 0, or -1 with errno set (EINVAL: wrong type, with text).
 */
int imp_config_allow_unprivileged (const struct cf *cf,
                                   bool *allowp,
                                   struct error *err);

/* log-level.  Return 0 and set *levelp; -1 with errno = ENOENT if the
 * key is absent; -1 with errno = EINVAL and "unknown log-level '<s>',
 * ignoring (<file>:<line>)" in 'err' for an unknown name (the original
 * warns and keeps the default, and so do we).
 */
int imp_config_log_level (const struct cf *cf,
                          enum imp_log_level *levelp,
                          struct error *err);

#endif /* !FLUX_IMP_CONFIG_H */
