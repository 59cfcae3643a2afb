/* cgroup_device.h - a cgroup v2 device filter (BPF_PROG_TYPE_CGROUP_DEVICE)
 * built from an exec_device list (exec_device.h, imp.md 4.5), loaded and
 * attached with the raw bpf(2) system call (no libbpf).
 *
 * The program allows an access if some entry has the device's type and
 * major, the minor of the entry is -1 or the device's, and the requested
 * access bits (access_type >> 16) are a subset of the entry's; it denies
 * everything else (default deny).  Entries are a union: an access that
 * one entry does not allow may still be allowed by another.
 *
 * Loading and attaching need CAP_SYS_ADMIN (or CAP_BPF): the privileged
 * IMP only.  The program calls no helper, so its license string ("LGPL",
 * as the original) does not matter to the verifier.
 */
#ifndef FLUX_IMP_CGROUP_DEVICE_H
#define FLUX_IMP_CGROUP_DEVICE_H

#include <linux/bpf.h>
#include <stddef.h>

#include "common/error.h"
#include "exec_device.h"

/* Instructions: a prologue, at most 8 per entry, an epilogue. */
#define CGROUP_DEVICE_INSNS_MAX (9 + 8 * EXEC_DEVICE_MAX)

/* Build the program for the 'count' devices of 'dev' into 'insns' of
 * 'max' instructions.  Pure.  Return the number of instructions, or -1
 * with errno set: EINVAL an entry out of range (exec_device.h limits),
 * count > EXEC_DEVICE_MAX or NULL arguments; ERANGE 'max' too small.
 */
int cgroup_device_build (const struct exec_device *dev,
                         size_t count,
                         struct bpf_insn *insns,
                         size_t max);

/* Load 'len' instructions as a BPF_PROG_TYPE_CGROUP_DEVICE program.
 * Return its descriptor (O_CLOEXEC), or -1 with errno set and 'err'
 * filled (with the verifier's log if it refused the program).
 */
int cgroup_device_load (const struct bpf_insn *insns,
                        size_t len,
                        struct error *err);

/* Attach program 'prog_fd' to the cgroup directory 'cgroup_fd' as a
 * BPF_CGROUP_DEVICE program with BPF_F_ALLOW_MULTI, always: beside the
 * programs already there (systemd's DeviceAllow, an earlier IMP's), never
 * in place of one.  The kernel then requires every program of the cgroup
 * and of its ancestors to allow an access, so attaching can only narrow
 * what the job may open.  (An exclusive attach, flags 0, would replace an
 * exclusive program that is there, and so could widen access.)  A cgroup
 * that holds an exclusive program refuses a multi-attach one: EPERM.
 * Return 0, or -1 with errno set and 'err' filled.
 */
int cgroup_device_attach (int cgroup_fd, int prog_fd, struct error *err);

/* Detach program 'prog_fd' from 'cgroup_fd' (for the tests).  Return 0,
 * or -1 with errno set and 'err' filled.
 */
int cgroup_device_detach (int cgroup_fd, int prog_fd, struct error *err);

/* Build, load and attach the filter of 'list' to 'cgroup_fd'; the
 * attachment outlives the calling process.  Return 0, or -1 with errno
 * set and 'err' filled.  EINVAL if list->contain is false.
 */
int cgroup_device_apply (int cgroup_fd,
                         const struct exec_device_list *list,
                         struct error *err);

#endif /* !FLUX_IMP_CGROUP_DEVICE_H */
