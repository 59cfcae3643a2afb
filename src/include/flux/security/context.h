/* flux/security/context.h - the security context of libflux-security.
 *
 * A context holds a configuration (TOML files under
 * ${sysconfdir}/flux/security/conf.d by default), the state of the
 * signing mechanisms, named auxiliary data, and the text and errno of
 * the last error.  A context is not thread safe: use one per thread.
 *
 * Every function that fails sets errno and, when a context is given,
 * records the error so that flux_security_last_error() and
 * flux_security_last_errnum() can report it.
 */
#ifndef _FLUX_SECURITY_CONTEXT_H
#define _FLUX_SECURITY_CONTEXT_H

#ifdef __cplusplus
extern "C" {
#endif

typedef struct flux_security flux_security_t;
typedef void (*flux_security_free_f) (void *arg);

/* flux_security_create() flags */
enum {
    /* never check ownership and modes of configuration files */
    FLUX_SECURITY_DISABLE_PATH_PARANOIA = 0x1,
    /* check them even when the effective uid is not root */
    FLUX_SECURITY_FORCE_PATH_PARANOIA = 0x2,
};

/* Create a context.  'flags' is 0 or one of the flags above.
 * Returns NULL with errno set on failure (EINVAL: unknown flags or both
 * flags; ENOMEM).
 */
flux_security_t *flux_security_create (int flags);

/* Destroy a context, running the destructors of its auxiliary data and
 * wiping every secret it holds.  NULL is a no-op.
 */
void flux_security_destroy (flux_security_t *ctx);

/* The text of the last error recorded in 'ctx', or NULL if none has been
 * recorded yet (also when ctx is NULL).  Success does not clear it.  The
 * string belongs to the context and changes with the next error.
 */
const char *flux_security_last_error (flux_security_t *ctx);

/* The errno value of the last error recorded in 'ctx' (0 if none, or if
 * ctx is NULL).
 */
int flux_security_last_errnum (flux_security_t *ctx);

/* Load the configuration files matched by the glob(3) pattern 'pattern'
 * (NULL: every .toml file of the compiled-in directory
 * ${sysconfdir}/flux/security/conf.d) in sorted order, replacing any
 * configuration loaded before.  A later file's top-level table replaces
 * an earlier file's table of the same name.  The signing
 * mechanisms read the new configuration when they are next used.
 * Returns 0, or -1 with errno set (EINVAL: ctx is NULL, the pattern
 * matches nothing, or a file is invalid; others from the files) and the
 * old configuration kept.
 */
int flux_security_configure (flux_security_t *ctx, const char *pattern);

/* Attach 'data' to 'ctx' under 'name', with an optional destructor run
 * when the entry is replaced or the context destroyed.  A NULL 'data'
 * deletes the entry 'name'.  A NULL 'name' stores anonymous data, which
 * requires non-NULL data and destructor.  Returns 0, or -1 with errno
 * set (EINVAL, ENOMEM).
 */
int flux_security_aux_set (flux_security_t *ctx,
                           const char *name,
                           void *data,
                           flux_security_free_f freefun);

/* Return the data stored under 'name', or NULL with errno set (EINVAL:
 * NULL argument; ENOENT: no such entry).
 */
void *flux_security_aux_get (flux_security_t *ctx, const char *name);

#ifdef __cplusplus
}
#endif

#endif /* !_FLUX_SECURITY_CONTEXT_H */
