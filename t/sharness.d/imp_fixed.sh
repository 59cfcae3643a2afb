# imp_fixed.sh - the fixed configuration directories of test-imp-fixedpath,
# the never-installed build of the installed flux-imp code whose
# configuration path is compiled in ($FLUX_BUILD_DIR/t/imp-fixed).
#
# Variables:
#   FIXED_IMP      the test-imp-fixedpath program
#   FIXED_PATTERN  its compiled-in IMP pattern ("" if not found)
#   FIXED_CONFD    the IMP conf.d; FIXED_SECD the security conf.d
#   FIXED_TOP      the directory holding both
#
# Functions:
#   fixed_path_problem   print why the fixed directories cannot serve
#                        ("" if they can): every directory from / down to
#                        them must be root-owned, not writable by group or
#                        other unless sticky, searchable, not a symlink
#   fixed_prereq NAME PREREQS  set prerequisite NAME if PREREQS (e.g.
#                        SETUID,ACCOUNTS) hold and the path can serve;
#                        otherwise print the reason as a TAP comment

FIXED_IMP=$FLUX_BUILD_DIR/src/imp/test-imp-fixedpath
FIXED_PATTERN=$(grep -a -o '/[ -~]*/imp-fixed/conf\.d/\*\.toml' "$FIXED_IMP" \
    2>/dev/null | head -n 1)
FIXED_CONFD=${FIXED_PATTERN%/\*.toml}
FIXED_TOP=${FIXED_CONFD%/conf.d}
FIXED_SECD=$FIXED_TOP/security/conf.d

fixed_path_problem () {
    test -n "$FIXED_PATTERN" || {
        echo "no fixed pattern found in $FIXED_IMP"
        return
    }
    test "$FIXED_TOP" = "$FLUX_BUILD_DIR/t/imp-fixed" || {
        echo "unexpected fixed pattern $FIXED_PATTERN"
        return
    }
    _fx_d=$(dirname "$FIXED_TOP")
    while :; do
        if test -L "$_fx_d" || ! test -d "$_fx_d"; then
            echo "$_fx_d is a symbolic link or not a directory"
            return
        fi
        _fx_m=$((0$(stat -c %a "$_fx_d")))
        if test "$(stat -c %u "$_fx_d")" != 0; then
            echo "$_fx_d is not owned by root"
            return
        elif test $((_fx_m & 022)) != 0 && test $((_fx_m & 01000)) = 0; then
            echo "$_fx_d is writable by group or other"
            return
        elif test $((_fx_m & 01)) = 0; then
            echo "$_fx_d is not searchable by other users"
            return
        fi
        test "$_fx_d" = / && return
        _fx_d=$(dirname "$_fx_d")
    done
}

fixed_prereq () {
    if ! test_have_prereq "$2"; then
        echo "# $1 tests need $2"
        return 0
    fi
    _fx_why=$(fixed_path_problem)
    if test -z "$_fx_why"; then
        test_set_prereq "$1"
    else
        echo "# fixed configuration path unusable: $_fx_why"
    fi
}
