#!/bin/sh
test_description='flux-imp against its callers: the adversarial table

test-imp-fixedpath (the installed code with its configuration directories
fixed under the build directory) is staged setuid root and attacked by the
instance owner (fluxowner), an unprivileged account; jobs are signed by the
guest (fluxguest) through a private munged.  Each row of the table at the
end of this file names an attack (a function atk_*) and its expected
outcome (functions of the expectation section): a clear refusal, or
correct operation with nothing leaked or created.  After every row, the
table checks that:
  - no marker file was written: the hostile library, the hostile programs
    and the programs that an attacker swaps in write one when they run;
  - the working directory of the attacker is still empty (no core dump,
    no malloc trace, nothing else created by the IMP);
  - no process of the staged IMP, of a job shell or of the fixture is left
    (in particular none as root).'

. "$(dirname "$0")/sharness.sh"

fixture_report

fixed_prereq PRIV SETUID,ACCOUNTS,MUNGE

# A C compiler builds the hostile shared library (LD_PRELOAD).
if command -v cc >/dev/null 2>&1; then
    test_set_prereq CC
else
    echo "# the LD_PRELOAD rows need a C compiler (cc)"
fi
PRLIMIT=$(command -v prlimit) && test_set_prereq PRLIMIT \
    || echo "# the resource limit rows need prlimit (util-linux)"
# CAP_SYS_RESOURCE (bit 24) in the bounding set: the setuid IMP can raise
# a hard RLIMIT_STACK that its caller lowered
if test $(( 0x$(sed -n "s/^CapBnd:[[:space:]]*//p" /proc/self/status) >> 24 & 1 )) = 1
then
    test_set_prereq STACK_CAP
else
    echo "# no CAP_SYS_RESOURCE here: the IMP refuses a hard RLIMIT_STACK under 64 KiB"
fi
test_have_prereq CGROUP2 \
    || echo "# the job cgroup rows need CGROUP2: $(fixture_why CGROUP2)"

#
# Fixtures
#
# FIX (root, 0755) under /tmp:
#   bin/     root-owned commands of [run.*]
#   out/     1777: what job shells and commands report
#   mark/    1777: marker files; must stay empty
#   cwd/     the attacker's working directory (owner's); must stay empty
#   atk/     the attacker's workspace (owner's): hostile programs, races
#   noread/  root, mode 000: an unreadable working directory
test_expect_success PRIV 'setup: fixture directory, munged, staged IMP, signed jobs' '
    FIX=$(mktemp -d /tmp/t0400.XXXXXX) &&
    fixture_atexit rm -rf "$FIX" &&
    chmod 755 "$FIX" &&
    mkdir "$FIX/bin" "$FIX/out" "$FIX/mark" "$FIX/cwd" "$FIX/atk" \
        "$FIX/noread" &&
    chmod 755 "$FIX/bin" && chmod 1777 "$FIX/out" "$FIX/mark" &&
    chown "$OWNER_UID:$OWNER_GID" "$FIX/cwd" "$FIX/atk" &&
    chmod 755 "$FIX/cwd" "$FIX/atk" &&
    chmod 000 "$FIX/noread" &&
    echo "$FIX" >fixdir &&
    munge_start &&
    imp_sign_conf "$FIX/sign.toml" &&
    fixture_atexit rm -rf "$FIXED_TOP" &&
    SIMP=$(stage_setuid "$FIXED_IMP" flux-imp) &&
    echo "$SIMP" >simp &&
    echo "{}" | run_as "$GUEST" "$FLUX_BUILD_DIR/src/cmd/flux-sign" \
        -c "$FIX/sign.toml" sign >J.guest &&
    imp_input "$(cat J.guest)" >"$FIX/in.guest" &&
    chmod 644 "$FIX/in.guest"
'
FIX=$(cat fixdir 2>/dev/null)
SIMP=$(cat simp 2>/dev/null)
OUT=$FIX/out
MARK=$FIX/mark
CWD=$FIX/cwd
ATK=$FIX/atk
IN=$FIX/in.guest
CALLER_UMASK=$(umask)

# The IMP configuration: exec for the owner with /bin/sh; the commands of
# run; [run.atk], a command in a directory of the attacker (race rows).
imp_conf () {
    cat <<-EOF
	[exec]
	allowed-users = ["$OWNER"]
	allowed-shells = ["/bin/sh"]
	[run.cmd]
	path = "$FIX/bin/cmd"
	allowed-users = ["$OWNER"]
	allowed-environment = ["TEST_*"]
	[run.star]
	path = "$FIX/bin/cmd"
	allowed-users = ["$OWNER"]
	allowed-environment = ["*"]
	[run.closed]
	path = "$FIX/bin/closed"
	allowed-users = ["$OWNER"]
	[run.writer]
	path = "$FIX/bin/writer"
	allowed-users = ["$OWNER"]
	[run.atk]
	path = "$ATK/rootsub/prog"
	allowed-users = ["$OWNER"]
	EOF
}

# The first line of every hostile program: it writes the marker
# MARK/<its name>.<uid>.<euid>.<pid>.
MARK_CMD=": >$MARK/\${0##*/}.\$(/usr/bin/id -ru).\$(/usr/bin/id -u).\$\$"

test_expect_success PRIV 'setup: the configuration, the commands, the hostile programs' '
    imp_conf | imp_fixed_conf "$FIX/sign.toml" &&
    cat >"$FIX/bin/cmd" <<-\EOF &&
	#!/bin/sh
	echo "ran $(id -u) $(pwd -P) $(umask)"
	echo "stack $(ulimit -S -s) $(ulimit -H -s)"
	tr "\0" "\n" </proc/$$/environ | sed "s/^/env /"
	EOF
    cat >"$FIX/bin/closed" <<-EOF &&
	#!/bin/sh
	echo "ran \$(id -u) \$(readlink /proc/\$\$/fd/0 /proc/\$\$/fd/1 /proc/\$\$/fd/2 | tr "\\n" " ")" >$OUT/closed
	EOF
    cat >"$FIX/bin/writer" <<-EOF &&
	#!/bin/sh
	echo begin >$OUT/writer || exit 3
	echo end >>$OUT/writer
	EOF
    chmod 755 "$FIX/bin/cmd" "$FIX/bin/closed" "$FIX/bin/writer" &&
    cat >"$FIX/helper" <<-EOF &&
	#!/bin/sh
	# FLUX_IMP_EXEC_HELPER of the window rows: says that it runs (its
	# parent is the unprivileged half), waits for OUT/go (10 s at most),
	# then prints the input.
	echo \$PPID >$OUT/helper.tmp && mv $OUT/helper.tmp $OUT/helper
	i=0
	while ! test -e $OUT/go && test \$i -lt 200; do
	    sleep 0.05
	    i=\$((i + 1))
	done
	exec cat $IN
	EOF
    printf "#!/bin/sh\nexec cat %s\n" "$IN" >"$FIX/helper.now" &&
    chmod 755 "$FIX/helper" "$FIX/helper.now" &&
    mkdir "$ATK/bin" &&
    for p in id sh env cat tr sed sleep pwd readlink ls; do
        printf "#!/bin/sh\n%s\nexec /bin/%s \"\$@\"\n" "$MARK_CMD" $p \
            >"$ATK/bin/$p" || return 1
    done &&
    chmod 755 "$ATK/bin"/* &&
    chown -R "$OWNER_UID:$OWNER_GID" "$ATK/bin"
'

# evil.so: a constructor writes MARK/so.<uid>.<euid>.<pid> when loaded.
test_expect_success PRIV,CC 'setup: the hostile shared library' '
    cat >evil.c <<-EOF &&
	#include <fcntl.h>
	#include <stdio.h>
	#include <unistd.h>
	__attribute__ ((constructor)) static void mark (void)
	{
	    char p[4096];
	    snprintf (p, sizeof (p), "%s/so.%d.%d.%d", "$MARK", (int)getuid (),
	              (int)geteuid (), (int)getpid ());
	    close (open (p, O_CREAT | O_WRONLY, 0644));
	}
	EOF
    cc -shared -fPIC -o "$FIX/evil.so" evil.c &&
    chmod 755 "$FIX/evil.so"
'
EVIL_SO=$FIX/evil.so

#
# Running the IMP as the attacker
#
# as_owner CMD...: exec CMD as the owner (as run_as, but replacing the
# calling (sub)shell, so that $! of "( ... as_owner ... ) &" is the IMP).
as_owner () {
    HOME=$OWNER_HOME USER=$OWNER LOGNAME=$OWNER exec setpriv \
        --reuid="$OWNER_UID" --regid="$OWNER_GID" --init-groups -- "$@"
}

# attempt CMD...: run CMD (the IMP as the owner, with its environment and
# limits) in CWD, stdin from IN; stdout through a pipe (as flux-core
# gives it, and out of the reach of RLIMIT_FSIZE) into "out", stderr into
# "err"; RC is its exit status.
attempt () {
    { (cd "$CWD" && "$@") <"$IN" 2>err 3>&- 4>&- 5>&- 6>&- 7>&- 8>&- 9>&-
      echo $? >rc; } | cat >out
    RC=$(cat rc)
}

# The job shell: reports its user, working directory, umask and initial
# environment on stdout; argv[0] t0400job names it for the stray check.
JOB='echo ran $(/usr/bin/id -u) $(/bin/pwd) $(umask); echo stack $(ulimit -S -s) $(ulimit -H -s); /usr/bin/tr "\0" "\n" </proc/$$/environ | /bin/sed "s/^/env /"'
JOBNAME=t0400job

#
# Checks after every row
#
# strays_now: no process is left that runs the staged IMP, or whose
# command line names a job shell (JOBNAME) or a file of FIX (helpers,
# commands, attackers)
strays_now () {
    {
        find /proc -mindepth 2 -maxdepth 2 -name exe -lname "$SIMP*" \
            2>/dev/null | cut -d/ -f3
        printf "%s\n%s/\n" "$JOBNAME" "$FIX" >"$FIX/strays.pat"
        grep -l -F -f "$FIX/strays.pat" /proc/[0-9]*/cmdline 2>/dev/null \
            | cut -d/ -f3
    } | sort -u >strays
    _s=
    while read -r _p; do
        fixture_pid_alive "$_p" && _s="$_s $_p"
    done <strays
    test -z "$_s"
}

