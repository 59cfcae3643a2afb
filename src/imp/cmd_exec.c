/* cmd_exec.c - flux-imp exec SHELL ARG...: run a job shell as the user
 * who signed the job (imp.md 4.3, 4.4).
 *
 * Input: {"J": <signed jobspec>, "options"?: {...}} (exec_input.h) on
 * stdin, or on the stdout of the program named by FLUX_IMP_EXEC_HELPER
 * (then stdin is not read).
 *
 * Child (unprivileged, as the caller): load the security context; the
 * caller must be in exec.allowed-users; read and parse the input; verify
 * J (flux_sign_unwrap); the signer must exist on this host; SHELL must
 * be an absolute path listed in exec.allowed-shells; no device
 * containment asked for and exec.pam-support not true (neither is
 * implemented yet: refused, never ignored).  Privileged: send
 * {cmd, J, shell_path, args0..argsN} to the parent.  Not setuid: with
 * exec.allow-unprivileged-exec, run the shell as the caller.
 *
 * Parent (root): check that the message repeats its own argv; load the
 * security context again; check allowed-users again for the real uid;
 * verify J again; refuse uid 0; check allowed-shells again; resolve the
 * user; wait for the child to exit 0; start the shell as the user
 * (exec_job.h, with sd_notify messages to NOTIFY_SOCKET) and exit like
 * it.
 *
 * SECURITY INVARIANTS
 * - The parent trusts nothing of the message but J, which it verifies
 *   itself; the shell and its arguments are taken from the parent's own
 *   argv and must equal what the child sent.
 * - The job's user is the signer of J as the parent verified it, never
 *   uid 0, and must resolve with getpwuid_r() in the parent.
 * - allowed-users is matched against the name of the parent's real uid;
 *   allowed-shells against the exact absolute path (no PATH search, no
 *   symlink resolution): a missing list allows nobody and nothing.
 * - The helper runs in the unprivileged child only, as the caller, with
 *   the caller's environment; its output is capped at EXEC_INPUT_MAX and
 *   it is killed after EXEC_HELPER_TIMEOUT seconds.
 */
#define _GNU_SOURCE
#if HAVE_CONFIG_H
#include "config.h"
#endif
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <flux/security/context.h>
#include <flux/security/sign.h>

#include "exec_input.h"
#include "exec_job.h"
#include "imp_cmds.h"
#include "imp_log.h"

/* Seconds the helper has to print the input and exit. */
#define EXEC_HELPER_TIMEOUT 60

extern char **environ;

/* A user looked up with getpwuid_r(). */
struct user {
    struct passwd pw;
    char buf[16384];
};

static int lookup_user (uid_t uid, struct user *u)
{
    struct passwd *result = NULL;
    int e = getpwuid_r (uid, &u->pw, u->buf, sizeof (u->buf), &result);

    if (e != 0 || !result) {
        errno = e ? e : ENOENT;
        return -1;
    }
    return 0;
}

static int load_security (struct imp_state *imp, flux_security_t **ctxp)
{
    int flags = 0;
    flux_security_t *ctx;

    if (imp->paths.cf_flags & CF_PARANOIA_DISABLE)
        flags = FLUX_SECURITY_DISABLE_PATH_PARANOIA;
    if (!(ctx = flux_security_create (flags))) {
        imp_fatal ("exec: Error loading security context: %s",
                   strerror (errno));
        return -1;
    }
    if (flux_security_configure (ctx, imp->paths.security_pattern) < 0) {
        imp_fatal ("exec: Error loading security context: %s",
                   flux_security_last_error (ctx));
        flux_security_destroy (ctx);
        return -1;
    }
    *ctxp = ctx;
    return 0;
}

/* True if the exact string 's' is in the array of strings at 'key'. */
static bool in_list (struct imp_state *imp, const char *key, const char *s)
{
    struct error err = {{0}};
    const char **list;
    bool found = false;

    if (cf_get_strings (imp->conf, key, &list, &err) < 0) {
        if (errno != ENOENT)
            imp_warn ("exec: %s", err.text);
        return false;
    }
    for (const char **p = list; *p; p++)
        if (!strcmp (*p, s))
            found = true;
    free (list);
    return found;
}

