/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * lexer.re - the policy tokenizer, generated into C by re2c.
 *
 * The whole file is in memory and NUL-terminated, so there is no refill:
 * `re2c:eof = 0` makes the NUL at YYLIMIT the end-of-input rule, and a NUL
 * anywhere before it is an illegal byte.  Tokens are slices of the source
 * ({kind, z, n, off}); nothing is copied or decoded here.  A token the lexer
 * cannot accept comes back as TK_ILLEGAL with lx->error saying why; the
 * parser driver turns it into a diagnostic.
 *
 * Comments: `#` and `//` to end of line (Kamailio users write `#`), and
 * `/ * ... * /` blocks.
 */
#include <string.h>

#include "sipc.h"
#include "parser.h"

void lex_init(Lexer *lx, const char *text, size_t len)
{
    lx->base = text;
    lx->cur = text;
    lx->lim = text + len;
    lx->error = NULL;
}

/* Skips a block comment whose opening has been consumed; 0 if unclosed. */
static int skip_block_comment(Lexer *lx)
{
    const char *end = memmem(lx->cur, (size_t)(lx->lim - lx->cur), "*/", 2);
    if (!end)
        return 0;
    lx->cur = end + 2;
    return 1;
}

int lex_next(Lexer *lx, Token *t)
{
    const char *YYMARKER;
    const char *tok;
    int kind;
    lx->error = NULL;

loop:
    tok = lx->cur;
    /*!re2c
        re2c:api:style = free-form;
        re2c:define:YYCTYPE = "unsigned char";
        re2c:define:YYCURSOR = "lx->cur";
        re2c:define:YYLIMIT = "lx->lim";
        re2c:define:YYPEEK = "*lx->cur";
        re2c:define:YYSKIP = "++lx->cur;";
        re2c:define:YYBACKUP = "YYMARKER = lx->cur;";
        re2c:define:YYRESTORE = "lx->cur = YYMARKER;";
        re2c:yyfill:enable = 0;
        re2c:eof = 0;

        ident   = [A-Za-z_][A-Za-z0-9_]*;
        strchar = [^"\\\n\x00] | [\\][^\n\x00];

        $                               { t->kind = 0; t->z = tok; t->n = 0;
                                          t->off = (int)(tok - lx->base); return 0; }
        [ \t\r\n\f\v]+                  { goto loop; }
        ("#" | "//") [^\n\x00]*         { goto loop; }
        "/*"                            { if (skip_block_comment(lx)) goto loop;
                                          lx->cur = lx->lim;
                                          lx->error = "unterminated comment";
                                          kind = TK_ILLEGAL; goto done; }

        "route"                         { kind = TK_ROUTE;    goto done; }
        "if"                            { kind = TK_IF;       goto done; }
        "else"                          { kind = TK_ELSE;     goto done; }
        "exit"                          { kind = TK_EXIT;     goto done; }
        "drop"                          { kind = TK_DROP;     goto done; }

        ident                           { kind = TK_IDENT;    goto done; }
        [0-9]+                          { kind = TK_INT;      goto done; }
        "$" ident ("(" [^()\n\x00]* ")")? { kind = TK_PVAR;   goto done; }
        "$"                             { lx->error = "expected a pseudo-variable name after '$'";
                                          kind = TK_ILLEGAL;  goto done; }
        ["] strchar* ["]                { kind = TK_STRING;   goto done; }
        ["] strchar*                    { lx->error = "unterminated string literal";
                                          kind = TK_ILLEGAL;  goto done; }

        "=="                            { kind = TK_EQ;       goto done; }
        "!="                            { kind = TK_NE;       goto done; }
        "("                             { kind = TK_LPAREN;   goto done; }
        ")"                             { kind = TK_RPAREN;   goto done; }
        "{"                             { kind = TK_LBRACE;   goto done; }
        "}"                             { kind = TK_RBRACE;   goto done; }
        "["                             { kind = TK_LBRACKET; goto done; }
        "]"                             { kind = TK_RBRACKET; goto done; }
        ";"                             { kind = TK_SEMI;     goto done; }
        ","                             { kind = TK_COMMA;    goto done; }

        *                               { kind = TK_ILLEGAL;  goto done; }
    */
done:
    t->kind = kind;
    t->z = tok;
    t->n = (int)(lx->cur - tok);
    t->off = (int)(tok - lx->base);
    return kind;
}

const char *lex_kind_name(int kind)
{
    switch (kind) {
    case 0: return "end of input";
    case TK_ROUTE: return "'route'";
    case TK_IF: return "'if'";
    case TK_ELSE: return "'else'";
    case TK_EXIT: return "'exit'";
    case TK_DROP: return "'drop'";
    case TK_IDENT: return "identifier";
    case TK_INT: return "integer";
    case TK_PVAR: return "pseudo-variable";
    case TK_STRING: return "string";
    case TK_EQ: return "'=='";
    case TK_NE: return "'!='";
    case TK_LPAREN: return "'('";
    case TK_RPAREN: return "')'";
    case TK_LBRACE: return "'{'";
    case TK_RBRACE: return "'}'";
    case TK_LBRACKET: return "'['";
    case TK_RBRACKET: return "']'";
    case TK_SEMI: return "';'";
    case TK_COMMA: return "','";
    default: return "illegal token";
    }
}
