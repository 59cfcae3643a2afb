/* cmd_run.c - flux-imp run NAME: run the command configured as [run.NAME]
 * (a job prolog or epilog, say) as root (imp.md 4.3).
 *
 * [run.NAME] has: path (absolute), allowed-users (missing: nobody),
 * allowed-environment (fnmatch(3) patterns of variable names).
 *
 * Child (unprivileged, as the caller): NAME must name a [run.NAME] table;
 * its path must be absolute and pass pathsec_open_exec() as the caller;
 * the caller must be in allowed-users; the caller's environment (the
 * complete copy of imp_env.h rule 2, which only this side may read) is
 * filtered by run_env_allowed() and sent as {cmd, command = NAME,
 * IMP_RUN_ENV_<VAR> = value...}.  Not setuid: only with
 * exec.allow-unprivileged-exec (the IMP's one test-mode switch), the
 * command runs as the caller, with the same environment rules.
 *
 * Parent (root): "command" must equal its own argv[2]; every other key
 * must be an IMP_RUN_ENV_ variable that run_env_allowed() passes (else the
 * request is refused); the table, path (checked as root), allowed-users
 * (for the real uid) are checked again; it waits for the child to exit 0;
 * then runs the command through exec_job.h as root with EXEC_JOB_ROOT
 * (ids 0, supplementary groups reset to gid 0 alone) and EXEC_JOB_PGRP
 * (its own process group, which gets the forwarded signals), in "/", with
 * argv = {path} and the environment:
 *     the variables passed + FLUX_OWNER_USERID=<caller's uid>
 *     + HOME and USER of root + PATH=/usr/sbin:/usr/bin:/sbin:/bin
 * and exits like it (same sd_notify, cgroup wait and exit status as exec).
 * The parent audits (imp_audit.h) the refusal, or the start and the end.
 *
 * The variables passed (imp_run_env_allowed(), both sides):
 *   - FLUX_JOB_ID and FLUX_JOB_USERID always, as flux-imp(8) promises
 *     (the original dropped them when allowed-environment was absent);
 *   - others only if a pattern of allowed-environment matches the name;
 *   - never a name longer than RUN_ENV_NAME_MAX, a value longer than
 *     RUN_ENV_VALUE_MAX (dropped with a warning), a name that exec_env.h
 *     denies (LD_*, GCONV_PATH, BASH_ENV, TMPDIR ... even if a pattern
 *     such as "*" matches it: they change how root's program runs before
 *     its own code does), or one of the four that the IMP sets itself;
 *   - a variable defined twice passes once, with its first value (that
 *     getenv(3) sees).
 *
 * SECURITY INVARIANTS
 * - The parent trusts nothing of the message: NAME is its own argv[2];
 *   every variable is filtered again against the configuration; the
 *   path, the table and allowed-users are read and checked again as
 *   root.
 * - The executable is checked by pathsec_open_exec() with euid 0: no
 *   symbolic link anywhere in the path, every directory and the file
 *   owned by root and writable by nobody else, so that only root could
 *   replace it between the check and execve(2) (by path, so that a
 *   script with "#!" works).
 * - The command gets no argument, a fixed working directory, umask 022,
 *   and only the environment above: nothing of the caller's but the
 *   variables passed.
 */
#define _GNU_SOURCE
#if HAVE_CONFIG_H
#include "config.h"
#endif
#include <errno.h>
#include <fnmatch.h>
#include <pwd.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/pathsec.h"
#include "exec_env.h"
#include "exec_job.h"
#include "imp_audit.h"
#include "imp_cmds.h"
#include "imp_config.h"
#include "imp_log.h"

#define RUN_NAME_MAX 128 /* of NAME */
#define RUN_ENV_NAME_MAX IMP_RUN_ENV_NAME_MAX
#define RUN_ENV_VALUE_MAX IMP_RUN_ENV_VALUE_MAX
#define RUN_ENV_PREFIX "IMP_RUN_ENV_"
#define RUN_PATH "/usr/sbin:/usr/bin:/sbin:/bin"

/* Set by the IMP, never taken from the caller. */
static const char *const reserved[] = {
    "FLUX_OWNER_USERID", "HOME", "USER", "PATH", NULL,
};

