/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * uri.c - uri_param(name, value?): a parameter of the request URI.
 *
 * True when the request URI has the parameter `name` (";transport=tcp",
 * ";lr") and, if `value` is given, that value.  Parameter names compare
 * case-insensitively (RFC 3261 section 19.1.4), values byte for byte; a
 * parameter without a value (";lr") matches only the value "".  URI
 * headers (after '?') are not parameters.
 */
#include <string.h>

#include <sofia-sip/su_string.h>
#include <sofia-sip/url.h>

#include "rt_internal.h"

int sipc_uri_param(sipc_msg *m, const sipc_str *name, const sipc_str *value)
{
    const url_t *u = m->sip && m->sip->sip_request ? m->sip->sip_request->rq_url : NULL;
    const char *p = u ? u->url_params : NULL;
    size_t nlen = (size_t)name->len;
    if (!p || nlen == 0)
        return 0;
    while (*p) {
        size_t len = strcspn(p, ";");
        size_t klen = strcspn(p, "=;");
        if (klen == nlen && su_casenmatch(p, name->s, nlen)) {
            if (!value)
                return 1;
            const char *v = klen < len ? p + klen + 1 : p + len; /* after '=', or empty */
            size_t vlen = (size_t)(p + len - v);
            if (vlen == (size_t)value->len && (vlen == 0 || memcmp(v, value->s, vlen) == 0))
                return 1;
        }
        p += len;
        if (*p == ';')
            p++;
    }
    return 0;
}
