/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * check.c - the type checker: every name resolved, every type known, before
 * anything runs.
 *
 * It walks the AST once per route, sets node->ty on every expression and
 * links calls to their Builtin, pseudo-variables to their Pvar and route
 * calls to their Route.  It reports every error it finds (diag.c caps the
 * count); an expression that is already wrong gets ty_error, which every
 * rule accepts silently, so one mistake gives one message.
 */
#include <string.h>

#include "sipc.h"

typedef struct Checker {
    Diag *d;
    Program *prog;
    int kind; /* enum sipc_route_kind of the route being checked */
} Checker;

static Type *check_expr(Checker *c, Node *n);
static void check_block(Checker *c, Node *block);

static int tok_eq(Token a, Token b)
{
    return a.n == b.n && memcmp(a.z, b.z, (size_t)a.n) == 0;
}

static Route *find_route(Program *prog, int kind, Token name)
{
    for (Route *r = prog->routes; r; r = r->next)
        if (r->kind == kind && r->name.n > 0 && tok_eq(r->name, name))
            return r;
    return NULL;
}

static Type *param_type(char letter)
{
    return letter == 's' ? ty_str : ty_int; /* 'i' and 'c' are ints */
}

/* Counts the required and total parameters of a signature such as "cs|i". */
static void count_params(const char *sig, int *required, int *total)
{
    *required = -1;
    *total = 0;
    for (const char *s = sig; *s; s++) {
        if (*s == '|')
            *required = *total;
        else
            (*total)++;
    }
    if (*required < 0)
        *required = *total;
}

static Type *check_call(Checker *c, Node *n)
{
    const Builtin *fn = builtin_find(n->tok.z, n->tok.n);
    if (!fn) {
        diag_error(c->d, n->tok.off, "unknown function '%.*s'", n->tok.n, n->tok.z);
        for (Node *a = n->args; a; a = a->next)
            check_expr(c, a);
        return ty_error;
    }
    n->fn = fn;
    if (!(fn->kinds & c->kind))
        diag_error(c->d, n->tok.off, "'%s' cannot be used in a %s", fn->name,
                   route_kind_name(c->kind));

    int required, total;
    count_params(fn->params, &required, &total);
    if (n->nargs < required || n->nargs > total) {
        if (required == total)
            diag_error(c->d, n->tok.off, "'%s' takes %d argument%s, not %d", fn->name, total,
                       total == 1 ? "" : "s", n->nargs);
        else
            diag_error(c->d, n->tok.off, "'%s' takes %d to %d arguments, not %d", fn->name,
                       required, total, n->nargs);
    }

    const char *sig = fn->params;
    int i = 0;
    for (Node *a = n->args; a; a = a->next, i++) {
        Type *t = check_expr(c, a);
        while (*sig == '|')
            sig++;
        if (!*sig)
            continue; /* surplus argument, already reported */
        char letter = *sig++;
        Type *want = param_type(letter);
        if (t != want && t != ty_error)
            diag_error(c->d, a->tok.off, "argument %d of '%s' must be %s, not %s", i + 1,
                       fn->name, want->name, t->name);
        else if (letter == 'c' && a->kind == ND_INT && (a->ival < 100 || a->ival > 699))
            diag_error(c->d, a->tok.off, "reply code %lld is outside 100..699", a->ival);
    }
    return fn->ret;
}

static Type *check_pvar(Checker *c, Node *n)
{
    const char *name = n->tok.z + 1; /* after the '$' */
    int len = n->tok.n - 1;
    const Pvar *pv = pvar_find(name, len);
    if (!pv) {
        diag_error(c->d, n->tok.off, "unknown pseudo-variable '%.*s'", n->tok.n, n->tok.z);
        return ty_error;
    }
    n->pv = pv;
    if (!(pv->kinds & c->kind))
        diag_error(c->d, n->tok.off, "'$%s' has no meaning in a %s", pv->name,
                   route_kind_name(c->kind));
    return pv->type;
}

static Type *check_compare(Checker *c, Node *n)
{
    Type *l = check_expr(c, n->lhs);
    Type *r = check_expr(c, n->rhs);
    if (l == ty_error || r == ty_error)
        return ty_bool;
    if (l == ty_void || r == ty_void)
        diag_error(c->d, n->tok.off, "'%s' needs two values; a void call has none",
                   ast_kind_name(n->kind));
    else if (l != r)
        diag_error(c->d, n->tok.off, "cannot compare %s with %s", l->name, r->name);
    return ty_bool;
}

static Type *check_expr(Checker *c, Node *n)
{
    Type *t = ty_error;
    switch (n->kind) {
    case ND_STR: t = ty_str; break;
    case ND_INT: t = ty_int; break;
    case ND_PVAR: t = check_pvar(c, n); break;
    case ND_CALL: t = check_call(c, n); break;
    case ND_EQ:
    case ND_NE: t = check_compare(c, n); break;
    default: diag_error(c->d, n->tok.off, "%s is not an expression", ast_kind_name(n->kind));
    }
    n->ty = t;
    return t;
}

static void check_stmt(Checker *c, Node *n)
{
    switch (n->kind) {
    case ND_IF: {
        Type *t = check_expr(c, n->cond);
        if (t != ty_bool && t != ty_error)
            diag_error(c->d, n->cond->tok.off, "condition must be bool, not %s", t->name);
        check_block(c, n->then);
        if (n->els && n->els->kind == ND_IF)
            check_stmt(c, n->els);
        else if (n->els)
            check_block(c, n->els);
        break;
    }
    case ND_EXIT:
    case ND_DROP: break;
    case ND_ROUTE_CALL:
        n->target = find_route(c->prog, SIPC_RK_REQUEST, n->tok);
        if (!n->target)
            diag_error(c->d, n->tok.off, "unknown route '%.*s'", n->tok.n, n->tok.z);
        break;
    case ND_EXPR_STMT: check_expr(c, n->lhs); break;
    default: diag_error(c->d, n->tok.off, "%s is not a statement", ast_kind_name(n->kind));
    }
}

static void check_block(Checker *c, Node *block)
{
    for (Node *s = block->body; s; s = s->next)
        check_stmt(c, s);
}

/* Each kind has at most one main route and each name one route. */
static void check_route_names(Checker *c)
{
    Route *main_route = NULL;
    for (Route *r = c->prog->routes; r; r = r->next) {
        Route *prev = NULL;
        for (Route *q = c->prog->routes; q != r; q = q->next)
            if (q->kind == r->kind && q->name.n == r->name.n &&
                (r->name.n == 0 || tok_eq(q->name, r->name)))
                prev = q;
        if (prev && r->name.n == 0) {
            diag_error(c->d, r->kw.off, "a second main 'route' block");
            diag_note(c->d, prev->kw.off, "the first one is here");
        } else if (prev) {
            diag_error(c->d, r->name.off, "redefinition of route[%.*s]", r->name.n, r->name.z);
            diag_note(c->d, prev->name.off, "the first definition is here");
        }
        if (r->kind == SIPC_RK_REQUEST && r->name.n == 0 && !main_route)
            main_route = r;
    }
    if (!main_route)
        diag_error(c->d, 0, "the policy has no main 'route { }' block");
}

int check_program(Arena *a, Diag *d, Program *prog)
{
    (void)a;
    Checker c = {.d = d, .prog = prog};
    int nerr0 = d->nerr;
    check_route_names(&c);
    for (Route *r = prog->routes; r; r = r->next) {
        c.kind = r->kind;
        check_block(&c, r->body);
    }
    return d->nerr == nerr0 ? 0 : -1;
}
