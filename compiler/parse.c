/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * parse.c - drives the Lemon parser over the lexer's tokens, and decodes
 * literal tokens into values for the grammar's actions.
 *
 * The loop is SQLite's: lex a token, push it, stop at the first error; at
 * end of input push 0.  The grammar itself is in parser.y.
 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "sipc.h"
#include "parser.h"

/* Lemon's entry points in the generated parser.c. */
void *ParseSipcAlloc(void *(*alloc)(size_t), Parser *p);
void ParseSipc(void *parser, int major, Token minor);
void ParseSipcFree(void *parser, void (*dealloc)(void *));

/*
 * Keeps the stack of open brackets, so that running out of input can say
 * which one is unclosed and where it was opened.  Mismatched closers are
 * left to the grammar, which reports them as syntax errors.
 */
static void track_brackets(Parser *p, int kind, Token t)
{
    if (kind == TK_LBRACE || kind == TK_LPAREN || kind == TK_LBRACKET) {
        if (p->nopen < PARSE_MAX_OPEN)
            p->open[p->nopen] = t;
        p->nopen++;
    } else if ((kind == TK_RBRACE || kind == TK_RPAREN || kind == TK_RBRACKET) && p->nopen > 0) {
        p->nopen--;
    }
    if (kind != 0)
        p->last = t;
}

int parse_program(Arena *a, Diag *d, const Source *src, Program *prog)
{
    Parser p = {.arena = a, .d = d, .prog = prog};
    memset(prog, 0, sizeof *prog);
    prog->route_tail = &prog->routes;
    prog->decl_tail = &prog->decls;
    prog->setting_tail = &prog->settings;
    lex_init(&p.lx, src->text, src->len);

    void *lemon = ParseSipcAlloc(malloc, &p);
    p.lemon = lemon;
    if (!lemon) {
        diag_error(d, 0, "out of memory");
        return -1;
    }
    int nerr0 = d->nerr;
    Token t;
    int kind;
    do {
        kind = lex_next(&p.lx, &t);
        track_brackets(&p, kind, t);
        if (kind == TK_ILLEGAL) {
            if (p.lx.error)
                diag_error(d, t.off, "%s", p.lx.error);
            else if ((unsigned char)t.z[0] < 0x20 || (unsigned char)t.z[0] >= 0x7f)
                diag_error(d, t.off, "unexpected byte 0x%02x", (unsigned char)t.z[0]);
            else
                diag_error(d, t.off, "unexpected character '%c'", t.z[0]);
            break;
        }
        ParseSipc(lemon, kind, t);
    } while (kind != 0 && d->nerr == nerr0);
    ParseSipcFree(lemon, free);
    return d->nerr == nerr0 ? 0 : -1;
}

/*
 * A left-associative chain (1 + 1 + ... + 1) is a tree as deep as it is
 * long but never grows Lemon's stack, so its depth is counted here, where
 * each node is built; the first node past the limit stops the parse before
 * the checker, the emitter or a C compiler recurses that deep.
 */
static Node *limit_depth(Parser *p, Node *n)
{
    if (n->depth > PARSE_MAX_DEPTH && !p->too_deep) {
        p->too_deep = 1;
        diag_error(p->d, n->tok.off, "expression nested too deeply (more than %d levels)", PARSE_MAX_DEPTH);
    }
    return n;
}

Node *parse_op(Parser *p, NodeKind kind, Token op, Node *lhs, Node *rhs)
{
    return limit_depth(p, ast_binary(p->arena, kind, op, lhs, rhs));
}

Node *parse_call(Parser *p, Token name, NodeList args, Token close)
{
    Node *n = ast_new(p->arena, ND_CALL, name);
    n->args = args.head;
    n->nargs = args.n;
    n->end = close;
    for (Node *a = args.head; a; a = a->next)
        if (a->depth >= n->depth)
            n->depth = a->depth + 1;
    if (n->depth == 0)
        n->depth = 1;
    return limit_depth(p, n);
}

