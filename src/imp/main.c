/* main.c - flux-imp, the Independent Minister of Privilege.
 *
 * Usage: flux-imp COMMAND [ARG...]
 *
 * The steps of every run, in order (imp.md 4.1):
 *   1. prologue: descriptors, core dumps, signals, environment, umask
 *   2. load and check the configuration (path fixed by the build)
 *   3. apply log-level
 *   4. privilege: the sudo simulation, then refuse to run as root
 *   5. find the command
 *   6. run it: privileged, the two halves in two processes (privsep.h);
 *      not setuid, the unprivileged half alone
 *
 * SECURITY INVARIANTS
 * - Nothing runs before the prologue; nothing reads argv, the
 *   environment or a file before the configuration pattern is known.
 * - The configuration is loaded, path-checked and schema-checked before
 *   any decision, as the effective uid found at exec (root in a setuid
 *   install, so path paranoia applies).
 * - A privileged IMP refuses a real uid of 0 (unless allow-sudo and
 *   SUDO_USER say to simulate a setuid run, and then it switches its
 *   real ids to that user before anything else).
 * - The privileged parent dispatches on its own argv[1] and requires
 *   the child's message to name that same command.
 * - Only this file and the command handlers log a fatal error and exit;
 *   a forked child always ends with _exit().
 * - One exception to steps 2-6: testconfig, which reads the same files
 *   itself to report every problem, runs in place of them (without
 *   privsep, root allowed); it writes nothing and runs no program.
 */
#define _GNU_SOURCE
#if HAVE_CONFIG_H
#include "config.h"
#endif
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "exec_cred.h"
#include "imp_audit.h"
#include "imp_cmds.h"
#include "imp_config.h"
#include "imp_log.h"

struct imp_cmd {
    const char *name;
    imp_child_f child;
    imp_parent_f parent; /* NULL: the parent accepts no message */
    bool audited;        /* a privileged action (imp_audit.h) */
};

static const struct imp_cmd commands[] = {
    {"version", imp_cmd_version_child, NULL, false},
    {"whoami", imp_cmd_whoami_child, imp_cmd_whoami_parent, false},
    {"exec", imp_cmd_exec_child, imp_cmd_exec_parent, true},
    {"casign", imp_cmd_casign_child, imp_cmd_casign_parent, true},
    {"kill", imp_cmd_kill_child, imp_cmd_kill_parent, true},
    {"run", imp_cmd_run_child, imp_cmd_run_parent, true},
    {"testconfig", imp_cmd_testconfig_child, NULL, false}, /* main() */
    {NULL, NULL, NULL, false},
};

static __attribute__ ((noreturn, format (printf, 1, 2))) void
die (const char *fmt, ...)
{
    va_list ap;

    va_start (ap, fmt);
    imp_vlog (IMP_LOG_FATAL, fmt, ap);
    va_end (ap);
    exit (1);
}

/* Flush stdout; a failure to write the result is an error. */
static int finish (int rc)
{
    if (fflush (stdout) != 0 || ferror (stdout)) {
        imp_fatal ("write error on stdout: %s", strerror (errno));
        return 1;
    }
    return rc;
}

/* 1 */
static void start (struct imp_state *imp, int argc, char *argv[])
{
    struct error err = {{0}};

    if (prologue_run (imp_paths_env_names, &imp->prologue, &err) < 0)
        die ("%s", err.text);
    exec_cred_wipe_jansson (); /* before any JSON is parsed */
    imp->env = imp->prologue.env;
    imp->argc = argc;
    imp->argv = argv;
    imp_paths_get (imp->env, &imp->paths);
}

/* 2, 3 */
static void load_config (struct imp_state *imp)
{
    struct error err = {{0}};
    enum imp_log_level level;

    if (imp_config_load (imp->paths.config_pattern, imp->paths.cf_flags,
                         imp->paths.config_flags, &imp->conf, &err)
        < 0) {
        imp_warn ("loading config: %s", err.text);
        die ("Failed to load configuration");
    }
    if (imp_config_log_level (imp->conf, &level, &err) == 0)
        imp_log_set_level (level);
    else if (errno != ENOENT)
        imp_warn ("%s", err.text);
    imp_debug ("configuration: %s", imp->paths.config_pattern);
    imp_debug ("environment: %zu variables received", imp_env_count (imp->env));
}

/* 4: as root, with allow-sudo and SUDO_USER, become that user's real
 * ids (and groups), as a setuid exec by that user would have.
 */
static void simulate_setuid_under_sudo (struct imp_state *imp)
{
    struct error err = {{0}};
    const char *user = imp_env_get (imp->env, "SUDO_USER");
    struct passwd *pw;
    bool allow;

    if (!user || getuid () != 0)
        return;
    if (imp_config_allow_sudo (imp->conf, &allow, &err) < 0)
        die ("%s", err.text);
    if (!allow)
        die ("sudo support not enabled");
    errno = 0;
    if (!(pw = getpwnam (user)))
        die ("Failed to enable sudo support: SUDO_USER=%s: %s", user,
             errno ? strerror (errno) : "unknown user");
    if (initgroups (pw->pw_name, pw->pw_gid) < 0
        || setresgid (pw->pw_gid, (gid_t)-1, (gid_t)-1) < 0
        || setresuid (pw->pw_uid, (uid_t)-1, (uid_t)-1) < 0)
        die ("Failed to enable sudo support: %s", strerror (errno));
}

