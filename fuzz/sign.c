/* fuzz/sign.c - libFuzzer harness of flux_sign_unwrap(): the envelope
 * parser, base64, the header kv and its checks, on hostile input.
 *
 * A context configured once (every mechanism allowed) unwraps the input
 * without verification; an input that decodes as "none" is then verified
 * too (pure: compares uids).  munge and curve verification are not run
 * here: they talk to munged or read certificate files.  Invariants:
 * a successful unwrap returns a payload of the stated length (NULL when
 * empty), a known mechanism and a userid that fits a uid_t; a failure
 * sets errno and an error text.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "flux/security/sign.h"
#include "fuzz.h"

static flux_security_t *ctx;

static flux_security_t *context (void)
{
    char dir[] = "/tmp/fuzz-sign.XXXXXX";
    char path[64];
    FILE *f;

    if (ctx)
        return ctx;
    CHECK (mkdtemp (dir));
    snprintf (path, sizeof (path), "%s/sign.toml", dir);
    CHECK ((f = fopen (path, "w")));
    fputs ("[sign]\nmax-ttl = 60\ndefault-type = \"none\"\n"
           "allowed-types = [\"none\", \"munge\", \"curve\"]\n"
           "[sign.curve]\nrequire-ca = false\n",
           f);
    CHECK (fclose (f) == 0);
    CHECK ((ctx = flux_security_create (FLUX_SECURITY_DISABLE_PATH_PARANOIA)));
    CHECK (flux_security_configure (ctx, path) == 0);
    (void)unlink (path);
    (void)rmdir (dir);
    return ctx;
}

static void check_result (int rc, const void *payload, int len, int64_t uid)
{
    if (rc == 0) {
        CHECK (len >= 0);
        CHECK ((len == 0) == (payload == NULL));
        if (len > 0)
            CHECK (((const char *)payload)[len] == '\0');
        CHECK (uid >= 0 && uid < (int64_t)UINT32_MAX);
    }
    else {
        CHECK (errno != 0);
        CHECK (flux_security_last_error (ctx) != NULL);
    }
}

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
    flux_security_t *c = context ();
    char *input;
    const void *payload = NULL;
    int len = 0;
    int64_t uid = -1;
    const char *mech = NULL;
    int rc;

    if (!(input = malloc (size + 1)))
        return 0;
    memcpy (input, data, size);
    input[size] = '\0';
    errno = 0;
    rc = flux_sign_unwrap_anymech (c, input, &payload, &len, &mech, &uid,
                                   FLUX_SIGN_NOVERIFY);
    check_result (rc, payload, len, uid);
    if (rc == 0) {
        CHECK (!strcmp (mech, "none") || !strcmp (mech, "munge")
               || !strcmp (mech, "curve"));
        if (!strcmp (mech, "none")) {
            errno = 0;
            rc = flux_sign_unwrap (c, input, &payload, &len, &uid, 0);
            check_result (rc, payload, len, uid);
        }
    }
    free (input);
    return 0;
}
