/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * codegen.c - emits a checked program as C against sipc/abi.h.
 *
 * Shape of the output: the ABI include (guarded, so libtcc can be handed the
 * header text first), string constants, the $var block, one static C
 * function per route block, the tables of the descriptor and the exported
 * `sipc_policy`.  Every statement is preceded by a #line directive naming
 * its policy line, so a debugger and a runtime error point into the .sipc
 * file.
 *
 * Values in C: int -> sipc_int, bool -> int, string -> const sipc_str *.
 * Library calls and pseudo-variables are direct calls of the C names in the
 * stdlib tables.  Literal strings become `static const sipc_str` constants,
 * regular expressions are compiled by sipd at load time: nothing is
 * prepared per message that could be prepared once.
 *
 * route(NAME) inside an expression uses a GNU statement expression (gcc and
 * tcc both have them), so an `exit` inside the called route can return from
 * the caller at once.  Integer arithmetic wraps (done in unsigned), so no
 * policy can reach C's undefined behaviour.
 *
 * The output is deterministic: no pointers, dates or hash order.
 */
#include <stdint.h>
#include <string.h>

#include "sipc.h"

#define MAX_WHILE_LOOPS_DEFAULT 1000

typedef struct Gen {
    FILE *out;
    const Source *src;
    const Program *prog;
    Node **consts; /* ND_STR nodes with distinct values, in first-use order */
    int nconsts, capconsts;
    Map const_index; /* constant bytes -> index + 1 */
    char *is_uri;    /* per constant: passed where a URI goes, so sipd parses it once at load */
    int nuris;
    Arena scratch;
    const Route *route; /* being emitted */
    int label;          /* counter for labels and temporaries */
    int break_label;    /* label `break` jumps to, or -1 */
    long long max_loops;
} Gen;

static void emit(Gen *g, const char *fmt, ...) SIPC_PRINTF(2, 3);
static void emit(Gen *g, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vfprintf(g->out, fmt, ap);
    va_end(ap);
}

/* Writes bytes as the body of a C string literal. */
static void emit_c_string(Gen *g, const char *s, int n)
{
    for (int i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '"' || c == '\\')
            emit(g, "\\%c", c);
        else if (c == '\n')
            emit(g, "\\n");
        else if (c == '\t')
            emit(g, "\\t");
        else if (c == '\r')
            emit(g, "\\r");
        else if (c < 0x20 || c >= 0x7f || c == '?') /* '?' avoids trigraphs */
            emit(g, "\\%03o", c);
        else
            fputc(c, g->out);
    }
}

static void emit_quoted(Gen *g, const char *s, int n)
{
    emit(g, "\"");
    emit_c_string(g, s, n);
    emit(g, "\"");
}

static void indent(Gen *g, int depth)
{
    emit(g, "%*s", depth * 4, "");
}

static int line_of(const Gen *g, int off)
{
    int line, col;
    source_line_col(g->src, off, &line, &col);
    return line;
}

static void emit_line(Gen *g, const Token *t, int depth)
{
    emit(g, "#line %d ", line_of(g, t->off));
    emit_quoted(g, g->src->path, (int)strlen(g->src->path));
    emit(g, "\n");
    indent(g, depth);
}

/* --- constants ------------------------------------------------------------ */

static int find_const(const Gen *g, const char *s, int n)
{
    void *v = map_get(&g->const_index, 0, s, n);
    return v ? (int)(intptr_t)v - 1 : -1; /* stored as index + 1 */
}

static void add_const(Gen *g, Node *n)
{
    if (find_const(g, n->sval, n->slen) >= 0)
        return;
    if (g->nconsts == g->capconsts) {
        int cap = g->capconsts ? g->capconsts * 2 : 16;
        Node **grown = arena_alloc(&g->scratch, sizeof(Node *) * (size_t)cap);
        if (g->nconsts)
            memcpy(grown, g->consts, sizeof(Node *) * (size_t)g->nconsts);
        g->consts = grown;
        g->capconsts = cap;
    }
    g->consts[g->nconsts++] = n;
    map_put(&g->const_index, &g->scratch, 0, n->sval, n->slen, (void *)(intptr_t)g->nconsts);
}

