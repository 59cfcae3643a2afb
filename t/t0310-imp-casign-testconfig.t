#!/bin/sh
test_description='flux-imp casign and testconfig

casign signs the public certificate of stdin with the CA of [ca] for the
caller: first with test-imp (not setuid: a warning, signed in-process),
then with test-imp-fixedpath staged setuid root and run by the test
accounts.  testconfig checks both configuration hierarchies and reports
every problem with file:line.'

. "$(dirname "$0")/sharness.sh"

fixture_report

IMP_BUILD=$FLUX_BUILD_DIR/src/imp
TEST_IMP=$IMP_BUILD/test-imp
CA_KEYGEN=$IMP_BUILD/test/ca-keygen
FLUX_SIGN=$FLUX_BUILD_DIR/src/cmd/flux-sign

# The unprivileged cases run as ME (UNPRIV, unpriv: accounts.sh).

# mkconf NAME [FILE]: a conf.d directory $FIX/NAME (mode 0755) with the
# TOML of stdin in FILE (default imp.toml, mode 0644); sets PATTERN (but
# not after a pipe, which runs it in a subshell).
mkconf () {
    mkdir -p "$FIX/$1" && chmod 755 "$FIX/$1" &&
    cat >"$FIX/$1/${2:-imp.toml}" &&
    chmod 644 "$FIX/$1/${2:-imp.toml}" &&
    PATTERN="$FIX/$1/*.toml"
}

# ca_table DIR: a [ca] table whose CA files are DIR/ca(.pub).
ca_table () {
    cat <<-EOF
	[ca]
	max-cert-ttl = 3600
	max-sign-ttl = 600
	cert-path = "$1/ca"
	revoke-dir = "$1/revoke"
	revoke-allow = false
	domain = "EXAMPLE.TEST"
	EOF
}

sign_table () {
    cat <<-EOF
	[sign]
	max-ttl = 3600
	default-type = "none"
	allowed-types = ["none", "curve"]
	EOF
}

# meta FILE KEY: the value of KEY in [metadata] of the certificate FILE.
meta () {
    sed -n "s/^ *$2 = \"\{0,1\}\([^\"]*\)\"\{0,1\}\$/\1/p" "$1"
}

# lines FILE: its number of lines.
lines () {
    wc -l <"$1" | tr -d " "
}

timp () {
    unpriv env FLUX_IMP_CONFIG_PATTERN="$PATTERN" "$TIMP" "$@"
}

test_expect_success 'create the fixture directory, a CA and a certificate' '
    FIX=$(mktemp -d /tmp/t0310.XXXXXX) &&
    fixture_atexit rm -rf "$FIX" &&
    chmod 755 "$FIX" &&
    cp "$TEST_IMP" "$FIX/test-imp" &&
    chmod 755 "$FIX/test-imp" &&
    mkdir "$FIX/ca" "$FIX/user" &&
    { ca_table "$FIX/ca" && sign_table; } | mkconf good &&
    PATTERN="$FIX/good/*.toml" &&
    "$CA_KEYGEN" "$PATTERN" &&
    test "$(stat -c %a "$FIX/ca/ca")" = 600 &&
    "$FLUX_SIGN" keygen "$FIX/user/sig" &&
    printf "" | mkconf empty &&
    PATTERN="$FIX/empty/*.toml" &&
    sign_table | mkconf noca &&
    PATTERN="$FIX/noca/*.toml" &&
    if test_have_prereq ROOT && test_have_prereq ACCOUNTS; then
        chown -R "$OWNER" "$FIX/ca" "$FIX/user"
    fi &&
    chmod 755 "$FIX/ca" "$FIX/user"
'
TIMP=$FIX/test-imp
CA_UUID=$(meta "$FIX/ca/ca.pub" uuid)

