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

/* --- map.c ------------------------------------------------------------- */

typedef struct MapEntry {
    const char *key; /* NULL: empty */
    int n;
    int tag; /* a namespace, so one map can hold several kinds of names */
    void *val;
} MapEntry;

/* Byte-string keys to pointers; zero-initialise to use; lives in an arena. */
typedef struct Map {
    MapEntry *tab;
    int cap, len;
} Map;

void *map_get(const Map *m, int tag, const char *z, int n);
void map_put(Map *m, Arena *a, int tag, const char *z, int n, void *val);

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

/*
 * Parameter letters of a Builtin signature; a '?' after a letter makes that
 * parameter optional.  With k optional parameters given, they are the first
 * k optional ones.  See stdlib/builtins.def for the meaning of each letter.
 */
typedef struct Builtin {
    const char *name;
    const char *csym;
    Type *ret;
    const char *params;
    int kinds; /* mask of enum sipc_route_kind */
    unsigned svc; /* SIPC_SVC_* the function needs */
} Builtin;

typedef enum PvarArg { PV_NOARG, PV_HEADER, PV_AVP, PV_VAR } PvarArg;

typedef struct Pvar {
    const char *name; /* without the '$' */
    Type *type;       /* NULL for $avp and $var: the declaration decides */
    int writable;
    int kinds;
    PvarArg arg;
    const char *getter, *setter; /* C symbols; setter "" when read-only */
} Pvar;

typedef enum SettingType { SET_INT, SET_STR, SET_BOOL, SET_ADDR, SET_ENUM } SettingType;

typedef struct SettingDef {
    const char *name; /* "listen", "tm.fr_timer" */
    SettingType type;
    long long min, max; /* SET_INT range */
    const char *choices; /* SET_ENUM: "a|b|c" */
    int repeat;          /* may be given more than once */
} SettingDef;

const Builtin *builtin_find(const char *name, int n);
const Pvar *pvar_find(const char *name, int n);
const SettingDef *setting_find(const char *name, int n);
/* "request route", "failure_route"... for the first kind bit set in mask. */
const char *route_kind_name(int kind);
/* The C spelling of a kind: "SIPC_RK_REQUEST"... */
const char *route_kind_enum(int kind);

/* --- ast.c ------------------------------------------------------------- */

/* clang-format off */
#define NODE_KINDS(X)                                                          \
    X(ND_BLOCK,      "block")        /* body: statements; end: '}' */          \
    X(ND_IF,         "if")           /* cond, then, els */                     \
    X(ND_WHILE,      "while")        /* cond, then */                          \
    X(ND_SWITCH,     "switch")       /* cond; body: ND_CASE list */            \
    X(ND_CASE,       "case")         /* lhs: label (NULL: default); body */    \
    X(ND_BREAK,      "break")                                                  \
    X(ND_EXIT,       "exit")                                                   \
    X(ND_DROP,       "drop")                                                   \
    X(ND_RETURN,     "return")       /* lhs: value or NULL */                  \
    X(ND_ASSIGN,     "=")            /* lhs: ND_PVAR; rhs */                   \
    X(ND_EXPR_STMT,  "expression")   /* lhs */                                 \
    X(ND_CALL,       "call")         /* tok: name; args; fn */                 \
    X(ND_ROUTE_CALL, "route call")   /* tok: the route name; target */         \
    X(ND_PVAR,       "pseudo-variable")                                        \
    X(ND_IDENT,      "name")         /* a flag or setting word */              \
    X(ND_STR,        "string")       /* sval, slen */                          \
    X(ND_INTERP,     "string")       /* args: ND_STR and ND_PVAR parts */      \
    X(ND_INT,        "integer")      /* ival */                                \
    X(ND_BOOL,       "boolean")      /* ival */                                \
    X(ND_ADDR,       "address")      /* tok: udp:HOST:PORT */                  \
    X(ND_OR,         "||")                                                     \
    X(ND_AND,        "&&")                                                     \
    X(ND_EQ,         "==")                                                     \
    X(ND_NE,         "!=")                                                     \
    X(ND_MATCH,      "=~")                                                     \
    X(ND_NOMATCH,    "!~")                                                     \
    X(ND_LT,         "<")                                                      \
    X(ND_LE,         "<=")                                                     \
    X(ND_GT,         ">")                                                      \
    X(ND_GE,         ">=")                                                     \
    X(ND_ADD,        "+")                                                      \
    X(ND_SUB,        "-")                                                      \
    X(ND_MUL,        "*")                                                      \
    X(ND_DIV,        "/")                                                      \
    X(ND_MOD,        "%")                                                      \
    X(ND_NOT,        "!")            /* lhs */                                 \
    X(ND_NEG,        "unary -")      /* lhs */
