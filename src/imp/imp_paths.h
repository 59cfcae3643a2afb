/* imp_paths.h - where the IMP finds its configuration, fixed per build.
 *
 * Two source files implement this header, and each executable links
 * exactly one of them with libimp:
 *
 *   installed_paths.c  flux-imp (installed) and test-imp-fixedpath: the
 *                      pattern is fixed at compile time (IMP_CONFDIR,
 *                      by default FLUX_IMP_CONFDIR of config.h); path
 *                      paranoia applies whenever the effective uid is 0;
 *                      the environment is never consulted.  The file
 *                      contains no code that reads an override.
 *   testconfig_paths.c test-imp (build tree only, never installed):
 *                      FLUX_IMP_CONFIG_PATTERN replaces the pattern (the
 *                      default is a directory of the source tree), and
 *                      path paranoia is off unless
 *                      FLUX_TEST_IMP_PATH_PARANOIA is set.
 */
#ifndef FLUX_IMP_PATHS_H
#define FLUX_IMP_PATHS_H

#include <stdbool.h>

#include "imp_env.h"

struct imp_paths {
    const char *config_pattern;   /* glob(3) pattern of the IMP's files */
    int cf_flags;                 /* cf_load() flags (CF_PARANOIA_*) */
    int config_flags;             /* imp_config_load() flags */
    const char *security_pattern; /* libflux-security's pattern, NULL
                                   * for the library's default */
    bool test_build;              /* true in test-imp only */
    const char *pam_confdir;      /* PAM service directory of the test
                                   * builds (IMP_PAM_CONFDIR, read with
                                   * pam_start_confdir()); NULL in the
                                   * installed flux-imp: the system's */
    const char *cred_dir;         /* base of the job credentials
                                   * directories (exec_creddir.h), fixed
                                   * at compile time (IMP_CRED_DIR):
                                   * /run/flux-imp/credentials installed,
                                   * <build>/t/imp-run/credentials in the
                                   * test builds */
};

/* The environment variables this build reads, added to the allow-list
 * of imp_env.h (NULL-terminated; empty in the installed build).
 */
extern const char *const imp_paths_env_names[];

/* Fill 'paths' for this build.  Strings are static or belong to 'env'.
 */
void imp_paths_get (const struct imp_env *env, struct imp_paths *paths);

#endif /* !FLUX_IMP_PATHS_H */