#
# casign, not setuid
#
test_expect_success UNPRIV 'casign (not setuid): warning, signed certificate' '
    PATTERN="$FIX/good/*.toml" &&
    timp casign <"$FIX/user/sig.pub" >signed.pub 2>err &&
    grep "^flux-imp: Warning: casign: imp is not installed setuid, proceeding anyway...\$" err &&
    test "$(meta signed.pub userid)" = "$ME_UID" &&
    test "$(meta signed.pub issuer)" = "$CA_UUID" &&
    test "$(meta signed.pub domain)" = EXAMPLE.TEST &&
    test "$(meta signed.pub max-sign-ttl)" = 600 &&
    test "$(meta signed.pub ca-capability)" = false &&
    grep "^    signature = \"" signed.pub &&
    grep "^flux-imp: casign: signed certificate $(meta signed.pub uuid) for uid $ME_UID\$" err
'

test_expect_success UNPRIV 'casign (not setuid): the CA verifies the signature' '
    cp signed.pub "$FIX/user/signed.pub" && chmod 644 "$FIX/user/signed.pub" &&
    unpriv "$FLUX_SIGN" -c "$PATTERN" certinfo "$FIX/user/signed.pub" >out &&
    grep "^signed by CA: yes\$" out &&
    grep "^CA verification: ok (userid $ME_UID, max-sign-ttl 600)\$" out &&
    grep "^public-key = $(meta "$FIX/user/sig.pub" public-key)\$" out
'

test_expect_success UNPRIV 'casign: a tampered signed certificate fails CA verification' '
    sed "s/^    userid = .*/    userid = 0/" signed.pub >"$FIX/user/tampered.pub" &&
    chmod 644 "$FIX/user/tampered.pub" &&
    unpriv "$FLUX_SIGN" -c "$PATTERN" certinfo "$FIX/user/tampered.pub" >out 2>&1 ;
    grep "signature verification failed" out
'

test_expect_success UNPRIV 'casign: userid, issuer and ca-capability of the input are replaced' '
    sed -e "/^ *userid = /d" -e "/^\[metadata\]/a\\
    userid = 0\\
    ca-capability = true\\
    issuer = \"forged\"" "$FIX/user/sig.pub" >forged.pub &&
    grep "ca-capability = true" forged.pub &&
    timp casign <forged.pub >signed.pub 2>err &&
    test "$(meta signed.pub userid)" = "$ME_UID" &&
    test "$(meta signed.pub ca-capability)" = false &&
    test "$(meta signed.pub issuer)" = "$CA_UUID" &&
    test $(grep -c "userid = " signed.pub) = 1
'

test_expect_success UNPRIV 'casign: empty stdin: decode cert: Invalid argument' '
    test_expect_code 1 timp casign </dev/null >out 2>err &&
    grep "^flux-imp: Fatal: casign: decode cert: Invalid argument" err &&
    test_must_be_empty out
'

test_expect_success UNPRIV 'casign: garbage on stdin' '
    head -c 4096 /dev/urandom >garbage &&
    test_expect_code 1 timp casign <garbage >out 2>err &&
    grep "^flux-imp: Fatal: casign: decode cert: " err &&
    test_must_be_empty out
'

test_expect_success UNPRIV 'casign: an embedded NUL' '
    { head -n 3 "$FIX/user/sig.pub" && printf "\000" &&
      tail -n +4 "$FIX/user/sig.pub"; } >nul.pub &&
    test_expect_code 1 timp casign <nul.pub >out 2>err &&
    grep "^flux-imp: Fatal: casign: decode cert: Invalid argument" err &&
    test_must_be_empty out
'

test_expect_success UNPRIV 'casign: an oversized input (70 KiB): File too large' '
    { cat "$FIX/user/sig.pub" &&
      head -c 71680 /dev/zero | tr "\000" "#"; } >big.pub &&
    test_expect_code 1 timp casign <big.pub >out 2>err &&
    grep "^flux-imp: Fatal: casign: decode cert: File too large\$" err &&
    test_must_be_empty out
'

