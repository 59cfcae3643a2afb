#!/bin/sh
test_description='flux-imp exec: the credentials directory (options.Credentials)

test-imp-fixedpath staged setuid root runs as the instance owner
(fluxowner) with jobs signed by the guest (fluxguest) through a private
munged.  Its credentials base is compiled in as
$FLUX_BUILD_DIR/t/imp-run/credentials; this script mounts a tmpfs at
t/imp-run (mode 0755) and unmounts it at exit.  Checked: modes, owners
and content as the job shell sees them; CREDENTIALS_DIRECTORY; values
absent from /proc/PID/environ and cmdline of the IMP and the shell, from
stderr and from the audit trail; removal after a normal exit, SIGUSR1,
a crash of the shell, SIGTERM, and hostile changes by the guest; hostile
names and sizes refused with nothing written; no memory file system;
not setuid; other users locked out.'

. "$(dirname "$0")/sharness.sh"

fixture_report

fixed_prereq PRIV SETUID,ACCOUNTS,MUNGE

RUN=$IMP_RUN
BASE=$RUN/credentials
FS=$FLUX_BUILD_DIR/src/cmd/flux-sign

# The tmpfs: mounted here (not in a test) so that its prerequisite holds
# for the whole script.
test_have_prereq PRIV && imp_run_tmpfs
test_have_prereq PRIV && test_have_prereq TMPFS && test_set_prereq CRED

test_expect_success CRED 'setup: fixtures, munged, staged IMP, a job of the guest' '
    FIX=$(mktemp -d /tmp/t0345.XXXXXX) &&
    fixture_atexit rm -rf "$FIX" &&
    chmod 755 "$FIX" &&
    mkdir "$FIX/out" && chmod 1777 "$FIX/out" &&
    echo intact >"$FIX/target" && chmod 644 "$FIX/target" &&
    echo "$FIX" >fixdir &&
    munge_start &&
    imp_sign_conf "$FIX/sign.toml" &&
    fixture_atexit rm -rf "$FIXED_TOP" &&
    imp_exec_table | imp_fixed_conf "$FIX/sign.toml" &&
    SIMP=$(stage_setuid "$FIXED_IMP" flux-imp) &&
    echo "$SIMP" >simp &&
    echo "{}" | run_as "$GUEST" "$FS" -c "$FIX/sign.toml" sign >J.guest &&
    imp_input "$(cat J.guest)" >in.plain &&
    od -An -tx1 -N16 /dev/urandom | tr -d " \n" >secret &&
    test $(wc -c <secret) = 32
'
FIX=$(cat fixdir 2>/dev/null)
OUT=$FIX/out
SIMP=$(cat simp 2>/dev/null)
SECRET=$(cat secret 2>/dev/null)

# creds ENTRIES: the exec input of the guest's job with
# options.Credentials = {ENTRIES} (JSON members, as written).
creds () {
    printf "{\"J\":\"%s\",\"options\":{\"Credentials\":{%s}}}\n" \
        "$(cat J.guest)" "$1"
}
# simp ARG...: the setuid IMP as the owner.
simp () {
    run_as "$OWNER" "$SIMP" "$@"
}
# no_job_dirs: BASE holds no job directory.
no_job_dirs () {
    test -z "$(ls -A "$BASE" 2>/dev/null)"
}
# bg_job INPUT SCRIPT: start the IMP in the background with the job shell
# /bin/sh -c SCRIPT, where OUT stands for the scratch directory; the
# shell must write "$$ $PPID $CREDENTIALS_DIRECTORY" to OUT/pids.  Sets
# IMP_BG, SHELL_PID, IMP_PID, JOBDIR.
bg_job () {
    rm -f "$OUT/pids" "$OUT/pids.tmp" || return 1
    setpriv --reuid="$OWNER_UID" --regid="$OWNER_GID" --init-groups -- \
        "$SIMP" exec /bin/sh -c "$(echo "$2" | sed "s|OUT|$OUT|g")" \
        <"$1" >imp.out 2>imp.err 3>&- 4>&- 5>&- 6>&- &
    IMP_BG=$!
    fixture_poll 100 test -s "$OUT/pids" &&
    read SHELL_PID IMP_PID JOBDIR <"$OUT/pids"
}
PIDS='echo $$ $PPID $CREDENTIALS_DIRECTORY >OUT/pids.tmp && mv OUT/pids.tmp OUT/pids'
# finish CODE: the background IMP exits with CODE.
finish () {
    wait $IMP_BG
    _rc=$?
    echo "exit code $_rc"
    test $_rc = $1
}

