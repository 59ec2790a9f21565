/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * parser.y - the policy grammar, turned into parser.c by Lemon.
 *
 * Actions only build nodes (from the compilation's arena, so no
 * %destructor is needed); all state lives in the Parser passed as
 * %extra_context.  The grammar has no conflicts: bodies of if, while and
 * switch are braced blocks, so there is no dangling else.  The first syntax
 * error stops the parse (YYNOERRORRECOVERY); parse.c drives the loop and
 * words the error, including what was expected.
 *
 *   program   := item*
 *   item      := route | setting | 'avp' IDENT ':' IDENT ';'
 *              | 'flag' IDENT ';' | 'bflag' IDENT ';'
 *   route     := 'route' block | 'route' '[' IDENT ']' block
 *              | 'failure_route' '[' IDENT ']' block
 *              | 'branch_route' '[' IDENT ']' block
 *              | 'onreply_route' block | 'onreply_route' '[' IDENT ']' block
 *              | 'error_route' block
 *   setting   := IDENT ['.' IDENT] '=' (expr | ADDR) ';'
 *   block     := '{' stmt* '}'
 *   stmt      := if | switch | 'while' '(' expr ')' block
 *              | 'break' ';' | 'exit' ';' | 'drop' ';' | 'return' [expr] ';'
 *              | PVAR '=' expr ';' | expr ';'
 *   if        := 'if' '(' expr ')' block ['else' (block | if)]
 *   switch    := 'switch' '(' expr ')' '{' (('case' expr | 'default') ':' stmt*)* '}'
 *   expr      := binary and unary operators over primaries, precedence below
 *   primary   := STRING | INT | 'true' | 'false' | PVAR | IDENT
 *              | IDENT '(' args ')' | 'route' '(' IDENT ')' | '(' expr ')'
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
#define YYMALLOCARGTYPE size_t
}

%syntax_error {
    parse_syntax_error(p, yymajor, yyminor);
}

%stack_overflow {
    diag_error(p->d, p->last.off, "policy nested too deeply to parse");
}

/* Room for what nests on the parser's stack: about six entries per nested
 * block or `else if`, two or three per parenthesis or unary operator (see
 * SPEC.md section 8, "Limits").  Operator chains do not grow it; parse_op()
 * limits their depth. */
%stack_size 2000

/* Lowest to highest. */
%left OROR.
%left ANDAND.
%nonassoc EQ NE MATCH NOMATCH.
%nonassoc LT LE GT GE.
%left PLUS MINUS.
%left STAR SLASH PERCENT.
%right NOT.

%type stmts {NodeList}
%type cases {NodeList}
%type args {NodeList}
%type arglist {NodeList}
%type block {Node *}
%type stmt {Node *}
%type ifstmt {Node *}
%type case {Node *}
%type expr {Node *}
%type primary {Node *}
%type setting_value {Node *}

program ::= items.

items ::= .
items ::= items item.

/* --- top level ---------------------------------------------------------- */

item ::= ROUTE(K) block(B).
    { ast_add_route(p, SIPC_RK_REQUEST, K, ast_no_name(K), B); }
item ::= ROUTE(K) LBRACKET IDENT(N) RBRACKET block(B).
    { ast_add_route(p, SIPC_RK_REQUEST, K, N, B); }
item ::= FAILURE_ROUTE(K) LBRACKET IDENT(N) RBRACKET block(B).
    { ast_add_route(p, SIPC_RK_FAILURE, K, N, B); }
item ::= BRANCH_ROUTE(K) LBRACKET IDENT(N) RBRACKET block(B).
    { ast_add_route(p, SIPC_RK_BRANCH, K, N, B); }
item ::= ONREPLY_ROUTE(K) block(B).
    { ast_add_route(p, SIPC_RK_ONREPLY, K, ast_no_name(K), B); }
item ::= ONREPLY_ROUTE(K) LBRACKET IDENT(N) RBRACKET block(B).
    { ast_add_route(p, SIPC_RK_ONREPLY, K, N, B); }
item ::= ERROR_ROUTE(K) block(B).
    { ast_add_route(p, SIPC_RK_ERROR, K, ast_no_name(K), B); }

item ::= IDENT(N) ASSIGN setting_value(V) SEMI.
    { ast_add_setting(p, N, N, V); }
item ::= IDENT(M) DOT IDENT(N) ASSIGN setting_value(V) SEMI.
    { ast_add_setting(p, M, N, V); }

