/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * sipc.h - the compiler's internal header, sectioned by implementing file.
 *
 * Pipeline: lexer.re (tokens) -> parser.y (AST) -> check.c (types, symbols)
 * -> codegen.c (C against sipc/abi.h).  Everything a compilation allocates
 * comes from one Arena and is freed at once; positions are byte offsets into
 * the one NUL-terminated source buffer, turned into line:col only by diag.c.
 */
#ifndef SIPC_INTERNAL_H
#define SIPC_INTERNAL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>

#include "compile.h"

#define SIPC_PRINTF(f, a) __attribute__((format(printf, f, a)))

/* --- arena.c ----------------------------------------------------------- */

typedef struct ArenaChunk ArenaChunk;

/* A bump allocator: many allocations, one free.  Zero-initialise to use. */
typedef struct Arena {
    ArenaChunk *head;
} Arena;

/* Zeroed memory that lives until arena_free(); aborts on exhaustion. */
void *arena_alloc(Arena *a, size_t n);
char *arena_strndup(Arena *a, const char *s, size_t n);
void arena_free(Arena *a);

/* --- diag.c ------------------------------------------------------------ */

/* A source file held in memory, with a table of line starts for reporting. */
typedef struct Source {
    const char *path;
    const char *text; /* NUL-terminated; len excludes the NUL */
    size_t len;
    const int *line_starts; /* byte offset of each line's first byte */
    int nlines;
} Source;

typedef enum DiagLevel { DL_ERROR, DL_WARNING, DL_NOTE } DiagLevel;

typedef struct Diag {
    const Source *src;
    DiagFormat fmt;
    FILE *out;
    int nerr;
    int nwarn;
    int nprinted; /* entries written so far (JSON needs separators) */
    int capped;   /* the error cap was reached and said so */
} Diag;

#define DIAG_MAX_ERRORS 20

void source_init(Source *src, Arena *a, const char *path, const char *text, size_t len);
void source_line_col(const Source *src, int off, int *line, int *col);

void diag_init(Diag *d, const Source *src, DiagFormat fmt, FILE *out);
void diag_error(Diag *d, int off, const char *fmt, ...) SIPC_PRINTF(3, 4);
void diag_warning(Diag *d, int off, const char *fmt, ...) SIPC_PRINTF(3, 4);
void diag_note(Diag *d, int off, const char *fmt, ...) SIPC_PRINTF(3, 4);
void diag_report(Diag *d, DiagLevel lvl, int off, const char *fmt, va_list ap) SIPC_PRINTF(4, 0);
/* Closes the output (the JSON array); call once at the end. */
void diag_finish(Diag *d);

/* --- lexer.re ---------------------------------------------------------- */

/* A slice of the source: kind is a TK_* code from the generated parser.h. */
typedef struct Token {
    int kind;
    const char *z;
    int n;
    int off;
} Token;

typedef struct Lexer {
    const char *base;  /* start of the source */
    const char *cur;   /* next byte to scan */
    const char *lim;   /* the terminating NUL */
    const char *error; /* why the last TK_ILLEGAL is illegal, or NULL */
} Lexer;

void lex_init(Lexer *lx, const char *text, size_t len);
/* Scans the next token into *t and returns its kind; 0 at end of input. */
int lex_next(Lexer *lx, Token *t);
/* A printable name for a token kind, for diagnostics ("'{'", "identifier"). */
const char *lex_kind_name(int kind);

/* --- types.c ----------------------------------------------------------- */

typedef enum TypeKind { TY_VOID, TY_BOOL, TY_INT, TY_STR, TY_ERROR } TypeKind;

/* Types are singletons compared by pointer. */
typedef struct Type {
    TypeKind kind;
    const char *name; /* as diagnostics spell it */
} Type;

extern Type ty_void[1], ty_bool[1], ty_int[1], ty_str[1], ty_error[1];

/* --- builtins.c: the stdlib tables as the compiler sees them ------------- */

typedef struct Builtin {
    const char *name;
    const char *csym;
    Type *ret;
    const char *params; /* i int, s string, c reply code; '|' starts optional */
    int kinds;          /* mask of enum sipc_route_kind */
} Builtin;

typedef struct Pvar {
    const char *name; /* without the '$' */
    Type *type;
    int writable;
    int kinds;
    const char *getter;
} Pvar;