/* 4: true when privileged (setuid root, or simulated). */
static bool check_privilege (struct imp_state *imp)
{
    if (geteuid () != 0)
        return false;
    simulate_setuid_under_sudo (imp);
    if (geteuid () != 0 || getuid () == 0)
        die ("Refusing to run as root");
    return true;
}

static const struct imp_cmd *lookup_command (const char *name)
{
    for (const struct imp_cmd *c = commands; c->name; c++)
        if (!strcmp (c->name, name))
            return c;
    return NULL;
}

/* 5 */
static const struct imp_cmd *find_command (struct imp_state *imp)
{
    const struct imp_cmd *c;

    if (imp->argc < 2)
        die ("command required");
    imp->cmd = imp->argv[1];
    if (!(c = lookup_command (imp->cmd)))
        die ("Unknown IMP command: %s", imp->cmd);
    return c;
}

/* testconfig checks the configuration itself, as invoked (euid 0 in a
 * setuid install, root allowed): it replaces steps 2-6 and needs no
 * privsep (cmd_testconfig.c).
 */
static bool checks_own_config (const struct imp_state *imp)
{
    const struct imp_cmd *c;

    if (imp->argc < 2 || !(c = lookup_command (imp->argv[1])))
        return false;
    return c->child == imp_cmd_testconfig_child;
}

/* 6, privileged: the child half, in the child. */
static __attribute__ ((noreturn)) void run_child (struct imp_state *imp,
                                                  const struct imp_cmd *cmd)
{
    struct error err = {{0}};
    int rc = 1;

    if (privsep_child_init (imp->ps, &err) < 0)
        imp_fatal ("%s", err.text);
    else
        rc = finish (cmd->child (imp));
    (void)fflush (NULL);
    _exit (rc);
}

/* 6, privileged: reap the child; exit 1 if it failed (it has said why,
 * unless the reason is of the protocol or a signal).
 */
static void wait_child (struct imp_state *imp)
{
    struct error err = {{0}};

    if (privsep_wait (imp->ps, &err) < 0) {
        if (errno != ECHILD)
            imp_fatal ("%s", err.text);
        exit (1);
    }
}

/* 6, privileged: an audited action that the unprivileged half refused
 * (it said why on stderr) or that broke the protocol.
 */
static void audit_no_request (const struct imp_state *imp,
                              const struct imp_cmd *cmd,
                              const char *outcome)
{
    struct imp_audit a;

    if (!cmd->audited)
        return;
    imp_audit_begin (&a, cmd->name, getuid ());
    imp_audit_field (&a, "jobid", imp_env_get (imp->env, "FLUX_JOB_ID"));
    imp_audit_send (&a, false, outcome);
}

/* 6, privileged: the one message, for this command and no other. */
static struct kv *receive_request (struct imp_state *imp,
                                   const struct imp_cmd *cmd)
{
    struct error err = {{0}};
    const char *name;
    struct kv *msg;

    if (privsep_recv (imp->ps, &msg, &err) < 0) {
        audit_no_request (imp, cmd, "refused: invalid request");
        die ("%s", err.text);
    }
    if (!msg) {
        audit_no_request (imp, cmd, "refused by the unprivileged half");
        wait_child (imp);
        die ("privsep: the unprivileged child sent no request");
    }
    if (kv_get_string (msg, "cmd", &name) < 0 || strcmp (name, imp->cmd)) {
        audit_no_request (imp, cmd, "refused: invalid request");
        die ("privsep: the request is not for command %s", imp->cmd);
    }
    return msg;
}

static int run_parent (struct imp_state *imp, const struct imp_cmd *cmd)
{
    struct kv *msg;
    int rc = 0;

    if (cmd->parent) {
        msg = receive_request (imp, cmd);
        rc = cmd->parent (imp, msg);
        kv_destroy (msg);
    }
    wait_child (imp);
    return rc;
}

static int run_privileged (struct imp_state *imp, const struct imp_cmd *cmd)
{
    struct error err = {{0}};

    if (!(imp->ps = privsep_create (&err)))
        die ("%s", err.text);
    if (privsep_is_child (imp->ps))
        run_child (imp, cmd);
    return run_parent (imp, cmd);
}

static void cleanup (struct imp_state *imp)
{
    privsep_destroy (imp->ps);
    cf_destroy (imp->conf);
    imp_env_destroy (imp->prologue.env);
}

int main (int argc, char *argv[])
{
    struct imp_state imp = {0};
    const struct imp_cmd *cmd;
    bool privileged;
    int rc;

    start (&imp, argc, argv);
    if (checks_own_config (&imp)) {
        imp.cmd = imp.argv[1];
        rc = finish (imp_cmd_testconfig_child (&imp));
        cleanup (&imp);
        return rc;
    }
    load_config (&imp);
    privileged = check_privilege (&imp);
    cmd = find_command (&imp);
    if (privileged)
        rc = run_privileged (&imp, cmd);
    else
        rc = cmd->child (&imp);
    rc = finish (rc);
    cleanup (&imp);
    return rc;
}
