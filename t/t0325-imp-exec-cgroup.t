#!/bin/sh
test_description='flux-imp exec in a job cgroup: SIGUSR1 kills the cgroup,
the IMP waits for the cgroup to empty

test-imp-fixedpath staged setuid root runs as the instance owner
(fluxowner) inside a test cgroup made by cgroup_create: imp-shell-test.<pid>
(a dedicated job cgroup: its name starts with imp-shell), or other-test.<pid>
(not one).  The jobs are signed by the guest through a private munged.'

. "$(dirname "$0")/sharness.sh"

fixture_report

fixed_prereq PRIV SETUID,ACCOUNTS,MUNGE
test_have_prereq CGROUP2 || echo "# cgroup tests need CGROUP2"

test_expect_success PRIV,CGROUP2 'setup: fixtures, munged, staged IMP, cgroups' '
    FIX=$(mktemp -d /tmp/t0325.XXXXXX) &&
    fixture_atexit rm -rf "$FIX" &&
    chmod 755 "$FIX" &&
    mkdir "$FIX/out" && chmod 1777 "$FIX/out" &&
    echo "$FIX" >fixdir &&
    munge_start &&
    imp_sign_conf "$FIX/sign.toml" &&
    fixture_atexit rm -rf "$FIXED_TOP" &&
    imp_exec_table | imp_fixed_conf "$FIX/sign.toml" &&
    SIMP=$(stage_setuid "$FIXED_IMP" flux-imp) &&
    echo "$SIMP" >simp &&
    echo "{}" | run_as "$GUEST" "$FLUX_BUILD_DIR/src/cmd/flux-sign" \
        -c "$FIX/sign.toml" sign >J.guest &&
    imp_input "$(cat J.guest)" >in.guest &&
    JOBCG=$(cgroup_create imp-shell-test) &&
    OTHERCG=$(cgroup_create other-test) &&
    echo "$JOBCG" >jobcg &&
    echo "$OTHERCG" >othercg
'
FIX=$(cat fixdir 2>/dev/null)
OUT=$FIX/out
SIMP=$(cat simp 2>/dev/null)
JOBCG=$(cat jobcg 2>/dev/null)
OTHERCG=$(cat othercg 2>/dev/null)

# in_cgroup CG SCRIPT [ENV...]: start the setuid IMP as the owner, in
# test cgroup CG, running the job shell /bin/sh -c SCRIPT (in the
# background: pid in IMP_BG, output in imp.out and imp.err).  A gate
# process is moved into CG first and only then execs the IMP, so that
# the IMP starts in CG.
in_cgroup () {
    _cg=$1 _script=$2
    shift 2
    rm -f gate && mkfifo gate &&
    sh -c 'read x <"$0" && exec "$@"' gate \
        env "$@" setpriv --reuid="$OWNER_UID" --regid="$OWNER_GID" \
        --init-groups -- "$SIMP" exec /bin/sh -c "$_script" \
        <in.guest >imp.out 2>imp.err 3>&- 4>&- 5>&- 6>&- &
    IMP_BG=$!
    cgroup_move $IMP_BG "$_cg" &&
    echo go >gate
}

# A job shell that records its pid, the IMP pid and a background sleep
# it leaves behind, then waits.
LEAVE_BG='sleep 300 >/dev/null 2>&1 & echo $! $$ $PPID >OUT/pids.tmp && mv OUT/pids.tmp OUT/pids && exec sleep 120'

# start_job CG [SCRIPT]: in_cgroup, then wait for OUT/pids; sets BG_PID
# SHELL_PID IMP_PID.
start_job () {
    rm -f "$OUT/pids" &&
    in_cgroup "$1" "$(echo "${2:-$LEAVE_BG}" | sed "s|OUT|$OUT|g")" &&
    fixture_poll 300 test -s "$OUT/pids" &&
    read BG_PID SHELL_PID IMP_PID <"$OUT/pids"
}

# finish_job CODE: the IMP exits with CODE.
finish_job () {
    wait $IMP_BG
    rc=$?
    echo "exit code $rc"
    test $rc = $1
}

gone () {
    ! fixture_pid_alive "$1"
}

test_expect_success PRIV,CGROUP2 'job cgroup: the IMP finds itself in it' '
    start_job "$JOBCG" &&
    test "$(cat /proc/$IMP_PID/comm)" = flux-imp &&
    grep -qx "$IMP_PID" "$JOBCG/cgroup.procs" &&
    grep -qx "$BG_PID" "$JOBCG/cgroup.procs" &&
    kill -s USR1 $IMP_PID &&
    finish_job 137
