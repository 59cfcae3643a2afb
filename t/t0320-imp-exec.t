#!/bin/sh
test_description='flux-imp exec: run a job shell as the user who signed J

The privileged cases run test-imp-fixedpath (the installed code with its
configuration directories fixed under the build directory) staged setuid
root, as the instance owner (fluxowner), with jobs signed by the guest
(fluxguest) through a private munged.  The unprivileged cases run the
build-tree test-imp (not setuid) with allow-unprivileged-exec.'

. "$(dirname "$0")/sharness.sh"

fixture_report

IMP_BUILD=$FLUX_BUILD_DIR/src/imp
TEST_IMP=$IMP_BUILD/test-imp

# The unprivileged cases run as ME (UNPRIV, unpriv: accounts.sh).

fixed_prereq PRIV SETUID,ACCOUNTS,MUNGE

# The fixture directory, root-owned 0755 under /tmp: configurations,
# flux-sign, the shells that are not runnable, and a sticky scratch
# directory where the job shells write.  Removed at exit.
test_expect_success 'create the fixture directory' '
    FIX=$(mktemp -d /tmp/t0320.XXXXXX) &&
    fixture_atexit rm -rf "$FIX" &&
    chmod 755 "$FIX" &&
    cp "$FLUX_BUILD_DIR/src/cmd/flux-sign" "$TEST_IMP" "$FIX/" &&
    chmod 755 "$FIX/flux-sign" "$FIX/test-imp" &&
    printf "#!/bin/sh\nexit 0\n" >"$FIX/noexec" &&
    chmod 644 "$FIX/noexec" &&
    mkdir "$FIX/out" &&
    chmod 1777 "$FIX/out" &&
    echo "$FIX" >fixdir
'
FIX=$(cat fixdir 2>/dev/null)
FS=$FIX/flux-sign
OUT=$FIX/out

