/* fuzz/exec_input.c - libFuzzer harness of exec_input_parse(), the
 * JSON input of `flux-imp exec`.  Invariants: success gives a non-empty
 * J without NUL, and options NULL or an object (its device policy is
 * fuzz/exec_device.c's); failure sets errno to EINVAL, E2BIG or ENOMEM and an
 * error text, and leaves the output untouched.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "imp/exec_input.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
    struct exec_input *in = NULL;
    struct error err = {{0}};

    errno = 0;
    if (exec_input_parse ((const char *)data, size, &in, &err) == 0) {
        CHECK (in && in->J && strlen (in->J) > 0);
        CHECK (!in->options || json_is_object (in->options));
        exec_input_destroy (in);
    }
    else {
        CHECK (in == NULL);
        CHECK (errno == EINVAL || errno == E2BIG || errno == ENOMEM);
        CHECK (err.text[0] != '\0');
    }
    return 0;
}
