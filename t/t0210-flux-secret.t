#!/bin/sh
test_description='flux-secret: seal for one user, open as that user, redact

A secret sealed by root or the instance owner (fluxowner) for the job
user (fluxguest) opens for the job user only: not for the owner, not for
root, not after it expired, not twice on one node (unless allow-replayed),
not when altered, not on a node with another MUNGE key.  open delivers it
to stdout, a new 0600 file or one command'\''s environment; redact masks
secrets in text and JSON-lines eventlogs.  MUNGE tests run private munged
daemons (t/sharness.d/munge.sh), never the system one.'

. "$(dirname "$0")/sharness.sh"

fixture_report

HOST=$(uname -n)

# The configuration files live in a directory of their own under /tmp
# (root-owned, mode 0755), so that they pass the library's path checks
# when the test runs as root, and the test accounts can read them.
# flux-secret is copied there for the same reason.  Removed at exit.
test_expect_success 'create the fixture directory' '
    FIX=$(mktemp -d /tmp/t0210.XXXXXX) &&
    fixture_atexit rm -rf "$FIX" &&
    chmod 755 "$FIX" &&
    cp "$FLUX_BUILD_DIR/src/cmd/flux-secret" "$FIX/flux-secret" &&
    chmod 755 "$FIX/flux-secret" &&
    echo "$FIX" >fixdir
'
FIX=$(cat fixdir 2>/dev/null)
FS=$FIX/flux-secret

# mkconf NAME SOCKET [MORE]: the configuration $FIX/NAME.toml (mode 0644)
# for the munged of SOCKET; MORE is appended to [secret] (printf %b).
mkconf () {
    printf "[sign]\nmax-ttl = 3600\ndefault-type = \"none\"\n" \
        >"$FIX/$1.toml" &&
    printf "allowed-types = [\"none\", \"munge\"]\n" >>"$FIX/$1.toml" &&
    printf "[secret]\nsocket-path = \"%s\"\n%b" "$2" "${3:-}" \
        >>"$FIX/$1.toml" &&
    chmod 644 "$FIX/$1.toml"
}

# as_guest|as_owner CMD...: run CMD as the test account.
as_guest () {
    run_as "$GUEST" "$@"
}
as_owner () {
    run_as "$OWNER" "$@"
}

# no_leak FILE...: none of FILE holds the secret word.
WORD=Zq8-s3cr3t-token-value
no_leak () {
    for _f in "$@"; do
        if grep -F "$WORD" "$_f"; then
            echo "the secret leaked into $_f" >&2
            return 1
        fi
    done
}

printf "%s\n" "$WORD" >secret

test_expect_success MUNGE 'start two munged sharing a key and one with another key' '
    munge_start_pair node1 node2 &&
    munge_start otherkey &&
    mkconf node1 "$(munge_socket node1)" &&
    mkconf node2 "$(munge_socket node2)" &&
    mkconf otherkey "$(munge_socket otherkey)" &&
    mkconf replay "$(munge_socket node1)" "allow-replayed = true\n" &&
    C1=$FIX/node1.toml &&
    C2=$FIX/node2.toml
'

#
# seal and open
#
test_expect_success MUNGE,ACCOUNTS 'root seals for the guest; the guest opens the same bytes' '
    "$FS" -c "$C1" seal --uid "$GUEST" <secret >sealed 2>err &&
    test_must_be_empty err &&
    test "$(wc -l <sealed)" = 1 &&
    grep -x "flux-secret:1:munge:MUNGE:[A-Za-z0-9+/=]*:" sealed &&
    no_leak sealed &&
    as_guest "$FS" -c "$C1" open <sealed >out 2>err &&
    test_must_be_empty err &&
    test_cmp secret out
'

test_expect_success MUNGE,ACCOUNTS 'the owner seals a binary secret by uid; the guest opens it' '
    printf "a\0b\0\0c\377\n\n" >bin &&
    head -c 4096 /dev/urandom >>bin &&
    printf "\0" >>bin &&
    as_owner "$FS" -c "$C1" seal --uid "$GUEST_UID" <bin >bin.sealed &&
    as_guest "$FS" -c "$C1" open <bin.sealed >bin.out &&
    cmp bin bin.out
'

test_expect_success MUNGE,ACCOUNTS 'an empty secret round trips' '
    "$FS" -c "$C1" seal --uid "$GUEST" </dev/null >empty.sealed &&
    as_guest "$FS" -c "$C1" open <empty.sealed >out &&
    test_must_be_empty out
