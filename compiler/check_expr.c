/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * check_expr.c - types of statements and expressions.
 *
 * check_expr() sets node->ty and links calls to their Builtin,
 * pseudo-variables to their Pvar (and $avp to its Decl, $var to its Var).
 * It may run several times over the same tree (check.c's quiet passes), so
 * it only ever sets things to the same values again; slots numbered for
 * code generation (regular expressions) are numbered in the reporting pass.
 *
 * A $var gets its type from its first assignment in checking order; every
 * later assignment must agree.  Literal arguments of library functions are
 * checked as what they stand for: a reply code, a SIP URI, a method list, a
 * header, a route name, a flag.
 */
#include <regex.h>
#include <string.h>

#include "check.h"
#include "parser.h"
#include "sipsyntax.h"

int check_str_offset(const Node *str, int i)
{
    /* Walk the literal's source bytes, counting decoded bytes. */
    const char *z = str->tok.z;
    int src = str->tok.z[0] == '"' ? 1 : 0, dec = 0;
    while (dec < i && src < str->tok.n) {
        src += z[src] == '\\' ? 2 : 1;
        dec++;
    }
    return str->tok.off + src;
}

enum { NS_VAR = 300 }; /* $var names in Program.names */

Var *check_find_var(Program *prog, Token name)
{
    return map_get(&prog->names, NS_VAR, name.z, name.n);
}

/* --- pseudo-variables -------------------------------------------------------- */

/* Splits "$name(arg)" into its name and argument; 0 if there is no '('. */
static int split_pvar(Token t, Token *name, Token *arg)
{
    const char *paren = memchr(t.z, '(', (size_t)t.n);
    *name = (Token){TK_IDENT, t.z + 1, (int)((paren ? paren : t.z + t.n) - t.z) - 1, t.off + 1};
    if (!paren)
        return 0;
    int off = (int)(paren - t.z) + 1;
    *arg = (Token){TK_IDENT, t.z + off, t.n - off - 1, t.off + off};
    return 1;
}

static int is_ident(Token t)
{
    if (t.n == 0 || (t.z[0] >= '0' && t.z[0] <= '9'))
        return 0;
    for (int i = 0; i < t.n; i++) {
        char ch = t.z[i];
        if (!(ch == '_' || (ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z')))
            return 0;
    }
    return 1;
}

/* Resolves a pseudo-variable node; returns its type (NULL: unknown $var). */
static Type *resolve_pvar(Checker *c, Node *n, int writing)
{
    Token name, arg = {0};
    int has_arg = split_pvar(n->tok, &name, &arg);
    const Pvar *pv = pvar_find(name.z, name.n);
    if (!pv) {
        check_error(c, n->tok.off, "unknown pseudo-variable '$%.*s'", name.n, name.z);
        return ty_error;
    }
    n->pv = pv;
    n->arg = arg;
    if (pv->arg == PV_NOARG && has_arg) {
        check_error(c, arg.off - 1, "'$%s' takes no argument", pv->name);
        return ty_error;
    }
    if (pv->arg != PV_NOARG && (!has_arg || arg.n == 0)) {
        check_error(c, n->tok.off, "'$%s' needs a name in parentheses, as in $%s(%s)", pv->name, pv->name,
                    pv->arg == PV_HEADER ? "X-Header" : "name");
        return ty_error;
    }
    if (writing && !pv->writable) {
        check_error(c, n->tok.off, "'$%s' is read-only", pv->name);
        return ty_error;
    }
    char what[48];
    snprintf(what, sizeof what, "'$%s'", pv->name);
    check_kinds(c, n->tok.off, pv->kinds, what, "has no meaning in");
    switch (pv->arg) {
    case PV_HEADER: {
        const char *why;
        int bad;
        if (sipsyntax_token(arg.z, arg.n, &why, &bad) < 0) {
            check_error(c, arg.off + bad, "bad header name in $hdr(): %s", why);
            return ty_error;
        }
        return pv->type;
    }
    case PV_AVP: {
        Decl *d = check_find_decl(c->prog, DECL_AVP, arg.z, arg.n);
        if (!d) {
            check_error(c, arg.off, "unknown AVP '%.*s'; declare it with 'avp %.*s: int;' or 'avp %.*s: string;'",
                        arg.n, arg.z, arg.n, arg.z, arg.n, arg.z);
            return ty_error;
        }
        d->used = 1;
        n->decl = d;
        return d->type;
    }
    case PV_VAR:
        if (!is_ident(arg)) {
            check_error(c, arg.off, "a $var name is a plain name such as $var(count)");
            return ty_error;
        }
        n->var = check_find_var(c->prog, arg);
        return n->var ? n->var->type : NULL;
    default: return pv->type;
    }
}

static Type *check_pvar_read(Checker *c, Node *n)
{
    Type *t = resolve_pvar(c, n, 0);
    if (!t) {
        check_error(c, n->tok.off, "$var(%.*s) is never assigned", n->arg.n, n->arg.z);
        return ty_error;
    }
    return t;
}

/* --- calls --------------------------------------------------------------------- */

static const char *const log_levels[] = {"L_ALERT", "L_CRIT", "L_ERR", "L_WARN", "L_NOTICE", "L_INFO", "L_DBG"};

/* Checks one argument against its parameter letter. */
static void check_arg(Checker *c, const Builtin *fn, int pos, char letter, Node *a)
{
    const char *why = NULL;
    int bad = 0, off = a->tok.off;

    if (letter == 'f' || letter == 'b') {
        DeclKind dk = letter == 'f' ? DECL_FLAG : DECL_BFLAG;
        Decl *d = a->kind == ND_IDENT ? check_find_decl(c->prog, dk, a->tok.z, a->tok.n) : NULL;
        if (a->kind != ND_IDENT)
            check_error(c, off, "argument %d of '%s' must be a %s name", pos, fn->name,
                        letter == 'f' ? "flag" : "branch flag");
        else if (!d)
            check_error(c, off, "unknown %s '%.*s'; declare it with '%s %.*s;'",
                        letter == 'f' ? "flag" : "branch flag", a->tok.n, a->tok.z,
                        letter == 'f' ? "flag" : "bflag", a->tok.n, a->tok.z);
        else {
            d->used = 1;
            a->decl = d;
            a->ty = ty_int;
        }
        return;
    }
    if (strchr("tLFBR", letter)) {
        /* Arguments that must be literals: they name something. */
        if (a->kind != ND_STR) {
            check_error(c, off, "argument %d of '%s' must be a string literal", pos, fn->name);
            return;
        }
        a->ty = ty_str;
        if (letter == 'L')
            a->index = -1; /* emitted as a level number, not as a string constant */
        if (letter == 't' && !is_ident((Token){0, a->sval, a->slen, 0}))
            check_error(c, off + 1, "a table name is a plain name such as \"location\"");
        if (letter == 'L') {
            int ok = 0;
            for (size_t i = 0; i < sizeof log_levels / sizeof log_levels[0]; i++)
                ok |= strcmp(a->sval, log_levels[i]) == 0;
            if (!ok)
                check_error(c, off, "unknown log level \"%s\"; use one of L_ALERT, L_CRIT, L_ERR, L_WARN, "
                                    "L_NOTICE, L_INFO, L_DBG", a->sval);
        }
        return; /* route names were resolved by check.c */
    }

    Type *want = strchr("ic", letter) ? ty_int : ty_str;
    Type *t = check_expr(c, a, 1);
    if (t != want && t != ty_error) {
        check_error(c, off, "argument %d of '%s' must be %s, not %s", pos, fn->name,
                    want == ty_int ? "an int" : "a string", t->name);
        return;
    }
    if (letter == 'c' && a->kind == ND_INT && (a->ival < 100 || a->ival > 699)) {
        check_error(c, off, "reply code %lld is outside 100..699", a->ival);
        return;
    }
    if (a->kind != ND_STR)
        return; /* only literals can be checked now */
    int rc = 0;
    switch (letter) {
    case 'u': rc = sipsyntax_uri(a->sval, a->slen, &why, &bad); break;
    case 'm': rc = sipsyntax_method_list(a->sval, a->slen, &why, &bad); break;
    case 'h': rc = sipsyntax_token(a->sval, a->slen, &why, &bad); break;
    case 'H': rc = sipsyntax_header_field(a->sval, a->slen, &why, &bad); break;
    case 'r': rc = sipsyntax_reason_phrase(a->sval, a->slen, &why, &bad); break;
    }
    if (rc < 0)
        check_error(c, check_str_offset(a, bad), "argument %d of '%s': %s", pos, fn->name, why);
}

static Type *check_call(Checker *c, Node *n)
{
    const Builtin *fn = builtin_find(n->tok.z, n->tok.n);
    if (!fn) {
        check_error(c, n->tok.off, "unknown function '%.*s'", n->tok.n, n->tok.z);
        for (Node *a = n->args; a; a = a->next)
            if (a->kind != ND_IDENT)
                check_expr(c, a, 1);
        return ty_error;
    }
    n->fn = fn;
    char what[80];
    snprintf(what, sizeof what, "'%s'", fn->name);
    check_kinds(c, n->tok.off, fn->kinds, what, "cannot be used in");

    int required = 0, total = 0;
    for (const char *s = fn->params; *s; s++) {
        if (*s == '?')
            continue;
        total++;
        required += s[1] != '?';
    }
    if (n->nargs < required || n->nargs > total) {
        if (required == total)
            check_error(c, n->tok.off, "'%s' takes %d argument%s, not %d", fn->name, total, total == 1 ? "" : "s",
                        n->nargs);
        else
            check_error(c, n->tok.off, "'%s' takes %d to %d arguments, not %d", fn->name, required, total,
                        n->nargs);
        return fn->ret;
    }
    /* With k optional arguments given, they fill the first k optional slots. */
    int optional_given = n->nargs - required, pos = 1;
    Node *a = n->args;
    for (const char *s = fn->params; *s && a; s++) {
        if (*s == '?')
            continue;
        if (s[1] == '?' && optional_given-- <= 0)
            continue;
        check_arg(c, fn, pos++, *s, a);
        a = a->next;
    }
    return fn->ret;
}

/* --- operators ----------------------------------------------------------------- */

static Type *check_regex(Checker *c, Node *n)
{
    Node *re = n->rhs;
    if (re->kind != ND_STR) {
        if (re->kind != ND_INTERP)
            check_expr(c, re, 1);
        check_error(c, re->tok.off, "the right side of '%s' must be a string literal: regular expressions "
                                    "are compiled once, when the policy loads", ast_kind_name(n->kind));
        return ty_bool;
    }
    re->ty = ty_str;
    re->index = -1; /* goes to the descriptor's regex table, not a string constant */
    const char *why;
    int bad;
    if (sipsyntax_regex_cost(re->sval, re->slen, &why, &bad) < 0) {
        check_error(c, check_str_offset(re, bad), "invalid regular expression: %s", why);
        return ty_bool;
    }
    regex_t rx;
    int rc = regcomp(&rx, re->sval, REG_EXTENDED | REG_NOSUB);
    if (rc != 0) {
        char msg[128];
        regerror(rc, &rx, msg, sizeof msg);
        check_error(c, re->tok.off, "invalid regular expression: %s", msg);
    } else {
        regfree(&rx);
        if (!c->quiet)
            n->index = c->prog->nregex++;
    }
    return ty_bool;
}

static int is_arith(NodeKind k)
{
    return k == ND_SUB || k == ND_MUL || k == ND_DIV || k == ND_MOD;
}

static Type *check_binary(Checker *c, Node *n)
{
    if (n->kind == ND_MATCH || n->kind == ND_NOMATCH) {
        Type *l = check_expr(c, n->lhs, 1);
        if (l != ty_str && l != ty_error)
            check_error(c, n->tok.off, "'%s' matches a string, not %s", ast_kind_name(n->kind), l->name);
        return check_regex(c, n);
    }
    Type *l = check_expr(c, n->lhs, 1);
    Type *r = check_expr(c, n->rhs, 1);
    const char *op = ast_kind_name(n->kind);
    if (l == ty_error || r == ty_error)
        return n->kind == ND_ADD && l == r ? ty_error : (n->kind == ND_ADD || is_arith(n->kind)) ? ty_int : ty_bool;
    switch (n->kind) {
    case ND_OR:
    case ND_AND:
        if (l != ty_bool || r != ty_bool)
            check_error(c, n->tok.off, "'%s' needs bool operands, not %s and %s", op, l->name, r->name);
        return ty_bool;
    case ND_EQ:
    case ND_NE:
        if (l != r)
            check_error(c, n->tok.off, "cannot compare %s with %s", l->name, r->name);
        return ty_bool;
    case ND_LT:
    case ND_LE:
    case ND_GT:
    case ND_GE:
        if (l != ty_int || r != ty_int)
            check_error(c, n->tok.off, "'%s' orders ints, not %s and %s", op, l->name, r->name);
        return ty_bool;
    case ND_ADD:
        if (l == r && (l == ty_int || l == ty_str))
            return l;
        check_error(c, n->tok.off, "cannot add %s and %s%s", l->name, r->name,
                    l == ty_str || r == ty_str ? "; write \"...$var(x)...\" to put a number in a string" : "");
        return ty_error;
    default: /* - * / % */
        if (l != ty_int || r != ty_int)
            check_error(c, n->tok.off, "'%s' needs int operands, not %s and %s", op, l->name, r->name);
        else if ((n->kind == ND_DIV || n->kind == ND_MOD) && n->rhs->kind == ND_INT && n->rhs->ival == 0)
            check_error(c, n->rhs->tok.off, "division by zero");
        return ty_int;
    }
}

Type *check_expr(Checker *c, Node *n, int want_value)
{
    Type *t = ty_error;
    switch (n->kind) {
    case ND_STR: t = ty_str; break;
    case ND_INT: t = ty_int; break;
    case ND_BOOL: t = ty_bool; break;
    case ND_INTERP:
        for (Node *part = n->args; part; part = part->next) {
            if (part->kind != ND_PVAR) {
                part->ty = ty_str;
                continue;
            }
            Type *pt = check_pvar_read(c, part);
            part->ty = pt;
            if (pt == ty_bool)
                check_error(c, part->tok.off, "a bool cannot be put in a string");
        }
        t = ty_str;
        break;
    case ND_PVAR: t = check_pvar_read(c, n); break;
    case ND_CALL:
        t = check_call(c, n);
        if (t == ty_void && want_value) {
            check_error(c, n->tok.off, "'%s' returns no value", n->fn->name);
            t = ty_error;
        }
        break;
    case ND_ROUTE_CALL:
        if (!n->target) {
            t = ty_error;
        } else if (!want_value) {
            t = ty_void;
        } else if (!n->target->ret) {
            check_error(c, n->tok.off, "route[%.*s] returns no value", n->tok.n, n->tok.z);
        } else {
            n->target->value_used = 1;
            t = n->target->ret;
        }
        break;
    case ND_IDENT:
        check_error(c, n->tok.off, "unknown name '%.*s'", n->tok.n, n->tok.z);
        break;
    case ND_NOT:
        t = check_expr(c, n->lhs, 1);
        if (t != ty_bool && t != ty_error)
            check_error(c, n->tok.off, "'!' needs a bool, not %s", t->name);
        t = ty_bool;
        break;
    case ND_NEG:
        t = check_expr(c, n->lhs, 1);
        if (t != ty_int && t != ty_error)
            check_error(c, n->tok.off, "unary '-' needs an int, not %s", t->name);
        t = ty_int;
        break;
    case ND_ADDR:
        check_error(c, n->tok.off, "an address is only a setting's value");
        break;
    default:
        if (n->lhs && n->rhs)
            t = check_binary(c, n);
        else
            check_error(c, n->tok.off, "%s is not an expression", ast_kind_name(n->kind));
    }
    n->ty = t;
    return t;
}

/* --- statements ------------------------------------------------------------------ */

static void check_block(Checker *c, Node *block);

static void check_cond(Checker *c, Node *cond)
{
    Type *t = check_expr(c, cond, 1);
    if (t != ty_bool && t != ty_error)
        check_error(c, cond->tok.off, "condition must be bool, not %s", t->name);
}

static void check_assign(Checker *c, Node *n)
{
    Node *lhs = n->lhs;
    Type *rt = check_expr(c, n->rhs, 1);
    Type *lt = resolve_pvar(c, lhs, 1);
    if (lt == ty_error)
        return;
    if (lhs->pv && lhs->pv->arg == PV_VAR) {
        if (!lhs->var) {
            if (rt == ty_error || rt == ty_void)
                return;
            Var *v = arena_alloc(c->a, sizeof *v);
            v->name = lhs->arg;
            v->type = rt;
            v->index = c->prog->nvars++;
            Var **tail = &c->prog->vars;
            while (*tail)
                tail = &(*tail)->next;
            *tail = v;
            map_put(&c->prog->names, c->a, NS_VAR, v->name.z, v->name.n, v);
            lhs->var = v;
            lt = rt;
        } else {
            lt = lhs->var->type;
        }
    }
    lhs->ty = lt;
    if (rt != lt && rt != ty_error) {
        if (lhs->var) {
            int line, col;
            source_line_col(c->d->src, lhs->var->name.off, &line, &col);
            check_error(c, n->rhs->tok.off, "$var(%.*s) holds %s (first assigned at line %d), not %s",
                        lhs->arg.n, lhs->arg.z, lt->name, line, rt->name);
        } else if (lhs->decl) {
            check_error(c, n->rhs->tok.off, "AVP '%.*s' holds %s, not %s", lhs->arg.n, lhs->arg.z, lt->name,
                        rt->name);
        } else {
            check_error(c, n->rhs->tok.off, "'$%s' holds %s, not %s", lhs->pv->name, lt->name, rt->name);
        }
    }
}

/* Folds a case label to a constant; 0 if it is not one. */
static int case_constant(Node *label, long long *ival, Type **ty)
{
    if (label->kind == ND_INT) {
        *ival = label->ival;
        *ty = ty_int;
        return 1;
    }
    if (label->kind == ND_NEG && label->lhs->kind == ND_INT) {
        *ival = -label->lhs->ival;
        *ty = ty_int;
        return 1;
    }
    if (label->kind == ND_STR) {
        *ty = ty_str;
        return 1;
    }
    return 0;
}

static int same_label(Node *a, Node *b)
{
    long long x = 0, y = 0;
    Type *tx, *ty;
    if (!case_constant(a, &x, &tx) || !case_constant(b, &y, &ty) || tx != ty)
        return 0;
    if (tx == ty_int)
        return x == y;
    return a->slen == b->slen && memcmp(a->sval, b->sval, (size_t)a->slen) == 0;
}

static void check_switch(Checker *c, Node *n)
{
    Type *t = check_expr(c, n->cond, 1);
    if (t != ty_int && t != ty_str && t != ty_error) {
        check_error(c, n->cond->tok.off, "switch needs an int or a string, not %s", t->name);
        t = ty_error;
    }
    Node *dflt = NULL;
    c->breakable++;
    for (Node *k = n->body; k; k = k->next) {
        if (!k->lhs) {
            if (dflt) {
                check_error(c, k->tok.off, "a second 'default' in this switch");
                check_note(c, dflt->tok.off, "the first one is here");
            }
            dflt = k;
        } else {
            long long v;
            Type *lt;
            if (!case_constant(k->lhs, &v, &lt)) {
                check_error(c, k->lhs->tok.off, "a case label must be a literal int or string");
            } else {
                k->lhs->ty = lt;
                if (t != ty_error && lt != t)
                    check_error(c, k->lhs->tok.off, "case label is %s, but the switch is on %s", lt->name,
                                t->name);
                for (Node *o = n->body; o != k; o = o->next)
                    if (o->lhs && same_label(o->lhs, k->lhs)) {
                        check_error(c, k->lhs->tok.off, "duplicate case label");
                        check_note(c, o->lhs->tok.off, "the first one is here");
                        break;
                    }
            }
        }
        Node stmts = {.kind = ND_BLOCK, .body = k->body};
        check_block(c, &stmts);
    }
    c->breakable--;
}

static void check_stmt(Checker *c, Node *n)
{
    switch (n->kind) {
    case ND_IF:
        check_cond(c, n->cond);
        check_block(c, n->then);
        if (n->els && n->els->kind == ND_IF)
            check_stmt(c, n->els);
        else if (n->els)
            check_block(c, n->els);
        break;
    case ND_WHILE:
        check_cond(c, n->cond);
        c->breakable++;
        check_block(c, n->then);
        c->breakable--;
        break;
    case ND_SWITCH: check_switch(c, n); break;
    case ND_BREAK:
        if (!c->breakable)
            check_error(c, n->tok.off, "'break' outside a loop or switch");
        break;
    case ND_EXIT:
    case ND_DROP: break;
    case ND_RETURN: {
        Route *r = c->route;
        if (!n->lhs)
            break;
        Type *t = check_expr(c, n->lhs, 1);
        if (r->kind != SIPC_RK_REQUEST || r->name.n == 0) {
            check_error(c, n->tok.off, "only a named route can return a value");
        } else if (t == ty_void || t == ty_error) {
            /* already reported */
        } else if (!r->ret) {
            r->ret = t;
        } else if (r->ret != t) {
            check_error(c, n->lhs->tok.off, "route[%.*s] returns %s elsewhere, not %s", r->name.n, r->name.z,
                        r->ret->name, t->name);
        }
        break;
    }
    case ND_ASSIGN: check_assign(c, n); break;
    case ND_EXPR_STMT: {
        Node *e = n->lhs;
        if (e->kind != ND_CALL && e->kind != ND_ROUTE_CALL) {
            check_expr(c, e, 1);
            check_error(c, e->tok.off, "this expression does nothing; only calls can be statements");
        } else {
            check_expr(c, e, 0);
        }
        break;
    }
    default: check_error(c, n->tok.off, "%s is not a statement", ast_kind_name(n->kind));
    }
}

static void check_block(Checker *c, Node *block)
{
    for (Node *s = block->body; s; s = s->next)
        check_stmt(c, s);
}

void check_route_body(Checker *c, Route *r)
{
    c->breakable = 0;
    check_block(c, r->body);
}
