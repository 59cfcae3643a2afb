# munge.sh - private MUNGE daemons for a test script; the system munged is
# never used.
#
# Each daemon runs in its own `mktemp -d` directory (mode 0711, so that the
# test accounts can reach the socket, which munged makes 0777):
#     DIR/sock  DIR/munge.key  DIR/pid  DIR/log  DIR/seed
# munged runs as the caller (root or not); its stderr goes to DIR/log.
#
# Prerequisite:
#   MUNGE     munged, mungekey, munge and unmunge are installed
#
# Functions (contracts).  NAME is [A-Za-z0-9_]+, default "munge".  Call
# munge_start and munge_stop in the script's own shell, not in $(...): the
# daemon is a child of the script and the accessors read shell variables.
#   munge_start [NAME [KEYFILE]]  start a daemon with a new key, or a copy of
#                    KEYFILE; return once it answers (at most 10 s), else
#                    stop it, print its log to stderr and return 1.  Sets
#                    MUNGE_SOCKET MUNGE_DIR MUNGE_KEY MUNGE_PID to it.  It is
#                    stopped at script exit if the script does not stop it
#   munge_start_pair NAME1 NAME2  two daemons sharing one key: two nodes of
#                    one cluster (MUNGE_* describe NAME2)
#   munge_socket|munge_dir|munge_key|munge_pid [NAME]  print that daemon's
#                    value; return 1 if NAME is not running
#   munge_stop [NAME]  SIGTERM the daemon by its recorded pid (SIGKILL
#                    after 5 s), reap it, remove its directory; a no-op when
#                    NAME is not running

if command -v munged >/dev/null && command -v mungekey >/dev/null \
    && command -v munge >/dev/null && command -v unmunge >/dev/null; then
    fixture_prereq MUNGE
else
    fixture_no_prereq MUNGE \
        "munged, mungekey, munge or unmunge not installed (package munge)"
fi

_fx_munge_name () {
    case "$1" in
    '' | *[!A-Za-z0-9_]*)
        echo "munge: bad daemon name '$1'" >&2
        return 1
        ;;
    esac
}

_fx_munge_get () {
    _fx_munge_name "$2" || return 1
    eval "_fx_v=\${_fx_munge_${1}_$2:-}"
    test -n "$_fx_v" || return 1
    printf '%s\n' "$_fx_v"
}
munge_dir () {
    _fx_munge_get dir "${1:-munge}"
}
munge_pid () {
    _fx_munge_get pid "${1:-munge}"
}
munge_socket () {
    _fx_munge_get dir "${1:-munge}" >/dev/null && echo "$_fx_v/sock"
}
munge_key () {
    _fx_munge_get dir "${1:-munge}" >/dev/null && echo "$_fx_v/munge.key"
}

# 0 if PID is the munged serving DIR (guards against a recycled pid).
# cat, not a redirection: the shell would report a vanished /proc entry.
_fx_munge_is_ours () {
    cat "/proc/$1/cmdline" 2>/dev/null | tr '\0' '\n' \
        | grep -qxF -- "--socket=$2/sock"
}

_fx_munge_gone () {
    ! fixture_pid_alive "$1"
}

# Stops the daemon of DIR (pid in DIR/started-pid), removes DIR.  Also the
# exit-time cleanup, so it must not depend on shell variables.
_fx_munge_teardown () {
    test -d "$1" || return 0
    _fx_tpid=$(cat "$1/started-pid" 2>/dev/null)
    if test -n "$_fx_tpid" && _fx_munge_is_ours "$_fx_tpid" "$1"; then
        kill -TERM "$_fx_tpid" 2>/dev/null
        if ! fixture_poll 50 _fx_munge_gone "$_fx_tpid"; then
            echo "munge: munged $_fx_tpid ignored SIGTERM, killing" >&2
            kill -KILL "$_fx_tpid" 2>/dev/null
            fixture_poll 50 _fx_munge_gone "$_fx_tpid"
        fi
        wait "$_fx_tpid" 2>/dev/null
    fi
    rm -rf "$1"
}

_fx_munge_answers () {
    test -S "$1" && munge -S "$1" -n 2>/dev/null \
        | unmunge -S "$1" >/dev/null 2>&1
}

_fx_munge_wait_ready () {
    _fx_wr_n=100
    until _fx_munge_answers "$1/sock"; do
        _fx_wr_n=$((_fx_wr_n - 1))
        if ! fixture_pid_alive "$2" || test "$_fx_wr_n" -le 0; then
            echo "munge: munged in $1 did not come up; its log:" >&2
            cat "$1/log" >&2
            return 1
        fi
        sleep 0.1
    done
}

_fx_munge_make_key () {
    if test -n "$2"; then
        (umask 077 && cp "$2" "$1/munge.key")
    else
        mungekey --create --keyfile="$1/munge.key" >"$1/log" 2>&1
    fi
}

munge_start () {
    _fx_mname=${1:-munge}
    _fx_munge_name "$_fx_mname" || return 1
    if munge_dir "$_fx_mname" >/dev/null; then
        echo "munge: daemon $_fx_mname is already running" >&2
        return 1
    fi
    _fx_mdir=$(mktemp -d "${TMPDIR:-/tmp}/flux-munge.XXXXXX") || return 1
    chmod 711 "$_fx_mdir" || return 1
    fixture_atexit _fx_munge_teardown "$_fx_mdir" || return 1
    _fx_munge_make_key "$_fx_mdir" "${2:-}" || {
        echo "munge: cannot create the key in $_fx_mdir" >&2
        _fx_munge_teardown "$_fx_mdir"
        return 1
    }
    # No descriptor of the script (TAP on 5, stdin on 6) may stay open in
    # the daemon, or the test harness would wait for it.
    munged --foreground --socket="$_fx_mdir/sock" \
        --key-file="$_fx_mdir/munge.key" --pid-file="$_fx_mdir/pid" \
        --log-file="$_fx_mdir/log" --seed-file="$_fx_mdir/seed" \
        </dev/null >>"$_fx_mdir/log" 2>&1 3>&- 4>&- 5>&- 6>&- &
    _fx_mpid=$!
    echo "$_fx_mpid" >"$_fx_mdir/started-pid"
    if ! _fx_munge_wait_ready "$_fx_mdir" "$_fx_mpid"; then
        _fx_munge_teardown "$_fx_mdir"
        return 1
    fi
    eval "_fx_munge_dir_$_fx_mname=\$_fx_mdir"
    eval "_fx_munge_pid_$_fx_mname=\$_fx_mpid"
    MUNGE_DIR=$_fx_mdir
    MUNGE_SOCKET=$_fx_mdir/sock
    MUNGE_KEY=$_fx_mdir/munge.key
    MUNGE_PID=$_fx_mpid
}

munge_start_pair () {
    munge_start "$1" && munge_start "$2" "$(munge_key "$1")"
}

munge_stop () {
    _fx_sname=${1:-munge}
    _fx_sdir=$(munge_dir "$_fx_sname") || return 0
    _fx_munge_teardown "$_fx_sdir"
    eval "unset _fx_munge_dir_$_fx_sname _fx_munge_pid_$_fx_sname"
    if test "$MUNGE_DIR" = "$_fx_sdir"; then
        unset MUNGE_DIR MUNGE_SOCKET MUNGE_KEY MUNGE_PID
    fi
}
