#!/bin/sh
test_description='flux-sign: sign and verify with none, munge and curve

Round trips, the errors a site meets (MUNGE key mismatch between two
nodes, munged not running, a mechanism that is not allowed), malformed
signed messages, --output, certificates (keygen, certinfo) and usage.
MUNGE tests run private munged daemons (t/sharness.d/munge.sh), never the
system one.'

. "$(dirname "$0")/sharness.sh"

fixture_report

HOST=$(uname -n)
ME=$(id -u)
ME_NAME=$(id -un)
ALL='["none", "munge", "curve"]'

# The configuration files live in a directory of their own under /tmp
# (root-owned, mode 0755), so that they pass the library's path checks
# when the test runs as root, and the test accounts can read them.
# flux-sign is copied there for the same reason.  Removed at exit.
test_expect_success 'create the fixture directory' '
    FIX=$(mktemp -d /tmp/t0200.XXXXXX) &&
    fixture_atexit rm -rf "$FIX" &&
    chmod 755 "$FIX" &&
    cp "$FLUX_BUILD_DIR/src/cmd/flux-sign" "$FIX/flux-sign" &&
    chmod 755 "$FIX/flux-sign" &&
    echo "$FIX" >fixdir
'
FIX=$(cat fixdir 2>/dev/null)
FS=$FIX/flux-sign

# mkconf NAME DEFAULT-TYPE ALLOWED-TYPES [MORE]: write the configuration
# file $FIX/NAME.toml (mode 0644), used as --config "$FIX/NAME.toml".
# MORE is appended with printf %b (\n are newlines).
mkconf () {
    printf "[sign]\nmax-ttl = 3600\ndefault-type = \"%s\"\n" "$2" \
        >"$FIX/$1.toml" &&
    printf "allowed-types = %s\n%b" "$3" "${4:-}" >>"$FIX/$1.toml" &&
    chmod 644 "$FIX/$1.toml"
}

# munge_conf NAME DAEMON: a configuration using the private munged DAEMON.
munge_conf () {
    mkconf "$1" munge "$ALL" \
        "[sign.munge]\nsocket-path = \"$(munge_socket "$2")\"\n"
}

#
# none
#
test_expect_success 'none: a payload round trip' '
    mkconf none none "$ALL" &&
    NONE=$FIX/none.toml &&
    echo hello >payload &&
    "$FS" --config "$NONE" sign <payload >signed &&
    "$FS" --config "$NONE" verify <signed >out 2>info &&
    test_cmp payload out &&
    grep -x "mechanism: none" info &&
    grep -x "userid: $ME ($ME_NAME)" info &&
    grep -x "created: unknown" info &&
    grep -x "expires: unknown" info
'

test_expect_success 'the signed message is one line: HEADER.PAYLOAD.none' '
    test "$(wc -l <signed)" = 1 &&
    grep -x "[A-Za-z0-9+/=]*\.aGVsbG8K\.none" signed
'

test_expect_success 'verify reads FILE or -, and --config may follow the command' '
    "$FS" verify --config "$NONE" signed >out 2>/dev/null &&
    test_cmp payload out &&
    "$FS" verify -c "$NONE" - <signed >out 2>/dev/null &&
    test_cmp payload out &&
    "$FS" sign -c "$NONE" --input payload >signed2 &&
    test_cmp signed signed2
'

test_expect_success 'none: a binary payload with NUL bytes round trips' '
    printf "a\0b\0\0c\377\n\n" >bin &&
    head -c 100000 /dev/urandom >>bin &&
    printf "\0" >>bin &&
    "$FS" -c "$NONE" sign --input bin >bin.signed &&
    "$FS" -c "$NONE" verify bin.signed >bin.out 2>/dev/null &&
    cmp bin bin.out
'

test_expect_success 'none: an empty payload round trips' '
    "$FS" -c "$NONE" sign </dev/null >empty.signed &&
    grep -x "[A-Za-z0-9+/=]*\.\.none" empty.signed &&
    "$FS" -c "$NONE" verify <empty.signed >out 2>info &&
    test_must_be_empty out &&
    grep -x "mechanism: none" info
'

