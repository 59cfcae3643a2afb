#!/bin/sh
test_description='flux-imp run NAME: run the command of [run.NAME] as root

The privileged cases run test-imp-fixedpath staged setuid root as the
instance owner (fluxowner); the unprivileged cases run the build-tree
test-imp (not setuid) as the owner.'

. "$(dirname "$0")/sharness.sh"

fixture_report

fixed_prereq PRIV SETUID,ACCOUNTS

# The fixture directory, root-owned 0755 under /tmp: the commands, and a
# sticky scratch directory.  Removed at exit.
test_expect_success PRIV 'create the fixture directory and the commands' '
    FIX=$(mktemp -d /tmp/t0330.XXXXXX) &&
    fixture_atexit rm -rf "$FIX" &&
    chmod 755 "$FIX" &&
    mkdir "$FIX/bin" "$FIX/out" && chmod 755 "$FIX/bin" &&
    chmod 1777 "$FIX/out" &&
    cat >"$FIX/bin/cmd" <<-\EOF &&
	#!/bin/sh
	echo "ids $(id -u) $(id -ru) $(id -g) $(id -rg)"
	echo "groups $(id -G)"
	echo "cwd $(pwd)"
	echo "args $#"
	env | sed "s/^/env /"
	exit ${TEST_EXIT:-0}
	EOF
    chmod 755 "$FIX/bin/cmd" &&
    cat >"$FIX/bin/sleeper" <<-EOF &&
	#!/bin/sh
	sleep 120 &
	echo \$! \$\$ \$PPID >$FIX/out/pids.tmp && mv $FIX/out/pids.tmp $FIX/out/pids
	wait
	EOF
    chmod 755 "$FIX/bin/sleeper" &&
    cp "$FIX/bin/cmd" "$FIX/bin/groupw" && chmod 775 "$FIX/bin/groupw" &&
    cp "$FIX/bin/cmd" "$FIX/bin/noexec" && chmod 644 "$FIX/bin/noexec" &&
    cp "$FIX/bin/cmd" "$FIX/bin/guests" && chown "$GUEST" "$FIX/bin/guests" &&
    cp "$FIX/bin/cmd" "$FIX/bin/owners" && chown "$OWNER" "$FIX/bin/owners" &&
    ln -s cmd "$FIX/bin/link" &&
    mkdir -m 775 "$FIX/gw" && cp "$FIX/bin/cmd" "$FIX/gw/cmd" &&
    echo "$FIX" >fixdir
'
FIX=$(cat fixdir 2>/dev/null)
OUT=$FIX/out

# conf: the IMP configuration, with MORE at the top level (before the
# tables).
conf () {
    cat <<-EOF
	$1
	[run.test]
	path = "$FIX/bin/cmd"
	allowed-users = ["$OWNER"]
	allowed-environment = ["TEST_*", "*_GLOB"]
	[run.noenv]
	path = "$FIX/bin/cmd"
	allowed-users = ["$OWNER"]
	[run.star]
	path = "$FIX/bin/cmd"
	allowed-users = ["$OWNER"]
	allowed-environment = ["*"]
	[run.sleeper]
	path = "$FIX/bin/sleeper"
	allowed-users = ["$OWNER"]
	[run.nousers]
	path = "$FIX/bin/cmd"
	[run.guestonly]
	path = "$FIX/bin/cmd"
	allowed-users = ["$GUEST"]
	[run.nopath]
	allowed-users = ["$OWNER"]
	[run.relative]
	path = "bin/cmd"
	allowed-users = ["$OWNER"]
	EOF
    for c in missing groupw noexec guests owners link; do
        printf "[run.%s]\npath = \"%s\"\nallowed-users = [\"%s\"]\n" \
            $c "$FIX/bin/$c" "$OWNER"
    done
    printf "[run.gwdir]\npath = \"%s\"\nallowed-users = [\"%s\"]\n" \
        "$FIX/gw/cmd" "$OWNER"
}

# simp ARG...: the setuid IMP as the owner
simp () {
    run_as "$OWNER" "$SIMP" "$@"
}
# fatal TEXT: the only line of stderr (file err) is the Fatal TEXT
fatal () {
    echo "flux-imp: Fatal: $1" >expected &&
    test_cmp expected err
}

test_expect_success PRIV 'setuid: stage the IMP and its configuration' '
    fixture_atexit rm -rf "$FIXED_TOP" &&
    conf | imp_fixed_conf &&
    SIMP=$(stage_setuid "$FIXED_IMP" flux-imp) &&
    echo "$SIMP" >simp
