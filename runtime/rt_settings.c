/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * rt_settings.c - what sipd does with a policy's top-level settings.
 *
 * The checker validated names, types and ranges (stdlib/settings.def); the
 * descriptor carries them as written, in source order.  Precedence: the
 * command line beats the policy (sipd -l beats `listen`, -d beats
 * `log_level`), the policy beats sipd's defaults.
 *
 * Used today: every `listen` (udp, tcp, tls: rt_listen.c), the tls.*
 * settings (read by rt_tls.c), `log_level`, and the
 * transaction timers `tm.fr_timer` and `tm.fr_inv_timer` (read by
 * rt_server.c through rt_policy_setting_int), `shutdown_grace` (rt_server.c,
 * for rt_shutdown.c), the dns.* settings (rt_dns.c), and db.url, usrloc.*
 * and registrar.* (rt_services.c).  Every other setting is
 * accepted and, at debug level, named as not used yet.  Values
 * are still checked defensively: an object not made by sipc could carry
 * anything, and a bad value is warned about and ignored.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rt.h"

static int parse_level(const char *v, RtLogLevel *out)
{
    static const char *const names[] = {"error", "warn", "info", "debug"};
    for (int i = 0; i < 4; i++)
        if (!strcmp(v, names[i])) {
            *out = (RtLogLevel)i;
            return 0;
        }
    return -1;
}

/* Settings other code reads itself (not named as unused). */
static int used_elsewhere(const char *name)
{
    return !strcmp(name, "tm.fr_timer") || !strcmp(name, "tm.fr_inv_timer") || !strncmp(name, "tls.", 4) ||
           !strcmp(name, "shutdown_grace") || !strncmp(name, "dns.", 4) || !strncmp(name, "usrloc.", 7) ||
           !strncmp(name, "registrar.", 10) || !strcmp(name, "db.url") || !strncmp(name, "auth.", 5) ||
           !strncmp(name, "pike.", 5) || !strncmp(name, "trusted.", 8);
}

const char *rt_policy_setting_str(const RtPolicy *p, const char *name, const char *def)
{
    const sipc_policy_desc *d = rt_policy_desc(p);
    for (unsigned i = 0; i < d->nsettings; i++)
        if (strcmp(d->settings[i].name, name) == 0)
            return d->settings[i].value;
    return def;
}

long rt_policy_setting_int(const RtPolicy *p, const char *name, long def)
{
    const sipc_policy_desc *d = rt_policy_desc(p);
    for (unsigned i = 0; i < d->nsettings; i++) {
        if (strcmp(d->settings[i].name, name) != 0)
            continue;
        char *end;
        errno = 0;
        long v = strtol(d->settings[i].value, &end, 10);
        if (errno || end == d->settings[i].value || *end || v < 0) {
            rt_log(RT_LOG_WARN, "%s: setting %s = %s is not a number; using %ld",
                   d->source_name ? d->source_name : "policy", name, d->settings[i].value, def);
            return def;
        }
        return v;
    }
    return def;
}

int rt_policy_apply_settings(const RtPolicy *p, const char **listen, int *nlisten, int max, int keep_level,
                             char *err, size_t errlen)
{
    const sipc_policy_desc *d = rt_policy_desc(p);
    const char *src = d->source_name ? d->source_name : "policy";
    int given = *nlisten, nset = 0;

    /* log_level first, so the lines below come out at the policy's level. */
    for (unsigned i = 0; i < d->nsettings; i++) {
        const sipc_setting *s = &d->settings[i];
        RtLogLevel level;
        if (strcmp(s->name, "log_level") != 0)
            continue;
        if (parse_level(s->value, &level) < 0)
            rt_log(RT_LOG_WARN, "%s: log_level \"%s\" is not error, warn, info or debug; ignored", src,
                   s->value);
        else if (!keep_level)
            rt_log_set_level(level);
        else
            rt_log(RT_LOG_DEBUG, "%s: log_level %s overridden by the command line", src, s->value);
    }

    for (unsigned i = 0; i < d->nsettings; i++) {
        const sipc_setting *s = &d->settings[i];
        if (!strcmp(s->name, "log_level"))
            continue;
        if (used_elsewhere(s->name))
            continue;
        if (strcmp(s->name, "listen") != 0) {
            rt_log(RT_LOG_DEBUG, "%s: setting %s = %s is not used by this sipd yet", src, s->name, s->value);
            continue;
        }
        nset++;
        if (given) /* -l given: every listen setting is overridden */
            continue;
        if (*nlisten >= max) {
            snprintf(err, errlen, "%s: more than %d listen settings", src, max);
            return -1;
        }
        listen[(*nlisten)++] = s->value;
    }
    if (given && nset)
        rt_log(RT_LOG_DEBUG, "%s: listen setting%s overridden by the command line", src, nset > 1 ? "s" : "");
    return 0;
}
