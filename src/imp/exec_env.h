/* exec_env.h - the environment of the job shell that `flux-imp exec`
 * starts as another user.
 *
 * The shell receives the caller's environment (the instance owner's:
 * flux-core passes FLUX_URI, FLUX_KVS_NAMESPACE, FLUX_IMP_EXEC_HELPER,
 * PATH, LUA_PATH ... this way) MINUS every variable that changes how
 * the dynamic loader, the C library or a shell interpreter behaves
 * before the program's own code runs.  The instance owner must never be
 * able to run code as the job's user through them.
 *
 * THE RULE (exec_env_denied(); also in flux-imp(8)).  Removed:
 *   LD_*              every dynamic-loader variable (LD_PRELOAD,
 *                     LD_LIBRARY_PATH, LD_AUDIT, LD_DEBUG_OUTPUT ...)
 *   MALLOC_*          glibc malloc tuning and tracing (MALLOC_TRACE
 *                     writes a file, MALLOC_CHECK_ ...)
 *   GLIBC_TUNABLES    every glibc tunable
 *   GCONV_PATH        loads iconv modules (shared objects)
 *   GETCONF_DIR       getconf's helper programs
 *   HOSTALIASES, LOCALDOMAIN, RES_OPTIONS, RESOLV_HOST_CONF
 *                     name resolution, host aliases
 *   LOCPATH, NLSPATH  locale and message catalogue files
 *   NIS_PATH          NIS+ lookups
 *   TZDIR             time zone files
 *   TMPDIR            temporary files of the job's user would land in a
 *                     directory the owner chose (the job's tasks get the
 *                     TMPDIR of their jobspec from the job shell)
 *   BASH_ENV, ENV     files that a non-interactive shell executes
 *   BASH_FUNC_*       exported shell functions
 *   SHELLOPTS, BASHOPTS, PS4
 *                     shell options (xtrace with a PS4 runs a command)
 * These are glibc's UNSECURE_ENVVARS (what it removes for a setuid
 * program) with LD_ and MALLOC_ made prefixes, plus the shell startup
 * variables.  The caller's CREDENTIALS_DIRECTORY is dropped too: only
 * the IMP sets it (see below).  Everything else passes unchanged, in the
 * caller's order;
 * an entry without "=" is dropped.  Interpreter search paths (LUA_PATH,
 * PYTHONPATH ...) pass: flux-shell needs LUA_PATH and LUA_CPATH from
 * the instance, and the programs that may run as job shells are those
 * an administrator lists in exec.allowed-shells.
 */
#ifndef FLUX_IMP_EXEC_ENV_H
#define FLUX_IMP_EXEC_ENV_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "common/error.h"
#include "imp_env.h"

/* True if the variable 'name' (without "=") must not reach the shell. */
bool exec_env_denied (const char *name);

/* The variable that makes the none signing mechanism refuse to verify
 * in one process (flux-config-security-sign(5)): set to the pid of a job
 * shell started for a guest, whose instance owner could otherwise write
 * none messages that the shell would take for the guest's.
 */
#define EXEC_ENV_REFUSE_NONE "FLUX_SECURITY_REFUSE_NONE"

/* The variable that names the job's credentials directory
 * (exec_creddir.h).  Only the IMP sets it: the caller's is always
 * dropped, with or without credentials.
 */
#define EXEC_ENV_CREDENTIALS_DIRECTORY "CREDENTIALS_DIRECTORY"

/* Build the shell's environment from the complete copy of the caller's
 * environment in 'env' (imp_env_next(): the effective uid must not be 0,
 * so call it after switching to the job's user).  The caller's
 * EXEC_ENV_CREDENTIALS_DIRECTORY is dropped.  'extra' (NULL or a
 * NULL-terminated array of "NAME=value" strings) is what the IMP sets
 * itself: each replaces every caller variable NAME, and they end the
 * vector in their order.  Return a new NULL-terminated vector of
 * "NAME=value" strings (free with exec_env_free()), or NULL with errno
 * set and 'err' filled (EPERM effective uid 0, EINVAL an extra without
 * "=", ENOMEM).
 */
char **exec_env_build (const struct imp_env *env,
                       const char *const *extra,
                       struct error *err);

/* Format "EXEC_ENV_REFUSE_NONE=<pid>" into 'buf' of 'size' bytes, the
 * extra of a guest's shell.  Return 0, or -1 with errno = ERANGE.
 */
int exec_env_refuse_none (pid_t pid, char *buf, size_t size);

/* Free a vector of exec_env_build().  NULL is a no-op. */
void exec_env_free (char **envv);

#endif /* !FLUX_IMP_EXEC_ENV_H */
