#!/bin/sh
test_description='the shared test fixtures themselves

The test accounts, running a command as another user, a staged setuid
program (setuid-probe stands in for flux-imp), private munged daemons,
a dedicated cgroup v2, and cleanup at script exit.  Run as root by CI;
a normal user sees every privileged test skip with a reason.'

. "$(dirname "$0")/sharness.sh"

fixture_report

# probe_expect USER-UID USER-GID EUID: the setuid-probe line for a process
# whose real ids are those of the user and whose effective uid is EUID.
probe_expect () {
    echo "ruid=$1 euid=$3 suid=$3 rgid=$2 egid=$2 sgid=$2"
}

# unmunge_field FIELD FILE: the value of an unmunge metadata field.
unmunge_field () {
    sed -n "s/^$1:[[:space:]]*//p" "$2"
}

test_expect_success 'prerequisites that need root imply ROOT' '
    for p in ACCOUNTS SETUID CGROUP2; do
        if test_have_prereq $p && ! test_have_prereq ROOT; then
            echo "$p set without ROOT" && return 1
        fi
    done
'

test_expect_success 'setuid-probe reports the ids of its caller' '
    "$SETUID_PROBE" >probe.out &&
    probe_expect "$(id -u)" "$(id -g)" "$(id -u)" >probe.exp &&
    test_cmp probe.exp probe.out
'

#
# Accounts and run_as
#
test_expect_success ACCOUNTS 'test accounts exist, each with its group, home, /bin/sh' '
    for u in "$OWNER" "$GUEST"; do
        getent passwd "$u" >pw &&
        test "$(cut -d: -f7 pw)" = /bin/sh &&
        home=$(cut -d: -f6 pw) &&
        test -d "$home" &&
        test "$(stat -c %u "$home")" = "$(cut -d: -f3 pw)" &&
        test "$(getent group "$u" | cut -d: -f3)" = "$(cut -d: -f4 pw)" ||
        return 1
    done &&
    test "$OWNER_UID" != "$GUEST_UID" &&
    test "$OWNER_UID" != 0 && test "$GUEST_UID" != 0
'

# The supplementary groups of a command, from the kernel.
groups_of () {
    "$@" sed -n "s/^Groups:[[:space:]]*//p" /proc/self/status | xargs
}

test_expect_success ACCOUNTS 'run_as runs a command as the owner, with its groups and HOME' '
    run_as "$OWNER" sh -c "id -u; id -g; echo \$HOME \$USER" >id.out &&
    groups_of run_as "$OWNER" >>id.out &&
    printf "%s\n" "$OWNER_UID" "$OWNER_GID" "$OWNER_HOME $OWNER" \
        "$(id -G "$OWNER" | tr " " "\n" | sort -n | xargs)" >id.exp &&
    test_cmp id.exp id.out
'

test_expect_success ACCOUNTS 'run_as accepts a uid and refuses an unknown user' '
    test "$(run_as "$GUEST_UID" id -u)" = "$GUEST_UID" &&
    test_must_fail run_as no-such-user-xyz true
'

test_expect_success ROOT 'run_as_uid runs with a bare uid and gid, no groups' '
    run_as_uid 54321 54322 sh -c "id -u; id -g" >id.out &&
    groups_of run_as_uid 54321 54322 >>id.out &&
    printf "%s\n" 54321 54322 "" >id.exp &&
    test_cmp id.exp id.out
'

test_expect_success ACCOUNTS 'the probe in the build tree is not setuid' '
    run_as "$OWNER" "$SETUID_PROBE" >probe.out &&
    probe_expect "$OWNER_UID" "$OWNER_GID" "$OWNER_UID" >probe.exp &&
    test_cmp probe.exp probe.out
'

#
# Setuid staging
#
test_expect_success SETUID 'stage_setuid stages a root-owned 4755 copy in a 0755 dir' '
    PROBE=$(stage_setuid "$SETUID_PROBE" imp-probe) &&
    test "$(basename "$PROBE")" = imp-probe &&
    test "$(stat -c "%U:%G %a" "$PROBE")" = "root:root 4755" &&
    test "$(stat -c "%U %a" "$(dirname "$PROBE")")" = "root 755" &&
    case "$PROBE" in "$STAGE_ROOT"/flux-stage.*) ;; *) false ;; esac
'

test_expect_success SETUID,ACCOUNTS 'staged probe run by the owner: euid 0, ruid owner' '
    run_as "$OWNER" "$PROBE" >probe.out &&
    probe_expect "$OWNER_UID" "$OWNER_GID" 0 >probe.exp &&
    test_cmp probe.exp probe.out
'