setting_value(A) ::= expr(E).   { A = E; }
setting_value(A) ::= ADDR(T).   { A = ast_new(p->arena, ND_ADDR, T); }

item ::= AVP IDENT(N) COLON IDENT(T) SEMI.  { ast_add_decl(p, DECL_AVP, N, T); }
item ::= FLAG IDENT(N) SEMI.                { ast_add_decl(p, DECL_FLAG, N, N); }
item ::= BFLAG IDENT(N) SEMI.               { ast_add_decl(p, DECL_BFLAG, N, N); }

/* --- statements --------------------------------------------------------- */

block(A) ::= LBRACE(T) stmts(L) RBRACE(E).
    { A = ast_new(p->arena, ND_BLOCK, T); A->body = L.head; A->end = E; }

stmts(A) ::= .                 { A = ast_list_empty(); }
stmts(A) ::= stmts(L) stmt(S). { A = ast_list_append(L, S); }

stmt(A) ::= ifstmt(I).               { A = I; }
stmt(A) ::= WHILE(T) LPAREN expr(C) RPAREN block(B).
    { A = ast_new(p->arena, ND_WHILE, T); A->cond = C; A->then = B; }
stmt(A) ::= SWITCH(T) LPAREN expr(C) RPAREN LBRACE cases(L) RBRACE(E).
    { A = ast_new(p->arena, ND_SWITCH, T); A->cond = C; A->body = L.head; A->end = E; }
stmt(A) ::= BREAK(T) SEMI.           { A = ast_new(p->arena, ND_BREAK, T); }
stmt(A) ::= EXIT(T) SEMI.            { A = ast_new(p->arena, ND_EXIT, T); }
stmt(A) ::= DROP(T) SEMI.            { A = ast_new(p->arena, ND_DROP, T); }
stmt(A) ::= RETURN(T) SEMI.          { A = ast_new(p->arena, ND_RETURN, T); }
stmt(A) ::= RETURN(T) expr(E) SEMI.  { A = ast_new(p->arena, ND_RETURN, T); A->lhs = E; }
stmt(A) ::= PVAR(V) ASSIGN(T) expr(E) SEMI.
    { A = ast_binary(p->arena, ND_ASSIGN, T, ast_new(p->arena, ND_PVAR, V), E); }
stmt(A) ::= expr(E) SEMI.
    { A = ast_new(p->arena, ND_EXPR_STMT, E->tok); A->lhs = E; }

ifstmt(A) ::= IF(T) LPAREN expr(C) RPAREN block(B).
    { A = ast_new(p->arena, ND_IF, T); A->cond = C; A->then = B; }
ifstmt(A) ::= IF(T) LPAREN expr(C) RPAREN block(B) ELSE block(E).
    { A = ast_new(p->arena, ND_IF, T); A->cond = C; A->then = B; A->els = E; }
ifstmt(A) ::= IF(T) LPAREN expr(C) RPAREN block(B) ELSE ifstmt(E).
    { A = ast_new(p->arena, ND_IF, T); A->cond = C; A->then = B; A->els = E; }

cases(A) ::= .                  { A = ast_list_empty(); }
cases(A) ::= cases(L) case(C).  { A = ast_list_append(L, C); }
case(A) ::= CASE(T) expr(E) COLON stmts(L).
    { A = ast_new(p->arena, ND_CASE, T); A->lhs = E; A->body = L.head; }
case(A) ::= DEFAULT(T) COLON stmts(L).
    { A = ast_new(p->arena, ND_CASE, T); A->body = L.head; }

/* --- expressions -------------------------------------------------------- */

