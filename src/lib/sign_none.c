/* sign_none.c - the "none" mechanism (wire.md 2.3).
 *
 * No integrity at all: the signature is the word "none", and a message
 * verifies only for a verifier whose real uid is the header's userid.
 * It exists for single-user instances, where signer and verifier are the
 * same user.
 *
 * The defence against impersonation by an instance owner: in a job shell
 * that flux-imp started for a guest, a "none" message claiming the guest's
 * uid would verify, yet anyone who controls the instance (its owner) can
 * write one.  flux-imp therefore sets NONE_REFUSE_ENV to the process id
 * of every job shell it starts as another user, and none verification
 * fails in the process whose pid it names: the job shell itself, which
 * verifies J and remote execution requests.  Its descendants (the job's
 * tasks, among them the brokers of an instance that the guest runs in
 * the job) have other pids, so a single-user instance started inside a
 * job keeps signing and verifying with none as any single-user instance
 * does; so do instances without the IMP and the owner's processes.  Any
 * other value (empty, not a pid, another pid) refuses nothing: the
 * variable can only make verification stricter, so it is read with
 * getenv() even in a setuid program.
 */
#if HAVE_CONFIG_H
#include "config.h"
#endif
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sign_mech.h"

#define NONE_REFUSE_ENV "FLUX_SECURITY_REFUSE_NONE"

/* True in the process whose pid NONE_REFUSE_ENV holds (decimal, no sign,
 * blank or leading zero).
 */
static bool none_refused (void)
{
    const char *s = getenv (NONE_REFUSE_ENV);
    long long v = 0;

    if (!s || s[0] < '1' || s[0] > '9' || strlen (s) > 10)
        return false;
    for (; *s; s++) {
        if (*s < '0' || *s > '9')
            return false;
        v = v * 10 + (*s - '0');
    }
    return v == (long long)getpid ();
}

static char *
none_sign (void *state, const char *input, size_t len, struct error *err)
{
    char *s;

    if (!(s = strdup ("none")))
        error_set (err, "sign-none-sign: %s", strerror (errno));
    return s;
}

static int none_verify (void *state,
                        const struct kv *header,
                        int64_t userid,
                        const char *input,
                        size_t len,
                        const char *signature,
                        struct error *err)
{
    int64_t real = (int64_t)getuid ();

    if (none_refused ())
        return error_errno (err,
                            EPERM,
                            "sign-none-verify: the none mechanism is refused"
                            " in a job shell that flux-imp started for"
                            " another user (%s)",
                            NONE_REFUSE_ENV);
    if (userid != real)
        return error_errno (err, EPERM,
                            "sign-none-verify: header userid %lld != real %lld",
                            (long long)userid, (long long)real);
    if (strcmp (signature, "none") != 0)
        return error_errno (err, EINVAL, "sign-none-verify: signature invalid");
    return 0;
}

const struct sign_mech sign_mech_none = {
    .name = "none",
    .sign = none_sign,
    .verify = none_verify,
};
