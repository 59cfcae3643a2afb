#!/bin/sh
test_description='flux-imp audit trail: one LOG_AUTHPRIV line per privileged action

The setuid IMP (test-imp-fixedpath staged setuid root) runs as the
instance owner in a mount namespace whose /dev/log is a socket of this
test (sharness.d/syslog.sh), so that what it sends to syslog(3) is read
back here: facility, priority, fields, quoting, and that J never appears.'

. "$(dirname "$0")/sharness.sh"

fixture_report

CA_KEYGEN=$FLUX_BUILD_DIR/src/imp/test/ca-keygen
FLUX_SIGN=$FLUX_BUILD_DIR/src/cmd/flux-sign

fixed_prereq PRIV SETUID,ACCOUNTS,MUNGE
test_have_prereq PRIV && test_have_prereq SYSLOG && test_set_prereq AUDIT

# audit_conf: the IMP configuration (imp_exec_table) plus stdin, and the
# security configuration of the private munged.
audit_conf () {
    { imp_exec_table && cat; } | imp_fixed_conf "$FIX/sign.toml"
}

# simp ARG...: the setuid IMP as the owner, logging to our socket.
simp () {
    with_syslog setpriv --reuid="$OWNER_UID" --regid="$OWNER_GID" \
        --init-groups -- "$SIMP" "$@"
}

# line N: the Nth message received, without "<PRI>TIMESTAMP ".
line () {
    sed -n "${1}p" "$SYSLOG_FILE" | sed "s/^<[0-9]*>[A-Z][a-z][a-z] [ 0-9][0-9] [0-9:]* //"
}
# pri N: the priority number of the Nth message.
pri () {
    sed -n "${1}s/^<\([0-9]*\)>.*/\1/p" "$SYSLOG_FILE"
}

# LOG_AUTHPRIV is facility 10: priority 84 is warning, 85 notice.
WARNING=84
NOTICE=85

test_expect_success AUDIT 'set up: munged, syslog listener, staged IMP, jobs' '
    FIX=$(mktemp -d /tmp/t0340.XXXXXX) &&
    fixture_atexit rm -rf "$FIX" &&
    chmod 755 "$FIX" &&
    munge_start &&
    imp_sign_conf "$FIX/sign.toml" &&
    fixture_atexit rm -rf "$FIXED_TOP" &&
    audit_conf </dev/null &&
    SIMP=$(stage_setuid "$FIXED_IMP" flux-imp) &&
    syslog_start &&
    echo "{}" | run_as "$GUEST" "$FLUX_SIGN" -c "$FIX/sign.toml" sign >J.guest &&
    imp_input "$(cat J.guest)" >in.guest &&
    echo "{}" | "$FLUX_SIGN" -c "$FIX/sign.toml" sign >J.root &&
    imp_input "$(cat J.root)" >in.root
'

test_expect_success AUDIT 'exec: allowed, then exited 0, both LOG_NOTICE' '
    syslog_clear &&
    simp exec /bin/sh -c true <in.guest &&
    syslog_wait 2 &&
    head="flux-imp\[[0-9]*\]: exec: caller=$OWNER($OWNER_UID) user=$GUEST($GUEST_UID) shell=/bin/sh" &&
    line 1 | grep "^$head outcome=allowed\$" &&
    line 2 | grep "^$head outcome=\"exited 0\"\$" &&
    test "$(pri 1)" = $NOTICE &&
    test "$(pri 2)" = $NOTICE &&
    test "$(wc -l <"$SYSLOG_FILE")" = 2
'

test_expect_success AUDIT 'exec: a failing shell ends with LOG_WARNING' '
    syslog_clear &&
    test_expect_code 3 simp exec /bin/sh -c "exit 3" <in.guest &&
    syslog_wait 2 &&
    line 2 | grep "outcome=\"exited 3\"\$" &&
    test "$(pri 2)" = $WARNING
'

test_expect_success AUDIT 'exec: a shell killed by a signal' '
    syslog_clear &&
    test_expect_code 143 simp exec /bin/sh -c "kill -TERM \$\$" <in.guest &&
    syslog_wait 2 &&
    line 2 | grep "outcome=\"killed by signal 15 (TERM)\"\$"
'