'

test_expect_success PRIV,CGROUP2 'job cgroup: SIGUSR1 kills the shell and what it left: exit 137' '
    start_job "$JOBCG" &&
    kill -s USR1 $IMP_PID &&
    finish_job 137 &&
    gone $SHELL_PID &&
    fixture_poll 50 gone $BG_PID &&
    test -z "$(cgroup_procs "$JOBCG")" &&
    test_must_be_empty imp.err
'

test_expect_success PRIV,CGROUP2 'job cgroup: SIGTERM is forwarded: exit 143' '
    start_job "$JOBCG" "echo 0 \$\$ \$PPID >OUT/pids.tmp && mv OUT/pids.tmp OUT/pids && exec sleep 120" &&
    kill -s TERM $IMP_PID &&
    finish_job 143 &&
    gone $SHELL_PID
'

test_expect_success PRIV,CGROUP2 'job cgroup: SIGINT is forwarded: exit 130' '
    start_job "$JOBCG" "echo 0 \$\$ \$PPID >OUT/pids.tmp && mv OUT/pids.tmp OUT/pids && exec sleep 120" &&
    kill -s INT $IMP_PID &&
    finish_job 130 &&
    gone $SHELL_PID
'

test_expect_success PRIV,CGROUP2 'job cgroup: the IMP waits for a lingering process to exit' '
    rm -f "$OUT/linger" &&
    start=$(date +%s) &&
    start_job "$JOBCG" "(sleep 3; echo done >OUT/linger) >/dev/null 2>&1 & echo \$! \$\$ \$PPID >OUT/pids.tmp && mv OUT/pids.tmp OUT/pids && exit 4" &&
    finish_job 4 &&
    end=$(date +%s) &&
    test -s "$OUT/linger" &&
    test $((end - start)) -ge 2 &&
    test -z "$(cgroup_procs "$JOBCG")"
'

test_expect_success PRIV,CGROUP2 'job cgroup: SIGUSR1 while waiting kills the lingering process' '
    start_job "$JOBCG" "sleep 300 >/dev/null 2>&1 & echo \$! \$\$ \$PPID >OUT/pids.tmp && mv OUT/pids.tmp OUT/pids && exit 5" &&
    fixture_poll 100 gone $SHELL_PID &&
    sleep 1 &&
    fixture_pid_alive $IMP_PID &&
    fixture_pid_alive $BG_PID &&
    kill -s USR1 $IMP_PID &&
    finish_job 5 &&
    fixture_poll 50 gone $BG_PID &&
    test -z "$(cgroup_procs "$JOBCG")"
'

test_expect_success PRIV,CGROUP2 'not a job cgroup: SIGUSR1 kills the children only: exit 137' '
    start_job "$OTHERCG" &&
    kill -s USR1 $IMP_PID &&
    finish_job 137 &&
    gone $SHELL_PID &&
    fixture_pid_alive $BG_PID &&
    kill -s KILL $BG_PID
'

test_expect_success PRIV,CGROUP2 'not a job cgroup: the IMP does not wait for the cgroup' '
    start_job "$OTHERCG" "sleep 300 >/dev/null 2>&1 & echo \$! \$\$ \$PPID >OUT/pids.tmp && mv OUT/pids.tmp OUT/pids && exit 6" &&
    finish_job 6 &&
    fixture_pid_alive $BG_PID &&
    kill -s KILL $BG_PID
'

test_expect_success PRIV,CGROUP2,PYTHON 'job cgroup: sd_notify says when the cgroup is empty' '
    notify_receiver "$OUT/notify" 3 &&
    in_cgroup "$JOBCG" "sleep 2 >/dev/null 2>&1 & exit 0" \
        NOTIFY_SOCKET="$OUT/notify/sock" &&
    finish_job 0 &&
    test_must_be_empty imp.err &&
    wait $NOTIFY_RECEIVER_PID &&
    notify_expected "exited (0)" empty >expected &&
    test_cmp expected "$OUT/notify/msgs"
'

test_expect_success PRIV,CGROUP2 'cleanup: the test cgroups are empty and removed' '
    cgroup_remove "$JOBCG" &&
    cgroup_remove "$OTHERCG"
'

test_done