static int check_user_allowed (struct imp_state *imp)
{
    struct user *u = calloc (1, sizeof (*u));
    int rc = -1;

    if (!u)
        imp_fatal ("exec: out of memory");
    else if (lookup_user (getuid (), u) < 0)
        imp_fatal ("exec: user %ju not in allowed-users list",
                   (uintmax_t)getuid ());
    else if (!in_list (imp, "exec.allowed-users", u->pw.pw_name))
        imp_fatal ("exec: user %s not in allowed-users list", u->pw.pw_name);
    else
        rc = 0;
    free (u);
    return rc;
}

/* 'suffix' is "" in the child, " list" in the parent (the original's
 * two texts).
 */
static int check_shell_allowed (struct imp_state *imp,
                                const char *shell,
                                const char *suffix)
{
    if (shell[0] != '/') {
        imp_fatal ("exec: shell not in allowed-shells%s (%s is not an "
                   "absolute path)",
                   suffix, shell);
        return -1;
    }
    if (!in_list (imp, "exec.allowed-shells", shell)) {
        imp_fatal ("exec: shell not in allowed-shells%s", suffix);
        return -1;
    }
    return 0;
}

/* Verify J; set *uidp to its signer, who must exist on this host. */
static int verify_J (flux_security_t *ctx, const char *J, int64_t *uidp)
{
    const void *payload;
    int payloadsz;
    int64_t uid;
    char host[256] = "";
    struct user *u;
    int rc = -1;

    if (flux_sign_unwrap (ctx, J, &payload, &payloadsz, &uid, 0) < 0) {
        imp_fatal ("exec: signature validation failed: %s",
                   flux_security_last_error (ctx));
        return -1;
    }
    if (!(u = calloc (1, sizeof (*u)))) {
        imp_fatal ("exec: out of memory");
        return -1;
    }
    if (uid < 0 || uid > (int64_t)INT32_MAX
        || lookup_user ((uid_t)uid, u) < 0) {
        (void)gethostname (host, sizeof (host) - 1);
        imp_fatal ("exec: userid %jd is invalid on %s", (intmax_t)uid, host);
    }
    else {
        *uidp = uid;
        rc = 0;
    }
    free (u);
    return rc;
}

/* Read everything from 'fd' into a new buffer, at most EXEC_INPUT_MAX
 * bytes, until EOF or 'deadline' (CLOCK_MONOTONIC seconds; 0: none).
 * Return the length, or -1 with errno set: E2BIG too much, ETIMEDOUT.
 */
static ssize_t read_all (int fd, char **bufp, time_t deadline)
{
    size_t size = 0, len = 0;
    char *buf = NULL, *nbuf;
    struct timespec now;
    ssize_t n;

    for (;;) {
        if (deadline) {
            struct pollfd p = {.fd = fd, .events = POLLIN};
            int ms;
            clock_gettime (CLOCK_MONOTONIC, &now);
            if (now.tv_sec >= deadline) {
                errno = ETIMEDOUT;
                goto error;
            }
            ms = (int)(deadline - now.tv_sec) * 1000;
            if ((n = poll (&p, 1, ms)) < 0 && errno != EINTR)
                goto error;
            if (n <= 0)
                continue;
        }
        if (len == size) {
            if (size > EXEC_INPUT_MAX) {
                errno = E2BIG;
                goto error;
            }
            size = size ? size * 2 : 65536;
            if (size > EXEC_INPUT_MAX + 1)
                size = EXEC_INPUT_MAX + 1;
            if (!(nbuf = realloc (buf, size + 1)))
                goto error;
            buf = nbuf;
        }
        if ((n = read (fd, buf + len, size - len)) < 0) {
            if (errno == EINTR)
                continue;
            goto error;
        }
        if (n == 0)
            break;
        len += (size_t)n;
    }
    if (len > EXEC_INPUT_MAX) {
        errno = E2BIG;
        goto error;
    }
    *bufp = buf;
    return (ssize_t)len;
error:
    free (buf);
    return -1;
}

