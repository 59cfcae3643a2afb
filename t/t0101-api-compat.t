#!/bin/sh
test_description='the installed library is a drop-in replacement: headers,
exported symbols, SONAME, pkg-config, the default sign.toml, the inactive
example IMP configuration, and a client
written against the original API compiles and links unchanged'
. "$(dirname "$0")/sharness.sh"

src="$SHARNESS_TEST_SRCDIR/src/api-compat.c"

# groff-base is installed by scripts/install-deps; a machine without it
# skips the rendering check with this reason.
if command -v groff >/dev/null; then
    test_set_prereq GROFF
else
    echo "# groff is not installed (package groff-base): man pages not rendered"
fi

if command -v jq >/dev/null; then
    test_set_prereq JQ
fi

test_expect_success 'stage an installation' '
    stage=$(stage_install) &&
    test -d "$stage" &&
    pc=$(find "$stage" -name flux-security.pc) &&
    test -n "$pc" &&
    lib=$(find "$stage" -name libflux-security.so.1.0.0) &&
    test -n "$lib" &&
    inc=$(find "$stage" -type d -path "*/include/flux/security") &&
    test -n "$inc" &&
    prefix=${inc%/include/flux/security} &&
    echo "$stage" >stage.path && echo "$pc" >pc.path &&
    echo "$lib" >lib.path && echo "$inc" >inc.path &&
    echo "$prefix" >prefix.path
'
stage=$(cat stage.path 2>/dev/null)
pc=$(cat pc.path 2>/dev/null)
lib=$(cat lib.path 2>/dev/null)
inc=$(cat inc.path 2>/dev/null)
prefix=$(cat prefix.path 2>/dev/null)

test_expect_success 'headers context.h, sign.h, version.h, secret.h are installed' '
    test -f "$inc/context.h" && test -f "$inc/sign.h" &&
    test -f "$inc/version.h" && test -f "$inc/secret.h"
'
test_expect_success 'sign.h includes <stdint.h> and "context.h" with quotes' '
    grep -q "^#include <stdint.h>" "$inc/sign.h" &&
    grep -q "^#include \"context.h\"" "$inc/sign.h"
'
test_expect_success 'public headers use no compiler attributes' '
    ! grep -n "__attribute__\|__declspec\|__restrict" "$inc"/*.h
'
test_expect_success 'header guards are the original ones' '
    grep -q "_FLUX_SECURITY_CONTEXT_H" "$inc/context.h" &&
    grep -q "_FLUX_SECURITY_SIGN_H" "$inc/sign.h" &&
    grep -q "_FLUX_SECURITY_VERSION_H" "$inc/version.h"
'
test_expect_success 'SONAME is libflux-security.so.1' '
    readelf -W -d "$lib" | grep -q "SONAME.*\[libflux-security.so.1\]" &&
    test -L "$(dirname "$lib")/libflux-security.so.1" &&
    test -L "$(dirname "$lib")/libflux-security.so"
'
test_expect_success 'exactly the 13 functions of the API and the 3 of secret.h are exported' '
    cat >expected <<-\EOT &&
	flux_secret_open
	flux_secret_redact
	flux_secret_seal
	flux_security_aux_get
	flux_security_aux_set
	flux_security_configure
	flux_security_create
	flux_security_destroy
	flux_security_last_errnum
	flux_security_last_error
	flux_security_version
	flux_security_version_string
	flux_sign_unwrap
	flux_sign_unwrap_anymech
	flux_sign_wrap
	flux_sign_wrap_as
	EOT
    readelf -W --dyn-syms "$lib" |
        awk "\$7 != \"UND\" && \$5 == \"GLOBAL\" {print \$8}" |
        sed "s/@.*//" | sort >exported &&
    test_cmp expected exported
'
test_expect_success 'pkg-config: name, version, includedir, libs' '
    grep -q "^includedir=" "$pc" &&
    grep -q "^Name: flux-security" "$pc" &&
    PKG_CONFIG_PATH=$(dirname "$pc") pkg-config --exists flux-security &&
    test "$(PKG_CONFIG_PATH=$(dirname "$pc") pkg-config --modversion \
        flux-security)" = "0.16.0" &&
    PKG_CONFIG_PATH=$(dirname "$pc") pkg-config --libs flux-security |
        grep -q -- "-lflux-security"
'
test_expect_success 'version.h says 0.16.0, a 0.x version >= 0.15' '
    grep -q "FLUX_SECURITY_VERSION_STRING \"0.16.0\"" "$inc/version.h" &&
    grep -q "FLUX_SECURITY_VERSION_MAJOR 0$" "$inc/version.h" &&
    grep -q "FLUX_SECURITY_VERSION_MINOR 16$" "$inc/version.h"
'
test_expect_success 'the default sign.toml is installed' '
    conf="$prefix/etc/flux/security/conf.d/sign.toml" &&
    test -f "$conf" &&
    grep -q "^max-ttl = 1209600" "$conf" &&
    grep -q "^default-type = \"munge\"" "$conf" &&
    grep -q "^allowed-types = \[ \"munge\" \]" "$conf"
