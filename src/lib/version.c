/* version.c - the library's version. */
#if HAVE_CONFIG_H
#include "config.h"
#endif
#include "flux/security/version.h"

const char *flux_security_version_string (void)
{
    return FLUX_SECURITY_VERSION_STRING;
}

int flux_security_version (int *major, int *minor, int *patch)
{
    if (major)
        *major = FLUX_SECURITY_VERSION_MAJOR;
    if (minor)
        *minor = FLUX_SECURITY_VERSION_MINOR;
    if (patch)
        *patch = FLUX_SECURITY_VERSION_PATCH;
    return FLUX_SECURITY_VERSION_HEX;
}
