/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ast.c - node constructors for the grammar's actions.
 *
 * Nodes come zeroed from the arena; a constructor only sets what every node
 * of its kind needs.  Lists (statements, arguments) are singly linked
 * through Node.next and built front to back with NodeList.
 */
#include "sipc.h"

Node *ast_new(Arena *a, NodeKind kind, Token tok)
{
    Node *n = arena_alloc(a, sizeof *n);
    n->kind = kind;
    n->tok = tok;
    return n;
}

Node *ast_binary(Arena *a, NodeKind kind, Token op, Node *lhs, Node *rhs)
{
    Node *n = ast_new(a, kind, op);
    n->lhs = lhs;
    n->rhs = rhs;
    /* Computed here, bottom up, so no walk of a deep tree has to recurse. */
    int below = lhs ? lhs->depth : 0;
    if (rhs && rhs->depth > below)
        below = rhs->depth;
    n->depth = below + 1;
    return n;
}

NodeList ast_list_empty(void)
{
    NodeList l = {NULL, NULL, 0};
    return l;
}

NodeList ast_list_append(NodeList l, Node *n)
{
    if (l.tail)
        l.tail->next = n;
    else
        l.head = n;
    l.tail = n;
    l.n++;
    return l;
}

/* The empty name of a main route, positioned at its keyword. */
Token ast_no_name(Token kw)
{
    Token t = {0, kw.z, 0, kw.off};
    return t;
}

void ast_add_route(Parser *p, int kind, Token kw, Token name, Node *body)
{
    Program *prog = p->prog;
    Route *r = arena_alloc(p->arena, sizeof *r);
    r->kind = kind;
    r->kw = kw;
    r->name = name;
    r->body = body;
    r->index = prog->nroutes++;
    *prog->route_tail = r;
    prog->route_tail = &r->next;
}

/* `first` is NAME, or MODULE of MODULE.NAME whose last token is `last`. */
void ast_add_setting(Parser *p, Token first, Token last, Node *value)
{
    Setting *s = arena_alloc(p->arena, sizeof *s);
    s->name = first;
    s->len = last.off + last.n - first.off;
    s->value = value;
    *p->prog->setting_tail = s;
    p->prog->setting_tail = &s->next;
}

void ast_add_decl(Parser *p, DeclKind kind, Token name, Token type)
{
    Decl *d = arena_alloc(p->arena, sizeof *d);
    d->kind = kind;
    d->name = name;
    d->type_tok = type;
    *p->prog->decl_tail = d;
    p->prog->decl_tail = &d->next;
}

void ast_walk(Node *n, AstVisit_fn fn, void *ctx)
{
    for (; n; n = n->next) {
        fn(n, ctx);
        ast_walk(n->lhs, fn, ctx);
        ast_walk(n->rhs, fn, ctx);
        ast_walk(n->cond, fn, ctx);
        ast_walk(n->then, fn, ctx);
        ast_walk(n->els, fn, ctx);
        ast_walk(n->body, fn, ctx);
        ast_walk(n->args, fn, ctx);
    }
}

const char *ast_kind_name(NodeKind kind)
{
    static const char *const names[] = {
#define X(k, s) s,
        NODE_KINDS(X)
#undef X
    };
    return names[kind];
}