/* [run.NAME], as read from the configuration. */
struct run_conf {
    const char *name;
    char key[RUN_NAME_MAX + 32]; /* "run.NAME" */
    const char *path;
    const char **env_globs; /* NULL-terminated; owned by the cf */
};

static void run_conf_free (struct run_conf *rc)
{
    free (rc->env_globs);
    rc->env_globs = NULL;
}

static bool is_reserved (const char *name)
{
    for (const char *const *p = reserved; *p; p++)
        if (!strcmp (name, *p))
            return true;
    return false;
}

/* The rule of the file comment (imp_cmds.h). */
bool imp_run_env_allowed (const char *const *globs,
                          const char *name,
                          const char *value,
                          bool *too_long)
{
    size_t len = name ? strlen (name) : 0;
    bool match = false;

    *too_long = false;
    if (len == 0 || len > RUN_ENV_NAME_MAX || !value || strchr (name, '=')
        || exec_env_denied (name) || is_reserved (name))
        return false;
    if (!strcmp (name, "FLUX_JOB_ID") || !strcmp (name, "FLUX_JOB_USERID"))
        match = true;
    for (const char *const *g = globs; g && *g && !match; g++)
        match = fnmatch (*g, name, 0) == 0;
    if (match && strlen (value) > RUN_ENV_VALUE_MAX) {
        *too_long = true;
        return false;
    }
    return match;
}

static bool run_env_allowed (const struct run_conf *rc,
                             const char *name,
                             const char *value,
                             bool *too_long)
{
    return imp_run_env_allowed ((const char *const *)rc->env_globs, name, value,
                                too_long);
}

/* Read [run.NAME]: the table, an absolute path, the patterns. */
static int
run_conf_read (struct imp_state *imp, const char *name, struct run_conf *rc)
{
    struct error err = {{0}};
    char key[sizeof (rc->key) + 32];

    memset (rc, 0, sizeof (*rc));
    rc->name = name;
    if (strlen (name) > RUN_NAME_MAX || strchr (name, '.')
        || snprintf (rc->key, sizeof (rc->key), "run.%s", name) < 0
        || cf_get (imp->conf, rc->key, CF_TABLE, NULL, &err) < 0) {
        imp_fatal ("run: %s: no configuration found", name);
        return -1;
    }
    snprintf (key, sizeof (key), "%s.path", rc->key);
    if (cf_get_string (imp->conf, key, &rc->path, &err) < 0
        || rc->path[0] != '/') {
        imp_fatal ("run: %s: path is missing or invalid", name);
        return -1;
    }
    snprintf (key, sizeof (key), "%s.allowed-environment", rc->key);
    if (cf_get_strings (imp->conf, key, &rc->env_globs, &err) < 0
        && errno != ENOENT) {
        imp_fatal ("run: %s", err.text);
        return -1;
    }
    return 0;
}

/* The path must pass pathsec_open_exec() as the effective uid. */
static int check_path (const struct run_conf *rc)
{
    struct error err = {{0}};
    int fd;

    if ((fd = pathsec_open_exec (rc->path, &err)) < 0) {
        imp_fatal ("run: %s", err.text);
        return -1;
    }
    (void)close (fd);
    return 0;
}

/* The caller (real uid) must be named in allowed-users. */
static int check_caller (struct imp_state *imp, const struct run_conf *rc)
{
    char key[sizeof (rc->key) + 32], buf[4096];
    struct passwd pw, *found = NULL;
    const char **users = NULL;
    bool allowed = false;

    snprintf (key, sizeof (key), "%s.allowed-users", rc->key);
    if (getpwuid_r (getuid (), &pw, buf, sizeof (buf), &found) == 0 && found
        && cf_get_strings (imp->conf, key, &users, NULL) == 0) {
        for (size_t i = 0; users[i] && !allowed; i++)
            allowed = strcmp (users[i], pw.pw_name) == 0;
    }
    free (users);
    if (!allowed) {
        imp_fatal ("run: permission denied");
        return -1;
    }
    return 0;
}