test_expect_success SETUID,ACCOUNTS 'staged probe run by the guest: euid 0, ruid guest' '
    run_as "$GUEST" "$PROBE" >probe.out &&
    probe_expect "$GUEST_UID" "$GUEST_GID" 0 >probe.exp &&
    test_cmp probe.exp probe.out
'

test_expect_success SETUID 'staged probe run by a uid without an account: euid 0' '
    run_as_uid 54321 54321 "$PROBE" >probe.out &&
    probe_expect 54321 54321 0 >probe.exp &&
    test_cmp probe.exp probe.out
'

test_expect_success SETUID 'stage_make_setuid refuses files outside its staging dirs' '
    cp "$SETUID_PROBE" outside &&
    ln -s "$PROBE" link &&
    test_must_fail stage_make_setuid outside &&
    test_must_fail stage_make_setuid link &&
    test_must_fail stage_make_setuid "$(dirname "$PROBE")" &&
    test "$(stat -c %a outside)" = 755
'

test_expect_success SETUID 'stage_install installs the build into a fresh staging dir' '
    INSTALL=$(stage_install) &&
    test -d "$INSTALL" &&
    test "$INSTALL" != "$(dirname "$PROBE")" &&
    find "$INSTALL" -type d ! -perm -o+rx >bad-dirs &&
    test_must_be_empty bad-dirs
'

test_expect_success SETUID 'stage_cleanup removes one staging dir and nothing else' '
    stage_cleanup "$PROBE" &&
    test ! -e "$(dirname "$PROBE")" &&
    test -d "$INSTALL" &&
    stage_cleanup "$SHARNESS_TRASH_DIRECTORY" &&
    test -d "$SHARNESS_TRASH_DIRECTORY" &&
    stage_cleanup &&
    test ! -e "$INSTALL"
'

#
# Private munged
#
test_expect_success MUNGE 'munge_start starts a private munged that answers' '
    munge_start &&
    test "$MUNGE_SOCKET" = "$MUNGE_DIR/sock" &&
    test "$(munge_socket)" = "$MUNGE_SOCKET" &&
    munge -S "$MUNGE_SOCKET" -n | unmunge -S "$MUNGE_SOCKET" >cred.out &&
    test "$(unmunge_field STATUS cred.out)" = "Success (0)" &&
    unmunge_field UID cred.out | grep "($(id -u))\$"
'

test_expect_success MUNGE 'the daemon is ours: pid file, private 0711 directory' '
    test "$(cat "$MUNGE_DIR/pid")" = "$MUNGE_PID" &&
    test "$(stat -c "%a" "$MUNGE_DIR")" = 711 &&
    test "$(stat -c "%a" "$MUNGE_KEY")" = 600 &&
    tr "\0" "\n" </proc/$MUNGE_PID/cmdline >cmdline &&
    grep -x -- "--socket=$MUNGE_SOCKET" cmdline
'

