/* imp_cmds.h - the commands of flux-imp and their two halves.
 *
 * Each command lives in its own file, cmd_<name>.c, and is listed in the
 * table of main.c.  It has up to two handlers:
 *
 *   child   the unprivileged half.  In a privileged IMP it runs in the
 *           privsep child (privsep.h), as the caller, with imp->ps set;
 *           it parses every untrusted input and, for a command that has
 *           a parent half, sends exactly one kv message holding "cmd" =
 *           the command name and the command's keys.  Without privilege
 *           (the IMP not installed setuid: "test mode") it is the only
 *           half that runs, with imp->ps NULL, and does the work itself
 *           or refuses.
 *   parent  the privileged half (NULL if the command needs no privilege:
 *           the parent then expects no message at all).  It runs as root
 *           with the message, whose "cmd" main() has already checked
 *           against its own argv; it checks every other key, and decides
 *           again for itself everything the child decided.
 *
 * A handler returns the exit status of the IMP (0, 1 for an IMP error,
 * or a job's status).  It is a top-level handler: it logs its own errors
 * (imp_log.h); the helpers it calls return errors and never log or exit.
 * A child half returns rather than exits: it runs in a forked process,
 * which main() ends with _exit() after flushing stdout.
 */
#ifndef FLUX_IMP_CMDS_H
#define FLUX_IMP_CMDS_H

#include "common/cf.h"
#include "common/kv.h"
#include "imp_env.h"
#include "imp_paths.h"
#include "prologue.h"
#include "privsep.h"

/* What main() gives every handler. */
struct imp_state {
    int argc;
    char **argv;               /* argv[1] is the command */
    const char *cmd;           /* argv[1] */
    struct prologue prologue;  /* what the caller handed over */
    const struct imp_env *env; /* = prologue.env (imp_env.h rule) */
    struct imp_paths paths;    /* of this build */
    struct cf *conf;           /* the IMP configuration, checked */
    struct privsep *ps;        /* NULL when not privileged */
};

typedef int (*imp_child_f) (struct imp_state *imp);
typedef int (*imp_parent_f) (struct imp_state *imp, const struct kv *msg);

/* version: print "flux-imp v<version>" (and "+pam" when built with PAM)
 * on stdout.  Child only.
 */
int imp_cmd_version_child (struct imp_state *imp);

/* whoami: each half prints its real and effective ids on stderr. */
int imp_cmd_whoami_child (struct imp_state *imp);
int imp_cmd_whoami_parent (struct imp_state *imp, const struct kv *msg);

/* exec SHELL ARG...: run the job shell as the signer of J (cmd_exec.c).
 * The parent returns the shell's exit code, or ends the IMP by the
 * shell's signal.
 */
int imp_cmd_exec_child (struct imp_state *imp);
int imp_cmd_exec_parent (struct imp_state *imp, const struct kv *msg);

/* kill SIGNAL PID: signal PID, or the children of PID if it is a
 * flux-imp of euid 0, for a caller in exec.allowed-users who owns PID or
 * its cgroup (cmd_kill.c).
 */
int imp_cmd_kill_child (struct imp_state *imp);
int imp_cmd_kill_parent (struct imp_state *imp, const struct kv *msg);

/* kill's pure parsers, exposed for the unit tests.  Each returns 0 and
 * sets its outputs, or -1 with errno = EINVAL ('err' filled when given).
 *   imp_kill_parse_signal: a decimal number 0..IMP_KILL_SIGNAL_MAX, no
 *     sign, blank or leading zero;
 *   imp_kill_parse_pid: a decimal number 2..INT_MAX, same rules;
 *   imp_kill_parse_args: exactly "flux-imp kill SIGNAL PID" (argc 4);
 *   imp_kill_parse_status: the "PPid:" and the four "Uid:" fields (real,
 *     effective, saved, fs) of the text of /proc/<pid>/status, each line
 *     present exactly once.
 */
#define IMP_KILL_SIGNAL_MAX 64
int imp_kill_parse_signal (const char *s, int *sigp, struct error *err);
int imp_kill_parse_pid (const char *s, pid_t *pidp, struct error *err);
int imp_kill_parse_args (int argc,
                         char **argv,
                         int *sigp,
                         pid_t *pidp,
                         struct error *err);
int imp_kill_parse_status (const char *text, pid_t *ppidp, uid_t uid[4]);

/* run NAME: run the command of [run.NAME] as root, with the caller's
 * variables that the table allows, in its own process group (cmd_run.c).
 * The parent returns the command's exit code, or ends the IMP by its
 * signal.
 */
int imp_cmd_run_child (struct imp_state *imp);
int imp_cmd_run_parent (struct imp_state *imp, const struct kv *msg);

/* run's filter of the caller's variables, exposed for the unit tests:
 * true if NAME=VALUE may reach the command of a [run.NAME] whose
 * allowed-environment is 'globs' (NULL-terminated; NULL: absent).
 * FLUX_JOB_ID and FLUX_JOB_USERID always pass; any other name must match
 * a pattern (fnmatch(3), no flags); never a name that is empty, holds
 * '=', is longer than IMP_RUN_ENV_NAME_MAX, is denied by exec_env.h or is
 * one that the IMP sets (FLUX_OWNER_USERID, HOME, USER, PATH), nor a
 * value longer than IMP_RUN_ENV_VALUE_MAX (then *too_long is set).
 */
#define IMP_RUN_ENV_NAME_MAX 128
#define IMP_RUN_ENV_VALUE_MAX 65536
bool imp_run_env_allowed (const char *const *globs,
                          const char *name,
                          const char *value,
                          bool *too_long);

/* casign: sign the public certificate read on stdin with the CA of [ca]
 * for the caller's real uid; print the signed certificate on stdout
 * (cmd_casign.c).
 */
int imp_cmd_casign_child (struct imp_state *imp);
int imp_cmd_casign_parent (struct imp_state *imp, const struct kv *msg);

/* Privileged (euid 0): the CA files <cert-path> and <cert-path>.pub of
 * [ca] must pass pathsec_open_config() with PATHSEC_PARANOIA (root's,
 * not writable by others, in root's directories).  0, or -1 with errno
 * set and 'err' filled (EPERM, ELOOP, ENOENT ...).  Without privilege,
 * 0.  Used by casign and testconfig.
 */
int imp_casign_check_ca_paths (const struct cf *cf, struct error *err);

/* testconfig: check both configuration hierarchies and report every
 * problem; exit 0 only if there is none (cmd_testconfig.c).  main() runs
 * it before loading the configuration, in the invoking process, with
 * imp->conf and imp->ps NULL.
 */
int imp_cmd_testconfig_child (struct imp_state *imp);

#endif /* !FLUX_IMP_CMDS_H */
