/* cgroup_device.c - build, load and attach the device filter of
 * `flux-imp exec` (cgroup_device.h).
 *
 * The program, for the context struct bpf_cgroup_dev_ctx in r1:
 *     r2 = ctx->access_type
 *     r3 = r2 & 0xffff             device type (BPF_DEVCG_DEV_*)
 *     r4 = r2 >> 16                requested access (BPF_DEVCG_ACC_*)
 *     r5 = ctx->major
 *     r6 = ctx->minor
 *   for each entry:
 *     if r3 != TYPE goto next
 *     if r5 != MAJOR goto next
 *     if r6 != MINOR goto next     (only when MINOR is not -1)
 *     r7 = r4 & ~ACCESS
 *     if r7 != 0 goto next         (asks for more than the entry allows)
 *     return 1
 *   next: ...
 *   return 0
 *
 * SECURITY INVARIANTS
 * - The entries come from exec_device_decode() in the privileged parent,
 *   and are range checked again here before an instruction is emitted.
 * - The only way to allow an access is an entry that matches it
 *   entirely; the program ends with "return 0" (deny).
 * - This file never chooses the cgroup: the caller opens the directory
 *   (a dedicated job cgroup) and passes its descriptor.
 */
#define _GNU_SOURCE
#if HAVE_CONFIG_H
#include "config.h"
#endif
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "cgroup_device.h"

_Static_assert(EXEC_DEVICE_MKNOD == BPF_DEVCG_ACC_MKNOD, "mknod bit");
_Static_assert(EXEC_DEVICE_READ == BPF_DEVCG_ACC_READ, "read bit");
_Static_assert(EXEC_DEVICE_WRITE == BPF_DEVCG_ACC_WRITE, "write bit");
_Static_assert(EXEC_DEVICE_BLOCK == BPF_DEVCG_DEV_BLOCK, "block type");
_Static_assert(EXEC_DEVICE_CHAR == BPF_DEVCG_DEV_CHAR, "char type");

/* Size of the verifier log asked for when a load fails. */
#define VERIFIER_LOG_SIZE (64 * 1024)

static struct bpf_insn
insn (uint8_t code, uint8_t dst, uint8_t src, int16_t off, int32_t imm)
{
    struct bpf_insn i = {
        .code = code,
        .dst_reg = dst & 0xf,
        .src_reg = src & 0xf,
        .off = off,
        .imm = imm,
    };
    return i;
}

static struct bpf_insn ldx_w (uint8_t dst, uint8_t src, int16_t off)
{
    return insn (BPF_LDX | BPF_MEM | BPF_W, dst, src, off, 0);
}

static struct bpf_insn alu_k (uint8_t op, uint8_t dst, int32_t imm)
{
    return insn (BPF_ALU64 | op | BPF_K, dst, 0, 0, imm);
}

static struct bpf_insn mov_x (uint8_t dst, uint8_t src)
{
    return insn (BPF_ALU64 | BPF_MOV | BPF_X, dst, src, 0, 0);
}

static struct bpf_insn jne_k (uint8_t dst, int32_t imm, int16_t off)
{
    return insn (BPF_JMP | BPF_JNE | BPF_K, dst, 0, off, imm);
}

static struct bpf_insn exit_insn (void)
{
    return insn (BPF_JMP | BPF_EXIT, 0, 0, 0, 0);
}

static bool entry_valid (const struct exec_device *d)
{
    return (d->type == EXEC_DEVICE_CHAR || d->type == EXEC_DEVICE_BLOCK)
           && d->major <= EXEC_DEVICE_MAJOR_MAX && d->minor >= -1
           && d->minor <= EXEC_DEVICE_MINOR_MAX && d->access > 0
           && d->access <= 7;
}

/* Emit the instructions of one entry at 'p' (room checked by caller);
 * return how many.
 */
static size_t emit_entry (const struct exec_device *d, struct bpf_insn *p)
{
    int16_t n = d->minor >= 0 ? 8 : 7; /* instructions of this entry */
    int16_t k = 0;

    p[k] = jne_k (BPF_REG_3, d->type, (int16_t)(n - k - 1));
    k++;
    p[k] = jne_k (BPF_REG_5, (int32_t)d->major, (int16_t)(n - k - 1));
    k++;
    if (d->minor >= 0) {
        p[k] = jne_k (BPF_REG_6, d->minor, (int16_t)(n - k - 1));
        k++;
    }
    p[k++] = mov_x (BPF_REG_7, BPF_REG_4);
    p[k++] = alu_k (BPF_AND, BPF_REG_7, ~d->access);
    p[k] = jne_k (BPF_REG_7, 0, (int16_t)(n - k - 1));
    k++;
    p[k++] = alu_k (BPF_MOV, BPF_REG_0, 1);
    p[k++] = exit_insn ();
    return (size_t)k;
}

