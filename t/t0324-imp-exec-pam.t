#!/bin/sh
test_description='flux-imp exec with exec.pam-support: the PAM session

test-imp-fixedpath (the installed code, its configuration directories
fixed under the build directory) is staged setuid root and run by the
instance owner (fluxowner) with jobs signed by the guest (fluxguest)
through a private munged.  Its PAM service directory is compiled in too
(t/imp-fixed/pam.d, read with pam_start_confdir): the test writes the
service file "flux" there with modules of libpam-modules (pam_exec,
pam_limits, pam_deny, pam_permit) and never touches /etc/pam.d.'

. "$(dirname "$0")/sharness.sh"

fixture_report

IMP_BUILD=$FLUX_BUILD_DIR/src/imp
TEST_IMP=$IMP_BUILD/test-imp

if ! test_have_prereq PAM; then
    echo "# PAM session tests skipped: $(fixture_why PAM)"
elif ! test_have_prereq PAM_CONFDIR; then
    echo "# PAM session tests skipped: $(fixture_why PAM_CONFDIR)"
fi
if test_have_prereq PAM_CONFDIR; then
    fixed_prereq PRIV SETUID,ACCOUNTS,MUNGE
fi

#
# The build: what `version` says matches what the programs are
#
# t0300 expects the "+pam" line of version from config.h (pam.sh): check
# config.h against the programs themselves.  The IMP does not link libpam
# (exec_pam.c loads it by its soname only for exec.pam-support), so that
# an exec without PAM does not map it.
test_expect_success 'config.h says PAM exactly when the IMP loads libpam' '
    readelf -d "$IMP_BUILD/flux-imp" >dynamic &&
    ! grep -q "NEEDED.*\[libpam\.so" dynamic &&
    if test_have_prereq PAM; then
        grep -a -q "libpam\.so\.0" "$IMP_BUILD/flux-imp" &&
        grep -a -q "+pam" "$IMP_BUILD/flux-imp"
    else
        ! grep -a -q "libpam\.so\.0" "$IMP_BUILD/flux-imp" &&
        ! grep -a -q "+pam" "$IMP_BUILD/flux-imp"
    fi
'

test_expect_success 'the installed flux-imp holds no test PAM directory' '
    ! grep -a -q "imp-fixed" "$IMP_BUILD/flux-imp" &&
    if test_have_prereq PAM; then
        grep -a -q -F "$IMP_PAMD" "$IMP_BUILD/test-imp-fixedpath" &&
        grep -a -q -F "$IMP_PAMD" "$TEST_IMP"
    fi
'

# The fixture directory, root-owned 0755 under /tmp: flux-sign, the
# pam_exec script and its log (mode 666: the job shell appends to it), the
# pam_limits configuration, and out/ (1777) where the shell writes its pid
# (PIDF).  Removed at exit.
test_expect_success PRIV 'create the fixture directory' '
    FIX=$(mktemp -d /tmp/t0324.XXXXXX) &&
    fixture_atexit rm -rf "$FIX" &&
    chmod 755 "$FIX" &&
    cp "$FLUX_BUILD_DIR/src/cmd/flux-sign" "$TEST_IMP" "$FIX/" &&
    chmod 755 "$FIX/flux-sign" "$FIX/test-imp" &&
    mkdir -m 1777 "$FIX/out" &&
    echo "$FIX" >fixdir
'
FIX=$(cat fixdir 2>/dev/null)
PIDF=$FIX/out/shell.pid
FS=$FIX/flux-sign
LOG=$FIX/pam.log

# The pam_exec script: one line per call, "PAM_TYPE PAM_USER PAM_RUSER
# PAM_SERVICE uid=<real uid>", and at close_session whether the shell whose
# pid is in PIDF still exists.  "say" in $FIX/say makes it print
# a line for the IMP (pam_exec "stdout": a PAM_TEXT_INFO message).
test_expect_success PRIV 'write the pam_exec script and the limits' '
    cat >"$FIX/pamlog" <<-EOF &&
	#!/bin/sh
	PATH=/usr/bin:/bin
	state=
	if test "\$PAM_TYPE" = close_session; then
	    if kill -0 "\$(cat $PIDF 2>/dev/null)" 2>/dev/null; then
	        state=" shell-alive"
	    else
	        state=" shell-gone"
	    fi
	fi
	echo "\$PAM_TYPE \$PAM_USER \$PAM_RUSER \$PAM_SERVICE uid=\$(id -ru)\$state" \
	    >>$LOG
	test -f $FIX/say && cat $FIX/say
	exit 0
	EOF
    chmod 755 "$FIX/pamlog" &&
    cat >"$FIX/limits.conf" <<-EOF &&
	$GUEST soft nofile 777
	$GUEST hard nofile 888
	EOF
    chmod 644 "$FIX/limits.conf"