'

test_expect_success MUNGE,ACCOUNTS '--strip-newline removes one trailing newline' '
    printf "%s\n\n" "$WORD" >two-nl &&
    "$FS" -c "$C1" seal -n --uid "$GUEST" <two-nl >nl.sealed &&
    as_guest "$FS" -c "$C1" open <nl.sealed >out &&
    printf "%s\n" "$WORD" >exp &&
    test_cmp exp out
'

test_expect_success MUNGE,ACCOUNTS '--sealer says who sealed it, on stderr' '
    as_owner "$FS" -c "$C1" seal --uid "$GUEST" <secret >s.sealed &&
    as_guest "$FS" -c "$C1" open --sealer <s.sealed >out 2>err &&
    test_cmp secret out &&
    echo "sealed by uid $OWNER_UID ($OWNER)" >exp &&
    test_cmp exp err
'

test_expect_success MUNGE,ACCOUNTS 'sealed on one node, opened on another with the same key' '
    "$FS" -c "$C1" seal --uid "$GUEST" <secret >n1.sealed &&
    as_guest "$FS" -c "$C2" open <n1.sealed >out &&
    test_cmp secret out
'

test_expect_success MUNGE,!ROOT 'not root: a secret sealed for oneself opens' '
    "$FS" -c "$C1" seal --uid "$(id -un)" <secret >self.sealed &&
    "$FS" -c "$C1" open --sealer <self.sealed >out 2>err &&
    test_cmp secret out &&
    echo "sealed by uid $(id -u) ($(id -un))" >exp &&
    test_cmp exp err &&
    test_expect_code 5 "$FS" -c "$C1" open <self.sealed >out 2>err &&
    test_must_be_empty out
'

#
# Refusals: each with its exit status and no plaintext anywhere
#
test_expect_success MUNGE,ACCOUNTS 'the owner cannot open a secret sealed for the guest (exit 4)' '
    as_owner "$FS" -c "$C1" seal --uid "$GUEST" <secret >o.sealed &&
    test_expect_code 4 as_owner "$FS" -c "$C1" open <o.sealed >out 2>err &&
    test_must_be_empty out &&
    no_leak err &&
    grep "^flux-secret: secret-open: munge_decode: Unauthorized credential (on host $HOST: " err
'

test_expect_success MUNGE,ACCOUNTS 'root cannot open it either (exit 4)' '
    test_expect_code 4 "$FS" -c "$C1" open <o.sealed >out 2>err &&
    test_must_be_empty out &&
    no_leak err &&
    grep "Unauthorized credential for client UID=0" err
'

test_expect_success MUNGE,ACCOUNTS 'the refusals did not use it up: the guest still opens it' '
    as_guest "$FS" -c "$C1" open <o.sealed >out &&
    test_cmp secret out
'

test_expect_success MUNGE,ACCOUNTS 'a second open on one node is refused (exit 5)' '
    test_expect_code 5 as_guest "$FS" -c "$C1" open <o.sealed >out 2>err &&
    test_must_be_empty out &&
    no_leak err &&
    grep -x "flux-secret: secret-open: already opened once on host $HOST (a sealed secret opens once per node unless \[secret\] allow-replayed = true)" err
'

test_expect_success MUNGE,ACCOUNTS 'allow-replayed = true opens it again' '
    as_guest "$FS" -c "$FIX/replay.toml" open <o.sealed >out &&
    test_cmp secret out
'

test_expect_success MUNGE,ACCOUNTS 'an expired secret is refused (exit 3), even with allow-replayed' '
    "$FS" -c "$C1" seal --uid "$GUEST" --ttl 1 <secret >x.sealed &&
    sleep 2 &&
    test_expect_code 3 as_guest "$FS" -c "$C1" open <x.sealed >out 2>err &&
    test_must_be_empty out &&
    no_leak err &&
    grep "^flux-secret: secret-open: expired" err &&
    test_expect_code 3 as_guest "$FS" -c "$FIX/replay.toml" open \
        <x.sealed >out 2>err &&
    test_must_be_empty out
'