no_strays () {
    fixture_poll 50 strays_now || {
        echo "processes left:"
        ps -o pid,ruid,euid,stat,args -p "$(cat strays | xargs | tr " " ,)"
        return 1
    }
}

no_markers () {
    test -z "$(ls -A "$MARK")" || {
        echo "markers written:" $(ls -A "$MARK")
        return 1
    }
}

cwd_untouched () {
    test -z "$(ls -A "$CWD")" || {
        echo "created in the caller's directory:" $(ls -A "$CWD")
        return 1
    }
}

row_reset () {
    test -n "$FIX" && test -d "$FIX" &&
    rm -rf "${OUT:?}"/* "${MARK:?}"/* && rm -f out err rc && RC=
}

row_clean () {
    no_markers && cwd_untouched && no_strays
}

# row PREREQS ATTACK EXPECTED: one row of the table; ATTACK and EXPECTED
# are commands (functions below), evaluated when the row runs.
row () {
    test_expect_success "$1" "$2  =>  $3" "
        row_reset &&
        $2 &&
        $3 &&
        row_clean
    "
}

#
# Expected outcomes
#
exits () {
    echo "exit status $RC, expected $1"
    test "$RC" = "$1" || {
        echo "stderr:" && cat err
        return 1
    }
}
# refused CODE TEXT: exit CODE, nothing on stdout, stderr ends with the
# Fatal TEXT
refused () {
    exits "$1" &&
    test_must_be_empty out &&
    tail -n 1 err >err.last &&
    echo "flux-imp: Fatal: $2" >expected &&
    test_cmp expected err.last
}
# killed SIG: the IMP died of SIG
killed () {
    echo "exit status $RC, expected death by SIG$1" &&
    test "$RC" -gt 128 &&
    test "$(kill -l "$RC")" = "$1"
}
# job_ran [CODE [UMASK]]: the job shell ran as the guest in /, the IMP exits
# CODE (default 0), stderr is empty
job_ran () {
    exits "${1:-0}" &&
    grep "^ran $GUEST_UID / ${2:-$CALLER_UMASK}\$" out &&
    test_must_be_empty err
}
no_job () {
    ! grep "^ran " out
}
# shell_lacks VAR...: none of the variables is in the job shell's environment
shell_lacks () {
    for _v; do
        ! grep "^env $_v=" out || return 1
    done
}
# shell_gets VAR=VALUE...: each is in the job shell's environment, exactly
shell_gets () {
    for _v; do
        grep -qxF "env $_v" out || {
            echo "not passed: $_v"
            return 1
        }
    done
}
# cmd_ran [UMASK]: the command of run ran as root in /
cmd_ran () {
    exits 0 &&
    grep "^ran 0 / ${1:-0022}\$" out
}
# cmd_lacks / cmd_gets: as shell_lacks / shell_gets, for the command of run
cmd_lacks () {
    shell_lacks "$@"
}
cmd_gets () {
    shell_gets "$@"
}
# same_as_plain: the hostile variable changed nothing the IMP does: exit
# 0, nothing on stderr, the job shell ran as the guest in /
same_as_plain () {
    job_ran
}
# job_file_ran: the job shell (which wrote OUT/job, its stdout being
# unusable) ran as the guest in /, with 0-2 on /dev/null or /dev/full
job_file_ran () {
    exits 0 &&
    cat "$OUT/job" &&
    grep "^ran $GUEST_UID / $CALLER_UMASK /dev/\(null\|full\) /dev/null /dev/null\$" \
        "$OUT/job"
}
# closed_cmd_ran: the command of run (run.closed) ran as root, with 0-2 on
# /dev/null or /dev/full
closed_cmd_ran () {
    exits 0 &&
    cat "$OUT/closed" &&
    grep "^ran 0 /dev/\(null\|full\) /dev/null /dev/null \$" "$OUT/closed"
}
# loader_refused: the dynamic loader could not start the IMP (exit 127,
# its message); nothing of the IMP ran
loader_refused () {
    exits 127 &&
    test_must_be_empty out &&
    grep "error while loading shared libraries: .*: Error 24\$" err
}
# dies_of SIG OR_EXIT: the IMP exited OR_EXIT or died of SIG
ends_with () {
    echo "exit status $RC, expected $1 or death by SIG$2" &&
    { test "$RC" = "$1" || { test "$RC" -gt 128 && test "$(kill -l "$RC")" = "$2"; }; }
}
# version_printed: version ran normally
# stack_is SOFT HARD: the job shell or command got the caller's
# RLIMIT_STACK back (KiB)
stack_is () {
    grep -x "stack $1 $2" out
}
version_printed () {
    exits 0 &&
    grep "^flux-imp v" out &&
    test_must_be_empty err
}
# job_ran_or_refused CODE TEXT: the job ran, or the IMP said TEXT and
# exited CODE
job_ran_or_refused () {
    if test "$RC" = 0; then
        job_ran
    else
        exits "$1" &&
        grep -x "flux-imp: Fatal: $2" err
    fi
}
# control_marker NAME: (a control) the marker NAME.* was written; removed
control_marker () {
    ls "$MARK" >markers &&
    grep "^$1\." markers &&
    rm -f "${MARK:?}"/*
}
# refused_cut TEXT: exit 1, one line on stderr, the Fatal TEXT... cut at
# the IMP's limit of 4095 bytes of text (ends with +)
refused_cut () {
    exits 1 &&
    test "$(wc -l <err)" = 1 &&
    test "$(wc -c <err)" -le $((17 + 4095 + 1)) &&
    grep "^flux-imp: Fatal: $1.*+\$" err
}

#
# Attacks
#
# imp_exec [VAR=VALUE...]: exec of the job shell JOB, with VAR=VALUE added
# to the environment of the IMP.
imp_exec () {
    attempt as_owner env "$@" "$SIMP" exec /bin/sh -c "$JOB" "$JOBNAME"
}
# imp_exec_sh SCRIPT [ARG...]: exec of the job shell /bin/sh -c SCRIPT
imp_exec_sh () {
    _script=$1
    shift
    attempt as_owner "$SIMP" exec /bin/sh -c "$_script" "$JOBNAME" "$@"
}
# imp_run NAME [VAR=VALUE...]: run NAME
imp_run () {
    _name=$1
    shift
    attempt as_owner env "$@" "$SIMP" run "$_name"
}

# The job shell of the rows where its stdout is not usable: it reports in
# OUT/job, with the files of its descriptors 0-2.
JOB_FILE="echo ran \$(/usr/bin/id -u) \$(/bin/pwd) \$(umask) \$(/bin/readlink /proc/\$\$/fd/0 /proc/\$\$/fd/1 /proc/\$\$/fd/2 | /usr/bin/tr '\\n' ' ') >$OUT/job"

# atk_closed FDS WHAT: the IMP started with the descriptors FDS (of 0 1 2)
# closed.  WHAT: exec (the input on stdin), exec-helper (the input from
# FLUX_IMP_EXEC_HELPER; the job shell reports in OUT/job), run NAME,
# version.
atk_closed () {
    _r=
    for _fd in $1; do
        _r="$_r $_fd>&-"
    done
    shift
    case $1 in
    exec) set -- "$SIMP" exec /bin/sh -c "$JOB" "$JOBNAME" ;;
    exec-helper) set -- env FLUX_IMP_EXEC_HELPER="$FIX/helper.now" \
        "$SIMP" exec /bin/sh -c "$JOB_FILE" "$JOBNAME" ;;
    run) set -- "$SIMP" run "$2" ;;
    version) set -- "$SIMP" version ;;
    esac
    eval "{ (cd \"\$CWD\" && as_owner \"\$@\") <\"\$IN\" 2>err 3>&- 4>&- \
        5>&- 6>&- 7>&- 8>&- 9>&- $_r; echo \$? >rc; } | cat >out"
    RC=$(cat rc)
}

# atk_env_exec VAR=VALUE...: exec with hostile variables set by the caller
atk_env_exec () {
    imp_exec "$@"
}
# atk_env_run NAME VAR=VALUE...: run NAME with hostile variables
atk_env_run () {
    imp_run "$@"
}
# the control of the LD_PRELOAD rows: the owner preloads evil.so into an
# ordinary program
atk_preload_control () {
    attempt as_owner env LD_PRELOAD="$EVIL_SO" /bin/true
}

BIG=$(head -c 122880 /dev/zero | tr "\0" x)
# atk_big_arg: a 120 KiB argument to the job shell (MAX_ARG_STRLEN is
# 128 KiB)
atk_big_arg () {
    imp_exec_sh "$JOB; echo arglen \${#1}" "$BIG"
}
# atk_big_run_name: a 120 KiB NAME to run
atk_big_run_name () {
    attempt as_owner "$SIMP" run "$BIG"
}
# atk_big_env: a 120 KiB variable
atk_big_env () {
    imp_exec FLUX_BIG="$BIG"
}
# atk_many_vars N: N variables TEST_V<i>=<i>
atk_many_vars () {
    attempt as_owner env $(seq 1 "$1" | sed "s/.*/TEST_V&=&/") \
        "$SIMP" exec /bin/sh -c "$JOB" "$JOBNAME"
}
# atk_near_arg_max: 4000-byte variables up to 16 KiB short of the
# kernel's limit on argv + environ (ARG_MAX; the strings and their
# pointers), counting what this script passes along
atk_near_arg_max () {
    _max=$(getconf ARG_MAX) &&
    _used=$(( $(env | wc -c) + 8 * $(env | wc -l) + 4096 )) &&
    _n=$(( (_max - _used - 16384) / (4000 + 8) )) &&
    _v=$(head -c 3990 /dev/zero | tr "\0" v) &&
    echo "$_n variables of 4000 bytes (ARG_MAX $_max)" &&
    NEAR_N=$_n &&
    attempt as_owner env $(seq 1 "$_n" | sed "s/.*/TEST_V&=$_v/") \
        "$SIMP" exec /bin/sh -c "$JOB" "$JOBNAME"
}
# count_vars N: the job shell received N TEST_V variables
count_vars () {
    echo "variables received: $(grep -c "^env TEST_V[0-9]*=" out), sent $1" &&
    test "$(grep -c "^env TEST_V[0-9]*=" out)" = "$1"
}

