/* fuzz/proc_devices.c - libFuzzer harness of exec_device_proc_majors(),
 * the parser of the text of /proc/devices.
 *
 * Input: one byte of options (bit 0: block rather than character
 * devices; bits 1-3: how many majors the caller has room for, 0-7), a
 * NAME up to the first NUL (at most 64 bytes), then the text, copied into
 * a buffer of exactly its size (no NUL) so that ASan catches a read past
 * it.  Invariants: success finds at most 'max' majors, each of at most
 * nine digits, and ERANGE is only given when more than 'max' lines
 * match; failure is EINVAL (bad arguments, too long a text) or ERANGE.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "imp/exec_device.h"
#include "fuzz.h"

#define NAME_MAX_LEN 64

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
    uint32_t majors[8], big[EXEC_DEVICE_MAX];
    char name[NAME_MAX_LEN + 1];
    const uint8_t *nul;
    size_t max, count = 99, count2 = 99, nlen, tlen;
    char *text;
    int type, rc;

    if (size < 1)
        return 0;
    type = data[0] & 1 ? EXEC_DEVICE_BLOCK : EXEC_DEVICE_CHAR;
    max = (data[0] >> 1) & 7;
    data++;
    size--;
    nul = memchr (data, '\0', size < NAME_MAX_LEN ? size : NAME_MAX_LEN);
    nlen = nul ? (size_t)(nul - data) : (size < NAME_MAX_LEN ? size : 0);
    memcpy (name, data, nlen);
    name[nlen] = '\0';
    data += nlen + (nul ? 1 : 0);
    size -= nlen + (nul ? 1 : 0);
    tlen = size;
    if (!(text = malloc (tlen ? tlen : 1)))
        return 0;
    if (tlen)
        memcpy (text, data, tlen);

    errno = 0;
    rc = exec_device_proc_majors (text, tlen, type, name, majors, max, &count);
    if (rc == 0) {
        CHECK (count <= max);
        for (size_t i = 0; i < count; i++)
            CHECK (majors[i] <= 999999999);
    }
    else {
        CHECK (count == 99);
        CHECK (errno == EINVAL || errno == ERANGE);
    }
    /* with room for every possible match, only EINVAL is left, and the
     * first matches agree */
    errno = 0;
    if (exec_device_proc_majors (text, tlen, type, name, big, EXEC_DEVICE_MAX,
                                 &count2)
        == 0) {
        CHECK (rc == 0 ? count2 == count : count2 > max);
        for (size_t i = 0; i < count2 && i < max; i++)
            CHECK (rc < 0 || big[i] == majors[i]);
    }
    else
        CHECK (rc < 0 && (errno == EINVAL || errno == ERANGE));
    free (text);
    return 0;
}
