# stage.sh - stage programs so that an unprivileged test user can run them
# setuid root: a fresh `mktemp -d` directory (mode 0755, owned by the
# caller) on a file system mounted without nosuid, whose every ancestor is
# searchable by others.
#
# Prerequisite:
#   SETUID    root, a staging location that honours setuid exists, and this
#             process does not have no_new_privs set
#
# Variables:
#   STAGE_ROOT   where staging directories are made: the first suitable of
#                $TMPDIR, /tmp, /var/tmp, $FLUX_BUILD_DIR/t ("" if none)
#
# Functions (contracts).  Each staging directory is removed at script exit
# if the script does not remove it; all may run in $(...).
#   stage_dir                 make a new staging directory, print its path
#   stage_setuid PROGRAM [NAME]  copy PROGRAM to a new staging directory as
#                             NAME (default: its basename), make it root:root
#                             mode 4755, print the staged path; needs root
#   stage_make_setuid FILE    chown root:root and chmod 4755 FILE, which must
#                             be a regular file inside a staging directory of
#                             this script (refused otherwise); needs root
#   stage_install             `meson install --destdir` the build into a new
#                             staging directory (no rebuild), make its
#                             directories searchable, print its path; the
#                             files land in STAGE$prefix/...; installing
#                             nothing is not an error
#   stage_cleanup [PATH]      remove the staging directory holding PATH, or
#                             all of this script's; never anything else

# Mount options of the file system holding the canonical path $1.
_fx_mount_opts () {
    awk -v p="$1" '
        function unesc(s) {
            gsub(/\\040/, " ", s); gsub(/\\011/, "\t", s)
            gsub(/\\012/, "\n", s); gsub(/\\134/, "\\", s)
            return s
        }
        {
            mp = unesc($2)
            if (p == mp || mp == "/" || index(p, mp "/") == 1) {
                if (length(mp) >= best) { best = length(mp); opts = $4 }
            }
        }
        END { print opts }' /proc/self/mounts
}

# 0 if every directory from / down to the canonical path $1 is o+x.
_fx_searchable () {
    _fx_d=$1
    while :; do
        _fx_mode=$(stat -L -c %A "$_fx_d" 2>/dev/null) || return 1
        case "$_fx_mode" in
        *x | *t) ;;
        *) return 1 ;;
        esac
        test "$_fx_d" = / && return 0
        _fx_d=$(dirname "$_fx_d")
    done
}

_fx_stage_pick_root () {
    for _fx_c in "${TMPDIR:-/tmp}" /tmp /var/tmp "$FLUX_BUILD_DIR/t"; do
        _fx_c=$(cd -P "$_fx_c" 2>/dev/null && pwd) || continue
        test -w "$_fx_c" || continue
        case ",$(_fx_mount_opts "$_fx_c")," in
        *,nosuid,*) continue ;;
        esac
        _fx_searchable "$_fx_c" || continue
        echo "$_fx_c"
        return 0
    done
    return 1
}

STAGE_ROOT=$(_fx_stage_pick_root) || STAGE_ROOT=
_fx_nnp=$(sed -n 's/^NoNewPrivs:[[:space:]]*//p' /proc/self/status 2>/dev/null)

if ! test_have_prereq ROOT; then
    fixture_no_prereq SETUID "not root: cannot make a file setuid root"
elif test -z "$STAGE_ROOT"; then
    fixture_no_prereq SETUID "no writable, searchable staging location \
without nosuid among \$TMPDIR, /tmp, /var/tmp, the build dir"
elif test "$_fx_nnp" = 1; then
    fixture_no_prereq SETUID "no_new_privs is set: setuid bits are ignored"
else
    fixture_prereq SETUID
fi

stage_dir () {
    if test -z "$STAGE_ROOT"; then
        echo "stage_dir: no staging location (see fixture_why SETUID)" >&2
        return 1
    fi
    _fx_sd=$(mktemp -d "$STAGE_ROOT/flux-stage.XXXXXX") || return 1
    if ! chmod 755 "$_fx_sd" || ! fixture_atexit stage_cleanup "$_fx_sd"
    then
        rm -rf "$_fx_sd"
        return 1
    fi
    echo "$_fx_sd" >>"$FIXTURE_STATE/stages"
    echo "$_fx_sd"
}

# Prints the staging directory of this script that holds PATH.
_fx_stage_of () {
    _fx_rp=$(realpath -e -- "$1" 2>/dev/null) || return 1
    test -f "$FIXTURE_STATE/stages" || return 1
    while IFS= read -r _fx_sd; do
        case "$_fx_rp" in
        "$_fx_sd" | "$_fx_sd"/*)
            echo "$_fx_sd"
            return 0
            ;;
        esac
    done <"$FIXTURE_STATE/stages"
    return 1
}

stage_make_setuid () {
    if test -L "$1" || ! test -f "$1" || ! _fx_stage_of "$1" >/dev/null
    then
        echo "stage_make_setuid: $1 is not a file in a staging dir" >&2
        return 1
    fi
    chown root:root "$1" && chmod 4755 "$1"
}

stage_setuid () {
    if ! test -f "$1" || ! test -x "$1"; then
        echo "stage_setuid: $1 is not an executable file" >&2
        return 1
    fi
    _fx_stname=${2:-$(basename "$1")}
    case "$_fx_stname" in
    '' | . | .. | */*)
        echo "stage_setuid: bad name '$_fx_stname'" >&2
        return 1
        ;;
    esac
    _fx_stdir=$(stage_dir) || return 1
    cp "$1" "$_fx_stdir/$_fx_stname" \
        && stage_make_setuid "$_fx_stdir/$_fx_stname" \
        && echo "$_fx_stdir/$_fx_stname"
}

stage_install () {
    _fx_stdir=$(stage_dir) || return 1
    meson install -C "$FLUX_BUILD_DIR" --destdir "$_fx_stdir" \
        --no-rebuild --quiet >&2 || return 1
    find "$_fx_stdir" -type d -exec chmod a+rx {} + || return 1
    echo "$_fx_stdir"
}

_fx_stage_forget () {
    grep -vxF -- "$1" "$FIXTURE_STATE/stages" >"$FIXTURE_STATE/stages.new"
    mv -f "$FIXTURE_STATE/stages.new" "$FIXTURE_STATE/stages"
}

stage_cleanup () {
    test -f "$FIXTURE_STATE/stages" || return 0
    if test $# -eq 0; then
        while IFS= read -r _fx_sd; do
            rm -rf "$_fx_sd"
        done <"$FIXTURE_STATE/stages"
        : >"$FIXTURE_STATE/stages"
        return 0
    fi
    _fx_sd=$(_fx_stage_of "$1") || return 0
    rm -rf "$_fx_sd" && _fx_stage_forget "$_fx_sd"
}
