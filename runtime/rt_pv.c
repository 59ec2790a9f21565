/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * rt_pv.c - the pseudo-variable getters of stdlib/pvars.def.
 *
 * The code generator calls these directly (no lookup by name at run time).
 * Each returns a view valid until the message is done: into the context,
 * into sofia's parsed headers, or into the request's home.  The checker
 * guarantees a getter is only called in route kinds where it has a meaning,
 * but a getter still never crashes on a message lacking the part it reads:
 * it returns "" or 0.
 */
#include <string.h>

#include <sofia-sip/url.h>

#include "rt_internal.h"

const sipc_str *sipc_pv_rm(sipc_msg *m)
{
    return &m->rm;
}

const sipc_str *sipc_pv_ru(sipc_msg *m)
{
    if (!m->ru_ready) {
        m->ru_ready = 1;
        char *s = NULL;
        if (m->sip && m->sip->sip_request)
            s = url_as_string(m->home, m->sip->sip_request->rq_url);
        m->ru.s = s ? s : "";
        m->ru.len = (sipc_int)strlen(m->ru.s);
    }
    return &m->ru;
}

const sipc_str *sipc_pv_si(sipc_msg *m)
{
    return &m->si;
}

sipc_int sipc_pv_sp(sipc_msg *m)
{
    return m->src_port;
}
