/* munge_hint.c - see munge_hint.h */
#if HAVE_CONFIG_H
#include "config.h"
#endif
#include <errno.h>
#include <string.h>

#include "munge_hint.h"
#include "sign_mech.h"

const char *munge_hint (munge_err_t e)
{
    switch (e) {
    case EMUNGE_SOCKET:
        return "is munged running? start it (systemctl start munge) or"
               " point socket-path at its socket";
    case EMUNGE_CRED_INVALID:
        return "the credential was not encoded with this host's MUNGE"
               " key; every node needs the same munge.key";
    case EMUNGE_CRED_REWOUND:
        return "the encoding host's clock is ahead of this host's;"
               " synchronise the clocks (NTP)";
    case EMUNGE_BAD_REALM:
    case EMUNGE_BAD_CIPHER:
    case EMUNGE_BAD_MAC:
    case EMUNGE_BAD_ZIP:
    case EMUNGE_BAD_VERSION:
        return "munged on the encoding host is configured differently";
    case EMUNGE_CRED_UNAUTHORIZED:
        return "the credential is restricted to another user";
    default:
        return NULL;
    }
}

int munge_error (munge_ctx_t mctx,
                 const char *who,
                 munge_err_t e,
                 int errnum,
                 struct error *err)
{
    char host[256];
    const char *hint = munge_hint (e);
    const char *detail = mctx ? munge_ctx_strerror (mctx) : NULL;

    if (!detail || strcmp (detail, munge_strerror (e)) == 0)
        detail = NULL;
    return error_errno (err, e == EMUNGE_SOCKET ? ECONNREFUSED : errnum,
                        "%s: %s (on host %s: %s%s%s)", who, munge_strerror (e),
                        sign_hostname (host, sizeof (host)),
                        detail ? detail : "", detail && hint ? "; " : "",
                        hint ? hint : (detail ? "" : "no further detail"));
}
