/* imp_env.h - the caller's environment, as the IMP received it.
 *
 * The environment of a setuid program belongs to its caller.  The
 * prologue (prologue.h) copies it into a struct imp_env and then empties
 * the process environment, so that no library the IMP calls (and no
 * program it starts) reads a variable that nobody checked.
 *
 * THE RULE.  There are two ways to read the copy:
 *
 * 1. imp_env_get() returns the value of one variable of the allow-list,
 *    and of nothing else.  The allow-list and its readers:
 *        FLUX_IMP_EXEC_HELPER   exec: the unprivileged child runs it
 *        NOTIFY_SOCKET          exec, run: sd_notify by the parent
 *        SUDO_USER              main: sudo simulation (real uid 0 only)
 *        FLUX_JOB_ID            run (always passed), audit log
 *        FLUX_JOB_USERID        run (always passed), audit log
 *    plus the names that the build's path file reads (imp_paths.h; only
 *    the never-installed test build has any).  A variable of the
 *    allow-list defined more than once is refused when the copy is made:
 *    two readers must never disagree on its value.
 *
 * 2. imp_env_next() walks the complete copy, every entry as received
 *    (duplicates included, entries without "=" left out).  It is for
 *    one reader: the unprivileged half of `flux-imp run`, which filters
 *    it through run.<name>.allowed-environment and sends what passes to
 *    the privileged parent, which filters it again.  It refuses to work
 *    with an effective uid of 0 (EPERM), so that the privileged side can
 *    never read an unchecked variable by mistake.
 *
 * Values are the caller's: a reader checks them (length, syntax) before
 * use.  The copy is wiped when destroyed (it may hold the caller's
 * tokens).
 */
#ifndef FLUX_IMP_ENV_H
#define FLUX_IMP_ENV_H

#include <stdbool.h>
#include <stddef.h>

#include "common/error.h"

struct imp_env;

/* Copy 'envp' (NULL-terminated "NAME=value" strings, e.g. environ; NULL
 * means empty).  'extra' is a NULL-terminated list of names added to the
 * allow-list (may be NULL).  Return a new imp_env that the caller frees
 * with imp_env_destroy(), or NULL with errno set and 'err' filled:
 *   EINVAL  a variable of the allow-list is defined more than once;
 *   ENOMEM  out of memory.
 */
struct imp_env *imp_env_create (char *const envp[],
                                const char *const extra[],
                                struct error *err);

/* Wipe and free 'env'.  NULL is a no-op; errno is preserved. */
void imp_env_destroy (struct imp_env *env);

/* True if 'name' is on the allow-list of 'env'. */
bool imp_env_allowed (const struct imp_env *env, const char *name);

/* The value of the allow-listed variable 'name' (a pointer into 'env',
 * valid until imp_env_destroy()), or NULL with errno set: ENOENT if it
 * was not set, EPERM if 'name' is not on the allow-list, EINVAL on NULL
 * arguments.
 */
const char *imp_env_get (const struct imp_env *env, const char *name);

/* Walk the complete copy (rule 2 above).  Set *cursor to 0 before the
 * first call; each call sets *namep and *valuep (NUL-terminated, owned
 * by 'env'; the name without its "="), advances *cursor and returns 0,
 * until the end, where it returns -1 with errno = ENOENT.  Returns -1
 * with errno = EPERM if the effective uid is 0, EINVAL on NULL
 * arguments.
 */
int imp_env_next (const struct imp_env *env,
                  size_t *cursor,
                  const char **namep,
                  const char **valuep);

/* Number of entries in the complete copy. */
size_t imp_env_count (const struct imp_env *env);

#endif /* !FLUX_IMP_ENV_H */
