/* exec_device.c - parse, resolve and transfer the device containment
 * policy of `flux-imp exec` (exec_device.h, imp.md 4.5).
 *
 * exec_device_parse(), exec_device_access_parse(),
 * exec_device_proc_majors(), exec_device_encode() and
 * exec_device_decode() are pure.  exec_device_resolve() does I/O (stat
 * and /proc/devices) and runs in the unprivileged child only.
 *
 * SECURITY INVARIANTS
 * - The decoder (run by the privileged parent) trusts nothing of the
 *   message: the count is bounded before anything is read, every entry
 *   must match the encoded form exactly and every number is range
 *   checked; any deviation is an error, never a skipped entry.
 * - Resolution only ever removes entries (warnings), so that a bad entry
 *   narrows the access of the job rather than widening it.
 */
#define _GNU_SOURCE
#if HAVE_CONFIG_H
#include "config.h"
#endif
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "exec_device.h"

/* Largest /proc/devices read (it is a few hundred bytes). */
#define PROC_DEVICES_MAX (64 * 1024)

static const struct {
    const char *spec;
    const char *access;
} standard[EXEC_DEVICE_STANDARD_COUNT] = {
    {"/dev/null", "rwm"},   {"/dev/zero", "rwm"},    {"/dev/full", "rwm"},
    {"/dev/random", "rwm"}, {"/dev/urandom", "rwm"}, {"/dev/tty", "rwm"},
    {"/dev/ptmx", "rwm"},   {"char-pts", "rw"},
};

void exec_device_specs_destroy (struct exec_device_specs *specs)
{
    int saved_errno = errno;

    if (specs) {
        for (size_t i = 0; i < specs->count; i++) {
            free (specs->specs[i].spec);
            free (specs->specs[i].access);
        }
        free (specs->specs);
        free (specs);
    }
    errno = saved_errno;
}

static int add_spec (struct exec_device_specs *s,
                     const char *spec,
                     const char *access,
                     struct error *err)
{
    struct exec_device_spec *e = &s->specs[s->count];

    if (!(e->spec = strdup (spec)) || !(e->access = strdup (access))) {
        free (e->spec);
        return error_errno (err, ENOMEM, "out of memory");
    }
    s->count++;
    return 0;
}

/* A JSON string without an embedded NUL, at most 'max' bytes. */
static const char *get_string (const json_t *o, size_t max)
{
    const char *s = json_string_value (o);

    if (!s || strlen (s) != json_string_length (o) || strlen (s) > max)
        return NULL;
    return s;
}

/* Append the [spec, access] pair 'pair' (entry 'i' of DeviceAllow). */
static int add_pair (struct exec_device_specs *s,
                     const json_t *pair,
                     size_t i,
                     struct error *err)
{
    const char *spec, *access;

    if (!json_is_array (pair) || json_array_size (pair) != 2)
        return error_errno (err, EINVAL,
                            "DeviceAllow[%zu] is not a [spec, access] pair", i);
    spec = get_string (json_array_get (pair, 0), EXEC_DEVICE_SPEC_MAX);
    access = get_string (json_array_get (pair, 1), EXEC_DEVICE_SPEC_MAX);
    if (!spec || !access)
        return error_errno (err, EINVAL,
                            "DeviceAllow[%zu] must hold two strings "
                            "(at most %d bytes, no NUL)",
                            i, EXEC_DEVICE_SPEC_MAX);
    return add_spec (s, spec, access, err);
}

/* DevicePolicy, in the order of the names in get_policy(). */
enum policy {
    POLICY_AUTO = 0,
    POLICY_CLOSED = 1,
    POLICY_STRICT = 2,
};

static int
get_policy (const json_t *options, enum policy *policyp, struct error *err)
{
    static const char *names[] = {"auto", "closed", "strict"};
    const json_t *o = json_object_get (options, "DevicePolicy");
    const char *s;

    *policyp = POLICY_AUTO;
    if (!o)
        return 0;
    if (!(s = get_string (o, 16)))
        return error_errno (err, EINVAL, "DevicePolicy must be a string");
    for (int i = 0; i < 3; i++) {
        if (!strcmp (s, names[i])) {
            *policyp = (enum policy)i;
            return 0;
        }
    }
    return error_errno (err, EINVAL, "unknown DevicePolicy");
}