test_expect_success 'a 64 MiB payload round trips; one byte more is refused' '
    head -c 67108864 /dev/zero >big &&
    test_when_finished "rm -f big big.signed big.out" &&
    "$FS" -c "$NONE" sign --input big >big.signed &&
    "$FS" -c "$NONE" verify big.signed >big.out 2>/dev/null &&
    cmp big big.out &&
    echo x >>big &&
    test_expect_code 1 "$FS" -c "$NONE" sign --input big >out 2>err &&
    test_must_be_empty out &&
    grep -x "flux-sign: big: the payload is larger than 64 MiB" err &&
    cat big | test_expect_code 1 "$FS" -c "$NONE" sign >out 2>err &&
    grep -x "flux-sign: stdin: the payload is larger than 64 MiB" err
'

test_expect_success 'none: --as another uid does not verify (userid mismatch)' '
    ! getent passwd 54321 &&
    "$FS" -c "$NONE" sign --as 54321 <payload >as.signed &&
    test_expect_code 1 "$FS" -c "$NONE" verify <as.signed >out 2>err &&
    test_must_be_empty out &&
    grep -x "flux-sign: sign-none-verify: header userid 54321 != real $ME" err
'

test_expect_success '--noverify decodes it and says the signature was not checked' '
    "$FS" -c "$NONE" verify --noverify <as.signed >out 2>info &&
    test_cmp payload out &&
    grep -x "userid: 54321 (unknown on $HOST)" info &&
    grep -x "signature: not checked (--noverify)" info
'

test_expect_success '--as takes a user name' '
    "$FS" -c "$NONE" sign --as nobody <payload >nobody.signed &&
    "$FS" -c "$NONE" verify -n <nobody.signed >out 2>info &&
    grep -x "userid: $(id -u nobody) (nobody)" info
'

test_expect_success ACCOUNTS 'none: a message of root does not verify for another user' '
    test_expect_code 1 run_as "$OWNER" "$FS" -c "$NONE" verify \
        <signed >out 2>err &&
    grep -x "flux-sign: sign-none-verify: header userid 0 != real $OWNER_UID" err
'

#
# Mechanisms: unknown, not allowed, --anymech
#
test_expect_success 'an unknown mechanism cannot sign' '
    test_expect_code 1 "$FS" -c "$NONE" sign --mech bogus <payload \
        >out 2>err &&
    test_must_be_empty out &&
    grep -x "flux-sign: sign-wrap: unknown mechanism: bogus" err
'

test_expect_success 'a header with an unknown mechanism fails, even with --anymech' '
    h=$(printf "version\0i1\0mechanism\0sbogus\0userid\0i%s\0" "$ME" |
        base64 -w0) &&
    echo "$h.aGVsbG8K.none" >bogus.signed &&
    test_expect_code 1 "$FS" -c "$NONE" verify <bogus.signed 2>err &&
    grep -x "flux-sign: sign-unwrap: header mechanism=bogus unknown" err &&
    test_expect_code 1 "$FS" -c "$NONE" verify --anymech <bogus.signed \
        2>err &&
    grep -x "flux-sign: sign-unwrap: header mechanism=bogus unknown" err
'

test_expect_success 'a mechanism that is not allowed: verify fails naming the host' '
    mkconf munge-only munge "[\"munge\"]" &&
    ONLY=$FIX/munge-only.toml &&
    "$FS" -c "$ONLY" sign --mech none <payload >none.signed &&
    test_expect_code 1 "$FS" -c "$ONLY" verify <none.signed >out 2>err &&
    test_must_be_empty out &&
    grep "^flux-sign: sign-unwrap: header mechanism=none not allowed (on host $HOST: " err &&
    grep "allowed-types" err
'

test_expect_success '--noverify alone still refuses a mechanism that is not allowed' '
    test_expect_code 1 "$FS" -c "$ONLY" verify --noverify <none.signed \
        2>err &&
    grep "header mechanism=none not allowed" err
'

test_expect_success '--anymech accepts a mechanism that is not allowed' '
    "$FS" -c "$ONLY" verify --anymech <none.signed >out 2>info &&
    test_cmp payload out &&
    grep -x "mechanism: none" info
'

#
# Malformed input
#
test_expect_success 'garbage and an empty input fail to verify' '
    echo "not a signed message" >garbage &&
    test_expect_code 1 "$FS" -c "$NONE" verify garbage >out 2>err &&
    test_must_be_empty out &&
    grep -x "flux-sign: sign-unwrap: header decode error: Invalid argument" err &&
    test_expect_code 1 "$FS" -c "$NONE" verify </dev/null 2>err &&
    grep -x "flux-sign: sign-unwrap: header decode error: Invalid argument" err
'

