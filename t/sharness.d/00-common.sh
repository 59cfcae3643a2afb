# 00-common.sh - shared test fixtures, part 1: paths, prerequisites, running
# a command as another user, and cleanup at script exit.
#
# Sourced by Debian's sharness (through t/sharness.sh) into every t/*.t
# script, before the other t/sharness.d/*.sh files.  Plain POSIX sh.  Nothing
# here may fail when a facility is absent: each fixture file sets a sharness
# prerequisite instead and records why it is missing (fixture_why).
#
# Variables are prefixed _fx_ inside fixtures so that they never clobber
# the variables of a test script.
#
# Prerequisites set here:
#   ROOT      the script runs as uid 0
#
# Functions (contracts):
#   fixture_why PREREQ           print why PREREQ is missing ("" when set)
#   fixture_report               print one TAP comment per fixture prereq
#   fixture_atexit CMD [ARG...]  run CMD ARG... when the script exits,
#                                whatever the way (last registered, first
#                                run); works from a subshell such as $(...)
#   fixture_pid_alive PID        0 if PID exists and is not a zombie
#   fixture_poll TENTHS CMD...   run CMD every 0.1 s until it succeeds, at
#                                most TENTHS times; returns its last status
#   fixture_is_descendant PID    0 if PID descends from this test script
#   fixture_spawn CMD...         start CMD in the background, stdin from
#                                /dev/null, without sharness's descriptors
#                                3-6 (so the harness never waits for it);
#                                pid in FIXTURE_SPAWN_PID; SIGKILLed at exit
#                                if still a descendant of the script
#   run_as USER CMD...           run CMD as USER (name or uid): real and
#                                effective uid/gid of USER, its groups, and
#                                HOME, USER, LOGNAME of USER; needs root
#   run_as_uid UID GID CMD...    run CMD with that uid and gid and no
#                                supplementary groups; needs root

# Where the build puts test helpers (t/meson.build).
FLUX_T_BUILD_DIR="$FLUX_BUILD_DIR/t"
SETUID_PROBE="$FLUX_T_BUILD_DIR/setuid-probe"

# munged, mungekey, useradd live in sbin, which a non-root PATH may lack.
for _fx_d in /usr/sbin /sbin; do
    case ":$PATH:" in
    *":$_fx_d:"*) ;;
    *) PATH="$PATH:$_fx_d" ;;
    esac
done
export PATH

# Reasons for missing prerequisites, read back by fixture_why.
FIXTURE_PREREQS=
fixture_prereq () {
    FIXTURE_PREREQS="$FIXTURE_PREREQS $1"
    test_set_prereq "$1"
}
fixture_no_prereq () {
    FIXTURE_PREREQS="$FIXTURE_PREREQS $1"
    eval "_fx_why_$1=\$2"
}
fixture_why () {
    eval "printf '%s\n' \"\${_fx_why_$1:-}\""
}
fixture_report () {
    for _fx_p in $FIXTURE_PREREQS; do
        if test_have_prereq "$_fx_p"; then
            echo "# fixture $_fx_p: available"
        else
            echo "# fixture $_fx_p: missing: $(fixture_why "$_fx_p")"
        fi
    done
}

if test "$(id -u)" = 0; then
    fixture_prereq ROOT
else
    fixture_no_prereq ROOT "not running as root (uid $(id -u))"
fi

# A private directory per script holds the cleanup list, so that fixtures
# called in a subshell ($(...)) can still register their cleanup.
FIXTURE_STATE=$(mktemp -d "${TMPDIR:-/tmp}/flux-fixture.XXXXXX") \
    || FIXTURE_STATE=

fixture_quote () {
    printf "'%s'" "$(printf '%s' "$1" | sed "s/'/'\\\\''/g")"
}

