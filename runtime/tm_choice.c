/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tm_choice.c - the best final reply of a forked request (RFC 3261 section
 * 16.7 steps 6 and 7), as a pure function of the status codes received
 * (tm_choice.h).  The transaction core (tm_reply.c) calls it once every
 * branch has its final reply; CUnit tests it in tests/unit/test_tm_choice.c.
 *
 * The RFC fixes the order of classes (6xx wins; otherwise the lowest class)
 * and leaves the choice inside a class open, with a preference for 4xx
 * replies that let the client retry.  Here it is made deterministic: the
 * preferred 4xx in a fixed order, then the lowest code, then the earliest.
 */
#include "tm_choice.h"

/* 4xx replies that carry what the client needs to retry (section 16.7
 * step 6), most useful first: credentials, then the request's form. */
static const int retry_info[] = {401, 407, 415, 420, 484};

/* A rank: the smaller, the better.  Class first, then the preference
 * inside the class, then the code itself. */
static long rank(int code)
{
    int cls = code / 100;
    long r;
    if (cls == 6)
        return 0; /* any 6xx beats everything; ties go to the first */
    r = (long)cls * 100000;
    if (cls == 4) {
        for (unsigned i = 0; i < sizeof retry_info / sizeof retry_info[0]; i++)
            if (code == retry_info[i])
                return r + (long)i;
        r += 1000;
    }
    return r + code;
}

int tm_choose_best(const int *codes, int n)
{
    int best = -1;
    for (int i = 0; i < n; i++) {
        if (codes[i] < 300 || codes[i] > 699)
            continue;
        if (best < 0 || rank(codes[i]) < rank(codes[best]))
            best = i; /* strictly better: equal ranks keep the earlier */
    }
    return best;
}

int tm_upstream_code(int code)
{
    return code == 503 ? 500 : code;
}