static int get_allow (const json_t *options,
                      const json_t **allowp,
                      size_t *np,
                      struct error *err)
{
    const json_t *allow = json_object_get (options, "DeviceAllow");

    *allowp = allow;
    *np = 0;
    if (!allow)
        return 0;
    if (!json_is_array (allow))
        return error_errno (err, EINVAL, "DeviceAllow must be an array");
    *np = json_array_size (allow);
    return 0;
}

static int fill_specs (struct exec_device_specs *s,
                       enum policy policy,
                       const json_t *allow,
                       size_t n,
                       struct error *err)
{
    if (policy != POLICY_STRICT) {
        for (size_t i = 0; i < EXEC_DEVICE_STANDARD_COUNT; i++)
            if (add_spec (s, standard[i].spec, standard[i].access, err) < 0)
                return -1;
    }
    for (size_t i = 0; i < n; i++)
        if (add_pair (s, json_array_get (allow, i), i, err) < 0)
            return -1;
    return 0;
}

int exec_device_parse (const json_t *options,
                       struct exec_device_specs **specsp,
                       struct error *err)
{
    struct exec_device_specs *s = NULL;
    const json_t *allow = NULL;
    size_t n = 0, total;
    enum policy policy = POLICY_AUTO;

    if (!specsp)
        return error_errno (err, EINVAL, "invalid argument");
    if (options && !json_is_object (options))
        return error_errno (err, EINVAL, "options must be an object");
    if (options
        && (get_policy (options, &policy, err) < 0
            || get_allow (options, &allow, &n, err) < 0))
        return -1;
    total = n + (policy != POLICY_STRICT ? EXEC_DEVICE_STANDARD_COUNT : 0);
    if (n > EXEC_DEVICE_MAX || total > EXEC_DEVICE_MAX)
        return error_errno (err, ERANGE, "more than %d device entries",
                            EXEC_DEVICE_MAX);
    if (!(s = calloc (1, sizeof (*s)))
        || !(s->specs = calloc (total + 1, sizeof (*s->specs)))) {
        free (s);
        return error_errno (err, ENOMEM, "out of memory");
    }
    s->contain = policy != POLICY_AUTO || n > 0;
    if (s->contain && fill_specs (s, policy, allow, n, err) < 0) {
        exec_device_specs_destroy (s);
        return -1;
    }
    *specsp = s;
    return 0;
}

int exec_device_access_parse (const char *access)
{
    int bits = 0, bit;

    if (!access || !*access || strlen (access) > 3)
        goto inval;
    for (const char *p = access; *p; p++) {
        if (*p == 'r')
            bit = EXEC_DEVICE_READ;
        else if (*p == 'w')
            bit = EXEC_DEVICE_WRITE;
        else if (*p == 'm')
            bit = EXEC_DEVICE_MKNOD;
        else
            goto inval;
        if (bits & bit)
            goto inval;
        bits |= bit;
    }
    return bits;
inval:
    errno = EINVAL;
    return -1;
}

/* Parse the line [p, end) of /proc/devices, "%3d %s": set *majorp and
 * the name.  Return 0, or -1 if it is not of that form.
 */
static int parse_devline (const char *p,
                          const char *end,
                          uint32_t *majorp,
                          const char **namep,
                          size_t *namelenp)
{
    uint32_t major = 0;
    int digits = 0;

    while (p < end && *p == ' ')
        p++;
    while (p < end && *p >= '0' && *p <= '9' && digits < 10) {
        major = major * 10 + (uint32_t)(*p++ - '0');
        digits++;
    }
    if (digits == 0 || digits > 9 || p == end || *p != ' ')
        return -1;
    while (p < end && *p == ' ')
        p++;
    if (p == end)
        return -1;
    *majorp = major;
    *namep = p;
    *namelenp = (size_t)(end - p);
    return 0;
}

static bool line_is (const char *p, const char *end, const char *s)
{
    size_t n = strlen (s);

    return (size_t)(end - p) == n && !memcmp (p, s, n);
}