fixture_atexit () {
    if test -z "$FIXTURE_STATE" || ! test -d "$FIXTURE_STATE"; then
        echo "fixture_atexit: no fixture state directory" >&2
        return 1
    fi
    _fx_line=
    for _fx_a; do
        _fx_line="$_fx_line $(fixture_quote "$_fx_a")"
    done
    printf '%s\n' "$_fx_line" >>"$FIXTURE_STATE/atexit"
}

# Runs every registered command, newest first, then forgets them.  Their
# output goes to stderr: stdout is the TAP stream.
fixture_run_atexit () {
    test -n "$FIXTURE_STATE" && test -d "$FIXTURE_STATE" || return 0
    if test -f "$FIXTURE_STATE/atexit"; then
        sed -n '1!G;h;$p' "$FIXTURE_STATE/atexit" >"$FIXTURE_STATE/lifo"
        while IFS= read -r _fx_cmd; do
            eval "$_fx_cmd" </dev/null >&2 || true
        done <"$FIXTURE_STATE/lifo"
    fi
    rm -rf "$FIXTURE_STATE"
}

# sharness traps EXIT with its own 'die' (which reports an unexpected exit);
# run the fixture cleanup first, then hand die the original exit status.
# Signals become an exit, so the EXIT trap cleans up after them too.
_fixture_on_exit () {
    _fx_status=$?
    trap - EXIT
    fixture_run_atexit
    (exit $_fx_status)
    die
}
trap '_fixture_on_exit' EXIT
trap 'exit 129' HUP
trap 'exit 130' INT
trap 'exit 143' TERM

fixture_pid_alive () {
    kill -0 "$1" 2>/dev/null || return 1
    _fx_st=$(sed 's/^.*) //' "/proc/$1/stat" 2>/dev/null | cut -d' ' -f1)
    test "$_fx_st" != Z && test "$_fx_st" != X
}

fixture_poll () {
    _fx_tries=$1
    shift
    while :; do
        "$@" && return 0
        _fx_rc=$?
        _fx_tries=$((_fx_tries - 1))
        test "$_fx_tries" -gt 0 || return $_fx_rc
        sleep 0.1
    done
}

# Walks the parent chain of PID up to this script ($$), at most 64 steps.
fixture_is_descendant () {
    _fx_pid=$1
    _fx_dn=0
    while test "$_fx_dn" -lt 64; do
        _fx_pid=$(sed -n 's/^PPid:[[:space:]]*//p' "/proc/$_fx_pid/status" \
            2>/dev/null)
        case "$_fx_pid" in
        '' | 0 | 1) return 1 ;;
        "$$") return 0 ;;
        esac
        _fx_dn=$((_fx_dn + 1))
    done
    return 1
}

# setpriv (util-linux 2.38) takes names or numbers; numbers from getent are
# used so that a user and a group of the same name cannot be confused.
run_as () {
    _fx_pw=$(getent passwd "$1") || {
        echo "run_as: no such user: $1" >&2
        return 1
    }
    shift
    _fx_name=$(echo "$_fx_pw" | cut -d: -f1)
    _fx_uid=$(echo "$_fx_pw" | cut -d: -f3)
    _fx_gid=$(echo "$_fx_pw" | cut -d: -f4)
    _fx_home=$(echo "$_fx_pw" | cut -d: -f6)
    HOME="$_fx_home" USER="$_fx_name" LOGNAME="$_fx_name" \
        setpriv --reuid="$_fx_uid" --regid="$_fx_gid" --init-groups -- "$@"
}

run_as_uid () {
    _fx_uid=$1
    _fx_gid=$2
    shift 2
    setpriv --reuid="$_fx_uid" --regid="$_fx_gid" --clear-groups -- "$@"
}

fixture_spawn () {
    "$@" </dev/null 3>&- 4>&- 5>&- 6>&- &
    FIXTURE_SPAWN_PID=$!
    fixture_atexit _fx_spawn_reap "$FIXTURE_SPAWN_PID"
}

_fx_spawn_reap () {
    if fixture_is_descendant "$1"; then
        kill -KILL "$1" 2>/dev/null
        wait "$1" 2>/dev/null
    fi
    return 0
}