test_expect_success UNPRIV 'casign: a certificate holding a secret key is refused' '
    sed -n "s/^ *secret-key = /    secret-key = /p" "$FIX/user/sig" >secret.line &&
    test -s secret.line &&
    { cat "$FIX/user/sig.pub" && cat secret.line; } >withsecret.pub &&
    test_expect_code 1 timp casign <withsecret.pub >out 2>err &&
    grep "^flux-imp: Fatal: casign: decode cert: Invalid argument" err &&
    grep "secret-key" err &&
    test_must_be_empty out &&
    ! grep -F "$(sed "s/.*= //" secret.line)" err
'

test_expect_success UNPRIV 'casign: no [ca] configuration' '
    PATTERN="$FIX/noca/*.toml" &&
    test_expect_code 1 timp casign <"$FIX/user/sig.pub" >out 2>err &&
    grep "^flux-imp: Fatal: casign: no \[ca\] configuration\$" err &&
    test_must_be_empty out
'

test_expect_success UNPRIV 'casign: a CA secret key readable by group is refused (ca_load)' '
    PATTERN="$FIX/good/*.toml" &&
    chmod 640 "$FIX/ca/ca" &&
    test_when_finished "chmod 600 \"$FIX/ca/ca\"" &&
    test_expect_code 1 timp casign <"$FIX/user/sig.pub" >out 2>err &&
    grep "^flux-imp: Fatal: casign: ca_load: .*$FIX/ca/ca" err &&
    test_must_be_empty out
'

test_expect_success UNPRIV 'casign: missing CA files (ca_load)' '
    ca_table "$FIX/nowhere" | mkconf noca-files &&
    PATTERN="$FIX/noca-files/*.toml" &&
    test_expect_code 1 timp casign <"$FIX/user/sig.pub" >out 2>err &&
    grep "^flux-imp: Fatal: casign: ca_load: .*$FIX/nowhere/ca" err &&
    test_must_be_empty out
'

test_expect_success UNPRIV 'casign: a [ca] with a bad value (ca_create)' '
    ca_table "$FIX/ca" | sed "s/max-cert-ttl = 3600/max-cert-ttl = -1/" |
        mkconf badca &&
    PATTERN="$FIX/badca/*.toml" &&
    test_expect_code 1 timp casign <"$FIX/user/sig.pub" >out 2>err &&
    grep "^flux-imp: Fatal: casign: ca_create: " err &&
    test_must_be_empty out
'

#
# testconfig with test-imp (no path checks unless asked)
#
test_expect_success UNPRIV 'testconfig: a good tree: ok for both, exit 0' '
    PATTERN="$FIX/good/*.toml" &&
    timp testconfig >out 2>err &&
    test_must_be_empty out &&
    {
        echo "flux-imp: testconfig: $PATTERN: ok" &&
        echo "flux-imp: testconfig: $PATTERN: ok"
    } >expected &&
    test_cmp expected err
'

# tc_expect LINE...: testconfig fails and prints exactly these lines.
# (test-imp reads both hierarchies from the same files: a problem of
# [sign] follows the "ok" of the IMP hierarchy.)
tc_expect () {
    for _l in "$@"; do echo "flux-imp: testconfig: $_l"; done >expected &&
    test_expect_code 1 timp testconfig >out 2>err &&
    test_must_be_empty out &&
    test_cmp expected err
}

test_expect_success UNPRIV 'testconfig: an unknown key: file:line, exit 1' '
    { sign_table && printf "[exec]\nallowed-shell = [\"/bin/sh\"]\n"; } |
        mkconf unknown &&
    PATTERN="$FIX/unknown/*.toml" &&
    tc_expect "$FIX/unknown/imp.toml:6: key '\''exec.allowed-shell'\'' is unknown (hint: remove the key or correct its name (flux-config-security-imp(5) lists the keys))"
'

test_expect_success UNPRIV 'testconfig: a wrong type: file:line' '
    { printf "allow-sudo = \"yes\"\n" && sign_table; } | mkconf type &&
    PATTERN="$FIX/type/*.toml" &&
    tc_expect "$FIX/type/imp.toml:1: '\''allow-sudo'\'' must be of type bool (hint: give the key a value of the type named)"
'

