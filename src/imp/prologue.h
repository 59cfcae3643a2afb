/* prologue.h - the fixed first steps of flux-imp's main().
 *
 * A setuid program inherits everything but its privilege from its
 * caller: descriptors, signal dispositions and mask, resource limits,
 * the environment and the umask.  prologue_run() puts each into a known
 * state before the IMP reads its configuration or looks at its argv.
 */
#ifndef FLUX_IMP_PROLOGUE_H
#define FLUX_IMP_PROLOGUE_H

#include <sys/resource.h>
#include <sys/types.h>

#include "common/error.h"
#include "imp_env.h"

/* What the prologue took from the caller and that a later step may
 * need to give back to a job (exec) or read (imp_env.h).
 */
struct prologue {
    struct imp_env *env;      /* the caller's environment */
    struct rlimit core_limit;  /* the caller's RLIMIT_CORE */
    struct rlimit stack_limit; /* the caller's RLIMIT_STACK */
    mode_t umask;             /* the caller's umask */
};

/* Close every descriptor above 2 (close_range(2), else each one listed
 * in /proc/self/fd).  Step 1 of prologue_run(); also run by a process the
 * IMP starts, just before execve(), so that nothing opened since (by a
 * PAM module, say) reaches the program.  Return 0, or -1 with errno set
 * and 'err' filled.
 */
int prologue_close_above_stderr (struct error *err);

/* In this order:
 *  1. close every descriptor above 2 (close_range(2), else the list in
 *     /proc/self/fd), then open /dev/null over any of 0, 1, 2 that is
 *     closed (0 write-only, 1 and 2 read-only, as glibc does for setuid
 *     programs, so that using a closed one fails with EBADF), so that no
 *     file the IMP opens later can become its stdin, stdout or stderr;
 *  2. no core dumps: prctl (PR_SET_DUMPABLE, 0), and a soft RLIMIT_CORE
 *     of 0 (the hard limit is kept, so that the job can get the caller's
 *     limit back);
 *  3. a stack of PROLOGUE_STACK_MIN: a soft RLIMIT_STACK below it is
 *     raised to it, and the hard limit too when it is lower (with
 *     CAP_SYS_RESOURCE; without it, as in the unprivileged test build,
 *     the soft limit goes up to the hard one, and below
 *     PROLOGUE_STACK_NEED the prologue fails), so that a caller cannot
 *     make the IMP die of SIGSEGV in the middle of its work by starting
 *     it with a tiny stack; the caller's limits are kept in
 *     p->stack_limit for the programs the IMP starts
 *     (prologue_give_back_stack());
 *  4. every signal to its default disposition, and an empty signal
 *     mask (an ignored SIGCHLD or a blocked SIGTERM set by the caller
 *     would change how the IMP waits for and stops its children);
 *  5. copy the environment (imp_env_create() with 'extra_env', the
 *     build's additional allow-listed names) and clear it;
 *  6. umask 022.
 * On success fill 'p' (the caller owns p->env) and return 0.  On failure
 * return -1 with errno set and 'err' filled; the process is then in an
 * unknown state and must exit.  Nothing is logged: stderr may not be
 * usable before step 1.
 */
int prologue_run (const char *const extra_env[],
                  struct prologue *p,
                  struct error *err);

/* The stack the IMP gives itself (the kernel's default for a process
 * started by a setuid exec, which the kernel never lets exceed it).
 */
#define PROLOGUE_STACK_MIN ((rlim_t)8 * 1024 * 1024)

/* Below this the IMP refuses to run (every command of t0400 works with
 * a stack of 24 KiB).
 */
#define PROLOGUE_STACK_NEED ((rlim_t)64 * 1024)

/* Give the caller's RLIMIT_STACK back, in a process the IMP starts, just
 * before execve(): the program runs with the limits its caller chose.
 * Lowering a limit cannot fail; nothing to report.
 */
void prologue_give_back_stack (const struct prologue *p);

#endif /* !FLUX_IMP_PROLOGUE_H */