# atk_rlimit OPTIONS WHAT...: the owner lowers its limits with prlimit
# OPTIONS, then starts the IMP: WHAT is exec, exec-helper, run NAME or
# version.
atk_rlimit () {
    _opts=$1
    shift
    case $1 in
    exec) set -- "$SIMP" exec /bin/sh -c "$JOB" "$JOBNAME" ;;
    exec-helper) set -- env FLUX_IMP_EXEC_HELPER="$FIX/helper.now" \
        "$SIMP" exec /bin/sh -c "$JOB" "$JOBNAME" ;;
    exec-nofork) set -- "$SIMP" exec /bin/sh -c "$JOB_NOFORK" "$JOBNAME" ;;
    run) set -- "$SIMP" run "$2" ;;
    version) set -- "$SIMP" version ;;
    version-noenv)
        # the environment emptied before prlimit lowers the stack: under
        # the low limit, even env(1) can die in the loader
        attempt as_owner env -i "$PRLIMIT" $_opts -- "$SIMP" version
        return ;;
    esac
    attempt as_owner prlimit $_opts -- "$@"
}
# atk_rlimit_times N OPTIONS WHAT...: atk_rlimit N times, until one
# attempt fails (a tiny stack crashes at random, with the address layout)
atk_rlimit_times () {
    _times=$1
    shift
    while test "$_times" -gt 0; do
        atk_rlimit "$@"
        test "$RC" = 0 || return 0
        _times=$((_times - 1))
    done
}
STACK_REFUSED="the stack limit (RLIMIT_STACK) of 32768 bytes is below the 65536 that flux-imp needs"
# atk_rlimit_file OPTIONS: version with its output in a regular file
atk_rlimit_file () {
    (cd "$CWD" && as_owner prlimit $1 -- "$SIMP" version) \
        >"$OUT/version.out" 2>"$OUT/version.err" </dev/null \
        3>&- 4>&- 5>&- 6>&- 7>&- 8>&- 9>&-
    RC=$?
    : >out
    : >err
}
# A job shell that forks nothing (it runs with the caller's RLIMIT_NPROC,
# now counted for the guest): it prints its real uid
JOB_NOFORK='while read -r k v rest; do test "$k" = Uid: && echo "uid $v"; done </proc/$$/status; exit 0'
# job_nofork_ran: the IMP started it as the guest; or the kernel refused
# to execute it (the guest's processes are over the limit too)
job_nofork_ran () {
    if test "$RC" = 127; then
        grep -x "flux-imp: Fatal: /bin/sh: Resource temporarily unavailable" err
    else
        exits 0 &&
        grep -x "uid $GUEST_UID" out &&
        test_must_be_empty err
    fi
}
# atk_nproc WHAT...: RLIMIT_NPROC set to the number of processes of the
# owner, the IMP included: reached, no more may be forked as the owner
atk_nproc () {
    _n=$(ps -eLo ruid= | grep -c "^ *$OWNER_UID\$")
    _n=$((_n + 1)) &&
    echo "RLIMIT_NPROC=$_n" &&
    atk_rlimit "--nproc=$_n:$_n" "$@"
}

