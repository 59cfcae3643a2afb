# pam.sh - PAM in this build of the IMP (exec.pam-support), as its
# config.h says, and the PAM service directory of the test IMPs.
#
# Prerequisites:
#   PAM          the build has PAM (HAVE_PAM): `flux-imp version` prints
#                "+pam" and exec.pam-support = true opens a session
#   PAM_CONFDIR  PAM, and the test IMPs (test-imp, test-imp-fixedpath)
#                read their service files from IMP_PAMD with
#                pam_start_confdir() (Linux-PAM >= 1.4): the tests never
#                touch /etc/pam.d
#
# Variables:
#   IMP_PAMD     the compiled-in PAM service directory of the test IMPs,
#                $FLUX_BUILD_DIR/t/imp-fixed/pam.d (inside FIXED_TOP of
#                imp_fixed.sh, so imp_fixed_conf removes it)
#
# Functions (contracts):
#   imp_version_expected VERSION  print what `flux-imp version` of this
#                build prints: "flux-imp vVERSION", then "+pam" if PAM

IMP_PAMD=$FLUX_BUILD_DIR/t/imp-fixed/pam.d

if grep -q '^#define HAVE_PAM 1$' "$FLUX_BUILD_DIR/config.h" 2>/dev/null
then
    fixture_prereq PAM
    if grep -q '^#define HAVE_PAM_START_CONFDIR 1$' \
        "$FLUX_BUILD_DIR/config.h"; then
        fixture_prereq PAM_CONFDIR
    else
        fixture_no_prereq PAM_CONFDIR \
            "Linux-PAM has no pam_start_confdir() (needs 1.4 or later)"
    fi
else
    fixture_no_prereq PAM "the IMP was built without PAM (-Dpam, libpam0g-dev)"
    fixture_no_prereq PAM_CONFDIR "the IMP was built without PAM"
fi

imp_version_expected () {
    echo "flux-imp v$1"
    if test_have_prereq PAM; then
        echo "+pam"
    fi
}
