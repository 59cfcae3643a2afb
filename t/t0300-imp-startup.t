#!/bin/sh
test_description='flux-imp startup: version, whoami, privilege checks, the
configuration and its errors, and a hostile start (closed descriptors,
loader variables, huge arguments and environment)

Three builds of the IMP are exercised:
  test-imp            the build-tree IMP (never installed, never setuid),
                      which honours FLUX_IMP_CONFIG_PATTERN
  test-imp-fixedpath  the installed code with its configuration pattern
                      fixed at compile time under the build directory
                      (t/imp-fixed/conf.d); staged setuid root and run by
                      the test accounts
  flux-imp            the installed program, staged with meson install'

. "$(dirname "$0")/sharness.sh"

fixture_report

IMP_BUILD=$FLUX_BUILD_DIR/src/imp
TEST_IMP=$IMP_BUILD/test-imp
VERSION=$(sed -n "s/^ *version: '\([^']*\)',\$/\1/p" \
    "$FLUX_SOURCE_DIR/meson.build" | head -n 1)

# The unprivileged cases run as ME (UNPRIV, unpriv: accounts.sh).

if command -v sudo >/dev/null 2>&1; then
    test_set_prereq SUDO
fi

# mkconf NAME [FILE]: a conf.d directory $FIX/NAME (mode 0755) with the
# TOML of stdin in FILE (default imp.toml, mode 0644); sets PATTERN.
mkconf () {
    mkdir -p "$FIX/$1" && chmod 755 "$FIX/$1" &&
    cat >"$FIX/$1/${2:-imp.toml}" &&
    chmod 644 "$FIX/$1/${2:-imp.toml}" &&
    PATTERN="$FIX/$1/*.toml"
}

# The fixture directory: under /tmp (root-owned, mode 0755 ancestors) so
# that the test accounts can read it; removed at exit.  The configurations
# that several tests share are made here:
#   plain  empty            sudo   allow-sudo = true
#   debug  log-level debug  type   allow-sudo of the wrong type
test_expect_success 'create the fixture directory' '
    FIX=$(mktemp -d /tmp/t0300.XXXXXX) &&
    fixture_atexit rm -rf "$FIX" &&
    chmod 755 "$FIX" &&
    cp "$TEST_IMP" "$FIX/test-imp" &&
    chmod 755 "$FIX/test-imp" &&
    mkconf plain </dev/null &&
    echo "allow-sudo = true" | mkconf sudo &&
    echo "log-level = \"debug\"" | mkconf debug &&
    printf "log-level = \"info\"\nallow-sudo = \"yes\"\n" | mkconf type
'
TIMP=$FIX/test-imp

# timp ARG...: test-imp with $PATTERN, run unprivileged.
timp () {
    unpriv env FLUX_IMP_CONFIG_PATTERN="$PATTERN" "$TIMP" "$@"
}

# ids_line HALF UID EUID GID EGID: a line of whoami.
ids_line () {
    echo "flux-imp: $1: uid=$2 euid=$3 gid=$4 egid=$5"
}

#
# test-imp, not setuid: the unprivileged half runs alone
#
test_expect_success UNPRIV 'version prints flux-imp v<version>, then +pam if built with PAM' '
    PATTERN="$FIX/plain/*.toml" &&
    timp version >out 2>err &&
    imp_version_expected "$VERSION" >expected &&
    test_cmp expected out &&
    test_must_be_empty err
'

test_expect_success UNPRIV 'whoami prints one unprivileged line with the caller ids' '
    timp whoami >out 2>err &&
    test_must_be_empty out &&
    ids_line unprivileged $ME_UID $ME_UID $ME_GID $ME_GID >expected &&
    test_cmp expected err
'

test_expect_success UNPRIV 'no command: command required, exit 1' '
    test_expect_code 1 timp 2>err &&
    echo "flux-imp: Fatal: command required" >expected &&
    test_cmp expected err
'

