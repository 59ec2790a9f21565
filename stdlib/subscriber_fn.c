/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * subscriber_fn.c - is_subscriber([uri]): is the user of `uri` (default:
 * the request URI) provisioned in the subscriber table?  The question a
 * proxy asks to tell "no such user" (404) from "not reachable now" (480).
 * A database error counts as false, and is logged.
 */
#include <sofia-sip/url.h>

#include "rt_internal.h"
#include "subscriber.h"

int sipc_is_subscriber(sipc_msg *m, const sipc_str *uri)
{
    const url_t *u = NULL;
    if (!m->env || !m->env->subs)
        return 0;
    if (uri && uri->len > 0)
        u = rt_parse_uri(m, "is_subscriber()", uri, 0);
    else if (m->sip && m->sip->sip_request)
        u = m->sip->sip_request->rq_url;
    if (!u || !u->url_user || !*u->url_user || !u->url_host)
        return 0;
    int rc = subs_exists(m->env->subs, u->url_user, u->url_host);
    if (rc < 0)
        rt_log(RT_LOG_ERROR, "is_subscriber(): the subscriber table cannot be read (call-id %s)",
               rt_msg_call_id(m->sip));
    return rc == 1;
}