'

# pconf [PAM_SUPPORT]: the IMP configuration (pam-support = true unless
# given), the security configuration, and an empty PAM service directory;
# the pam_exec log emptied.
pconf () {
    imp_fixed_conf "$FIX/sign.toml" <<-EOF &&
	[exec]
	allowed-users = ["$OWNER"]
	allowed-shells = ["/bin/sh"]
	pam-support = ${1:-true}
	EOF
    mkdir -m 755 "$IMP_PAMD" &&
    : >"$LOG" && chmod 666 "$LOG" &&
    rm -f "$PIDF" "$FIX/say"
}
# service NAME: the PAM service file NAME (stdin), root-owned, 0644.
service () {
    cat >"$IMP_PAMD/$1" && chmod 644 "$IMP_PAMD/$1"
}
# the usual service: no authentication, a logged session with limits
good_service () {
    service "${1:-flux}" <<-EOF
	auth     required  pam_permit.so
	account  required  pam_permit.so
	session  required  pam_exec.so seteuid stdout $FIX/pamlog
	session  required  pam_limits.so conf=$FIX/limits.conf
	EOF
}
# simp ARG...: the setuid IMP as the owner
simp () {
    run_as "$OWNER" "$SIMP" "$@"
}
# full_session_logged: the log of a job that ran: the session opened
# (as root, for the guest), the shell, the session closed after it
full_session_logged () {
    cat >expected <<-EOF &&
	open_session $GUEST $GUEST flux uid=0
	shell $GUEST
	close_session $GUEST $GUEST flux uid=0 shell-gone
	EOF
    test_cmp expected "$LOG"
}
# The job shell: records its pid, its user and the log, then exits 5.
JOB='echo $$ >'$PIDF'; echo "shell $(id -un)" >>'$LOG'; exit 5'

test_expect_success PRIV 'start munged, stage the IMP, sign a job as the guest' '
    munge_start &&
    imp_sign_conf "$FIX/sign.toml" &&
    fixture_atexit rm -rf "$FIXED_TOP" &&
    pconf &&
    SIMP=$(stage_setuid "$FIXED_IMP" flux-imp) &&
    echo "{}" | run_as "$GUEST" "$FS" -c "$FIX/sign.toml" sign >J.guest &&
    imp_input "$(cat J.guest)" >in.guest
'

test_expect_success PRIV 'the session is opened before the shell, closed after it exited' '
    pconf &&
    good_service &&
    test_expect_code 5 simp exec /bin/sh -c "$JOB" <in.guest >out 2>err &&
    test_must_be_empty err &&
    test_must_be_empty out &&
    full_session_logged
'

test_expect_success PRIV 'pam_limits: the shell gets the limits of the guest' '
    pconf &&
    good_service &&
    simp exec /bin/sh -c "ulimit -S -n; ulimit -H -n" <in.guest >out 2>err &&
    printf "777\n888\n" >expected &&
    test_cmp expected out &&
    test_must_be_empty err
'

# Documented behaviour (as the original): pam_limits acts on the calling
# process, so the IMP parent itself runs under the user limits.
test_expect_success PRIV 'pam_limits: the IMP parent runs under them too' '
    simp exec /bin/sh -c "grep \"^Max open files\" /proc/\$PPID/limits" \
        <in.guest >out &&
    tr -s " " <out >got &&
    echo "Max open files 777 888 files " >expected &&
    test_cmp expected got
'

test_expect_success PRIV 'pam-support = false: no PAM call at all' '
    pconf false &&
    good_service &&
    simp exec /bin/sh -c "ulimit -S -n" <in.guest >out 2>err &&
    test_must_be_empty err &&
    test "$(cat out)" != 777 &&
    test_must_be_empty "$LOG"
'

test_expect_success PRIV 'pam_deny in the session stack: PAM stack failure, no shell' '
    pconf &&
    service flux <<-EOF &&
	auth     required  pam_permit.so
	session  required  pam_exec.so seteuid $FIX/pamlog
	session  required  pam_deny.so
	EOF
    test_expect_code 1 simp exec /bin/sh -c "$JOB" <in.guest >out 2>err &&
    cat >expected <<-EOF &&
	flux-imp: Warning: pam_open_session: Cannot make/remove an entry for the specified session
	flux-imp: Fatal: exec: PAM stack failure
	EOF
    test_cmp expected err &&
    test_must_be_empty out &&
    ! test -e "$PIDF" &&
    echo "open_session $GUEST $GUEST flux uid=0" >expected &&
    test_cmp expected "$LOG"
