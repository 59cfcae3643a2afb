/* fuzz/privsep_msg.c - libFuzzer harness of privsep_read_msg(), the
 * parent's reading of the one message of the unprivileged child: a
 * native int length, then a kv encoding of that many bytes (privsep.h).
 *
 * The input is what the child wrote on the pipe; it is put in a memfd and
 * read back.  Invariants: a success returns a kv (or NULL only when the
 * input is empty: the child sent nothing); a failure sets errno and
 * leaves the output untouched; and a kv that was read writes back
 * (privsep_write_msg()) and reads again equal.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "imp/privsep.h"
#include "fuzz.h"

static int memfd_with (const void *data, size_t size)
{
    int fd = memfd_create ("privsep-fuzz", MFD_CLOEXEC);

    CHECK (fd >= 0);
    CHECK (size == 0 || write (fd, data, size) == (ssize_t)size);
    CHECK (lseek (fd, 0, SEEK_SET) == 0);
    return fd;
}

static void check_round_trip (const struct kv *kv)
{
    struct kv *again = NULL;
    int fd = memfd_create ("privsep-fuzz-out", MFD_CLOEXEC);

    CHECK (fd >= 0);
    CHECK (privsep_write_msg (fd, kv, NULL) == 0);
    CHECK (lseek (fd, 0, SEEK_SET) == 0);
    CHECK (privsep_read_msg (fd, &again, NULL) == 0 && again);
    CHECK (kv_equal (kv, again));
    kv_destroy (again);
    close (fd);
}

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
    struct kv *kv = (struct kv *)&kv; /* a sentinel: must stay on error */
    struct error err = {{0}};
    int fd = memfd_with (data, size);
    int rc;

    errno = 0;
    rc = privsep_read_msg (fd, &kv, &err);
    close (fd);
    if (rc < 0) {
        CHECK (errno != 0);
        CHECK (err.text[0] != '\0');
        CHECK (kv == (struct kv *)&kv);
        return 0;
    }
    CHECK (rc == 0);
    if (!kv) {
        CHECK (size == 0);
        return 0;
    }
    check_round_trip (kv);
    kv_destroy (kv);
    return 0;
}