int exec_device_proc_majors (const char *text,
                             size_t len,
                             int type,
                             const char *name,
                             uint32_t *majors,
                             size_t max,
                             size_t *countp)
{
    const char *p = text, *end, *eol, *n;
    bool in_section = false;
    size_t count = 0, nlen;
    uint32_t major;

    if ((!text && len > 0) || !name || !countp || (!majors && max > 0)
        || (type != EXEC_DEVICE_CHAR && type != EXEC_DEVICE_BLOCK)
        || len > PROC_DEVICES_MAX) {
        errno = EINVAL;
        return -1;
    }
    end = text ? text + len : text;
    for (; p < end; p = eol < end ? eol + 1 : end) {
        if (!(eol = memchr (p, '\n', (size_t)(end - p))))
            eol = end;
        if (line_is (p, eol, "Character devices:"))
            in_section = type == EXEC_DEVICE_CHAR;
        else if (line_is (p, eol, "Block devices:"))
            in_section = type == EXEC_DEVICE_BLOCK;
        else if (in_section && parse_devline (p, eol, &major, &n, &nlen) == 0
                 && nlen == strlen (name) && !memcmp (n, name, nlen)) {
            if (count == max) {
                errno = ERANGE;
                return -1;
            }
            majors[count++] = major;
        }
    }
    *countp = count;
    return 0;
}

/* The resolution of one entry: a list under construction, and where to
 * say why an entry is skipped.
 */
struct resolver {
    struct exec_device_list *list;
    exec_device_warn_f warn;
    void *arg;
    char *proc; /* /proc/devices, read on first use */
    size_t proclen;
    int proc_errno; /* its read error, or 0 */
};

static void
skip (struct resolver *r, const struct exec_device_spec *e, const char *why)
{
    char msg[EXEC_DEVICE_SPEC_MAX * 2 + 128];

    if (!r->warn)
        return;
    snprintf (msg, sizeof (msg), "device: ignore %s (%s): %s", e->spec,
              e->access, why);
    r->warn (msg, r->arg);
}

static int add_dev (struct resolver *r,
                    int type,
                    uint32_t major,
                    int32_t minor,
                    int access,
                    struct error *err)
{
    struct exec_device *d;

    if (r->list->count == EXEC_DEVICE_MAX)
        return error_errno (err, ERANGE, "more than %d devices",
                            EXEC_DEVICE_MAX);
    d = &r->list->dev[r->list->count++];
    d->type = type;
    d->major = major;
    d->minor = minor;
    d->access = access;
    return 0;
}

static int read_proc_devices (struct resolver *r)
{
    ssize_t n;
    int fd;

    if (r->proc || r->proc_errno)
        return r->proc ? 0 : -1;
    if (!(r->proc = malloc (PROC_DEVICES_MAX)))
        goto error;
    if ((fd = open ("/proc/devices", O_RDONLY | O_CLOEXEC)) < 0)
        goto error;
    while (r->proclen < PROC_DEVICES_MAX) {
        n = read (fd, r->proc + r->proclen, PROC_DEVICES_MAX - r->proclen);
        if (n == 0)
            break;
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            int e = errno;
            close (fd);
            errno = e;
            goto error;
        }
        r->proclen += (size_t)n;
    }
    close (fd);
    return 0;
error:
    r->proc_errno = errno;
    free (r->proc);
    r->proc = NULL;
    return -1;
}

/* "char-NAME" or "block-NAME". */
static int resolve_name (struct resolver *r,
                         const struct exec_device_spec *e,
                         int type,
                         const char *name,
                         int access,
                         struct error *err)
{
    uint32_t majors[EXEC_DEVICE_MAX];
    size_t count;

    if (read_proc_devices (r) < 0) {
        skip (r, e, strerror (r->proc_errno));
        return 0;
    }
    if (!*name
        || exec_device_proc_majors (r->proc, r->proclen, type, name, majors,
                                    EXEC_DEVICE_MAX, &count)
               < 0
        || count == 0) {
        skip (r, e, "not found in /proc/devices");
        return 0;
    }
    for (size_t i = 0; i < count; i++) {
        if (majors[i] > EXEC_DEVICE_MAJOR_MAX)
            continue;
        if (add_dev (r, type, majors[i], -1, access, err) < 0)
            return -1;
    }
    return 0;
}