#
# Not setuid: test-imp with allow-unprivileged-exec, the none mechanism
#
# uconf [MORE]: the configuration of test-imp, with MORE under [exec].
uconf () {
    mkdir -p "$FIX/u" && chmod 755 "$FIX/u" &&
    cat >"$FIX/u/imp.toml" <<-EOF &&
	[sign]
	max-ttl = 3600
	default-type = "none"
	allowed-types = ["none"]
	[exec]
	allowed-users = ["$ME"]
	allowed-shells = ["/bin/sh", "$FIX/noexec", "$FIX/missing"]
	${1:-allow-unprivileged-exec = true}
	EOF
    chmod 644 "$FIX/u/imp.toml"
}
UPATTERN=$FIX/u/*.toml
timp () {
    unpriv env FLUX_IMP_CONFIG_PATTERN="$UPATTERN" "$FIX/test-imp" "$@"
}

test_expect_success UNPRIV 'unprivileged: sign a job with none' '
    uconf &&
    echo "{}" | unpriv "$FS" -c "$FIX/u/imp.toml" sign >J.none &&
    imp_input "$(cat J.none)" >in.none
'

test_expect_success UNPRIV 'unprivileged: the shell runs as the caller, with a warning' '
    timp exec /bin/sh -c "id -u; pwd" <in.none >out 2>err &&
    printf "%s\n/\n" "$(unpriv id -u)" >expected &&
    test_cmp expected out &&
    echo "flux-imp: Warning: Running without privilege, userid switching not available" >expected &&
    test_cmp expected err
'

test_expect_success UNPRIV 'unprivileged: the exit status is propagated' '
    test_expect_code 42 timp exec /bin/sh -c "exit 42" <in.none 2>/dev/null
'

test_expect_success UNPRIV 'unprivileged: allowed-shells is enforced too' '
    test_expect_code 1 timp exec /bin/bash -c true <in.none 2>err &&
    grep "^flux-imp: Fatal: exec: shell not in allowed-shells\$" err
'

test_expect_success UNPRIV 'unprivileged: loader variables never reach the shell' '
    unpriv env FLUX_IMP_CONFIG_PATTERN="$UPATTERN" LD_PRELOAD=/nonexistent.so \
        LD_LIBRARY_PATH=/tmp GCONV_PATH=/tmp MALLOC_CHECK_=3 \
        GLIBC_TUNABLES=glibc.malloc.check=3 BASH_ENV=/tmp/x TMPDIR=/tmp \
        FLUX_KVS_NAMESPACE=job-1 "$FIX/test-imp" exec /bin/sh -c env \
        <in.none >env.out 2>/dev/null &&
    grep "^FLUX_KVS_NAMESPACE=job-1\$" env.out &&
    ! grep -E "^(LD_|GCONV_PATH=|MALLOC_|GLIBC_TUNABLES=|BASH_ENV=|TMPDIR=)" env.out
'

test_expect_success UNPRIV 'unprivileged: without allow-unprivileged-exec it is refused' '
    uconf "allow-unprivileged-exec = false" &&
    test_expect_code 1 timp exec /bin/sh -c true <in.none 2>err &&
    echo "flux-imp: Fatal: exec: IMP not installed setuid, operation disabled." >expected &&
    test_cmp expected err &&
    uconf "# no allow-unprivileged-exec" &&
    test_expect_code 1 timp exec /bin/sh -c true <in.none 2>err &&
    test_cmp expected err &&
    uconf
'

test_expect_success UNPRIV 'unprivileged: a shell that does not exist exits 127' '
    test_expect_code 127 timp exec "$FIX/missing" x <in.none 2>err &&
    grep "^flux-imp: Fatal: $FIX/missing: No such file or directory\$" err
'

test_expect_success UNPRIV 'unprivileged: a shell that is not executable exits 126' '
    test_expect_code 126 timp exec "$FIX/noexec" x <in.none 2>err &&
    grep "^flux-imp: Fatal: $FIX/noexec: Permission denied\$" err
'

test_expect_success UNPRIV 'unprivileged: an unknown DevicePolicy is an error' '
    printf "{\"J\":\"%s\",\"options\":{\"DevicePolicy\":\"open\"}}" \
        "$(cat J.none)" >in.badpolicy &&
    test_expect_code 1 timp exec /bin/sh -c "echo ran" <in.badpolicy \
        >out 2>err &&
    test_must_be_empty out &&
    echo "flux-imp: Fatal: exec: failed to parse device containment policy: Invalid argument (unknown DevicePolicy)" >expected &&
    test_cmp expected err
'

#
# Setuid: test-imp-fixedpath as the owner, jobs signed by the guest
#
# fixed_conf: the IMP configuration on stdin, and the security
# configuration using the private munged, all root-owned.
fixed_conf () {
    imp_fixed_conf "$FIX/sign.toml"
}
# the usual IMP configuration, with MORE lines under [exec]
good_conf () {
    fixed_conf <<-EOF
	[exec]
	allowed-users = ["$OWNER"]
	allowed-shells = ["/bin/sh", "$FIX/noexec", "$FIX/missing"]
	$1
	EOF
}
# simp ARG...: the setuid IMP as the owner
simp () {
    run_as "$OWNER" "$SIMP" "$@"
}

test_expect_success PRIV 'setuid: start munged, stage the IMP, sign jobs' '
    munge_start &&
    imp_sign_conf "$FIX/sign.toml" &&
    fixture_atexit rm -rf "$FIXED_TOP" &&
    good_conf &&
    SIMP=$(stage_setuid "$FIXED_IMP" flux-imp) &&
    echo "{}" | run_as "$GUEST" "$FS" -c "$FIX/sign.toml" sign >J.guest &&
    imp_input "$(cat J.guest)" >in.guest &&
    echo "{}" | "$FS" -c "$FIX/sign.toml" sign >J.root &&
    imp_input "$(cat J.root)" >in.root &&
    echo "{}" | run_as "$OWNER" "$FS" -c "$FIX/sign.toml" sign >J.owner &&
    imp_input "$(cat J.owner)" >in.owner
'

test_expect_success PRIV 'setuid: the shell runs as the guest: ids, groups, cwd' '
    simp exec /bin/sh -c "id -u; id -ru; id -g; id -G; pwd" <in.guest >out 2>err &&
    printf "%s\n%s\n%s\n%s\n/\n" $GUEST_UID $GUEST_UID $GUEST_GID \
        "$(id -G $GUEST)" >expected &&
    test_cmp expected out &&
    test_must_be_empty err
'

test_expect_success PRIV 'setuid: the IMP stays the parent, real uid the owner' '
    simp exec /bin/sh -c "ps -o ruid=,euid= -p \$PPID" <in.guest >out &&
    echo "$OWNER_UID 0" >expected &&
    tr -s " " <out | sed "s/^ //" >got &&
    test_cmp expected got
'

test_expect_success PRIV 'setuid: the owner own job runs as the owner' '
    simp exec /bin/sh -c "id -u" <in.owner >out &&
    echo $OWNER_UID >expected &&
    test_cmp expected out
'

test_expect_success PRIV 'setuid: the exit status is propagated' '
    test_expect_code 7 simp exec /bin/sh -c "exit 7" <in.guest
'

test_expect_success PRIV 'setuid: arguments reach the shell unchanged' '
    simp exec /bin/sh -c "printf \"%s|\" \"\$0\" \"\$@\"" a "b c" "" <in.guest >out &&
    printf "a|b c||" >expected &&
    test_cmp expected out
'

test_expect_success PRIV 'setuid: loader variables never reach the shell, FLUX_* do' '
    run_as "$OWNER" env LD_PRELOAD=/nonexistent.so LD_LIBRARY_PATH=/tmp \
        LD_AUDIT=/tmp/x.so GCONV_PATH=/tmp MALLOC_CHECK_=3 MALLOC_TRACE=/tmp/m \
        GLIBC_TUNABLES=glibc.malloc.check=3 NLSPATH=/tmp LOCPATH=/tmp \
        HOSTALIASES=/tmp/h RES_OPTIONS=debug BASH_ENV=/tmp/x ENV=/tmp/x \
        FLUX_URI=local:///x FLUX_KVS_NAMESPACE=job-1 PATH=/usr/bin:/bin \
        "$SIMP" exec /bin/sh -c env <in.guest >env.out 2>/dev/null &&
    grep "^FLUX_URI=local:///x\$" env.out &&
    grep "^FLUX_KVS_NAMESPACE=job-1\$" env.out &&
    grep "^PATH=/usr/bin:/bin\$" env.out &&
    ! grep -E "^(LD_|GCONV_PATH|MALLOC_|GLIBC_TUNABLES|NLSPATH|LOCPATH|HOSTALIASES|RES_OPTIONS|BASH_ENV|ENV)=" env.out
'

# The defence against "none" messages written by the instance owner for a
# guest (flux-config-security-sign(5)): the guest's shell gets
# FLUX_SECURITY_REFUSE_NONE=<its pid>; none fails in that process (exec
# keeps the pid) and works in its children, such as the brokers of an
# instance the guest starts in the job.
test_expect_success PRIV 'setuid: none is refused in the guest shell itself, not in its children' '
    printf "[sign]\nmax-ttl = 60\ndefault-type = \"none\"\nallowed-types = [\"none\"]\n" \
        >"$FIX/none.toml" &&
    echo hello | run_as "$GUEST" "$FS" -c "$FIX/none.toml" sign >"$FIX/none.msg" &&
    chmod 644 "$FIX/none.toml" "$FIX/none.msg" &&
    test_expect_code 1 run_as "$OWNER" env FLUX_SECURITY_REFUSE_NONE=0 \
        "$SIMP" exec /bin/sh -c \
        "echo \$FLUX_SECURITY_REFUSE_NONE \$\$; $FS -c $FIX/none.toml verify <$FIX/none.msg; exec $FS -c $FIX/none.toml verify <$FIX/none.msg" \
        <in.guest >out 2>err &&
    read refuse pid rest <out &&
    test "$refuse" = "$pid" && test -z "$rest" &&
    sed -n 2p out >payload &&
    echo hello >expected &&
    test_cmp expected payload &&
    test "$(wc -l <out)" = 2 &&
    grep "sign-none-verify: the none mechanism is refused in a job shell that flux-imp started for another user" err
'

test_expect_success PRIV 'setuid: the owner own job keeps the caller value of FLUX_SECURITY_REFUSE_NONE' '
    run_as "$OWNER" env FLUX_SECURITY_REFUSE_NONE=7 "$SIMP" exec /bin/sh -c \
        "echo \$FLUX_SECURITY_REFUSE_NONE" <in.owner >out &&
    echo 7 >expected &&
    test_cmp expected out
'

test_expect_success PRIV 'setuid: stdin is left alone with FLUX_IMP_EXEC_HELPER' '
    cp in.guest "$FIX/in.guest" &&
    chmod 644 "$FIX/in.guest" &&
    printf "#!/bin/sh\ncat %s\n" "$FIX/in.guest" >"$FIX/helper" &&
    chmod 755 "$FIX/helper" &&
    echo "stdin for the shell" >stdin &&
    run_as "$OWNER" env FLUX_IMP_EXEC_HELPER="$FIX/helper  jobid	1" \
        "$SIMP" exec /bin/sh -c "cat" <stdin >out 2>err &&
    test_cmp stdin out
'

test_expect_success PRIV 'setuid: a failing helper' '
    printf "#!/bin/sh\nexit 3\n" >"$FIX/fail" &&
    chmod 755 "$FIX/fail" &&
    test_expect_code 1 run_as "$OWNER" env FLUX_IMP_EXEC_HELPER="$FIX/fail 1" \
        "$SIMP" exec /bin/sh -c true </dev/null 2>err &&
    echo "flux-imp: Fatal: exec: helper $FIX/fail 1 failed with status=0x0300" >expected &&
    test_cmp expected err
'

test_expect_success PRIV 'setuid: a helper that does not exist' '
    test_expect_code 1 run_as "$OWNER" env FLUX_IMP_EXEC_HELPER=/nonexistent \
        "$SIMP" exec /bin/sh -c true </dev/null 2>err &&
    grep "^imp: popen: /nonexistent: No such file or directory\$" err &&
    grep "exec: helper /nonexistent failed with status=0x7f00\$" err
'

test_expect_success PRIV 'setuid: an empty helper' '
    test_expect_code 1 run_as "$OWNER" env FLUX_IMP_EXEC_HELPER=" 	" \
        "$SIMP" exec /bin/sh -c true </dev/null 2>err &&
    echo "flux-imp: Fatal: exec: FLUX_IMP_EXEC_HELPER is empty" >expected &&
    test_cmp expected err
'

test_expect_success PRIV 'setuid: a helper that prints nothing' '
    test_expect_code 1 run_as "$OWNER" env FLUX_IMP_EXEC_HELPER=/bin/true \
        "$SIMP" exec /bin/sh -c true </dev/null 2>err &&
    grep "^flux-imp: Fatal: exec: invalid json input: " err
'

test_expect_success PRIV 'setuid: a helper that prints too much is killed' '
    test_expect_code 1 run_as "$OWNER" env FLUX_IMP_EXEC_HELPER="/usr/bin/yes" \
        "$SIMP" exec /bin/sh -c true </dev/null 2>err &&
    grep "^flux-imp: Fatal: exec: helper /usr/bin/yes: output exceeds 16777216 bytes\$" err
'

test_expect_success PRIV 'setuid: garbage, empty and oversized input' '
    echo "not json" >garbage &&
    test_expect_code 1 simp exec /bin/sh -c true <garbage 2>err &&
    grep "^flux-imp: Fatal: exec: invalid json input: " err &&
    test_expect_code 1 simp exec /bin/sh -c true </dev/null 2>err &&
    grep "^flux-imp: Fatal: exec: invalid json input: " err &&
    head -c 17000000 /dev/zero | tr "\\0" " " >big &&
    test_expect_code 1 simp exec /bin/sh -c true <big 2>err &&
    grep "^flux-imp: Fatal: exec: invalid json input: input exceeds 16777216 bytes\$" err
'

test_expect_success PRIV 'setuid: J missing, or of the wrong type' '
    echo "{\"options\":{}}" >noJ &&
    test_expect_code 1 simp exec /bin/sh -c true <noJ 2>err &&
    echo "flux-imp: Fatal: exec: invalid json input: Object item not found: J" >expected &&
    test_cmp expected err &&
    echo "{\"J\":42}" >intJ &&
    test_expect_code 1 simp exec /bin/sh -c true <intJ 2>err &&
    grep "^flux-imp: Fatal: exec: invalid json input: " err
'

test_expect_success PRIV 'setuid: a tampered J is refused' '
    bad=$(sed "s/^\([^.]*\)\.[^.]*\./\1.$(printf "{\"x\":1}" | base64)./" J.guest) &&
    imp_input "$bad" >in.bad &&
    test_expect_code 1 simp exec /bin/sh -c true <in.bad 2>err &&
    grep "^flux-imp: Fatal: exec: signature validation failed: " err
'

test_expect_success PRIV 'setuid: a J of another munge key is refused' '
    munge_start otherkey &&
    sed "s|$(munge_socket munge)|$(munge_socket otherkey)|" "$FIX/sign.toml" \
        >"$FIX/other.toml" && chmod 644 "$FIX/other.toml" &&
    echo "{}" | run_as "$GUEST" "$FS" -c "$FIX/other.toml" sign >J.other &&
    munge_stop otherkey &&
    imp_input "$(cat J.other)" >in.other &&
    test_expect_code 1 simp exec /bin/sh -c true <in.other 2>err &&
    grep "^flux-imp: Fatal: exec: signature validation failed: " err
'

test_expect_success PRIV 'setuid: a J signed by root is refused' '
    test_expect_code 1 simp exec /bin/sh -c true <in.root 2>err &&
    echo "flux-imp: Fatal: exec: switching to user root not supported" >expected &&
    test_cmp expected err
'

test_expect_success PRIV 'setuid: a caller not in allowed-users is refused' '
    test_expect_code 1 run_as "$GUEST" "$SIMP" exec /bin/sh -c true <in.guest 2>err &&
    echo "flux-imp: Fatal: exec: user $GUEST not in allowed-users list" >expected &&
    test_cmp expected err
'

test_expect_success PRIV 'setuid: a shell not in allowed-shells is refused' '
    test_expect_code 1 simp exec /bin/bash -c "id -u" <in.guest >out 2>err &&
    echo "flux-imp: Fatal: exec: shell not in allowed-shells" >expected &&
    test_cmp expected err &&
    test_must_be_empty out
'

test_expect_success PRIV 'setuid: a relative shell path is refused' '
    test_expect_code 1 simp exec sh -c "id -u" <in.guest >out 2>err &&
    grep "^flux-imp: Fatal: exec: shell not in allowed-shells (sh is not an absolute path)\$" err &&
    test_must_be_empty out
'

test_expect_success PRIV 'setuid: too few arguments' '
    test_expect_code 1 simp exec /bin/sh <in.guest 2>err &&
    echo "flux-imp: Fatal: exec: missing arguments to exec subcommand" >expected &&
    test_cmp expected err
'

test_expect_success PRIV 'setuid: a shell that does not exist exits 127' '
    test_expect_code 127 simp exec "$FIX/missing" x <in.guest 2>err &&
    grep "^flux-imp: Fatal: $FIX/missing: No such file or directory\$" err
'

test_expect_success PRIV 'setuid: a shell that is not executable exits 126' '
    test_expect_code 126 simp exec "$FIX/noexec" x <in.guest 2>err &&
    grep "^flux-imp: Fatal: $FIX/noexec: Permission denied\$" err
'

test_expect_success PRIV 'setuid: device containment is refused, not ignored' '
    printf "{\"J\":\"%s\",\"options\":{\"DevicePolicy\":\"closed\"}}" \
        "$(cat J.guest)" >in.dev &&
    test_expect_code 1 simp exec /bin/sh -c "id -u" <in.dev >out 2>err &&
    grep "^flux-imp: Fatal: exec: failed to apply device containment policy: " err &&
    test_must_be_empty out &&
    printf "{\"J\":\"%s\",\"options\":{\"DevicePolicy\":\"auto\",\"DeviceAllow\":[]}}" \
        "$(cat J.guest)" >in.auto &&
    simp exec /bin/sh -c "id -u" <in.auto >out &&
    echo $GUEST_UID >expected &&
    test_cmp expected out
'

# With PAM in the build, t0324 tests exec.pam-support.
test_expect_success PRIV,!PAM 'setuid: pam-support = true is refused (no PAM in this build)' '
    good_conf "pam-support = true" &&
    test_expect_code 1 simp exec /bin/sh -c "id -u" <in.guest >out 2>err &&
    echo "flux-imp: Fatal: exec: pam-support=true, but IMP was built without --enable-pam" >expected &&
    test_cmp expected err &&
    test_must_be_empty out &&
    good_conf
'

test_expect_success PRIV 'setuid: no allowed-users or allowed-shells: nobody, nothing' '
    fixed_conf <<-EOF &&
	[exec]
	allowed-shells = ["/bin/sh"]
	EOF
    test_expect_code 1 simp exec /bin/sh -c true <in.guest 2>err &&
    grep "exec: user $OWNER not in allowed-users list" err &&
    fixed_conf <<-EOF &&
	[exec]
	allowed-users = ["$OWNER"]
	EOF
    test_expect_code 1 simp exec /bin/sh -c true <in.guest 2>err &&
    grep "exec: shell not in allowed-shells" err &&
    good_conf
'

test_expect_success PRIV,PYTHON 'setuid: sd_notify to NOTIFY_SOCKET, sent as the caller' '
    notify_receiver "$OUT/notify" 2 &&
    test_expect_code 3 run_as "$OWNER" env NOTIFY_SOCKET="$OUT/notify/sock" \
        "$SIMP" exec /bin/sh -c "exit 3" <in.guest 2>err &&
    test_must_be_empty err &&
    wait $NOTIFY_RECEIVER_PID &&
    notify_expected "exited (3)" >expected &&
    test_cmp expected "$OUT/notify/msgs"
'

test_expect_success PRIV 'setuid: NOTIFY_SOCKET the caller cannot reach: a warning' '
    mkdir "$FIX/rootonly" &&
    chmod 700 "$FIX/rootonly" &&
    run_as "$OWNER" env NOTIFY_SOCKET="$FIX/rootonly/sock" \
        "$SIMP" exec /bin/sh -c "id -u" <in.guest >out 2>err &&
    echo $GUEST_UID >expected &&
    test_cmp expected out &&
    grep "^flux-imp: Warning: NOTIFY_SOCKET: sendto: Permission denied\$" err
'

test_expect_success PRIV 'setuid: the shell inherits no descriptor but 0, 1 and 2' '
    simp exec /bin/sh -c "ls /proc/\$\$/fd; true" <in.guest >fds &&
    printf "0\n1\n2\n" >expected &&
    test_cmp expected fds
'

# The shell inherits the IMP's 0-2: what glibc opens for a setuid program
# whose descriptors are closed (/dev/full for 0, /dev/null for 1 and 2).
test_expect_success PRIV 'setuid: exec with stdin, stdout and stderr closed' '
    cp in.guest "$FIX/in.closed" &&
    chmod 644 "$FIX/in.closed" &&
    printf "#!/bin/sh\ncat %s\n" "$FIX/in.closed" >"$FIX/helper.closed" &&
    chmod 755 "$FIX/helper.closed" &&
    rm -f "$OUT/closed" &&
    run_as "$OWNER" env FLUX_IMP_EXEC_HELPER="$FIX/helper.closed" \
        "$SIMP" exec /bin/sh -c \
        "fds=\$(readlink /proc/\$\$/fd/0 /proc/\$\$/fd/1 /proc/\$\$/fd/2); id -u >$OUT/closed; echo \"\$fds\" >>$OUT/closed" \
        <&- >&- 2>&- &&
    echo $GUEST_UID >expected &&
    head -n 1 "$OUT/closed" >got &&
    test_cmp expected got &&
    test "$(grep -E -c "^/dev/(null|full)\$" "$OUT/closed")" = 3
'

# sig_test SIGNAL CODE: the IMP gets SIGNAL while the shell sleeps; the
# IMP must exit with CODE as a shell sees it.  The job shell records its
# pid and its parent's, which is the IMP.
sig_test () {
    pids=$OUT/pids.$1
    run_as "$OWNER" "$SIMP" exec /bin/sh \
        -c "echo \$\$ \$PPID >$pids.tmp && mv $pids.tmp $pids && exec sleep 60" \
        <in.guest 3>&- 4>&- 5>&- 6>&- &
    bg_pid=$!
    fixture_poll 100 test -s "$pids" &&
    read shell_pid imp_pid <"$pids" &&
    test "$(cat /proc/$imp_pid/comm)" = flux-imp &&
    kill -s $1 $imp_pid &&
    { wait $bg_pid; rc=$?; } &&
    echo "exit code $rc" &&
    test $rc = $2 &&
    ! kill -0 $shell_pid 2>/dev/null
}

test_expect_success PRIV 'setuid: SIGTERM is forwarded: exit 143' '
    sig_test TERM 143
'

test_expect_success PRIV 'setuid: SIGINT is forwarded: exit 130' '
    sig_test INT 130
'

test_expect_success PRIV 'setuid: SIGUSR1 kills the job: exit 137' '
    sig_test USR1 137
'

test_expect_success PRIV 'setuid: SIGHUP is forwarded: exit 129' '
    sig_test HUP 129
'

test_expect_success PRIV 'setuid: a helper that hangs is killed after 60 seconds' '
    start=$(date +%s) &&
    test_expect_code 1 run_as "$OWNER" env FLUX_IMP_EXEC_HELPER="/bin/sleep 600" \
        "$SIMP" exec /bin/sh -c true </dev/null 2>err &&
    end=$(date +%s) &&
    grep "^flux-imp: Fatal: exec: helper /bin/sleep 600 timed out after 60 seconds\$" err &&
    test $((end - start)) -ge 59 && test $((end - start)) -le 90
'

test_done