test_expect_success MUNGE,ACCOUNTS 'an altered sealed string is refused (exit 1)' '
    "$FS" -c "$C1" seal --uid "$GUEST" <secret >t.sealed &&
    sed "s/^\(flux-secret:1:munge:MUNGE:.\{60\}\)\(.\)/\1\2\2/" t.sealed \
        >t1 &&
    ! test_cmp t.sealed t1 &&
    sed "s/^\(flux-secret:1:munge:MUNGE:.\{60\}\)./\1/" t.sealed >t2 &&
    if test "$(cut -c 90 t.sealed)" = A; then r=B; else r=A; fi &&
    sed "s/^\(.\{89\}\)./\1$r/" t.sealed >t0 &&
    ! test_cmp t.sealed t0 &&
    test "$(wc -c <t0)" = "$(wc -c <t.sealed)" &&
    for t in t0 t1 t2; do
        test_expect_code 1 as_guest "$FS" -c "$C1" open <$t >out 2>err &&
        test_must_be_empty out &&
        no_leak err &&
        grep "^flux-secret: secret-open: munge_decode: " err || return 1
    done
'

test_expect_success MUNGE,ACCOUNTS 'a wrong prefix, a NUL byte, an empty input are refused' '
    sed "s/^flux-secret:1:/flux-secret:2:/" t.sealed >t3 &&
    test_expect_code 1 as_guest "$FS" -c "$C1" open <t3 >out 2>err &&
    test_must_be_empty out &&
    grep "^flux-secret: secret-open: not a sealed secret" err &&
    sed "s/^flux-secret:1:munge://" t.sealed >t4 &&
    test_expect_code 1 as_guest "$FS" -c "$C1" open <t4 >out 2>err &&
    grep "not a sealed secret" err &&
    printf "%s\0\n" "$(cat t.sealed)" >t5 &&
    test_expect_code 1 as_guest "$FS" -c "$C1" open <t5 >out 2>err &&
    test_must_be_empty out &&
    grep -x "flux-secret: the sealed string contains a NUL byte" err &&
    test_expect_code 1 as_guest "$FS" -c "$C1" open </dev/null >out 2>err &&
    grep "not a sealed secret" err
'

test_expect_success MUNGE,ACCOUNTS 'a node with another MUNGE key: the error names the host and munge.key' '
    "$FS" -c "$C1" seal --uid "$GUEST" <secret >k.sealed &&
    test_expect_code 1 as_guest "$FS" -c "$FIX/otherkey.toml" open \
        <k.sealed >out 2>err &&
    test_must_be_empty out &&
    no_leak err &&
    grep "^flux-secret: secret-open: munge_decode: Invalid credential (on host $HOST: " err &&
    grep "munge.key" err
'

#
# --output
#
test_expect_success MUNGE,ACCOUNTS '--output writes a new file of mode 0600' '
    mkdir -m 0700 "$FIX/guest" &&
    chown "$GUEST" "$FIX/guest" &&
    G=$FIX/guest &&
    "$FS" -c "$C1" seal --uid "$GUEST" <secret >f.sealed &&
    as_guest "$FS" -c "$C1" open --output "$G/tok" <f.sealed >out 2>err &&
    test_must_be_empty out &&
    test_must_be_empty err &&
    test_cmp secret "$G/tok" &&
    test "$(stat -c %a "$G/tok")" = 600 &&
    test "$(stat -c %U "$G/tok")" = "$GUEST"
'

test_expect_success MUNGE,ACCOUNTS '--output refuses an existing file and a symbolic link, without using the secret' '
    "$FS" -c "$C1" seal --uid "$GUEST" <secret >f2.sealed &&
    as_guest sh -c "echo keep >$G/exists" &&
    test_expect_code 1 as_guest "$FS" -c "$C1" open -o "$G/exists" \
        <f2.sealed >out 2>err &&
    test_must_be_empty out &&
    grep -x "flux-secret: $G/exists: file exists: not overwriting it" err &&
    echo keep >exp &&
    test_cmp exp "$G/exists" &&
    as_guest ln -s "$G/target" "$G/link" &&
    test_expect_code 1 as_guest "$FS" -c "$C1" open -o "$G/link" \
        <f2.sealed >out 2>err &&
    test_must_be_empty out &&
    test ! -e "$G/target" &&
    as_guest "$FS" -c "$C1" open <f2.sealed >out &&
    test_cmp secret out
'

test_expect_success MUNGE,ACCOUNTS '--output leaves no file when the open is refused' '
    test_expect_code 5 as_guest "$FS" -c "$C1" open -o "$G/never" \
        <f2.sealed 2>err &&
    test ! -e "$G/never" &&
    mkdir -m 0700 "$FIX/owner" &&
    chown "$OWNER" "$FIX/owner" &&
    test_expect_code 4 as_owner "$FS" -c "$C1" open -o "$FIX/owner/never" \
        <f2.sealed 2>err &&
    test ! -e "$FIX/owner/never"
