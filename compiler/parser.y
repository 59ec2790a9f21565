/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * parser.y - the policy grammar, turned into parser.c by Lemon.
 *
 * Actions only build nodes (from the compilation's arena, so no
 * %destructor is needed); all state lives in the Parser passed as
 * %extra_context.  The grammar has no conflicts: if/else bodies are always
 * braced blocks, so there is no dangling else.  The first syntax error stops
 * the parse (YYNOERRORRECOVERY); see parse.c for the driver loop.
 *
 *   program   := decl*
 *   decl      := 'route' block | 'route' '[' IDENT ']' block
 *   block     := '{' stmt* '}'
 *   stmt      := if | 'exit' ';' | 'drop' ';' | 'route' '(' IDENT ')' ';'
 *              | call ';'
 *   if        := 'if' '(' expr ')' block ['else' (block | if)]
 *   expr      := expr ('==' | '!=') expr | STRING | INT | PVAR | call
 *              | '(' expr ')'
 *   call      := IDENT '(' [expr (',' expr)*] ')'
 */

%name ParseSipc
%token_prefix TK_
%token_type {Token}
%extra_context {Parser *p}
%start_symbol program

/* Tokens only the lexer produces; listed so they get codes in parser.h. */
%token ILLEGAL.

%include {
#include <assert.h>
#include <stdlib.h>

#include "sipc.h"

#define YYNOERRORRECOVERY 1
/* Lemon's parser object is heap-allocated; nothing in it outlives a parse. */
#define YYMALLOCARGTYPE size_t
}

%syntax_error {
    parse_syntax_error(p, yymajor, yyminor);
}

%stack_overflow {
    diag_error(p->d, 0, "policy nested too deeply to parse");
}

%left EQ NE.

%type stmts {NodeList}
%type args {NodeList}
%type arglist {NodeList}
%type block {Node *}
%type stmt {Node *}
%type ifstmt {Node *}
%type expr {Node *}
%type call {Node *}

program ::= decls.

decls ::= .
decls ::= decls decl.

decl ::= ROUTE(K) block(B).
    { Token none = {0, K.z, 0, K.off}; ast_add_route(p->arena, p->prog, SIPC_RK_REQUEST, K, none, B); }
decl ::= ROUTE(K) LBRACKET IDENT(N) RBRACKET block(B).
    { ast_add_route(p->arena, p->prog, SIPC_RK_REQUEST, K, N, B); }

block(A) ::= LBRACE(T) stmts(L) RBRACE.
    { A = ast_new(p->arena, ND_BLOCK, T); A->body = L.head; }

stmts(A) ::= .                 { A.head = A.tail = NULL; A.n = 0; }
stmts(A) ::= stmts(L) stmt(S). { A = ast_list_append(L, S); }

stmt(A) ::= ifstmt(I).               { A = I; }
stmt(A) ::= EXIT(T) SEMI.            { A = ast_new(p->arena, ND_EXIT, T); }
stmt(A) ::= DROP(T) SEMI.            { A = ast_new(p->arena, ND_DROP, T); }
stmt(A) ::= ROUTE LPAREN IDENT(N) RPAREN SEMI.
    { A = ast_new(p->arena, ND_ROUTE_CALL, N); }
stmt(A) ::= call(C) SEMI.
    { A = ast_new(p->arena, ND_EXPR_STMT, C->tok); A->lhs = C; }

ifstmt(A) ::= IF(T) LPAREN expr(C) RPAREN block(B).
    { A = ast_new(p->arena, ND_IF, T); A->cond = C; A->then = B; }
ifstmt(A) ::= IF(T) LPAREN expr(C) RPAREN block(B) ELSE block(E).
    { A = ast_new(p->arena, ND_IF, T); A->cond = C; A->then = B; A->els = E; }
ifstmt(A) ::= IF(T) LPAREN expr(C) RPAREN block(B) ELSE ifstmt(E).
    { A = ast_new(p->arena, ND_IF, T); A->cond = C; A->then = B; A->els = E; }

expr(A) ::= expr(L) EQ(T) expr(R).  { A = ast_binary(p->arena, ND_EQ, T, L, R); }
expr(A) ::= expr(L) NE(T) expr(R).  { A = ast_binary(p->arena, ND_NE, T, L, R); }
expr(A) ::= LPAREN expr(E) RPAREN.  { A = E; }
expr(A) ::= STRING(T).  { A = ast_new(p->arena, ND_STR, T); parse_string(p, T, A); }
expr(A) ::= INT(T).     { A = ast_new(p->arena, ND_INT, T); parse_int(p, T, A); }
expr(A) ::= PVAR(T).    { A = ast_new(p->arena, ND_PVAR, T); }
expr(A) ::= call(C).    { A = C; }

call(A) ::= IDENT(N) LPAREN args(L) RPAREN.
    { A = ast_new(p->arena, ND_CALL, N); A->args = L.head; A->nargs = L.n; }

args(A) ::= .              { A.head = A.tail = NULL; A.n = 0; }
args(A) ::= arglist(L).    { A = L; }
arglist(A) ::= expr(E).    { NodeList none = {NULL, NULL, 0}; A = ast_list_append(none, E); }
arglist(A) ::= arglist(L) COMMA expr(E). { A = ast_list_append(L, E); }
