/* exec_device.h - the device containment policy of `flux-imp exec`
 * (imp.md 4.5): parse it from the input's "options", resolve it to
 * device numbers, and carry it across the privsep pipe.
 *
 * The options are systemd's:
 *     "DevicePolicy": "auto" (default) | "closed" | "strict"
 *     "DeviceAllow":  [[SPEC, ACCESS], ...]
 * SPEC is a device node "/dev/..." or "char-NAME" / "block-NAME" (every
 * major number that /proc/devices lists under NAME); ACCESS is 1 to 3
 * distinct characters of "rwm" (read, write, mknod).  "auto" with no or
 * an empty DeviceAllow asks for no containment; "closed" and "auto"
 * allow the standard devices (EXEC_DEVICE_STANDARD) besides the list;
 * "strict" allows only the list (an empty list: no device at all).
 *
 * Three steps, in two processes:
 *   exec_device_parse()    pure: JSON options -> list of (spec, access)
 *   exec_device_resolve()  unprivileged child: specs -> device numbers;
 *                          a spec that does not resolve is skipped with a
 *                          warning (fail-closed: skipping narrows access)
 *   exec_device_encode() / exec_device_decode()   the privsep message
 *                          keys: "device.count" (int) and "device.<i>" =
 *                          "<c|b>:<major>:<minor|-1>:<access>"; the parent
 *                          decodes strictly and trusts nothing else
 */
#ifndef FLUX_IMP_EXEC_DEVICE_H
#define FLUX_IMP_EXEC_DEVICE_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/error.h"
#include "common/kv.h"

/* Most entries in a policy, before and after resolution. */
#define EXEC_DEVICE_MAX 512

/* Longest SPEC accepted by the parser (bytes, without the NUL). */
#define EXEC_DEVICE_SPEC_MAX 4095

/* Largest major and minor numbers (the kernel's 12 and 20 bits). */
#define EXEC_DEVICE_MAJOR_MAX 4095
#define EXEC_DEVICE_MINOR_MAX 1048575

/* The standard devices of "closed" and "auto", prepended to the list:
 * /dev/null /dev/zero /dev/full /dev/random /dev/urandom /dev/tty
 * /dev/ptmx with "rwm", and char-pts with "rw".
 */
#define EXEC_DEVICE_STANDARD_COUNT 8

/* Access bits: the values of the kernel's BPF_DEVCG_ACC_*. */
#define EXEC_DEVICE_MKNOD 1
#define EXEC_DEVICE_READ 2
#define EXEC_DEVICE_WRITE 4

/* Device types: the values of the kernel's BPF_DEVCG_DEV_*. */
#define EXEC_DEVICE_BLOCK 1
#define EXEC_DEVICE_CHAR 2

/* One entry of DeviceAllow, as given (resolved later). */
struct exec_device_spec {
    char *spec;
    char *access;
};

/* The parsed options.  'contain' false: no containment at all. */
struct exec_device_specs {
    bool contain;
    size_t count;
    struct exec_device_spec *specs;
};

/* One allowed device.  'minor' -1: every minor. */
struct exec_device {
    int type;       /* EXEC_DEVICE_CHAR or EXEC_DEVICE_BLOCK */
    uint32_t major; /* <= EXEC_DEVICE_MAJOR_MAX */
    int32_t minor;  /* -1 or <= EXEC_DEVICE_MINOR_MAX */
    int access;     /* non-zero OR of EXEC_DEVICE_{READ,WRITE,MKNOD} */
};

/* The resolved policy.  'contain' false: no containment (count 0);
 * true with count 0: every device is denied.
 */
struct exec_device_list {
    bool contain;
    size_t count;
    struct exec_device dev[EXEC_DEVICE_MAX];
};

/* Parse the "options" object of the exec input (exec_input.h keeps it
 * for this; 'options' may be NULL: no options, no containment).  Pure;
 * 'options' is only read.  This is the one check of DevicePolicy and
 * DeviceAllow.  Return 0 and set *specsp to a new
 * exec_device_specs (free with exec_device_specs_destroy()), or -1 with
 * errno set, *specsp untouched and 'err' filled:
 *   EINVAL  options not an object, DevicePolicy not one of the three
 *           strings, DeviceAllow not an array, an entry that is not an
 *           array of exactly two strings, a string with an embedded NUL,
 *           a SPEC longer than EXEC_DEVICE_SPEC_MAX
 *   ERANGE  more than EXEC_DEVICE_MAX entries, the standard ones included
 *   ENOMEM  out of memory
 * ACCESS and SPEC are checked by exec_device_resolve(), not here.
 */
