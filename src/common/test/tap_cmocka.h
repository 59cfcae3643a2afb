/* tap_cmocka.h - run a cmocka group with TAP output.
 *
 * cmocka reports a skipped case as "not ok N # SKIP", which TAP
 * consumers count as a failure, so tests never call cmocka's skip();
 * a test program whose cases all need something absent (root, munged)
 * prints a TAP skip plan with the reason instead: see tap_skip_all().
 */
#ifndef FLUX_SECURITY_TAP_CMOCKA_H
#define FLUX_SECURITY_TAP_CMOCKA_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <cmocka.h>

static inline int tap_run (const char *name,
                           const struct CMUnitTest *tests,
                           size_t count)
{
    cmocka_set_message_output (CM_OUTPUT_TAP);
    return _cmocka_run_group_tests (name, tests, count, NULL, NULL);
}

#define TAP_RUN(tests) tap_run (#tests, tests, sizeof (tests) / sizeof ((tests)[0]))

/* Skip the whole program with a reason, as a TAP "1..0 # SKIP" plan. */
static inline int tap_skip_all (const char *reason)
{
    printf ("1..0 # SKIP %s\n", reason);
    return 0;
}

#endif /* !FLUX_SECURITY_TAP_CMOCKA_H */