'
SIMP=$(cat simp 2>/dev/null)

test_expect_success PRIV 'setuid: no NAME, or an empty one: nothing to run' '
    test_expect_code 1 simp run 2>err &&
    fatal "run: nothing to run" &&
    test_expect_code 1 simp run "" 2>err &&
    fatal "run: nothing to run"
'

test_expect_success PRIV 'setuid: an unknown NAME' '
    test_expect_code 1 simp run nope 2>err &&
    fatal "run: nope: no configuration found" &&
    test_expect_code 1 simp run test.path 2>err &&
    fatal "run: test.path: no configuration found" &&
    long=$(printf "%0200d" 0) &&
    test_expect_code 1 simp run "$long" 2>err &&
    fatal "run: $long: no configuration found"
'

test_expect_success PRIV 'setuid: path missing, or not absolute' '
    test_expect_code 1 simp run nopath 2>err &&
    fatal "run: nopath: path is missing or invalid" &&
    test_expect_code 1 simp run relative 2>err &&
    fatal "run: relative: path is missing or invalid"
'

# refused NAME TEXT: run NAME exits 1, prints nothing on stdout, and its
# error starts with "run: TEXT"
refused () {
    test_expect_code 1 simp run "$1" >out 2>err &&
    test_must_be_empty out &&
    grep "^flux-imp: Fatal: run: $2" err
}

test_expect_success PRIV 'setuid: a path that does not exist' '
    refused missing "$FIX/bin/missing: .*No such file or directory"
'

test_expect_success PRIV 'setuid: a group-writable command is refused' '
    refused groupw "$FIX/bin/groupw: bad file permissions (0775)"
'

test_expect_success PRIV 'setuid: a command in a group-writable directory is refused' '
    refused gwdir "$FIX/gw/cmd: parent directory is group-writable without sticky bit"
'

test_expect_success PRIV 'setuid: a symbolic link is refused' '
    refused link "$FIX/bin/link: symbolic link"
'

test_expect_success PRIV 'setuid: a command owned by another user is refused' '
    refused guests "$FIX/bin/guests: insecure file ownership (owner uid $GUEST_UID)"
'

test_expect_success PRIV 'setuid: a command owned by the caller is refused by the root side' '
    refused owners "$FIX/bin/owners: insecure file ownership (owner uid $OWNER_UID): the file must be owned by root\$" &&
    test "$(wc -l <err)" = 1
'

test_expect_success PRIV 'setuid: a caller not in allowed-users: permission denied' '
    test_expect_code 1 simp run guestonly >out 2>err &&
    fatal "run: permission denied" &&
    test_expect_code 1 simp run nousers >out 2>err &&
    fatal "run: permission denied" &&
    test_expect_code 1 run_as "$GUEST" "$SIMP" run test >out 2>err &&
    fatal "run: permission denied" &&
    test_must_be_empty out
'

test_expect_success PRIV 'setuid: runs as root, groups reset, in /, no argument' '
    setpriv --reuid=$OWNER_UID --regid=$OWNER_GID --groups=$GUEST_GID,$OWNER_GID \
        -- "$SIMP" run test >out 2>err &&
    test_must_be_empty err &&
    grep "^ids 0 0 0 0\$" out &&
    grep "^groups 0\$" out &&
    grep "^cwd /\$" out &&
    grep "^args 0\$" out
'

test_expect_success PRIV 'setuid: the environment is clean, with the IMP variables' '
    run_as "$OWNER" env FLUX_OWNER_USERID=0 HOME=/tmp USER=me PATH=/tmp:/bin \
        "$SIMP" run test >out &&
    grep "^env " out | sed "s/^env //" | grep -v "^PWD=" | sort >got &&
    cat >expected <<-EOF &&
	FLUX_OWNER_USERID=$OWNER_UID
	HOME=$(getent passwd root | cut -d: -f6)
	PATH=/usr/sbin:/usr/bin:/sbin:/bin
	USER=root
	EOF
    test_cmp expected got
'

test_expect_success PRIV 'setuid: allowed-environment patterns pass, others do not' '
    run_as "$OWNER" env TEST_A=a X_GLOB=g OTHER=o TESTX=t \
        "$SIMP" run test >out &&
    grep "^env TEST_A=a\$" out &&
    grep "^env X_GLOB=g\$" out &&
    ! grep "^env OTHER=" out &&
    ! grep "^env TESTX=" out
'

