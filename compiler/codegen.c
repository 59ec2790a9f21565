/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * codegen.c - emits a checked program as C against sipc/abi.h.
 *
 * Shape of the output: the ABI include (guarded, so libtcc can be handed the
 * header text first), the string constants, one static C function per route
 * block, the route table and the exported `sipc_policy` descriptor.  Every
 * statement is preceded by a #line directive naming its policy line, so a
 * debugger and a runtime error point into the .sipc file.
 *
 * The output is deterministic: no pointers, dates or hash order, only the
 * program in source order.  Literal strings become `static const sipc_str`
 * constants built once at load time, never per message.
 */
#include <string.h>

#include "sipc.h"

typedef struct Gen {
    FILE *out;
    const Source *src;
    const Program *prog;
    Node **consts; /* ND_STR nodes with distinct values, in first-use order */
    int nconsts, capconsts;
    Arena scratch;
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
        else if (c < 0x20 || c >= 0x7f || c == '?') /* '?' avoids trigraphs */
            emit(g, "\\%03o", c);
        else
            fputc(c, g->out);
    }
}

static void emit_line(Gen *g, const Token *t, int depth)
{
    int line, col;
    source_line_col(g->src, t->off, &line, &col);
    emit(g, "#line %d \"", line);
    emit_c_string(g, g->src->path, (int)strlen(g->src->path));
    emit(g, "\"\n%*s", depth * 4, "");
}

/* --- constants ------------------------------------------------------------ */

static int const_index(Gen *g, const Node *n)
{
    for (int i = 0; i < g->nconsts; i++)
        if (g->consts[i]->slen == n->slen && memcmp(g->consts[i]->sval, n->sval, (size_t)n->slen) == 0)
            return i;
    return -1;
}

static void collect_consts(Gen *g, Node *n)
{
    for (; n; n = n->next) {
        if (n->kind == ND_STR && const_index(g, n) < 0) {
            if (g->nconsts == g->capconsts) {
                int cap = g->capconsts ? g->capconsts * 2 : 16;
                Node **grown = arena_alloc(&g->scratch, sizeof(Node *) * (size_t)cap);
                if (g->nconsts)
                    memcpy(grown, g->consts, sizeof(Node *) * (size_t)g->nconsts);
                g->consts = grown;
                g->capconsts = cap;
            }
            g->consts[g->nconsts++] = n;
        }
        collect_consts(g, n->lhs);
        collect_consts(g, n->rhs);
        collect_consts(g, n->cond);
        collect_consts(g, n->then);
        collect_consts(g, n->els);
        collect_consts(g, n->body);
        collect_consts(g, n->args);
    }
}

/* --- expressions and statements ------------------------------------------ */

static void emit_route_name(Gen *g, const Route *r)
{
    if (r->name.n == 0)
        emit(g, "route_main");
    else
        emit(g, "route_r_%.*s", r->name.n, r->name.z);
}

static void emit_expr(Gen *g, const Node *n)
{
    switch (n->kind) {
    case ND_STR: emit(g, "&sipc_k%d", const_index(g, n)); break;
    case ND_INT: emit(g, "%lldLL", n->ival); break;
    case ND_PVAR: emit(g, "%s(m)", n->pv->getter); break;
    case ND_CALL:
        emit(g, "%s(m", n->fn->csym);
        for (const Node *a = n->args; a; a = a->next) {
            emit(g, ", ");
            emit_expr(g, a);
        }
        emit(g, ")");
        break;
    case ND_EQ:
    case ND_NE:
        if (n->lhs->ty == ty_str) {
            emit(g, n->kind == ND_EQ ? "sipc_str_eq(" : "!sipc_str_eq(");
            emit_expr(g, n->lhs);
            emit(g, ", ");
            emit_expr(g, n->rhs);
            emit(g, ")");
        } else {
            emit(g, "(");
            emit_expr(g, n->lhs);
            emit(g, n->kind == ND_EQ ? " == " : " != ");
            emit_expr(g, n->rhs);
            emit(g, ")");
        }
        break;
    default: emit(g, "0 /* unexpected %s */", ast_kind_name(n->kind));
    }
}

