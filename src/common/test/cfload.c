/* cfload - load a configuration with the security checks and print it.
 *
 * Usage: cfload [--force-paranoia|--disable-paranoia] [--imp-schema] PATTERN
 *
 * --imp-schema also checks the files against flux-imp's schema
 * (src/imp/imp_config.c, the rules of the installed IMP).
 * Prints the merged configuration as JSON on stdout and exits 0; on
 * error prints "cfload: <error>" on stderr and exits 1; exits 2 on a
 * usage error.  Built with the tests, never installed.
 */
#if HAVE_CONFIG_H
#include "config.h"
#endif
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "common/cf.h"
#include "imp/imp_config.h"

static void usage (void)
{
    fprintf (stderr, "Usage: cfload [--force-paranoia|--disable-paranoia]"
                     " [--imp-schema] PATTERN\n");
    exit (2);
}

static void die (const struct error *err)
{
    fprintf (stderr, "cfload: %s\n", err->text);
    exit (1);
}

int main (int argc, char *argv[])
{
    static const struct option opts[] = {
        {"force-paranoia", no_argument, NULL, 'f'},
        {"disable-paranoia", no_argument, NULL, 'd'},
        {"imp-schema", no_argument, NULL, 's'},
        {0},
    };
    struct error err = {{0}};
    bool use_schema = false;
    struct cf *cf;
    int flags = 0;
    json_t *o;
    char *s;
    int c;

    while ((c = getopt_long (argc, argv, "", opts, NULL)) != -1) {
        if (c == 'f')
            flags |= CF_PARANOIA_FORCE;
        else if (c == 'd')
            flags |= CF_PARANOIA_DISABLE;
        else if (c == 's')
            use_schema = true;
        else
            usage ();
    }
    if (optind != argc - 1
        || flags == (CF_PARANOIA_FORCE | CF_PARANOIA_DISABLE))
        usage ();
    if (cf_load (argv[optind], flags, &cf, &err) < 0)
        die (&err);
    if (use_schema && imp_config_check (cf, 0, &err) < 0)
        die (&err);
    if (!(o = cf_to_json (cf, &err)))
        die (&err);
    if (!(s = json_dumps (o, JSON_SORT_KEYS | JSON_INDENT (2)))) {
        fprintf (stderr, "cfload: out of memory\n");
        return 1;
    }
    printf ("%s\n", s);
    free (s);
    json_decref (o);
    cf_destroy (cf);
    return 0;
}
