#!/bin/sh
test_description='the build encodes the security posture: PIE, full RELRO,
stack protector and _FORTIFY_SOURCE in the programs it builds'
. "$(dirname "$0")/sharness.sh"

# cfload links the loader that the IMP will link: the flags are the same for
# every program of the project.
prog="$FLUX_BUILD_DIR/src/common/test/cfload"

if ! command -v readelf >/dev/null 2>&1; then
    skip_all='readelf (binutils) is not installed'
    test_done
fi
if ! grep -q '"name": "b_sanitize", "value": "none"' \
        "$FLUX_BUILD_DIR/meson-info/intro-buildoptions.json"; then
    skip_all='a sanitizer build does not use _FORTIFY_SOURCE'
    test_done
fi
if grep -q '"name": "optimization", "value": "[0g]"' \
        "$FLUX_BUILD_DIR/meson-info/intro-buildoptions.json"; then
    skip_all='an unoptimised build cannot use _FORTIFY_SOURCE'
    test_done
fi

test_expect_success 'program is a position-independent executable' '
    readelf -h "$prog" >header &&
    grep -q "Type:.*DYN" header &&
    readelf -d "$prog" >dynamic &&
    grep -q "FLAGS_1.*PIE" dynamic
'
test_expect_success 'program has full RELRO (GNU_RELRO and BIND_NOW)' '
    readelf -l "$prog" | grep -q GNU_RELRO &&
    grep -q "BIND_NOW" dynamic
'
test_expect_success 'program is built with the stack protector' '
    readelf -W --dyn-syms "$prog" >syms &&
    grep -q __stack_chk_fail syms
'
test_expect_success 'program is built with _FORTIFY_SOURCE' '
    grep -q "__[a-z]*_chk" syms
'
test_expect_success 'stack is not executable' '
    readelf -l "$prog" | grep -A1 GNU_STACK | grep -qv RWE
'
test_done