test_expect_success 'a truncated message fails to verify' '
    head -c 40 signed >trunc &&
    test_expect_code 1 "$FS" -c "$NONE" verify trunc >out 2>err &&
    test_must_be_empty out &&
    grep "decode error" err &&
    sed "s/\.none\$/.no/" signed >trunc2 &&
    test_expect_code 1 "$FS" -c "$NONE" verify trunc2 2>err &&
    grep -x "flux-sign: sign-none-verify: signature invalid" err
'

test_expect_success 'extra dots fail to verify' '
    sed "s/\$/.none/" signed >dots &&
    test_expect_code 1 "$FS" -c "$NONE" verify dots >out 2>err &&
    test_must_be_empty out &&
    grep -x "flux-sign: sign-none-verify: signature invalid" err &&
    sed "s/\./../" signed >dots2 &&
    test_expect_code 1 "$FS" -c "$NONE" verify dots2 2>err &&
    grep -x "flux-sign: sign-none-verify: signature invalid" err
'

test_expect_success 'URL-safe or unpadded base64 fails to verify' '
    printf "\373\377" | "$FS" -c "$NONE" sign >b64.signed &&
    grep "\.+/8=\.none\$" b64.signed &&
    sed "s|\.+/8=\.|.-_8=.|" b64.signed >urlsafe &&
    test_expect_code 1 "$FS" -c "$NONE" verify urlsafe >out 2>err &&
    test_must_be_empty out &&
    grep -x "flux-sign: sign-unwrap: payload decode error: Invalid argument" err &&
    sed "s|\.+/8=\.|.+/8.|" b64.signed >unpadded &&
    test_expect_code 1 "$FS" -c "$NONE" verify unpadded 2>err &&
    grep -x "flux-sign: sign-unwrap: payload decode error: Invalid argument" err
'

test_expect_success 'white space other than one final newline fails to verify' '
    printf "%s\r\n" "$(cat signed)" >crlf &&
    test_expect_code 1 "$FS" -c "$NONE" verify crlf 2>err &&
    grep "signature invalid" err &&
    printf "%s\n\n" "$(cat signed)" >nl2 &&
    test_expect_code 1 "$FS" -c "$NONE" verify nl2 2>err &&
    grep "signature invalid" err &&
    printf " %s\n" "$(cat signed)" >lead &&
    test_expect_code 1 "$FS" -c "$NONE" verify lead 2>err &&
    grep "header decode error" err &&
    printf "%s" "$(cat signed)" >nonl &&
    "$FS" -c "$NONE" verify nonl >out 2>/dev/null &&
    test_cmp payload out
'

test_expect_success 'a NUL byte in the signed message is refused' '
    printf "%s\0\n" "$(cat signed)" >nul &&
    test_expect_code 1 "$FS" -c "$NONE" verify nul >out 2>err &&
    test_must_be_empty out &&
    grep -x "flux-sign: the signed message contains a NUL byte" err
'

#
# --output
#
test_expect_success '--output writes the payload to a new file of mode 0600' '
    "$FS" -c "$NONE" verify --output new.out signed >out 2>/dev/null &&
    test_must_be_empty out &&
    test_cmp payload new.out &&
    test "$(stat -c %a new.out)" = 600
'

test_expect_success '--output refuses an existing file and a symbolic link' '
    echo keep >exists &&
    test_expect_code 1 "$FS" -c "$NONE" verify -o exists signed 2>err &&
    grep -x "flux-sign: exists: file exists: not overwriting it" err &&
    echo keep >exists.exp &&
    test_cmp exists.exp exists &&
    ln -s target link &&
    test_expect_code 1 "$FS" -c "$NONE" verify -o link signed 2>err &&
    test ! -e target
'

test_expect_success '--output creates nothing when verification fails' '
    test_expect_code 1 "$FS" -c "$NONE" verify -o never.out as.signed &&
    test ! -e never.out
'

#
# MUNGE
#
test_expect_success MUNGE 'munge: a round trip through a private munged' '
    munge_start &&
    munge_conf munge munge &&
    MUNGE=$FIX/munge.toml &&
    "$FS" -c "$MUNGE" sign <payload >munge.signed &&
    grep "\.MUNGE:[^.]*:\$" munge.signed &&
    "$FS" -c "$MUNGE" verify <munge.signed >out 2>info &&
    test_cmp payload out &&
    grep -x "mechanism: munge" info &&
    grep -x "userid: $ME ($ME_NAME)" info
'