int cgroup_device_build (const struct exec_device *dev,
                         size_t count,
                         struct bpf_insn *insns,
                         size_t max)
{
    size_t n = 0;

    if ((!dev && count > 0) || !insns || count > EXEC_DEVICE_MAX) {
        errno = EINVAL;
        return -1;
    }
    for (size_t i = 0; i < count; i++) {
        if (!entry_valid (&dev[i])) {
            errno = EINVAL;
            return -1;
        }
    }
    if (max < 7 + 2 + 8 * count) {
        errno = ERANGE;
        return -1;
    }
    insns[n++] = ldx_w (BPF_REG_2, BPF_REG_1,
                        offsetof (struct bpf_cgroup_dev_ctx, access_type));
    insns[n++] = mov_x (BPF_REG_3, BPF_REG_2);
    insns[n++] = alu_k (BPF_AND, BPF_REG_3, 0xffff);
    insns[n++] = mov_x (BPF_REG_4, BPF_REG_2);
    insns[n++] = alu_k (BPF_RSH, BPF_REG_4, 16);
    insns[n++] = ldx_w (BPF_REG_5, BPF_REG_1,
                        offsetof (struct bpf_cgroup_dev_ctx, major));
    insns[n++] = ldx_w (BPF_REG_6, BPF_REG_1,
                        offsetof (struct bpf_cgroup_dev_ctx, minor));
    for (size_t i = 0; i < count; i++)
        n += emit_entry (&dev[i], insns + n);
    insns[n++] = alu_k (BPF_MOV, BPF_REG_0, 0);
    insns[n++] = exit_insn ();
    return (int)n;
}

static int sys_bpf (int cmd, union bpf_attr *attr)
{
    return (int)syscall (__NR_bpf, cmd, attr, sizeof (*attr));
}

static int
prog_load (const struct bpf_insn *insns, size_t len, char *log, size_t logsize)
{
    static const char license[] = "LGPL";
    union bpf_attr attr;

    memset (&attr, 0, sizeof (attr));
    attr.prog_type = BPF_PROG_TYPE_CGROUP_DEVICE;
    attr.insns = (uint64_t)(uintptr_t)insns;
    attr.insn_cnt = (uint32_t)len;
    attr.license = (uint64_t)(uintptr_t)license;
    if (log) {
        attr.log_buf = (uint64_t)(uintptr_t)log;
        attr.log_size = (uint32_t)logsize;
        attr.log_level = 1;
    }
    return sys_bpf (BPF_PROG_LOAD, &attr);
}

/* The last non-empty line of the verifier log 'log'. */
static const char *last_line (char *log)
{
    char *end = log + strlen (log), *p;

    while (end > log && end[-1] == '\n')
        *--end = '\0';
    p = strrchr (log, '\n');
    return p ? p + 1 : log;
}

int cgroup_device_load (const struct bpf_insn *insns,
                        size_t len,
                        struct error *err)
{
    char *log;
    int fd, e;

    if (!insns || len == 0 || len > CGROUP_DEVICE_INSNS_MAX)
        return error_errno (err, EINVAL, "bpf: invalid program");
    if ((fd = prog_load (insns, len, NULL, 0)) >= 0)
        return fd;
    e = errno;
    if ((e != EINVAL && e != EACCES) || !(log = calloc (1, VERIFIER_LOG_SIZE)))
        return error_errno (err, e, "bpf: load: %s", strerror (e));
    if ((fd = prog_load (insns, len, log, VERIFIER_LOG_SIZE)) < 0) {
        e = errno;
        error_errno (err, e, "bpf: load: %s: %s", strerror (e),
                     last_line (log));
    }
    free (log);
    return fd;
}

static int attach (int cgroup_fd, int prog_fd, uint32_t flags)
{
    union bpf_attr attr;

    memset (&attr, 0, sizeof (attr));
    attr.target_fd = (uint32_t)cgroup_fd;
    attr.attach_bpf_fd = (uint32_t)prog_fd;
    attr.attach_type = BPF_CGROUP_DEVICE;
    attr.attach_flags = flags;
    return sys_bpf (BPF_PROG_ATTACH, &attr);
}

int cgroup_device_attach (int cgroup_fd, int prog_fd, struct error *err)
{
    if (cgroup_fd < 0 || prog_fd < 0)
        return error_errno (err, EINVAL, "bpf: invalid argument");
    if (attach (cgroup_fd, prog_fd, BPF_F_ALLOW_MULTI) == 0)
        return 0;
    if (errno == EPERM)
        return error_errno (err, EPERM,
                            "bpf: attach: the cgroup holds an exclusive "
                            "device program, which this one may not "
                            "join");
    return error_errno (err, errno, "bpf: attach: %s", strerror (errno));
}

int cgroup_device_detach (int cgroup_fd, int prog_fd, struct error *err)
{
    union bpf_attr attr;

    memset (&attr, 0, sizeof (attr));
    attr.target_fd = (uint32_t)cgroup_fd;
    attr.attach_bpf_fd = (uint32_t)prog_fd;
    attr.attach_type = BPF_CGROUP_DEVICE;
    if (sys_bpf (BPF_PROG_DETACH, &attr) < 0)
        return error_errno (err, errno, "bpf: detach: %s", strerror (errno));
    return 0;
}

int cgroup_device_apply (int cgroup_fd,
                         const struct exec_device_list *list,
                         struct error *err)
{
    struct bpf_insn *insns;
    int n, fd = -1, rc = -1;

    if (!list || !list->contain)
        return error_errno (err, EINVAL, "no device containment asked for");
    if (!(insns = calloc (CGROUP_DEVICE_INSNS_MAX, sizeof (*insns))))
        return error_errno (err, ENOMEM, "out of memory");
    if ((n = cgroup_device_build (list->dev, list->count, insns,
                                  CGROUP_DEVICE_INSNS_MAX))
        < 0) {
        error_errno (err, errno, "bpf: build: %s", strerror (errno));
        goto out;
    }
    if ((fd = cgroup_device_load (insns, (size_t)n, err)) < 0
        || cgroup_device_attach (cgroup_fd, fd, err) < 0)
        goto out;
    rc = 0;
out:
    if (fd >= 0) {
        int e = errno;
        close (fd);
        errno = e;
    }
    free (insns);
    return rc;
}
