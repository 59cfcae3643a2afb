#!/bin/sh
test_description='the worked example of README.md (a storage token for a job) runs as written

The block between "<!-- example: issue-256 -->" and "<!-- end example -->"
of README.md is extracted and run, unchanged, as the instance owner
(fluxowner) with: JOB_USER the guest account, TOKEN_FILE a token file,
J the guest'"'"'s job request signed through a private munged, IMP the
setuid test IMP (test-imp-fixedpath), and on PATH a flux-secret that
reads the security configuration of this test.'

. "$(dirname "$0")/sharness.sh"

fixture_report

fixed_prereq PRIV SETUID,ACCOUNTS,MUNGE
test_have_prereq PRIV && imp_run_tmpfs
test_have_prereq PRIV && test_have_prereq TMPFS && test_set_prereq EXAMPLE

FS=$FLUX_BUILD_DIR/src/cmd/flux-sign
SECRET_CMD=$FLUX_BUILD_DIR/src/cmd/flux-secret

test_expect_success 'the README holds the example' '
    sed -n "/^<!-- example: issue-256 -->\$/,/^<!-- end example -->\$/p" \
        "$FLUX_SOURCE_DIR/README.md" | sed -e "1,2d" -e "\$d" >block &&
    test "$(tail -n 1 block)" = "\`\`\`" &&
    sed -i "\$d" block &&
    grep -q "flux-secret seal" block &&
    test "$(wc -l <block)" -gt 10
'

test_expect_success EXAMPLE 'set up: munged, configurations, the token, the job request' '
    FIX=$(mktemp -d /tmp/t0350.XXXXXX) &&
    fixture_atexit rm -rf "$FIX" &&
    chmod 755 "$FIX" &&
    munge_start &&
    imp_sign_conf "$FIX/sign.toml" &&
    printf "[secret]\nsocket-path = \"%s\"\n" "$MUNGE_SOCKET" \
        >>"$FIX/sign.toml" &&
    fixture_atexit rm -rf "$FIXED_TOP" &&
    imp_exec_table | imp_fixed_conf "$FIX/sign.toml" &&
    SIMP=$(stage_setuid "$FIXED_IMP" flux-imp) &&
    mkdir "$FIX/bin" "$FIX/work" &&
    printf "#!/bin/sh\nexec %s --config %s \"\$@\"\n" "$SECRET_CMD" \
        "$FIX/sign.toml" >"$FIX/bin/flux-secret" &&
    chmod 755 "$FIX/bin" "$FIX/bin/flux-secret" &&
    chown "$OWNER" "$FIX/work" &&
    od -An -tx1 -N16 /dev/urandom | tr -d " \n" >"$FIX/token" &&
    chmod 644 "$FIX/token" &&
    echo "{}" | run_as "$GUEST" "$FS" -c "$FIX/sign.toml" sign >"$FIX/work/J" &&
    chmod 644 "$FIX/work/J" &&
    echo "$FIX" >fixdir && echo "$SIMP" >simp
'
FIX=$(cat fixdir 2>/dev/null)
SIMP=$(cat simp 2>/dev/null)

test_expect_success EXAMPLE 'the example runs as written and says what the README says' '
    cp block "$FIX/block.sh" &&
    chmod 644 "$FIX/block.sh" &&
    (
        cd "$FIX/work" &&
        run_as "$OWNER" env PATH="$FIX/bin:/usr/bin:/bin" \
            JOB_USER="$GUEST" TOKEN_FILE="$FIX/token" IMP="$SIMP" \
            sh -e "$FIX/block.sh"
    ) >out 2>err &&
    test_must_be_empty err &&
    grep "^credentials: $IMP_RUN/credentials/job-" out &&
    grep "^job: token received\$" out &&
    grep "^credentials removed\$" out &&
    test "$(wc -l <out)" = 3
'

test_expect_success EXAMPLE 'the token appears nowhere but where the example puts it' '
    ! grep -F "$(cat "$FIX/token")" out &&
    ! grep -rF "$(cat "$FIX/token")" "$FIX/work" &&
    test -z "$(ls -A "$IMP_RUN/credentials")"
'

test_done
