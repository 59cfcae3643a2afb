#!/bin/sh
test_description='flux-imp exec: device containment (DevicePolicy, DeviceAllow)

test-imp-fixedpath staged setuid root runs as the instance owner
(fluxowner) with jobs signed by the guest (fluxguest) through a private
munged, from test cgroups that this script creates under the cgroup2
mount.  Each case that attaches a filter uses its own job cgroup named
flux-devN.<pid>: a filter stays on the cgroup after the IMP exits, and
is only ever attached to a cgroup made here.  The job shell runs a
probe that opens devices and prints "ok" or the error.'

. "$(dirname "$0")/sharness.sh"

fixture_report

fixed_prereq PRIV SETUID,ACCOUNTS,MUNGE
if test_have_prereq PRIV && test_have_prereq CGROUP2; then
    test_set_prereq DEV
else
    echo "# device tests need PRIV and CGROUP2: $(fixture_why CGROUP2)"
fi

# The fixture directory, root-owned 0755 under /tmp: flux-sign, the
# probe, and KMSG, a world-writable node of /dev/kmsg (char 1:11): not a
# standard device, and opening it for writing succeeds for anyone
# without a filter (nothing is ever written to it).
test_expect_success DEV 'create the fixture directory' '
    FIX=$(mktemp -d /tmp/t0322.XXXXXX) &&
    fixture_atexit rm -rf "$FIX" &&
    chmod 755 "$FIX" &&
    cp "$FLUX_BUILD_DIR/src/cmd/flux-sign" "$FIX/" &&
    chmod 755 "$FIX/flux-sign" &&
    mknod "$FIX/kmsg" c 1 11 &&
    chmod 666 "$FIX/kmsg" &&
    cat >"$FIX/probe" <<-\EOF &&
	# probe r:PATH|w:PATH...: open each PATH for reading or writing
	for a; do
	    p=${a#?:}
	    case $a in
	    r:*) msg=$( (exec <"$p") 2>&1 ) ;;
	    *) msg=$( (exec >>"$p") 2>&1 ) ;;
	    esac
	    test -n "$msg" && msg=${msg##*: } || msg=ok
	    echo "$a: $msg"
	done
	EOF
    chmod 644 "$FIX/probe" &&
    echo "$FIX" >fixdir
'
FIX=$(cat fixdir 2>/dev/null)
FS=$FIX/flux-sign
KMSG=$FIX/kmsg

# fixed_conf: the IMP configuration of stdin, and the signing one.
fixed_conf () {
    imp_fixed_conf "$FIX/sign.toml"
}

test_expect_success DEV 'start munged, stage the IMP, sign a job' '
    munge_start &&
    imp_sign_conf "$FIX/sign.toml" &&
    fixture_atexit rm -rf "$FIXED_TOP" &&
    fixed_conf <<-EOF &&
	[exec]
	allowed-users = ["$OWNER"]
	allowed-shells = ["/bin/sh"]
	EOF
    SIMP=$(stage_setuid "$FIXED_IMP" flux-imp) &&
    echo "$SIMP" >simp &&
    echo "{}" | run_as "$GUEST" "$FS" -c "$FIX/sign.toml" sign >J.guest
'
SIMP=$(cat simp 2>/dev/null)

# input OPTIONS: the exec input of the guest job with "options": OPTIONS
input () {
    printf "{\"J\":\"%s\",\"options\":%s}\n" "$(cat J.guest)" "$1"
}

# jimp CGROUP ARG...: the setuid IMP as the owner, started in the test
# cgroup CGROUP (the root shell moves itself there, then becomes the
# owner and execs the IMP).
jimp () {
    _cg=$1
    shift
    cgroup_is_test "$_cg" || return 1
    sh -c 'echo $$ >"$0/cgroup.procs" && exec "$@"' "$_cg" \
        setpriv --reuid="$OWNER_UID" --regid="$OWNER_GID" --init-groups -- \
        "$SIMP" "$@"
}

# run_probe NAME OPTIONS PROBE...: in a new job cgroup flux-NAME.<pid>,
# the job shell runs the probe; its output in "out", stderr in "err".
run_probe () {
    _name=$1
    _opts=$2
    shift 2
    _jcg=$(cgroup_create "flux-$_name") &&
    input "$_opts" >in.$_name &&
    jimp "$_jcg" exec /bin/sh "$FIX/probe" "$@" <in.$_name >out 2>err
}

test_expect_success DEV 'no options: no filter' '
    run_probe dev0 "{}" r:/dev/zero w:$KMSG &&
    cat >expected <<-EOF &&
	r:/dev/zero: ok
	w:$KMSG: ok
	EOF
    test_cmp expected out &&
    test_must_be_empty err
'

test_expect_success DEV 'auto with an empty list: no filter' '
    run_probe dev1 "{\"DevicePolicy\":\"auto\",\"DeviceAllow\":[]}" \
        w:$KMSG &&
    echo "w:$KMSG: ok" >expected &&
    test_cmp expected out
'

test_expect_success DEV 'closed: the standard devices, nothing else' '
    run_probe dev2 "{\"DevicePolicy\":\"closed\"}" \
        r:/dev/zero r:/dev/urandom r:/dev/random w:/dev/null w:/dev/full \
        w:$KMSG &&
    cat >expected <<-EOF &&
	r:/dev/zero: ok
	r:/dev/urandom: ok
	r:/dev/random: ok
	w:/dev/null: ok
	w:/dev/full: ok
	w:$KMSG: Operation not permitted
	EOF
    test_cmp expected out &&
    test_must_be_empty err
'

test_expect_success DEV 'the filter stays on the job cgroup, not elsewhere' '
    jcg=$(cgroup_create flux-dev2b) &&
    jimp "$jcg" exec /bin/sh -c true <in.dev2 &&
    sh -c "echo \$\$ >$jcg/cgroup.procs && exec sh $FIX/probe w:$KMSG" >out &&
    echo "w:$KMSG: Operation not permitted" >expected &&
    test_cmp expected out &&
    sh "$FIX/probe" w:$KMSG >out &&
    echo "w:$KMSG: ok" >expected &&
    test_cmp expected out
'

test_expect_success DEV 'auto with a list: the standard devices and the list' '
    run_probe dev3 "{\"DeviceAllow\":[[\"/dev/kmsg\",\"w\"]]}" \
        r:/dev/zero w:$KMSG &&
    cat >expected <<-EOF &&
	r:/dev/zero: ok
	w:$KMSG: ok
	EOF
    test_cmp expected out
'

test_expect_success DEV 'char-NAME allows every minor of the driver' '
    run_probe dev4 "{\"DevicePolicy\":\"strict\",\"DeviceAllow\":[[\"char-mem\",\"w\"]]}" \
        w:$KMSG w:/dev/null r:/dev/zero &&
    cat >expected <<-EOF &&
	w:$KMSG: ok
	w:/dev/null: ok
	r:/dev/zero: Operation not permitted
	EOF
    test_cmp expected out
'

test_expect_success DEV 'strict: only the list, with its access' '
    run_probe dev5 "{\"DevicePolicy\":\"strict\",\"DeviceAllow\":[[\"/dev/null\",\"r\"]]}" \
        r:/dev/null w:/dev/null r:/dev/zero r:/dev/urandom &&
    cat >expected <<-EOF &&
	r:/dev/null: ok
	w:/dev/null: Operation not permitted
	r:/dev/zero: Operation not permitted
	r:/dev/urandom: Operation not permitted
	EOF
    test_cmp expected out
'

test_expect_success DEV 'strict with an empty list: every device refused' '
    run_probe dev6 "{\"DevicePolicy\":\"strict\"}" r:/dev/null w:/dev/null &&
    cat >expected <<-EOF &&
	r:/dev/null: Operation not permitted
	w:/dev/null: Operation not permitted
	EOF
    test_cmp expected out
'

test_expect_success DEV 'bad entries are warnings and are skipped' '
    run_probe dev7 "{\"DevicePolicy\":\"strict\",\"DeviceAllow\":[
        [\"/dev/nonexistent\",\"rw\"], [\"bogus\",\"r\"],
        [\"/dev/zero\",\"rx\"], [\"/dev/zero\",\"rr\"],
        [\"char-no-such-driver\",\"r\"], [\"/dev/shm\",\"r\"],
        [\"/dev/null\",\"rw\"]]}" \
        w:/dev/null r:/dev/zero &&
    cat >expected <<-EOF &&
	w:/dev/null: ok
	r:/dev/zero: Operation not permitted
	EOF
    test_cmp expected out &&
    cat >expected <<-EOF &&
	flux-imp: Warning: device: ignore /dev/nonexistent (rw): No such file or directory
	flux-imp: Warning: device: ignore bogus (r): unknown specifier
	flux-imp: Warning: device: ignore /dev/zero (rx): invalid access key
	flux-imp: Warning: device: ignore /dev/zero (rr): invalid access key
	flux-imp: Warning: device: ignore char-no-such-driver (r): not found in /proc/devices
	flux-imp: Warning: device: ignore /dev/shm (r): not a device
	EOF
    test_cmp expected err
'

test_expect_success DEV 'an unknown DevicePolicy is an error' '
    jcg=$(cgroup_create flux-dev8) &&
    input "{\"DevicePolicy\":\"open\"}" >in.bad &&
    test_expect_code 1 jimp "$jcg" exec /bin/sh -c "echo ran" <in.bad >out 2>err &&
    test_must_be_empty out &&
    echo "flux-imp: Fatal: exec: failed to parse device containment policy: Invalid argument (unknown DevicePolicy)" >expected &&
    test_cmp expected err
'

test_expect_success DEV 'a malformed DeviceAllow is an error' '
    jcg=$(cgroup_create flux-dev9) &&
    for opts in "{\"DeviceAllow\":[\"/dev/null\"]}" \
        "{\"DeviceAllow\":[[\"/dev/null\"]]}" \
        "{\"DeviceAllow\":[[\"/dev/null\",\"r\",\"w\"]]}" \
        "{\"DeviceAllow\":[[\"/dev/null\",4]]}"; do
        input "$opts" >in.bad &&
        test_expect_code 1 jimp "$jcg" exec /bin/sh -c "echo ran" \
            <in.bad >out 2>err &&
        test_must_be_empty out &&
        grep "^flux-imp: Fatal: exec: failed to parse device containment policy: Invalid argument (DeviceAllow\[0\] " err ||
        return 1
    done
'

test_expect_success DEV 'more than 512 entries is an error' '
    jcg=$(cgroup_create flux-dev10) &&
    list=$(for i in $(seq 505); do printf "[\"/dev/null\",\"r\"],"; done) &&
    input "{\"DeviceAllow\":[${list%,}]}" >in.big &&
    test_expect_code 1 jimp "$jcg" exec /bin/sh -c "echo ran" <in.big >out 2>err &&
    test_must_be_empty out &&
    grep "^flux-imp: Fatal: exec: failed to parse device containment policy: Numerical result out of range" err &&
    input "{\"DevicePolicy\":\"strict\",\"DeviceAllow\":[${list%,},[\"/dev/zero\",\"r\"]]}" >in.max &&
    jimp "$jcg" exec /bin/sh "$FIX/probe" r:/dev/null r:/dev/zero <in.max >out &&
    cat >expected <<-EOF &&
	r:/dev/null: ok
	r:/dev/zero: ok
	EOF
    test_cmp expected out
'

test_expect_success DEV 'refused when the IMP is not in a dedicated job cgroup' '
    other=$(cgroup_create devtest-plain) &&
    test_expect_code 1 jimp "$other" exec /bin/sh -c "echo ran" <in.dev2 >out 2>err &&
    test_must_be_empty out &&
    echo "flux-imp: Fatal: exec: failed to apply device containment policy: the IMP is not in a dedicated job cgroup (imp-shell* or flux-*): $other" >expected &&
    test_cmp expected err &&
    sh -c "echo \$\$ >$other/cgroup.procs && exec sh $FIX/probe w:$KMSG" >out &&
    echo "w:$KMSG: ok" >expected &&
    test_cmp expected out
'

test_expect_success DEV 'without containment a plain cgroup is fine' '
    other=$(cgroup_create devtest-plain2) &&
    input "{}" >in.none &&
    jimp "$other" exec /bin/sh -c "echo ran" <in.none >out &&
    echo ran >expected &&
    test_cmp expected out
'

# Not setuid: test-imp with allow-unprivileged-exec and the none
# mechanism, run as the owner.  No filter can be attached: refused.
test_expect_success DEV 'not setuid: containment is refused, not ignored' '
    imp_unpriv_setup "$FIX/u" &&
    printf "{\"J\":\"%s\",\"options\":{\"DevicePolicy\":\"closed\"}}" \
        "$(cat J.none)" >in.unpriv &&
    test_expect_code 1 imp_unpriv "$FIX/u" \
        exec /bin/sh -c "echo ran" <in.unpriv >out 2>err &&
    test_must_be_empty out &&
    echo "flux-imp: Fatal: exec: failed to apply device containment policy: the IMP is not installed setuid" >expected &&
    test_cmp expected err
'

test_done
