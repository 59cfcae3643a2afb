# syslog.sh - capture what a program sends to syslog(3), without a syslog
# daemon and without touching the machine's /dev/log.
#
# scripts/syslog-capture does the work (scripts/demo uses it too): a
# listener (python3) binds a datagram socket at SYSLOG_DIR/dev/log and
# appends every message it receives to SYSLOG_FILE, one per line
# (a newline inside a message is written as the two characters "\n").  with_syslog runs a
# command in a private mount namespace whose /dev is SYSLOG_DIR/dev: the
# socket as /dev/log, and bind mounts of the machine's null, zero, full,
# random, urandom and tty.  syslog(3) connects to /dev/log by that fixed
# name, so the program under test, setuid or not, logs to the listener.
#
# Prerequisite:
#   SYSLOG    root, unshare(1) can make a mount namespace, python3
#
# Functions (contracts):
#   syslog_start        start the listener; sets SYSLOG_DIR and SYSLOG_FILE;
#                       returns once the socket exists (at most 5 s); it is
#                       stopped and its directory removed at script exit
#   with_syslog CMD...  run CMD in the namespace described above; its exit
#                       status is CMD's
#   syslog_wait N       wait (at most 5 s) until SYSLOG_FILE has N lines
#   syslog_clear        empty SYSLOG_FILE

if ! test_have_prereq ROOT; then
    fixture_no_prereq SYSLOG "not root: cannot make a mount namespace"
elif ! command -v python3 >/dev/null || ! command -v unshare >/dev/null; then
    fixture_no_prereq SYSLOG "python3 or unshare(1) is not installed"
elif ! unshare --mount --propagation private true 2>/dev/null; then
    fixture_no_prereq SYSLOG "unshare --mount is not permitted here"
else
    fixture_prereq SYSLOG
fi

_fx_syslog_capture=$SHARNESS_TEST_SRCDIR/../scripts/syslog-capture

syslog_start () {
    SYSLOG_DIR=$(mktemp -d "${TMPDIR:-/tmp}/flux-syslog.XXXXXX") || return 1
    fixture_atexit rm -rf "$SYSLOG_DIR"
    chmod 755 "$SYSLOG_DIR" &&
    mkdir -m 755 "$SYSLOG_DIR/dev" &&
    SYSLOG_FILE=$SYSLOG_DIR/messages &&
    : >"$SYSLOG_FILE" || return 1
    fixture_spawn "$_fx_syslog_capture" listen "$SYSLOG_DIR/dev" \
        "$SYSLOG_FILE"
    fixture_poll 50 test -S "$SYSLOG_DIR/dev/log" || {
        echo "syslog_start: the listener did not start" >&2
        return 1
    }
}

with_syslog () {
    "$_fx_syslog_capture" run "$SYSLOG_DIR/dev" "$@"
}

syslog_wait () {
    fixture_poll 50 test "$(wc -l <"$SYSLOG_FILE")" -ge "$1"
}

syslog_clear () {
    : >"$SYSLOG_FILE"
}
