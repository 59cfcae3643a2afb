#!/bin/sh
test_description='configuration loader: path security checks, merge, schema

Runs the cfload tool (src/common/test/cfload) on real files.  Every
permission and ownership rule gets its own negative test; the tests
need root to create files of other owners and skip without it.'

. "$(dirname "$0")/sharness.sh"

CFLOAD_BUILT=$FLUX_BUILD_DIR/src/common/test/cfload
NOBODY=65534
NOGROUP=65534

if test "$(id -u)" = 0; then
    test_set_prereq ROOT
fi
if command -v setpriv >/dev/null; then
    test_set_prereq SETPRIV
fi

# The fixtures live in a directory of their own under /tmp (mode 0755,
# root-owned ancestors), which an unprivileged user can also traverse;
# cfload is copied there for the same reason.  It is removed at exit
# (fixture_atexit, t/sharness.d/00-common.sh), even after a failure.
test_expect_success ROOT 'create the fixture directory' '
    FIX=$(mktemp -d /tmp/t0100.XXXXXX) &&
    fixture_atexit rm -rf "$FIX" &&
    chmod 755 "$FIX" &&
    cp "$CFLOAD_BUILT" "$FIX/cfload" &&
    chmod 755 "$FIX/cfload" &&
    echo "$FIX" >fixdir
'
FIX=$(cat fixdir 2>/dev/null)
CFLOAD=$FIX/cfload

# mkconf DIR: a conf.d directory, root-owned, mode 0755
mkconf() {
    mkdir "$FIX/$1" && chmod 755 "$FIX/$1"
}

test_expect_success ROOT 'a secure conf.d loads and prints JSON' '
    mkconf good &&
    cat >"$FIX/good/10-imp.toml" <<-EOF &&
	allow-sudo = true
	log-level = "info"
	[exec]
	allowed-users = ["flux"]
	allowed-shells = ["/usr/libexec/flux/flux-shell"]
	[run.prolog]
	path = "/etc/flux/system/prolog"
	allowed-users = ["flux"]
	allowed-environment = ["FLUX_*"]
	EOF
    cat >"$FIX/good/20-time.toml" <<-EOF &&
	[ca]
	expires = 2030-01-01T00:00:00Z
	EOF
    "$CFLOAD" "$FIX/good/*.toml" >out &&
    grep "\"allow-sudo\": true" out &&
    grep "\"path\": \"/etc/flux/system/prolog\"" out &&
    grep "\"iso-8601-ts\": \"2030-01-01T00:00:00Z\"" out
'

test_expect_success ROOT 'a later file replaces a top-level table wholesale' '
    mkconf merge &&
    printf "[exec]\nallowed-users = [\"a\"]\npam-support = true\n" \
        >"$FIX/merge/a.toml" &&
    printf "[exec]\nallowed-users = [\"b\"]\n" >"$FIX/merge/b.toml" &&
    "$CFLOAD" "$FIX/merge/*.toml" >out &&
    grep "\"b\"" out &&
    test_must_fail grep "pam-support" out &&
    test_must_fail grep "\"a\"" out
'

test_expect_success ROOT 'a pattern that matches nothing is an error' '
    test_expect_code 1 "$CFLOAD" "$FIX/good/*.conf" 2>err &&
    grep "^cfload: $FIX/good/\*.conf: No match$" err
'

test_expect_success ROOT 'a missing directory is a read error' '
    test_expect_code 1 "$CFLOAD" "$FIX/nodir/*.toml" 2>err &&
    grep "^cfload: $FIX/nodir/\*.toml: Read error ($FIX/nodir: No such file or directory)$" err
'

test_expect_success ROOT 'a file writable by group is refused' '
    mkconf m664 &&
    echo "a = 1" >"$FIX/m664/a.toml" &&
    chmod 664 "$FIX/m664/a.toml" &&
    test_expect_code 1 "$CFLOAD" "$FIX/m664/*.toml" 2>err &&
    grep "^cfload: $FIX/m664/a.toml: bad file permissions (0664): " err
'

