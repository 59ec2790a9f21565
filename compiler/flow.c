/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * flow.c - definite assignment of $var, and reachability.
 *
 * A $var lives for one message and must be assigned on every path to each
 * read.  The analysis walks the structured AST with a State: whether the
 * point is reachable, and the set of $vars assigned on every path to it (a
 * bitset).  Paths join by intersection; an unreachable path does not
 * constrain the join.  Assignments only add to the set, so what a route
 * assigns is a summary independent of its entry set: out = in | summary.
 *
 * Across routes:
 *  pass 1, callees first: each route's summary (exit_vars) and whether it
 *          can end normally (returns), from an empty entry set;
 *  pass 2, callers first: each route runs with the intersection of the sets
 *          at its call sites (empty for entry blocks and unused routes), and
 *          reports reads of unassigned $vars and unreachable statements.
 */
#include <string.h>

#include "sipc.h"

typedef unsigned long long Word;

typedef struct State {
    int live; /* the point is reachable */
    Word *bits;
} State;

typedef struct Flow {
    Arena *a;
    Diag *d;
    Program *prog;
    int words;
    int report;     /* pass 2 */
    Route *route;
    State *breaks;  /* join of the states at `break`s of the innermost loop/switch */
    State *exits;   /* join of the states at `return`s of the route */
} Flow;

static State state_new(Flow *f, int live)
{
    State s = {live, arena_alloc(f->a, sizeof(Word) * (size_t)(f->words ? f->words : 1))};
    return s;
}

static State state_copy(Flow *f, State s)
{
    State t = state_new(f, s.live);
    memcpy(t.bits, s.bits, sizeof(Word) * (size_t)f->words);
    return t;
}

/* into = into JOIN from, where a dead state does not constrain. */
static void state_join(Flow *f, State *into, State from)
{
    if (!from.live)
        return;
    if (!into->live) {
        memcpy(into->bits, from.bits, sizeof(Word) * (size_t)f->words);
        into->live = 1;
        return;
    }
    for (int i = 0; i < f->words; i++)
        into->bits[i] &= from.bits[i];
}

static int has_var(State s, int i)
{
    return (s.bits[i / 64] >> (i % 64)) & 1;
}

static void add_var(State *s, int i)
{
    s->bits[i / 64] |= 1ULL << (i % 64);
}

static void flow_block(Flow *f, Node *first, State *s);

static void flow_expr(Flow *f, Node *n, State *s)
{
    if (!n)
        return;
    switch (n->kind) {
    case ND_PVAR:
        if (n->var && s->live && !has_var(*s, n->var->index) && f->report)
            diag_error(f->d, n->tok.off, "$var(%.*s) is read here, but not assigned on every path to here",
                       n->arg.n, n->arg.z);
        return;
    case ND_AND:
    case ND_OR: {
        /* The right side may not run: what it assigns is not definite. */
        flow_expr(f, n->lhs, s);
        State r = state_copy(f, *s);
        flow_expr(f, n->rhs, &r);
        return;
    }
    case ND_ROUTE_CALL: {
        Route *t = n->target;
        if (!t || !s->live)
            return;
        if (f->report) {
            if (!t->entry_known) {
                memcpy(t->entry_vars, s->bits, sizeof(Word) * (size_t)f->words);
                t->entry_known = 1;
            } else {
                for (int i = 0; i < f->words; i++)
                    t->entry_vars[i] &= s->bits[i];
            }
        }
        for (int i = 0; i < f->words; i++)
            s->bits[i] |= t->exit_vars[i];
        if (!t->returns)
            s->live = 0;
        return;
    }
    default: break;
    }
    flow_expr(f, n->lhs, s);
    flow_expr(f, n->rhs, s);
    for (Node *a = n->args; a; a = a->next)
        flow_expr(f, a, s);
}