/* clang-format on */

typedef enum NodeKind {
#define X(k, s) k,
    NODE_KINDS(X)
#undef X
} NodeKind;

typedef struct Route Route;
typedef struct Node Node;
typedef struct Decl Decl;
typedef struct Var Var;

struct Node {
    NodeKind kind;
    Token tok;  /* where diagnostics point */
    Token end;  /* ND_BLOCK, ND_SWITCH: the closing '}'; ND_CALL: ')' */
    Node *next; /* next statement, case, argument or string part */
    Node *lhs, *rhs;
    Node *cond, *then, *els;
    Node *body; /* ND_BLOCK, ND_SWITCH, ND_CASE */
    Node *args; /* ND_CALL arguments, ND_INTERP parts */
    int nargs;
    long long ival;   /* ND_INT, ND_BOOL */
    const char *sval; /* ND_STR: decoded bytes, NUL-terminated */
    int slen;
    Token arg;        /* ND_PVAR: the text inside $name(...) */
    Type *ty;            /* set by the checker */
    const Builtin *fn;   /* ND_CALL */
    const Pvar *pv;      /* ND_PVAR */
    Decl *decl;          /* ND_PVAR of $avp; ND_IDENT naming a flag */
    Var *var;            /* ND_PVAR of $var */
    Route *target;       /* ND_ROUTE_CALL; ND_STR naming a route */
    int index;           /* ND_MATCH: regex slot; ND_STR: constant slot */
    int depth;           /* operator levels at and below this node (0: a leaf) */
};

/* A route block: `route { }` (name.n == 0) or `route[NAME] { }`... */
struct Route {
    int kind;   /* enum sipc_route_kind */
    Token kw;   /* the keyword, for diagnostics */
    Token name; /* n == 0 for the main route of its kind */
    Node *body; /* ND_BLOCK */
    Route *next;
    int index;  /* position in the program, = in the emitted route table */
    /* filled by the checker */
    int reached_kinds; /* kinds of entry blocks that can run this route */
    Route *via[5];     /* for each kind bit, one entry block reaching it */
    unsigned long long *entry_vars; /* flow.c: $vars assigned on entry */
    unsigned long long *exit_vars;  /* flow.c: $vars it assigns on every path */
    int entry_known;                /* flow.c: entry_vars holds a call site */
    int returns;                    /* flow.c: can end normally */
    Type *ret;         /* type of its `return EXPR`s, or NULL */
    int value_used;    /* some route(NAME) uses the value */
    int can_fall_off;  /* some path ends without a value */
    int used;          /* called or armed somewhere */
    int visiting, visited; /* cycle search */
};

typedef enum DeclKind { DECL_AVP, DECL_FLAG, DECL_BFLAG } DeclKind;

/* `avp NAME: TYPE;`, `flag NAME;`, `bflag NAME;` */
struct Decl {
    DeclKind kind;
    Token name;
    Token type_tok;
    Type *type; /* DECL_AVP */
    int index;  /* avp slot or flag bit, in declaration order per kind */
    int used;
    Decl *next;
};

/* A $var(NAME), created at its first assignment in source order. */
struct Var {
    Token name; /* first assignment */
    Type *type;
    int index;
    Var *next;
};

/* `NAME = VALUE;` or `MODULE.NAME = VALUE;` at top level. */
typedef struct Setting {
    Token name;       /* NAME (first token; for a dotted one, MODULE) */
    int len;          /* bytes of the whole dotted name from name.z */
    Node *value;
    const SettingDef *def;
    struct Setting *next;
} Setting;