test_expect_success UNPRIV 'testconfig: a TOML error: file:line:column' '
    { sign_table && printf "[exec\n"; } | mkconf syntax &&
    PATTERN="$FIX/syntax/*.toml" &&
    test_expect_code 1 timp testconfig 2>err &&
    test "$(lines err)" = 1 &&
    grep -E "^flux-imp: testconfig: $FIX/syntax/imp.toml:5:[0-9]+: .*\(hint: correct the TOML at that position\)\$" err
'

test_expect_success UNPRIV 'testconfig: a missing directory' '
    PATTERN="$FIX/missing/conf.d/*.toml" &&
    tc_expect "$PATTERN: Read error ($FIX/missing/conf.d: No such file or directory) (hint: create the directory, owned by root, mode 0755)"
'

test_expect_success UNPRIV 'testconfig: an empty directory' '
    mkdir -p "$FIX/nofiles" && chmod 755 "$FIX/nofiles" &&
    PATTERN="$FIX/nofiles/*.toml" &&
    tc_expect "$PATTERN: No config file(s) found (hint: put the configuration in *.toml files there)"
'

test_expect_success UNPRIV 'testconfig: a bad [sign]: file:line' '
    sign_table | sed "s/max-ttl = 3600/max-ttl = -5/" | mkconf badsign &&
    PATTERN="$FIX/badsign/*.toml" &&
    tc_expect "$PATTERN: ok" \
        "$FIX/badsign/imp.toml:1: sign: config error: sign: max-ttl should be greater than zero (hint: correct [sign] as flux-config-security(5) describes)"
'

test_expect_success UNPRIV 'testconfig: no [sign] at all' '
    PATTERN="$FIX/empty/*.toml" &&
    test_expect_code 1 timp testconfig 2>err &&
    grep -Fx "flux-imp: testconfig: $PATTERN: ok" err &&
    grep "^flux-imp: testconfig: configuration object .sign. not found (hint: add the missing key or table)\$" err
'

test_expect_success UNPRIV 'testconfig: an unknown log-level' '
    { echo "log-level = \"loud\"" && sign_table; } | mkconf level &&
    PATTERN="$FIX/level/*.toml" &&
    tc_expect "$FIX/level/imp.toml:1: unknown log-level '\''loud'\'' (the IMP ignores it) (hint: use debug, info or warning)"
'

test_expect_success UNPRIV 'testconfig: [ca] naming missing CA files' '
    { ca_table "$FIX/nowhere" && sign_table; } | mkconf cafiles &&
    PATTERN="$FIX/cafiles/*.toml" &&
    test_expect_code 1 timp testconfig 2>err &&
    test "$(lines err)" = 1 &&
    grep "^flux-imp: testconfig: \[ca\] cert-path: .*$FIX/nowhere/ca.*(hint: correct \[ca\], or create the CA files it names)\$" err
'

test_expect_success UNPRIV 'testconfig: a bad [ca] value: file:line of [ca]' '
    { ca_table "$FIX/ca" | sed "s/max-sign-ttl = 600/max-sign-ttl = 0/" &&
      sign_table; } | mkconf badca2 &&
    PATTERN="$FIX/badca2/*.toml" &&
    tc_expect "$FIX/badca2/imp.toml:1: [ca] max-sign-ttl must be greater than zero (hint: correct [ca], or create the CA files it names)"
'

