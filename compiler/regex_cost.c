/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * regex_cost.c - refuses regular expressions that are too costly to compile.
 *
 * glibc's regcomp() expands counted repetitions by copying, so stacked or
 * nested ones grow exponentially: "a+++++++++++++++++++" or
 * "((a{0,30}){0,30}){0,30}" take seconds and gigabytes (found by the fuzz
 * harness).  Policies are compiled by sipc check and again by sipd at load
 * time, so both call this first.  The estimate walks the pattern once: each
 * atom costs 1, a group costs the sum of its atoms, and a repetition
 * multiplies the cost of what it repeats by its upper bound (unbounded ones
 * count once: they become loops, not copies).  A repetition applied directly
 * to another repetition is refused outright; POSIX leaves it undefined.
 */
#include "sipsyntax.h"

enum { REGEX_MAX_LEN = 1024, REGEX_MAX_COST = 4096, REGEX_MAX_COUNT = 255, REGEX_MAX_DEPTH = 32 };

static int fail(const char **why, int *bad, const char *msg, int at)
{
    if (why)
        *why = msg;
    if (bad)
        *bad = at;
    return -1;
}

int sipsyntax_regex_cost(const char *s, int n, const char **why, int *bad)
{
    long group[REGEX_MAX_DEPTH + 1]; /* cost so far of each open group */
    long last = 0;                   /* cost of the atom a repetition would apply to */
    int depth = 0, last_rep = 0;

    if (n > REGEX_MAX_LEN)
        return fail(why, bad, "regular expression longer than 1024 bytes", REGEX_MAX_LEN);
    group[0] = 0;
    for (int i = 0; i < n; i++) {
        char c = s[i];
        long count = 0;
        if (c == '*' || c == '+' || c == '?') {
            count = 1;
        } else if (c == '{') {
            int j = i + 1, lo = 0, hi = -1;
            for (; j < n && s[j] >= '0' && s[j] <= '9'; j++)
                lo = lo > REGEX_MAX_COUNT ? lo : lo * 10 + (s[j] - '0'); /* saturates past the cap */
            if (j < n && s[j] == ',') {
                j++;
                if (j < n && s[j] >= '0' && s[j] <= '9') {
                    hi = 0; /* {m,n}; {m,} stays unbounded, a loop */
                    for (; j < n && s[j] >= '0' && s[j] <= '9'; j++)
                        hi = hi > REGEX_MAX_COUNT ? hi : hi * 10 + (s[j] - '0');
                }
            } else {
                hi = lo;
            }
            if (j >= n || s[j] != '}' || j == i + 1)
                /* glibc reads a malformed bound in its own ways (some as
                 * {m,32767}), so only well-formed ones are let through. */
                return fail(why, bad, "'{' must start a bound such as {2}, {2,} or {2,5}; write \\{ for a brace", i);
            if (lo > REGEX_MAX_COUNT || hi > REGEX_MAX_COUNT)
                return fail(why, bad, "repetition count above 255", i);
            count = hi > lo ? hi : lo;
            if (count < 1)
                count = 1;
            i = j;
        } else {
            goto atom;
        }
        /* a repetition */
        if (last_rep)
            return fail(why, bad, "a repetition of a repetition", i);
        group[depth] += last * (count - 1);
        last *= count;
        last_rep = 1;
        if (group[depth] > REGEX_MAX_COST)
            return fail(why, bad, "regular expression too costly to compile (nested repetitions)", i);
        continue;
    atom:
        last_rep = 0;
        if (c == '\\' && i + 1 < n) {
            i++;
            last = 1;
        } else if (c == '[') { /* a bracket expression is one atom */
            int j = i + 1;
            if (j < n && s[j] == '^')
                j++;
            if (j < n && s[j] == ']')
                j++;
            while (j < n && s[j] != ']')
                j++;
            i = j;
            last = 1;
        } else if (c == '(') {
            if (depth == REGEX_MAX_DEPTH)
                return fail(why, bad, "groups nested more than 32 deep", i);
            group[++depth] = 0;
            last = 0;
            continue;
        } else if (c == ')' && depth > 0) {
            last = group[depth--];
            if (last < 1)
                last = 1;
        } else if (c == '|' || c == '^' || c == '$') {
            last = 0;
            continue;
        } else {
            last = 1;
        }
        group[depth] += last;
        if (group[depth] > REGEX_MAX_COST)
            return fail(why, bad, "regular expression too costly to compile (nested repetitions)", i);
    }
    return 0;
}
