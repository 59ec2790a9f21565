/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * rt_hdr.c - finding headers by the name a policy wrote.
 *
 * sofia-sip parses every header it knows into a typed list in sip_t (From
 * into sip_from, Via into sip_via, ...) and keeps the others, as name and
 * value, in the sip_unknown list.  A name from a policy ("via", "X-Foo",
 * "f") is resolved with the message's own class table (msg_find_hclass):
 * case-insensitive, compact forms included, so $hdr(f), $hdr(From) and
 * $hdr(FROM) are one header.
 */
#include <string.h>

#include <sofia-sip/msg_mclass.h>
#include <sofia-sip/sip_header.h>
#include <sofia-sip/su_string.h>

#include "rt_internal.h"

/* RFC 3261 section 25.1 token characters, which header names are made of. */
static int is_token(const char *s, size_t n)
{
    if (n == 0)
        return 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              strchr("-.!%*_+`'~", c)) ||
            c == '\0')
            return 0;
    }
    return 1;
}

int rt_hdr_lookup(sipc_msg *m, const char *name, size_t len, msg_header_t ***hh, int *unknown,
                  msg_hclass_t **hc)
{
    char buf[128];
    *hh = NULL;
    *unknown = 1;
    if (hc)
        *hc = sip_unknown_class;
    if (!is_token(name, len))
        return -1;
    if (len >= sizeof buf || !m->msg || !m->sip)
        return 0; /* no header class has so long a name */
    memcpy(buf, name, len);
    buf[len] = '\0';
    msg_mclass_t const *mc = msg_mclass(m->msg);
    msg_href_t const *hr = mc ? msg_find_hclass(mc, buf, NULL) : NULL;
    if (!hr || hr == mc->mc_unknown || hr == mc->mc_error || !hr->hr_class)
        return 0;
    *hh = (msg_header_t **)((char *)m->sip + hr->hr_offset);
    *unknown = 0;
    if (hc)
        *hc = hr->hr_class;
    return 0;
}

int rt_hdr_unknown_is(const sip_unknown_t *u, const char *name, size_t len)
{
    return u->un_name && su_casenmatch(u->un_name, name, len) && u->un_name[len] == '\0';
}
