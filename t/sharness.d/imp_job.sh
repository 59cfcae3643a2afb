# imp_job.sh - fixtures of the tests that run jobs or commands through the
# setuid IMP (test-imp-fixedpath, imp_fixed.sh): its configuration, the
# security configuration of a private munged (munge.sh), and a receiver
# of sd_notify messages.
#
# Prerequisite:
#   PYTHON    a python3 that the owner account (accounts.sh) can run; PY
#             names it
#
# Functions (contracts):
#   imp_sign_conf FILE      write to FILE (mode 644) a [sign] configuration
#                           using the munged of MUNGE_SOCKET
#   imp_exec_table          print the usual [exec] table: OWNER may run
#                           /bin/sh as a job shell
#   imp_fixed_conf [SIGNCONF]  replace the fixed configuration directories
#                           (root-owned, 0755) with the IMP configuration
#                           read on stdin (conf.d/imp.toml) and a copy of
#                           SIGNCONF (security/conf.d/sign.toml), mode 644
#   imp_unpriv_setup DIR [LINE...]  for the build's test-imp, not setuid:
#                           DIR (made, 0755) gets a copy of it and imp.toml
#                           ([sign] with none; [exec] for OWNER, /bin/sh,
#                           allow-unprivileged-exec = true, then each
#                           LINE); ./J.none is an empty job that OWNER
#                           signed with none
#   imp_unpriv DIR ARG...   run DIR/test-imp ARG... as OWNER with that
#                           configuration
#   notify_receiver DIR N   as the owner, in the background, receive N
#                           datagrams on DIR/sock (20 s at most) and write
#                           them to DIR/msgs, each followed by a line "--";
#                           DIR is made (owner's, 0700) and must not exist;
#                           returns once the socket exists; pid in
#                           NOTIFY_RECEIVER_PID (wait for it, then read)
#   imp_run_tmpfs           mount a tmpfs (mode 0755) at IMP_RUN, under
#                           which the test IMPs keep credentials
#                           (IMP_RUN/credentials, compiled in), unless it
#                           is a mount point already; unmounted at exit;
#                           sets prerequisite TMPFS, or says why not
#   notify_expected END [EMPTY]  print what notify_receiver writes for a
#                           job that ended as END ("exited (3)", or a
#                           signal description such as "Killed"), with the
#                           "cgroup is now empty" message if EMPTY is set

IMP_RUN=$FLUX_BUILD_DIR/t/imp-run

imp_run_tmpfs () {
    if mountpoint -q "$IMP_RUN" 2>/dev/null; then
        echo "# $IMP_RUN is already a mount point: not touching it"
    elif mkdir -p "$IMP_RUN" && chmod 755 "$IMP_RUN" &&
        mount -t tmpfs -o mode=0755,size=32m flux-imp-run "$IMP_RUN" \
            2>"$FIXTURE_STATE/mount.err"
    then
        fixture_atexit rmdir "$IMP_RUN"
        fixture_atexit umount -l "$IMP_RUN"
        test_set_prereq TMPFS
    else
        echo "# credentials tests need a tmpfs: mount -t tmpfs failed:" \
            "$(cat "$FIXTURE_STATE/mount.err" 2>/dev/null)"
    fi
}

# imp_input J: the exec input (stdin protocol) holding J
imp_input () {
    printf "{\"J\":\"%s\"}\n" "$1"
}

imp_sign_conf () {
    {
        printf "[sign]\nmax-ttl = 3600\ndefault-type = \"munge\"\n" &&
        printf "allowed-types = [\"munge\"]\n[sign.munge]\n" &&
        printf "socket-path = \"%s\"\n" "$MUNGE_SOCKET"
    } >"$1" && chmod 644 "$1"
}

imp_exec_table () {
    printf "[exec]\nallowed-users = [\"%s\"]\n" "$OWNER" &&
    printf "allowed-shells = [\"/bin/sh\"]\n"
}

imp_fixed_conf () {
    rm -rf "$FIXED_TOP" &&
    mkdir -p "$FIXED_CONFD" "$FIXED_SECD" &&
    chmod 755 "$FIXED_TOP" "$FIXED_CONFD" "$FIXED_TOP/security" \
        "$FIXED_SECD" &&
    cat >"$FIXED_CONFD/imp.toml" &&
    chmod 644 "$FIXED_CONFD/imp.toml" || return 1
    test -z "$1" || {
        cp "$1" "$FIXED_SECD/sign.toml" && chmod 644 "$FIXED_SECD/sign.toml"
    }
}

imp_unpriv_setup () {
    _fx_dir=$1
    shift
    mkdir -p "$_fx_dir" && chmod 755 "$_fx_dir" &&
    cp "$FLUX_BUILD_DIR/src/imp/test-imp" "$_fx_dir/test-imp" &&
    chmod 755 "$_fx_dir/test-imp" &&
    {
        printf "[sign]\nmax-ttl = 3600\ndefault-type = \"none\"\n" &&
        printf "allowed-types = [\"none\"]\n" &&
        imp_exec_table &&
        printf "allow-unprivileged-exec = true\n" &&
        for _fx_l; do printf "%s\n" "$_fx_l"; done
    } >"$_fx_dir/imp.toml" &&
    chmod 644 "$_fx_dir/imp.toml" &&
    echo "{}" | run_as "$OWNER" "$FLUX_BUILD_DIR/src/cmd/flux-sign" \
        -c "$_fx_dir/imp.toml" sign >J.none
}

imp_unpriv () {
    _fx_dir=$1
    shift
    run_as "$OWNER" env FLUX_IMP_CONFIG_PATTERN="$_fx_dir/*.toml" \
        "$_fx_dir/test-imp" "$@"
}

PY=
if test_have_prereq ACCOUNTS; then
    for _fx_py in /usr/bin/python3 "$(command -v python3)"; do
        if test -n "$_fx_py" && run_as "$OWNER" "$_fx_py" -c "" 2>/dev/null
        then
            PY=$_fx_py
            break
        fi
    done
fi
if test -n "$PY"; then
    fixture_prereq PYTHON
else
    fixture_no_prereq PYTHON "no python3 that $OWNER can run"
fi

_fx_receiver_py='
import os, socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
s.settimeout(20)
with open(sys.argv[2] + ".tmp", "w") as out:
    for i in range(int(sys.argv[3])):
        out.write(s.recv(4096).decode() + "\n--\n")
os.rename(sys.argv[2] + ".tmp", sys.argv[2])
'

notify_receiver () {
    mkdir "$1" && chown "$OWNER_UID" "$1" && chmod 700 "$1" || return 1
    run_as "$OWNER" "$PY" -c "$_fx_receiver_py" "$1/sock" "$1/msgs" "$2" \
        </dev/null 3>&- 4>&- 5>&- 6>&- &
    NOTIFY_RECEIVER_PID=$!
    fixture_poll 100 test -S "$1/sock"
}

notify_expected () {
    printf "READY=1\nSTATUS=IMP is monitoring child and forwarding signals"
    printf "\n--\nSTOPPING=1\nSTATUS=IMP child %s, waiting for cgroup\n--\n" \
        "$1"
    test -z "$2" || printf "STATUS=cgroup is now empty, exiting\n--\n"
}
