# sharness.sh - the entry point every t/*.t script sources:
#     . "$(dirname "$0")/sharness.sh"
# It loads Debian's sharness (package "sharness"), which in turn loads the
# fixtures in t/sharness.d/*.sh (test accounts, munged, a staged setuid
# install, a test cgroup).
if test -z "$SHARNESS_TEST_SRCDIR"; then
    SHARNESS_TEST_SRCDIR=$(cd "$(dirname "$0")" && pwd)
fi
if test -z "$FLUX_BUILD_DIR"; then
    echo "FLUX_BUILD_DIR is not set: run the tests with meson test" >&2
    exit 1
fi
: ${SHARNESS_LIB:=/usr/share/sharness/sharness.sh}
if ! test -r "$SHARNESS_LIB"; then
    echo "1..0 # SKIP sharness is not installed ($SHARNESS_LIB)"
    exit 0
fi
. "$SHARNESS_LIB"
