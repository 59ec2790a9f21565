/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * siptest_diff.c - compare transcripts and show how they differ.
 *
 * Both sides are first normalised (trailing blanks and trailing empty lines
 * do not count), so equal normalised texts are a pass.  The diff is the
 * textbook one: the common prefix and suffix are cut, a longest common
 * subsequence table over the rest gives the edit script (a few hundred lines
 * at most in practice; past LCS_MAX_CELLS the middle is shown as replaced
 * whole), and changes are grouped into unified hunks with `context` lines
 * around them, as `diff -u` prints them.
 */
#include <stdlib.h>
#include <string.h>

#include "siptest.h"

#define LCS_MAX_CELLS (16u * 1024 * 1024) /* 64 MiB of table */

char *siptest_normalize(const char *text)
{
    size_t n = strlen(text);
    char *out = malloc(n + 2), *o = out, *keep = out; /* keep: end of the last non-empty line */
    if (!out)
        return NULL;
    for (const char *s = text; *s;) {
        const char *e = strchr(s, '\n');
        const char *next = e ? e + 1 : s + strlen(s);
        if (!e)
            e = next;
        while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r'))
            e--;
        memcpy(o, s, (size_t)(e - s));
        o += e - s;
        *o++ = '\n';
        if (e > s)
            keep = o;
        s = next;
    }
    *keep = '\0';
    return out;
}

typedef struct Lines {
    const char **s;
    size_t *n;
    size_t count;
} Lines;

static int split(const char *text, Lines *l)
{
    size_t cap = 1;
    for (const char *p = text; *p; p++)
        cap += *p == '\n';
    l->s = malloc(cap * sizeof *l->s);
    l->n = malloc(cap * sizeof *l->n);
    l->count = 0;
    if (!l->s || !l->n)
        return -1;
    for (const char *p = text; *p;) {
        const char *e = strchr(p, '\n');
        size_t len = e ? (size_t)(e - p) : strlen(p);
        l->s[l->count] = p;
        l->n[l->count++] = len;
        p += len + (e ? 1 : 0);
    }
    return 0;
}

static int same(const Lines *a, size_t i, const Lines *b, size_t j)
{
    return a->n[i] == b->n[j] && memcmp(a->s[i], b->s[j], a->n[i]) == 0;
}

/* The edit script: one op per line of output, '=' (both), '-' (a), '+' (b). */
typedef struct Op {
    char kind;
    size_t ai, bi; /* line indices: a's for '=' and '-', b's for '=' and '+' */
} Op;

static Op *script(const Lines *a, const Lines *b, size_t *nops)
{
    size_t pre = 0, suf = 0;
    while (pre < a->count && pre < b->count && same(a, pre, b, pre))
        pre++;
    while (suf < a->count - pre && suf < b->count - pre && same(a, a->count - 1 - suf, b, b->count - 1 - suf))
        suf++;
    size_t n = a->count - pre - suf, m = b->count - pre - suf;
    Op *ops = malloc((a->count + b->count + 1) * sizeof *ops);
    if (!ops)
        return NULL;
    size_t k = 0;
    for (size_t i = 0; i < pre; i++)
        ops[k++] = (Op){'=', i, i};

    /* lcs[i][j]: the LCS length of a[pre+i..] and b[pre+j..] in the middle. */
    unsigned *lcs = NULL;
    if ((n + 1) * (m + 1) <= LCS_MAX_CELLS)
        lcs = calloc((n + 1) * (m + 1), sizeof *lcs);
    if (lcs) {
        for (size_t i = n; i-- > 0;)
            for (size_t j = m; j-- > 0;) {
                unsigned *c = &lcs[i * (m + 1) + j];
                if (same(a, pre + i, b, pre + j))
                    *c = lcs[(i + 1) * (m + 1) + j + 1] + 1;
                else {
                    unsigned down = lcs[(i + 1) * (m + 1) + j], right = lcs[i * (m + 1) + j + 1];
                    *c = down > right ? down : right;
                }
            }
    }
    size_t i = 0, j = 0;
    while (i < n || j < m) {
        if (lcs && i < n && j < m && same(a, pre + i, b, pre + j)) {
            ops[k++] = (Op){'=', pre + i, pre + j};
            i++, j++;
        } else if (i < n && (!lcs || j == m || lcs[(i + 1) * (m + 1) + j] >= lcs[i * (m + 1) + j + 1])) {
            ops[k++] = (Op){'-', pre + i, pre + j};
            i++;
        } else {
            ops[k++] = (Op){'+', pre + i, pre + j};
            j++;
        }
    }
    free(lcs);
    for (size_t t = 0; t < suf; t++)
        ops[k++] = (Op){'=', pre + n + t, pre + m + t};
    *nops = k;
    return ops;
}

/* Print one hunk: ops[from, to). */
static void hunk(FILE *out, const Lines *a, const Lines *b, const Op *ops, size_t from, size_t to)
{
    size_t na = 0, nb = 0;
    for (size_t k = from; k < to; k++) {
        na += ops[k].kind != '+';
        nb += ops[k].kind != '-';
    }
    /* diff -u numbering: an empty side names the line before it. */
    size_t la = ops[from].ai + (na ? 1 : 0), lb = ops[from].bi + (nb ? 1 : 0);
    fprintf(out, "@@ -%zu,%zu +%zu,%zu @@\n", la, na, lb, nb);
    for (size_t k = from; k < to; k++) {
        const Op *o = &ops[k];
        if (o->kind == '+')
            fprintf(out, "+%.*s\n", (int)b->n[o->bi], b->s[o->bi]);
        else
            fprintf(out, "%c%.*s\n", o->kind == '=' ? ' ' : '-', (int)a->n[o->ai], a->s[o->ai]);
    }
}

int siptest_diff(FILE *out, const char *a_text, const char *a_label, const char *b_text, const char *b_label,
                 int context)
{
    Lines a = {0}, b = {0};
    Op *ops = NULL;
    size_t nops = 0;
    int rc = -1;
    if (split(a_text, &a) < 0 || split(b_text, &b) < 0 || !(ops = script(&a, &b, &nops)))
        goto done;
    size_t ctx = context > 0 ? (size_t)context : 0;
    int header = 0;
    for (size_t k = 0; k < nops;) {
        if (ops[k].kind == '=') {
            k++;
            continue;
        }
        /* A hunk: back up over context, then run until a stretch of more
         * than 2 * ctx equal lines (or the end). */
        size_t from = k > ctx ? k - ctx : 0, end = k;
        while (end < nops) {
            size_t eq = end;
            while (eq < nops && ops[eq].kind == '=')
                eq++;
            if (eq == nops || eq - end > 2 * ctx) {
                end = end + (eq - end < ctx ? eq - end : ctx);
                break;
            }
            end = eq;
            while (end < nops && ops[end].kind != '=')
                end++;
        }
        if (!header) {
            fprintf(out, "--- %s\n+++ %s\n", a_label, b_label);
            header = 1;
        }
        hunk(out, &a, &b, ops, from, end);
        k = end;
    }
    rc = 0;
done:
    free(ops);
    free(a.s);
    free(a.n);
    free(b.s);
    free(b.n);
    return rc;
}