static const int expr_start[] = {TK_STRING, TK_INT, TK_PVAR, TK_IDENT, TK_LPAREN, TK_NOT, TK_MINUS};
static const int binary_ops[] = {TK_OROR, TK_ANDAND, TK_EQ, TK_NE, TK_MATCH, TK_NOMATCH, TK_LT, TK_LE,
                                 TK_GT, TK_GE, TK_PLUS, TK_MINUS, TK_STAR, TK_SLASH, TK_PERCENT};

static int in_set(int k, const int *set, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (set[i] == k)
            return 1;
    return 0;
}

/* All of `set` among the n kinds? */
static int has_all(const int *kinds, int n, const int *set, size_t nset)
{
    for (size_t i = 0; i < nset; i++)
        if (!in_set(set[i], kinds, (size_t)n))
            return 0;
    return 1;
}

/*
 * Writes ", expected A, B or C" naming the tokens that could come next, if
 * few enough to help; whole groups are named as one ("an expression", "an
 * operator").
 */
static void describe_expected(Parser *p, char *buf, size_t len)
{
    int kinds[96];
    int n = parse_expected(p->lemon, kinds, 96);
    size_t nexpr = sizeof expr_start / sizeof expr_start[0], nops = sizeof binary_ops / sizeof binary_ops[0];
    int is_expr = has_all(kinds, n, expr_start, nexpr);
    int is_op = has_all(kinds, n, binary_ops, nops);
    const char *names[8];
    int nn = 0;
    for (int j = 0; j < n && nn <= 5; j++) {
        int k = kinds[j];
        if (k == TK_ILLEGAL || (is_op && in_set(k, binary_ops, nops)))
            continue;
        if (is_expr && (in_set(k, expr_start, nexpr) || k == TK_TRUE || k == TK_FALSE || k == TK_ROUTE))
            continue;
        names[nn++] = lex_kind_name(k);
    }
    if (is_expr && nn <= 5)
        names[nn++] = "an expression";
    if (is_op && nn <= 5)
        names[nn++] = "an operator";
    buf[0] = '\0';
    if (nn == 0 || nn > 5)
        return;
    size_t used = (size_t)snprintf(buf, len, ", expected ");
    for (int i = 0; i < nn && used < len; i++)
        used += (size_t)snprintf(buf + used, len - used, "%s%s", i == 0 ? "" : i == nn - 1 ? " or " : ", ",
                                 names[i]);
}

void parse_syntax_error(Parser *p, int major, Token t)
{
    char expected[256];
    if (major == 0 && p->nopen > 0 && p->nopen <= PARSE_MAX_OPEN) {
        /* Point just past the last token, not at a blank last line. */
        Token open = p->open[p->nopen - 1];
        int line, col;
        source_line_col(p->d->src, open.off, &line, &col);
        char closer = open.z[0] == '{' ? '}' : open.z[0] == '(' ? ')' : ']';
        diag_error(p->d, p->last.off + p->last.n,
                   "unexpected end of input: expected '%c' to close the '%c' at line %d", closer,
                   open.z[0], line);
    } else if (major == 0) {
        describe_expected(p, expected, sizeof expected);
        diag_error(p->d, p->last.n ? p->last.off + p->last.n : t.off, "unexpected end of input%s",
                   expected);
    } else {
        describe_expected(p, expected, sizeof expected);
        if (major == TK_STRING) /* already quoted */
            diag_error(p->d, t.off, "syntax error near %.*s%s", t.n > 40 ? 40 : t.n, t.z, expected);
        else
            diag_error(p->d, t.off, "syntax error near \"%.*s\"%s", t.n > 40 ? 40 : t.n, t.z, expected);
    }
}

/* An ND_STR for the decoded bytes buf[0..len) found at token t. */
static Node *str_node(Parser *p, Token t, const char *buf, int len)
{
    Node *n = ast_new(p->arena, ND_STR, t);
    n->sval = arena_strndup(p->arena, buf, (size_t)len);
    n->slen = len;
    return n;
}