int exec_device_parse (const json_t *options,
                       struct exec_device_specs **specsp,
                       struct error *err);

/* Free 'specs'.  NULL is a no-op; errno is preserved. */
void exec_device_specs_destroy (struct exec_device_specs *specs);

/* Parse an ACCESS string: 1 to 3 distinct characters of "rwm".  Return
 * the OR of EXEC_DEVICE_* bits, or -1 with errno = EINVAL.  Pure.
 */
int exec_device_access_parse (const char *access);

/* Find the major numbers that the text of /proc/devices ('len' bytes of
 * 'text', need not be NUL-terminated) lists under 'name' in the section
 * of 'type' ("Character devices:" or "Block devices:").  Pure.  Store at
 * most 'max' of them in 'majors' and set *countp to how many were found.
 * Return 0, or -1 with errno set: EINVAL bad arguments, ERANGE more than
 * 'max' matches.  Malformed lines are ignored.
 */
int exec_device_proc_majors (const char *text,
                             size_t len,
                             int type,
                             const char *name,
                             uint32_t *majors,
                             size_t max,
                             size_t *countp);

/* Called with the text of each warning (without the "flux-imp: Warning:"
 * prefix), e.g. "device: ignore /dev/nope (rw): No such file or
 * directory".
 */
typedef void (*exec_device_warn_f) (const char *msg, void *arg);

/* Resolve 'specs' (run it unprivileged: it stats paths under /dev and
 * reads /proc/devices).  A "/dev/..." SPEC is stat()ed, following
 * symbolic links, so that names such as /dev/disk/by-id/... work: the
 * filter only narrows what the file permissions allow, so following a
 * link at worst allows a device that the caller named.  The node must be
 * a character or block device; its exact major:minor is allowed.
 * "char-NAME" / "block-NAME" allow every major listed under NAME, any
 * minor.  An entry that does not resolve is skipped with one call of
 * 'warn' (may be NULL): "device: ignore SPEC (ACCESS): REASON", REASON
 * being "unknown specifier", "invalid access key", "not a device", "not
 * found in /proc/devices" or strerror(errno) of stat or of reading
 * /proc/devices.  Return 0 and set *listp to a new list (free()), or -1
 * with errno set, 'err' filled: ERANGE more than EXEC_DEVICE_MAX
 * devices, ENOMEM.
 */
int exec_device_resolve (const struct exec_device_specs *specs,
                         exec_device_warn_f warn,
                         void *arg,
                         struct exec_device_list **listp,
                         struct error *err);

/* Put "device.count" and "device.0".."device.<count-1>" into 'kv' if
 * list->contain, nothing otherwise.  Return 0, or -1 with errno set
 * (EINVAL an entry out of range, or kv_put_*() errors).
 */
int exec_device_encode (const struct exec_device_list *list, struct kv *kv);

/* Decode the device keys of the privsep message 'kv' (other keys are
 * not looked at).  No "device.count": no containment.  Otherwise it must
 * be an int64 in 0..EXEC_DEVICE_MAX and every "device.<i>" for i below
 * it must be a string of exactly the encoded form (c or b; a decimal
 * major <= EXEC_DEVICE_MAJOR_MAX; a decimal minor <= EXEC_DEVICE_MINOR_MAX
 * or -1; a valid ACCESS; no sign, no leading zero, nothing else).  Set
 * *nkeysp to the number of device keys (0 or 1 + count), so that the
 * caller can check that the message holds nothing more.  Return 0 and
 * set *listp to a new list (free()), or -1 with errno set and 'err'
 * filled: ERANGE count out of range, EINVAL a malformed count or entry,
 * ENOENT a missing entry, ENOMEM.
 */
int exec_device_decode (const struct kv *kv,
                        struct exec_device_list **listp,
                        size_t *nkeysp,
                        struct error *err);

/* Format 'dev' in the encoded form into 'buf' of 'size' bytes.  Return 0,
 * or -1 with errno = EINVAL (out of range) or ERANGE (too small).
 */
int exec_device_format (const struct exec_device *dev, char *buf, size_t size);

#endif /* !FLUX_IMP_EXEC_DEVICE_H */