test_expect_success UNPRIV 'testconfig: several problems in one run are all reported' '
    mkdir -p "$FIX/many" && chmod 755 "$FIX/many" &&
    printf "allow-sudo = 1\nbogus = true\n[exec]\nallowed-shell = []\n" |
        mkconf many a.toml &&
    printf "[run.x]\npath = 3\n[ca]\nmax-cert-ttl = 1\n" | mkconf many b.toml &&
    printf "log-level = \"info\"\n[run\n" | mkconf many c.toml &&
    sign_table | sed "s/\"curve\"/\"nosuch\"/" | mkconf many d.toml &&
    echo "log-level = \"loud\"" | mkconf many e.toml &&
    PATTERN="$FIX/many/*.toml" &&
    test_expect_code 1 timp testconfig 2>err &&
    cat err &&
    grep "a.toml:1: .allow-sudo. must be of type bool" err &&
    grep "a.toml:2: key .bogus. is unknown" err &&
    grep "a.toml:4: key .exec.allowed-shell. is unknown" err &&
    grep "b.toml:2: .run.x.path. must be of type string" err &&
    grep "b.toml:3: .ca.max-sign-ttl. must be set" err &&
    grep -E "c.toml:2:[0-9]+: " err &&
    grep "d.toml:1: sign: config error: sign: unknown mechanism=nosuch" err &&
    grep "e.toml:1: unknown log-level .loud." err &&
    test "$(lines err)" = 8 &&
    ! grep ": ok\$" err
'

test_expect_success UNPRIV 'testconfig: the same tree stops every other command' '
    test_expect_code 1 timp whoami 2>err &&
    grep "Failed to load configuration" err
'

test_expect_success UNPRIV 'testconfig: extra arguments are ignored, nothing on stdout' '
    PATTERN="$FIX/good/*.toml" &&
    timp testconfig extra >out 2>err &&
    test_must_be_empty out
'

#
# The installed code, setuid root (test-imp-fixedpath)
#
fixed_prereq FIXED SETUID,ACCOUNTS

# fixed_conf [FILE]: replace the fixed conf.d by one holding the TOML of
# stdin in FILE (default imp.toml), all root-owned, 0755 and 0644.
fixed_conf () {
    rm -rf "$FIXED_CONFD" &&
    mkdir -p "$FIXED_CONFD" &&
    chmod 755 "$FIXED_TOP" "$FIXED_CONFD" &&
    cat >"$FIXED_CONFD/${1:-imp.toml}" &&
    chmod 644 "$FIXED_CONFD/${1:-imp.toml}"
}

# fixed_security: the fixed security conf.d with a good [sign].
fixed_security () {
    rm -rf "$FIXED_SECD" &&
    mkdir -p "$FIXED_SECD" &&
    chmod 755 "$FIXED_TOP/security" "$FIXED_SECD" &&
    sign_table >"$FIXED_SECD/sign.toml" &&
    chmod 644 "$FIXED_SECD/sign.toml"
}

test_expect_success FIXED 'stage test-imp-fixedpath setuid root, a root CA' '
    rm -rf "$FIXED_TOP" &&
    fixture_atexit rm -rf "$FIXED_TOP" &&
    mkdir -p "$FIX/rootca" && chmod 755 "$FIX/rootca" &&
    ca_table "$FIX/rootca" | fixed_conf &&
    fixed_security &&
    "$CA_KEYGEN" "$FIXED_PATTERN" &&
    test "$(stat -c "%U %a" "$FIX/rootca/ca")" = "root 600" &&
    SIMP=$(stage_setuid "$FIXED_IMP" flux-imp) &&
    test "$(stat -c "%U %a" "$SIMP")" = "root 4755"
'
ROOT_CA_UUID=$(meta "$FIX/rootca/ca.pub" uuid 2>/dev/null)

test_expect_success FIXED 'setuid casign as the owner: signed for the owner, no warning' '
    run_as "$OWNER" "$SIMP" casign <"$FIX/user/sig.pub" >signed.pub 2>err &&
    ! grep "not installed setuid" err &&
    test "$(meta signed.pub userid)" = "$OWNER_UID" &&
    test "$(meta signed.pub issuer)" = "$ROOT_CA_UUID" &&
    grep "^flux-imp: casign: signed certificate $(meta signed.pub uuid) for uid $OWNER_UID\$" err &&
    cp signed.pub "$FIX/user/rsigned.pub" && chmod 644 "$FIX/user/rsigned.pub" &&
    "$FLUX_SIGN" -c "$FIXED_PATTERN" certinfo "$FIX/user/rsigned.pub" >out &&
    grep "^CA verification: ok (userid $OWNER_UID, max-sign-ttl 600)\$" out
'