test_expect_success MUNGE 'munge: created and expires are max-ttl apart' '
    created=$(sed -n "s/^created: //p" info) &&
    expires=$(sed -n "s/^expires: //p" info) &&
    echo "$created" | grep -x "[0-9]\{4\}-[0-9][0-9]-[0-9][0-9]T[0-9:]\{8\}Z" &&
    test $(($(date -u -d "$expires" +%s) - $(date -u -d "$created" +%s))) = 3600
'

test_expect_success MUNGE 'munge: a binary payload round trips' '
    "$FS" -c "$MUNGE" sign --mech munge --input bin >bin.signed &&
    "$FS" -c "$MUNGE" verify bin.signed >bin.out 2>/dev/null &&
    cmp bin bin.out
'

test_expect_success MUNGE 'munge: --as another uid fails with a uid mismatch' '
    "$FS" -c "$MUNGE" sign --as 54321 <payload >as.signed &&
    test_expect_code 1 "$FS" -c "$MUNGE" verify <as.signed >out 2>err &&
    test_must_be_empty out &&
    grep -x "flux-sign: sign-munge-verify: uid mismatch" err
'

test_expect_success MUNGE 'munge: a changed payload fails; --noverify decodes it' '
    sed "s/^\([^.]*\)\.[^.]*\./\1.Ynll./" munge.signed >tampered &&
    test_expect_code 1 "$FS" -c "$MUNGE" verify tampered >out 2>err &&
    test_must_be_empty out &&
    grep -x "flux-sign: sign-munge-verify: SHA256 hash mismatch" err &&
    "$FS" -c "$MUNGE" verify --noverify tampered >out 2>info &&
    printf bye >bye &&
    test_cmp bye out &&
    grep -x "created: unknown" info
'

test_expect_success MUNGE,ACCOUNTS 'munge: signed by the owner, verified by the guest' '
    run_as "$OWNER" "$FS" -c "$MUNGE" sign <payload >owner.signed &&
    run_as "$GUEST" "$FS" -c "$MUNGE" verify <owner.signed >out 2>info &&
    test_cmp payload out &&
    grep -x "userid: $OWNER_UID ($OWNER)" info
'

test_expect_success MUNGE 'two nodes with the same key: sign on one, verify on the other' '
    munge_start_pair node1 node2 &&
    munge_conf node1 node1 &&
    munge_conf node2 node2 &&
    "$FS" -c "$FIX/node1.toml" sign <payload >n1.signed &&
    "$FS" -c "$FIX/node2.toml" verify <n1.signed >out 2>info &&
    test_cmp payload out &&
    grep -x "mechanism: munge" info
'

test_expect_success MUNGE 'a node with another MUNGE key: the error names the host and the fix' '
    munge_start otherkey &&
    munge_conf otherkey otherkey &&
    test_expect_code 1 "$FS" -c "$FIX/otherkey.toml" verify <n1.signed \
        >out 2>err &&
    test_must_be_empty out &&
    grep "^flux-sign: sign-munge-verify: munge_decode: Invalid credential (on host $HOST: " err &&
    grep "same munge.key" err
'

test_expect_success MUNGE 'munged not running: sign fails naming the host and munged' '
    mkconf down munge "$ALL" \
        "[sign.munge]\nsocket-path = \"$FIX/no-munged.sock\"\n" &&
    test_expect_code 1 "$FS" -c "$FIX/down.toml" sign <payload >out 2>err &&
    test_must_be_empty out &&
    grep "^flux-sign: sign-munge-sign: munge_encode: Socket communication error (on host $HOST: " err &&
    grep "is munged running?" err
'

test_expect_success MUNGE 'munged stopped on the verifying node: verify fails the same way' '
    munge_stop node2 &&
    test_expect_code 1 "$FS" -c "$FIX/node2.toml" verify <n1.signed \
        >out 2>err &&
    test_must_be_empty out &&
    grep "^flux-sign: sign-munge-verify: munge_decode: Socket communication error (on host $HOST: " err &&
    grep "is munged running?" err
'

#
# Certificates
#
test_expect_success 'keygen writes PATH (0600) and PATH.pub (0644)' '
    mkdir -m 0755 certs &&
    "$FS" keygen certs/sig >out 2>err &&
    test_must_be_empty out &&
    test_must_be_empty err &&
    test "$(stat -c %a certs/sig)" = 600 &&
    test "$(stat -c %a certs/sig.pub)" = 644 &&
    ! grep "secret" certs/sig.pub
'

