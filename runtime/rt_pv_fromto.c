/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * rt_pv_fromto.c - From and To: $fu $fU $fd $fn $ft, $tu $tU $td $tt.
 *
 * Read from sofia's parsed sip_from / sip_to (sip_addr_t: display name,
 * URL, tag).  URIs are printed into the message home once per message
 * (cached until the message is edited, see rt_internal.h); user, host, tag
 * and display name are views of sofia's strings.  A message lacking the
 * header or the part gives "".  The display name is given as written,
 * quotes included (`"Alice"`), as Kamailio does.
 */
#include <sofia-sip/url.h>

#include "rt_internal.h"

enum part { P_URI, P_USER, P_HOST, P_NAME, P_TAG };

static const sipc_str *addr_part(sipc_msg *m, int slot, const sip_addr_t *a, enum part p)
{
    if (RT_PV_CACHED(m, slot))
        return m->pv[slot];
    const sipc_str *v = &rt_str_empty;
    if (a) {
        switch (p) {
        case P_URI: v = rt_str_cview(m, url_as_string(m->home, a->a_url)); break;
        case P_USER: v = rt_str_cview(m, a->a_url->url_user); break;
        case P_HOST: v = rt_str_cview(m, a->a_url->url_host); break;
        case P_NAME: v = rt_str_cview(m, a->a_display); break;
        case P_TAG: v = rt_str_cview(m, a->a_tag); break;
        }
    }
    return rt_pv_keep(m, slot, v);
}

#define FROM(m) ((m)->sip ? (m)->sip->sip_from : NULL)
#define TO(m) ((m)->sip ? (m)->sip->sip_to : NULL)

/* clang-format off */
const sipc_str *sipc_pv_fu(sipc_msg *m) { return addr_part(m, RT_PV_fu, FROM(m), P_URI); }
const sipc_str *sipc_pv_fU(sipc_msg *m) { return addr_part(m, RT_PV_fU, FROM(m), P_USER); }
const sipc_str *sipc_pv_fd(sipc_msg *m) { return addr_part(m, RT_PV_fd, FROM(m), P_HOST); }
const sipc_str *sipc_pv_fn(sipc_msg *m) { return addr_part(m, RT_PV_fn, FROM(m), P_NAME); }
const sipc_str *sipc_pv_ft(sipc_msg *m) { return addr_part(m, RT_PV_ft, FROM(m), P_TAG); }
const sipc_str *sipc_pv_tu(sipc_msg *m) { return addr_part(m, RT_PV_tu, TO(m), P_URI); }
const sipc_str *sipc_pv_tU(sipc_msg *m) { return addr_part(m, RT_PV_tU, TO(m), P_USER); }
const sipc_str *sipc_pv_td(sipc_msg *m) { return addr_part(m, RT_PV_td, TO(m), P_HOST); }
const sipc_str *sipc_pv_tt(sipc_msg *m) { return addr_part(m, RT_PV_tt, TO(m), P_TAG); }
/* clang-format on */