typedef struct Program {
    Route *routes; /* in source order */
    Route **route_tail;
    int nroutes;
    Decl *decls;
    Decl **decl_tail;
    int navps, nflags, nbflags;
    Setting *settings;
    Setting **setting_tail;
    Var *vars; /* filled by the checker */
    int nvars;
    Map names; /* the checker's index: routes by kind+name, vars, decls */
    int nregex; /* filled by the checker: =~ slots */
} Program;

/* A node list under construction, for the grammar's left recursion. */
typedef struct NodeList {
    Node *head, *tail;
    int n;
} NodeList;

typedef struct Parser Parser;

Node *ast_new(Arena *a, NodeKind kind, Token tok);
Node *ast_binary(Arena *a, NodeKind kind, Token op, Node *lhs, Node *rhs);
NodeList ast_list_empty(void);
NodeList ast_list_append(NodeList l, Node *n);
Token ast_no_name(Token kw);
void ast_add_route(Parser *p, int kind, Token kw, Token name, Node *body);
void ast_add_setting(Parser *p, Token first, Token last, Node *value);
void ast_add_decl(Parser *p, DeclKind kind, Token name, Token type);
const char *ast_kind_name(NodeKind kind);

/* Calls fn(node, ctx) for every node of the list starting at n and every
 * node below them: depth first, each node before its children, children in
 * the order lhs, rhs, cond, then, els, body, args (source order). */
typedef void (*AstVisit_fn)(Node *n, void *ctx);
void ast_walk(Node *n, AstVisit_fn fn, void *ctx);

/* --- parse.c + parser.y ------------------------------------------------ */

#define PARSE_MAX_OPEN 256 /* brackets remembered for "unclosed" messages */
/*
 * Operator levels an expression may nest (SPEC.md section 8, "Limits").
 * The binding constraint is libtcc 0.9.27's value stack (256 entries, "memory
 * full (vstack)"): string concatenations become nested sipc_str_cat() calls
 * that keep two entries per level when chained to the left and three when
 * nested to the right, a("a" + ("a" + ...)), so 85 levels of the latter fail
 * to compile.  64 leaves a margin for the call around them; gcc, the
 * checker and the emitter recurse once per level and take thousands.
 */
#define PARSE_MAX_DEPTH 64

/* The state the Lemon parser carries as %extra_context. */
struct Parser {
    Arena *arena;
    Diag *d;
    Program *prog;
    Lexer lx;
    void *lemon;                /* the Lemon parser, for "expected" lists */
    Token last;                 /* the last token before end of input */
    Token open[PARSE_MAX_OPEN]; /* open brackets, innermost last */
    int nopen;
    int too_deep;               /* "nested too deeply" reported already */
};

/* Parses the whole source into prog; returns 0, or -1 after one diagnostic. */
int parse_program(Arena *a, Diag *d, const Source *src, Program *prog);
/* A string literal token as ND_STR, or ND_INTERP when it holds $pvars. */
Node *parse_string(Parser *p, Token t);
void parse_int(Parser *p, Token t, Node *n);
/* An operator node (rhs NULL for a unary one) or a call, refused past
 * PARSE_MAX_DEPTH levels with a diagnostic at the operator. */
Node *parse_op(Parser *p, NodeKind kind, Token op, Node *lhs, Node *rhs);
Node *parse_call(Parser *p, Token name, NodeList args, Token close);
void parse_syntax_error(Parser *p, int major, Token t);
/* Tokens the parser would accept next (for "expected ..."), up to max. */
int parse_expected(void *lemon, int *out, int max);

/* --- check.c, flow.c ----------------------------------------------------- */

/* Resolves names and types in place; reports every error through d. */
int check_program(Arena *a, Diag *d, Program *prog);
/* Definite assignment of $var and reachability; called by check_program. */
void flow_check(Arena *a, Diag *d, Program *prog);

/* --- codegen.c --------------------------------------------------------- */

/* Emits the checked program as C to out; deterministic, byte for byte. */
void gen_program(const Program *prog, const Source *src, FILE *out);
/* FNV-1a 64 of the source, as 16 lowercase hex digits plus NUL. */
void gen_source_hash(const char *text, size_t len, char out[17]);

#endif /* SIPC_INTERNAL_H */