expr(A) ::= expr(L) OROR(T) expr(R).    { A = parse_op(p, ND_OR, T, L, R); }
expr(A) ::= expr(L) ANDAND(T) expr(R).  { A = parse_op(p, ND_AND, T, L, R); }
expr(A) ::= expr(L) EQ(T) expr(R).      { A = parse_op(p, ND_EQ, T, L, R); }
expr(A) ::= expr(L) NE(T) expr(R).      { A = parse_op(p, ND_NE, T, L, R); }
expr(A) ::= expr(L) MATCH(T) expr(R).   { A = parse_op(p, ND_MATCH, T, L, R); }
expr(A) ::= expr(L) NOMATCH(T) expr(R). { A = parse_op(p, ND_NOMATCH, T, L, R); }
expr(A) ::= expr(L) LT(T) expr(R).      { A = parse_op(p, ND_LT, T, L, R); }
expr(A) ::= expr(L) LE(T) expr(R).      { A = parse_op(p, ND_LE, T, L, R); }
expr(A) ::= expr(L) GT(T) expr(R).      { A = parse_op(p, ND_GT, T, L, R); }
expr(A) ::= expr(L) GE(T) expr(R).      { A = parse_op(p, ND_GE, T, L, R); }
expr(A) ::= expr(L) PLUS(T) expr(R).    { A = parse_op(p, ND_ADD, T, L, R); }
expr(A) ::= expr(L) MINUS(T) expr(R).   { A = parse_op(p, ND_SUB, T, L, R); }
expr(A) ::= expr(L) STAR(T) expr(R).    { A = parse_op(p, ND_MUL, T, L, R); }
expr(A) ::= expr(L) SLASH(T) expr(R).   { A = parse_op(p, ND_DIV, T, L, R); }
expr(A) ::= expr(L) PERCENT(T) expr(R). { A = parse_op(p, ND_MOD, T, L, R); }
expr(A) ::= NOT(T) expr(E).             { A = parse_op(p, ND_NOT, T, E, NULL); }
expr(A) ::= MINUS(T) expr(E). [NOT]     { A = parse_op(p, ND_NEG, T, E, NULL); }
expr(A) ::= primary(P).                 { A = P; }

primary(A) ::= LPAREN expr(E) RPAREN.   { A = E; }
primary(A) ::= STRING(T).  { A = parse_string(p, T); }
primary(A) ::= INT(T).     { A = ast_new(p->arena, ND_INT, T); parse_int(p, T, A); }
primary(A) ::= TRUE(T).    { A = ast_new(p->arena, ND_BOOL, T); A->ival = 1; }
primary(A) ::= FALSE(T).   { A = ast_new(p->arena, ND_BOOL, T); A->ival = 0; }
primary(A) ::= PVAR(T).    { A = ast_new(p->arena, ND_PVAR, T); }
primary(A) ::= IDENT(T).   { A = ast_new(p->arena, ND_IDENT, T); }
primary(A) ::= IDENT(N) LPAREN args(L) RPAREN(E).
    { A = parse_call(p, N, L, E); }
primary(A) ::= ROUTE LPAREN IDENT(N) RPAREN.
    { A = ast_new(p->arena, ND_ROUTE_CALL, N); }

args(A) ::= .              { A = ast_list_empty(); }
args(A) ::= arglist(L).    { A = L; }
arglist(A) ::= expr(E).    { A = ast_list_append(ast_list_empty(), E); }
arglist(A) ::= arglist(L) COMMA expr(E). { A = ast_list_append(L, E); }

%code {
/*
 * Which terminals could come next?  Simulates, for each terminal, the
 * reductions the parser would make on the current stack and reports those
 * that end in a shift (or accept).  Only used to word a syntax error.
 */
int parse_expected(void *lemon, int *out, int max)
{
    yyParser *pp = lemon;
    int n = 0;
    for (int t = 0; t < YYNTOKEN && n < max; t++) {
        YYACTIONTYPE stack[YYSTACKDEPTH + 8];
        int depth = (int)(pp->yytos - pp->yystack) + 1;
        if (depth > YYSTACKDEPTH)
            return n;
        for (int i = 0; i < depth; i++)
            stack[i] = pp->yystack[i].stateno;
        for (int steps = 0; steps < 1000; steps++) {
            YYACTIONTYPE act = yy_find_shift_action((YYCODETYPE)t, stack[depth - 1]);
            if (act <= YY_MAX_SHIFTREDUCE || act == YY_ACCEPT_ACTION) {
                out[n++] = t;
                break;
            }
            if (act < YY_MIN_REDUCE || act > YY_MAX_REDUCE)
                break; /* error */
            int rule = act - YY_MIN_REDUCE;
            depth += yyRuleInfoNRhs[rule]; /* NRhs is minus the rule length */
            if (depth < 1)
                break;
            stack[depth] = yy_find_reduce_action(stack[depth - 1], (YYCODETYPE)yyRuleInfoLhs[rule]);
            depth++;
            if (depth >= YYSTACKDEPTH)
                break;
        }
    }
    return n;
}
}