/* A constant for text that is not a literal in the source ($hdr names). */
static void add_const_text(Gen *g, Token t)
{
    Node *n = arena_alloc(&g->scratch, sizeof *n);
    n->kind = ND_STR;
    n->sval = arena_strndup(&g->scratch, t.z, (size_t)t.n);
    n->slen = t.n;
    add_const(g, n);
}

/* Visited by ast_walk after collect_const: literals given as a URI
 * argument ('u' in the signature) are listed in the descriptor. */
static void mark_uri_consts(Node *n, void *ctx)
{
    Gen *g = ctx;
    if (n->kind != ND_CALL || !n->fn)
        return;
    const Node *a = n->args;
    for (const char *s = n->fn->params; *s && a; s++) {
        if (*s == '?')
            continue;
        if (*s == 'u' && a->kind == ND_STR && a->sval) {
            int k = find_const(g, a->sval, a->slen);
            if (k >= 0 && !g->is_uri[k]) {
                g->is_uri[k] = 1;
                g->nuris++;
            }
        }
        a = a->next;
    }
}

/* Visited by ast_walk: every string the C will need, in first-use order. */
static void collect_const(Node *n, void *ctx)
{
    Gen *g = ctx;
    if (n->kind == ND_STR && !n->target && n->index != -1 && n->sval)
        add_const(g, n);
    if (n->kind == ND_PVAR && n->pv && n->pv->arg == PV_HEADER)
        add_const_text(g, n->arg);
}

static void emit_const_ref(Gen *g, const char *s, int n)
{
    emit(g, "&sipc_k%d", find_const(g, s, n));
}

/* --- names and types ------------------------------------------------------ */

static void emit_route_name(Gen *g, const Route *r)
{
    static const char *const prefix[] = {"", "route", "failure", "", "branch", "", "", "", "onreply",
                                         "",  "",      "",        "", "",       "", "", "error"};
    if (r->name.n == 0)
        emit(g, "%s_main", prefix[r->kind]);
    else
        emit(g, "%s_r_%.*s", prefix[r->kind], r->name.n, r->name.z);
}

static const char *c_type(const Type *t)
{
    return t == ty_str ? "const sipc_str *" : t == ty_int ? "sipc_int" : "int";
}

static void find_var(Node *n, void *found)
{
    *(int *)found |= n->kind == ND_PVAR && n->var;
}

static void find_route_stmt(Node *n, void *found)
{
    *(int *)found |= n->kind == ND_EXPR_STMT && n->lhs->kind == ND_ROUTE_CALL;
}

/* Does any node under `n` satisfy `test`? */
static int any_node(Node *n, AstVisit_fn test)
{
    int found = 0;
    ast_walk(n, test, &found);
    return found;
}

/* --- expressions ----------------------------------------------------------- */

static void emit_expr(Gen *g, const Node *n);

static void emit_pvar_read(Gen *g, const Node *n)
{
    const Pvar *pv = n->pv;
    if (pv->arg == PV_VAR)
        emit(g, "V->v%d", n->var->index);
    else if (pv->arg == PV_AVP)
        emit(g, "sipc_avp_get_%s(m, %d)", n->decl->type == ty_int ? "int" : "str", n->decl->index);
    else if (pv->arg == PV_HEADER) {
        emit(g, "%s(m, ", pv->getter);
        emit_const_ref(g, n->arg.z, n->arg.n);
        emit(g, ")");
    } else
        emit(g, "%s(m)", pv->getter);
}

static void emit_binary(Gen *g, const Node *n, const char *op)
{
    emit(g, "(");
    emit_expr(g, n->lhs);
    emit(g, " %s ", op);
    emit_expr(g, n->rhs);
    emit(g, ")");
}

/* Wrapping integer arithmetic: computed in unsigned, converted back. */
static void emit_wrapping(Gen *g, const Node *n, const char *op)
{
    emit(g, "(sipc_int)((unsigned long long)");
    emit_expr(g, n->lhs);
    emit(g, " %s (unsigned long long)", op);
    emit_expr(g, n->rhs);
    emit(g, ")");
}

