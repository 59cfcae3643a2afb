#!/bin/sh
test_description='flux-imp kill SIGNAL PID: signal a job process for the owner

The privileged cases run test-imp-fixedpath staged setuid root as the
instance owner (fluxowner, in exec.allowed-users) against processes of
the owner, of the guest (fluxguest, a job user) and of root; in a test
cgroup that the test makes the owner'"'"'s; and against a root-owned IMP
running a job of the guest (its child, the job shell, gets the signal).
The unprivileged cases run the build-tree test-imp, not setuid.'

. "$(dirname "$0")/sharness.sh"

fixture_report

TEST_IMP=$FLUX_BUILD_DIR/src/imp/test-imp
fixed_prereq PRIV SETUID,ACCOUNTS

test_expect_success 'create the fixture directory' '
    FIX=$(mktemp -d /tmp/t0335.XXXXXX) &&
    fixture_atexit rm -rf "$FIX" &&
    chmod 755 "$FIX" &&
    cp "$FLUX_BUILD_DIR/src/cmd/flux-sign" "$TEST_IMP" "$FIX/" &&
    chmod 755 "$FIX/flux-sign" "$FIX/test-imp" &&
    mkdir "$FIX/out" &&
    chmod 1777 "$FIX/out" &&
    echo "$FIX" >fixdir
'
FIX=$(cat fixdir 2>/dev/null)
OUT=$FIX/out

# spawn UID GID: start "sleep 300" as UID:GID (0 0: root); its pid in
# SPAWN_PID once it runs sleep (not before, while setpriv is still root).
# Not root: UID GID must be the caller's.
spawn () {
    if test "$(id -u)" = 0; then
        fixture_spawn setpriv --reuid="$1" --regid="$2" --clear-groups \
            sleep 300
    else
        fixture_spawn sleep 300
    fi &&
    SPAWN_PID=$FIXTURE_SPAWN_PID &&
    fixture_poll 100 test "$(cat /proc/$SPAWN_PID/comm 2>/dev/null)" = sleep
}
# reap PID: SIGKILL PID (if still there) and wait for it.
reap () {
    kill -KILL "$1" 2>/dev/null
    wait "$1" 2>/dev/null
    return 0
}
# killed_by PID CODE: PID (a background job of this shell) exited CODE.
killed_by () {
    wait "$1"
    _rc=$?
    echo "$1 exit code $_rc"
    test "$_rc" = "$2"
}
# cg_of PID: the cgroup v2 directory of PID, as the IMP shows it.
cg_of () {
    _rel=$(sed -n "s/^0:://p" /proc/$1/cgroup)
    if test "$_rel" = /; then
        echo "$CGROUP2_MOUNT"
    else
        echo "$CGROUP2_MOUNT$_rel"
    fi
}
# probe_expected PID: what "kill 0 PID" prints for a process of the owner
probe_expected () {
    if test -n "$CGROUP2_MOUNT"; then
        _cg=$(cg_of $1) &&
        echo "pid=$1 owner=$OWNER_UID cg_path=$_cg cg_owner=$(stat -c %u "$_cg")"
    else
        echo "pid=$1 owner=$OWNER_UID cg_path=- cg_owner=-"
    fi
}

#
# Setuid: test-imp-fixedpath as the owner
#
# fixed_conf: the IMP configuration of stdin, and the signing one once a
# test has made it.
fixed_conf () {
    if test -f "$FIX/sign.toml"; then
        imp_fixed_conf "$FIX/sign.toml"
    else
        imp_fixed_conf
    fi
}
good_conf () {
    fixed_conf <<-EOF
	[exec]
	allowed-users = [${1:-"\"$OWNER\""}]
	allowed-shells = ["/bin/sh"]
	EOF
}
simp () {
    run_as "$OWNER" "$SIMP" "$@"
}

test_expect_success PRIV 'setuid: stage the IMP' '
    fixture_atexit rm -rf "$FIXED_TOP" &&
    good_conf &&
    SIMP=$(stage_setuid "$FIXED_IMP" flux-imp)
'

test_expect_success PRIV 'setuid: a process of the caller: allowed' '
    spawn $OWNER_UID $OWNER_GID &&
    simp kill 15 $SPAWN_PID >out 2>err &&
    test_must_be_empty out &&
    test_must_be_empty err &&
    killed_by $SPAWN_PID 143
'

test_expect_success PRIV 'setuid: signal 0 prints the owner and the cgroup' '
    spawn $OWNER_UID $OWNER_GID &&
    simp kill 0 $SPAWN_PID >out &&
    probe_expected $SPAWN_PID >expected &&
    test_cmp expected out &&
    fixture_pid_alive $SPAWN_PID &&
    reap $SPAWN_PID
'