# with_umask MASK CMD...: run CMD with umask MASK
with_umask () {
    umask "$1"
    shift
    "$@"
}
# atk_umask MASK WHAT...: the owner's umask is MASK; WHAT is exec or run NAME
atk_umask () {
    _mask=$1
    case $2 in
    exec) set -- "$SIMP" exec /bin/sh -c "$JOB" "$JOBNAME" ;;
    run) set -- "$SIMP" run "$3" ;;
    esac
    attempt with_umask "$_mask" as_owner "$@"
}

# atk_noread_cwd WHAT...: the owner's working directory is FIX/noread,
# root's, mode 000; WHAT is exec, run NAME or version
atk_noread_cwd () {
    case $1 in
    exec) set -- "$SIMP" exec /bin/sh -c "$JOB" "$JOBNAME" ;;
    run) set -- "$SIMP" run "$2" ;;
    version) set -- "$SIMP" version ;;
    esac
    { (cd "$FIX/noread" && as_owner "$@") <"$IN" 2>err 3>&- 4>&- 5>&- \
        6>&- 7>&- 8>&- 9>&-; echo $? >rc; } | cat >out
    RC=$(cat rc)
}
noread_untouched () {
    test -z "$(ls -A "$FIX/noread")"
}

ppid_of () {
    sed -n "s/^PPid:[[:space:]]*//p" "/proc/$1/status"
}
state_of () {
    sed "s/^.*) //" "/proc/$1/stat" 2>/dev/null | cut -d" " -f1
}
# settled PID: PID is stopped, a zombie or gone
settled () {
    case $(state_of "$1") in
    T | t | Z | X | '') return 0 ;;
    esac
    return 1
}
is_stopped () {
    case $(state_of "$1") in
    T | t) return 0 ;;
    esac
    return 1
}

# start_window: start the IMP as the owner in the background, its input
# from the helper, which waits for OUT/go: the privileged window, in
# which the privileged IMP waits for its unprivileged half.  IMP_PID is
# the privileged IMP, CHILD_PID its unprivileged half.  The owner's
# core file size limit is unlimited (the core dump rows).
start_window () {
    rm -f "$OUT/helper" "$OUT/go"
    (cd "$CWD" && as_owner env FLUX_IMP_EXEC_HELPER="$FIX/helper" \
        prlimit --core=unlimited -- \
        "$SIMP" exec /bin/sh -c "$JOB" "$JOBNAME") </dev/null >out 2>err \
        3>&- 4>&- 5>&- 6>&- 7>&- 8>&- 9>&- &
    IMP_PID=$!
    fixture_poll 100 test -s "$OUT/helper" &&
    CHILD_PID=$(cat "$OUT/helper") &&
    test "$(ppid_of "$CHILD_PID")" = "$IMP_PID" &&
    test "$(cat /proc/$IMP_PID/comm)" = flux-imp
}

# The job shell of the rows that signal the IMP while the job runs: it
# traps every signal it can (but CHLD), and records each in OUT/sigs;
# it waits for OUT/go (15 s at most).
TRAPPED="HUP INT QUIT ILL TRAP ABRT BUS FPE USR1 SEGV USR2 PIPE ALRM TERM 16 CONT TSTP TTIN TTOU URG XCPU XFSZ VTALRM PROF WINCH IO PWR SYS RTMIN RTMAX"
JOB_TRAP="for s in $TRAPPED; do trap \"echo \$s >>$OUT/sigs\" \$s; done
echo \$\$ >$OUT/job.tmp && mv $OUT/job.tmp $OUT/job.pid
i=0
while ! test -e $OUT/go && test \$i -lt 300; do /bin/sleep 0.05; i=\$((i + 1)); done
$JOB"

# start_job: start the IMP as the owner in the background with the job
# shell JOB_TRAP; return once the shell runs.  IMP_PID, SHELL_PID.
start_job () {
    rm -f "$OUT/job.pid" "$OUT/go" "$OUT/sigs"
    (cd "$CWD" && as_owner prlimit --core=unlimited -- \
        "$SIMP" exec /bin/sh -c "$JOB_TRAP" "$JOBNAME") <"$IN" >out 2>err \
        3>&- 4>&- 5>&- 6>&- 7>&- 8>&- 9>&- &
    IMP_PID=$!
    fixture_poll 100 test -s "$OUT/job.pid" &&
    SHELL_PID=$(cat "$OUT/job.pid") &&
    test "$(ppid_of "$SHELL_PID")" = "$IMP_PID"
}

# finish_bg: wait (15 s at most, then SIGKILL) for the IMP started in the
# background; RC
finish_bg () {
    fixture_poll 150 settled_not_stopped "$IMP_PID" ||
        kill -s KILL "$IMP_PID"
    wait "$IMP_PID"
    RC=$?
}
settled_not_stopped () {
    settled "$1" && ! is_stopped "$1"
}

# atk_signal_window SIG: SIG to the privileged IMP while it waits for its
# unprivileged half.  If it stops (STOPPED=yes), nothing may happen while
# it is stopped; then it gets SIGCONT.
atk_signal_window () {
    STOPPED=
    start_window && kill -$1 "$IMP_PID" || return 1
    fixture_poll 5 settled "$IMP_PID"
    if is_stopped "$IMP_PID"; then
        STOPPED=yes
        touch "$OUT/go" &&
        sleep 0.3 &&
        ! grep "^ran " out &&
        is_stopped "$IMP_PID" &&
        kill -s CONT "$IMP_PID" || return 1
    fi
    touch "$OUT/go" &&
    finish_bg
}
# atk_signal_child SIG: SIG to the unprivileged half in the same window
atk_signal_child () {
    start_window &&
    kill -$1 "$CHILD_PID" &&
    touch "$OUT/go" &&
    finish_bg
}
# atk_signal_job SIG: SIG to the privileged IMP while the job shell runs
atk_signal_job () {
    STOPPED=
    start_job && kill -$1 "$IMP_PID" || return 1
    fixture_poll 3 test -s "$OUT/sigs"
    if is_stopped "$IMP_PID"; then
        STOPPED=yes
        kill -s CONT "$IMP_PID" &&
        fixture_poll 10 test -s "$OUT/sigs" || return 1
    fi
    touch "$OUT/go" &&
    finish_bg
}

# Expected outcomes of the signal rows
window_killed () {
    killed "$1" &&
    echo "stderr:" && cat err &&
    no_job
}
window_ignored () {
    job_ran
}
# window_stopped: the IMP stopped, did nothing meanwhile, and went on
# after SIGCONT (a process group orphaned in the test harness would
# discard SIGTSTP, SIGTTIN and SIGTTOU: then ignored is the outcome)
window_stopped () {
    echo "stopped: ${STOPPED:-no}" &&
    { test "$STOPPED" = yes || test "$1" != STOP; } &&
    job_ran
}
# forwarded SIG: the job shell got SIG (and nothing else), and ended
# normally
forwarded () {
    echo "the job shell got: $(cat "$OUT/sigs" 2>/dev/null | xargs)" &&
    echo "$1" >expected &&
    test_cmp expected "$OUT/sigs" &&
    job_ran
}
# not_forwarded: the IMP blocked it: the job shell got nothing and ended
# normally
not_forwarded () {
    echo "the job shell got: $(cat "$OUT/sigs" 2>/dev/null | xargs)" &&
    ! test -e "$OUT/sigs" &&
    job_ran
}
# stopped_then_forwards_cont: SIGSTOP stopped the IMP; the SIGCONT that
# resumed it was forwarded
stopped_then_forwards_cont () {
    test "$STOPPED" = yes &&
    forwarded CONT
}
# job_killed: SIGUSR1 killed the job, the IMP exits as killed by SIGKILL
job_killed () {
    killed KILL &&
    no_job &&
    ! test -e "$OUT/sigs"
}
# imp_killed_job_goes_on: SIGKILL cannot be blocked: the IMP died; the
# job shell, the guest's, was not signaled and ended by itself
imp_killed_job_goes_on () {
    killed KILL &&
    fixture_poll 50 grep "^ran $GUEST_UID / " out &&
    ! test -e "$OUT/sigs"
}