static void emit_call_args(Gen *g, const Node *n)
{
    const Builtin *fn = n->fn;
    int required = 0;
    for (const char *s = fn->params; *s; s++)
        required += *s != '?' && s[1] != '?';
    int optional_given = n->nargs - required;
    const Node *a = n->args;
    for (const char *s = fn->params; *s; s++) {
        if (*s == '?')
            continue;
        emit(g, ", ");
        if (s[1] == '?' && optional_given-- <= 0) { /* absent */
            emit(g, "%s", *s == 'L' ? "SIPC_L_ERR" : strchr("icfb", *s) ? "0" : "(const sipc_str *)0");
            continue;
        }
        if (strchr("FBR", *s))
            emit(g, "%d", a->target->index);
        else if (strchr("fb", *s))
            emit(g, "%d", a->decl->index);
        else if (*s == 'L')
            emit(g, "SIPC_%s", a->sval);
        else
            emit_expr(g, a);
        a = a->next;
    }
}

static void emit_route_call_value(Gen *g, const Node *n)
{
    int k = g->label++;
    const Route *t = n->target;
    emit(g, "__extension__({ %s rv%d = %s; int o%d = ", c_type(t->ret), k, t->ret == ty_str ? "&sipc_empty" : "0",
         k);
    emit_route_name(g, t);
    emit(g, "(m, &rv%d); if (o%d != SIPC_CONTINUE) return o%d; rv%d; })", k, k, k, k);
}

static void emit_expr(Gen *g, const Node *n)
{
    switch (n->kind) {
    case ND_STR: emit_const_ref(g, n->sval, n->slen); break;
    case ND_INT: emit(g, "%lldLL", n->ival); break;
    case ND_BOOL: emit(g, "%d", (int)n->ival); break;
    case ND_PVAR: emit_pvar_read(g, n); break;
    case ND_INTERP:
        emit(g, "sipc_str_join(m, %d, (const sipc_str *const[]){", n->nargs);
        for (const Node *p = n->args; p; p = p->next) {
            if (p != n->args)
                emit(g, ", ");
            if (p->ty == ty_int) {
                emit(g, "sipc_str_int(m, ");
                emit_expr(g, p);
                emit(g, ")");
            } else {
                emit_expr(g, p);
            }
        }
        emit(g, "})");
        break;
    case ND_CALL:
        emit(g, "%s(m", n->fn->csym);
        emit_call_args(g, n);
        emit(g, ")");
        break;
    case ND_ROUTE_CALL: emit_route_call_value(g, n); break;
    case ND_OR: emit_binary(g, n, "||"); break;
    case ND_AND: emit_binary(g, n, "&&"); break;
    case ND_EQ:
    case ND_NE:
        if (n->lhs->ty == ty_str) {
            emit(g, n->kind == ND_EQ ? "sipc_str_eq(" : "!sipc_str_eq(");
            emit_expr(g, n->lhs);
            emit(g, ", ");
            emit_expr(g, n->rhs);
            emit(g, ")");
        } else if (n->lhs->ty == ty_bool) {
            emit(g, "(!!");
            emit_expr(g, n->lhs);
            emit(g, n->kind == ND_EQ ? " == !!" : " != !!");
            emit_expr(g, n->rhs);
            emit(g, ")");
        } else {
            emit_binary(g, n, n->kind == ND_EQ ? "==" : "!=");
        }
        break;
    case ND_MATCH:
    case ND_NOMATCH:
        emit(g, "%ssipc_regex_match(m, %d, ", n->kind == ND_NOMATCH ? "!" : "", n->index);
        emit_expr(g, n->lhs);
        emit(g, ")");
        break;
    case ND_LT: emit_binary(g, n, "<"); break;
    case ND_LE: emit_binary(g, n, "<="); break;
    case ND_GT: emit_binary(g, n, ">"); break;
    case ND_GE: emit_binary(g, n, ">="); break;
    case ND_ADD:
        if (n->ty == ty_str) {
            emit(g, "sipc_str_cat(m, ");
            emit_expr(g, n->lhs);
            emit(g, ", ");
            emit_expr(g, n->rhs);
            emit(g, ")");
        } else {
            emit_wrapping(g, n, "+");
        }
        break;
    case ND_SUB: emit_wrapping(g, n, "-"); break;
    case ND_MUL: emit_wrapping(g, n, "*"); break;
    case ND_DIV:
    case ND_MOD:
        emit(g, "%s(", n->kind == ND_DIV ? "sipc_div" : "sipc_mod");
        emit_expr(g, n->lhs);
        emit(g, ", ");
        emit_expr(g, n->rhs);
        emit(g, ")");
        break;
    case ND_NOT:
        emit(g, "!");
        emit_expr(g, n->lhs);
        break;
    case ND_NEG:
        emit(g, "(sipc_int)(0ULL - (unsigned long long)");
        emit_expr(g, n->lhs);
        emit(g, ")");
        break;
    default: emit(g, "0 /* unexpected %s */", ast_kind_name(n->kind));
    }
}