test_expect_success PRIV 'setuid: a process of the guest, cgroup not the caller: refused' '
    spawn $GUEST_UID $GUEST_GID &&
    if test -n "$CGROUP2_MOUNT"; then
        test "$(stat -c %u "$(cg_of $SPAWN_PID)")" != $OWNER_UID
    fi &&
    test_expect_code 1 simp kill 15 $SPAWN_PID >out 2>err &&
    echo "flux-imp: Fatal: kill: $SPAWN_PID: permission denied" >expected &&
    test_cmp expected err &&
    test_must_be_empty out &&
    test_expect_code 1 simp kill 0 $SPAWN_PID >out 2>err &&
    test_must_be_empty out &&
    fixture_pid_alive $SPAWN_PID &&
    reap $SPAWN_PID
'

test_expect_success PRIV 'setuid: a process of root: refused' '
    spawn 0 0 &&
    test_expect_code 1 simp kill 9 $SPAWN_PID 2>err &&
    echo "flux-imp: Fatal: kill: $SPAWN_PID: permission denied" >expected &&
    test_cmp expected err &&
    fixture_pid_alive $SPAWN_PID &&
    reap $SPAWN_PID
'

test_expect_success PRIV 'setuid: pid 0, 1, negative, garbage, overflow: refused' '
    for p in 0 1 -1 -2 +2 02 " 2" "2 " abc 2x 0x10 "" 2147483648 \
        99999999999999999999; do
        test_expect_code 1 simp kill 15 "$p" 2>err &&
        echo "flux-imp: Fatal: kill: invalid pid '"'"'$p'"'"': must be a decimal process id greater than 1" >expected &&
        test_cmp expected err || return 1
    done
'

test_expect_success PRIV 'setuid: bad signals: refused' '
    spawn $OWNER_UID $OWNER_GID &&
    for s in 65 -1 +1 01 TERM SIGTERM "" 1x " 9" 99999999999999999999; do
        test_expect_code 1 simp kill "$s" $SPAWN_PID 2>err &&
        echo "flux-imp: Fatal: kill: invalid signal '"'"'$s'"'"': must be a decimal number from 0 to 64" >expected &&
        test_cmp expected err || return 1
    done &&
    fixture_pid_alive $SPAWN_PID &&
    reap $SPAWN_PID
'

test_expect_success PRIV 'setuid: wrong number of arguments: refused' '
    echo "flux-imp: Fatal: kill: Usage: flux-imp kill SIGNAL PID" >expected &&
    test_expect_code 1 simp kill 2>err &&
    test_cmp expected err &&
    test_expect_code 1 simp kill 15 2>err &&
    test_cmp expected err &&
    test_expect_code 1 simp kill 15 $$ $$ 2>err &&
    test_cmp expected err
'

test_expect_success PRIV 'setuid: a pid that does not exist' '
    spawn $OWNER_UID $OWNER_GID &&
    gone=$SPAWN_PID &&
    reap $gone &&
    test_expect_code 1 simp kill 15 $gone 2>err &&
    echo "flux-imp: Fatal: kill: $gone: No such process" >expected &&
    test_cmp expected err
'

test_expect_success PRIV 'setuid: a caller not in allowed-users: refused' '
    spawn $GUEST_UID $GUEST_GID &&
    test_expect_code 1 run_as "$GUEST" "$SIMP" kill 15 $SPAWN_PID 2>err &&
    echo "flux-imp: Fatal: kill: user $GUEST not in allowed-users list" >expected &&
    test_cmp expected err &&
    fixture_pid_alive $SPAWN_PID &&
    reap $SPAWN_PID
'

test_expect_success PRIV 'setuid: no allowed-users at all: nobody' '
    fixed_conf <<-EOF &&
	[exec]
	allowed-shells = ["/bin/sh"]
	EOF
    spawn $OWNER_UID $OWNER_GID &&
    test_expect_code 1 simp kill 15 $SPAWN_PID 2>err &&
    echo "flux-imp: Fatal: kill: user $OWNER not in allowed-users list" >expected &&
    test_cmp expected err &&
    fixture_pid_alive $SPAWN_PID &&
    reap $SPAWN_PID &&
    good_conf
'

test_expect_success PRIV 'setuid: another allowed user cannot signal the owner process' '
    good_conf "\"$OWNER\", \"$GUEST\"" &&
    spawn $OWNER_UID $OWNER_GID &&
    test_expect_code 1 run_as "$GUEST" "$SIMP" kill 15 $SPAWN_PID 2>err &&
    echo "flux-imp: Fatal: kill: $SPAWN_PID: permission denied" >expected &&
    test_cmp expected err &&
    fixture_pid_alive $SPAWN_PID &&
    reap $SPAWN_PID &&
    good_conf
'