test_expect_success PRIV 'setuid: FLUX_JOB_ID and FLUX_JOB_USERID pass without allowed-environment' '
    run_as "$OWNER" env FLUX_JOB_ID=f123 FLUX_JOB_USERID=$GUEST_UID TEST_A=a \
        "$SIMP" run noenv >out &&
    grep "^env FLUX_JOB_ID=f123\$" out &&
    grep "^env FLUX_JOB_USERID=$GUEST_UID\$" out &&
    ! grep "^env TEST_A=" out
'

test_expect_success PRIV 'setuid: "*" does not pass loader and shell variables' '
    run_as "$OWNER" env LD_PRELOAD=/nonexistent.so LD_LIBRARY_PATH=/tmp \
        GCONV_PATH=/tmp MALLOC_CHECK_=3 GLIBC_TUNABLES=x BASH_ENV=/tmp/x \
        ENV=/tmp/x TMPDIR=/tmp FOO=bar "$SIMP" run star >out 2>err &&
    ! grep "^flux-imp" err &&
    grep "^env FOO=bar\$" out &&
    ! grep -E "^env (LD_|GCONV_PATH|MALLOC_|GLIBC_TUNABLES|BASH_ENV|ENV|TMPDIR)=" out
'

test_expect_success PRIV 'setuid: a variable defined twice passes once, the first' '
    run_as "$OWNER" env -i TEST_D=1 "$SIMP" run test >/dev/null &&
    printf "%s\n" "#include <unistd.h>" \
        "int main (int c, char **v) { char *e[] = {\"TEST_D=first\", \"TEST_D=second\", 0};" \
        "execve (v[1], v + 1, e); return 127; }" >dup.c &&
    if cc -o "$FIX/dup" dup.c 2>/dev/null; then
        chmod 755 "$FIX/dup" &&
        run_as "$OWNER" "$FIX/dup" "$SIMP" run test >out &&
        test "$(grep -c "^env TEST_D=" out)" = 1 &&
        grep "^env TEST_D=first\$" out
    fi
'

test_expect_success PRIV 'setuid: huge values are dropped with a warning, many variables pass' '
    big=$(head -c 70000 /dev/zero | tr "\\0" x) &&
    run_as "$OWNER" env TEST_BIG="$big" TEST_SMALL=s "$SIMP" run test >out 2>err &&
    echo "flux-imp: Warning: run: TEST_BIG: value longer than 65536 bytes, not passed" >expected &&
    test_cmp expected err &&
    ! grep "^env TEST_BIG=" out &&
    grep "^env TEST_SMALL=s\$" out &&
    vars=$(seq 1 2000 | sed "s/.*/TEST_V&=&/") &&
    run_as "$OWNER" env $vars "$SIMP" run test >out 2>err &&
    test "$(grep -c "^env TEST_V[0-9]*=" out)" = 2000 &&
    long=$(printf "TEST_%0130d" 0) &&
    run_as "$OWNER" env "$long=x" "$SIMP" run star >out &&
    ! grep "^env $long=" out
'

test_expect_success PRIV 'setuid: the exit status is propagated' '
    test_expect_code 7 run_as "$OWNER" env TEST_EXIT=7 "$SIMP" run test >/dev/null
'

test_expect_success PRIV 'setuid: a command that is not executable exits 126' '
    test_expect_code 126 simp run noexec 2>err &&
    grep "^flux-imp: Fatal: $FIX/bin/noexec: Permission denied\$" err
'

# sig_test SIGNAL CODE [BG]: SIGNAL to the IMP while the command waits for
# a background process; the IMP exits CODE; with BG set, the background
# process got it too (the process group; a non-interactive sh starts
# background processes with SIGINT ignored, so not for INT).
sig_test () {
    rm -f "$OUT/pids"
    run_as "$OWNER" "$SIMP" run sleeper 3>&- 4>&- 5>&- 6>&- &
    bg_pid=$!
    fixture_poll 100 test -s "$OUT/pids" &&
    read sleep_pid cmd_pid imp_pid <"$OUT/pids" &&
    test "$(cat /proc/$imp_pid/comm)" = flux-imp &&
    kill -s $1 $imp_pid &&
    { wait $bg_pid; rc=$?; } &&
    echo "exit code $rc" &&
    test $rc = $2 &&
    ! fixture_pid_alive $cmd_pid &&
    if test -n "$3"; then
        fixture_poll 50 eval "! fixture_pid_alive $sleep_pid"
    else
        kill -s KILL $sleep_pid
    fi
}

