/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * parse.c - drives the Lemon parser over the lexer's tokens, and decodes
 * literal tokens into values for the grammar's actions.
 *
 * The loop is SQLite's: lex a token, push it, stop at the first error; at
 * end of input push 0.  The grammar itself is in parser.y.
 */
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
    prog->routes = NULL;
    prog->tail = &prog->routes;
    prog->nroutes = 0;
    lex_init(&p.lx, src->text, src->len);

    void *lemon = ParseSipcAlloc(malloc, &p);
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

void parse_syntax_error(Parser *p, int major, Token t)
{
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
        diag_error(p->d, p->last.n ? p->last.off + p->last.n : t.off, "unexpected end of input");
    } else
        diag_error(p->d, t.off, "near \"%.*s\": syntax error", t.n, t.z);
}

/*
 * Decodes the escapes of a string literal token (quotes included).
 * Escapes: \\ \" \n \r \t and \$; a bare '$' is reserved for interpolation.
 */
int parse_string(Parser *p, Token t, Node *n)
{
    char *out = arena_alloc(p->arena, (size_t)t.n);
    int len = 0;
    for (int i = 1; i < t.n - 1; i++) {
        char c = t.z[i];
        if (c == '$') {
            diag_error(p->d, t.off + i,
                       "'$' in a string is reserved for interpolation; write '\\$' for a dollar sign");
            return -1;
        }
        if (c != '\\') {
            out[len++] = c;
            continue;
        }
        char e = t.z[++i];
        switch (e) {
        case '\\': out[len++] = '\\'; break;
        case '"': out[len++] = '"'; break;
        case 'n': out[len++] = '\n'; break;
        case 'r': out[len++] = '\r'; break;
        case 't': out[len++] = '\t'; break;
        case '$': out[len++] = '$'; break;
        default:
            diag_error(p->d, t.off + i - 1, "unknown escape sequence '\\%c'", e);
            return -1;
        }
    }
    out[len] = '\0';
    n->sval = out;
    n->slen = len;
    return 0;
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