/* --- statements ------------------------------------------------------------ */

static void emit_stmts(Gen *g, const Node *first, int depth);

static void emit_block(Gen *g, const Node *block, int depth)
{
    emit_stmts(g, block->body, depth);
}

static void emit_assign(Gen *g, const Node *n)
{
    const Node *lhs = n->lhs;
    const Pvar *pv = lhs->pv;
    if (pv->arg == PV_VAR) {
        emit(g, "V->v%d = ", lhs->var->index);
        emit_expr(g, n->rhs);
    } else if (pv->arg == PV_AVP) {
        emit(g, "sipc_avp_set_%s(m, %d, ", lhs->decl->type == ty_int ? "int" : "str", lhs->decl->index);
        emit_expr(g, n->rhs);
        emit(g, ")");
    } else {
        emit(g, "%s(m, ", pv->setter);
        emit_expr(g, n->rhs);
        emit(g, ")");
    }
    emit(g, ";\n");
}

static void emit_switch(Gen *g, const Node *n, int depth)
{
    int k = g->label++;
    const Type *t = n->cond->ty;
    emit(g, "{\n");
    indent(g, depth + 1);
    emit(g, "%s%ssw%d = ", c_type(t), t == ty_str ? "" : " ", k);
    emit_expr(g, n->cond);
    emit(g, ";\n");
    int i = 0;
    const Node *dflt = NULL;
    for (const Node *c = n->body; c; c = c->next, i++) {
        if (!c->lhs) {
            dflt = c;
            continue;
        }
        indent(g, depth + 1);
        if (t == ty_str) {
            emit(g, "if (sipc_str_eq(sw%d, ", k);
            emit_expr(g, c->lhs);
            emit(g, "))");
        } else {
            emit(g, "if (sw%d == ", k);
            emit_expr(g, c->lhs);
            emit(g, ")");
        }
        emit(g, " goto case%d_%d;\n", k, i);
    }
    indent(g, depth + 1);
    if (dflt) {
        i = 0;
        for (const Node *c = n->body; c != dflt; c = c->next)
            i++;
        emit(g, "goto case%d_%d;\n", k, i);
    } else {
        emit(g, "goto end%d;\n", k);
    }
    int outer = g->break_label;
    g->break_label = k;
    i = 0;
    for (const Node *c = n->body; c; c = c->next, i++) {
        emit(g, "%*scase%d_%d:;\n", depth * 4, "", k, i);
        emit_stmts(g, c->body, depth + 1);
    }
    g->break_label = outer;
    emit(g, "%*send%d:;\n", depth * 4, "", k);
    indent(g, depth);
    emit(g, "}\n");
}

static void emit_while(Gen *g, const Node *n, int depth)
{
    int k = g->label++;
    emit(g, "{\n");
    indent(g, depth + 1);
    emit(g, "sipc_int n%d = 0;\n", k);
    indent(g, depth + 1);
    emit(g, "while (");
    emit_expr(g, n->cond);
    emit(g, ") {\n");
    indent(g, depth + 2);
    emit(g, "if (++n%d > %lldLL) {\n", k, g->max_loops);
    indent(g, depth + 3);
    emit(g, "sipc_loop_limit(m, %d);\n", line_of(g, n->tok.off));
    indent(g, depth + 3);
    emit(g, "break;\n");
    indent(g, depth + 2);
    emit(g, "}\n");
    int outer = g->break_label;
    g->break_label = k;
    emit_block(g, n->then, depth + 2);
    g->break_label = outer;
    indent(g, depth + 1);
    emit(g, "}\n");
    emit(g, "%*send%d:;\n", depth * 4, "", k);
    indent(g, depth);
    emit(g, "}\n");
}