'

#
# --env
#
test_expect_success MUNGE,ACCOUNTS '--env puts the secret into one command'\''s environment' '
    "$FS" -c "$C1" seal --uid "$GUEST" <secret >e.sealed &&
    as_guest "$FS" -c "$C1" open --env TOKEN -- \
        sh -c "printf %s \"\$TOKEN\"" <e.sealed >out 2>err &&
    test_must_be_empty err &&
    test_cmp secret out
'

test_expect_success MUNGE,ACCOUNTS '--env: the secret is not in the argv of the command' '
    cat >"$FIX/show.sh" <<-\EOF &&
	#!/bin/sh
	tr "\0" " " </proc/$$/cmdline
	echo
	tr "\0" "\n" </proc/$$/environ | grep -c "^DW_WORKFLOW_TOKEN="
	EOF
    chmod 755 "$FIX/show.sh" &&
    "$FS" -c "$C1" seal --uid "$GUEST" <secret >e2.sealed &&
    as_guest "$FS" -c "$C1" open --env DW_WORKFLOW_TOKEN "$FIX/show.sh" arg \
        <e2.sealed >out &&
    head -n 1 out >cmdline &&
    grep "show.sh arg" cmdline &&
    no_leak cmdline &&
    test "$(sed -n 2p out)" = 1
'

test_expect_success MUNGE,ACCOUNTS '--env: the command keeps its exit status; one not in PATH exits 127' '
    "$FS" -c "$C1" seal --uid "$GUEST" <secret >e3.sealed &&
    test_expect_code 7 as_guest "$FS" -c "$C1" open --env T -- \
        sh -c "exit 7" <e3.sealed &&
    "$FS" -c "$C1" seal --uid "$GUEST" <secret >e4.sealed &&
    test_expect_code 127 as_guest env PATH=/usr/bin:/bin \
        "$FS" -c "$C1" open --env T -- no-such-command-xyz \
        <e4.sealed >out 2>err &&
    test_must_be_empty out &&
    no_leak err &&
    grep -x "flux-secret: no-such-command-xyz: No such file or directory" err
'

test_expect_success MUNGE,ACCOUNTS '--env refuses invalid names before opening (exit 2)' '
    "$FS" -c "$C1" seal --uid "$GUEST" <secret >e5.sealed &&
    long=$(printf "%0256d" 0 | tr 0 A) &&
    for name in "" 1TOKEN A-B A=B "A B" "T\$" "$long"; do
        test_expect_code 2 as_guest "$FS" -c "$C1" open --env "$name" -- \
            true <e5.sealed >out 2>err &&
        test_must_be_empty out &&
        grep "is not a valid variable name" err || return 1
    done &&
    as_guest "$FS" -c "$C1" open --env "_a$(printf "%0252d" 0 | tr 0 b)" -- \
        true <e5.sealed
'

test_expect_success MUNGE,ACCOUNTS '--env refuses a secret with a NUL byte' '
    "$FS" -c "$C1" seal --uid "$GUEST" <bin >e6.sealed &&
    test_expect_code 1 as_guest "$FS" -c "$C1" open --env T -- \
        sh -c "echo ran" <e6.sealed >out 2>err &&
    test_must_be_empty out &&
    grep -x "flux-secret: the secret contains a NUL byte: it cannot be put in the environment (use --output)" err
'

test_expect_success MUNGE,ACCOUNTS 'open: usage errors exit 2 and do not use the secret' '
    "$FS" -c "$C1" seal --uid "$GUEST" <secret >u.sealed &&
    test_expect_code 2 as_guest "$FS" -c "$C1" open --env T <u.sealed \
        2>err &&
    grep -x "flux-secret: --env NAME needs a COMMAND" err &&
    test_expect_code 2 as_guest "$FS" -c "$C1" open -- true <u.sealed \
        2>err &&
    test_expect_code 2 as_guest "$FS" -c "$C1" open -o "$G/x" --env T -- \
        true <u.sealed 2>err &&
    grep -x "flux-secret: --output and --env cannot be used together" err &&
    test ! -e "$G/x" &&
    as_guest "$FS" -c "$C1" open <u.sealed >out &&
    test_cmp secret out