/* Split 'cmd' on spaces and tabs (no quoting, as the original). */
static char **split_words (char *cmd)
{
    size_t n = 0, max = strlen (cmd) / 2 + 2;
    char **argv = calloc (max, sizeof (*argv));
    char *saveptr = NULL, *w;

    if (!argv)
        return NULL;
    for (w = strtok_r (cmd, " \t", &saveptr); w && n < max - 1;
         w = strtok_r (NULL, " \t", &saveptr))
        argv[n++] = w;
    return argv;
}

/* The caller's complete environment, for the helper (run as the caller). */
static char **caller_environ (const struct imp_env *env)
{
    size_t n = imp_env_count (env), i = 0, cursor = 0;
    const char *name, *value;
    char **envv = calloc (n + 1, sizeof (*envv));

    while (envv && i < n && imp_env_next (env, &cursor, &name, &value) == 0)
        if (asprintf (&envv[i++], "%s=%s", name, value) < 0)
            envv[--i] = NULL;
    return envv;
}

/* In the helper process: never returns. */
static __attribute__ ((noreturn)) void
exec_helper (struct imp_state *imp, char **argv, int outfd)
{
    char **envv = caller_environ (imp->env);
    int e;

    (void)setsid ();
    if (dup2 (outfd, STDOUT_FILENO) < 0)
        _exit (126);
    if (envv)
        environ = envv;
    execvp (argv[0], argv);
    e = errno;
    fprintf (stderr, "imp: popen: %s: %s\n", argv[0], strerror (e));
    _exit (e == ENOENT ? 127 : 126);
}

static void kill_helper (pid_t pid)
{
    (void)kill (-pid, SIGKILL);
    (void)kill (pid, SIGKILL);
}

/* Run FLUX_IMP_EXEC_HELPER 'cmd' and read its output into *bufp. */
static ssize_t run_helper (struct imp_state *imp, const char *cmd, char **bufp)
{
    char *copy = strdup (cmd), **argv = NULL;
    struct timespec now;
    ssize_t len = -1;
    int pfd[2] = {-1, -1}, status, e;
    pid_t pid;

    if (!copy || !(argv = split_words (copy))) {
        imp_fatal ("exec: out of memory");
        goto out;
    }
    if (!argv[0]) {
        imp_fatal ("exec: FLUX_IMP_EXEC_HELPER is empty");
        goto out;
    }
    if (pipe2 (pfd, O_CLOEXEC) < 0 || (pid = fork ()) < 0) {
        imp_fatal ("exec: helper %s: %s", cmd, strerror (errno));
        goto out;
    }
    if (pid == 0)
        exec_helper (imp, argv, pfd[1]);
    close (pfd[1]);
    pfd[1] = -1;
    clock_gettime (CLOCK_MONOTONIC, &now);
    len = read_all (pfd[0], bufp, now.tv_sec + EXEC_HELPER_TIMEOUT);
    e = errno;
    if (len < 0)
        kill_helper (pid);
    while (waitpid (pid, &status, 0) < 0 && errno == EINTR)
        ;
    if (len < 0 && e == ETIMEDOUT)
        imp_fatal ("exec: helper %s timed out after %d seconds", cmd,
                   EXEC_HELPER_TIMEOUT);
    else if (len < 0 && e == E2BIG)
        imp_fatal ("exec: helper %s: output exceeds %d bytes", cmd,
                   EXEC_INPUT_MAX);
    else if (len < 0)
        imp_fatal ("exec: helper %s: %s", cmd, strerror (e));
    else if (status != 0) {
        imp_fatal ("exec: helper %s failed with status=0x%04x", cmd, status);
        free (*bufp);
        len = -1;
    }
out:
    if (pfd[0] >= 0)
        close (pfd[0]);
    free (argv);
    free (copy);
    return len;
}