static void emit_stmt(Gen *g, const Node *n, int depth)
{
    emit_line(g, &n->tok, depth);
    switch (n->kind) {
    case ND_IF:
        emit(g, "if (");
        emit_expr(g, n->cond);
        emit(g, ") {\n");
        emit_block(g, n->then, depth + 1);
        while (n->els && n->els->kind == ND_IF) { /* else if chains stay flat */
            n = n->els;
            indent(g, depth);
            emit(g, "} else if (");
            emit_expr(g, n->cond);
            emit(g, ") {\n");
            emit_block(g, n->then, depth + 1);
        }
        if (n->els) {
            indent(g, depth);
            emit(g, "} else {\n");
            emit_block(g, n->els, depth + 1);
        }
        indent(g, depth);
        emit(g, "}\n");
        break;
    case ND_WHILE: emit_while(g, n, depth); break;
    case ND_SWITCH: emit_switch(g, n, depth); break;
    case ND_BREAK: emit(g, "goto end%d;\n", g->break_label); break;
    case ND_EXIT: emit(g, "return SIPC_EXIT;\n"); break;
    case ND_DROP: emit(g, "return SIPC_DROP;\n"); break;
    case ND_RETURN:
        if (n->lhs && g->route->ret) {
            emit(g, "if (ret)\n");
            indent(g, depth + 1);
            emit(g, "*(%s *)ret = ", c_type(g->route->ret));
            emit_expr(g, n->lhs);
            emit(g, ";\n");
            indent(g, depth);
        }
        emit(g, "return SIPC_CONTINUE;\n");
        break;
    case ND_ASSIGN: emit_assign(g, n); break;
    case ND_EXPR_STMT:
        if (n->lhs->kind == ND_ROUTE_CALL) {
            emit(g, "if ((r = ");
            emit_route_name(g, n->lhs->target);
            emit(g, "(m, 0)) != SIPC_CONTINUE)\n");
            indent(g, depth + 1);
            emit(g, "return r;\n");
        } else {
            emit(g, "(void)");
            emit_expr(g, n->lhs);
            emit(g, ";\n");
        }
        break;
    default: emit(g, "/* unexpected %s */\n", ast_kind_name(n->kind));
    }
}

static void emit_stmts(Gen *g, const Node *first, int depth)
{
    for (const Node *s = first; s; s = s->next)
        emit_stmt(g, s, depth);
}

static void emit_route(Gen *g, const Route *r)
{
    g->route = r;
    g->break_label = -1;
    emit(g, "\nstatic int ");
    emit_route_name(g, r);
    emit(g, "(sipc_msg *m, void *ret)\n{\n");
    int decls = 0;
    if (any_node(r->body, find_route_stmt)) {
        emit(g, "    int r;\n");
        decls = 1;
    }
    if (any_node(r->body, find_var)) {
        emit(g, "    struct sipc_vars *V = sipc_vars(m);\n");
        decls = 1;
    }
    if (!r->ret) {
        emit(g, "    (void)ret;\n");
        decls = 1;
    }
    if (decls)
        emit(g, "\n");
    emit(g, "    sipc_enter(m, %d);\n", r->index);
    emit_block(g, r->body, 1);
    emit(g, "    return SIPC_CONTINUE;\n}\n");
}

/* --- the descriptor ---------------------------------------------------------- */

void gen_source_hash(const char *text, size_t len, char out[17])
{
    unsigned long long h = 0xcbf29ce484222325ULL; /* FNV-1a 64 */
    for (size_t i = 0; i < len; i++) {
        h ^= (unsigned char)text[i];
        h *= 0x100000001b3ULL;
    }
    snprintf(out, 17, "%016llx", h);
}