test_expect_success ROOT 'a file writable by other is refused' '
    mkconf m646 &&
    echo "a = 1" >"$FIX/m646/a.toml" &&
    chmod 646 "$FIX/m646/a.toml" &&
    test_expect_code 1 "$CFLOAD" "$FIX/m646/*.toml" 2>err &&
    grep "^cfload: $FIX/m646/a.toml: bad file permissions (0646): " err
'

test_expect_success ROOT 'a file writable by everyone is refused' '
    mkconf m666 &&
    echo "a = 1" >"$FIX/m666/a.toml" &&
    chmod 666 "$FIX/m666/a.toml" &&
    test_expect_code 1 "$CFLOAD" "$FIX/m666/*.toml" 2>err &&
    grep "bad file permissions (0666)" err
'

test_expect_success ROOT 'a file owned by another user is refused' '
    mkconf owner &&
    echo "a = 1" >"$FIX/owner/a.toml" &&
    chown $NOBODY "$FIX/owner/a.toml" &&
    test_expect_code 1 "$CFLOAD" "$FIX/owner/*.toml" 2>err &&
    grep "^cfload: $FIX/owner/a.toml: insecure file ownership (owner uid 65534): the file must be owned by root$" err
'

test_expect_success ROOT 'a file of another group is refused' '
    mkconf group &&
    echo "a = 1" >"$FIX/group/a.toml" &&
    chgrp $NOGROUP "$FIX/group/a.toml" &&
    test_expect_code 1 "$CFLOAD" "$FIX/group/*.toml" 2>err &&
    grep "insecure file ownership (group gid 65534)" err
'

test_expect_success ROOT 'a symbolic link to a good file is refused' '
    mkconf link &&
    ln -s ../good/10-imp.toml "$FIX/link/a.toml" &&
    test_expect_code 1 "$CFLOAD" "$FIX/link/*.toml" 2>err &&
    grep "^cfload: $FIX/link/a.toml: symbolic link" err
'

test_expect_success ROOT 'a symbolic link to /dev/null is refused' '
    mkconf devlink &&
    ln -s /dev/null "$FIX/devlink/a.toml" &&
    test_expect_code 1 "$CFLOAD" "$FIX/devlink/*.toml" 2>err &&
    grep "symbolic link" err &&
    test_expect_code 1 "$CFLOAD" --disable-paranoia "$FIX/devlink/*.toml" \
        2>err &&
    grep "File is not a regular file" err
'

test_expect_success ROOT 'a symbolic link in a directory of the path is refused' '
    ln -s good "$FIX/alias" &&
    test_expect_code 1 "$CFLOAD" "$FIX/alias/*.toml" 2>err &&
    grep "^cfload: $FIX/alias/10-imp.toml: symbolic link in the path ($FIX/alias)" err
'

test_expect_success ROOT 'a FIFO is refused without hanging' '
    mkconf fifo &&
    mkfifo "$FIX/fifo/a.toml" &&
    test_expect_code 1 timeout 20 "$CFLOAD" "$FIX/fifo/*.toml" 2>err &&
    grep "^cfload: $FIX/fifo/a.toml: File is not a regular file" err
'

test_expect_success ROOT 'a directory matched by the pattern is refused' '
    mkconf dirmatch &&
    mkdir "$FIX/dirmatch/a.toml" &&
    test_expect_code 1 "$CFLOAD" "$FIX/dirmatch/*.toml" 2>err &&
    grep "File is not a regular file" err
'

test_expect_success ROOT 'a world-writable directory without sticky bit is refused' '
    mkconf ww &&
    echo "a = 1" >"$FIX/ww/a.toml" &&
    chmod 777 "$FIX/ww" &&
    test_expect_code 1 "$CFLOAD" "$FIX/ww/*.toml" 2>err &&
    grep "parent directory is world-writable without sticky bit ($FIX/ww, mode 0777)" err
'

test_expect_success ROOT 'a world-writable directory with sticky bit is accepted' '
    mkconf wwt &&
    echo "a = 1" >"$FIX/wwt/a.toml" &&
    chmod 1777 "$FIX/wwt" &&
    "$CFLOAD" "$FIX/wwt/*.toml"
'

test_expect_success ROOT 'a group-writable directory without sticky bit is refused' '
    mkconf gw &&
    echo "a = 1" >"$FIX/gw/a.toml" &&
    chmod 775 "$FIX/gw" &&
    test_expect_code 1 "$CFLOAD" "$FIX/gw/*.toml" 2>err &&
    grep "parent directory is group-writable without sticky bit ($FIX/gw, mode 0775)" err
