/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * check.h - state shared by the checker's files: check.c (declarations,
 * settings, the route graph), check_expr.c (types of statements and
 * expressions) and flow.c (definite assignment and reachability).
 */
#ifndef SIPC_CHECK_H
#define SIPC_CHECK_H

#include "sipc.h"

typedef struct Walk Walk;

typedef struct Checker {
    Arena *a;
    Diag *d;
    Program *prog;
    Route *route; /* the route being checked */
    int kinds;    /* route kinds it is checked for (mask) */
    int breakable; /* depth of enclosing while/switch */
    int quiet;    /* inference pass: no diagnostics, no slot numbering */
    Route *entry; /* the entry block whose reach is being spread */
    Walk *walk;   /* recursion search */
} Checker;

/* A diagnostic unless the checker is in a quiet pass. */
void check_error(Checker *c, int off, const char *fmt, ...) SIPC_PRINTF(3, 4);
void check_warning(Checker *c, int off, const char *fmt, ...) SIPC_PRINTF(3, 4);
void check_note(Checker *c, int off, const char *fmt, ...) SIPC_PRINTF(3, 4);

/* Reports that `what` (allowed in `allowed` kinds) is used in c->kinds:
 * "<what> <verb> a failure_route". */
void check_kinds(Checker *c, int off, int allowed, const char *what, const char *verb);

/* check_expr.c */
void check_route_body(Checker *c, Route *r);
Type *check_expr(Checker *c, Node *n, int want_value);
/* Byte offset in the source of byte `i` of a decoded string literal. */
int check_str_offset(const Node *str, int i);
Var *check_find_var(Program *prog, Token name);
Decl *check_find_decl(Program *prog, DeclKind kind, const char *z, int n);

#endif /* SIPC_CHECK_H */
