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
