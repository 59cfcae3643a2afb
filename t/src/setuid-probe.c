/* setuid-probe.c - print the real, effective and saved ids of the process.
 *
 * Output, one line, exit 0:
 *     ruid=N euid=N suid=N rgid=N egid=N sgid=N
 *
 * The test stand-in for a setuid program: staged root-owned with mode 4755
 * and run as an unprivileged user, it must show euid=0 and ruid=that user.
 * It does nothing with the privilege.  Exit 1 if the ids cannot be read.
 */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int main (void)
{
    uid_t ruid, euid, suid;
    gid_t rgid, egid, sgid;
    int n;

    if (getresuid (&ruid, &euid, &suid) < 0
        || getresgid (&rgid, &egid, &sgid) < 0) {
        perror ("setuid-probe: getresuid/getresgid");
        return EXIT_FAILURE;
    }
    n = printf ("ruid=%ju euid=%ju suid=%ju rgid=%ju egid=%ju sgid=%ju\n",
                (uintmax_t)ruid, (uintmax_t)euid, (uintmax_t)suid,
                (uintmax_t)rgid, (uintmax_t)egid, (uintmax_t)sgid);
    if (n < 0 || fflush (stdout) != 0) {
        perror ("setuid-probe: stdout");
        return EXIT_FAILURE;
    }
    return EXIT_SUCCESS;
}