'
test_expect_success 'an example IMP configuration is installed, inactive' '
    ex="$prefix/etc/flux/imp/conf.d/imp.toml.example" &&
    test -f "$ex" &&
    test "$(stat -c %a "$ex")" = 644 &&
    case "${ex##*/}" in *.toml) false ;; esac &&
    test -z "$(find "$prefix/etc/flux/imp/conf.d" -name "*.toml")" &&
    ! grep -v "^#" "$ex"
'
test_expect_success JQ 'the example parses once uncommented (one "#" removed)' '
    sed "s/^#//" "$prefix/etc/flux/imp/conf.d/imp.toml.example" |
        "$FLUX_BUILD_DIR/src/common/test/toml2json" >example.json &&
    test "$(jq -c "[.exec[\"allowed-users\"][].value,
        .exec[\"allowed-shells\"][].value, (.run | keys)]" example.json)" = \
        "[\"flux\",\"/usr/libexec/flux/flux-shell\",[\"epilog\",\"prolog\"]]"
'
test_expect_success 'the man pages of the library, the commands and the configuration are installed' '
    for page in man3/flux_security_create.3 man3/flux_security_last_error.3 \
        man3/flux_security_aux_set.3 man3/flux_security_version.3 \
        man3/flux_sign_wrap.3 man3/flux_sign_unwrap.3 \
        man3/flux_sign_wrap_as.3 man3/flux_sign_unwrap_anymech.3 \
        man5/flux-config-security.5 man5/flux-config-security-sign.5 \
        man5/flux-config-security-imp.5 \
        man1/flux-sign.1 man1/flux-secret.1 man8/flux-imp.8; do
        test -e "$prefix/share/man/$page" || { echo "missing $page"; false; }
    done
'
test_expect_success GROFF 'every man page of the source tree renders without a groff warning' '
    for page in "$FLUX_SOURCE_DIR"/doc/man*/*.[1-8]; do
        LC_ALL=C.UTF-8 groff -man -Tutf8 -ww -z "$page" >groff.out 2>&1 &&
        test_must_be_empty groff.out || { echo "$page"; cat groff.out; false; }
    done
'
test_expect_success 'flux-sign and flux-secret are installed in bindir, flux-imp in libexecdir/flux' '
    test -x "$prefix/bin/flux-sign" && test -x "$prefix/bin/flux-secret" &&
    test -x "$prefix/libexec/flux/flux-imp" &&
    ! test -u "$prefix/libexec/flux/flux-imp"
'
test_expect_success 'a client of the original API compiles with -Werror' '
    PKG_CONFIG_PATH=$(dirname "$pc") &&
    export PKG_CONFIG_PATH &&
    cflags=$(pkg-config --define-variable=prefix="$prefix" \
        --cflags flux-security) &&
    libs=$(pkg-config --define-variable=prefix="$prefix" \
        --libs flux-security) &&
    client_cc=${CC:-cc} && sanitize= &&
    if nm -D "$lib" | grep -q " U __asan_init"; then
        # the library of a sanitizer build (make asan, clang): its client
        # links the same runtime
        client_cc=clang && sanitize="-fsanitize=address,undefined"
    fi &&
    $client_cc -std=gnu11 -Wall -Wextra -Werror $sanitize $cflags \
        -o api-compat "$src" $libs
'
test_expect_success 'and runs against the installed library' '
    cat >sign.toml <<-\EOT &&
	[sign]
	max-ttl = 60
	default-type = "none"
	allowed-types = [ "none" ]
	EOT
    LD_LIBRARY_PATH=$(dirname "$lib") ./api-compat "$PWD/sign.toml" >out &&
    grep -q "api-compat 0.16.0 ok" out &&
    LD_LIBRARY_PATH=$(dirname "$lib") ldd ./api-compat |
        grep -q "libflux-security.so.1 => $(dirname "$lib")"
'
test_expect_success 'the client also compiles as C++' '
    if command -v g++ >/dev/null; then
        printf "#include <flux/security/sign.h>\n#include <flux/security/version.h>\nint main () { return flux_security_create (0) == 0; }\n" >cxx.cpp &&
        g++ -Wall -Werror -I"$prefix/include" -c cxx.cpp -o cxx.o
    fi
'
if python3 -c "import pycparser" 2>/dev/null; then
    test_set_prereq PYCPARSER
fi
test_expect_success PYCPARSER 'sign.h parses with pycparser (flux-core Python binding)' '
    mkdir -p fake &&
    echo "typedef long int64_t;" >fake/stdint.h &&
    cpp -P -nostdinc -Ifake "$inc/sign.h" >sign.i &&
    python3 -c "
import sys
from pycparser import c_parser
ast = c_parser.CParser().parse(open(\"sign.i\").read(), \"sign.i\")
names = set()
for ext in ast.ext:
    names.add(getattr(ext, \"name\", None))
for f in (\"flux_sign_wrap\", \"flux_sign_unwrap\", \"flux_security_create\"):
    assert f in names, f
"
'
test_done