'

#
# seal: input and arguments
#
test_expect_success MUNGE 'seal: the secret is never an argument' '
    test_expect_code 2 "$FS" -c "$C1" seal --uid 54321 "$WORD" </dev/null \
        >out 2>err &&
    test_must_be_empty out &&
    grep -x "flux-secret: unexpected argument (the secret is read from stdin, never from the command line)" err &&
    no_leak err
'

test_expect_success MUNGE 'seal: 256 KiB are sealed; one byte more is refused' '
    head -c 262144 /dev/urandom >big &&
    "$FS" -c "$C1" seal --uid 54321 <big >big.sealed &&
    echo x >>big &&
    test_expect_code 1 "$FS" -c "$C1" seal --uid 54321 <big >out 2>err &&
    test_must_be_empty out &&
    grep -x "flux-secret: stdin: the secret is larger than 256 KiB" err
'

test_expect_success MUNGE 'seal: root is not a target; the ttl is bounded' '
    test_expect_code 1 "$FS" -c "$C1" seal --uid root <secret >out 2>err &&
    test_must_be_empty out &&
    grep "^flux-secret: secret-seal: refusing to seal for root" err &&
    test_expect_code 1 "$FS" -c "$C1" seal --uid 54321 --ttl 3601 <secret \
        >out 2>err &&
    test_must_be_empty out &&
    grep -x "flux-secret: secret-seal: ttl must be between 1 and 3600 (\[secret\] max-ttl)" err
'

test_expect_success MUNGE 'munged not running: seal fails naming the host' '
    mkconf down "$FIX/no-munged.sock" &&
    test_expect_code 1 "$FS" -c "$FIX/down.toml" seal --uid 54321 <secret \
        >out 2>err &&
    test_must_be_empty out &&
    grep "^flux-secret: secret-seal: munge_encode: Socket communication error (on host $HOST: " err
'

#
# redact: a table of inputs and expected outputs (no munged needed)
#
JWT=eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0In0.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c
CRED="MUNGE:AwQFAAAcdVRsPZGp0+kq2/Qx=:"