/* The table, path and caller checks, in the original's order. */
static int decide (struct imp_state *imp, struct run_conf *rc)
{
    const char *name = imp->argc > 2 ? imp->argv[2] : NULL;

    if (!name || !*name) {
        imp_fatal ("run: nothing to run");
        return -1;
    }
    if (run_conf_read (imp, name, rc) < 0 || check_path (rc) < 0
        || check_caller (imp, rc) < 0) {
        run_conf_free (rc);
        return -1;
    }
    return 0;
}

/* Child: add the caller's variables that pass to 'kv'. */
static int
collect_env (struct imp_state *imp, const struct run_conf *rc, struct kv *kv)
{
    char key[RUN_ENV_NAME_MAX + sizeof (RUN_ENV_PREFIX)];
    const char *name, *value, *old;
    size_t cursor = 0;
    bool too_long;

    while (imp_env_next (imp->env, &cursor, &name, &value) == 0) {
        if (!run_env_allowed (rc, name, value, &too_long)) {
            if (too_long)
                imp_warn ("run: %s: value longer than %d bytes, not "
                          "passed",
                          name, RUN_ENV_VALUE_MAX);
            continue;
        }
        snprintf (key, sizeof (key), RUN_ENV_PREFIX "%s", name);
        if (kv_get_string (kv, key, &old) == 0)
            continue; /* the first definition wins */
        if (kv_put_string (kv, key, value) < 0)
            return -1;
    }
    return errno == ENOENT ? 0 : -1;
}

/* "NAME=value" into envv[*np]. */
static int
env_add (char **envv, size_t *np, const char *name, const char *value)
{
    if (asprintf (&envv[*np], "%s=%s", name, value) < 0) {
        envv[*np] = NULL;
        return -1;
    }
    (*np)++;
    return 0;
}

/* The command's environment: the variables of 'kv' (re-filtered: one
 * that does not pass is EPROTO), then the four the IMP sets; HOME and
 * USER of 'pw'.  The keys "cmd" and "command" are skipped.
 */
static char **build_env (const struct run_conf *rc,
                         const struct kv *kv,
                         const struct passwd *pw)
{
    size_t n = 0, cursor = 0, plen = strlen (RUN_ENV_PREFIX);
    char **envv = calloc (kv_count (kv) + 5, sizeof (*envv));
    char uid[32];
    struct kv_entry e;
    bool too_long;

    if (!envv)
        return NULL;
    while (kv_next (kv, &cursor, &e)) {
        if (!strcmp (e.key, "cmd") || !strcmp (e.key, "command"))
            continue;
        if (strncmp (e.key, RUN_ENV_PREFIX, plen) != 0 || e.type != KV_STRING
            || !run_env_allowed (rc, e.key + plen, e.value, &too_long)) {
            errno = EPROTO;
            goto error;
        }
        if (env_add (envv, &n, e.key + plen, e.value) < 0)
            goto error;
    }
    snprintf (uid, sizeof (uid), "%ju", (uintmax_t)getuid ());
    if (env_add (envv, &n, "FLUX_OWNER_USERID", uid) < 0
        || env_add (envv, &n, "HOME", pw->pw_dir) < 0
        || env_add (envv, &n, "USER", pw->pw_name) < 0
        || env_add (envv, &n, "PATH", RUN_PATH) < 0)
        goto error;
    return envv;
error:
    exec_env_free (envv);
    return NULL;
}

/* Run the command as set up and return its wait status, or -1 (said
 * why).  'pw' is the user whose HOME and USER the command gets (root, or
 * the caller not setuid).
 */
static int run_command (struct imp_state *imp,
                        const struct run_conf *rc,
                        const struct kv *kv,
                        const struct passwd *pw)
{
    struct error err = {{0}};
    char *argv[2] = {(char *)rc->path, NULL};
    struct exec_job job = {
        .argv = argv,
        .pro = &imp->prologue,
        .notify_socket = imp_env_get (imp->env, "NOTIFY_SOCKET"),
        .name = "run",
        .flags = EXEC_JOB_PGRP | (imp->ps ? EXEC_JOB_ROOT : 0),
    };
    char **envv;
    int status;

    if (!(envv = build_env (rc, kv, pw))) {
        if (errno == EPROTO)
            imp_fatal ("run: privsep: unexpected request from the "
                       "unprivileged child");
        else
            imp_fatal ("run: environment: %s", strerror (errno));
        return -1;
    }
    job.envv = envv;
    if ((status = exec_job_run (&job, &err)) < 0)
        imp_fatal ("run: %s", err.text);
    exec_env_free (envv);
    return status;
}

