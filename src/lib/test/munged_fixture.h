/* munged_fixture.h - private munged daemons for unit tests (never the
 * system's).  Three daemons in a private directory (mode 0711, so other
 * users reach the sockets): "a" and "b" share a key (two nodes of one
 * cluster), "c" has another key (a misconfigured node).
 */
#ifndef FLUX_SECURITY_TEST_MUNGED_FIXTURE_H
#define FLUX_SECURITY_TEST_MUNGED_FIXTURE_H

/* The private directory and the three sockets, set by munged_setup(). */
extern char munged_dir[64];
extern char munged_sock_a[192], munged_sock_b[192], munged_sock_c[192];

/* Make the directory /tmp/<prefix>.XXXXXX and start the daemons.  Returns
 * 0, or -1 if munged is not installed or does not start (call
 * munged_teardown() anyway).
 */
int munged_setup (const char *prefix);

/* Stop the daemons by their pids and remove the directory. */
void munged_teardown (void);

/* Run a shell command made from a format; returns system()'s status. */
int munged_run (const char *fmt, ...) __attribute__ ((format (printf, 1, 2)));

#endif /* !FLUX_SECURITY_TEST_MUNGED_FIXTURE_H */
