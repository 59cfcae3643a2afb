#include "tap_cmocka.h"
static void placeholder (void **state) { (void)state; }
int main (void)
{
    const struct CMUnitTest tests[] = { cmocka_unit_test (placeholder) };
    return TAP_RUN (tests);
}