/* The input, parsed: from the helper if set, else from stdin. */
static struct exec_input *read_input (struct imp_state *imp)
{
    const char *helper = imp_env_get (imp->env, "FLUX_IMP_EXEC_HELPER");
    struct exec_input *in = NULL;
    struct error err = {{0}};
    char *buf = NULL;
    ssize_t len;

    if (helper)
        len = run_helper (imp, helper, &buf);
    else if ((len = read_all (STDIN_FILENO, &buf, 0)) < 0) {
        if (errno == E2BIG)
            imp_fatal ("exec: invalid json input: input exceeds %d bytes",
                       EXEC_INPUT_MAX);
        else
            imp_fatal ("exec: reading stdin: %s", strerror (errno));
    }
    if (len < 0)
        return NULL;
    if (exec_input_parse (buf, (size_t)len, &in, &err) < 0)
        imp_fatal ("exec: invalid json input: %s", err.text);
    free (buf);
    return in;
}

static int send_request (struct imp_state *imp, const char *J)
{
    struct error err = {{0}};
    char key[32];
    struct kv *kv;
    int rc = -1;

    if (!(kv = kv_create ()) || kv_put_string (kv, "cmd", imp->cmd) < 0
        || kv_put_string (kv, "J", J) < 0
        || kv_put_string (kv, "shell_path", imp->argv[2]) < 0)
        goto error;
    for (int i = 2; i < imp->argc; i++) {
        snprintf (key, sizeof (key), "args%d", i - 2);
        if (kv_put_string (kv, key, imp->argv[i]) < 0)
            goto error;
    }
    if (privsep_send (imp->ps, kv, &err) < 0)
        imp_fatal ("exec: %s", err.text);
    else
        rc = 0;
    kv_destroy (kv);
    return rc;
error:
    imp_fatal ("exec: %s", strerror (errno));
    kv_destroy (kv);
    return -1;
}

/* Not setuid: run the shell as the caller, and exit like it. */
static int run_unprivileged (struct imp_state *imp)
{
    struct error err = {{0}};
    struct exec_job job = {
        .argv = imp->argv + 2,
        .pw = NULL,
        .pro = &imp->prologue,
        .notify_socket = imp_env_get (imp->env, "NOTIFY_SOCKET"),
    };
    int status;

    imp_warn ("Running without privilege, userid switching not available");
    if ((status = exec_job_run (&job, &err)) < 0) {
        imp_fatal ("exec: %s", err.text);
        return 1;
    }
    if (WIFEXITED (status))
        return WEXITSTATUS (status);
    exec_job_exit_like (status);
}

static int check_unprivileged_allowed (struct imp_state *imp)
{
    struct error err = {{0}};
    bool allow = false;

    if (cf_get_bool (imp->conf, "exec.allow-unprivileged-exec", &allow, &err)
            < 0
        && errno != ENOENT)
        imp_warn ("exec: %s", err.text);
    if (!allow) {
        imp_fatal ("exec: IMP not installed setuid, operation disabled.");
        return -1;
    }
    return 0;
}

/* Device containment is not implemented: refuse a job that asks for it
 * rather than give it more access than requested.
 */
static int check_no_devices (const struct exec_input *in)
{
    if (in->wants_devices) {
        imp_fatal ("exec: failed to apply device containment policy: "
                   "device containment is not supported by this IMP");
        return -1;
    }
    return 0;
}

/* PAM is not implemented: pam-support = true is an error. */
static int check_no_pam (struct imp_state *imp)
{
    struct error err = {{0}};
    bool pam = false;

    if (cf_get_bool (imp->conf, "exec.pam-support", &pam, &err) < 0
        && errno != ENOENT) {
        imp_fatal ("exec: %s", err.text);
        return -1;
    }
    if (pam) {
        imp_fatal ("exec: pam-support=true, but IMP was built without "
                   "--enable-pam");
        return -1;
    }
    return 0;
}