/* The IMP's exit: like the command whose wait status is 'status', or 1. */
static int exit_like (int status)
{
    if (status < 0)
        return 1;
    if (WIFEXITED (status))
        return WEXITSTATUS (status);
    exec_job_exit_like (status);
}

/* HOME and USER of the command: of the effective uid. */
static int lookup_home (struct passwd *pw, char *buf, size_t size)
{
    struct passwd *found = NULL;

    if (getpwuid_r (geteuid (), pw, buf, size, &found) != 0 || !found) {
        imp_fatal ("run: uid %ju has no passwd entry", (uintmax_t)geteuid ());
        return -1;
    }
    return 0;
}

/* Not setuid: the test-mode switch of exec, then run as the caller. */
static int run_unprivileged (struct imp_state *imp,
                             const struct run_conf *rc,
                             const struct kv *kv)
{
    struct error err = {{0}};
    struct passwd pw;
    char buf[4096];
    bool allow;

    if (imp_config_allow_unprivileged (imp->conf, &allow, &err) < 0)
        imp_warn ("run: %s", err.text);
    if (!allow) {
        imp_fatal ("run: IMP not installed setuid, operation disabled.");
        return 1;
    }
    imp_warn ("Running without privilege, userid switching not available");
    if (lookup_home (&pw, buf, sizeof (buf)) < 0)
        return 1;
    return exit_like (run_command (imp, rc, kv, &pw));
}

int imp_cmd_run_child (struct imp_state *imp)
{
    struct error err = {{0}};
    struct run_conf rc;
    struct kv *kv = NULL;
    int rc_exit = 1;

    if (decide (imp, &rc) < 0)
        return 1;
    if (!(kv = kv_create ()) || kv_put_string (kv, "cmd", imp->cmd) < 0
        || kv_put_string (kv, "command", rc.name) < 0
        || collect_env (imp, &rc, kv) < 0)
        imp_fatal ("run: environment: %s", strerror (errno));
    else if (!imp->ps)
        rc_exit = run_unprivileged (imp, &rc, kv);
    else if (privsep_send (imp->ps, kv, &err) < 0)
        imp_fatal ("run: %s", err.text);
    else
        rc_exit = 0;
    kv_destroy (kv);
    run_conf_free (&rc);
    return rc_exit;
}

/* Parent: the checks again, then the command; every outcome audited. */
int imp_cmd_run_parent (struct imp_state *imp, const struct kv *msg)
{
    struct error err = {{0}};
    struct imp_audit a;
    struct run_conf rc;
    struct passwd pw;
    const char *command;
    char buf[4096];
    int status;

    imp_audit_begin (&a, "run", getuid ());
    imp_audit_field (&a, "jobid", imp_env_get (imp->env, "FLUX_JOB_ID"));
    imp_audit_field (&a, "command", imp->argc > 2 ? imp->argv[2] : NULL);
    if (kv_get_string (msg, "command", &command) < 0)
        imp_fatal ("run: command required");
    else if (imp->argc < 3 || strcmp (command, imp->argv[2]) != 0)
        imp_fatal ("run: privsep: unexpected request from the "
                   "unprivileged child");
    else if (decide (imp, &rc) == 0) {
        if (privsep_wait (imp->ps, &err) < 0)
            imp_fatal ("run: unprivileged process exited abnormally");
        else if (lookup_home (&pw, buf, sizeof (buf)) == 0) {
            imp_audit_field (&a, "path", rc.path);
            imp_audit_send (&a, true, "allowed");
            if ((status = run_command (imp, &rc, msg, &pw)) < 0)
                imp_audit_send (&a, false, "failed to start the command");
            else
                imp_audit_send_status (&a, status);
            run_conf_free (&rc);
            return exit_like (status);
        }
        run_conf_free (&rc);
    }
    imp_audit_send_refused (&a);
    return 1;
}
