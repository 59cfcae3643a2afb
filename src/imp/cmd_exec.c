/* cmd_exec.c - flux-imp exec SHELL ARG...: run a job shell as the user
 * who signed the job (imp.md 4.3, 4.4).
 *
 * Input: {"J": <signed jobspec>, "options"?: {...}} (exec_input.h) on
 * stdin, or on the stdout of the program named by FLUX_IMP_EXEC_HELPER
 * (then stdin is not read).
 *
 * Child (unprivileged, as the caller): load the security context; the
 * caller must be in exec.allowed-users; read and parse the input; verify
 * J (flux_sign_unwrap); the signer must exist on this host; parse and
 * resolve the device containment options (exec_device.h: bad entries
 * are warnings); SHELL must be an absolute path listed in
 * exec.allowed-shells; exec.pam-support true only in a privileged IMP
 * built with PAM (else refused, never ignored); options.Credentials
 * valid (exec_cred.h).  Privileged: send {cmd, J, shell_path,
 * args0..argsN, device.count, device.0.., cred.count, cred.0.name,
 * cred.0.value..} to the parent.  Not setuid: with
 * exec.allow-unprivileged-exec, run the shell as the caller, but refuse
 * device containment (no filter can be attached) and credentials.
 *
 * Parent (root): check that the message repeats its own argv; load the
 * security context again; check allowed-users again for the real uid;
 * verify J again; refuse uid 0; check allowed-shells again; resolve the
 * user; wait for the child to exit 0; if device containment was asked
 * for, attach the filter (cgroup_device.h) to the IMP's own cgroup, which
 * must be a dedicated job cgroup (imp_cgroup.h); with exec.pam-support,
 * open the PAM session of the user first (exec_pam.h: "exec: PAM stack
 * failure" if it fails); with credentials, write them to a new job
 * directory (exec_creddir.h) for CREDENTIALS_DIRECTORY; start the shell
 * as the user (exec_job.h, with
 * sd_notify messages to NOTIFY_SOCKET), close the PAM session once
 * exec_job_run() has returned (shell exited, cgroup empty) and exit like
 * the shell.
 *
 * SECURITY INVARIANTS
 * - The parent trusts nothing of the message but J, which it verifies
 *   itself; the shell and its arguments are taken from the parent's own
 *   argv and must equal what the child sent.  The device list is the
 *   caller's to choose (it only narrows access); the parent decodes it
 *   strictly (at most EXEC_DEVICE_MAX entries, each range checked) and
 *   counts it among the keys, so that the message holds nothing else.
 * - A device filter is attached only to the cgroup the parent itself is
 *   in, and only if its last component names a job cgroup (imp-shell*,
 *   flux-*), never the root or a shared cgroup, where it would deny
 *   devices to processes that are not the job's.
 * - The job's user is the signer of J as the parent verified it, never
 *   uid 0, and must resolve with getpwuid_r() in the parent.  Each
 *   process looks up the caller and the signer once (the same entry when
 *   the uids are equal) and never takes an entry from the other half.
 * - The PAM session (exec.pam-support) is opened by the parent only,
 *   after the child has exited, for that user, service "flux" (exec_pam.h);
 *   if it cannot be opened the shell is not started.
 * - Credentials are the owner's to give: the parent decodes them with
 *   the child's rules (exec_cred.h) and counts their keys among the
 *   message's.  It writes them only after every decision, for the user
 *   it resolved itself, under the base fixed at build time
 *   (exec_creddir.h checks it on descriptors), wipes their values from
 *   the message once written, and removes the directory once
 *   exec_job_run() has returned, before exiting like the shell.  A
 *   failure to write them stops the job before its shell starts.
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

#include "cgroup_device.h"
#include "exec_cred.h"
#include "exec_creddir.h"
#include "exec_device.h"
#include "exec_env.h"
#include "exec_input.h"
#include "exec_job.h"
#include "exec_pam.h"
#include "imp_audit.h"
#include "imp_cgroup.h"
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

/* The two users of a request, each looked up at most once per process
 * (a directory-service round trip each where passwd is not local): the
 * caller, by its real uid, and the signer of J, who is the caller's own
 * entry when the uids are equal.
 */
struct users {
    struct user caller_entry;
    struct user signer_entry;
    const struct passwd *caller; /* NULL: the real uid has no entry */
    const struct passwd *signer; /* set by verify_J() */
};

