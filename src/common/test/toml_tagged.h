/* toml_tagged.h - a TOML tree as the tagged JSON of toml-test.
 *
 * Tables become objects, arrays become arrays and every other value
 * becomes {"type": T, "value": V} where T is toml_type_name() and V a
 * string: integers in decimal, floats as "inf", "-inf", "nan" or the
 * shortest "%.*g" that reads back to the same double, booleans as
 * "true"/"false", date and time values as their canonical text, strings
 * as themselves (NUL bytes included).
 */
#ifndef FLUX_SECURITY_TOML_TAGGED_H
#define FLUX_SECURITY_TOML_TAGGED_H

#include <jansson.h>

#include "common/toml.h"

/* Return a new reference to the tagged JSON of 'v', or NULL with errno
 * set (ENOMEM, or EINVAL for a value that is not a valid tree).
 */
json_t *toml_tagged (const struct toml_value *v);

/* Compare two tagged JSON documents: like json_equal() except that float
 * leaves compare as numbers (nan equal to nan).
 */
int toml_tagged_equal (const json_t *a, const json_t *b);

#endif /* !FLUX_SECURITY_TOML_TAGGED_H */