/* "/dev/..." */
static int resolve_path (struct resolver *r,
                         const struct exec_device_spec *e,
                         int access,
                         struct error *err)
{
    struct stat sb;
    int type;

    if (stat (e->spec, &sb) < 0) {
        skip (r, e, strerror (errno));
        return 0;
    }
    if (S_ISCHR (sb.st_mode))
        type = EXEC_DEVICE_CHAR;
    else if (S_ISBLK (sb.st_mode))
        type = EXEC_DEVICE_BLOCK;
    else {
        skip (r, e, "not a device");
        return 0;
    }
    if (major (sb.st_rdev) > EXEC_DEVICE_MAJOR_MAX
        || minor (sb.st_rdev) > EXEC_DEVICE_MINOR_MAX) {
        skip (r, e, "not a device");
        return 0;
    }
    return add_dev (r, type, major (sb.st_rdev), (int32_t)minor (sb.st_rdev),
                    access, err);
}

static int resolve_one (struct resolver *r,
                        const struct exec_device_spec *e,
                        struct error *err)
{
    int access = exec_device_access_parse (e->access);

    if (!strncmp (e->spec, "/dev/", 5)) {
        if (access < 0) {
            skip (r, e, "invalid access key");
            return 0;
        }
        return resolve_path (r, e, access, err);
    }
    if (!strncmp (e->spec, "char-", 5) || !strncmp (e->spec, "block-", 6)) {
        int type = e->spec[0] == 'c' ? EXEC_DEVICE_CHAR : EXEC_DEVICE_BLOCK;
        if (access < 0) {
            skip (r, e, "invalid access key");
            return 0;
        }
        return resolve_name (r, e, type, strchr (e->spec, '-') + 1, access,
                             err);
    }
    skip (r, e, "unknown specifier");
    return 0;
}

int exec_device_resolve (const struct exec_device_specs *specs,
                         exec_device_warn_f warn,
                         void *arg,
                         struct exec_device_list **listp,
                         struct error *err)
{
    struct resolver r = {.warn = warn, .arg = arg};
    int rc = -1;

    if (!specs || !listp)
        return error_errno (err, EINVAL, "invalid argument");
    if (!(r.list = calloc (1, sizeof (*r.list))))
        return error_errno (err, ENOMEM, "out of memory");
    r.list->contain = specs->contain;
    for (size_t i = 0; i < specs->count; i++)
        if (resolve_one (&r, &specs->specs[i], err) < 0)
            goto out;
    *listp = r.list;
    r.list = NULL;
    rc = 0;
out:
    free (r.list);
    free (r.proc);
    return rc;
}

static bool dev_valid (const struct exec_device *d)
{
    return (d->type == EXEC_DEVICE_CHAR || d->type == EXEC_DEVICE_BLOCK)
           && d->major <= EXEC_DEVICE_MAJOR_MAX && d->minor >= -1
           && d->minor <= EXEC_DEVICE_MINOR_MAX && d->access > 0
           && d->access <= 7;
}

int exec_device_format (const struct exec_device *d, char *buf, size_t size)
{
    char access[4];
    size_t n = 0;
    int len;

    if (!d || !buf || !dev_valid (d)) {
        errno = EINVAL;
        return -1;
    }
    if (d->access & EXEC_DEVICE_READ)
        access[n++] = 'r';
    if (d->access & EXEC_DEVICE_WRITE)
        access[n++] = 'w';
    if (d->access & EXEC_DEVICE_MKNOD)
        access[n++] = 'm';
    access[n] = '\0';
    len = snprintf (buf, size, "%c:%u:%d:%s",
                    d->type == EXEC_DEVICE_CHAR ? 'c' : 'b', (unsigned)d->major,
                    (int)d->minor, access);
    if (len < 0 || (size_t)len >= size) {
        errno = ERANGE;
        return -1;
    }
    return 0;
}