test_expect_success FIXED 'setuid casign as the guest: signed for the guest' '
    run_as "$GUEST" "$SIMP" casign <"$FIX/user/sig.pub" >signed.pub 2>err &&
    test "$(meta signed.pub userid)" = "$GUEST_UID"
'

test_expect_success FIXED 'setuid casign: the owner cannot read the CA secret key itself' '
    test_must_fail run_as "$OWNER" cat "$FIX/rootca/ca" 2>/dev/null
'

test_expect_success FIXED 'setuid casign: empty stdin fails in the child, exit 1' '
    test_expect_code 1 run_as "$OWNER" "$SIMP" casign </dev/null >out 2>err &&
    grep "^flux-imp: Fatal: casign: decode cert: Invalid argument" err &&
    test_must_be_empty out
'

test_expect_success FIXED 'setuid casign: a secret key in the input is refused' '
    test_expect_code 1 run_as "$OWNER" "$SIMP" casign <withsecret.pub >out 2>err &&
    grep "^flux-imp: Fatal: casign: decode cert: Invalid argument" err &&
    test_must_be_empty out
'

test_expect_success FIXED 'setuid casign: a CA secret key owned by the caller is refused' '
    chown "$OWNER" "$FIX/rootca/ca" &&
    test_when_finished "chown root \"$FIX/rootca/ca\"" &&
    test_expect_code 1 run_as "$OWNER" "$SIMP" casign <"$FIX/user/sig.pub" >out 2>err &&
    grep "^flux-imp: Fatal: casign: ca_load: $FIX/rootca/ca: insecure file ownership (owner uid $OWNER_UID): the file must be owned by root" err &&
    test_must_be_empty out
'

test_expect_success FIXED 'setuid casign: a group-readable CA secret key is refused' '
    chmod 640 "$FIX/rootca/ca" &&
    test_when_finished "chmod 600 \"$FIX/rootca/ca\"" &&
    test_expect_code 1 run_as "$OWNER" "$SIMP" casign <"$FIX/user/sig.pub" >out 2>err &&
    grep "^flux-imp: Fatal: casign: ca_load: .*$FIX/rootca/ca" err &&
    test_must_be_empty out
'

test_expect_success FIXED 'setuid casign: a CA public certificate owned by the caller is refused' '
    chown "$OWNER" "$FIX/rootca/ca.pub" &&
    test_when_finished "chown root \"$FIX/rootca/ca.pub\"" &&
    test_expect_code 1 run_as "$OWNER" "$SIMP" casign <"$FIX/user/sig.pub" >out 2>err &&
    grep "^flux-imp: Fatal: casign: ca_load: $FIX/rootca/ca.pub: insecure file ownership (owner uid $OWNER_UID)" err &&
    test_must_be_empty out
'

test_expect_success FIXED 'setuid casign: a CA directory writable by the caller is refused' '
    chown "$OWNER" "$FIX/rootca" &&
    test_when_finished "chown root \"$FIX/rootca\"" &&
    test_expect_code 1 run_as "$OWNER" "$SIMP" casign <"$FIX/user/sig.pub" >out 2>err &&
    grep "^flux-imp: Fatal: casign: ca_load: .*$FIX/rootca" err &&
    test_must_be_empty out
'

test_expect_success FIXED 'setuid casign: a symbolic link to the CA key is refused' '
    mkdir "$FIX/rootca2" && chmod 755 "$FIX/rootca2" &&
    ln -s "$FIX/rootca/ca" "$FIX/rootca2/ca" &&
    ln -s "$FIX/rootca/ca.pub" "$FIX/rootca2/ca.pub" &&
    ca_table "$FIX/rootca2" | fixed_conf &&
    test_when_finished "ca_table \"$FIX/rootca\" | fixed_conf" &&
    test_expect_code 1 run_as "$OWNER" "$SIMP" casign <"$FIX/user/sig.pub" >out 2>err &&
    grep "^flux-imp: Fatal: casign: ca_load: .*$FIX/rootca2/ca" err &&
    test_must_be_empty out
