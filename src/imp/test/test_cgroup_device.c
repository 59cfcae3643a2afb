/* Unit tests of cgroup_device_build(), the builder of the device filter.
 *
 * The kernel has no BPF_PROG_TEST_RUN for BPF_PROG_TYPE_CGROUP_DEVICE, so
 * the built programs run here in a small interpreter of exactly the
 * instructions the builder may emit (anything else fails the test):
 * every jump must go forward and land inside the program, every path
 * must end in EXIT with r0 set.  test_cgroup_device_root.c loads and
 * attaches the same programs for real.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tap_cmocka.h"
#include "cgroup_device.h"

#define R BPF_DEVCG_ACC_READ
#define W BPF_DEVCG_ACC_WRITE
#define M BPF_DEVCG_ACC_MKNOD
#define CHR BPF_DEVCG_DEV_CHAR
#define BLK BPF_DEVCG_DEV_BLOCK

/* Run 'len' instructions on the context; return r0. */
static int run (const struct bpf_insn *p,
                int len,
                int type,
                int access,
                uint32_t major,
                uint32_t minor)
{
    struct bpf_cgroup_dev_ctx ctx = {
        .access_type = ((uint32_t)access << 16) | (uint32_t)type,
        .major = major,
        .minor = minor,
    };
    uint64_t r[11] = {0};
    bool set[11] = {false};
    int pc = 0;

    set[1] = true;
    while (pc >= 0 && pc < len) {
        const struct bpf_insn *i = &p[pc++];
        uint8_t d = i->dst_reg, s = i->src_reg;

        assert_true (d < 11 && s < 11);
        switch (i->code) {
        case BPF_LDX | BPF_MEM | BPF_W:
            assert_int_equal (s, 1);
            assert_true (i->off >= 0 && i->off <= 8 && i->off % 4 == 0);
            memcpy (&r[d], (char *)&ctx + i->off, 4);
            r[d] &= 0xffffffff;
            break;
        case BPF_ALU64 | BPF_MOV | BPF_X:
            assert_true (set[s]);
            r[d] = r[s];
            break;
        case BPF_ALU64 | BPF_MOV | BPF_K:
            r[d] = (uint64_t)(int64_t)i->imm;
            break;
        case BPF_ALU64 | BPF_AND | BPF_K:
            assert_true (set[d]);
            r[d] &= (uint64_t)(int64_t)i->imm;
            break;
        case BPF_ALU64 | BPF_RSH | BPF_K:
            assert_true (set[d]);
            r[d] >>= i->imm;
            break;
        case BPF_JMP | BPF_JNE | BPF_K:
            assert_true (set[d]);
            assert_true (i->off >= 0);
            assert_true (pc + i->off < len);
            if (r[d] != (uint64_t)(int64_t)i->imm)
                pc += i->off;
            continue;
        case BPF_JMP | BPF_EXIT:
            assert_true (set[0]);
            return (int)r[0];
        default:
            fail_msg ("unexpected opcode 0x%02x at %d", i->code, pc - 1);
        }
        set[d] = true;
    }
    fail_msg ("fell off the end of the program");
    return -1;
}

static struct bpf_insn insns[CGROUP_DEVICE_INSNS_MAX];

static int build (const struct exec_device *dev, size_t count)
{
    int n = cgroup_device_build (dev, count, insns, CGROUP_DEVICE_INSNS_MAX);

    assert_true (n > 0 && n <= CGROUP_DEVICE_INSNS_MAX);
    assert_int_equal (insns[n - 1].code, BPF_JMP | BPF_EXIT);
    return n;
}

static void test_invalid (void **state)
{
    static const struct exec_device bad[] = {
        {0, 1, 3, R},    {3, 1, 3, R},         {CHR, 4096, 3, R},
        {CHR, 1, -2, R}, {CHR, 1, 1048576, R}, {CHR, 1, 3, 0},
        {CHR, 1, 3, 8},  {CHR, 1, 3, -1},
    };
    struct exec_device good = {CHR, 1, 3, R};

    for (size_t i = 0; i < sizeof (bad) / sizeof (bad[0]); i++) {
        errno = 0;
        assert_int_equal (cgroup_device_build (&bad[i], 1, insns, 100), -1);
        assert_int_equal (errno, EINVAL);
    }
    assert_int_equal (cgroup_device_build (NULL, 1, insns, 100), -1);
    assert_int_equal (errno, EINVAL);
    assert_int_equal (cgroup_device_build (&good, 1, NULL, 100), -1);
    assert_int_equal (errno, EINVAL);
    assert_int_equal (cgroup_device_build (&good, EXEC_DEVICE_MAX + 1, insns,
                                           CGROUP_DEVICE_INSNS_MAX),
                      -1);
    assert_int_equal (errno, EINVAL);
    /* too little room: nothing written past 'max' */
    memset (insns, 0xa5, sizeof (insns));
    assert_int_equal (cgroup_device_build (&good, 1, insns, 16), -1);
    assert_int_equal (errno, ERANGE);
    assert_int_equal (cgroup_device_build (&good, 1, insns, 17), 17);
    assert_int_equal (cgroup_device_build (NULL, 0, insns, 8), -1);
    assert_int_equal (errno, ERANGE);
}

