/* ca_keygen.c - ca-keygen CONFIG-PATTERN: create the certificate
 * authority of the [ca] table of the configuration 'CONFIG-PATTERN' and
 * store it at its cert-path (the secret key 0600, never overwritten).
 * A tool of the tests (t0310), never installed.  Path checks are off:
 * the tests make their own configurations.
 */
#if HAVE_CONFIG_H
#include "config.h"
#endif
#include <stdio.h>
#include <stdlib.h>

#include "common/ca.h"
#include "common/cf.h"

int main (int argc, char *argv[])
{
    struct error err = {{0}};
    struct cf *cf = NULL;
    struct ca *ca = NULL;
    int rc = 1;

    if (argc != 2) {
        fprintf (stderr, "Usage: ca-keygen CONFIG-PATTERN\n");
        return 1;
    }
    if (cf_load (argv[1], CF_PARANOIA_DISABLE, &cf, &err) < 0
        || !(ca = ca_create (cf, &err)) || ca_keygen (ca, 0, &err) < 0
        || ca_store (ca, &err) < 0)
        fprintf (stderr, "ca-keygen: %s\n", err.text);
    else
        rc = 0;
    ca_destroy (ca);
    cf_destroy (cf);
    return rc;
}