'

test_expect_success PRIV 'pam_deny in the auth stack: pam_setcred fails, no shell' '
    pconf &&
    service flux <<-EOF &&
	auth     required  pam_deny.so
	session  required  pam_exec.so seteuid $FIX/pamlog
	EOF
    test_expect_code 1 simp exec /bin/sh -c "$JOB" <in.guest >out 2>err &&
    cat >expected <<-EOF &&
	flux-imp: Warning: pam_setcred: Failure setting user credentials
	flux-imp: Fatal: exec: PAM stack failure
	EOF
    test_cmp expected err &&
    ! test -e "$PIDF" &&
    test_must_be_empty "$LOG"
'

test_expect_success PRIV 'a failure at close is a warning; the status is the shell one' '
    pconf &&
    service flux <<-EOF &&
	auth     required  pam_permit.so
	session  required  pam_exec.so seteuid type=open_session $FIX/pamlog
	session  required  pam_exec.so type=close_session /bin/false
	EOF
    test_expect_code 5 simp exec /bin/sh -c "$JOB" <in.guest >out 2>err &&
    cat >expected <<-EOF &&
	flux-imp: Warning: pam: /bin/false failed: exit code 1
	flux-imp: Warning: pam_close_session: Permission denied
	EOF
    test_cmp expected err &&
    printf "open_session $GUEST $GUEST flux uid=0\nshell $GUEST\n" >expected &&
    test_cmp expected "$LOG"
'

test_expect_success PRIV 'module messages (pam_exec stdout, its errors) are warnings' '
    pconf &&
    good_service &&
    echo "hello from pam" >"$FIX/say" &&
    simp exec /bin/sh -c true <in.guest >out 2>err &&
    test_must_be_empty out &&
    cat >expected <<-EOF &&
	flux-imp: Warning: pam: hello from pam
	flux-imp: Warning: pam: hello from pam
	EOF
    test_cmp expected err
'

# What Linux-PAM does (1.5.2), the same with the system directory: a
# missing service file is replaced by "other"; with neither, pam_start
# fails (fail-closed).  Debian's /etc/pam.d/other includes the common-*
# stacks: an installed IMP without /etc/pam.d/flux runs those.
test_expect_success PRIV 'no "flux" service file: Linux-PAM uses "other"' '
    pconf &&
    good_service other &&
    test_expect_code 5 simp exec /bin/sh -c "$JOB" <in.guest 2>err &&
    test_must_be_empty err &&
    full_session_logged
'

test_expect_success PRIV 'neither "flux" nor "other": PAM stack failure, no shell' '
    pconf &&
    test_expect_code 1 simp exec /bin/sh -c "$JOB" <in.guest >out 2>err &&
    cat >expected <<-EOF &&
	flux-imp: Warning: pam_start: Critical error - immediate abort
	flux-imp: Fatal: exec: PAM stack failure
	EOF
    test_cmp expected err &&
    ! test -e "$PIDF"
'

test_expect_success PRIV 'signals: the session is closed after a forwarded SIGTERM' '
    pconf &&
    good_service &&
    run_as "$OWNER" "$SIMP" exec /bin/sh \
        -c "echo \$\$ >$PIDF.tmp && mv $PIDF.tmp $PIDF && exec sleep 60" \
        <in.guest 3>&- 4>&- 5>&- 6>&- &
    bg_pid=$! &&
    fixture_poll 100 test -s "$PIDF" &&
    imp_pid=$(ps -o ppid= -p "$(cat $PIDF)" | tr -d " ") &&
    kill -s TERM "$imp_pid" &&
    { wait $bg_pid; rc=$?; } &&
    test $rc = 143 &&
    cat >expected <<-EOF &&
	open_session $GUEST $GUEST flux uid=0
	close_session $GUEST $GUEST flux uid=0 shell-gone
	EOF
    test_cmp expected "$LOG"
'

# Without privilege no session can be opened: refused, not ignored.
test_expect_success PRIV 'not setuid: pam-support = true is refused' '
    imp_unpriv_setup "$FIX/u" "pam-support = true" &&
    imp_input "$(cat J.none)" >in.none &&
    test_expect_code 1 imp_unpriv "$FIX/u" \
        exec /bin/sh -c "id -u" <in.none >out 2>err &&
    echo "flux-imp: Fatal: exec: pam-support=true, but IMP not installed setuid" >expected &&
    test_cmp expected err &&
    test_must_be_empty out
'

test_done