static void flow_stmt(Flow *f, Node *n, State *s)
{
    switch (n->kind) {
    case ND_IF: {
        flow_expr(f, n->cond, s);
        State t = state_copy(f, *s);
        flow_block(f, n->then->body, &t);
        State e = state_copy(f, *s);
        if (n->els && n->els->kind == ND_IF)
            flow_stmt(f, n->els, &e);
        else if (n->els)
            flow_block(f, n->els->body, &e);
        State out = state_new(f, 0);
        state_join(f, &out, t);
        state_join(f, &out, e);
        *s = out;
        break;
    }
    case ND_WHILE: {
        flow_expr(f, n->cond, s);
        State *outer = f->breaks;
        State brk = state_new(f, 0);
        f->breaks = &brk;
        State body = state_copy(f, *s);
        flow_block(f, n->then->body, &body);
        f->breaks = outer;
        /* The body may run zero times; even `while (true)` ends, when
         * max_while_loops stops it, so the code after it is reachable. */
        state_join(f, s, brk);
        break;
    }
    case ND_SWITCH: {
        flow_expr(f, n->cond, s);
        State *outer = f->breaks;
        State brk = state_new(f, 0);
        f->breaks = &brk;
        State fall = state_new(f, 0);
        int has_default = 0;
        for (Node *k = n->body; k; k = k->next) {
            has_default |= k->lhs == NULL;
            State entry = state_copy(f, *s); /* jumped to from the switch */
            state_join(f, &entry, fall);     /* or fell through */
            flow_block(f, k->body, &entry);
            fall = entry;
        }
        f->breaks = outer;
        State after = state_new(f, 0);
        state_join(f, &after, brk);
        state_join(f, &after, fall);
        if (!has_default)
            state_join(f, &after, *s);
        *s = after;
        break;
    }
    case ND_BREAK:
        if (f->breaks)
            state_join(f, f->breaks, *s);
        s->live = 0;
        break;
    case ND_EXIT:
    case ND_DROP: s->live = 0; break;
    case ND_RETURN:
        flow_expr(f, n->lhs, s);
        if (!n->lhs && f->route->ret)
            f->route->can_fall_off = 1;
        state_join(f, f->exits, *s);
        s->live = 0;
        break;
    case ND_ASSIGN:
        flow_expr(f, n->rhs, s);
        if (n->lhs->var)
            add_var(s, n->lhs->var->index);
        break;
    case ND_EXPR_STMT: flow_expr(f, n->lhs, s); break;
    default: break;
    }
}

static void flow_block(Flow *f, Node *first, State *s)
{
    int warned = 0;
    for (Node *n = first; n; n = n->next) {
        if (!s->live && !warned && f->report) {
            diag_warning(f->d, n->tok.off, "unreachable statement");
            warned = 1;
        }
        flow_stmt(f, n, s);
    }
}

/* Runs one route from `entry`; sets its summary in pass 1. */
static void flow_route(Flow *f, Route *r, Word *entry)
{
    State s = state_new(f, 1);
    if (entry)
        memcpy(s.bits, entry, sizeof(Word) * (size_t)f->words);
    State exits = state_new(f, 0);
    f->exits = &exits;
    f->route = r;
    f->breaks = NULL;
    flow_block(f, r->body->body, &s);
    if (s.live && r->ret)
        r->can_fall_off = 1;
    state_join(f, &exits, s);
    if (!f->report) {
        r->returns = exits.live;
        for (int i = 0; i < f->words; i++)
            r->exit_vars[i] = exits.live ? exits.bits[i] & ~(entry ? entry[i] : 0) : 0;
    }
}

/* Routes with callees before callers: depth-first post-order. */
typedef struct Order {
    Route **routes;
    int count;
} Order;

static void visit(Route *r, Order *o);

static void visit_call(Node *n, void *ctx)
{
    if (n->kind == ND_ROUTE_CALL && n->target)
        visit(n->target, ctx);
}

static void visit(Route *r, Order *o)
{
    if (r->visited == 2)
        return;
    r->visited = 2;
    ast_walk(r->body, visit_call, o);
    o->routes[o->count++] = r;
}

void flow_check(Arena *a, Diag *d, Program *prog)
{
    Flow f = {.a = a, .d = d, .prog = prog, .words = (prog->nvars + 63) / 64};
    Order o = {arena_alloc(a, sizeof(Route *) * (size_t)(prog->nroutes + 1)), 0};
    for (Route *r = prog->routes; r; r = r->next) {
        r->exit_vars = arena_alloc(a, sizeof(Word) * (size_t)(f.words ? f.words : 1));
        r->entry_vars = arena_alloc(a, sizeof(Word) * (size_t)(f.words ? f.words : 1));
        r->visited = 0;
    }
    for (Route *r = prog->routes; r; r = r->next)
        visit(r, &o);

    for (int i = 0; i < o.count; i++) /* pass 1: callees first */
        flow_route(&f, o.routes[i], NULL);
    f.report = 1;
    for (int i = o.count - 1; i >= 0; i--) { /* pass 2: callers first */
        Route *r = o.routes[i];
        int sub = r->kind == SIPC_RK_REQUEST && r->name.n > 0;
        flow_route(&f, r, sub && r->entry_known ? r->entry_vars : NULL);
    }
}