int exec_device_encode (const struct exec_device_list *list, struct kv *kv)
{
    char key[32], val[64];

    if (!list || !kv || list->count > EXEC_DEVICE_MAX) {
        errno = EINVAL;
        return -1;
    }
    if (!list->contain)
        return 0;
    if (kv_put_int64 (kv, "device.count", (int64_t)list->count) < 0)
        return -1;
    for (size_t i = 0; i < list->count; i++) {
        snprintf (key, sizeof (key), "device.%zu", i);
        if (exec_device_format (&list->dev[i], val, sizeof (val)) < 0
            || kv_put_string (kv, key, val) < 0)
            return -1;
    }
    return 0;
}

/* A decimal number without sign or leading zero, at most 'max', ending
 * at 'stop'.  Advance *sp past it.
 */
static int
parse_number (const char **sp, char stop, uint32_t max, uint32_t *valp)
{
    const char *s = *sp;
    uint64_t v = 0;
    int digits = 0;

    while (*s >= '0' && *s <= '9' && digits < 8) {
        v = v * 10 + (uint64_t)(*s++ - '0');
        digits++;
    }
    if (digits == 0 || (digits > 1 && **sp == '0') || *s != stop || v > max)
        return -1;
    *sp = s + 1;
    *valp = (uint32_t)v;
    return 0;
}

/* Parse one encoded entry "<c|b>:<major>:<minor|-1>:<access>". */
static int parse_entry (const char *s, struct exec_device *d)
{
    uint32_t major, minor;

    if ((s[0] != 'c' && s[0] != 'b') || s[1] != ':')
        return -1;
    d->type = s[0] == 'c' ? EXEC_DEVICE_CHAR : EXEC_DEVICE_BLOCK;
    s += 2;
    if (parse_number (&s, ':', EXEC_DEVICE_MAJOR_MAX, &major) < 0)
        return -1;
    d->major = major;
    if (!strncmp (s, "-1:", 3)) {
        d->minor = -1;
        s += 3;
    }
    else if (parse_number (&s, ':', EXEC_DEVICE_MINOR_MAX, &minor) < 0)
        return -1;
    else
        d->minor = (int32_t)minor;
    if ((d->access = exec_device_access_parse (s)) < 0)
        return -1;
    return 0;
}

static int decode_entries (const struct kv *kv,
                           struct exec_device_list *list,
                           struct error *err)
{
    const char *s;
    char key[32];

    for (size_t i = 0; i < list->count; i++) {
        snprintf (key, sizeof (key), "device.%zu", i);
        if (kv_get_string (kv, key, &s) < 0)
            return error_errno (err, ENOENT, "%s is missing", key);
        if (parse_entry (s, &list->dev[i]) < 0)
            return error_errno (err, EINVAL, "%s is malformed", key);
    }
    return 0;
}

/* True if 'kv' has an entry 'key', of any type. */
static bool has_key (const struct kv *kv, const char *key)
{
    struct kv_entry e;
    size_t cursor = 0;

    while (kv_next (kv, &cursor, &e))
        if (!strcmp (e.key, key))
            return true;
    return false;
}

int exec_device_decode (const struct kv *kv,
                        struct exec_device_list **listp,
                        size_t *nkeysp,
                        struct error *err)
{
    struct exec_device_list *list;
    int64_t count = 0;
    bool contain = true;

    if (!kv || !listp || !nkeysp)
        return error_errno (err, EINVAL, "invalid argument");
    if (kv_get_int64 (kv, "device.count", &count) < 0) {
        if (errno != ENOENT)
            return error_errno (err, EINVAL, "device.count is malformed");
        if (has_key (kv, "device.count"))
            return error_errno (err, EINVAL, "device.count is malformed");
        contain = false;
    }
    if (count < 0 || count > EXEC_DEVICE_MAX)
        return error_errno (err, ERANGE, "device.count out of range");
    if (!(list = calloc (1, sizeof (*list))))
        return error_errno (err, ENOMEM, "out of memory");
    list->contain = contain;
    list->count = (size_t)count;
    if (decode_entries (kv, list, err) < 0) {
        free (list);
        return -1;
    }
    *listp = list;
    *nkeysp = contain ? 1 + list->count : 0;
    return 0;
}