# Each line: input|expected output (one line each; @JWT@ and @CRED@ are
# replaced).
cat >redact.table <<'EOF'
nothing to see here|nothing to see here
DW_WORKFLOW_TOKEN=abc123 next|DW_WORKFLOW_TOKEN=*** next
export API_KEY="a b c" x|export API_KEY="***" x
db_password: hunter2|db_password: ***
HOME=/home/bob PATH=/bin|HOME=/home/bob PATH=/bin
Authorization: Bearer @JWT@|Authorization: Bearer ***
the token was @JWT@.|the token was ***.
cred @CRED@ end|cred *** end
flux-secret:1:munge:@CRED@|flux-secret:1:munge:***
{"timestamp":1.5,"name":"dws_environment","context":{"variables":{"DW_JOB_x":"1","DW_WORKFLOW_TOKEN":"@JWT@"}}}|{"timestamp":1.5,"name":"dws_environment","context":{"variables":{"DW_JOB_x":"1","DW_WORKFLOW_TOKEN":"***"}}}
{ "a" : 1 , "api_key" : 12345 , "b" : [1,2] }|{ "a" : 1 , "api_key" : "***" , "b" : [1,2] }
{"secret": {"nested": [1, {"x": 2}]}, "ok": true}|{"secret": "***", "ok": true}
{"msg": "got @JWT@ ok"}|{"msg": "got *** ok"}
{"cmd": "TOKEN=abc"}|{"cmd": "TOKEN=abc"}
{bad json token=1|{bad json token=***
EOF

test_expect_success 'redact: the table of inputs and outputs' '
    sed -e "s|@JWT@|$JWT|g" -e "s|@CRED@|$CRED|g" redact.table >table &&
    while IFS="|" read -r in want; do
        printf "%s\n" "$in" | "$FS" redact >got &&
        printf "%s\n" "$want" >want &&
        test_cmp want got || return 1
    done <table
'

test_expect_success 'redact: a whole eventlog in one pass, from FILE or stdin' '
    cut -d "|" -f 1 table >in &&
    cut -d "|" -f 2 table >want &&
    "$FS" redact in >got &&
    test_cmp want got &&
    "$FS" redact - <in >got &&
    test_cmp want got &&
    "$FS" -c /nonexistent redact <in >got &&
    test_cmp want got
'

test_expect_success 'redact: multi-line text keeps its line ends' '
    printf "A=1\nSECRET=x\r\nB=2\n\nno newline at end TOKEN=a" >ml &&
    printf "A=1\nSECRET=***\r\nB=2\n\nno newline at end TOKEN=***" >ml.want &&
    "$FS" redact <ml >got &&
    cmp ml.want got
'

test_expect_success 'redact: text without secrets is byte-identical' '
    { seq 1 20000 &&
      printf "tabs\tand  spaces  \n\nlast line, no newline: caf\303\251"
    } >plain &&
    "$FS" redact <plain >got &&
    cmp plain got &&
    "$FS" redact </dev/null >got &&
    test_must_be_empty got
'

test_expect_success 'redact --pattern replaces the default list; repeatable' '
    echo "DW_X=1 TOKEN=2 my_pass=3" >p &&
    "$FS" redact --pattern "DW_*" <p >got &&
    echo "DW_X=*** TOKEN=2 my_pass=3" >want &&
    test_cmp want got &&
    "$FS" redact -p "dw_*" -p "*PASS*" <p >got &&
    echo "DW_X=*** TOKEN=2 my_pass=***" >want &&
    test_cmp want got
'

test_expect_success 'redact: a missing FILE is an error' '
    test_expect_code 1 "$FS" redact no-such-file >out 2>err &&
    test_must_be_empty out &&
    grep -x "flux-secret: no-such-file: No such file or directory" err
'

#
# Configuration, usage, version
#
test_expect_success 'a --config pattern that matches nothing is an error naming it' '
    test_expect_code 1 "$FS" -c "$FIX/nothing*.toml" seal --uid 54321 \
        <secret >out 2>err &&
    test_must_be_empty out &&
    grep -x "flux-secret: pattern $FIX/nothing\*.toml matched nothing" err &&
    test_expect_code 1 "$FS" open -c "$FIX/nothing*.toml" </dev/null 2>err &&
    grep -x "flux-secret: pattern $FIX/nothing\*.toml matched nothing" err
'

test_expect_success 'usage errors exit 2' '
    test_expect_code 2 "$FS" 2>err &&
    grep -x "flux-secret: a command is required" err &&
    test_expect_code 2 "$FS" frobnicate 2>err &&
    grep -x "flux-secret: unknown command '\''frobnicate'\''" err &&
    test_expect_code 2 "$FS" --bogus seal 2>err &&
    test_expect_code 2 "$FS" --config 2>err &&
    test_expect_code 2 "$FS" seal </dev/null 2>err &&
    grep -x "flux-secret: --uid USER is required" err &&
    grep -x "Try '\''flux-secret seal --help'\'' for more information." err &&
    test_expect_code 2 "$FS" seal --uid 2>err &&
    grep -x "flux-secret: option '\''--uid'\'' needs an argument" err &&
    test_expect_code 2 "$FS" seal --uid no-such-user-xyz </dev/null 2>err &&
    grep -x "flux-secret: --uid: unknown user '\''no-such-user-xyz'\''" err &&
    for ttl in 0 -1 abc 1x ""; do
        test_expect_code 2 "$FS" seal --uid 54321 --ttl "$ttl" </dev/null \
            2>err || return 1
    done &&
    test_expect_code 2 "$FS" seal --bogus 2>err &&
    test_expect_code 2 "$FS" open extra </dev/null 2>err &&
    test_expect_code 2 "$FS" open --output "" </dev/null 2>err &&
    test_expect_code 2 "$FS" open -x </dev/null 2>err &&
    test_expect_code 2 "$FS" redact a b 2>err &&
    test_expect_code 2 "$FS" redact --pattern "" </dev/null 2>err &&
    test_expect_code 2 "$FS" redact --pattern 2>err
'

test_expect_success '--help of flux-secret and of each command exits 0' '
    "$FS" --help >out &&
    grep "^Usage: flux-secret " out &&
    for cmd in seal open redact; do
        "$FS" $cmd --help >out &&
        grep "^Usage: flux-secret .*$cmd" out || return 1
    done
'

test_expect_success '--version prints the version of the library' '
    "$FS" --version >out &&
    grep -x "flux-secret (flux-security) [0-9][0-9.]*[-0-9a-z]*" out
'

test_expect_success 'core dumps are disabled while it runs' '
    "$FS" redact /proc/self/limits >limits &&
    grep "^Max core file size *0 *0 " limits
'

test_done
