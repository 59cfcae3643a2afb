/* context_private.h - what the rest of the library needs from context.c.
 *
 * The context records errors the original's way: every failure stores
 * errno and a message in the context, and leaves errno as it was.
 */
#ifndef FLUX_SECURITY_LIB_CONTEXT_PRIVATE_H
#define FLUX_SECURITY_LIB_CONTEXT_PRIVATE_H

#include "flux/security/context.h"
#include "common/cf.h"
#include "common/error.h"

/* Record an error in 'ctx': errnum = errno, message = the formatted text,
 * or strerror (errno) when fmt is NULL.  errno is preserved.  A NULL ctx
 * is a no-op.
 */
void security_error (flux_security_t *ctx, const char *fmt, ...)
    __attribute__ ((format (printf, 2, 3)));

/* The current configuration, or NULL with errno EINVAL and the error
 * "configuration has not been loaded" recorded in ctx.
 */
const struct cf *security_get_config (flux_security_t *ctx);

/* Private state of the library kept in a context.  A slot's state is
 * destroyed with its destructor when replaced, when the context is
 * destroyed and, for slots marked below, whenever a new configuration is
 * loaded: state derived from a configuration never outlives it.
 */
enum security_slot {
    SECURITY_SLOT_SIGN_CONFIG,  /* derived from the config: dropped by
                                 * flux_security_configure() */
    SECURITY_SLOT_SIGN_BUFFERS, /* wrap/unwrap results: kept */
    SECURITY_SLOT_SECRET_CONFIG, /* [secret]: dropped on configure */
    SECURITY_SLOT_SECRET_BUFFERS, /* seal/open results: kept */
    SECURITY_SLOT_COUNT,
};

void *security_slot_get (flux_security_t *ctx, enum security_slot slot);
void security_slot_set (flux_security_t *ctx,
                        enum security_slot slot,
                        void *state,
                        void (*destroy) (void *state));

#endif /* !FLUX_SECURITY_LIB_CONTEXT_PRIVATE_H */
