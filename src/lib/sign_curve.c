/* sign_curve.c - placeholder until the curve mechanism lands. */
#if HAVE_CONFIG_H
#include "config.h"
#endif
#include <errno.h>

#include "sign_mech.h"

static int
curve_init (const struct sign_config *conf, void **statep, struct error *err)
{
    return error_errno (err, ENOSYS, "sign-curve-init: not implemented");
}

const struct sign_mech sign_mech_curve = {
    .name = "curve",
    .init = curve_init,
};