static void emit_block(Gen *g, const Node *block, int depth);

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
            emit(g, "%*s} else if (", depth * 4, "");
            emit_expr(g, n->cond);
            emit(g, ") {\n");
            emit_block(g, n->then, depth + 1);
        }
        if (n->els) {
            emit(g, "%*s} else {\n", depth * 4, "");
            emit_block(g, n->els, depth + 1);
        }
        emit(g, "%*s}\n", depth * 4, "");
        break;
    case ND_EXIT: emit(g, "return SIPC_EXIT;\n"); break;
    case ND_DROP: emit(g, "return SIPC_DROP;\n"); break;
    case ND_ROUTE_CALL:
        emit(g, "if ((r = ");
        emit_route_name(g, n->target);
        emit(g, "(m)) != SIPC_CONTINUE)\n%*sreturn r;\n", (depth + 1) * 4, "");
        break;
    case ND_EXPR_STMT:
        emit(g, "(void)");
        emit_expr(g, n->lhs);
        emit(g, ";\n");
        break;
    default: emit(g, "/* unexpected %s */\n", ast_kind_name(n->kind));
    }
}

static void emit_block(Gen *g, const Node *block, int depth)
{
    for (const Node *s = block->body; s; s = s->next)
        emit_stmt(g, s, depth);
}

static int uses_route_calls(const Node *n)
{
    for (; n; n = n->next)
        if (n->kind == ND_ROUTE_CALL || uses_route_calls(n->body) || uses_route_calls(n->then) ||
            uses_route_calls(n->els))
            return 1;
    return 0;
}

static void emit_route(Gen *g, const Route *r)
{
    emit(g, "\nstatic int ");
    emit_route_name(g, r);
    emit(g, "(sipc_msg *m)\n{\n");
    if (uses_route_calls(r->body->body))
        emit(g, "    int r;\n\n");
    emit_block(g, r->body, 1);
    emit(g, "    return SIPC_CONTINUE;\n}\n");
}

/* --- the whole program ----------------------------------------------------- */

static const char *kind_enum(int kind)
{
    switch (kind) {
    case SIPC_RK_FAILURE: return "SIPC_RK_FAILURE";
    case SIPC_RK_BRANCH: return "SIPC_RK_BRANCH";
    case SIPC_RK_ONREPLY: return "SIPC_RK_ONREPLY";
    case SIPC_RK_ERROR: return "SIPC_RK_ERROR";
    default: return "SIPC_RK_REQUEST";
    }
}

void gen_source_hash(const char *text, size_t len, char out[17])
{
    unsigned long long h = 0xcbf29ce484222325ULL; /* FNV-1a 64 */
    for (size_t i = 0; i < len; i++) {
        h ^= (unsigned char)text[i];
        h *= 0x100000001b3ULL;
    }
    snprintf(out, 17, "%016llx", h);
}

void gen_program(const Program *prog, const Source *src, FILE *out)
{
    Gen g = {.out = out, .src = src, .prog = prog};
    for (const Route *r = prog->routes; r; r = r->next)
        collect_consts(&g, r->body);

    emit(&g, "/* Generated by sipc from ");
    emit_c_string(&g, src->path, (int)strlen(src->path));
    emit(&g, "; do not edit. */\n");
    emit(&g, "#ifndef SIPC_ABI_H\n#include <sipc/abi.h>\n#endif\n");

    if (g.nconsts)
        emit(&g, "\n");
    for (int i = 0; i < g.nconsts; i++) {
        emit(&g, "static const sipc_str sipc_k%d = {\"", i);
        emit_c_string(&g, g.consts[i]->sval, g.consts[i]->slen);
        emit(&g, "\", %d};\n", g.consts[i]->slen);
    }

    emit(&g, "\n");
    for (const Route *r = prog->routes; r; r = r->next) {
        emit(&g, "static int ");
        emit_route_name(&g, r);
        emit(&g, "(sipc_msg *m);\n");
    }
    for (const Route *r = prog->routes; r; r = r->next)
        emit_route(&g, r);

    emit(&g, "\nstatic const sipc_route_desc sipc_routes[] = {\n");
    for (const Route *r = prog->routes; r; r = r->next) {
        emit(&g, "    {%s, \"%.*s\", ", kind_enum(r->kind), r->name.n, r->name.z);
        emit_route_name(&g, r);
        emit(&g, "},\n");
    }
    emit(&g, "};\n");

    char hash[17];
    gen_source_hash(src->text, src->len, hash);
    emit(&g, "\nconst sipc_policy_desc sipc_policy = {\n");
    emit(&g, "    SIPC_POLICY_MAGIC,\n    SIPC_ABI_VERSION,\n    \"");
    emit_c_string(&g, src->path, (int)strlen(src->path));
    emit(&g, "\",\n    \"%s\",\n    %d,\n    sipc_routes,\n};\n", hash, prog->nroutes);
    arena_free(&g.scratch);
}
