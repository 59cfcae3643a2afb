/* testconfig_paths.c - the configuration paths of test-imp, the IMP of
 * the build tree.  Never installed, never setuid.
 *
 * FLUX_IMP_CONFIG_PATTERN   replaces the IMP's pattern, which is also
 *                           the pattern of libflux-security in this
 *                           build (so the [sign] table is accepted in
 *                           these files); default TEST_IMP_CONFIG_PATTERN, a
 *                           directory of the source tree
 * FLUX_TEST_IMP_PATH_PARANOIA  if set (to anything), path paranoia
 *                           follows the installed rule (on when the
 *                           effective uid is 0); otherwise it is off
 * IMP_PAM_CONFDIR           (compile time) the PAM service directory of
 *                           exec.pam-support, under the build tree: the
 *                           test IMP never reads /etc/pam.d
 * IMP_CRED_DIR              (compile time) the base of the credentials
 *                           directories, under the build tree
 *
 * SECURITY INVARIANTS
 * - This file is linked only into test-imp, which meson never installs;
 *   the installed flux-imp links installed_paths.c instead, so that no
 *   code reading these variables exists in it (t0300 checks the binary).
 * - The two names are added to the allow-list of imp_env.h for this
 *   build only.
 */
#if HAVE_CONFIG_H
#include "config.h"
#endif
#include <stddef.h>

#include "common/cf.h"
#include "imp_config.h"
#include "imp_paths.h"

#ifndef TEST_IMP_CONFIG_PATTERN
#error TEST_IMP_CONFIG_PATTERN must be defined by the build
#endif
#ifndef IMP_PAM_CONFDIR
#error IMP_PAM_CONFDIR must be defined by the build
#endif
#ifndef IMP_CRED_DIR
#error IMP_CRED_DIR must be defined by the build
#endif

const char *const imp_paths_env_names[] = {
    "FLUX_IMP_CONFIG_PATTERN",
    "FLUX_TEST_IMP_PATH_PARANOIA",
    NULL,
};

void imp_paths_get (const struct imp_env *env, struct imp_paths *paths)
{
    const char *pattern = imp_env_get (env, "FLUX_IMP_CONFIG_PATTERN");

    paths->config_pattern = pattern ? pattern : TEST_IMP_CONFIG_PATTERN;
    if (imp_env_get (env, "FLUX_TEST_IMP_PATH_PARANOIA"))
        paths->cf_flags = 0;
    else
        paths->cf_flags = CF_PARANOIA_DISABLE;
    paths->config_flags = IMP_CONFIG_SIGN;
    paths->security_pattern = paths->config_pattern;
    paths->test_build = true;
    paths->pam_confdir = IMP_PAM_CONFDIR;
    paths->cred_dir = IMP_CRED_DIR;
}