# A python3 that the owner can run (to make a thread).
if test_have_prereq ACCOUNTS; then
    for PY in /usr/bin/python3 "$(command -v python3)"; do
        if test -n "$PY" && run_as "$OWNER" "$PY" -c "" 2>/dev/null; then
            test_set_prereq PYTHON
            break
        fi
    done
fi

test_expect_success PRIV,PYTHON 'setuid: a thread id (not a process): refused' '
    cat >"$OUT/thread.py" <<-EOF &&
	import os, threading, time
	def run():
	    with open("$OUT/tid.tmp", "w") as f:
	        f.write("%d\\n" % threading.get_native_id())
	    os.rename("$OUT/tid.tmp", "$OUT/tid")
	    time.sleep(300)
	threading.Thread(target=run, daemon=True).start()
	time.sleep(300)
	EOF
    fixture_spawn setpriv --reuid=$OWNER_UID --regid=$OWNER_GID \
        --clear-groups "$PY" "$OUT/thread.py" &&
    py=$FIXTURE_SPAWN_PID &&
    fixture_poll 100 test -s "$OUT/tid" &&
    tid=$(cat "$OUT/tid") &&
    test "$tid" != "$py" &&
    test_expect_code 1 simp kill 15 $tid 2>err &&
    echo "flux-imp: Fatal: kill: $tid: not a process id" >expected &&
    test_cmp expected err &&
    fixture_pid_alive $py &&
    reap $py
'

#
# The audit line (imp_audit.h) of an allowed and of a refused kill
#
test_expect_success PRIV,SYSLOG 'audit: allowed and refused kills are logged' '
    syslog_start &&
    spawn $OWNER_UID $OWNER_GID &&
    mine=$SPAWN_PID &&
    spawn $GUEST_UID $GUEST_GID &&
    theirs=$SPAWN_PID &&
    with_syslog setpriv --reuid=$OWNER_UID --regid=$OWNER_GID --init-groups \
        -- "$SIMP" kill 15 $mine &&
    killed_by $mine 143 &&
    test_expect_code 1 with_syslog setpriv --reuid=$OWNER_UID \
        --regid=$OWNER_GID --init-groups -- "$SIMP" kill 15 $theirs 2>err &&
    syslog_wait 2 &&
    sed "s/^<[0-9]*>[A-Z][a-z][a-z] [ 0-9][0-9] [0-9:]* //" "$SYSLOG_FILE" \
        >lines &&
    cat >expected <<-EOF &&
	flux-imp[PID]: kill: caller=$OWNER($OWNER_UID) signal=15 pid=$mine outcome=allowed
	flux-imp[PID]: kill: caller=$OWNER($OWNER_UID) signal=15 pid=$theirs outcome="refused: kill: $theirs: permission denied"
	EOF
    sed "s/^flux-imp\[[0-9]*\]/flux-imp[PID]/" lines >got &&
    test_cmp expected got &&
    reap $theirs
'

#
# A test cgroup owned by the caller
#
test_expect_success PRIV,CGROUP2 'cgroup: make a test cgroup owned by the owner' '
    CG=$(cgroup_create imp-kill) &&
    chown $OWNER_UID "$CG"
'

test_expect_success PRIV,CGROUP2 'cgroup: a process of the guest in it: signal 0 shows it' '
    spawn $GUEST_UID $GUEST_GID &&
    cgroup_move $SPAWN_PID "$CG" &&
    simp kill 0 $SPAWN_PID >out &&
    echo "pid=$SPAWN_PID owner=$GUEST_UID cg_path=$CG cg_owner=$OWNER_UID" >expected &&
    test_cmp expected out
'

test_expect_success PRIV,CGROUP2 'cgroup: a process of the guest in it: allowed' '
    simp kill 15 $SPAWN_PID &&
    killed_by $SPAWN_PID 143
'

test_expect_success PRIV,CGROUP2 'cgroup: a process of root in it: refused' '
    spawn 0 0 &&
    cgroup_move $SPAWN_PID "$CG" &&
    test_expect_code 1 simp kill 15 $SPAWN_PID 2>err &&
    echo "flux-imp: Fatal: kill: $SPAWN_PID: permission denied (process of root)" >expected &&
    test_cmp expected err &&
    fixture_pid_alive $SPAWN_PID &&
    reap $SPAWN_PID
'

test_expect_success PRIV,CGROUP2 'cgroup: once root owns it again: refused' '
    spawn $GUEST_UID $GUEST_GID &&
    cgroup_move $SPAWN_PID "$CG" &&
    chown 0 "$CG" &&
    test_expect_code 1 simp kill 15 $SPAWN_PID 2>err &&
    echo "flux-imp: Fatal: kill: $SPAWN_PID: permission denied" >expected &&
    test_cmp expected err &&
    fixture_pid_alive $SPAWN_PID &&
    reap $SPAWN_PID &&
    cgroup_remove "$CG"