# The ptrace probe, run as the owner: for each pid, PTRACE_ATTACH and
# PTRACE_SEIZE, then opening /proc/PID/mem and /proc/PID/environ and
# listing /proc/PID/fd; one line "PID WHAT ok|ERRNO" each.
PTRACE_PY='
import ctypes, errno, os, sys
libc = ctypes.CDLL(None, use_errno=True)
libc.ptrace.argtypes = [ctypes.c_long, ctypes.c_long, ctypes.c_void_p,
                        ctypes.c_void_p]
for pid in map(int, sys.argv[1:]):
    for what, req in (("attach", 16), ("seize", 0x4206)):
        if libc.ptrace(req, pid, None, None) == 0:
            print(pid, what, "ok")
            if req == 16:
                os.waitpid(pid, 0x40000000)
            libc.ptrace(17, pid, None, None)
        else:
            print(pid, what, errno.errorcode[ctypes.get_errno()])
    for what in ("mem", "environ", "fd"):
        try:
            if what == "fd":
                os.listdir("/proc/%d/fd" % pid)
            else:
                with open("/proc/%d/%s" % (pid, what), "rb") as f:
                    if what == "environ":
                        f.read(1)
            print(pid, what, "ok")
        except OSError as e:
            print(pid, what, errno.errorcode[e.errno])
'
ptrace_probe () {
    run_as "$OWNER" "$PY" -c "$PTRACE_PY" "$@" >ptrace.out 2>&1
    cat ptrace.out
}
# atk_ptrace WHEN: the owner tries to trace the IMP, and to read its
# memory, environment and descriptors: in the privileged window (the
# privileged IMP and its unprivileged half), or while the job runs
atk_ptrace () {
    case $1 in
    window)
        start_window && ptrace_probe "$IMP_PID" "$CHILD_PID" || return 1
        ;;
    job)
        start_job && ptrace_probe "$IMP_PID" || return 1
        ;;
    esac
    touch "$OUT/go" &&
    finish_bg
}
# is_sleep PID: PID runs sleep (setpriv and prlimit have exec'ed it)
is_sleep () {
    test "$(cat /proc/$1/comm 2>/dev/null)" = sleep
}
# the control: the owner traces a process of its own
atk_ptrace_control () {
    (cd "$CWD" && as_owner /bin/sleep 30) </dev/null >/dev/null 2>&1 \
        3>&- 4>&- 5>&- 6>&- 7>&- 8>&- 9>&- &
    _sleep=$!
    fixture_poll 50 is_sleep "$_sleep"
    ptrace_probe "$_sleep"
    kill -s KILL "$_sleep"
    wait "$_sleep"
    RC=0
}
# ptrace_denied: every probe failed (EPERM or EACCES); the job then ran
ptrace_denied () {
    test -s ptrace.out &&
    ! grep -v " \(EPERM\|EACCES\)\$" ptrace.out &&
    grep -q " attach EPERM\$" ptrace.out &&
    job_ran
}
ptrace_allowed () {
    grep " attach ok\$" ptrace.out &&
    grep " mem ok\$" ptrace.out &&
    grep " environ ok\$" ptrace.out
}

# atk_core WHO SIG: the owner, with an unlimited core file size, sends
# SIG (which dumps core by default) to the privileged IMP (imp) or its
# unprivileged half (child) in the privileged window, or to the
# privileged IMP while the job runs (job)
atk_core () {
    case $1 in
    imp) start_window && kill -s "$2" "$IMP_PID" ;;
    child) start_window && kill -s "$2" "$CHILD_PID" ;;
    job) start_job && kill -s "$2" "$IMP_PID" && sleep 0.2 ;;
    esac || return 1
    touch "$OUT/go" &&
    finish_bg
}
# atk_core_control: the same for a process of the owner (control)
atk_core_control () {
    (cd "$CWD" && as_owner prlimit --core=unlimited -- /bin/sleep 30) \
        </dev/null >/dev/null 2>&1 3>&- 4>&- 5>&- 6>&- 7>&- 8>&- 9>&- &
    _sleep=$!
    fixture_poll 50 is_sleep "$_sleep" &&
    kill -s SEGV "$_sleep"
    wait "$_sleep"
    RC=$?
}
# core_written: (control) a core file appeared in the working directory
core_written () {
    killed SEGV &&
    ls "$CWD" >cores &&
    grep "^core" cores &&
    rm -f "${CWD:?}"/core*
}
# no_core_killed SIG: the IMP died of SIG (its default action dumps core):
# row_clean checks that no core file was written
no_core_killed () {
    window_killed "$1"
}
# child_failed SIGNUM: the unprivileged half died of signal SIGNUM: the
# IMP says so, exits 1 and starts nothing
child_failed () {
    exits 1 &&
    tail -n 1 err &&
    tail -n 1 err | grep "^flux-imp: Fatal: unprivileged child killed by signal $1 (" &&
    no_job
}

# atk_job_ends SCRIPT: the job shell is /bin/sh -c SCRIPT (it ends before
# the IMP waits for it); the owner's core file size is unlimited.
# AWAY_AT_EXIT: OUT/away existed when the IMP exited.
atk_job_ends () {
    attempt as_owner prlimit --core=unlimited -- \
        "$SIMP" exec /bin/sh -c "$1" "$JOBNAME"
    AWAY_AT_EXIT=
    if test -e "$OUT/away"; then
        AWAY_AT_EXIT=yes
    fi
}
# a job shell that forks away (twice) a process that ends 2 s later,
# writing OUT/away
FORK_AWAY="( (/bin/sleep 2; echo away >$OUT/away) </dev/null >/dev/null 2>&1 & ) ; exit 0"
# atk_job_forks_away_cgroup: the same, the IMP started in the job cgroup
# JOBCG (a gate process is moved there first, then execs the IMP)
atk_job_forks_away_cgroup () {
    rm -f gate && mkfifo gate &&
    (read -r _x <gate && cd "$CWD" && as_owner "$SIMP" exec /bin/sh \
        -c "$FORK_AWAY" "$JOBNAME") <"$IN" >out 2>err \
        3>&- 4>&- 5>&- 6>&- 7>&- 8>&- 9>&- &
    IMP_PID=$!
    cgroup_move "$IMP_PID" "$JOBCG" &&
    echo go >gate &&
    finish_bg &&
    AWAY_AT_EXIT= &&
    if test -e "$OUT/away"; then
        AWAY_AT_EXIT=yes
    fi
}
did_not_wait () {
    exits 0 &&
    echo "OUT/away at the IMP exit: ${AWAY_AT_EXIT:-no}" &&
    test -z "$AWAY_AT_EXIT"
}
waited_for_it () {
    exits 0 &&
    test_must_be_empty err &&
    echo "OUT/away at the IMP exit: ${AWAY_AT_EXIT:-no}" &&
    test "$AWAY_AT_EXIT" = yes &&
    test -z "$(cgroup_procs "$JOBCG")"
}

