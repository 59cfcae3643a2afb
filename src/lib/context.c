/* context.c - flux_security_t: configuration, auxiliary data, last error.
 */
#if HAVE_CONFIG_H
#include "config.h"
#endif
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "flux/security/context.h"
#include "common/cf.h"
#include "common/error.h"
#include "context_private.h"

#define DEFAULT_PATTERN FLUX_SECURITY_CONFDIR "/*.toml"

struct aux_item {
    char *name; /* NULL: anonymous */
    void *data;
    flux_security_free_f destroy;
    struct aux_item *next;
};

struct slot {
    void *state;
    void (*destroy) (void *state);
};

struct flux_security {
    int flags;
    struct cf *cf;
    struct aux_item *aux;
    struct slot slots[SECURITY_SLOT_COUNT];
    char error[ERROR_TEXT_MAX];
    int errnum;
};

void security_error (flux_security_t *ctx, const char *fmt, ...)
{
    int saved_errno = errno;
    va_list ap;

    if (ctx) {
        ctx->errnum = saved_errno;
        if (fmt) {
            va_start (ap, fmt);
            (void)vsnprintf (ctx->error, sizeof (ctx->error), fmt, ap);
            va_end (ap);
        }
        else
            (void)snprintf (ctx->error, sizeof (ctx->error), "%s",
                            strerror (saved_errno));
    }
    errno = saved_errno;
}

flux_security_t *flux_security_create (int flags)
{
    flux_security_t *ctx;

    if (flags != 0 && flags != FLUX_SECURITY_DISABLE_PATH_PARANOIA
        && flags != FLUX_SECURITY_FORCE_PATH_PARANOIA) {
        errno = EINVAL;
        return NULL;
    }
    if (!(ctx = calloc (1, sizeof (*ctx))))
        return NULL;
    ctx->flags = flags;
    return ctx;
}

static void slot_clear (struct slot *slot)
{
    if (slot->destroy)
        slot->destroy (slot->state);
    slot->state = NULL;
    slot->destroy = NULL;
}

static void aux_item_destroy (struct aux_item *item)
{
    if (item) {
        int saved_errno = errno;
        if (item->destroy)
            item->destroy (item->data);
        free (item->name);
        free (item);
        errno = saved_errno;
    }
}

void flux_security_destroy (flux_security_t *ctx)
{
    if (ctx) {
        int saved_errno = errno;
        for (int i = 0; i < SECURITY_SLOT_COUNT; i++)
            slot_clear (&ctx->slots[i]);
        while (ctx->aux) {
            struct aux_item *next = ctx->aux->next;
            aux_item_destroy (ctx->aux);
            ctx->aux = next;
        }
        cf_destroy (ctx->cf);
        explicit_bzero (ctx, sizeof (*ctx));
        free (ctx);
        errno = saved_errno;
    }
}

const char *flux_security_last_error (flux_security_t *ctx)
{
    return ctx && ctx->error[0] != '\0' ? ctx->error : NULL;
}

int flux_security_last_errnum (flux_security_t *ctx)
{
    return ctx ? ctx->errnum : 0;
}

int flux_security_configure (flux_security_t *ctx, const char *pattern)
{
    struct error err = {{0}};
    struct cf *cf;
    int flags = 0;

    if (!ctx) {
        errno = EINVAL;
        return -1;
    }
    if (!pattern)
        pattern = DEFAULT_PATTERN;
    if (ctx->flags & FLUX_SECURITY_DISABLE_PATH_PARANOIA)
        flags |= CF_PARANOIA_DISABLE;
    if (ctx->flags & FLUX_SECURITY_FORCE_PATH_PARANOIA)
        flags |= CF_PARANOIA_FORCE;
    if (cf_load (pattern, flags, &cf, &err) < 0) {
        if (errno == ENOENT && strstr (err.text, ": No match")) {
            errno = EINVAL;
            security_error (ctx, "pattern %s matched nothing", pattern);
        }
        else
            security_error (ctx, "%s", err.text);
        return -1;
    }
    /* Drop everything derived from the old configuration before it goes,
     * so that nothing can point into it afterwards. */
    slot_clear (&ctx->slots[SECURITY_SLOT_SIGN_CONFIG]);
    slot_clear (&ctx->slots[SECURITY_SLOT_SECRET_CONFIG]);
    cf_destroy (ctx->cf);
    ctx->cf = cf;
    return 0;
}

const struct cf *security_get_config (flux_security_t *ctx)
{
    if (!ctx->cf) {
        errno = EINVAL;
        security_error (ctx, "configuration has not been loaded");
        return NULL;
    }
    return ctx->cf;
}

void *security_slot_get (flux_security_t *ctx, enum security_slot slot)
{
    return ctx->slots[slot].state;
}

void security_slot_set (flux_security_t *ctx,
                        enum security_slot slot,
                        void *state,
                        void (*destroy) (void *state))
{
    slot_clear (&ctx->slots[slot]);
    ctx->slots[slot].state = state;
    ctx->slots[slot].destroy = destroy;
}

static struct aux_item **aux_find (flux_security_t *ctx, const char *name)
{
    struct aux_item **itemp = &ctx->aux;

    while (*itemp) {
        if ((*itemp)->name && strcmp ((*itemp)->name, name) == 0)
            return itemp;
        itemp = &(*itemp)->next;
    }
    return NULL;
}

static int aux_fail (flux_security_t *ctx, int errnum)
{
    errno = errnum;
    security_error (ctx, NULL);
    return -1;
}

int flux_security_aux_set (flux_security_t *ctx,
                           const char *name,
                           void *data,
                           flux_security_free_f freefun)
{
    struct aux_item **itemp;
    struct aux_item *item = NULL;
    struct aux_item *old = NULL;

    if (!ctx) {
        errno = EINVAL;
        return -1;
    }
    if (!name && (!data || !freefun))
        return aux_fail (ctx, EINVAL);
    /* Allocate first, so that a failure leaves the old entry in place. */
    if (data) {
        if (!(item = calloc (1, sizeof (*item))))
            return aux_fail (ctx, ENOMEM);
        if (name && !(item->name = strdup (name))) {
            free (item);
            return aux_fail (ctx, ENOMEM);
        }
        item->data = data;
        item->destroy = freefun;
    }
    if (name && (itemp = aux_find (ctx, name))) {
        old = *itemp;
        *itemp = old->next;
        /* Setting the same data again must not destroy it. */
        if (old->data == data)
            old->destroy = NULL;
    }
    if (item) {
        item->next = ctx->aux;
        ctx->aux = item;
    }
    aux_item_destroy (old);
    return 0;
}

void *flux_security_aux_get (flux_security_t *ctx, const char *name)
{
    struct aux_item **itemp;

    if (!ctx) {
        errno = EINVAL;
        return NULL;
    }
    if (!name) {
        (void)aux_fail (ctx, EINVAL);
        return NULL;
    }
    if (!(itemp = aux_find (ctx, name))) {
        (void)aux_fail (ctx, ENOENT);
        return NULL;
    }
    return (*itemp)->data;
}