'

#
# A root-owned IMP running a job of the guest
#
test_expect_success PRIV,MUNGE 'imp: start munged, sign a job of the guest' '
    munge_start &&
    imp_sign_conf "$FIX/sign.toml" &&
    good_conf &&
    echo "{}" | run_as "$GUEST" "$FIX/flux-sign" -c "$FIX/sign.toml" sign >J &&
    imp_input "$(cat J)" >in.guest &&
    test_set_prereq JOB
'

# start_job NAME: run a sleeping job through the IMP as the owner; set
# BG_PID (the background job), SHELL_PID and IMP_PID.
start_job () {
    pids=$OUT/pids.$1
    run_as "$OWNER" "$SIMP" exec /bin/sh \
        -c "echo \$\$ \$PPID >$pids.tmp && mv $pids.tmp $pids && exec sleep 300" \
        <in.guest 3>&- 4>&- 5>&- 6>&- &
    BG_PID=$!
    fixture_atexit reap $BG_PID
    fixture_poll 100 test -s "$pids" &&
    read SHELL_PID IMP_PID <"$pids" &&
    test "$(cat /proc/$IMP_PID/comm)" = flux-imp &&
    fixture_poll 100 test "$(cat /proc/$SHELL_PID/comm 2>/dev/null)" = sleep
}

test_expect_success PRIV,JOB 'imp: signal 0 to the IMP shows the IMP' '
    start_job zero &&
    simp kill 0 $IMP_PID >out &&
    probe_expected $IMP_PID >expected &&
    test_cmp expected out &&
    fixture_pid_alive $SHELL_PID &&
    fixture_pid_alive $IMP_PID
'

test_expect_success PRIV,JOB 'imp: the job shell of the guest itself: refused' '
    test_expect_code 1 simp kill 15 $SHELL_PID 2>err &&
    echo "flux-imp: Fatal: kill: $SHELL_PID: permission denied" >expected &&
    test_cmp expected err &&
    fixture_pid_alive $SHELL_PID
'

test_expect_success PRIV,JOB 'imp: another allowed user cannot signal it' '
    good_conf "\"$OWNER\", \"$GUEST\"" &&
    test_expect_code 1 run_as "$GUEST" "$SIMP" kill 15 $IMP_PID 2>err &&
    echo "flux-imp: Fatal: kill: $IMP_PID: permission denied" >expected &&
    test_cmp expected err &&
    fixture_pid_alive $SHELL_PID &&
    good_conf
'

test_expect_success PRIV,JOB 'imp: SIGTERM to the IMP reaches the job shell: exit 143' '
    simp kill 15 $IMP_PID &&
    killed_by $BG_PID 143 &&
    ! fixture_pid_alive $SHELL_PID
'

test_expect_success PRIV,JOB 'imp: SIGKILL to the IMP kills the job shell only: exit 137' '
    start_job kill &&
    simp kill 9 $IMP_PID &&
    killed_by $BG_PID 137 &&
    ! fixture_pid_alive $SHELL_PID
'

#
# Not setuid: test-imp as the caller; the kernel decides the rest
#
# (UNPRIV, ME and unpriv: accounts.sh)

test_expect_success UNPRIV 'unprivileged: configuration' '
    ME=$(unpriv id -un) &&
    mkdir -p "$FIX/u" && chmod 755 "$FIX/u" &&
    printf "[exec]\nallowed-users = [\"%s\"]\n" "$ME" >"$FIX/u/imp.toml" &&
    chmod 644 "$FIX/u/imp.toml"
'
timp () {
    unpriv env FLUX_IMP_CONFIG_PATTERN="$FIX/u/*.toml" "$FIX/test-imp" "$@"
}

test_expect_success UNPRIV 'unprivileged: a process of the caller: allowed' '
    spawn $(unpriv id -u) $(unpriv id -g) &&
    timp kill 15 $SPAWN_PID &&
    killed_by $SPAWN_PID 143
'

test_expect_success UNPRIV,ROOT 'unprivileged: a process of root: refused' '
    spawn 0 0 &&
    test_expect_code 1 timp kill 15 $SPAWN_PID 2>err &&
    echo "flux-imp: Fatal: kill: $SPAWN_PID: permission denied" >expected &&
    test_cmp expected err &&
    fixture_pid_alive $SPAWN_PID &&
    reap $SPAWN_PID
'

test_expect_success UNPRIV 'unprivileged: pid 1 is refused' '
    test_expect_code 1 timp kill 0 1 2>err &&
    grep "^flux-imp: Fatal: kill: invalid pid '"'"'1'"'"'" err
'

test_done
