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
    return n;
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

void ast_add_route(Arena *a, Program *prog, int kind, Token kw, Token name, Node *body)
{
    Route *r = arena_alloc(a, sizeof *r);
    r->kind = kind;
    r->kw = kw;
    r->name = name;
    r->body = body;
    *prog->tail = r;
    prog->tail = &r->next;
    prog->nroutes++;
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