# The harness waits for EOF on the TAP pipe: no daemon may hold it.
holds_tap_pipe () {
    tap=$(readlink /proc/$$/fd/5) &&
    case "$tap" in pipe:*) ;; *) return 1 ;; esac &&
    for fd in /proc/$1/fd/*; do
        test "$(readlink "$fd")" = "$tap" && return 0
    done
    return 1
}

test_expect_success MUNGE 'munged and spawned processes hold none of the TAP descriptors' '
    ! holds_tap_pipe "$MUNGE_PID" &&
    fixture_spawn sleep 60 &&
    test_when_finished "kill $FIXTURE_SPAWN_PID" &&
    ! holds_tap_pipe "$FIXTURE_SPAWN_PID" &&
    for fd in 3 4 5 6; do
        test ! -e /proc/$FIXTURE_SPAWN_PID/fd/$fd || return 1
    done
'

test_expect_success MUNGE 'two nodes of one cluster: encode on one, decode on the other' '
    munge_start_pair node1 node2 &&
    test "$(munge_socket node1)" != "$(munge_socket node2)" &&
    cmp "$(munge_key node1)" "$(munge_key node2)" &&
    munge -S "$(munge_socket node1)" -s "hello node2" |
        unmunge -S "$(munge_socket node2)" -m /dev/null >payload &&
    printf "hello node2" >payload.exp &&
    test_cmp payload.exp payload
'

test_expect_success MUNGE 'a credential made with another key is refused' '
    munge_start otherkey &&
    ! cmp -s "$(munge_key node1)" "$(munge_key otherkey)" &&
    munge -S "$(munge_socket otherkey)" -n >cred &&
    test_must_fail unmunge -S "$(munge_socket node1)" <cred 2>err &&
    grep "Invalid credential" err
'

test_expect_success MUNGE,ACCOUNTS 'the test users reach the socket; the credential names them' '
    run_as "$OWNER" munge -S "$MUNGE_SOCKET" -n >cred &&
    run_as "$GUEST" unmunge -S "$MUNGE_SOCKET" <cred >cred.out &&
    test "$(unmunge_field UID cred.out)" = "$OWNER ($OWNER_UID)"
'

test_expect_success MUNGE,ACCOUNTS 'a credential restricted to the guest decodes only as the guest' '
    munge -S "$MUNGE_SOCKET" -n --restrict-uid="$GUEST_UID" >cred &&
    run_as "$GUEST" unmunge -S "$MUNGE_SOCKET" <cred >cred.out &&
    test "$(unmunge_field UID_RESTRICTION cred.out)" = "$GUEST ($GUEST_UID)" &&
    test_must_fail run_as "$OWNER" unmunge -S "$MUNGE_SOCKET" <cred 2>err &&
    grep "Unauthorized credential" err
'

test_expect_success MUNGE 'munge_stop stops each daemon by its pid and removes its dir' '
    for name in munge node1 node2 otherkey; do
        pid=$(munge_pid $name) &&
        dir=$(munge_dir $name) &&
        munge_stop $name &&
        ! kill -0 "$pid" 2>/dev/null &&
        test ! -e "$dir" &&
        test_must_fail munge_socket $name || return 1
    done &&
    test -z "$MUNGE_SOCKET" &&
    munge_stop munge
'

#
# Test cgroup
#
test_expect_success CGROUP2 'CGROUP2_MOUNT is the cgroup2 file system' '
    test "$(stat -f -c %T "$CGROUP2_MOUNT")" = cgroup2fs
'

test_expect_success CGROUP2 'cgroup_create makes NAME.<pid> under it' '
    CG=$(cgroup_create imp-shell) &&
    test "$CG" = "$CGROUP2_MOUNT/imp-shell.$$" &&
    test -d "$CG" &&
    cgroup_is_test "$CG" &&
    ! cgroup_is_test "$CGROUP2_MOUNT"
'

test_expect_success CGROUP2 'cgroup_create refuses bad names and an existing cgroup' '
    test_must_fail cgroup_create ../escape &&
    test_must_fail cgroup_create "" &&
    test_must_fail cgroup_create a/b &&
    test_must_fail cgroup_create imp-shell &&
    test ! -e "$CGROUP2_MOUNT/../escape.$$"
'

test_expect_success CGROUP2 'a sleep started by the test moves into it' '
    fixture_spawn sleep 60 &&
    SLEEP_PID=$FIXTURE_SPAWN_PID &&
    cgroup_move "$SLEEP_PID" "$CG" &&
    cgroup_procs "$CG" >procs &&
    echo "$SLEEP_PID" >procs.exp &&
    test_cmp procs.exp procs &&
    grep -x "0::${CG#$CGROUP2_MOUNT}" /proc/$SLEEP_PID/cgroup
'

# A process this script did not start: its parent has exited.
test_expect_success CGROUP2 'cgroup_move refuses foreign processes and foreign cgroups' '
    ORPHAN=$(sh -c "sleep 60 </dev/null >/dev/null 2>&1 3>&- 4>&- 5>&- 6>&- &
                    echo \$!") &&
    test_when_finished "kill $ORPHAN" &&
    test_must_fail cgroup_move "$ORPHAN" "$CG" &&
    test_must_fail cgroup_move 1 "$CG" &&
    test_must_fail cgroup_move "$SLEEP_PID" "$CGROUP2_MOUNT" &&
    test_must_fail cgroup_move "$SLEEP_PID" "$CG/../x" &&
    cgroup_procs "$CG" >procs &&
    test_cmp procs.exp procs
'

test_expect_success CGROUP2 'cgroup_remove leaves a populated cgroup alone' '
    test_must_fail cgroup_remove "$CG" 2 &&
    test -d "$CG" &&
    fixture_pid_alive "$SLEEP_PID"
'

test_expect_success CGROUP2 'cgroup_kill ends the processes in the test cgroup' '
    cgroup_kill "$CG" &&
    fixture_poll 50 eval "! fixture_pid_alive $SLEEP_PID" &&
    { wait "$SLEEP_PID" || :; }
'

# A cgroup made by hand is not a test cgroup (and is empty, in case).
test_expect_success CGROUP2 'cgroup_kill and cgroup_remove refuse other cgroups' '
    mkdir "$CGROUP2_MOUNT/foreign.$$" &&
    test_when_finished "rmdir $CGROUP2_MOUNT/foreign.$$" &&
    ! cgroup_is_test "$CGROUP2_MOUNT/foreign.$$" &&
    test_must_fail cgroup_kill "$CGROUP2_MOUNT/foreign.$$" &&
    test_must_fail cgroup_remove "$CGROUP2_MOUNT/foreign.$$" &&
    test -d "$CGROUP2_MOUNT/foreign.$$" &&
    ! cgroup_is_test "$CG/" &&
    ! cgroup_is_test "$CG/../imp-shell.$$"
'

test_expect_success CGROUP2 'cgroup_remove removes it once the process has ended' '
    cgroup_remove "$CG" &&
    test ! -e "$CG" &&
    ! cgroup_is_test "$CG"
'

#
# Cleanup at exit, also when tests fail or the script is killed
#
cat >nested.t <<'EOF'
#!/bin/sh
test_description='fixture cleanup at exit (nested)'
. "$SHARNESS_TEST_SRCDIR/sharness.sh"
test_expect_success 'register a command' '
    fixture_atexit touch "$OUT/atexit ran"
'
test_expect_success MUNGE 'start munged' '
    munge_start &&
    echo "$MUNGE_PID" >"$OUT/munge-pid" &&
    echo "$MUNGE_DIR" >"$OUT/munge-dir"
'
test_expect_success 'make a staging dir' '
    stage_dir >"$OUT/stage-dir"
'
test_expect_success SETUID 'stage a setuid program' '
    stage_setuid "$SETUID_PROBE" >"$OUT/stage-setuid"
'
test_expect_success 'spawn a process' '
    fixture_spawn sleep 60 &&
    echo "$FIXTURE_SPAWN_PID" >"$OUT/spawn-pid"
'
test_expect_success CGROUP2 'put a process in a test cgroup' '
    cg=$(cgroup_create nested) &&
    echo "$cg" >"$OUT/cgroup" &&
    { sleep 60 </dev/null >/dev/null 2>&1 & } &&
    echo "$!" >"$OUT/cgroup-pid" &&
    cgroup_move "$!" "$cg"
'
case "$MODE" in
fail) test_expect_success 'fail on purpose' 'false' ;;
term) test_expect_success 'get killed' 'kill -TERM $$' ;;
esac
test_done
EOF

# check_cleaned DIR: everything the nested script recorded in DIR is gone.
check_cleaned () {
    test -f "$1/atexit ran" || { echo "atexit command did not run"; return 1; }
    for f in munge-pid spawn-pid cgroup-pid; do
        test -s "$1/$f" || continue
        if fixture_pid_alive "$(cat "$1/$f")"; then
            echo "$f $(cat "$1/$f") still running"
            return 1
        fi
    done
    for f in munge-dir stage-dir cgroup; do
        test -s "$1/$f" || continue
        if test -e "$(cat "$1/$f")"; then
            echo "$f $(cat "$1/$f") still exists"
            return 1
        fi
    done
    test -s "$1/stage-setuid" || return 0
    test ! -e "$(cat "$1/stage-setuid")"
}

# run_nested MODE: run nested.t, which must fail; its records go to out-MODE.
run_nested () {
    mkdir "out-$1" &&
    test_must_fail env MODE="$1" OUT="$PWD/out-$1" \
        SHARNESS_TEST_DIRECTORY="$PWD" sh nested.t >"nested-$1.log" 2>&1
}

test_expect_success 'fixtures are cleaned up at exit after a failed test' '
    run_nested fail &&
    grep "^not ok .* fail on purpose" nested-fail.log &&
    check_cleaned out-fail
'

test_expect_success 'fixtures are cleaned up at exit after SIGTERM' '
    run_nested term &&
    grep "FATAL: Unexpected exit" nested-term.log &&
    check_cleaned out-term
'

#
# The same script as an unprivileged user: every privileged test skips.
#
test_expect_success ROOT 'as an unprivileged user the fixtures skip cleanly' '
    mkdir unpriv &&
    chown 65534:65534 unpriv &&
    run_as_uid 65534 65534 env SHARNESS_TEST_DIRECTORY="$PWD/unpriv" \
        sh "$SHARNESS_TEST_SRCDIR/t0000-fixtures.t" >unpriv.log 2>&1 &&
    ! grep "^not ok" unpriv.log &&
    grep "^ok .* # skip .*(missing ROOT)" unpriv.log &&
    grep "^ok .* # skip .*(missing SETUID" unpriv.log &&
    grep "^ok .* # skip .*(missing CGROUP2)" unpriv.log &&
    grep "^ok .* # skip .*(missing ACCOUNTS" unpriv.log &&
    grep "^# fixture SETUID: missing: not root" unpriv.log
'

test_done