test_expect_success AUDIT 'exec: the job id is logged, quoted when it must be' '
    syslog_clear &&
    FLUX_JOB_ID=f2b3Lo4Kw simp exec /bin/sh -c true <in.guest &&
    syslog_wait 2 &&
    line 1 | grep " jobid=f2b3Lo4Kw shell=/bin/sh outcome=allowed\$" &&
    syslog_clear &&
    FLUX_JOB_ID="$(printf "x\nuser=root outcome=allowed")" \
        simp exec /bin/sh -c true <in.guest &&
    syslog_wait 2 &&
    line 1 | grep " jobid=\"x\\\\x0auser=root outcome=allowed\" shell=/bin/sh outcome=allowed\$" &&
    test "$(wc -l <"$SYSLOG_FILE")" = 2
'

test_expect_success AUDIT 'exec: J and its payload are never logged' '
    syslog_clear &&
    simp exec /bin/sh -c true <in.guest &&
    syslog_wait 2 &&
    ! grep -F "$(cut -c 1-40 J.guest)" "$SYSLOG_FILE" &&
    ! grep -F "$(cut -d. -f2 J.guest | cut -c 1-20)" "$SYSLOG_FILE"
'

test_expect_success AUDIT 'exec: refused by the privileged half: the reason' '
    syslog_clear &&
    test_expect_code 1 simp exec /bin/sh -c true <in.root 2>err &&
    syslog_wait 1 &&
    line 1 | grep "^flux-imp\[[0-9]*\]: exec: caller=$OWNER($OWNER_UID) shell=/bin/sh outcome=\"refused: exec: switching to user root not supported\"\$" &&
    test "$(pri 1)" = $WARNING
'

test_expect_success AUDIT 'exec: refused by the unprivileged half (caller not allowed)' '
    audit_conf </dev/null &&
    sed -i "s/^allowed-users = .*/allowed-users = [\"nobody\"]/" "$FIXED_CONFD/imp.toml" &&
    syslog_clear &&
    test_expect_code 1 simp exec /bin/sh -c true <in.guest 2>err &&
    grep "not in allowed-users" err &&
    syslog_wait 1 &&
    line 1 | grep "^flux-imp\[[0-9]*\]: exec: caller=$OWNER($OWNER_UID) outcome=\"refused by the unprivileged half\"\$" &&
    test "$(pri 1)" = $WARNING &&
    audit_conf </dev/null
'

test_expect_success AUDIT 'casign: signed, with the uuid of the certificate' '
    mkdir -p "$FIX/ca" "$FIX/user" &&
    chmod 755 "$FIX/ca" "$FIX/user" &&
    audit_conf <<-EOF &&
	[ca]
	max-cert-ttl = 3600
	max-sign-ttl = 600
	cert-path = "$FIX/ca/ca"
	revoke-dir = "$FIX/ca/revoke"
	revoke-allow = false
	domain = "EXAMPLE.TEST"
	EOF
    "$CA_KEYGEN" "$FIXED_PATTERN" &&
    "$FLUX_SIGN" keygen "$FIX/user/sig" &&
    chmod 644 "$FIX/user/sig.pub" &&
    syslog_clear &&
    simp casign <"$FIX/user/sig.pub" >signed.pub &&
    uuid=$(sed -n "s/^ *uuid = \"\(.*\)\"\$/\1/p" signed.pub) &&
    test -n "$uuid" &&
    syslog_wait 1 &&
    line 1 | grep "^flux-imp\[[0-9]*\]: casign: caller=$OWNER($OWNER_UID) cert=$uuid outcome=signed\$" &&
    test "$(pri 1)" = $NOTICE
'

test_expect_success AUDIT 'casign: refused without [ca]' '
    audit_conf </dev/null &&
    syslog_clear &&
    test_expect_code 1 simp casign <"$FIX/user/sig.pub" >out 2>err &&
    syslog_wait 1 &&
    line 1 | grep "^flux-imp\[[0-9]*\]: casign: caller=$OWNER($OWNER_UID) outcome=\"refused: casign: no \[ca\] configuration\"\$" &&
    test "$(pri 1)" = $WARNING
'

test_expect_success AUDIT 'version and whoami are not audited' '
    syslog_clear &&
    simp version >/dev/null &&
    simp whoami 2>/dev/null &&
    sleep 0.5 &&
    test_must_be_empty "$SYSLOG_FILE"
'

test_expect_success AUDIT 'the IMP hands no descriptor of syslog to the job' '
    syslog_clear &&
    simp exec /bin/sh -c "ls -l /proc/\$\$/fd" <in.guest >fds &&
    ! grep socket: fds
'

test_done
