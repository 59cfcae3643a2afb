/* api-compat.c - a client written against the original libflux-security
 * API.  It must compile with -Werror and link unchanged against this
 * library: every function is assigned to a pointer of the original's exact
 * type, and every constant is checked at compile time.
 *
 * Usage: api-compat PATTERN   (a configuration allowing "none")
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <flux/security/sign.h>
#include <flux/security/version.h>

_Static_assert(FLUX_SECURITY_DISABLE_PATH_PARANOIA == 0x1, "flag value");
_Static_assert(FLUX_SECURITY_FORCE_PATH_PARANOIA == 0x2, "flag value");
_Static_assert(FLUX_SIGN_NOVERIFY == 1, "flag value");
_Static_assert(FLUX_SECURITY_VERSION_HEX
                   == ((FLUX_SECURITY_VERSION_MAJOR << 16)
                       | (FLUX_SECURITY_VERSION_MINOR << 8)
                       | FLUX_SECURITY_VERSION_PATCH),
               "version hex");

static flux_security_t *(*p_create) (int) = flux_security_create;
static void (*p_destroy) (flux_security_t *) = flux_security_destroy;
static const char *(*p_last_error) (flux_security_t *) =
    flux_security_last_error;
static int (*p_last_errnum) (flux_security_t *) = flux_security_last_errnum;
static int (*p_configure) (flux_security_t *,
                           const char *) = flux_security_configure;
static int (*p_aux_set) (flux_security_t *,
                         const char *,
                         void *,
                         flux_security_free_f) = flux_security_aux_set;
static void *(*p_aux_get) (flux_security_t *,
                           const char *) = flux_security_aux_get;
static const char *(*p_wrap) (
    flux_security_t *, const void *, int, const char *, int) = flux_sign_wrap;
static const char *(*p_wrap_as) (flux_security_t *,
                                 int64_t,
                                 const void *,
                                 int,
                                 const char *,
                                 int) = flux_sign_wrap_as;
static int (*p_unwrap) (flux_security_t *,
                        const char *,
                        const void **,
                        int *,
                        int64_t *,
                        int) = flux_sign_unwrap;
static int (*p_unwrap_anymech) (flux_security_t *,
                                const char *,
                                const void **,
                                int *,
                                const char **,
                                int64_t *,
                                int) = flux_sign_unwrap_anymech;
static const char *(*p_version_string) (void) = flux_security_version_string;
static int (*p_version) (int *, int *, int *) = flux_security_version;

static void free_nothing (void *arg)
{
    (void)arg;
}

int main (int argc, char **argv)
{
    flux_security_t *ctx;
    const char *s;
    const void *payload;
    int len;
    int64_t userid;
    const char *mech;
    int major, minor, patch;
    int x;

    if (argc != 2) {
        fprintf (stderr, "Usage: api-compat PATTERN\n");
        return 2;
    }
    if (p_version (&major, &minor, &patch) != FLUX_SECURITY_VERSION_HEX
        || strcmp (p_version_string (), FLUX_SECURITY_VERSION_STRING) != 0) {
        fprintf (stderr, "version mismatch\n");
        return 1;
    }
    if (!(ctx = p_create (0)) || p_configure (ctx, argv[1]) < 0) {
        fprintf (stderr, "configure: %s\n", ctx ? p_last_error (ctx) : "");
        return 1;
    }
    if (p_aux_set (ctx, "x", &x, free_nothing) < 0
        || p_aux_get (ctx, "x") != &x) {
        fprintf (stderr, "aux\n");
        return 1;
    }
    if (!(s = p_wrap (ctx, "hello", 5, "none", 0))
        || p_unwrap (ctx, s, &payload, &len, &userid, 0) < 0 || len != 5
        || memcmp (payload, "hello", 5) != 0) {
        fprintf (stderr, "wrap/unwrap: %s\n", p_last_error (ctx));
        return 1;
    }
    if (!(s = p_wrap_as (ctx, 1000, "hello", 5, "none", 0))
        || p_unwrap_anymech (ctx, s, &payload, &len, &mech, &userid,
                             FLUX_SIGN_NOVERIFY)
               < 0
        || userid != 1000 || strcmp (mech, "none") != 0) {
        fprintf (stderr, "wrap_as/anymech: %s\n", p_last_error (ctx));
        return 1;
    }
    if (p_unwrap (ctx, "garbage", NULL, NULL, NULL, 0) == 0
        || p_last_errnum (ctx) == 0) {
        fprintf (stderr, "garbage accepted\n");
        return 1;
    }
    printf ("%s\n", p_last_error (ctx));
    p_destroy (ctx);
    printf ("api-compat %d.%d.%d ok\n", major, minor, patch);
    return 0;
}