/* Look up the caller; NULL (logged) only if out of memory. */
static struct users *users_create (void)
{
    struct users *u = malloc (sizeof (*u));

    if (!u) {
        imp_fatal ("exec: out of memory");
        return NULL;
    }
    u->caller = NULL;
    u->signer = NULL;
    if (lookup_user (getuid (), &u->caller_entry) == 0)
        u->caller = &u->caller_entry.pw;
    return u;
}

/* The entry of 'uid' for the signer, or NULL if it has none. */
static const struct passwd *find_signer (struct users *u, uid_t uid)
{
    if (u->caller && u->caller->pw_uid == uid)
        return u->caller;
    if (lookup_user (uid, &u->signer_entry) < 0)
        return NULL;
    return &u->signer_entry.pw;
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

static int check_user_allowed (struct imp_state *imp, const struct users *u)
{
    if (!u->caller) {
        imp_fatal ("exec: user %ju not in allowed-users list",
                   (uintmax_t)getuid ());
        return -1;
    }
    if (!in_list (imp, "exec.allowed-users", u->caller->pw_name)) {
        imp_fatal ("exec: user %s not in allowed-users list",
                   u->caller->pw_name);
        return -1;
    }
    return 0;
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

/* Verify J; set *uidp to its signer, who must exist on this host, and
 * u->signer to the signer's entry.
 */
static int
verify_J (flux_security_t *ctx, const char *J, struct users *u, int64_t *uidp)
{
    const void *payload;
    int payloadsz;
    int64_t uid;
    char host[256] = "";

    if (flux_sign_unwrap (ctx, J, &payload, &payloadsz, &uid, 0) < 0) {
        imp_fatal ("exec: signature validation failed: %s",
                   flux_security_last_error (ctx));
        return -1;
    }
    if (uid < 0 || uid > (int64_t)INT32_MAX
        || !(u->signer = find_signer (u, (uid_t)uid))) {
        (void)gethostname (host, sizeof (host) - 1);
        imp_fatal ("exec: userid %jd is invalid on %s", (intmax_t)uid, host);
        return -1;
    }
    *uidp = uid;
    return 0;
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
            if (!(nbuf = malloc (size + 1)))
                goto error;
            if (buf) {
                memcpy (nbuf, buf, len);
                explicit_bzero (buf, len);
                free (buf);
            }
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
    if (buf)
        explicit_bzero (buf, len);
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
    prologue_give_back_stack (&imp->prologue);
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
        explicit_bzero (*bufp, (size_t)len);
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

/* The input, parsed: from the helper if set, else from stdin.  Its
 * device options are left to parse_devices().
 */
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
    explicit_bzero (buf, (size_t)len); /* it may hold credentials */
    free (buf);
    return in;
}

static int send_request (struct imp_state *imp,
                         const char *J,
                         const struct exec_device_list *devs,
                         const struct exec_cred_list *creds)
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
    if (exec_device_encode (devs, kv) < 0 || exec_cred_encode (creds, kv) < 0)
        goto error;
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

static void warn_device (const char *msg, void *arg)
{
    imp_warn ("%s", msg);
}

/* Parse the device options of the input (exec_input.h keeps them for
 * this) into *specsp.
 */
static int parse_devices (const struct exec_input *in,
                          struct exec_device_specs **specsp)
{
    struct error err = {{0}};

    if (exec_device_parse (in->options, specsp, &err) < 0) {
        imp_fatal ("exec: failed to parse device containment policy: %s "
                   "(%s)",
                   strerror (errno), err.text);
        return -1;
    }
    return 0;
}

/* Resolve the device options (as the caller) into *devsp.  Without
 * privilege no filter can be attached: a job that asks for containment
 * is refused rather than run with more access than requested.
 */
static int resolve_devices (struct imp_state *imp,
                            const struct exec_device_specs *specs,
                            struct exec_device_list **devsp)
{
    struct error err = {{0}};

    if (exec_device_resolve (specs, warn_device, NULL, devsp, &err) < 0) {
        imp_fatal ("exec: failed to parse device containment policy: %s",
                   err.text);
        return -1;
    }
    if (!imp->ps && (*devsp)->contain) {
        imp_fatal ("exec: failed to apply device containment policy: "
                   "the IMP is not installed setuid");
        return -1;
    }
    return 0;
}

/* Set *pamp (may be NULL) to exec.pam-support.  True is refused without
 * PAM in the build, and without privilege (no session can be opened as
 * the caller; running the job without it would skip its limits).
 */
static int check_pam (struct imp_state *imp, bool *pamp)
{
    struct error err = {{0}};
    bool pam = false;

    if (cf_get_bool (imp->conf, "exec.pam-support", &pam, &err) < 0
        && errno != ENOENT) {
        imp_fatal ("exec: %s", err.text);
        return -1;
    }
#ifndef HAVE_PAM
    if (pam) {
        imp_fatal ("exec: pam-support=true, but IMP was built without "
                   "--enable-pam");
        return -1;
    }
#endif
    if (pam && !imp->ps) {
        imp_fatal ("exec: pam-support=true, but IMP not installed setuid");
        return -1;
    }
    if (pamp)
        *pamp = pam;
    return 0;
}

/* Validate options.Credentials (exec_cred.h) into *credsp.  Without
 * privilege they are refused: the caller's own files would not be
 * private to the job.
 */
static int parse_creds (struct imp_state *imp,
                        const struct exec_input *in,
                        struct exec_cred_list **credsp)
{
    struct error err = {{0}};

    if (exec_cred_parse (in->options, credsp, &err) < 0) {
        imp_fatal ("exec: invalid credentials: %s", err.text);
        return -1;
    }
    if (!imp->ps && (*credsp)->count > 0) {
        imp_fatal ("exec: credentials need the IMP to be installed setuid");
        return -1;
    }
    return 0;
}

int imp_cmd_exec_child (struct imp_state *imp)
{
    flux_security_t *ctx = NULL;
    struct exec_input *in = NULL;
    struct exec_device_specs *specs = NULL;
    struct exec_device_list *devs = NULL;
    struct exec_cred_list *creds = NULL;
    struct users *users = NULL;
    int64_t uid;
    int rc = 1;

    if (imp->argc < 4) {
        imp_fatal ("exec: missing arguments to exec subcommand");
        return 1;
    }
    if (!imp->ps && check_unprivileged_allowed (imp) < 0)
        return 1;
    if (load_security (imp, &ctx) < 0 || !(users = users_create ())
        || check_user_allowed (imp, users) < 0 || !(in = read_input (imp))
        || verify_J (ctx, in->J, users, &uid) < 0
        || parse_devices (in, &specs) < 0
        || resolve_devices (imp, specs, &devs) < 0
        || parse_creds (imp, in, &creds) < 0
        || check_shell_allowed (imp, imp->argv[2], "") < 0
        || check_pam (imp, NULL) < 0)
        goto out;
    if (imp->ps)
        rc = send_request (imp, in->J, devs, creds) < 0 ? 1 : 0;
    else
        rc = run_unprivileged (imp);
out:
    exec_cred_list_destroy (creds);
    free (devs);
    exec_device_specs_destroy (specs);
    exec_input_destroy (in);
    flux_security_destroy (ctx);
    free (users);
    return rc;
}

/* The request of the unprivileged child, decoded once by the parent. */
struct request {
    const char *J;                 /* in the message */
    struct exec_device_list *devs; /* exec_device_decode() */
    size_t ndev_keys;
    struct exec_cred_list *creds; /* exec_cred_decode() */
    size_t ncred_keys;
};

static void request_free (struct request *req)
{
    free (req->devs);
    req->devs = NULL;
    exec_cred_list_destroy (req->creds);
    req->creds = NULL;
}

/* Decode the device and credential entries of 'msg' into 'req'. */
static int decode_entries (const struct kv *msg, struct request *req)
{
    struct error err = {{0}};

    if (exec_device_decode (msg, &req->devs, &req->ndev_keys, &err) < 0
        || exec_cred_decode (msg, &req->creds, &req->ncred_keys, &err) < 0) {
        imp_fatal ("exec: privsep: unexpected request from the unprivileged "
                   "child: %s",
                   err.text);
        return -1;
    }
    return 0;
}

/* The message must be {cmd, J, shell_path, args0.., device keys,
 * credential keys} with the shell and arguments of the parent's own
 * argv.  Fill 'req' (request_free() it in any case).
 */
static int
check_request (struct imp_state *imp, const struct kv *msg, struct request *req)
{
    const char *s;
    char key[32];
    int nargs = imp->argc - 2;

    if (decode_entries (msg, req) < 0)
        return -1;
    if (imp->argc < 4
        || kv_count (msg)
               != (size_t)(3 + nargs) + req->ndev_keys + req->ncred_keys
        || kv_get_string (msg, "J", &req->J) < 0
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

/* Verify again as root; fill 'req', set u->signer to the job's user,
 * *pamp to exec.pam-support.
 */
static int decide (struct imp_state *imp,
                   const struct kv *msg,
                   struct request *req,
                   struct users *u,
                   bool *pamp)
{
    flux_security_t *ctx = NULL;
    int64_t uid;
    int rc = -1;

    if (check_request (imp, msg, req) < 0 || load_security (imp, &ctx) < 0
        || check_user_allowed (imp, u) < 0
        || verify_J (ctx, req->J, u, &uid) < 0)
        goto out;
    if (uid == 0) {
        imp_fatal ("exec: switching to user root not supported");
        goto out;
    }
    if (check_shell_allowed (imp, imp->argv[2], " list") < 0
        || check_pam (imp, pamp) < 0)
        goto out;
    if (u->signer->pw_uid == 0) {
        imp_fatal ("exec: userid %jd is invalid", (intmax_t)uid);
        goto out;
    }
    rc = 0;
out:
    flux_security_destroy (ctx);
    return rc;
}

/* Check that the IMP's own cgroup 'cg' is a dedicated job cgroup (the
 * filter would otherwise reach processes that are not the job's, or the
 * whole machine on the root cgroup) and open it.
 */
static int open_job_cgroup (const struct imp_cgroup *cg)
{
    const char *name = strrchr (cg->path, '/');
    int fd;

    if (!cg->is_job || !name || !imp_cgroup_name_is_job (name + 1)
        || !strcmp (cg->path, cg->mount)) {
        imp_fatal ("exec: failed to apply device containment policy: the "
                   "IMP is not in a dedicated job cgroup (imp-shell* or "
                   "flux-*): %s",
                   cg->path);
        return -1;
    }
    fd = open (cg->path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0)
        imp_fatal ("exec: failed to apply device containment policy: %s: %s",
                   cg->path, strerror (errno));
    return fd;
}

/* Attach the filter of 'devs' to the IMP's own cgroup. */
static int attach_filter (const struct exec_device_list *devs)
{
    struct error err = {{0}};
    struct imp_cgroup cg;
    int fd, rc;

    if (imp_cgroup_of (0, &cg, &err) < 0) {
        imp_fatal ("exec: failed to apply device containment policy: %s",
                   err.text);
        return -1;
    }
    if ((fd = open_job_cgroup (&cg)) < 0)
        return -1;
    if ((rc = cgroup_device_apply (fd, devs, &err)) < 0)
        imp_fatal ("exec: failed to apply device containment policy: %s",
                   err.text);
    close (fd);
    return rc;
}

/* Attach the device filter of 'devs', if any, to the IMP's own cgroup
 * (imp.md 4.5), which must be a dedicated job cgroup.  The filter stays
 * attached after the IMP exits and applies to the shell it forks.
 */
static int apply_devices (const struct exec_device_list *devs)
{
    return devs->contain ? attach_filter (devs) : 0;
}

static void warn_pam (const char *msg, void *arg)
{
    imp_warn ("pam: %s", msg);
}

/* Open the PAM session of 'pw' (exec_pam.h) into *pamp. */
static int open_pam (struct imp_state *imp,
                     const struct passwd *pw,
                     struct exec_pam **pamp)
{
    struct error err = {{0}};

    if (exec_pam_open (pw->pw_name, imp->paths.pam_confdir, warn_pam, NULL,
                       pamp, &err)
        < 0) {
        imp_warn ("%s", err.text);
        imp_fatal ("exec: PAM stack failure");
        return -1;
    }
    return 0;
}

/* Close the PAM session 'pam' (NULL: none); failures are warnings. */
static void close_pam (struct exec_pam *pam)
{
    struct error err = {{0}};

    if (exec_pam_close (pam, &err) < 0)
        imp_warn ("%s", err.text);
}

/* The credentials directory of a job (exec_creddir.h). */
struct job_creds {
    struct exec_creddir *dir; /* NULL: none */
    char count[32];           /* for the audit line */
    char *env;                /* CREDENTIALS_DIRECTORY=<path> */
    const char *extra[2];     /* exec_job.extra */
};

static void warn_cred (const char *msg, void *arg)
{
    imp_warn ("exec: %s", msg);
}

/* Write the credentials of 'req', if any, to a new job directory of
 * 'pw' (exec_creddir.h), then destroy them (their values are wiped) and
 * wipe them from 'msg', which main.c owns and destroys after this
 * handler (kv wipes what it deletes): the IMP keeps no copy while the
 * job runs.
 */
static int make_creds (struct imp_state *imp,
                       const struct kv *msg,
                       struct request *req,
                       const struct passwd *pw,
                       struct job_creds *jc)
{
    struct exec_cred_list *creds = req->creds;
    struct error err = {{0}};
    int rc = -1;

    if (creds->count == 0)
        rc = 0;
    else if (exec_creddir_create (imp->paths.cred_dir, creds, pw->pw_uid,
                                  pw->pw_gid, warn_cred, NULL, &jc->dir, &err)
             < 0)
        imp_fatal ("exec: %s", err.text);
    else if (asprintf (&jc->env, "%s=%s", EXEC_ENV_CREDENTIALS_DIRECTORY,
                       exec_creddir_path (jc->dir))
             < 0) {
        jc->env = NULL;
        imp_fatal ("exec: out of memory");
    }
    else {
        snprintf (jc->count, sizeof (jc->count), "%zu", creds->count);
        jc->extra[0] = jc->env;
        rc = 0;
    }
    exec_cred_list_destroy (creds);
    req->creds = NULL;
    exec_cred_kv_wipe ((struct kv *)msg);
    return rc;
}

/* Remove the job's credentials directory, if any (failures are
 * warnings naming the path).
 */
static void remove_creds (struct job_creds *jc)
{
    (void)exec_creddir_remove (jc->dir, warn_cred, NULL);
    jc->dir = NULL;
    free (jc->env);
    jc->env = NULL;
}

int imp_cmd_exec_parent (struct imp_state *imp, const struct kv *msg)
{
    struct error err = {{0}};
    struct users *u = users_create ();
    struct exec_job job = {.argv = imp->argv + 2, .pro = &imp->prologue};
    struct imp_audit a;
    struct exec_pam *session = NULL;
    struct job_creds jc = {0};
    struct request req = {0};
    bool pam = false;
    int status;

    if (!u)
        return 1;
    imp_audit_begin_name (&a, "exec", getuid (),
                          u->caller ? u->caller->pw_name : NULL);
    if (decide (imp, msg, &req, u, &pam) < 0)
        goto refused;
    imp_audit_user_name (&a, "user", u->signer->pw_uid, u->signer->pw_name);
    imp_audit_field (&a, "jobid", imp_env_get (imp->env, "FLUX_JOB_ID"));
    imp_audit_field (&a, "shell", imp->argv[2]);
    if (privsep_wait (imp->ps, &err) < 0) {
        if (errno != ECHILD)
            imp_fatal ("exec: %s", err.text);
        imp_audit_send_refused (&a);
        goto error;
    }
    if (pam && open_pam (imp, u->signer, &session) < 0) {
        imp_audit_send (&a, false, "PAM stack failure");
        goto error;
    }
    if (apply_devices (req.devs) < 0) {
        imp_audit_send (&a, false, "device containment failed");
        goto error;
    }
    if (make_creds (imp, msg, &req, u->signer, &jc) < 0) {
        imp_audit_send (&a, false, "credentials failed");
        goto error;
    }
    if (jc.dir) {
        imp_audit_field (&a, "credentials", jc.count);
        job.extra = jc.extra;
    }
    job.pw = u->signer;
    job.notify_socket = imp_env_get (imp->env, "NOTIFY_SOCKET");
    imp_audit_send (&a, true, "allowed");
    if ((status = exec_job_run (&job, &err)) < 0) {
        imp_fatal ("exec: %s", err.text);
        imp_audit_send (&a, false, "failed to start the shell");
        goto error;
    }
    remove_creds (&jc);
    close_pam (session);
    request_free (&req);
    imp_audit_send_status (&a, status);
    free (u);
    if (WIFEXITED (status))
        return WEXITSTATUS (status);
    exec_job_exit_like (status);
refused:
    imp_audit_field (&a, "jobid", imp_env_get (imp->env, "FLUX_JOB_ID"));
    imp_audit_field (&a, "shell", imp->argv[2]);
    imp_audit_send_refused (&a);
error:
    remove_creds (&jc);
    close_pam (session);
    request_free (&req);
    free (u);
    return 1;
}