# Races.  What an unprivileged owner can actually swap: entries of a
# directory it owns, or of a sticky directory where it may add and remove
# its own files (but not root's).  Each race runs the attacker's loop
# (as the owner, in the background) for SECONDS, while the IMP is run
# again and again; every outcome goes to race.log, one line each:
# "NAME STATUS last line of stderr | first line of stdout".
race_attempts () {
    _end=$(( $(date +%s) + $1 ))
    shift
    : >race.log
    while test "$(date +%s)" -lt "$_end"; do
        for _name; do
            imp_run "$_name"
            echo "$_name $RC $(tail -n 1 err) | $(head -n 1 out)" >>race.log
        done
    done
    wc -l <race.log >race.count
    sort race.log | uniq -c
}
# start_attacker SCRIPT: run SCRIPT (sh) as the owner in the background;
# ATTACKER_PID
start_attacker () {
    printf "%s\n" "$1" >"$ATK/attacker.sh" &&
    chown "$OWNER_UID" "$ATK/attacker.sh" &&
    run_as "$OWNER" /bin/sh "$ATK/attacker.sh" </dev/null >attacker.log 2>&1 \
        3>&- 4>&- 5>&- 6>&- 7>&- 8>&- 9>&- &
    ATTACKER_PID=$!
}
stop_attacker () {
    fixture_poll 100 eval '! fixture_pid_alive $ATTACKER_PID'
    kill -s KILL "$ATTACKER_PID" 2>/dev/null
    wait "$ATTACKER_PID"
    cat attacker.log
}

# atk_race_run_path SECONDS: [run.atk] names ATK/rootsub/prog, where
# rootsub and prog are root's but ATK is the owner's: the owner swaps
# rootsub for a directory of its own (with its own prog) and for a
# symbolic link to it, and puts root's back, in a loop.  Root's prog and
# the owner's both write a marker if run.
atk_race_run_path () {
    start_attacker "cd $ATK || exit 1
end=\$((\$(date +%s) + $1))
while test \$(date +%s) -lt \$end; do
    mv rootsub rootsub.real && cp -R evilsub rootsub
    rm -rf rootsub && ln -s evilsub rootsub
    rm -f rootsub && mv rootsub.real rootsub
    sleep 0.01
done" &&
    race_attempts "$1" atk
    stop_attacker
    if test -e "$ATK/rootsub.real"; then
        rm -rf "$ATK/rootsub" && mv "$ATK/rootsub.real" "$ATK/rootsub"
    fi
}
# atk_race_confdir_owned SECONDS: the IMP configuration directory is made
# the owner's (an administrator's mistake): the owner swaps imp.toml for
# its own file, and for a symbolic link to a root-owned file, both with a
# [run.evil] that runs FIX/bin/evil as root; and puts root's back
atk_race_confdir_owned () {
    chown "$OWNER_UID" "$FIXED_CONFD" &&
    start_attacker "cd $FIXED_CONFD || exit 1
end=\$((\$(date +%s) + $1))
while test \$(date +%s) -lt \$end; do
    mv imp.toml orig.save && cp $ATK/evil.toml imp.toml
    rm -f imp.toml && ln -s $FIX/evil-root.toml imp.toml
    rm -f imp.toml && mv orig.save imp.toml
    sleep 0.01
done" &&
    race_attempts "$1" evil cmd
    stop_attacker
    imp_conf | imp_fixed_conf "$FIX/sign.toml"
}
# atk_race_confdir_sticky SECONDS: the IMP configuration directory is
# root's with mode 1777 (allowed: sticky): the owner adds and removes
# zz.toml, its own file or a symbolic link to a root-owned file with the
# [run.evil] table, tries a hard link to that file, and tries to move
# root's imp.toml away; the attempts it made are in attacker.log
atk_race_confdir_sticky () {
    chmod 1777 "$FIXED_CONFD" &&
    start_attacker "cd $FIXED_CONFD || exit 1
end=\$((\$(date +%s) + $1))
while test \$(date +%s) -lt \$end; do
    cp $ATK/evil.toml zz.toml
    rm -f zz.toml && ln -s $FIX/evil-root.toml zz.toml
    rm -f zz.toml
    ln $FIX/evil-root.toml zz.toml 2>/dev/null && echo HARD LINK MADE
    rm -f zz.toml
    mv imp.toml $ATK/stolen.toml 2>/dev/null && echo IMP.TOML MOVED
    sleep 0.01
done" &&
    race_attempts "$1" evil cmd
    stop_attacker
    rm -f "$FIXED_CONFD/zz.toml"
    imp_conf | imp_fixed_conf "$FIX/sign.toml"
}

# race_refused TEXT: every attempt (3 at least) was refused: exit 1,
# the Fatal TEXT (a pattern) last on stderr, nothing on stdout
race_refused () {
    test "$(cat race.count)" -ge 3 &&
    ! grep -v "^[a-z]* 1 flux-imp: Fatal: $1.* | \$" race.log
}
# race_refused_or_original: each attempt was refused because of the
# owner's file (the configuration does not load), or used root's
# original configuration alone (run.evil does not exist; run.cmd runs)
race_refused_or_original () {
    test "$(cat race.count)" -ge 3 &&
    ! grep -v -e "^[a-z]* 1 flux-imp: Fatal: Failed to load configuration | \$" \
        -e "^evil 1 flux-imp: Fatal: run: evil: no configuration found | \$" \
        -e "^cmd 0  | ran 0 / 0022\$" race.log &&
    ! grep -q "MADE\|MOVED" attacker.log
}

test_expect_success PRIV 'setup: the race fixtures' '
    printf "#!/bin/sh\n%s\n" "$MARK_CMD" >"$FIX/bin/evil" &&
    chmod 755 "$FIX/bin/evil" &&
    mkdir "$ATK/rootsub" "$ATK/evilsub" &&
    printf "#!/bin/sh\n%s\n" "$MARK_CMD" >"$ATK/rootsub/prog" &&
    cp "$ATK/rootsub/prog" "$ATK/evilsub/prog" &&
    chmod 755 "$ATK/rootsub" "$ATK/rootsub/prog" "$ATK/evilsub" \
        "$ATK/evilsub/prog" &&
    chown -R "$OWNER_UID:$OWNER_GID" "$ATK/evilsub" &&
    cat >"$FIX/evil-root.toml" <<-EOF &&
	[exec]
	allowed-users = ["$OWNER"]
	allowed-shells = ["/bin/sh"]
	[run.evil]
	path = "$FIX/bin/evil"
	allowed-users = ["$OWNER"]
	EOF
    chmod 644 "$FIX/evil-root.toml" &&
    cp "$FIX/evil-root.toml" "$ATK/evil.toml" &&
    chown "$OWNER_UID:$OWNER_GID" "$ATK/evil.toml" &&
    mkdir "$ATK/lib" "$ATK/gconv" &&
    if test -f "$EVIL_SO"; then
        for l in libc.so.6 libjansson.so.4 libsodium.so.23 libmunge.so.2; do
            cp "$EVIL_SO" "$ATK/lib/$l" || return 1
        done &&
        cp "$EVIL_SO" "$ATK/gconv/EVIL.so"
    fi &&
    printf "module INTERNAL EVIL// EVIL 1\nmodule EVIL// INTERNAL EVIL 1\n" \
        >"$ATK/gconv/gconv-modules" &&
    chown -R "$OWNER_UID:$OWNER_GID" "$ATK/lib" "$ATK/gconv"
'

test_expect_success PRIV,CGROUP2 'setup: a job cgroup' '
    JOBCG=$(cgroup_create imp-shell-adv) &&
    echo "$JOBCG" >jobcg
'
JOBCG=$(cat jobcg 2>/dev/null)

# Controls: the checks of the ptrace and core dump rows would pass
# vacuously if the owner could not trace, or dump core of, even its own
# processes here.
test_expect_success PRIV,PYTHON 'setup: the owner can trace its own process (control)' '
    row_reset &&
    atk_ptrace_control &&
    ptrace_allowed &&
    test_set_prereq PTRACE