int imp_cmd_exec_child (struct imp_state *imp)
{
    flux_security_t *ctx = NULL;
    struct exec_input *in = NULL;
    int64_t uid;
    int rc = 1;

    if (imp->argc < 4) {
        imp_fatal ("exec: missing arguments to exec subcommand");
        return 1;
    }
    if (!imp->ps && check_unprivileged_allowed (imp) < 0)
        return 1;
    if (load_security (imp, &ctx) < 0 || check_user_allowed (imp) < 0
        || !(in = read_input (imp)) || verify_J (ctx, in->J, &uid) < 0
        || check_no_devices (in) < 0
        || check_shell_allowed (imp, imp->argv[2], "") < 0
        || check_no_pam (imp) < 0)
        goto out;
    if (imp->ps)
        rc = send_request (imp, in->J) < 0 ? 1 : 0;
    else
        rc = run_unprivileged (imp);
out:
    exec_input_destroy (in);
    flux_security_destroy (ctx);
    return rc;
}

/* The message must be {cmd, J, shell_path, args0..} with the shell and
 * arguments of the parent's own argv.  Set *Jp.
 */
static int
check_request (struct imp_state *imp, const struct kv *msg, const char **Jp)
{
    const char *s;
    char key[32];
    int nargs = imp->argc - 2;

    if (imp->argc < 4 || kv_count (msg) != (size_t)(3 + nargs)
        || kv_get_string (msg, "J", Jp) < 0
        || kv_get_string (msg, "shell_path", &s) < 0
        || strcmp (s, imp->argv[2]))
        goto error;
    for (int i = 0; i < nargs; i++) {
        snprintf (key, sizeof (key), "args%d", i);
        if (kv_get_string (msg, key, &s) < 0 || strcmp (s, imp->argv[i + 2]))
            goto error;
    }
    return 0;
error:
    imp_fatal ("exec: privsep: unexpected request from the unprivileged "
               "child");
    return -1;
}

/* Verify again as root; set 'u' to the job's user. */
static int decide (struct imp_state *imp, const struct kv *msg, struct user *u)
{
    flux_security_t *ctx = NULL;
    const char *J;
    int64_t uid;
    int rc = -1;

    if (check_request (imp, msg, &J) < 0 || load_security (imp, &ctx) < 0
        || check_user_allowed (imp) < 0 || verify_J (ctx, J, &uid) < 0)
        goto out;
    if (uid == 0) {
        imp_fatal ("exec: switching to user root not supported");
        goto out;
    }
    if (check_shell_allowed (imp, imp->argv[2], " list") < 0
        || check_no_pam (imp) < 0)
        goto out;
    if (lookup_user ((uid_t)uid, u) < 0 || u->pw.pw_uid == 0) {
        imp_fatal ("exec: userid %jd is invalid", (intmax_t)uid);
        goto out;
    }
    rc = 0;
out:
    flux_security_destroy (ctx);
    return rc;
}

int imp_cmd_exec_parent (struct imp_state *imp, const struct kv *msg)
{
    struct error err = {{0}};
    struct user *u = calloc (1, sizeof (*u));
    struct exec_job job = {.argv = imp->argv + 2, .pro = &imp->prologue};
    int status;

    if (!u) {
        imp_fatal ("exec: out of memory");
        return 1;
    }
    if (decide (imp, msg, u) < 0)
        goto error;
    if (privsep_wait (imp->ps, &err) < 0) {
        if (errno != ECHILD)
            imp_fatal ("exec: %s", err.text);
        goto error;
    }
    job.pw = &u->pw;
    job.notify_socket = imp_env_get (imp->env, "NOTIFY_SOCKET");
    if ((status = exec_job_run (&job, &err)) < 0) {
        imp_fatal ("exec: %s", err.text);
        goto error;
    }
    free (u);
    if (WIFEXITED (status))
        return WEXITSTATUS (status);
    exec_job_exit_like (status);
error:
    free (u);
    return 1;
}
