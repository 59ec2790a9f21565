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
 * `/ * ... * /` blocks.  An address token (`udp:127.0.0.1:5060`) exists for
 * the values of settings such as `listen`, written unquoted as in Kamailio.
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

        "route"                         { kind = TK_ROUTE;         goto done; }
        "failure_route"                 { kind = TK_FAILURE_ROUTE; goto done; }
        "branch_route"                  { kind = TK_BRANCH_ROUTE;  goto done; }
        "onreply_route"                 { kind = TK_ONREPLY_ROUTE; goto done; }
        "error_route"                   { kind = TK_ERROR_ROUTE;   goto done; }
        "if"                            { kind = TK_IF;            goto done; }
        "else"                          { kind = TK_ELSE;          goto done; }
        "switch"                        { kind = TK_SWITCH;        goto done; }
        "case"                          { kind = TK_CASE;          goto done; }
        "default"                       { kind = TK_DEFAULT;       goto done; }
        "while"                         { kind = TK_WHILE;         goto done; }
        "break"                         { kind = TK_BREAK;         goto done; }
        "return"                        { kind = TK_RETURN;        goto done; }
        "exit"                          { kind = TK_EXIT;          goto done; }
        "drop"                          { kind = TK_DROP;          goto done; }
        "true"                          { kind = TK_TRUE;          goto done; }
        "false"                         { kind = TK_FALSE;         goto done; }
        "avp"                           { kind = TK_AVP;           goto done; }
        "flag"                          { kind = TK_FLAG;          goto done; }
        "bflag"                         { kind = TK_BFLAG;         goto done; }

        ident                           { kind = TK_IDENT;    goto done; }
        [0-9]+                          { kind = TK_INT;      goto done; }
        ("udp" | "tcp" | "tls") ":" [^ \t\r\n\x00;#]+
                                        { kind = TK_ADDR;     goto done; }
        "$" ident ("(" [^()\n\x00]* ")")? { kind = TK_PVAR;   goto done; }
        "$"                             { lx->error = "expected a pseudo-variable name after '$'";
                                          kind = TK_ILLEGAL;  goto done; }
        ["] strchar* ["]                { kind = TK_STRING;   goto done; }
        ["] strchar*                    { lx->error = "unterminated string literal";
                                          kind = TK_ILLEGAL;  goto done; }

        "||"                            { kind = TK_OROR;     goto done; }
        "&&"                            { kind = TK_ANDAND;   goto done; }
        "=="                            { kind = TK_EQ;       goto done; }
        "!="                            { kind = TK_NE;       goto done; }
        "=~"                            { kind = TK_MATCH;    goto done; }
        "!~"                            { kind = TK_NOMATCH;  goto done; }
        "<="                            { kind = TK_LE;       goto done; }
        ">="                            { kind = TK_GE;       goto done; }
        "<"                             { kind = TK_LT;       goto done; }
        ">"                             { kind = TK_GT;       goto done; }
        "="                             { kind = TK_ASSIGN;   goto done; }
        "!"                             { kind = TK_NOT;      goto done; }
        "+"                             { kind = TK_PLUS;     goto done; }
        "-"                             { kind = TK_MINUS;    goto done; }
        "*"                             { kind = TK_STAR;     goto done; }
        "/"                             { kind = TK_SLASH;    goto done; }
        "%"                             { kind = TK_PERCENT;  goto done; }
        "("                             { kind = TK_LPAREN;   goto done; }
        ")"                             { kind = TK_RPAREN;   goto done; }
        "{"                             { kind = TK_LBRACE;   goto done; }
        "}"                             { kind = TK_RBRACE;   goto done; }
        "["                             { kind = TK_LBRACKET; goto done; }
        "]"                             { kind = TK_RBRACKET; goto done; }
        ";"                             { kind = TK_SEMI;     goto done; }
        ","                             { kind = TK_COMMA;    goto done; }
        ":"                             { kind = TK_COLON;    goto done; }
        "."                             { kind = TK_DOT;      goto done; }

        *                               { kind = TK_ILLEGAL;  goto done; }
    */
done:
    t->kind = kind;
    t->z = tok;
    t->n = (int)(lx->cur - tok);
    t->off = (int)(tok - lx->base);
    return kind;
}

/* How diagnostics name each token kind, indexed by TK_* code. */
static const char *const kind_names[] = {
    [0] = "end of input",
    [TK_ILLEGAL] = "illegal token",
    [TK_ROUTE] = "'route'",
    [TK_FAILURE_ROUTE] = "'failure_route'",
    [TK_BRANCH_ROUTE] = "'branch_route'",
    [TK_ONREPLY_ROUTE] = "'onreply_route'",
    [TK_ERROR_ROUTE] = "'error_route'",
    [TK_IF] = "'if'",
    [TK_ELSE] = "'else'",
    [TK_SWITCH] = "'switch'",
    [TK_CASE] = "'case'",
    [TK_DEFAULT] = "'default'",
    [TK_WHILE] = "'while'",
    [TK_BREAK] = "'break'",
    [TK_RETURN] = "'return'",
    [TK_EXIT] = "'exit'",
    [TK_DROP] = "'drop'",
    [TK_TRUE] = "'true'",
    [TK_FALSE] = "'false'",
    [TK_AVP] = "'avp'",
    [TK_FLAG] = "'flag'",
    [TK_BFLAG] = "'bflag'",
    [TK_IDENT] = "a name",
    [TK_INT] = "an integer",
    [TK_ADDR] = "an address",
    [TK_PVAR] = "a pseudo-variable",
    [TK_STRING] = "a string",
    [TK_OROR] = "'||'",
    [TK_ANDAND] = "'&&'",
    [TK_EQ] = "'=='",
    [TK_NE] = "'!='",
    [TK_MATCH] = "'=~'",
    [TK_NOMATCH] = "'!~'",
    [TK_LT] = "'<'",
    [TK_LE] = "'<='",
    [TK_GT] = "'>'",
    [TK_GE] = "'>='",
    [TK_ASSIGN] = "'='",
    [TK_NOT] = "'!'",
    [TK_PLUS] = "'+'",
    [TK_MINUS] = "'-'",
    [TK_STAR] = "'*'",
    [TK_SLASH] = "'/'",
    [TK_PERCENT] = "'%'",
    [TK_LPAREN] = "'('",
    [TK_RPAREN] = "')'",
    [TK_LBRACE] = "'{'",
    [TK_RBRACE] = "'}'",
    [TK_LBRACKET] = "'['",
    [TK_RBRACKET] = "']'",
    [TK_SEMI] = "';'",
    [TK_COMMA] = "','",
    [TK_COLON] = "':'",
    [TK_DOT] = "'.'",
};

const char *lex_kind_name(int kind)
{
    if (kind < 0 || kind >= (int)(sizeof kind_names / sizeof kind_names[0]) || !kind_names[kind])
        return "a token";
    return kind_names[kind];
}