test_expect_success UNPRIV 'an unknown command: Unknown IMP command, exit 1' '
    test_expect_code 1 timp kill-everything 2>err &&
    echo "flux-imp: Fatal: Unknown IMP command: kill-everything" >expected &&
    test_cmp expected err &&
    test_expect_code 1 timp "" 2>err &&
    echo "flux-imp: Fatal: Unknown IMP command: " >expected &&
    test_cmp expected err
'

test_expect_success UNPRIV 'control characters in a command name are replaced' '
    test_expect_code 1 timp "$(printf "a\033[2Jb\nflux-imp: ok\r")" 2>err &&
    printf "%s\n" "flux-imp: Fatal: Unknown IMP command: a?[2Jb?flux-imp: ok" \
        >expected &&
    test_cmp expected err
'

test_expect_success UNPRIV 'a 100 KiB argument: a clean, truncated error' '
    big=$(head -c 102400 /dev/zero | tr "\0" x) &&
    test_expect_code 1 timp "$big" 2>err &&
    test $(wc -l <err) = 1 &&
    grep "^flux-imp: Fatal: Unknown IMP command: xxx*+\$" err &&
    test $(wc -c <err) -le 4200
'

test_expect_success UNPRIV 'a huge environment is ignored' '
    big=$(head -c 102400 /dev/zero | tr "\0" x) &&
    unpriv env HUGE="$big" FLUX_JOB_ID="$big" FLUX_IMP_EXEC_HELPER="$big" \
        FLUX_IMP_CONFIG_PATTERN="$PATTERN" "$TIMP" whoami 2>err &&
    ids_line unprivileged $ME_UID $ME_UID $ME_GID $ME_GID >expected &&
    test_cmp expected err
'

# whoami reports on stderr and ignores errors writing it; version must
# write its result on stdout, and says it could not (exit 1, no signal).
test_expect_success UNPRIV 'closed stdin, stdout, stderr: no crash' '
    cp "$FIX/plain/imp.toml" before.toml &&
    unpriv sh -c "exec env FLUX_IMP_CONFIG_PATTERN=\"\$1\" \"\$2\" whoami \
        0<&- 1>&- 2>&-" sh "$PATTERN" "$TIMP" &&
    test_expect_code 1 unpriv sh -c "exec env FLUX_IMP_CONFIG_PATTERN=\"\$1\" \
        \"\$2\" version 0<&- 1>&- 2>&-" sh "$PATTERN" "$TIMP" &&
    test_cmp before.toml "$FIX/plain/imp.toml"
'

test_expect_success UNPRIV 'closed stdout: writing the result is an error' '
    test_expect_code 1 unpriv sh -c "exec env FLUX_IMP_CONFIG_PATTERN=\"\$1\" \
        \"\$2\" version 1>&-" sh "$PATTERN" "$TIMP" 2>err &&
    echo "flux-imp: Fatal: write error on stdout: Bad file descriptor" \
        >expected &&
    test_cmp expected err &&
    unpriv sh -c "exec env FLUX_IMP_CONFIG_PATTERN=\"\$1\" \"\$2\" version \
        0<&- 2>&-" sh "$PATTERN" "$TIMP" >out &&
    imp_version_expected "$VERSION" >expected &&
    test_cmp expected out
'

test_expect_success UNPRIV 'a write error on stdout fails the command' '
    test_expect_code 1 timp version >/dev/full 2>err &&
    grep "^flux-imp: Fatal: write error on stdout: No space left on device\$" err
'

# Control for the setuid test below: without setuid the loader keeps
# LD_LIBRARY_PATH, and the IMP counts it among the variables it received.
test_expect_success UNPRIV 'not setuid: the loader variables reach the snapshot (control)' '
    PATTERN="$FIX/debug/*.toml" &&
    unpriv env -i LD_LIBRARY_PATH="$FIX" FOO=bar \
        FLUX_IMP_CONFIG_PATTERN="$PATTERN" "$TIMP" whoami 2>err &&
    grep "^flux-imp: Debug: environment: 3 variables received\$" err
'

test_expect_success UNPRIV 'SUDO_USER is ignored when the real uid is not 0' '
    unpriv env SUDO_USER=root FLUX_IMP_CONFIG_PATTERN="$FIX/plain/*.toml" \
        "$TIMP" whoami 2>err &&
    ids_line unprivileged $ME_UID $ME_UID $ME_GID $ME_GID >expected &&
    test_cmp expected err
'

#
# The configuration schema and loader errors, through test-imp
#
# load_error TEXT: the two lines of a configuration failure.
load_error () {
    printf "%s\n" "flux-imp: Warning: loading config: $1" \
        "flux-imp: Fatal: Failed to load configuration"
}

test_expect_success UNPRIV 'an unknown key names file:line and the key' '
    mkconf unknown <<-EOF &&
	allow-sudo = false

	[exec]
	allowed-users = ["flux"]
	allowed-shells = ["/usr/libexec/flux/flux-shell"]

	allowed-user = "typo"
	EOF
    test_expect_code 1 timp version >out 2>err &&
    test_must_be_empty out &&
    load_error "$FIX/unknown/imp.toml:7: key '\''exec.allowed-user'\'' is unknown" \
        >expected &&
    test_cmp expected err
'

test_expect_success UNPRIV 'a typo in a table that a later file replaced is reported' '
    mkconf replaced 10-a.toml <<-EOF &&
	[exec]
	allowed-user = ["typo"]
	EOF
    mkconf replaced 20-b.toml <<-EOF &&
	[exec]
	allowed-users = ["flux"]
	EOF
    test_expect_code 1 timp version 2>err &&
    grep "loading config: $FIX/replaced/10-a.toml:2: key .exec.allowed-user. is unknown\$" err
'

test_expect_success UNPRIV 'a wrong type names file:line and the key' '
    PATTERN="$FIX/type/*.toml" &&
    test_expect_code 1 timp whoami 2>err &&
    load_error "$FIX/type/imp.toml:2: '\''allow-sudo'\'' must be of type bool" \
        >expected &&
    test_cmp expected err
'

test_expect_success UNPRIV 'a wrong array element names its index' '
    mkconf elem <<-EOF &&
	[run.prolog]
	path = "/x"
	allowed-users = ["a", 1]
	EOF
    test_expect_code 1 timp whoami 2>err &&
    grep "loading config: $FIX/elem/imp.toml:3: .run.prolog.allowed-users\[1\]. must be of type string\$" err
'

test_expect_success UNPRIV 'a misspelt paranoia key is an error, not a switch' '
    mkconf paranoia <<-EOF &&
	disable-path-paranoia = true
	EOF
    test_expect_code 1 timp version 2>err &&
    grep "imp.toml:1: key .disable-path-paranoia. is unknown" err
'

test_expect_success UNPRIV 'an incomplete [ca] is an error' '
    mkconf ca <<-EOF &&
	[ca]
	max-cert-ttl = 3600
	EOF
    test_expect_code 1 timp version 2>err &&
    grep "imp.toml:1: .ca.max-sign-ttl. must be set" err
'

test_expect_success UNPRIV 'a TOML syntax error names file:line:column' '
    mkconf syntax <<-EOF &&
	allow-sudo = true
	log-level = "debug
	EOF
    test_expect_code 1 timp version 2>err &&
    grep -E "^flux-imp: Warning: loading config: $FIX/syntax/imp.toml:2:[0-9]+: " err &&
    grep "^flux-imp: Fatal: Failed to load configuration\$" err
'

test_expect_success UNPRIV 'a pattern that matches nothing: No config file(s) found' '
    mkdir "$FIX/empty" && chmod 755 "$FIX/empty" &&
    PATTERN="$FIX/empty/*.toml" &&
    test_expect_code 1 timp version 2>err &&
    load_error "$FIX/empty/*.toml: No config file(s) found" >expected &&
    test_cmp expected err
'

test_expect_success UNPRIV 'a missing directory: Read error' '
    PATTERN="$FIX/nodir/conf.d/*.toml" &&
    test_expect_code 1 timp version 2>err &&
    grep "^flux-imp: Warning: loading config: $FIX/nodir/conf.d/\*.toml: Read error" err
'

test_expect_success UNPRIV 'an unknown log-level warns with file:line and goes on' '
    mkconf loud <<-EOF &&
	log-level = "loud"
	EOF
    timp version >out 2>err &&
    echo "flux-imp: Warning: unknown log-level '\''loud'\'', ignoring ($FIX/loud/imp.toml:1)" \
        >expected &&
    test_cmp expected err &&
    imp_version_expected "$VERSION" >expected &&
    test_cmp expected out
'

test_expect_success UNPRIV 'log-level = "warning" and "debug"' '
    mkconf warning <<-EOF &&
	log-level = "warning"
	EOF
    timp version 2>err &&
    test_must_be_empty err &&
    PATTERN="$FIX/debug/*.toml" &&
    timp version 2>err &&
    grep "^flux-imp: Debug: configuration: $FIX/debug/\*.toml\$" err
'

test_expect_success UNPRIV 'test-imp accepts a [sign] table (the library reads it there)' '
    mkconf sign <<-EOF &&
	[sign]
	max-ttl = 5
	EOF
    timp version
'

test_expect_success UNPRIV 'test-imp without FLUX_IMP_CONFIG_PATTERN reads the source tree' '
    test -r "$FLUX_SOURCE_DIR/src/imp/test-imp.conf.d/imp.toml" &&
    if unpriv test -r "$FLUX_SOURCE_DIR/src/imp/test-imp.conf.d/imp.toml"
    then
        unpriv "$TEST_IMP" version >out &&
        imp_version_expected "$VERSION" >expected &&
        test_cmp expected out
    else
        echo "# the source tree is not readable by the test user: not run"
    fi
'

#
# test-imp run by root: refused, or the sudo simulation
#
test_expect_success ROOT 'root is refused: Refusing to run as root' '
    PATTERN="$FIX/plain/*.toml" &&
    test_expect_code 1 env FLUX_IMP_CONFIG_PATTERN="$PATTERN" "$TIMP" version \
        >out 2>err &&
    test_must_be_empty out &&
    echo "flux-imp: Fatal: Refusing to run as root" >expected &&
    test_cmp expected err
'

test_expect_success ROOT 'root, no command: refused before the command is looked at' '
    test_expect_code 1 env FLUX_IMP_CONFIG_PATTERN="$PATTERN" "$TIMP" 2>err &&
    test_cmp expected err
'

test_expect_success ROOT 'root: configuration errors come first' '
    test_expect_code 1 env FLUX_IMP_CONFIG_PATTERN="$FIX/type/*.toml" \
        "$TIMP" version 2>err &&
    grep "must be of type bool" err
'

test_expect_success ACCOUNTS 'sudo simulation: allow-sudo = true, SUDO_USER=owner' '
    PATTERN="$FIX/sudo/*.toml" &&
    env SUDO_USER="$OWNER" FLUX_IMP_CONFIG_PATTERN="$PATTERN" "$TIMP" whoami \
        2>err &&
    sort err >sorted &&
    {
        ids_line privileged $OWNER_UID 0 $OWNER_GID 0 &&
        ids_line unprivileged $OWNER_UID $OWNER_UID $OWNER_GID $OWNER_GID
    } >expected &&
    test_cmp expected sorted
'

test_expect_success ACCOUNTS 'sudo simulation: version is printed by the unprivileged half' '
    env SUDO_USER="$OWNER" FLUX_IMP_CONFIG_PATTERN="$PATTERN" "$TIMP" \
        version >out &&
    imp_version_expected "$VERSION" >expected &&
    test_cmp expected out
'

test_expect_success ROOT 'sudo simulation: allow-sudo = false is refused' '
    mkconf nosudo <<-EOF &&
	allow-sudo = false
	EOF
    test_expect_code 1 env SUDO_USER=nobody FLUX_IMP_CONFIG_PATTERN="$PATTERN" \
        "$TIMP" whoami 2>err &&
    echo "flux-imp: Fatal: sudo support not enabled" >expected &&
    test_cmp expected err
'

test_expect_success ROOT 'sudo simulation: allow-sudo absent is refused' '
    test_expect_code 1 env SUDO_USER=nobody \
        FLUX_IMP_CONFIG_PATTERN="$FIX/plain/*.toml" "$TIMP" whoami 2>err &&
    test_cmp expected err
'

test_expect_success ROOT 'sudo simulation: an unknown SUDO_USER is refused' '
    test_expect_code 1 env SUDO_USER=no-such-user-t0300 \
        FLUX_IMP_CONFIG_PATTERN="$FIX/sudo/*.toml" "$TIMP" whoami 2>err &&
    grep "^flux-imp: Fatal: Failed to enable sudo support: SUDO_USER=no-such-user-t0300: unknown user\$" err
'

test_expect_success ROOT 'sudo simulation: a 100 KiB SUDO_USER is a clean error' '
    big=$(head -c 102400 /dev/zero | tr "\0" x) &&
    test_expect_code 1 env SUDO_USER="$big" \
        FLUX_IMP_CONFIG_PATTERN="$FIX/sudo/*.toml" "$TIMP" whoami 2>err &&
    test $(wc -l <err) = 1 &&
    grep "^flux-imp: Fatal: Failed to enable sudo support: SUDO_USER=xxx*+\$" err
'

test_expect_success ROOT 'sudo simulation: SUDO_USER=root is still root' '
    test_expect_code 1 env SUDO_USER=root \
        FLUX_IMP_CONFIG_PATTERN="$FIX/sudo/*.toml" "$TIMP" whoami 2>err &&
    echo "flux-imp: Fatal: Refusing to run as root" >expected &&
    test_cmp expected err
'

test_expect_success ROOT,SUDO 'sudo run by root is refused (SUDO_USER=root)' '
    test_expect_code 1 sudo -n env FLUX_IMP_CONFIG_PATTERN="$FIX/sudo/*.toml" \
        "$TIMP" whoami 2>err &&
    grep "^flux-imp: Fatal: Refusing to run as root\$" err
'

test_expect_success ACCOUNTS 'sudo simulation: closed descriptors in the privileged IMP' '
    cp "$FIX/sudo/imp.toml" before.toml &&
    env SUDO_USER="$OWNER" FLUX_IMP_CONFIG_PATTERN="$FIX/sudo/*.toml" \
        "$TIMP" whoami 0<&- 1>&- 2>&- &&
    test_cmp before.toml "$FIX/sudo/imp.toml"
'

test_expect_success ACCOUNTS 'FLUX_TEST_IMP_PATH_PARANOIA turns the file checks on as root' '
    mkconf loose <<-EOF &&
	allow-sudo = true
	EOF
    chmod 666 "$FIX/loose/imp.toml" &&
    env SUDO_USER="$OWNER" FLUX_IMP_CONFIG_PATTERN="$PATTERN" "$TIMP" \
        version &&
    test_expect_code 1 env SUDO_USER="$OWNER" FLUX_IMP_CONFIG_PATTERN="$PATTERN" \
        FLUX_TEST_IMP_PATH_PARANOIA=1 "$TIMP" version 2>err &&
    grep "loading config: $FIX/loose/imp.toml: bad file permissions (0666)" err
'

#
# The installed code, setuid root, with a configuration the test controls
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

test_expect_success FIXED 'stage test-imp-fixedpath setuid root' '
    rm -rf "$FIXED_TOP" &&
    fixture_atexit rm -rf "$FIXED_TOP" &&
    fixed_conf </dev/null &&
    SIMP=$(stage_setuid "$FIXED_IMP" flux-imp) &&
    test "$(stat -c "%U %a" "$SIMP")" = "root 4755"
'

test_expect_success FIXED 'setuid: whoami as the owner: privileged euid=0, unprivileged owner' '
    run_as "$OWNER" "$SIMP" whoami 2>err &&
    sort err >sorted &&
    {
        ids_line privileged $OWNER_UID 0 $OWNER_GID $OWNER_GID &&
        ids_line unprivileged $OWNER_UID $OWNER_UID $OWNER_GID $OWNER_GID
    } >expected &&
    test_cmp expected sorted
'

test_expect_success FIXED 'setuid: whoami as the guest' '
    run_as "$GUEST" "$SIMP" whoami 2>err &&
    sort err >sorted &&
    {
        ids_line privileged $GUEST_UID 0 $GUEST_GID $GUEST_GID &&
        ids_line unprivileged $GUEST_UID $GUEST_UID $GUEST_GID $GUEST_GID
    } >expected &&
    test_cmp expected sorted
'

test_expect_success FIXED 'setuid: a uid without an account works too' '
    run_as_uid 54321 54321 "$SIMP" whoami 2>err &&
    grep "^flux-imp: privileged: uid=54321 euid=0 gid=54321 egid=54321\$" err
'

test_expect_success FIXED 'setuid: version as the owner' '
    run_as "$OWNER" "$SIMP" version >out &&
    imp_version_expected "$VERSION" >expected &&
    test_cmp expected out
'

test_expect_success FIXED 'setuid: no command and an unknown command exit 1' '
    test_expect_code 1 run_as "$OWNER" "$SIMP" 2>err &&
    echo "flux-imp: Fatal: command required" >expected &&
    test_cmp expected err &&
    test_expect_code 1 run_as "$OWNER" "$SIMP" exec2 2>err &&
    echo "flux-imp: Fatal: Unknown IMP command: exec2" >expected &&
    test_cmp expected err
'

test_expect_success FIXED 'setuid: run by root it refuses' '
    test_expect_code 1 "$SIMP" whoami 2>err &&
    echo "flux-imp: Fatal: Refusing to run as root" >expected &&
    test_cmp expected err
'

test_expect_success FIXED 'setuid: sudo simulation not enabled' '
    test_expect_code 1 env SUDO_USER="$OWNER" "$SIMP" whoami 2>err &&
    echo "flux-imp: Fatal: sudo support not enabled" >expected &&
    test_cmp expected err
'

test_expect_success FIXED 'setuid: sudo simulation with allow-sudo = true' '
    fixed_conf <<-EOF &&
	allow-sudo = true
	EOF
    env SUDO_USER="$OWNER" "$SIMP" whoami 2>err &&
    grep "^flux-imp: privileged: uid=$OWNER_UID euid=0 gid=$OWNER_GID egid=0\$" err &&
    grep "^flux-imp: unprivileged: uid=$OWNER_UID euid=$OWNER_UID" err
'

test_expect_success FIXED 'setuid: the environment override of the test build is ignored' '
    fixed_conf <<-EOF &&
	log-level = "debug"
	EOF
    run_as "$OWNER" env FLUX_IMP_CONFIG_PATTERN="$FIX/loose/*.toml" \
        "$SIMP" version 2>err &&
    grep "^flux-imp: Debug: configuration: $FIXED_CONFD/\*.toml\$" err
'

test_expect_success FIXED 'setuid: LD_PRELOAD and LD_LIBRARY_PATH never reach the snapshot' '
    run_as "$OWNER" env -i LD_PRELOAD="$FIX/nothing.so" \
        LD_LIBRARY_PATH="$FIX" FOO=bar "$SIMP" whoami 2>err &&
    grep "^flux-imp: Debug: environment: 1 variables received\$" err &&
    ! grep -i "preload" err
'

test_expect_success FIXED 'setuid: closed stdin, stdout, stderr' '
    cp "$FIXED_CONFD/imp.toml" before.toml &&
    run_as "$OWNER" sh -c "exec \"\$1\" whoami 0<&- 1>&- 2>&-" sh "$SIMP" &&
    test_expect_code 1 run_as "$OWNER" sh -c "exec \"\$1\" version 1>&-" \
        sh "$SIMP" 2>err &&
    grep "^flux-imp: Fatal: write error on stdout: Bad file descriptor\$" err &&
    test_cmp before.toml "$FIXED_CONFD/imp.toml"
'

test_expect_success FIXED 'setuid: a 100 KiB argument and a huge environment' '
    big=$(head -c 102400 /dev/zero | tr "\0" x) &&
    test_expect_code 1 run_as "$OWNER" "$SIMP" "$big" 2>err &&
    grep "^flux-imp: Fatal: Unknown IMP command: xxx*+\$" err &&
    run_as "$OWNER" env HUGE="$big" NOTIFY_SOCKET="$big" "$SIMP" whoami \
        2>err &&
    grep "^flux-imp: privileged: uid=$OWNER_UID euid=0" err
'

test_expect_success FIXED 'setuid: a missing conf.d is a Read error' '
    rm -rf "$FIXED_CONFD" &&
    test_expect_code 1 run_as "$OWNER" "$SIMP" version >out 2>err &&
    test_must_be_empty out &&
    grep "^flux-imp: Warning: loading config: $FIXED_CONFD/\*.toml: Read error" err &&
    grep "^flux-imp: Fatal: Failed to load configuration\$" err
'

test_expect_success FIXED 'setuid: an empty conf.d: No config file(s) found' '
    mkdir "$FIXED_CONFD" && chmod 755 "$FIXED_CONFD" &&
    test_expect_code 1 run_as "$OWNER" "$SIMP" version 2>err &&
    grep "loading config: $FIXED_CONFD/\*.toml: No config file(s) found\$" err
'

test_expect_success FIXED 'setuid: a group-writable file is refused' '
    fixed_conf </dev/null &&
    chmod 664 "$FIXED_CONFD/imp.toml" &&
    test_expect_code 1 run_as "$OWNER" "$SIMP" whoami 2>err &&
    grep "loading config: $FIXED_CONFD/imp.toml: bad file permissions (0664)" err
'

test_expect_success FIXED 'setuid: a world-writable file is refused' '
    fixed_conf </dev/null &&
    chmod 646 "$FIXED_CONFD/imp.toml" &&
    test_expect_code 1 run_as "$OWNER" "$SIMP" whoami 2>err &&
    grep "bad file permissions (0646)" err
'

test_expect_success FIXED 'setuid: a file owned by the caller is refused' '
    fixed_conf </dev/null &&
    chown "$OWNER" "$FIXED_CONFD/imp.toml" &&
    test_expect_code 1 run_as "$OWNER" "$SIMP" whoami 2>err &&
    grep "imp.toml: insecure file ownership (owner uid $OWNER_UID)" err
'

test_expect_success FIXED 'setuid: a file of the caller group is refused' '
    fixed_conf </dev/null &&
    chgrp "$OWNER_GID" "$FIXED_CONFD/imp.toml" &&
    test_expect_code 1 run_as "$OWNER" "$SIMP" whoami 2>err &&
    grep "imp.toml: insecure file ownership (group gid $OWNER_GID)" err
'

test_expect_success FIXED 'setuid: a symbolic link in conf.d is refused' '
    fixed_conf other.conf <<-EOF &&
	allow-sudo = true
	EOF
    ln -s other.conf "$FIXED_CONFD/imp.toml" &&
    test_expect_code 1 run_as "$OWNER" "$SIMP" whoami 2>err &&
    grep "loading config: $FIXED_CONFD/imp.toml: symbolic link" err
'

test_expect_success FIXED 'setuid: a group-writable conf.d is refused' '
    fixed_conf </dev/null &&
    chmod 775 "$FIXED_CONFD" &&
    test_expect_code 1 run_as "$OWNER" "$SIMP" whoami 2>err &&
    grep "parent directory is group-writable without sticky bit" err
'

test_expect_success FIXED 'setuid: a conf.d owned by the caller is refused' '
    fixed_conf </dev/null &&
    chown "$OWNER" "$FIXED_CONFD" &&
    test_expect_code 1 run_as "$OWNER" "$SIMP" whoami 2>err &&
    grep "Invalid ownership on parent directory ($FIXED_CONFD, owner uid $OWNER_UID)" err
'

test_expect_success FIXED 'setuid: an unknown key names file:line' '
    fixed_conf <<-EOF &&
	[exec]
	allowed-users = ["flux"]
	allowed-shell = ["/bin/sh"]
	EOF
    test_expect_code 1 run_as "$OWNER" "$SIMP" whoami 2>err &&
    load_error "$FIXED_CONFD/imp.toml:3: key '\''exec.allowed-shell'\'' is unknown" \
        >expected &&
    test_cmp expected err
'

test_expect_success FIXED 'setuid: [sign] belongs to the security configuration' '
    fixed_conf <<-EOF &&
	[sign]
	max-ttl = 5
	EOF
    test_expect_code 1 run_as "$OWNER" "$SIMP" whoami 2>err &&
    grep "imp.toml:1: key .sign. is unknown" err
'

test_expect_success FIXED 'setuid: a TOML syntax error names file:line:column' '
    fixed_conf <<-EOF &&
	allow-sudo = true
	[exec
	EOF
    test_expect_code 1 run_as "$OWNER" "$SIMP" whoami 2>err &&
    grep -E "^flux-imp: Warning: loading config: $FIXED_CONFD/imp.toml:2:[0-9]+: " err
'

test_expect_success FIXED 'setuid: a good configuration again' '
    fixed_conf <<-EOF &&
	[exec]
	allowed-users = ["$OWNER"]
	allowed-shells = ["/usr/libexec/flux/flux-shell"]
	EOF
    run_as "$OWNER" "$SIMP" whoami
'

#
# The installed program
#
test_expect_success SETUID 'meson install puts flux-imp in libexecdir/flux, mode 0755' '
    INSTALL=$(stage_install) &&
    IIMP=$(find "$INSTALL" -path "*/libexec/flux/flux-imp") &&
    test -n "$IIMP" &&
    test "$(stat -c %a "$IIMP")" = 755 &&
    find "$INSTALL" -name "test-imp*" >extra &&
    test_must_be_empty extra
'

test_expect_success SETUID 'the installed program holds no environment override' '
    grep -a -q FLUX_IMP_CONFIG_PATTERN "$TEST_IMP" &&
    ! grep -a -q FLUX_IMP_CONFIG_PATTERN "$IIMP" &&
    ! grep -a -q FLUX_TEST_IMP_PATH_PARANOIA "$IIMP" &&
    ! grep -a -q FLUX_IMP_CONFIG_PATTERN "$FIXED_IMP" &&
    grep -a -q "/flux/imp/conf.d/\*.toml" "$IIMP"
'

# As t0002 for every program: PIE, full RELRO, stack protector (not in
# sanitizer or unoptimised builds, which cannot use _FORTIFY_SOURCE).
if command -v readelf >/dev/null 2>&1 &&
    grep -q '"name": "b_sanitize", "value": "none"' \
        "$FLUX_BUILD_DIR/meson-info/intro-buildoptions.json" &&
    ! grep -q '"name": "optimization", "value": "[0g]"' \
        "$FLUX_BUILD_DIR/meson-info/intro-buildoptions.json"; then
    test_set_prereq HARDENED
fi

test_expect_success HARDENED 'flux-imp is PIE, full RELRO, stack-protected, fortified' '
    prog=$IMP_BUILD/flux-imp &&
    readelf -h "$prog" | grep -q "Type:.*DYN" &&
    readelf -d "$prog" >dynamic &&
    grep -q "FLAGS_1.*PIE" dynamic &&
    grep -q BIND_NOW dynamic &&
    readelf -l "$prog" | grep -q GNU_RELRO &&
    readelf -W --dyn-syms "$prog" >syms &&
    grep -q __stack_chk_fail syms &&
    grep -q "__[a-z]*_chk" syms
'

test_expect_success SETUID,ACCOUNTS 'the installed program, setuid, reads its fixed conf.d' '
    stage_make_setuid "$IIMP" &&
    pattern=$(grep -a -o "/[ -~]*/flux/imp/conf\.d/\*\.toml" "$IIMP" |
        head -n 1) &&
    if test -d "${pattern%/\*.toml}"; then
        echo "# ${pattern%/\*.toml} exists on this machine: not checked"
    else
        test_expect_code 1 run_as "$OWNER" "$IIMP" version 2>err &&
        grep -F "flux-imp: Warning: loading config: $pattern: Read error" err
    fi
'

test_done
