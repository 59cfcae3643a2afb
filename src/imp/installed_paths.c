/* installed_paths.c - the configuration paths of the installed flux-imp.
 *
 * SECURITY INVARIANTS
 * - The pattern is a compile-time constant; nothing here reads the
 *   environment, and no environment variable is added to the allow-list.
 * - cf_flags is 0: cf_load() applies path paranoia whenever the
 *   effective uid is 0, which is always the case in a setuid install.
 *
 * IMP_CONFDIR may be set at compile time (test-imp-fixedpath points it
 * into the build directory); it defaults to FLUX_IMP_CONFDIR.
 * IMP_SECURITY_CONFDIR likewise fixes libflux-security's directory for
 * test-imp-fixedpath (t/imp-fixed/security/conf.d); the installed
 * flux-imp leaves it unset and the library uses its compiled-in default.
 * IMP_PAM_CONFDIR (test-imp-fixedpath: t/imp-fixed/pam.d) is the PAM
 * service directory of exec.pam-support; unset in the installed flux-imp,
 * which uses the system's (/etc/pam.d), so that it holds no test path.
 */
#if HAVE_CONFIG_H
#include "config.h"
#endif
#include <stddef.h>

#include "imp_paths.h"

#ifndef IMP_CONFDIR
#define IMP_CONFDIR FLUX_IMP_CONFDIR
#endif
/* The base of the job credentials directories (exec_creddir.h); the
 * test build sets it under the build directory.
 */
#ifndef IMP_CRED_DIR
#define IMP_CRED_DIR "/run/flux-imp/credentials"
#endif

const char *const imp_paths_env_names[] = {NULL};

void imp_paths_get (const struct imp_env *env, struct imp_paths *paths)
{
    (void)env;
    paths->config_pattern = IMP_CONFDIR "/*.toml";
    paths->cf_flags = 0;
    paths->config_flags = 0;
#ifdef IMP_SECURITY_CONFDIR
    paths->security_pattern = IMP_SECURITY_CONFDIR "/*.toml";
#else
    paths->security_pattern = NULL;
#endif
    paths->test_build = false;
#ifdef IMP_PAM_CONFDIR
    paths->pam_confdir = IMP_PAM_CONFDIR;
#else
    paths->pam_confdir = NULL;
#endif
    paths->cred_dir = IMP_CRED_DIR;
}
