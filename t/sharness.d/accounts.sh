# accounts.sh - the two unprivileged test accounts made by
# scripts/test-accounts: the instance owner and a job's user.
#
# Prerequisite:
#   ACCOUNTS  both accounts exist, are not uid 0, have their home directory,
#             and this script can act as them (it runs as root)
#
# Variables (set whenever the account exists, even without ACCOUNTS):
#   OWNER, OWNER_UID, OWNER_GID, OWNER_HOME   fluxowner
#   GUEST, GUEST_UID, GUEST_GID, GUEST_HOME   fluxguest
#
# Who runs the unprivileged cases of a script: the owner account when the
# script runs as root, else the caller itself.
#   UNPRIV    (prerequisite) such a user is there: root with ACCOUNTS, or
#             not root
#   ME, ME_UID, ME_GID   that user
#   unpriv CMD...        run CMD as that user

OWNER=fluxowner
GUEST=fluxguest

_fx_pwfield () {
    getent passwd "$1" | cut -d: -f"$2"
}

_fx_accounts_check () {
    for _fx_u in "$OWNER" "$GUEST"; do
        if ! getent passwd "$_fx_u" >/dev/null; then
            echo "account $_fx_u is absent (run scripts/test-accounts as root)"
            return 1
        fi
        if test "$(_fx_pwfield "$_fx_u" 3)" = 0; then
            echo "account $_fx_u has uid 0"
            return 1
        fi
        if ! test -d "$(_fx_pwfield "$_fx_u" 6)"; then
            echo "home directory of $_fx_u is missing"
            return 1
        fi
    done
    if ! test_have_prereq ROOT; then
        echo "not root, cannot run commands as $OWNER and $GUEST"
        return 1
    fi
    return 0
}

if getent passwd "$OWNER" >/dev/null; then
    OWNER_UID=$(_fx_pwfield "$OWNER" 3)
    OWNER_GID=$(_fx_pwfield "$OWNER" 4)
    OWNER_HOME=$(_fx_pwfield "$OWNER" 6)
fi
if getent passwd "$GUEST" >/dev/null; then
    GUEST_UID=$(_fx_pwfield "$GUEST" 3)
    GUEST_GID=$(_fx_pwfield "$GUEST" 4)
    GUEST_HOME=$(_fx_pwfield "$GUEST" 6)
fi

if _fx_why=$(_fx_accounts_check); then
    fixture_prereq ACCOUNTS
else
    fixture_no_prereq ACCOUNTS "$_fx_why"
fi

if test_have_prereq ROOT; then
    if test_have_prereq ACCOUNTS; then
        test_set_prereq UNPRIV
        ME=$OWNER
        ME_UID=$OWNER_UID
        ME_GID=$OWNER_GID
    fi
else
    test_set_prereq UNPRIV
    ME=$(id -un)
    ME_UID=$(id -u)
    ME_GID=$(id -g)
fi

unpriv () {
    if test_have_prereq ROOT; then
        run_as "$OWNER" "$@"
    else
        "$@"
    fi
}