'
test_expect_success PRIV,PRLIMIT 'setup: a process of the owner dumps core in its directory (control)' '
    row_reset &&
    echo "kernel.core_pattern: $(cat /proc/sys/kernel/core_pattern)" &&
    atk_core_control &&
    core_written &&
    test_set_prereq COREDUMP
'
test_have_prereq COREDUMP || echo "# core dump rows skipped: no core file \
observed for the owner's own process (core_pattern $(cat \
/proc/sys/kernel/core_pattern 2>/dev/null))"
test_have_prereq PTRACE || echo "# ptrace rows skipped: the owner cannot \
trace its own process here (or no python3)"

#
# The table
#
#   prerequisites     attack                                       expected outcome
#
# Standard descriptors closed at start
row PRIV              'atk_closed "0" exec'                        'refused 1 "exec: reading stdin: Bad file descriptor"'
row PRIV              'atk_closed "0 1 2" exec-helper'             'job_file_ran'
row PRIV              'atk_closed "0 1 2" run closed'              'closed_cmd_ran'
row PRIV              'atk_closed "1" version'                     'refused 1 "write error on stdout: Bad file descriptor"'
row PRIV              'atk_closed "0 1 2" version'                 'exits 1'
#
# Hostile environment: nothing changes for the IMP; the job shell gets
# none of the loader, C library and shell start-up variables, but PATH, TZ
# and IFS (flux-imp(8), exec_env.h).  The loader removes most of the
# first ones from a setuid program's environment already; LD_BIND_NOW,
# LD_WARN, LD_VERBOSE, MALLOC_ARENA_MAX and the shell's are removed by the
# IMP alone.  A command of run gets the PATH of the IMP, the variables of
# its allowed-environment ("*" for run.star), never the loader's.
row PRIV,CC           'atk_preload_control'                        'control_marker so'
row PRIV,CC           'atk_env_exec LD_PRELOAD=$EVIL_SO'           'same_as_plain && shell_lacks LD_PRELOAD'
row PRIV,CC           'atk_env_exec LD_AUDIT=$EVIL_SO'             'same_as_plain && shell_lacks LD_AUDIT'
row PRIV,CC           'atk_env_exec LD_LIBRARY_PATH=$ATK/lib'      'same_as_plain && shell_lacks LD_LIBRARY_PATH'
row PRIV,CC           'atk_env_exec GCONV_PATH=$ATK/gconv'         'same_as_plain && shell_lacks GCONV_PATH'
row PRIV              'atk_env_exec GLIBC_TUNABLES=glibc.malloc.mxfast=glibc.malloc.mxfast=$BIG' 'same_as_plain && shell_lacks GLIBC_TUNABLES'
row PRIV              'atk_env_exec MALLOC_TRACE=$CWD/mtrace MALLOC_CHECK_=3 MALLOC_PERTURB_=85' 'same_as_plain && shell_lacks MALLOC_TRACE MALLOC_CHECK_ MALLOC_PERTURB_'
row PRIV              'atk_env_exec NLSPATH=$ATK/%N'               'same_as_plain && shell_lacks NLSPATH'
row PRIV              'atk_env_exec LD_BIND_NOW=1 LD_WARN=1 LD_VERBOSE=1 MALLOC_ARENA_MAX=1 TMPDIR=$ATK' 'same_as_plain && shell_lacks LD_BIND_NOW LD_WARN LD_VERBOSE MALLOC_ARENA_MAX TMPDIR'
row PRIV              'atk_env_exec BASH_ENV=$ATK/env.sh ENV=$ATK/env.sh SHELLOPTS=xtrace BASHOPTS=extdebug PS4=\$\(id\) "BASH_FUNC_id%%=() { :; }"' 'same_as_plain && shell_lacks BASH_ENV ENV SHELLOPTS BASHOPTS PS4 "BASH_FUNC_id%%"'
row PRIV              'atk_env_exec TZ=:$ATK/tz'                   'same_as_plain && shell_gets TZ=:$ATK/tz'
row PRIV              'atk_env_exec IFS=/'                         'same_as_plain && shell_gets IFS=/'
row PRIV              'atk_env_exec PATH=$ATK/bin:/usr/bin:/bin'   'same_as_plain && shell_gets PATH=$ATK/bin:/usr/bin:/bin'
row PRIV,CC           'atk_env_run star LD_PRELOAD=$EVIL_SO'       'cmd_ran && cmd_lacks LD_PRELOAD'
row PRIV,CC           'atk_env_run star LD_LIBRARY_PATH=$ATK/lib'  'cmd_ran && cmd_lacks LD_LIBRARY_PATH'
row PRIV              'atk_env_run star GCONV_PATH=$ATK/gconv GLIBC_TUNABLES=glibc.malloc.check=3 MALLOC_TRACE=$CWD/mtrace NLSPATH=$ATK/%N' 'cmd_ran && cmd_lacks GCONV_PATH GLIBC_TUNABLES MALLOC_TRACE NLSPATH'
row PRIV              'atk_env_run star PATH=$ATK/bin:/usr/bin:/bin TZ=:$ATK/tz IFS=/' 'cmd_ran && cmd_gets PATH=/usr/sbin:/usr/bin:/sbin:/bin TZ=:$ATK/tz IFS=/'
row PRIV              'atk_env_run cmd PATH=$ATK/bin:/usr/bin:/bin TZ=:$ATK/tz IFS=/' 'cmd_ran && cmd_gets PATH=/usr/sbin:/usr/bin:/sbin:/bin && cmd_lacks TZ IFS'
#
# Arguments and environment near the kernel limits
row PRIV              'atk_big_arg'                                'job_ran && grep "^arglen 122880\$" out'
row PRIV              'atk_big_run_name'                           'refused_cut "run: xxxxxxxxxx"'
row PRIV              'atk_big_env'                                'job_ran && shell_gets "FLUX_BIG=$BIG"'
row PRIV              'atk_many_vars 30000'                        'job_ran && count_vars 30000'
row PRIV              'atk_near_arg_max'                           'job_ran_or_refused 127 "/bin/sh: Argument list too long" && { test $RC != 0 || count_vars $NEAR_N; }'
#
# Resource limits of the caller (prlimit, as the owner, just before the
# IMP).  RLIMIT_NOFILE=3: the loader cannot open the IMP's libraries;
# 4: the configuration cannot be opened; 5: nor the privsep pipes.
# RLIMIT_FSIZE=0: stdout and stderr are pipes, as flux-core gives them;
# the shell and the command of run inherit the caller's limits (as under
# sudo), so root's command dies of SIGXFSZ at its first write, and the
# IMP exits like it (flux-imp(8)); the IMP itself, given a regular file
# for its output, fails or dies of SIGXFSZ too, writing nothing.
# RLIMIT_NPROC reached: the privileged IMP may still fork (root), not the
# unprivileged half (the helper); the job shell runs with the limit, as
# the guest.  RLIMIT_STACK: the IMP raises the limit for itself (a soft
# one to 8 MiB, a hard one too if it can: CAP_SYS_RESOURCE, else it
# refuses a hard limit under 64 KiB) and gives the caller's back to the
# shell and to the command of run (stack_is SOFT HARD, in KiB).  The
# shell's own programs may crash under 32 KiB: only version runs there,
# 20 times, with an empty environment (before the IMP raised its stack,
# half of them died of SIGSEGV).  The environment and argv are copied
# onto the stack before the IMP's first instruction: with the test's
# environment, 16 KiB is too little for the dynamic loader itself, a
# crash before main() that the IMP cannot prevent (it has done nothing
# yet, and a setuid process dumps no core).
row PRIV,PRLIMIT      'atk_rlimit --nofile=3:3 exec'               'loader_refused'
row PRIV,PRLIMIT      'atk_rlimit --nofile=3:3 run cmd'            'loader_refused'
row PRIV,PRLIMIT      'atk_rlimit --nofile=4:4 exec'               'refused 1 "Failed to load configuration"'
row PRIV,PRLIMIT      'atk_rlimit --nofile=5:5 run cmd'            'refused 1 "privsep: pipe2: Too many open files"'
row PRIV,PRLIMIT      'atk_rlimit --fsize=0:0 exec'                'job_ran'
row PRIV,PRLIMIT      'atk_rlimit --fsize=0:0 run writer'          'killed XFSZ && test_must_be_empty "$OUT/writer"'
row PRIV,PRLIMIT      'atk_rlimit_file --fsize=0:0'                'ends_with 1 XFSZ && test_must_be_empty "$OUT/version.out"'
row PRIV,PRLIMIT      'atk_nproc exec-nofork'                      'job_nofork_ran'
row PRIV,PRLIMIT      'atk_nproc exec-helper'                      'refused 1 "exec: helper $FIX/helper.now: Resource temporarily unavailable"'
row PRIV,PRLIMIT      'atk_nproc run cmd'                          'cmd_ran'
row PRIV,PRLIMIT      'atk_rlimit --stack=65536:65536 exec'        'job_ran && stack_is 64 64'
row PRIV,PRLIMIT      'atk_rlimit --stack=65536:65536 run cmd'     'cmd_ran && stack_is 64 64'
row PRIV,PRLIMIT      'atk_rlimit --stack=65536:65536 version'     'version_printed'
row PRIV,PRLIMIT      'atk_rlimit --stack=32768:1048576 exec'      'job_ran && stack_is 32 1024'
row PRIV,PRLIMIT      'atk_rlimit --stack=32768:1048576 run cmd'   'cmd_ran && stack_is 32 1024'
row PRIV,PRLIMIT      'atk_rlimit_times 20 --stack=16384:1048576 version-noenv' 'version_printed'
row PRIV,PRLIMIT,STACK_CAP  'atk_rlimit --stack=32768:32768 exec'  'job_ran && stack_is 32 32'
row PRIV,PRLIMIT,STACK_CAP  'atk_rlimit --stack=32768:32768 run cmd' 'cmd_ran && stack_is 32 32'
row PRIV,PRLIMIT,STACK_CAP  'atk_rlimit_times 20 --stack=16384:16384 version-noenv' 'version_printed'
row PRIV,PRLIMIT,!STACK_CAP 'atk_rlimit --stack=32768:32768 exec'  'refused 1 "$STACK_REFUSED"'
row PRIV,PRLIMIT,!STACK_CAP 'atk_rlimit --stack=32768:32768 run cmd' 'refused 1 "$STACK_REFUSED"'
row PRIV,PRLIMIT,!STACK_CAP 'atk_rlimit --stack=32768:32768 version' 'refused 1 "$STACK_REFUSED"'
#
# umask of the caller: the job shell gets it, a command of run gets 022;
# the IMP creates no file (row_clean)
row PRIV              'atk_umask 0 exec'                           'job_ran 0 0000'
row PRIV              'atk_umask 0777 exec'                        'job_ran 0 0777'
row PRIV              'atk_umask 0 run cmd'                        'cmd_ran 0022'
row PRIV              'atk_umask 0777 run cmd'                     'cmd_ran 0022'
#
# An unreadable working directory (root's, mode 000)
row PRIV              'atk_noread_cwd exec'                        'job_ran && noread_untouched'
row PRIV              'atk_noread_cwd run cmd'                     'cmd_ran && noread_untouched'
row PRIV              'atk_noread_cwd version'                     'version_printed && noread_untouched'
#
# Every signal to the privileged IMP in the privileged window (it waits
# for its unprivileged half, which waits for the helper): the default
# action, as for any process: death (no job started, no core), ignored,
# or stopped until SIGCONT (nothing happens meanwhile)
for sig in HUP INT QUIT ILL TRAP ABRT BUS FPE KILL USR1 SEGV USR2 PIPE ALRM \
    TERM 16 XCPU XFSZ VTALRM PROF IO PWR SYS RTMIN RTMAX; do
