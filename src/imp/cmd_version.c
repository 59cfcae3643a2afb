/* cmd_version.c - flux-imp version: print the version.
 *
 * SECURITY INVARIANTS
 * - Unprivileged only: there is no parent half, so a privileged parent
 *   accepts no message for this command.
 */
#if HAVE_CONFIG_H
#include "config.h"
#endif
#include <stdio.h>

#include "imp_cmds.h"

int imp_cmd_version_child (struct imp_state *imp)
{
    (void)imp;
    printf ("flux-imp v%s\n", PACKAGE_VERSION);
#ifdef HAVE_PAM
    printf ("+pam\n");
#endif
    return 0;
}