/*
 * Decodes a string literal token (quotes included) into ND_STR, or into
 * ND_INTERP when it holds pseudo-variables: "sip:$rU@$rd" becomes the parts
 * "sip:", $rU, "@", $rd.  A '$' followed by a letter or '_' starts a
 * pseudo-variable; any other '$' is itself (so "^[0-9]+$" is a plain
 * regular expression).  Escapes: \\ \" \n \r \t and \$ (a literal '$').
 */
Node *parse_string(Parser *p, Token t)
{
    NodeList parts = ast_list_empty();
    char *buf = arena_alloc(p->arena, (size_t)t.n);
    int len = 0, start = 1; /* offset in the token where the current piece began */
    int i = 1;
    while (i < t.n - 1) {
        char c = t.z[i];
        if (c == '$' && i + 1 < t.n - 1 && (t.z[i + 1] == '(' || t.z[i + 1] == '{')) {
            diag_error(p->d, t.off + i, "'$%c' is not supported: write the pseudo-variable as $name or $name(arg)",
                       t.z[i + 1]);
            return ast_new(p->arena, ND_STR, t);
        }
        if (c == '$' && i + 1 < t.n - 1 && (isalpha((unsigned char)t.z[i + 1]) || t.z[i + 1] == '_')) {
            int j = i + 1;
            while (j < t.n - 1 && (isalnum((unsigned char)t.z[j]) || t.z[j] == '_'))
                j++;
            if (j < t.n - 1 && t.z[j] == '(') {
                const char *close = memchr(t.z + j, ')', (size_t)(t.n - 1 - j));
                if (!close) {
                    diag_error(p->d, t.off + j, "unclosed '(' in pseudo-variable");
                    return ast_new(p->arena, ND_STR, t);
                }
                j = (int)(close - t.z) + 1;
            }
            if (len > 0) {
                Token piece = {TK_STRING, t.z + start, i - start, t.off + start};
                parts = ast_list_append(parts, str_node(p, piece, buf, len));
                len = 0;
            }
            Token pv = {TK_PVAR, t.z + i, j - i, t.off + i};
            parts = ast_list_append(parts, ast_new(p->arena, ND_PVAR, pv));
            i = start = j;
            continue;
        }
        if (c != '\\') {
            buf[len++] = c;
            i++;
            continue;
        }
        char e = t.z[i + 1];
        switch (e) {
        case '\\': buf[len++] = '\\'; break;
        case '"': buf[len++] = '"'; break;
        case 'n': buf[len++] = '\n'; break;
        case 'r': buf[len++] = '\r'; break;
        case 't': buf[len++] = '\t'; break;
        case '$': buf[len++] = '$'; break;
        default:
            diag_error(p->d, t.off + i, "unknown escape sequence '\\%c'", e);
            return ast_new(p->arena, ND_STR, t);
        }
        i += 2;
    }
    if (parts.n == 0)
        return str_node(p, t, buf, len);
    if (len > 0) {
        Token piece = {TK_STRING, t.z + start, i - start, t.off + start};
        parts = ast_list_append(parts, str_node(p, piece, buf, len));
    }
    Node *n = ast_new(p->arena, ND_INTERP, t);
    n->args = parts.head;
    n->nargs = parts.n;
    return n;
}

void parse_int(Parser *p, Token t, Node *n)
{
    char buf[32];
    if (t.n >= (int)sizeof buf) {
        diag_error(p->d, t.off, "integer literal '%.*s' is too large", t.n, t.z);
        return;
    }
    memcpy(buf, t.z, (size_t)t.n);
    buf[t.n] = '\0';
    errno = 0;
    long long v = strtoll(buf, NULL, 10);
    if (errno == ERANGE)
        diag_error(p->d, t.off, "integer literal '%.*s' is too large", t.n, t.z);
    n->ival = v;
}