row PRIV              "atk_signal_window $sig"                     "window_killed $sig"
done
for sig in CHLD CONT URG WINCH; do
row PRIV              "atk_signal_window $sig"                     'window_ignored'
done
for sig in STOP TSTP TTIN TTOU; do
row PRIV              "atk_signal_window $sig"                     "window_stopped $sig"
done
row PRIV              'atk_signal_child KILL'                      'child_failed 9'
row PRIV              'atk_signal_child SEGV'                      'child_failed 11'
#
# Every signal to the privileged IMP while the job runs: forwarded to the
# job shell (flux-imp(8)), SIGUSR1 kills the job, every other one is
# blocked; SIGSTOP stops the IMP, and the SIGCONT that resumes it is
# forwarded; SIGKILL kills the IMP, not the job
for sig in TERM INT HUP CONT ALRM WINCH TTIN TTOU; do
row PRIV              "atk_signal_job $sig"                        "forwarded $sig"
done
row PRIV              'atk_signal_job USR1'                        'job_killed'
for sig in QUIT ILL TRAP ABRT BUS FPE SEGV USR2 PIPE 16 CHLD TSTP URG XCPU \
    XFSZ VTALRM PROF IO PWR SYS RTMIN RTMAX; do
row PRIV              "atk_signal_job $sig"                        'not_forwarded'
done
row PRIV              'atk_signal_job STOP'                        'stopped_then_forwards_cont'
row PRIV              'atk_signal_job KILL'                        'imp_killed_job_goes_on'
#
# Tracing the IMP: it is not dumpable
row PRIV,PTRACE       'atk_ptrace window'                          'ptrace_denied'
row PRIV,PTRACE       'atk_ptrace job'                             'ptrace_denied'
#
# Core dumps requested (unlimited core file size, a dumping signal): none
# written (row_clean: the working directory stays empty)
row PRIV,COREDUMP     'atk_core imp SEGV'                          'no_core_killed SEGV'
row PRIV,COREDUMP     'atk_core imp ABRT'                          'no_core_killed ABRT'
row PRIV,COREDUMP     'atk_core imp QUIT'                          'no_core_killed QUIT'
row PRIV,COREDUMP     'atk_core child SEGV'                        'child_failed 11'
row PRIV,COREDUMP     'atk_core job SEGV'                          'job_ran'
#
# Races (3 s each): what the owner can swap while the IMP runs again and
# again.  A run path below a directory of the owner is refused every time,
# whatever is in place (root's original included); so is a configuration
# directory of the owner's.  In a sticky configuration directory the
# owner can only add and remove its own entries: each run is refused
# (a file or link of the owner's is there) or uses root's configuration
# alone.  The programs that the owner's configurations name write a
# marker if run (row_clean).
row PRIV              'atk_race_run_path 3'                        "race_refused \"run: \$ATK/rootsub\""
row PRIV              'atk_race_confdir_owned 3'                   'race_refused "Failed to load configuration"'
row PRIV              'atk_race_confdir_sticky 3'                  'race_refused_or_original'
#
# The job shell ends before the IMP waits for it: exits, crashes (the IMP
# dies of the same signal, without a core file), or forks a process away
# and exits: outside a job cgroup the IMP does not wait for that process;
# in one (imp-shell-adv.<pid>) it waits until the cgroup is empty
row PRIV              'atk_job_ends "exit 3"'                      'exits 3'
row PRIV              'atk_job_ends "kill -s SEGV \$\$"'           'killed SEGV'
row PRIV              'atk_job_ends "$FORK_AWAY"'                  'did_not_wait'
row PRIV,CGROUP2      'atk_job_forks_away_cgroup'                  'waited_for_it'

test_expect_success PRIV,CGROUP2 'cleanup: the job cgroup is empty and removed' '
    cgroup_remove "$JOBCG"
'

test_done