'

test_expect_success ROOT 'a group-writable directory with sticky bit is accepted' '
    mkconf gwt &&
    echo "a = 1" >"$FIX/gwt/a.toml" &&
    chmod 1775 "$FIX/gwt" &&
    "$CFLOAD" "$FIX/gwt/*.toml"
'

test_expect_success ROOT 'an insecure directory above the parent is refused' '
    mkconf up &&
    mkdir "$FIX/up/conf.d" &&
    echo "a = 1" >"$FIX/up/conf.d/a.toml" &&
    chmod 777 "$FIX/up" &&
    test_expect_code 1 "$CFLOAD" "$FIX/up/conf.d/*.toml" 2>err &&
    grep "world-writable without sticky bit ($FIX/up, mode 0777)" err
'

test_expect_success ROOT 'a directory owned by another user is refused' '
    mkconf dirowner &&
    echo "a = 1" >"$FIX/dirowner/a.toml" &&
    chown $NOBODY "$FIX/dirowner" &&
    test_expect_code 1 "$CFLOAD" "$FIX/dirowner/*.toml" 2>err &&
    grep "Invalid ownership on parent directory ($FIX/dirowner, owner uid 65534)" err
'

test_expect_success ROOT '--disable-paranoia as root skips the checks' '
    "$CFLOAD" --disable-paranoia "$FIX/m666/*.toml" &&
    "$CFLOAD" --disable-paranoia "$FIX/owner/*.toml" &&
    "$CFLOAD" --disable-paranoia "$FIX/link/*.toml" &&
    "$CFLOAD" --disable-paranoia "$FIX/ww/*.toml"
'

test_expect_success ROOT 'a key inside a file does not disable the checks' '
    mkconf keys &&
    echo "disable-path-paranoia = true" >"$FIX/keys/a.toml" &&
    echo "b = 1" >"$FIX/keys/b.toml" &&
    chmod 666 "$FIX/keys/b.toml" &&
    test_expect_code 1 "$CFLOAD" "$FIX/keys/*.toml" 2>err &&
    grep "keys/b.toml: bad file permissions (0666)" err
'

test_expect_success ROOT 'a file larger than the cap is refused' '
    mkconf big &&
    head -c 1048577 /dev/zero | tr "\0" "#" >"$FIX/big/a.toml" &&
    test_expect_code 1 "$CFLOAD" "$FIX/big/*.toml" 2>err &&
    grep "^cfload: $FIX/big/a.toml: file too large" err
'

test_expect_success ROOT 'a TOML error names file, line and column' '
    mkconf syntax &&
    printf "a = 1\nb = \"unterminated\n" >"$FIX/syntax/a.toml" &&
    test_expect_code 1 "$CFLOAD" "$FIX/syntax/*.toml" 2>err &&
    grep -E "^cfload: $FIX/syntax/a.toml:2:[0-9]+: " err
'

test_expect_success ROOT 'a NUL byte names file, line and column' '
    mkconf nul &&
    printf "a = 1\n\nb = \"x\0y\"\n" >"$FIX/nul/a.toml" &&
    test_expect_code 1 "$CFLOAD" "$FIX/nul/*.toml" 2>err &&
    grep -E "^cfload: $FIX/nul/a.toml:3:[0-9]+: " err
'

test_expect_success ROOT 'a duplicate key names the file and line' '
    mkconf dup &&
    printf "[exec]\nallowed-users = []\n\n[exec]\n" >"$FIX/dup/a.toml" &&
    test_expect_code 1 "$CFLOAD" "$FIX/dup/*.toml" 2>err &&
    grep -E "^cfload: $FIX/dup/a.toml:4:[0-9]+: " err
'

test_expect_success ROOT '--imp-schema: an unknown key names file:line:key' '
    mkconf unknown &&
    cat >"$FIX/unknown/imp.toml" <<-EOF &&
	allow-sudo = false

	[exec]
	allowed-users = ["flux"]
	allowed-shells = ["/usr/libexec/flux/flux-shell"]

	allowed-user = "typo"
	EOF
    "$CFLOAD" "$FIX/unknown/*.toml" &&
    test_expect_code 1 "$CFLOAD" --imp-schema "$FIX/unknown/*.toml" 2>err &&
    grep "^cfload: $FIX/unknown/imp.toml:7: key .exec.allowed-user. is unknown$" err
