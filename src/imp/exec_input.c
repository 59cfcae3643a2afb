/* exec_input.c - parse the JSON input of `flux-imp exec`. */
#define _GNU_SOURCE
#if HAVE_CONFIG_H
#include "config.h"
#endif
#include <errno.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "exec_input.h"

void exec_input_destroy (struct exec_input *in)
{
    int saved_errno = errno;

    if (in) {
        if (in->J) {
            explicit_bzero (in->J, strlen (in->J));
            free (in->J);
        }
        json_decref (in->options);
        free (in);
    }
    errno = saved_errno;
}

/* jansson's text of a syntax error ends with " near '<input>'", which can
 * quote a credential of the input: keep the text before it and give the
 * position instead.
 */
static void syntax_error (const json_error_t *jerr, struct error *err)
{
    const char *near = strstr (jerr->text, " near '");
    int n = near ? (int)(near - jerr->text) : (int)strlen (jerr->text);

    error_errno (err, EINVAL, "%.*s at line %d, column %d", n, jerr->text,
                 jerr->line, jerr->column);
}

/* Take J and options out of the object 'o'.  The device policy in
 * options is exec_device_parse()'s to check.
 */
static int unpack (json_t *o, struct exec_input *in, struct error *err)
{
    json_error_t jerr;
    const char *J = NULL;
    size_t Jlen = 0;
    json_t *options = NULL;

    if (json_unpack_ex (o, &jerr, 0, "{s:s% s?o}", "J", &J, &Jlen, "options",
                        &options)
        < 0)
        return error_errno (err, EINVAL, "%s", jerr.text);
    if (Jlen == 0 || strlen (J) != Jlen)
        return error_errno (err, EINVAL,
                            "J must be a non-empty string "
                            "without NUL characters");
    if (options && !json_is_object (options))
        return error_errno (err, EINVAL, "options must be an object");
    if (!(in->J = strdup (J)))
        return error_errno (err, ENOMEM, "out of memory");
    in->options = json_incref (options);
    return 0;
}

int exec_input_parse (const char *buf,
                      size_t len,
                      struct exec_input **inp,
                      struct error *err)
{
    struct exec_input *in = NULL;
    json_error_t jerr;
    json_t *o = NULL;
    int rc = -1;

    if (!buf || !inp)
        return error_errno (err, EINVAL, "invalid argument");
    if (len > EXEC_INPUT_MAX)
        return error_errno (err, E2BIG, "input exceeds %d bytes",
                            EXEC_INPUT_MAX);
    if (!(o = json_loadb (buf, len, JSON_REJECT_DUPLICATES, &jerr))) {
        syntax_error (&jerr, err);
        goto out;
    }
    if (!(in = calloc (1, sizeof (*in)))) {
        error_errno (err, ENOMEM, "out of memory");
        goto out;
    }
    if (unpack (o, in, err) < 0)
        goto out;
    *inp = in;
    in = NULL;
    rc = 0;
out:
    exec_input_destroy (in);
    json_decref (o);
    return rc;
}