test_expect_success 'certinfo prints the metadata, the public key, no CA signature' '
    "$FS" certinfo certs/sig >info &&
    grep -x "algorithm = ed25519" info &&
    grep -x "userid = $ME" info &&
    grep -x "ctime = [0-9-]*T[0-9:]*Z" info &&
    grep -x "public-key = [A-Za-z0-9+/]\{43\}=" info &&
    grep -x "signed by CA: no" info &&
    ! grep -i "secret" info &&
    "$FS" certinfo certs/sig.pub >info.pub &&
    test_cmp info info.pub
'

test_expect_success 'keygen refuses to overwrite a certificate' '
    cp certs/sig.pub sig.pub.orig &&
    test_expect_code 1 "$FS" keygen certs/sig 2>err &&
    grep -x "flux-sign: certs/sig exists: not overwriting it (--force replaces it)" err &&
    test_cmp sig.pub.orig certs/sig.pub &&
    rm certs/sig &&
    test_expect_code 1 "$FS" keygen certs/sig 2>err &&
    grep -x "flux-sign: certs/sig.pub exists: not overwriting it (--force replaces it)" err &&
    test ! -e certs/sig
'

test_expect_success 'keygen --force replaces regular files' '
    "$FS" keygen --force certs/sig &&
    test -f certs/sig &&
    ! test_cmp sig.pub.orig certs/sig.pub
'

test_expect_success 'keygen --force never replaces a symbolic link' '
    echo precious >precious &&
    ln -s ../precious certs/link &&
    test_expect_code 1 "$FS" keygen --force certs/link 2>err &&
    grep -x "flux-sign: certs/link is a symbolic link: refusing to replace it" err &&
    ln -s ../precious certs/link2.pub &&
    test_expect_code 1 "$FS" keygen --force certs/link2 2>err &&
    grep -x "flux-sign: certs/link2.pub is a symbolic link: refusing to replace it" err &&
    test ! -e certs/link2 &&
    echo precious >precious.exp &&
    test_cmp precious.exp precious
'

test_expect_success 'keygen needs an existing directory' '
    test_expect_code 1 "$FS" keygen nodir/sig 2>err &&
    grep "^flux-sign: directory nodir does not exist: create it first" err &&
    test ! -e nodir
'

test_expect_success 'certinfo of a missing certificate is an error' '
    test_expect_code 1 "$FS" certinfo certs/none >out 2>err &&
    test_must_be_empty out &&
    grep "^flux-sign: .*certs/none.pub" err
'

test_expect_success 'certinfo escapes control characters in metadata' '
    key=$(sed -n "s/^ *public-key = //p" certs/sig.pub) &&
    printf "[metadata]\nname = \"a\\\\u001b[31mb\\\\\\\\c\"\n\n[curve]\npublic-key = %s\n" \
        "$key" >esc.pub &&
    "$FS" certinfo esc >info &&
    grep -xF "name = a\x1b[31mb\x5cc" info
'

test_expect_success 'certinfo --config needs a [ca] table' '
    test_expect_code 1 "$FS" certinfo --config "$NONE" certs/sig >out 2>err &&
    grep -x "flux-sign: no \[ca\] table in $NONE: cannot check the certificate" err
'

#
# curve, with the certificate of a test account in its home directory
# (the verifier without a CA reads ~USER/.flux/curve/sig.pub).  The tests
# use ~owner/.flux only if this script creates it (mkdir is atomic, so two
# runs at once never share it), and remove it at exit.  CURVE is set only
# if the curve mechanism signs; curve.why says why not.
#
test_expect_success ACCOUNTS 'curve: make a certificate for the owner' '
    mkconf curve curve "$ALL" "[sign.curve]\nrequire-ca = false\n" &&
    CURVE=$FIX/curve.toml &&
    if ! run_as "$OWNER" mkdir -m 0755 "$OWNER_HOME/.flux" 2>/dev/null; then
        echo "cannot create $OWNER_HOME/.flux (already there?)" >curve.why
    elif ! fixture_atexit rm -rf "$OWNER_HOME/.flux" ||
        ! run_as "$OWNER" mkdir -m 0755 "$OWNER_HOME/.flux/curve" ||
        ! run_as "$OWNER" "$FS" keygen "$OWNER_HOME/.flux/curve/sig"; then
        false
    elif run_as "$OWNER" "$FS" -c "$CURVE" sign --mech curve <payload \
        >curve.signed 2>curve.err; then
        test_set_prereq CURVE
    else
        echo "the curve mechanism cannot sign: $(cat curve.err)" >curve.why
    fi
'
test -s curve.why && echo "# curve tests skip: $(cat curve.why)"