test_expect_success PRIV 'setuid: SIGTERM goes to the process group: exit 143' '
    sig_test TERM 143 bg
'

test_expect_success PRIV 'setuid: SIGINT is forwarded: exit 130' '
    sig_test INT 130
'

test_expect_success PRIV 'setuid: SIGUSR1 kills the command: exit 137' '
    sig_test USR1 137 bg
'

test_expect_success PRIV,PYTHON 'setuid: sd_notify as for exec' '
    notify_receiver "$OUT/notify" 2 &&
    test_expect_code 3 run_as "$OWNER" env NOTIFY_SOCKET="$OUT/notify/sock" \
        TEST_EXIT=3 "$SIMP" run test >out 2>err &&
    test_must_be_empty err &&
    ! grep "^env NOTIFY_SOCKET" out &&
    wait $NOTIFY_RECEIVER_PID &&
    notify_expected "exited (3)" >expected &&
    test_cmp expected "$OUT/notify/msgs"
'

test_expect_success PRIV,SYSLOG 'setuid: allowed and refused runs are audited' '
    syslog_start &&
    syslog_clear &&
    with_syslog env FLUX_JOB_ID=f1 TEST_EXIT=2 setpriv --reuid="$OWNER_UID" \
        --regid="$OWNER_GID" --init-groups -- "$SIMP" run test >/dev/null
    syslog_wait 2 &&
    grep "run: caller=$OWNER($OWNER_UID) jobid=f1 command=test path=$FIX/bin/cmd outcome=allowed" "$SYSLOG_FILE" &&
    grep "run: caller=$OWNER($OWNER_UID) jobid=f1 command=test path=$FIX/bin/cmd outcome=.exited 2" "$SYSLOG_FILE" &&
    syslog_clear &&
    test_expect_code 1 with_syslog setpriv --reuid="$OWNER_UID" \
        --regid="$OWNER_GID" --init-groups -- "$SIMP" run guestonly 2>/dev/null &&
    syslog_wait 1 &&
    grep "run: caller=$OWNER($OWNER_UID) outcome=.refused" "$SYSLOG_FILE" &&
    syslog_clear &&
    test_expect_code 1 with_syslog setpriv --reuid="$OWNER_UID" \
        --regid="$OWNER_GID" --init-groups -- "$SIMP" run owners 2>/dev/null &&
    syslog_wait 1 &&
    grep "run: caller=$OWNER($OWNER_UID) command=owners outcome=.refused: run: $FIX/bin/owners: insecure file ownership" "$SYSLOG_FILE"
'

#
# Not setuid: test-imp, only with exec.allow-unprivileged-exec
#
test_expect_success PRIV 'unprivileged: refused without allow-unprivileged-exec' '
    mkdir "$FIX/u" && chmod 755 "$FIX/u" &&
    conf >"$FIX/u/imp.toml" && chmod 644 "$FIX/u/imp.toml" &&
    test_expect_code 1 run_as "$OWNER" env FLUX_IMP_CONFIG_PATTERN="$FIX/u/*.toml" \
        "$FLUX_BUILD_DIR/src/imp/test-imp" run test >out 2>err &&
    fatal "run: IMP not installed setuid, operation disabled." &&
    test_must_be_empty out
'

test_expect_success PRIV 'unprivileged: runs as the caller with allow-unprivileged-exec' '
    conf "exec = { allow-unprivileged-exec = true }" >"$FIX/u/imp.toml" &&
    run_as "$OWNER" env FLUX_IMP_CONFIG_PATTERN="$FIX/u/*.toml" TEST_A=a \
        LD_LIBRARY_PATH=/tmp OTHER=o "$FLUX_BUILD_DIR/src/imp/test-imp" run test \
        >out 2>err &&
    echo "flux-imp: Warning: Running without privilege, userid switching not available" >expected &&
    test_cmp expected err &&
    grep "^ids $OWNER_UID $OWNER_UID $OWNER_GID $OWNER_GID\$" out &&
    grep "^env TEST_A=a\$" out &&
    grep "^env FLUX_OWNER_USERID=$OWNER_UID\$" out &&
    grep "^env USER=$OWNER\$" out &&
    ! grep -E "^env (LD_LIBRARY_PATH|OTHER)=" out &&
    test_expect_code 1 run_as "$OWNER" env FLUX_IMP_CONFIG_PATTERN="$FIX/u/*.toml" \
        "$FLUX_BUILD_DIR/src/imp/test-imp" run guestonly 2>err &&
    fatal "run: permission denied"
'

test_done
