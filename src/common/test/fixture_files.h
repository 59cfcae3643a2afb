/* fixture_files.h - a private temporary directory and files in it, for
 * the unit tests that need real files (path checks, the loader).
 *
 * The fixture functions assert (cmocka) instead of returning errors: a
 * fixture that cannot be built is a failed test.  Paths are
 * "<fixture_dir>/<name>".
 */
#ifndef FLUX_SECURITY_TEST_FIXTURE_FILES_H
#define FLUX_SECURITY_TEST_FIXTURE_FILES_H

#include <stddef.h>
#include <sys/types.h>

/* FIXTURE_NOCHANGE as uid or gid: leave the owner or group as created. */
#define FIXTURE_NOCHANGE ((unsigned int)-1)

extern char fixture_dir[64];

/* Create the directory /tmp/<prefix>.XXXXXX (mode 0700) and remember it in
 * fixture_dir.  Returns 0, or -1 after printing the reason.
 */
int fixture_dir_create (const char *prefix);

/* Remove fixture_dir and everything below it, without following symbolic
 * links.  Returns 0, or -1 after printing the reason.
 */
int fixture_dir_remove (void);

/* "<fixture_dir>/<name>", in one of four static buffers used in turn. */
const char *fixture_path (const char *name);

/* Make directory 'name', owned by 'uid' and group root (unless uid is
 * FIXTURE_NOCHANGE), with 'mode'.
 */
void fixture_mkdir (const char *name, uid_t uid, mode_t mode);

/* Write 'len' bytes of 'buf' to file 'name' (created or truncated), then
 * set its owner and group (each unless FIXTURE_NOCHANGE) and 'mode'.
 */
void fixture_write (const char *name,
                    const void *buf,
                    size_t len,
                    uid_t uid,
                    gid_t gid,
                    mode_t mode);

#endif /* !FLUX_SECURITY_TEST_FIXTURE_FILES_H */
