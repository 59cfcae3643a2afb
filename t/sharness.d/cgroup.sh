# cgroup.sh - a dedicated cgroup v2 for a test script.  Only a cgroup made
# here may ever get a device filter: on a shared or the root cgroup a filter
# blocks /dev/zero and /dev/urandom for the whole machine.
#
# The cgroup v2 mount is read from /proc/self/mounts (a hybrid layout puts
# it at /sys/fs/cgroup/unified, a unified one at /sys/fs/cgroup).
#
# Prerequisite:
#   CGROUP2   root, and a cgroup2 file system is mounted read-write
#
# Variables:
#   CGROUP2_MOUNT   the cgroup2 mount point ("" if none)
#
# Functions (contracts).  Processes get into a test cgroup only through
# cgroup_move, which takes only processes started by this script, or by
# being forked there; so killing its members kills only what the test
# started.
#   cgroup_create NAME      mkdir CGROUP2_MOUNT/NAME.<pid of the script>
#                           (NAME is [A-Za-z0-9_-]+; an existing cgroup is
#                           never adopted), print its path; it is killed and
#                           removed at script exit if still there
#   cgroup_is_test PATH     0 if PATH is an existing cgroup made by
#                           cgroup_create in this script
#   cgroup_move PID PATH    move PID into test cgroup PATH; refused unless
#                           PID descends from this script
#   cgroup_procs PATH       print the pids in PATH (not its children)
#   cgroup_kill PATH        SIGKILL every process in test cgroup PATH and
#                           its children
#   cgroup_remove PATH [TENTHS]  wait (default 5 s) until test cgroup PATH
#                           is unpopulated, then rmdir it and its children;
#                           kills nothing; 1 if it stays populated

_fx_cgroup2_mount () {
    awk '$3 == "cgroup2" {
            s = $2
            gsub(/\\040/, " ", s); gsub(/\\011/, "\t", s)
            gsub(/\\012/, "\n", s); gsub(/\\134/, "\\", s)
            print s " " $4
            exit
        }' /proc/self/mounts
}

_fx_cg=$(_fx_cgroup2_mount)
CGROUP2_MOUNT=${_fx_cg% *}
_fx_cg_opts=${_fx_cg##* }

if ! test_have_prereq ROOT; then
    fixture_no_prereq CGROUP2 "not root: cannot create a cgroup"
elif test -z "$CGROUP2_MOUNT"; then
    fixture_no_prereq CGROUP2 "no cgroup2 file system in /proc/self/mounts"
elif ! echo ",$_fx_cg_opts," | grep -q ',rw,'; then
    fixture_no_prereq CGROUP2 "cgroup2 at $CGROUP2_MOUNT is not mounted rw"
elif ! test -w "$CGROUP2_MOUNT/cgroup.procs"; then
    fixture_no_prereq CGROUP2 "$CGROUP2_MOUNT/cgroup.procs is not writable"
else
    fixture_prereq CGROUP2
fi

# Belt and braces: besides being on the list, the path must have the shape
# cgroup_create gives, so that a bug can never aim at a shared cgroup.
cgroup_is_test () {
    case "$1" in
    "$CGROUP2_MOUNT"/*/* | "$CGROUP2_MOUNT"/*/) return 1 ;;
    "$CGROUP2_MOUNT"/?*".$$") ;;
    *) return 1 ;;
    esac
    test -n "$CGROUP2_MOUNT" && test -f "$FIXTURE_STATE/cgroups" \
        && grep -qxF -- "$1" "$FIXTURE_STATE/cgroups" && test -d "$1"
}

_fx_cgroup_refuse () {
    echo "cgroup: $1" >&2
    return 1
}

cgroup_create () {
    case "$1" in
    '' | *[!A-Za-z0-9_-]*) _fx_cgroup_refuse "bad cgroup name '$1'" ;;
    esac || return 1
    test -n "$CGROUP2_MOUNT" || _fx_cgroup_refuse "no cgroup2 mount" \
        || return 1
    _fx_cgp="$CGROUP2_MOUNT/$1.$$"
    mkdir "$_fx_cgp" || return 1
    if ! fixture_atexit _fx_cgroup_teardown "$_fx_cgp"; then
        rmdir "$_fx_cgp"
        return 1
    fi
    echo "$_fx_cgp" >>"$FIXTURE_STATE/cgroups"
    echo "$_fx_cgp"
}

cgroup_move () {
    cgroup_is_test "$2" || _fx_cgroup_refuse "$2 is not a test cgroup" \
        || return 1
    fixture_is_descendant "$1" \
        || _fx_cgroup_refuse "process $1 was not started by this test" \
        || return 1
    echo "$1" >"$2/cgroup.procs"
}

cgroup_procs () {
    cat "$1/cgroup.procs"
}

_fx_cgroup_unpopulated () {
    grep -qx 'populated 0' "$1/cgroup.events"
}

cgroup_kill () {
    cgroup_is_test "$1" || _fx_cgroup_refuse "$1 is not a test cgroup" \
        || return 1
    if test -f "$1/cgroup.kill"; then
        echo 1 >"$1/cgroup.kill"
        return
    fi
    # Kernels before 5.14: kill member by member, until none is left.
    _fx_ck_n=50
    until _fx_cgroup_unpopulated "$1" || test "$_fx_ck_n" -le 0; do
        find "$1" -name cgroup.procs -exec cat {} + | while read -r _fx_p
        do
            kill -KILL "$_fx_p" 2>/dev/null
        done
        _fx_ck_n=$((_fx_ck_n - 1))
        sleep 0.1
    done
}

cgroup_remove () {
    cgroup_is_test "$1" || _fx_cgroup_refuse "$1 is not a test cgroup" \
        || return 1
    if ! fixture_poll "${2:-50}" _fx_cgroup_unpopulated "$1"; then
        echo "cgroup: $1 still holds: $(cgroup_procs "$1" | xargs)" >&2
        return 1
    fi
    find "$1" -depth -type d -exec rmdir {} + || return 1
    grep -vxF -- "$1" "$FIXTURE_STATE/cgroups" >"$FIXTURE_STATE/cgroups.new"
    mv -f "$FIXTURE_STATE/cgroups.new" "$FIXTURE_STATE/cgroups"
}

# At script exit: whatever the test left in its cgroup was started by it.
_fx_cgroup_teardown () {
    cgroup_is_test "$1" || return 0
    cgroup_kill "$1"
    cgroup_remove "$1" 50
}