static void emit_setting_value(Gen *g, const Node *v)
{
    char buf[32];
    switch (v->kind) {
    case ND_INT:
        snprintf(buf, sizeof buf, "%lld", v->ival);
        emit_quoted(g, buf, (int)strlen(buf));
        break;
    case ND_NEG:
        snprintf(buf, sizeof buf, "-%lld", v->lhs->ival);
        emit_quoted(g, buf, (int)strlen(buf));
        break;
    case ND_BOOL: emit(g, "\"%s\"", v->ival ? "true" : "false"); break;
    case ND_STR: emit_quoted(g, v->sval, v->slen); break;
    default: emit_quoted(g, v->tok.z, v->tok.n); /* address or name, as written */
    }
}

static void emit_regex(Node *n, void *ctx)
{
    Gen *g = ctx;
    if (n->kind == ND_MATCH || n->kind == ND_NOMATCH) {
        emit(g, "    [%d] = ", n->index);
        emit_quoted(g, n->rhs->sval, n->rhs->slen);
        emit(g, ",\n");
    }
}

/* ORs the services of every library function called into *ctx. */
static void add_services(Node *n, void *ctx)
{
    if (n->kind == ND_CALL && n->fn)
        *(unsigned *)ctx |= n->fn->svc;
}

static void emit_tables(Gen *g)
{
    const Program *prog = g->prog;
    emit(g, "\nstatic const sipc_route_desc sipc_routes[] = {\n");
    for (const Route *r = prog->routes; r; r = r->next) {
        emit(g, "    {%s, ", route_kind_enum(r->kind));
        emit_quoted(g, r->name.z, r->name.n);
        emit(g, ", ");
        emit_route_name(g, r);
        emit(g, "},\n");
    }
    emit(g, "};\n");

    int nsettings = 0;
    for (const Setting *s = prog->settings; s; s = s->next)
        nsettings++;
    if (nsettings) {
        emit(g, "\nstatic const sipc_setting sipc_settings[] = {\n");
        for (const Setting *s = prog->settings; s; s = s->next) {
            emit(g, "    {\"%s\", ", s->def->name);
            emit_setting_value(g, s->value);
            emit(g, "},\n");
        }
        emit(g, "};\n");
    }
    if (prog->navps) {
        emit(g, "\nstatic const sipc_avp_desc sipc_avps[] = {\n");
        for (const Decl *d = prog->decls; d; d = d->next)
            if (d->kind == DECL_AVP && d->type)
                emit(g, "    {\"%.*s\", %s},\n", d->name.n, d->name.z, d->type == ty_int ? "SIPC_T_INT" : "SIPC_T_STR");
        emit(g, "};\n");
    }
    for (int k = DECL_FLAG; k <= DECL_BFLAG; k++) {
        if (!(k == DECL_FLAG ? prog->nflags : prog->nbflags))
            continue;
        emit(g, "\nstatic const char *const sipc_%s[] = {", k == DECL_FLAG ? "flags" : "bflags");
        const char *sep = "";
        for (const Decl *d = prog->decls; d; d = d->next)
            if ((int)d->kind == k && d->index >= 0) {
                emit(g, "%s\"%.*s\"", sep, d->name.n, d->name.z);
                sep = ", ";
            }
        emit(g, "};\n");
    }
    if (prog->nregex) {
        emit(g, "\nstatic const char *const sipc_regex[] = {\n");
        for (const Route *r = prog->routes; r; r = r->next)
            ast_walk(r->body, emit_regex, g);
        emit(g, "};\n");
    }

    char hash[17];
    gen_source_hash(g->src->text, g->src->len, hash);
    emit(g, "\nconst sipc_policy_desc sipc_policy = {\n");
    emit(g, "    .magic = SIPC_POLICY_MAGIC,\n    .abi_version = SIPC_ABI_VERSION,\n    .source_name = ");
    emit_quoted(g, g->src->path, (int)strlen(g->src->path));
    emit(g, ",\n    .source_hash = \"%s\",\n", hash);
    emit(g, "    .nroutes = %d,\n    .routes = sipc_routes,\n", prog->nroutes);
    if (nsettings)
        emit(g, "    .nsettings = %d,\n    .settings = sipc_settings,\n", nsettings);
    if (prog->navps)
        emit(g, "    .navps = %d,\n    .avps = sipc_avps,\n", prog->navps);
    if (prog->nflags)
        emit(g, "    .nflags = %d,\n    .flags = sipc_flags,\n", prog->nflags);
    if (prog->nbflags)
        emit(g, "    .nbflags = %d,\n    .bflags = sipc_bflags,\n", prog->nbflags);
    if (prog->nregex)
        emit(g, "    .nregex = %d,\n    .regex = sipc_regex,\n", prog->nregex);
    if (prog->nvars)
        emit(g, "    .var_size = sizeof(struct sipc_vars),\n");
    unsigned svc = 0;
    for (const Route *r = prog->routes; r; r = r->next)
        ast_walk(r->body, add_services, &svc);
    if (svc)
        emit(g, "    .services = 0x%xu,\n", svc);
    if (g->nuris)
        emit(g, "    .nuris = %d,\n    .uris = sipc_uris,\n", g->nuris);
    emit(g, "};\n");
}

