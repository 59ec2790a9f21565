/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * rt_regex.c - the policy's regular expressions: compiled once, matched often.
 *
 * The descriptor lists every pattern literal of the policy (abi.h); they
 * are compiled with regcomp(REG_EXTENDED | REG_NOSUB) when the policy loads,
 * and an emitted `=~` calls sipc_regex_match() with the pattern's slot.
 * The checker compiled each pattern already, so a failure here means a
 * different regex library or a broken object: the policy is refused.
 *
 * Matching is a search (unanchored, as regexec), case-sensitive, over the
 * string's bytes.  glibc's REG_STARTEND bounds it by the length, so a
 * sipc_str needs no NUL (and may contain one); elsewhere a NUL-terminated
 * copy is made in the message home.
 *
 * Ownership: RtRegexSet is malloc'd by rt_regex_compile and owned by the
 * RtPolicy, which frees it with rt_regex_free when unloaded.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rt_internal.h"
#include "sipsyntax.h"

struct RtRegexSet {
    unsigned n;
    regex_t re[]; /* n compiled patterns */
};

RtRegexSet *rt_regex_compile(const char *const *pats, unsigned n, char *err, size_t errlen)
{
    RtRegexSet *rs = calloc(1, sizeof *rs + (size_t)n * sizeof rs->re[0]);
    if (!rs) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    for (unsigned i = 0; i < n; i++) {
        /* A policy.so need not come from sipc: guard regcomp's blow-up here too. */
        const char *cost_why = "missing";
        if (!pats[i] || sipsyntax_regex_cost(pats[i], (int)strlen(pats[i]), &cost_why, NULL) < 0) {
            snprintf(err, errlen, "regular expression %u is refused: %s", i, cost_why);
            rs->n = i;
            rt_regex_free(rs);
            return NULL;
        }
        int rc = regcomp(&rs->re[i], pats[i], REG_EXTENDED | REG_NOSUB);
        if (rc != 0) {
            char why[256];
            regerror(rc, &rs->re[i], why, sizeof why);
            snprintf(err, errlen, "regular expression %u \"%s\" does not compile: %s", i, pats[i], why);
            rs->n = i; /* free the ones before */
            rt_regex_free(rs);
            return NULL;
        }
    }
    rs->n = n;
    return rs;
}

const regex_t *rt_regex_get(const RtRegexSet *rs, int slot)
{
    if (!rs || slot < 0 || (unsigned)slot >= rs->n)
        return NULL;
    return &rs->re[slot];
}

void rt_regex_free(RtRegexSet *rs)
{
    if (!rs)
        return;
    for (unsigned i = 0; i < rs->n; i++)
        regfree(&rs->re[i]);
    free(rs);
}

int sipc_regex_match(sipc_msg *m, int slot, const sipc_str *s)
{
    const regex_t *re = m->policy ? rt_policy_regex(m->policy, slot) : NULL;
    if (!re) {
        rt_log(RT_LOG_ERROR, "regex_match: the policy has no pattern %d", slot);
        return 0;
    }
#ifdef REG_STARTEND
    regmatch_t pm[1] = {{0, (regoff_t)s->len}};
    return regexec(re, s->s, 0, pm, REG_STARTEND) == 0;
#else
    char *z = rt_str_dup(m, s);
    return z && regexec(re, z, 0, NULL, 0) == 0;
#endif
}