'

test_expect_success ROOT '--imp-schema: a typo in a replaced table is still reported' '
    mkconf replaced &&
    printf "[exec]\nallowed-user = [\"typo\"]\n" >"$FIX/replaced/10-a.toml" &&
    printf "[exec]\nallowed-users = [\"flux\"]\n" >"$FIX/replaced/20-b.toml" &&
    test_expect_code 1 "$CFLOAD" --imp-schema "$FIX/replaced/*.toml" 2>err &&
    grep "^cfload: $FIX/replaced/10-a.toml:2: key .exec.allowed-user. is unknown$" err
'

test_expect_success ROOT '--imp-schema: a wrong type names file:line:key' '
    mkconf type &&
    printf "log-level = \"info\"\nallow-sudo = \"yes\"\n" \
        >"$FIX/type/imp.toml" &&
    test_expect_code 1 "$CFLOAD" --imp-schema "$FIX/type/*.toml" 2>err &&
    grep "^cfload: $FIX/type/imp.toml:2: .allow-sudo. must be of type bool$" err
'

test_expect_success ROOT '--imp-schema: a wrong array element names its index' '
    mkconf elem &&
    printf "[run.prolog]\npath = \"/x\"\nallowed-users = [\"a\", 1]\n" \
        >"$FIX/elem/imp.toml" &&
    test_expect_code 1 "$CFLOAD" --imp-schema "$FIX/elem/*.toml" 2>err &&
    grep "^cfload: $FIX/elem/imp.toml:3: .run.prolog.allowed-users\[1\]. must be of type string$" err
'

test_expect_success 'usage errors exit 2' '
    test_expect_code 2 "$CFLOAD_BUILT" &&
    test_expect_code 2 "$CFLOAD_BUILT" --bogus x &&
    test_expect_code 2 "$CFLOAD_BUILT" a b &&
    test_expect_code 2 "$CFLOAD_BUILT" --force-paranoia --disable-paranoia x
'

# Unprivileged: files owned by someone else (uid 1), paranoia off by
# default as not root; forced, the same files are refused.
test_expect_success ROOT,SETPRIV 'not root: paranoia is off by default' '
    mkconf user &&
    echo "a = 1" >"$FIX/user/a.toml" &&
    chown 1:1 "$FIX/user" "$FIX/user/a.toml" &&
    setpriv --reuid=$NOBODY --regid=$NOGROUP --clear-groups \
        "$CFLOAD" "$FIX/user/*.toml" >out &&
    grep "\"a\": 1" out
'

test_expect_success ROOT,SETPRIV 'not root: --force-paranoia refuses them' '
    test_expect_code 1 setpriv --reuid=$NOBODY --regid=$NOGROUP \
        --clear-groups "$CFLOAD" --force-paranoia "$FIX/user/*.toml" 2>err &&
    grep "^cfload: $FIX/user/a.toml: Invalid ownership on parent directory ($FIX/user, owner uid 1): the directory must be owned by root or uid 65534$" err &&
    chown 0:0 "$FIX/user" &&
    test_expect_code 1 setpriv --reuid=$NOBODY --regid=$NOGROUP \
        --clear-groups "$CFLOAD" --force-paranoia "$FIX/user/*.toml" 2>err &&
    grep "^cfload: $FIX/user/a.toml: insecure file ownership (owner uid 1): the file must be owned by root or uid 65534$" err
'

test_expect_success ROOT,SETPRIV 'not root: --force-paranoia accepts own files' '
    mkconf mine &&
    echo "a = 2" >"$FIX/mine/a.toml" &&
    chown $NOBODY:$NOGROUP "$FIX/mine" "$FIX/mine/a.toml" &&
    setpriv --reuid=$NOBODY --regid=$NOGROUP --clear-groups \
        "$CFLOAD" --force-paranoia "$FIX/mine/*.toml" >out &&
    grep "\"a\": 2" out
'

test_done