'

test_expect_success FIXED 'setuid casign: no [ca] configuration' '
    echo "allow-sudo = false" | fixed_conf &&
    test_expect_code 1 run_as "$OWNER" "$SIMP" casign <"$FIX/user/sig.pub" >out 2>err &&
    grep "^flux-imp: Fatal: casign: no \[ca\] configuration\$" err &&
    test_must_be_empty out
'

test_expect_success FIXED 'setuid testconfig as the owner: a good tree, exit 0' '
    ca_table "$FIX/rootca" | fixed_conf &&
    run_as "$OWNER" "$SIMP" testconfig 2>err &&
    {
        echo "flux-imp: testconfig: $FIXED_PATTERN: ok" &&
        echo "flux-imp: testconfig: $FIXED_SECD/*.toml: ok"
    } >expected &&
    test_cmp expected err
'

test_expect_success FIXED 'setuid testconfig as root: allowed, same result' '
    "$SIMP" testconfig 2>err &&
    test_cmp expected err
'

test_expect_success FIXED 'setuid testconfig: a group-writable file, with path paranoia' '
    chmod 664 "$FIXED_CONFD/imp.toml" &&
    test_expect_code 1 run_as "$OWNER" "$SIMP" testconfig 2>err &&
    grep "^flux-imp: testconfig: $FIXED_CONFD/imp.toml: bad file permissions (0664)" err &&
    grep "^flux-imp: testconfig: $FIXED_SECD/\*.toml: ok\$" err &&
    test "$(lines err)" = 2
'

test_expect_success FIXED 'setuid testconfig: a missing security directory and a bad IMP file' '
    printf "bogus = 1\n" | fixed_conf &&
    rm -rf "$FIXED_SECD" &&
    test_expect_code 1 run_as "$OWNER" "$SIMP" testconfig 2>err &&
    grep "^flux-imp: testconfig: $FIXED_CONFD/imp.toml:1: key .bogus. is unknown" err &&
    grep "^flux-imp: testconfig: $FIXED_SECD/\*.toml: Read error ($FIXED_SECD: No such file or directory)" err &&
    test "$(lines err)" = 2
'

test_expect_success FIXED 'setuid testconfig: a root-only file: location only, details withheld' '
    fixed_security &&
    printf "allow-sudo = false\nsecret-looking-key = 1\n" | fixed_conf &&
    chmod 600 "$FIXED_CONFD/imp.toml" &&
    test_expect_code 1 run_as "$OWNER" "$SIMP" testconfig 2>err &&
    grep "^flux-imp: testconfig: $FIXED_CONFD/imp.toml:2: a problem at this position (details withheld: the file is not readable by uid $OWNER_UID; run flux-imp testconfig as root to see them)\$" err &&
    ! grep secret-looking-key err &&
    "$SIMP" testconfig 2>err.root ;
    grep "imp.toml:2: key .secret-looking-key. is unknown" err.root
'

test_expect_success FIXED 'setuid testconfig: a CA secret key owned by the caller' '
    ca_table "$FIX/rootca" | fixed_conf &&
    chown "$OWNER" "$FIX/rootca/ca" &&
    test_when_finished "chown root \"$FIX/rootca/ca\"" &&
    test_expect_code 1 run_as "$OWNER" "$SIMP" testconfig 2>err &&
    grep "^flux-imp: testconfig: \[ca\] cert-path: $FIX/rootca/ca: insecure file ownership" err
'

test_expect_success FIXED 'setuid testconfig: a bad [sign] in the security hierarchy' '
    sign_table | sed "s/\"none\", \"curve\"/\"nosuch\"/" >"$FIXED_SECD/sign.toml" &&
    test_expect_code 1 run_as "$OWNER" "$SIMP" testconfig 2>err &&
    grep -Fx "flux-imp: testconfig: $FIXED_PATTERN: ok" err &&
    grep "^flux-imp: testconfig: $FIXED_SECD/sign.toml:1: sign: config error: sign: unknown mechanism=nosuch" err
'

test_done
