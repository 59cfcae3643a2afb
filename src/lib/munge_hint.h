/* munge_hint.h - what an administrator can do about a MUNGE error, for
 * the error text of the munge mechanism and of sealed secrets.
 */
#ifndef FLUX_SECURITY_LIB_MUNGE_HINT_H
#define FLUX_SECURITY_LIB_MUNGE_HINT_H

#include <munge.h>

#include "common/error.h"

/* A short advice for MUNGE error 'e', or NULL if there is none. */
const char *munge_hint (munge_err_t e);

/* Fill 'err' with "<who>: <munge text> (on host <h>: <detail>; <hint>)",
 * where detail is the context's own text when it says more.  Returns -1
 * with errno set (ECONNREFUSED for a socket error, else 'errnum').
 */
int munge_error (munge_ctx_t mctx,
                 const char *who,
                 munge_err_t e,
                 int errnum,
                 struct error *err);

#endif /* !FLUX_SECURITY_LIB_MUNGE_HINT_H */