test_expect_success CURVE 'curve: a round trip' '
    run_as "$OWNER" "$FS" -c "$CURVE" verify <curve.signed >out 2>info &&
    test_cmp payload out &&
    grep -x "mechanism: curve" info &&
    grep -x "userid: $OWNER_UID ($OWNER)" info &&
    created=$(sed -n "s/^created: //p" info) &&
    expires=$(sed -n "s/^expires: //p" info) &&
    test $(($(date -u -d "$expires" +%s) - $(date -u -d "$created" +%s))) = 3600
'

test_expect_success CURVE 'curve: verified by another user too' '
    run_as "$GUEST" "$FS" -c "$CURVE" verify <curve.signed >out 2>info &&
    test_cmp payload out
'

test_expect_success CURVE 'curve: cert-path signs with another certificate, which fails' '
    mkdir -m 0755 "$FIX/other" &&
    chown "$OWNER" "$FIX/other" &&
    run_as "$OWNER" "$FS" keygen "$FIX/other/sig" &&
    mkconf curve-other curve "$ALL" \
        "[sign.curve]\nrequire-ca = false\ncert-path = \"$FIX/other/sig\"\n" &&
    run_as "$OWNER" "$FS" -c "$FIX/curve-other.toml" sign <payload \
        >other.signed &&
    test_expect_code 1 run_as "$OWNER" "$FS" -c "$CURVE" verify \
        <other.signed 2>err &&
    grep "^flux-sign: sign-curve-verify: " err
'

test_expect_success CURVE 'curve: a changed payload fails' '
    sed "s/^\([^.]*\)\.[^.]*\./\1.Ynll./" curve.signed >tampered &&
    test_expect_code 1 run_as "$OWNER" "$FS" -c "$CURVE" verify tampered \
        >out 2>err &&
    test_must_be_empty out &&
    grep "^flux-sign: sign-curve-verify: " err
'

test_expect_success 'curve: a user without a certificate is told how to make one' '
    mkconf curve-nocert curve "$ALL" \
        "[sign.curve]\nrequire-ca = false\ncert-path = \"$FIX/nocert/sig\"\n" &&
    test_expect_code 1 "$FS" -c "$FIX/curve-nocert.toml" sign <payload \
        >out 2>err &&
    test_must_be_empty out &&
    grep "^flux-sign: sign-curve-prep: load $FIX/nocert/sig: No such file or directory (" err &&
    grep "on host $(hostname): this user has no certificate; create one with flux-sign keygen)" err
'

#
# Configuration, usage, version
#
test_expect_success 'a pattern that matches nothing is an error naming it' '
    test_expect_code 1 "$FS" -c "$FIX/nothing*.toml" sign <payload 2>err &&
    grep -x "flux-sign: pattern $FIX/nothing\*.toml matched nothing" err
'

test_expect_success 'usage errors exit 2' '
    test_expect_code 2 "$FS" 2>err &&
    grep -x "flux-sign: a command is required" err &&
    test_expect_code 2 "$FS" frobnicate 2>err &&
    grep -x "flux-sign: unknown command '\''frobnicate'\''" err &&
    test_expect_code 2 "$FS" --bogus sign 2>err &&
    test_expect_code 2 "$FS" sign --bogus <payload 2>err &&
    grep -x "Try '\''flux-sign sign --help'\'' for more information." err &&
    test_expect_code 2 "$FS" sign --mech 2>err &&
    grep -x "flux-sign: option '\''--mech'\'' needs an argument" err &&
    test_expect_code 2 "$FS" sign --as no-such-user-xyz <payload 2>err &&
    test_expect_code 2 "$FS" sign extra <payload 2>err &&
    test_expect_code 2 "$FS" verify a b 2>err &&
    test_expect_code 2 "$FS" verify -x signed 2>err &&
    test_expect_code 2 "$FS" keygen 2>err &&
    test_expect_code 2 "$FS" keygen a b 2>err &&
    test_expect_code 2 "$FS" certinfo 2>err &&
    test_expect_code 2 "$FS" --config 2>err
'

test_expect_success '--help of flux-sign and of each command exits 0' '
    "$FS" --help >out &&
    grep "^Usage: flux-sign " out &&
    for cmd in sign verify keygen certinfo; do
        "$FS" $cmd --help >out &&
        grep "^Usage: flux-sign .*$cmd" out || return 1
    done
'

test_expect_success '--version prints the version of the library' '
    "$FS" --version >out &&
    grep -x "flux-sign (flux-security) [0-9][0-9.]*[-0-9a-z]*" out
'

test_done