/* --- the whole program --------------------------------------------------------- */

void gen_program(const Program *prog, const Source *src, FILE *out)
{
    Gen g = {.out = out, .src = src, .prog = prog, .max_loops = MAX_WHILE_LOOPS_DEFAULT};
    for (const Setting *s = prog->settings; s; s = s->next)
        if (s->def && strcmp(s->def->name, "max_while_loops") == 0)
            g.max_loops = s->value->ival;
    for (const Route *r = prog->routes; r; r = r->next)
        ast_walk(r->body, collect_const, &g);

    emit(&g, "/* Generated by sipc from ");
    emit_c_string(&g, src->path, (int)strlen(src->path));
    emit(&g, "; do not edit. */\n");
    emit(&g, "#ifndef SIPC_ABI_H\n#include <sipc/abi.h>\n#endif\n");

    int need_empty = 0;
    for (const Route *r = prog->routes; r; r = r->next)
        need_empty |= r->ret == ty_str;
    emit(&g, "\n");
    if (need_empty)
        emit(&g, "static const sipc_str sipc_empty = {\"\", 0};\n");
    for (int i = 0; i < g.nconsts; i++) {
        emit(&g, "static const sipc_str sipc_k%d = {", i);
        emit_quoted(&g, g.consts[i]->sval, g.consts[i]->slen);
        emit(&g, ", %d};\n", g.consts[i]->slen);
    }
    g.is_uri = arena_alloc(&g.scratch, (size_t)g.nconsts + 1);
    memset(g.is_uri, 0, (size_t)g.nconsts + 1);
    for (const Route *r = prog->routes; r; r = r->next)
        ast_walk(r->body, mark_uri_consts, &g);
    if (g.nuris) {
        emit(&g, "\n/* URI literals: sipd parses each once, at load */\nstatic const sipc_str *const sipc_uris[] = {");
        const char *sep = "";
        for (int i = 0; i < g.nconsts; i++)
            if (g.is_uri[i]) {
                emit(&g, "%s&sipc_k%d", sep, i);
                sep = ", ";
            }
        emit(&g, "};\n");
    }

    if (prog->nvars) {
        emit(&g, "\n/* $var storage of one message */\nstruct sipc_vars {\n");
        for (const Var *v = prog->vars; v; v = v->next)
            emit(&g, "    %s%sv%d; /* $var(%.*s) */\n", c_type(v->type), v->type == ty_str ? "" : " ", v->index,
                 v->name.n, v->name.z);
        emit(&g, "};\n");
    }

    emit(&g, "\n");
    for (const Route *r = prog->routes; r; r = r->next) {
        emit(&g, "static int ");
        emit_route_name(&g, r);
        emit(&g, "(sipc_msg *m, void *ret);\n");
    }
    for (const Route *r = prog->routes; r; r = r->next)
        emit_route(&g, r);
    emit_tables(&g);
    arena_free(&g.scratch);
}
