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
 * write one.  flux-imp therefore sets NONE_REFUSE_ENV=1 in the
 * environment of every job shell it starts as another user, and none
 * verification fails wherever it is set.  Single-user instances (no IMP)
 * and the instance owner's own processes are unaffected.  The variable
 * can only make verification stricter, so it is read with getenv() even
 * in a setuid program.
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

static bool none_refused (void)
{
    const char *s = getenv (NONE_REFUSE_ENV);

    return s && *s && strcmp (s, "0") != 0;
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
                            " in a job that flux-imp started for another"
                            " user (%s is set)",
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