test_expect_success CRED 'modes, owners and content as the shell sees them' '
    creds "\"token\":\"$SECRET\",\"empty\":\"\",\"a.b-c_9\":\"x\\ny\"" >in.good &&
    simp exec /bin/sh -c "d=\$CREDENTIALS_DIRECTORY; echo \$d; stat -c \"%a %u:%g\" \$d \$d/token \$d/empty \$d/a.b-c_9; stat -c \"%a %u:%g\" \$d/..; cat \$d/token; echo; cat \$d/a.b-c_9; echo; ls -A \$d" \
        <in.good >out 2>err &&
    test_must_be_empty err &&
    sed -n 1p out | grep -E "^$BASE/job-[0-9]+-[0-9a-f]{16}\$" &&
    sed 1d out >got &&
    cat >expected <<-EOF &&
	500 $GUEST_UID:$GUEST_GID
	400 $GUEST_UID:$GUEST_GID
	400 $GUEST_UID:$GUEST_GID
	400 $GUEST_UID:$GUEST_GID
	711 0:0
	$SECRET
	x
	y
	a.b-c_9
	empty
	token
	EOF
    test_cmp expected got &&
    stat -c "%a %u" "$RUN/credentials" >got &&
    echo "711 0" >expected &&
    test_cmp expected got
'

test_expect_success CRED 'the directory is removed after a normal exit' '
    no_job_dirs &&
    test_expect_code 3 simp exec /bin/sh -c "test -d \$CREDENTIALS_DIRECTORY && exit 3" \
        <in.good &&
    no_job_dirs
'

test_expect_success CRED 'without credentials: no directory, the caller CREDENTIALS_DIRECTORY is dropped' '
    run_as "$OWNER" env CREDENTIALS_DIRECTORY=/tmp/evil "$SIMP" exec \
        /bin/sh -c "echo \${CREDENTIALS_DIRECTORY-unset}" <in.plain >out &&
    echo unset >expected &&
    test_cmp expected out &&
    creds "" >in.empty &&
    run_as "$OWNER" env CREDENTIALS_DIRECTORY=/tmp/evil "$SIMP" exec \
        /bin/sh -c "echo \${CREDENTIALS_DIRECTORY-unset}" <in.empty >out &&
    test_cmp expected out &&
    no_job_dirs
'

test_expect_success CRED 'with credentials the IMP value replaces the caller one' '
    run_as "$OWNER" env CREDENTIALS_DIRECTORY=/tmp/evil "$SIMP" exec \
        /bin/sh -c "env | grep ^CREDENTIALS_DIRECTORY=" <in.good >out &&
    test $(wc -l <out) = 1 &&
    grep "^CREDENTIALS_DIRECTORY=$BASE/job-" out
'

test_expect_success CRED 'the guest shell still gets FLUX_SECURITY_REFUSE_NONE=<its pid>' '
    simp exec /bin/sh -c "echo \$\$ \$FLUX_SECURITY_REFUSE_NONE" <in.good >out &&
    read pid refuse <out &&
    test "$pid" = "$refuse"
'

test_expect_success CRED 'the value is in no environ or cmdline; others are locked out; SIGUSR1 removes it (137)' '
    rm -f "$OUT/block" && mkfifo -m 666 "$OUT/block" &&
    bg_job in.good "$PIDS; read x <OUT/block" &&
    test "$(cat /proc/$IMP_PID/comm)" = flux-imp &&
    test -d "$JOBDIR" &&
    for f in environ cmdline; do
        ! grep -F "$SECRET" /proc/$IMP_PID/$f &&
        ! grep -F "$SECRET" /proc/$SHELL_PID/$f || return 1
    done &&
    ! grep -F "$SECRET" /proc/$SHELL_PID/environ &&
    grep -z "^CREDENTIALS_DIRECTORY=$JOBDIR\$" /proc/$SHELL_PID/environ &&
    test_must_fail run_as "$OWNER" ls "$BASE" &&
    test_must_fail run_as "$OWNER" ls "$JOBDIR" &&
    test_must_fail run_as "$OWNER" cat "$JOBDIR/token" &&
    run_as "$GUEST" cat "$JOBDIR/token" >got &&
    printf "%s" "$SECRET" >expected &&
    test_cmp expected got &&
    kill -s USR1 $IMP_PID &&
    finish 137 &&
    test ! -e "$JOBDIR" &&
    no_job_dirs &&
    ! grep -F "$SECRET" imp.out imp.err
'

test_expect_success CRED 'SIGTERM to the IMP: forwarded, exit 143, removed' '
    bg_job in.good "$PIDS; exec sleep 60" &&
    test -d "$JOBDIR" &&
    kill -s TERM $IMP_PID &&
    finish 143 &&
    test ! -e "$JOBDIR" &&
    no_job_dirs