static void test_empty_denies_all (void **state)
{
    int n = build (NULL, 0);

    assert_int_equal (run (insns, n, CHR, R, 1, 3), 0);
    assert_int_equal (run (insns, n, CHR, R | W | M, 1, 5), 0);
    assert_int_equal (run (insns, n, BLK, R, 8, 0), 0);
    assert_int_equal (run (insns, n, 0, 0, 0, 0), 0);
}

static void test_exact_device (void **state)
{
    struct exec_device dev[] = {{CHR, 1, 3, R | W}};
    int n = build (dev, 1);

    assert_int_equal (run (insns, n, CHR, R, 1, 3), 1);
    assert_int_equal (run (insns, n, CHR, W, 1, 3), 1);
    assert_int_equal (run (insns, n, CHR, R | W, 1, 3), 1);
    /* more access than allowed */
    assert_int_equal (run (insns, n, CHR, M, 1, 3), 0);
    assert_int_equal (run (insns, n, CHR, R | M, 1, 3), 0);
    assert_int_equal (run (insns, n, CHR, R | W | M, 1, 3), 0);
    /* an unknown access bit is never a subset */
    assert_int_equal (run (insns, n, CHR, R | 8, 1, 3), 0);
    assert_int_equal (run (insns, n, CHR, 0x8000, 1, 3), 0);
    /* another minor, major or type */
    assert_int_equal (run (insns, n, CHR, R, 1, 5), 0);
    assert_int_equal (run (insns, n, CHR, R, 2, 3), 0);
    assert_int_equal (run (insns, n, BLK, R, 1, 3), 0);
    assert_int_equal (run (insns, n, CHR | BLK, R, 1, 3), 0);
    /* bits above the type in the low half are part of the type */
    assert_int_equal (run (insns, n, CHR | 0x100, R, 1, 3), 0);
}

static void test_wildcard_minor (void **state)
{
    struct exec_device dev[] = {{BLK, 8, -1, R}};
    int n = build (dev, 1);

    assert_int_equal (run (insns, n, BLK, R, 8, 0), 1);
    assert_int_equal (run (insns, n, BLK, R, 8, 1048575), 1);
    assert_int_equal (run (insns, n, BLK, R, 8, 0xffffffff), 1);
    assert_int_equal (run (insns, n, BLK, W, 8, 0), 0);
    assert_int_equal (run (insns, n, CHR, R, 8, 0), 0);
    assert_int_equal (run (insns, n, BLK, R, 9, 0), 0);
}

static void test_union (void **state)
{
    struct exec_device dev[] = {
        {CHR, 1, 3, R},
        {CHR, 1, 3, W},
        {CHR, 136, -1, R | W},
        {CHR, 1, -1, M},
        {BLK, 4095, 1048575, R | W | M},
    };
    int n = build (dev, 5);

    assert_int_equal (n, 7 + 8 + 8 + 7 + 7 + 8 + 2);
    assert_int_equal (run (insns, n, CHR, R, 1, 3), 1);
    assert_int_equal (run (insns, n, CHR, W, 1, 3), 1);
    /* no single entry allows both at once */
    assert_int_equal (run (insns, n, CHR, R | W, 1, 3), 0);
    assert_int_equal (run (insns, n, CHR, M, 1, 3), 1);
    assert_int_equal (run (insns, n, CHR, M, 1, 9), 1);
    assert_int_equal (run (insns, n, CHR, R, 1, 9), 0);
    assert_int_equal (run (insns, n, CHR, R | W, 136, 4), 1);
    assert_int_equal (run (insns, n, CHR, M, 136, 4), 0);
    assert_int_equal (run (insns, n, BLK, R | W | M, 4095, 1048575), 1);
    assert_int_equal (run (insns, n, BLK, R, 4095, 1048574), 0);
    assert_int_equal (run (insns, n, CHR, R, 4095, 1048575), 0);
}

static void test_max_entries (void **state)
{
    static struct exec_device dev[EXEC_DEVICE_MAX];
    int n;

    for (int i = 0; i < EXEC_DEVICE_MAX; i++)
        dev[i] = (struct exec_device){CHR, (uint32_t)i, i, R};
    n = build (dev, EXEC_DEVICE_MAX);
    assert_int_equal (n, CGROUP_DEVICE_INSNS_MAX);
    assert_int_equal (run (insns, n, CHR, R, 0, 0), 1);
    assert_int_equal (run (insns, n, CHR, R, 511, 511), 1);
    assert_int_equal (run (insns, n, CHR, R, 511, 510), 0);
    assert_int_equal (run (insns, n, CHR, W, 300, 300), 0);
    assert_int_equal (run (insns, n, CHR, R, 512, 512), 0);
}

int main (void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test (test_invalid),
        cmocka_unit_test (test_empty_denies_all),
        cmocka_unit_test (test_exact_device),
        cmocka_unit_test (test_wildcard_minor),
        cmocka_unit_test (test_union),
        cmocka_unit_test (test_max_entries),
    };
    return TAP_RUN (tests);
}