const Builtin *builtin_find(const char *name, int n);
const Pvar *pvar_find(const char *name, int n);
/* "request route", "failure route"... for the first kind bit set in mask. */
const char *route_kind_name(int kind);

/* --- ast.c ------------------------------------------------------------- */

/* clang-format off */
#define NODE_KINDS(X)                                                          \
    X(ND_BLOCK,      "block")         /* body: statement list */               \
    X(ND_IF,         "if")            /* cond, then, els */                     \
    X(ND_EXIT,       "exit")                                                   \
    X(ND_DROP,       "drop")                                                   \
    X(ND_ROUTE_CALL, "route call")    /* tok: the route name; target */        \
    X(ND_EXPR_STMT,  "expression")    /* lhs: the expression */                \
    X(ND_CALL,       "call")          /* tok: function name; args; fn */       \
    X(ND_PVAR,       "pseudo-variable") /* tok: "$name"; pv */                 \
    X(ND_STR,        "string")        /* sval, slen */                         \
    X(ND_INT,        "integer")       /* ival */                               \
    X(ND_EQ,         "==")            /* lhs, rhs */                           \
    X(ND_NE,         "!=")            /* lhs, rhs */
/* clang-format on */

typedef enum NodeKind {
#define X(k, s) k,
    NODE_KINDS(X)
#undef X
} NodeKind;

typedef struct Route Route;
typedef struct Node Node;

struct Node {
    NodeKind kind;
    Token tok;  /* where diagnostics point */
    Node *next; /* next statement in a block, or next argument */
    Node *lhs, *rhs;
    Node *cond, *then, *els;
    Node *body; /* ND_BLOCK */
    Node *args; /* ND_CALL */
    int nargs;
    long long ival;   /* ND_INT */
    const char *sval; /* ND_STR: decoded bytes, NUL-terminated */
    int slen;
    Type *ty;            /* set by the checker */
    const Builtin *fn;   /* ND_CALL, set by the checker */
    const Pvar *pv;      /* ND_PVAR, set by the checker */
    Route *target;       /* ND_ROUTE_CALL, set by the checker */
};

/* A route block: `route { }` (name.n == 0) or `route[NAME] { }`. */
struct Route {
    int kind;   /* enum sipc_route_kind */
    Token kw;   /* the keyword, for diagnostics */
    Token name; /* n == 0 for the main route of its kind */
    Node *body; /* ND_BLOCK */
    Route *next;
};

typedef struct Program {
    Route *routes; /* in source order */
    Route **tail;
    int nroutes;
} Program;

/* A node list under construction, for the grammar's left recursion. */
typedef struct NodeList {
    Node *head, *tail;
    int n;
} NodeList;

Node *ast_new(Arena *a, NodeKind kind, Token tok);
Node *ast_binary(Arena *a, NodeKind kind, Token op, Node *lhs, Node *rhs);
NodeList ast_list_append(NodeList l, Node *n);
void ast_add_route(Arena *a, Program *prog, int kind, Token kw, Token name, Node *body);
const char *ast_kind_name(NodeKind kind);

/* --- parse.c + parser.y ------------------------------------------------ */

#define PARSE_MAX_OPEN 256 /* brackets remembered for "unclosed" messages */

/* The state the Lemon parser carries as %extra_context. */
typedef struct Parser {
    Arena *arena;
    Diag *d;
    Program *prog;
    Lexer lx;
    Token last;                 /* the last token before end of input */
    Token open[PARSE_MAX_OPEN]; /* open brackets, innermost last */
    int nopen;
} Parser;

/* Parses the whole source into prog; returns 0, or -1 after one diagnostic. */
int parse_program(Arena *a, Diag *d, const Source *src, Program *prog);
/* Decodes a string literal token into bytes (escapes resolved). */
int parse_string(Parser *p, Token t, Node *n);
void parse_int(Parser *p, Token t, Node *n);
void parse_syntax_error(Parser *p, int major, Token t);

/* --- check.c ----------------------------------------------------------- */

/* Resolves names and types in place; reports every error through d. */
int check_program(Arena *a, Diag *d, Program *prog);

/* --- codegen.c --------------------------------------------------------- */

/* Emits the checked program as C to out; deterministic, byte for byte. */
void gen_program(const Program *prog, const Source *src, FILE *out);
/* FNV-1a 64 of the source, as 16 lowercase hex digits plus NUL. */
void gen_source_hash(const char *text, size_t len, char out[17]);

#endif /* SIPC_INTERNAL_H */