'

test_expect_success CRED 'the shell crashes (SIGSEGV, SIGKILL): removed' '
    test_expect_code 139 simp exec /bin/sh -c "kill -s SEGV \$\$" <in.good &&
    no_job_dirs &&
    test_expect_code 137 simp exec /bin/sh -c "kill -s KILL \$\$" <in.good &&
    no_job_dirs
'

test_expect_success CRED 'what the guest adds is removed, links are not followed' '
    simp exec /bin/sh -c "d=\$CREDENTIALS_DIRECTORY && chmod 700 \$d &&
        mkdir -p \$d/sub/sub2/sub3 && echo x >\$d/sub/f &&
        ln -s $FIX/target \$d/link && ln -s $FIX \$d/sub/dirlink &&
        ln -s / \$d/sub/sub2/root && mkfifo \$d/fifo &&
        chmod 000 \$d/sub/sub2 \$d/sub \$d/token && chmod 000 \$d" \
        <in.good >out 2>err &&
    test_must_be_empty err &&
    no_job_dirs &&
    echo intact >expected &&
    test_cmp expected "$FIX/target" &&
    test -f "$FIX/sign.toml" &&
    test -d "$FIX/out"
'

test_expect_success CRED 'a job directory left by a killed IMP is swept' '
    sh -c "exit 0" & dead=$! && wait $dead &&
    mkdir -p "$BASE/job-$dead-0123456789abcdef/sub" &&
    echo x >"$BASE/job-$dead-0123456789abcdef/sub/f" &&
    simp exec /bin/sh -c true <in.good &&
    no_job_dirs
'

# refused ENTRIES TEXT: options.Credentials {ENTRIES} is refused with
# "exec: invalid credentials: TEXT" (a grep pattern); the shell never
# runs, nothing is written, the value never appears.
refused () {
    creds "$1" >in.bad &&
    test_expect_code 1 simp exec /bin/sh -c "echo ran" <in.bad >out 2>err &&
    test_must_be_empty out &&
    grep "^flux-imp: Fatal: exec: invalid credentials: $2" err &&
    test $(wc -l <err) = 1 &&
    ! grep -F "$SECRET" err &&
    no_job_dirs
}

test_expect_success CRED 'hostile names are refused with nothing written' '
    refused "\"ok\":\"v\",\"..\":\"$SECRET\"" "name \"\\.\\.\": " &&
    refused "\".\":\"$SECRET\"" "name \"\\.\": " &&
    refused "\".x\":\"$SECRET\"" "name \"\\.x\": " &&
    refused "\"a/b\":\"$SECRET\"" "name \"a/b\": " &&
    refused "\"../../etc/passwd\":\"$SECRET\"" "name " &&
    refused "\"\":\"$SECRET\"" "name \"\": " &&
    refused "\"a b\":\"$SECRET\"" "name \"a b\": " &&
    refused "\"caf\\u00e9\":\"$SECRET\"" "name \"caf\\\\xc3\\\\xa9\": " &&
    refused "\"a\\nb\":\"$SECRET\"" "name \"a\\\\x0ab\": " &&
    long=$(printf "%065d" 0) &&
    refused "\"$long\":\"$SECRET\"" "name \"0*\"\\.\\.\\.: "
'

test_expect_success CRED 'a NUL in a name or value is refused' '
    creds "\"a\\u0000b\":\"v\"" >in.bad &&
    test_expect_code 1 simp exec /bin/sh -c "echo ran" <in.bad >out 2>err &&
    test_must_be_empty out &&
    grep "^flux-imp: Fatal: exec: invalid json input: " err &&
    creds "\"a\":\"v\\u0000w\"" >in.bad &&
    test_expect_code 1 simp exec /bin/sh -c "echo ran" <in.bad >out 2>err &&
    test_must_be_empty out &&
    grep "^flux-imp: Fatal: exec: invalid json input: " err &&
    no_job_dirs
'

test_expect_success CRED 'wrong types are refused' '
    refused "\"a\":\"v\",\"n\":1" "\"n\": value must be a string\$" &&
    refused "\"a\":{\"b\":\"c\"}" "\"a\": value must be a string\$" &&
    printf "{\"J\":\"%s\",\"options\":{\"Credentials\":[\"%s\"]}}\n" \
        "$(cat J.guest)" "$SECRET" >in.bad &&
    test_expect_code 1 simp exec /bin/sh -c "echo ran" <in.bad >out 2>err &&
    echo "flux-imp: Fatal: exec: invalid credentials: Credentials must be an object" >expected &&
    test_cmp expected err &&
    test_must_be_empty out
'

test_expect_success CRED 'too many entries, a value or the total too large: refused' '
    many=$(i=0; while test $i -le 64; do printf "\"c%d\":\"v\"," $i; i=$((i + 1)); done) &&
    refused "${many%,}" "too many entries (65, at most 64)\$" &&
    big=$(head -c 1048577 /dev/zero | tr "\\0" a) &&
    refused "\"big\":\"$big\"" "\"big\": value exceeds 1048576 bytes\$" &&
    half=$(head -c 600000 /dev/zero | tr "\\0" a) &&
    refused "\"h1\":\"$half\",\"h2\":\"$half\"" "\"h[12]\": the values exceed 1048576 bytes in total\$"
'

test_expect_success CRED 'the limits themselves are accepted' '
    many=$(i=0; while test $i -lt 64; do printf "\"c%d\":\"v\"," $i; i=$((i + 1)); done) &&
    creds "${many%,}" >in.many &&
    simp exec /bin/sh -c "ls \$CREDENTIALS_DIRECTORY | wc -l" <in.many >out &&
    test $(cat out) = 64 &&
    big=$(head -c 1048576 /dev/zero | tr "\\0" a) &&
    creds "\"big\":\"$big\"" >in.big &&
    simp exec /bin/sh -c "wc -c <\$CREDENTIALS_DIRECTORY/big" <in.big >out &&
    test $(cat out) = 1048576 &&
    no_job_dirs
'

test_expect_success CRED 'not on a memory file system: refused, nothing made' '
    umount "$RUN" &&
    test_when_finished "mount -t tmpfs -o mode=0755,size=32m flux-imp-run \"$RUN\"" &&
    test_expect_code 1 simp exec /bin/sh -c "echo ran" <in.good >out 2>err &&
    test_must_be_empty out &&
    echo "flux-imp: Fatal: exec: credentials: $BASE is not on a memory file system (tmpfs or ramfs)" >expected &&
    test_cmp expected err &&
    test ! -e "$BASE"
'

test_expect_success CRED 'the tmpfs is back' '
    mountpoint -q "$RUN" &&
    simp exec /bin/sh -c "cat \$CREDENTIALS_DIRECTORY/token" <in.good >out &&
    printf "%s" "$SECRET" >expected &&
    test_cmp expected out
'

test_expect_success CRED 'a symbolic link as the base is refused' '
    mv "$BASE" "$RUN/real" &&
    ln -s real "$BASE" &&
    test_when_finished "rm -f \"$BASE\" && mv \"$RUN/real\" \"$BASE\"" &&
    test_expect_code 1 simp exec /bin/sh -c "echo ran" <in.good >out 2>err &&
    test_must_be_empty out &&
    echo "flux-imp: Fatal: exec: credentials: $BASE: is a symbolic link" >expected &&
    test_cmp expected err
'

test_expect_success CRED 'a base writable by others is refused' '
    chmod 733 "$BASE" &&
    test_when_finished "chmod 711 \"$BASE\"" &&
    test_expect_code 1 simp exec /bin/sh -c "echo ran" <in.good >out 2>err &&
    test_must_be_empty out &&
    echo "flux-imp: Fatal: exec: credentials: $BASE: writable by group or other" >expected &&
    test_cmp expected err
'

test_expect_success SYSLOG,CRED 'the audit line counts the credentials, never shows them' '
    syslog_start &&
    with_syslog setpriv --reuid="$OWNER_UID" --regid="$OWNER_GID" \
        --init-groups -- "$SIMP" exec /bin/sh -c true <in.good &&
    syslog_wait 2 &&
    cat "$SYSLOG_FILE" &&
    grep "shell=/bin/sh credentials=3 outcome=allowed\$" "$SYSLOG_FILE" &&
    grep "credentials=3 outcome=\"exited 0\"\$" "$SYSLOG_FILE" &&
    ! grep -F "$SECRET" "$SYSLOG_FILE"
'

test_expect_success CRED 'not setuid: credentials are refused' '
    imp_unpriv_setup "$FIX/u" &&
    printf "{\"J\":\"%s\",\"options\":{\"Credentials\":{\"a\":\"%s\"}}}\n" \
        "$(cat J.none)" "$SECRET" >in.none &&
    test_expect_code 1 imp_unpriv "$FIX/u" \
        exec /bin/sh -c "echo ran" <in.none >out 2>err &&
    test_must_be_empty out &&
    echo "flux-imp: Fatal: exec: credentials need the IMP to be installed setuid" >expected &&
    test_cmp expected err
'

test_done
