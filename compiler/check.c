/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * check.c - the checker's driver: declarations, settings, and the route
 * graph; expression and statement types are in check_expr.c, definite
 * assignment and reachability in flow.c.
 *
 * Order of work:
 *  1. declarations (`avp`, `flag`, `bflag`) and settings;
 *  2. route names: duplicates, the main route;
 *  3. the route graph: route(NAME) calls and t_on_failure/branch/reply
 *     arming resolved, recursion refused, and for every route the set of
 *     entry-block kinds that can reach it, so a sub-route is checked in the
 *     context of every kind of block that can run it;
 *  4. bodies, callees before callers (so a route's return type is known
 *     where it is used): quiet passes until $var and route types settle,
 *     then one pass that reports;
 *  5. flow.c; then warnings about what is declared and never used.
 *
 * Every error is reported; diag.c caps the count.  A wrong expression gets
 * ty_error, which every rule accepts silently, so one mistake gives one
 * message.
 */
#include <string.h>

#include "check.h"

/* check_error, check_warning, check_note: diagnostics unless in a quiet pass. */
#define CHECK_DIAG_FN(fn, lvl)                                                                       \
    void fn(Checker *c, int off, const char *fmt, ...)                                             \
    {                                                                                              \
        if (c->quiet)                                                                              \
            return;                                                                                \
        va_list ap;                                                                                \
        va_start(ap, fmt);                                                                         \
        diag_report(c->d, lvl, off, fmt, ap);                                                      \
        va_end(ap);                                                                                \
    }
CHECK_DIAG_FN(check_error, DL_ERROR)
CHECK_DIAG_FN(check_warning, DL_WARNING)
CHECK_DIAG_FN(check_note, DL_NOTE)

/* --- declarations --------------------------------------------------------- */

/* Namespaces of Program.names, the checker's index. */
enum { NS_ROUTE = 100, NS_DECL = 200 };

Decl *check_find_decl(Program *prog, DeclKind kind, const char *z, int n)
{
    return map_get(&prog->names, NS_DECL + (int)kind, z, n);
}

static const char *decl_word(DeclKind k)
{
    return k == DECL_AVP ? "avp" : k == DECL_FLAG ? "flag" : "bflag";
}

static void check_decls(Checker *c)
{
    Program *prog = c->prog;
    for (Decl *d = prog->decls; d; d = d->next) /* index the first of each name */
        if (!check_find_decl(prog, d->kind, d->name.z, d->name.n))
            map_put(&prog->names, c->a, NS_DECL + (int)d->kind, d->name.z, d->name.n, d);
    for (Decl *d = prog->decls; d; d = d->next) {
        Decl *first = check_find_decl(prog, d->kind, d->name.z, d->name.n);
        if (first != d) {
            check_error(c, d->name.off, "%s '%.*s' is already declared", decl_word(d->kind), d->name.n,
                        d->name.z);
            check_note(c, first->name.off, "the first declaration is here");
            continue;
        }
        if (d->kind == DECL_AVP) {
            Token t = d->type_tok;
            if (t.n == 3 && memcmp(t.z, "int", 3) == 0)
                d->type = ty_int;
            else if (t.n == 6 && memcmp(t.z, "string", 6) == 0)
                d->type = ty_str;
            else {
                check_error(c, t.off, "an AVP holds 'int' or 'string', not '%.*s'", t.n, t.z);
                d->type = ty_error;
            }
            d->index = prog->navps++;
        } else {
            int *count = d->kind == DECL_FLAG ? &prog->nflags : &prog->nbflags;
            if (*count == 32)
                check_error(c, d->name.off, "too many %ss: at most 32 can be declared", decl_word(d->kind));
            d->index = (*count)++;
        }
    }
}

static void warn_unused_decls(Checker *c)
{
    for (Decl *d = c->prog->decls; d; d = d->next)
        if (!d->used && check_find_decl(c->prog, d->kind, d->name.z, d->name.n) == d)
            check_warning(c, d->name.off, "%s '%.*s' is declared but never used", decl_word(d->kind),
                          d->name.n, d->name.z);
}

/* --- settings -------------------------------------------------------------- */

static const char *setting_type_name(SettingType t)
{
    switch (t) {
    case SET_INT: return "an integer";
    case SET_STR: return "a string";
    case SET_BOOL: return "true or false";
    case SET_ADDR: return "an address such as udp:127.0.0.1:5060";
    default: return "a name";
    }
}

/* "a|b|c" contains the word z[0..n)? */
static int choice_ok(const char *choices, const char *z, int n)
{
    for (const char *s = choices; *s;) {
        size_t len = strcspn(s, "|");
        if ((int)len == n && memcmp(s, z, len) == 0)
            return 1;
        s += len + (s[len] == '|');
    }
    return 0;
}

/* proto:host[:port], proto one of udp/tcp/tls (the lexer guarantees it). */
static void check_address(Checker *c, Node *v)
{
    const char *s = v->tok.z + 4, *end = v->tok.z + v->tok.n;
    const char *host = s, *host_end;
    if (*s == '[') {
        host_end = memchr(s, ']', (size_t)(end - s));
        if (!host_end) {
            check_error(c, v->tok.off + 4, "unclosed '[' in the address");
            return;
        }
        host_end++;
    } else {
        host_end = memchr(s, ':', (size_t)(end - s));
        if (!host_end)
            host_end = end;
    }
    if (host_end == host) {
        check_error(c, v->tok.off + 4, "the address has no host");
        return;
    }
    for (const char *q = host; q < host_end && *host != '['; q++)
        if (!(*q == '.' || *q == '-' || *q == '*' || (*q >= '0' && *q <= '9') || (*q >= 'a' && *q <= 'z') ||
              (*q >= 'A' && *q <= 'Z'))) {
            check_error(c, v->tok.off + (int)(q - v->tok.z), "invalid character '%c' in the host", *q);
            return;
        }
    if (host_end < end) {
        const char *port = host_end + 1;
        long val = 0;
        if (*host_end != ':' || port == end) {
            check_error(c, v->tok.off + (int)(host_end - v->tok.z), "expected ':PORT' after the host");
            return;
        }
        for (const char *q = port; q < end; q++) {
            if (*q < '0' || *q > '9' || val > 65535) {
                check_error(c, v->tok.off + (int)(port - v->tok.z), "the port must be 1..65535");
                return;
            }
            val = val * 10 + (*q - '0');
        }
        if (val < 1 || val > 65535)
            check_error(c, v->tok.off + (int)(port - v->tok.z), "the port must be 1..65535");
    }
}

static void check_setting(Checker *c, Setting *s)
{
    const SettingDef *def = setting_find(s->name.z, s->len);
    if (!def) {
        check_error(c, s->name.off, "unknown setting '%.*s'", s->len, s->name.z);
        return;
    }
    s->def = def;
    for (Setting *o = c->prog->settings; o != s; o = o->next)
        if (o->def == def && !def->repeat) {
            int line, col;
            source_line_col(c->d->src, o->name.off, &line, &col);
            check_error(c, s->name.off, "setting '%s' is already given at line %d", def->name, line);
            return;
        }

    Node *v = s->value;
    long long num = v->ival;
    int ok;
    if (v->kind == ND_NEG && v->lhs->kind == ND_INT) {
        num = -v->lhs->ival;
        ok = def->type == SET_INT;
    } else {
        switch (def->type) {
        case SET_INT: ok = v->kind == ND_INT; break;
        case SET_STR: ok = v->kind == ND_STR; break;
        case SET_BOOL: ok = v->kind == ND_BOOL; break;
        case SET_ADDR: ok = v->kind == ND_ADDR; break;
        default: ok = v->kind == ND_IDENT; break;
        }
    }
    if (!ok) {
        if (v->kind == ND_INTERP)
            check_error(c, v->tok.off, "a setting cannot use pseudo-variables");
        else
            check_error(c, v->tok.off, "setting '%s' takes %s", def->name, setting_type_name(def->type));
        return;
    }
    if (def->type == SET_INT && (num < def->min || num > def->max))
        check_error(c, v->tok.off, "setting '%s' must be %lld..%lld, not %lld", def->name, def->min, def->max,
                    num);
    else if (def->type == SET_ENUM && !choice_ok(def->choices, v->tok.z, v->tok.n))
        check_error(c, v->tok.off, "setting '%s' must be one of %s", def->name, def->choices);
    else if (def->type == SET_ADDR)
        check_address(c, v);
}

/* --- routes ----------------------------------------------------------------- */

static Route *find_route(Program *prog, int kind, const char *z, int n)
{
    return n > 0 ? map_get(&prog->names, NS_ROUTE + kind, z, n) : NULL;
}

static void check_route_names(Checker *c)
{
    Route *main_route = NULL;
    Route *mains[SIPC_RK_ERROR + 1] = {0}; /* the first main block of each kind */
    for (Route *r = c->prog->routes; r; r = r->next) {
        Route *prev;
        if (r->name.n == 0) {
            prev = mains[r->kind];
            if (!prev)
                mains[r->kind] = r;
        } else {
            prev = find_route(c->prog, r->kind, r->name.z, r->name.n);
            if (!prev)
                map_put(&c->prog->names, c->a, NS_ROUTE + r->kind, r->name.z, r->name.n, r);
        }
        if (prev && r->name.n == 0) {
            check_error(c, r->kw.off, "a second main '%.*s' block", r->kw.n, r->kw.z);
            check_note(c, prev->kw.off, "the first one is here");
        } else if (prev) {
            check_error(c, r->name.off, "redefinition of %.*s[%.*s]", r->kw.n, r->kw.z, r->name.n, r->name.z);
            check_note(c, prev->name.off, "the first definition is here");
            r->used = 1; /* one error is enough */
        }
        if (r->kind == SIPC_RK_REQUEST && r->name.n == 0 && !main_route)
            main_route = r;
    }
    if (!main_route)
        check_error(c, 0, "the policy has no main 'route { }' block");
}

/* The route kind a route-name parameter letter refers to. */
static int route_letter_kind(char letter)
{
    return letter == 'F' ? SIPC_RK_FAILURE : letter == 'B' ? SIPC_RK_BRANCH : letter == 'R' ? SIPC_RK_ONREPLY : 0;
}

static const char *kind_keyword(int kind)
{
    return kind == SIPC_RK_FAILURE ? "failure_route" : kind == SIPC_RK_BRANCH ? "branch_route"
                                                     : kind == SIPC_RK_ONREPLY ? "onreply_route" : "route";
}

/*
 * Resolves route(NAME) calls and route names given to t_on_failure() and
 * friends (visited by ast_walk).  Arguments are matched to parameter
 * letters the way check_expr() does it.
 */
static void resolve_node(Node *n, void *ctx)
{
    Checker *c = ctx;
    if (n->kind == ND_ROUTE_CALL) {
        n->target = find_route(c->prog, SIPC_RK_REQUEST, n->tok.z, n->tok.n);
        if (!n->target)
            check_error(c, n->tok.off, "unknown route '%.*s'", n->tok.n, n->tok.z);
        else
            n->target->used = 1;
        return;
    }
    const Builtin *fn = n->kind == ND_CALL ? builtin_find(n->tok.z, n->tok.n) : NULL;
    if (!fn)
        return;
    Node *a = n->args;
    for (const char *sig = fn->params; *sig && a; sig++) {
        if (*sig == '?')
            continue;
        int kind = route_letter_kind(*sig);
        if (kind && a->kind == ND_STR) {
            a->target = find_route(c->prog, kind, a->sval, a->slen);
            Route *other = NULL;
            for (int k = 1; k <= SIPC_RK_ERROR && !a->target && !other; k <<= 1)
                other = find_route(c->prog, k, a->sval, a->slen);
            if (!a->target && other)
                check_error(c, a->tok.off, "%s[%.*s] does not exist; %.*s[%.*s] is another kind of route",
                            kind_keyword(kind), a->slen, a->sval, other->kw.n, other->kw.z, a->slen, a->sval);
            else if (!a->target)
                check_error(c, a->tok.off, "%s[%.*s] does not exist", kind_keyword(kind), a->slen, a->sval);
            else
                a->target->used = 1;
        }
        a = a->next;
    }
}

typedef void RouteCall_fn(Checker *c, Route *from, Route *to, Node *call);

typedef struct CallWalk {
    Checker *c;
    Route *from;
    RouteCall_fn *fn;
} CallWalk;

static void call_node(Node *n, void *ctx)
{
    CallWalk *w = ctx;
    if (n->kind == ND_ROUTE_CALL && n->target)
        w->fn(w->c, w->from, n->target, n);
}

/* Calls `fn(c, from, target, call)` for every route(NAME) under n. */
static void each_route_call(Checker *c, Node *n, Route *from, RouteCall_fn *fn)
{
    CallWalk w = {c, from, fn};
    ast_walk(n, call_node, &w);
}

/* --- recursion, reach and order ---------------------------------------------- */

struct Walk {
    Route **order; /* callees before callers */
    int norder;
    Route *stack[256];
    int depth;
};

static void visit_route(Checker *c, Route *r);

static void visit_call(Checker *c, Route *from, Route *to, Node *call)
{
    (void)from;
    Walk *w = c->walk;
    if (to->visiting) {
        char path[512];
        size_t used = 0;
        int i = w->depth - 1;
        while (i > 0 && w->stack[i] != to)
            i--;
        for (; i < w->depth && used < sizeof path; i++)
            used += (size_t)snprintf(path + used, sizeof path - used, "%.*s -> ", w->stack[i]->name.n,
                                     w->stack[i]->name.z);
        if (used < sizeof path)
            snprintf(path + used, sizeof path - used, "%.*s", to->name.n, to->name.z);
        check_error(c, call->tok.off, "recursive route call: %s", path);
        call->target = NULL; /* break the cycle for every later pass */
        return;
    }
    visit_route(c, to);
}

static void visit_route(Checker *c, Route *r)
{
    Walk *w = c->walk;
    if (r->visited || w->depth == (int)(sizeof w->stack / sizeof w->stack[0]))
        return;
    r->visiting = 1;
    w->stack[w->depth++] = r;
    each_route_call(c, r->body, r, visit_call);
    w->depth--;
    r->visiting = 0;
    r->visited = 1;
    w->order[w->norder++] = r;
}

/* Marks every route reachable from c->entry with the entry's kind. */
static void spread_reach(Checker *c, Route *from, Route *to, Node *call)
{
    (void)from;
    (void)call;
    int kind = c->entry->kind;
    if (to->reached_kinds & kind)
        return;
    to->reached_kinds |= kind;
    for (int i = 0; i < 5; i++)
        if (kind == 1 << i)
            to->via[i] = c->entry;
    each_route_call(c, to->body, to, spread_reach);
}

static int is_entry(const Route *r)
{
    return r->kind != SIPC_RK_REQUEST || r->name.n == 0;
}

/* --- driver ------------------------------------------------------------------ */

static int count_typed(Program *prog)
{
    int n = 0;
    for (Var *v = prog->vars; v; v = v->next)
        n++;
    for (Route *r = prog->routes; r; r = r->next)
        n += r->ret != NULL;
    return n;
}

static void check_bodies(Checker *c, Route **order, int n)
{
    for (int i = 0; i < n; i++) {
        Route *r = order[i];
        c->route = r;
        c->kinds = r->reached_kinds ? r->reached_kinds : r->kind;
        check_route_body(c, r);
    }
}

int check_program(Arena *a, Diag *d, Program *prog)
{
    Checker c = {.a = a, .d = d, .prog = prog};
    int nerr0 = d->nerr;
    check_decls(&c);
    for (Setting *s = prog->settings; s; s = s->next)
        check_setting(&c, s);
    check_route_names(&c);
    for (Route *r = prog->routes; r; r = r->next)
        ast_walk(r->body, resolve_node, &c);

    Walk w = {.order = arena_alloc(a, sizeof(Route *) * (size_t)(prog->nroutes + 1))};
    c.walk = &w;
    for (Route *r = prog->routes; r; r = r->next)
        visit_route(&c, r);
    c.walk = NULL;
    for (Route *r = prog->routes; r; r = r->next)
        if (is_entry(r)) {
            r->reached_kinds = r->kind;
            c.entry = r;
            each_route_call(&c, r->body, r, spread_reach);
        }

    /* Quiet passes settle $var types and route return types. */
    c.quiet = 1;
    for (int pass = 0, before = -1; pass < 8 && before != count_typed(prog); pass++) {
        before = count_typed(prog);
        check_bodies(&c, w.order, w.norder);
    }
    c.quiet = 0;
    check_bodies(&c, w.order, w.norder);

    for (Route *r = prog->routes; r; r = r->next) {
        if (r->kind == SIPC_RK_REQUEST && r->name.n > 0 && !r->used)
            check_warning(&c, r->name.off, "route[%.*s] is never used", r->name.n, r->name.z);
        else if (r->name.n > 0 && r->kind != SIPC_RK_REQUEST && !r->used)
            check_warning(&c, r->name.off, "%.*s[%.*s] is never armed", r->kw.n, r->kw.z, r->name.n,
                          r->name.z);
    }
    flow_check(a, d, prog);
    for (Route *r = prog->routes; r; r = r->next)
        if (r->value_used && r->can_fall_off)
            check_warning(&c, r->name.off,
                          "route[%.*s] can end without returning a value; route(%.*s) then yields %s",
                          r->name.n, r->name.z, r->name.n, r->name.z,
                          r->ret == ty_str ? "\"\"" : r->ret == ty_bool ? "false" : "0");
    warn_unused_decls(&c);
    return d->nerr == nerr0 ? 0 : -1;
}

static const char *article(int kind)
{
    return kind == SIPC_RK_ONREPLY || kind == SIPC_RK_ERROR ? "an" : "a";
}

/* Reports a use outside the kinds it is allowed in, naming how the route
 * is reached when it is a sub-route. */
void check_kinds(Checker *c, int off, int allowed, const char *what, const char *verb)
{
    int bad = c->kinds & ~allowed;
    if (!bad)
        return;
    int kind = bad & -bad; /* lowest offending kind */
    Route *r = c->route;
    if (is_entry(r)) {
        check_error(c, off, "%s %s %s %s", what, verb, article(kind), route_kind_name(kind));
        return;
    }
    /* Name one entry block of that kind that reaches this sub-route. */
    Route *via = NULL;
    for (int i = 0; i < 5; i++)
        if (kind == 1 << i)
            via = r->via[i];
    int line = 0, col;
    if (via)
        source_line_col(c->d->src, via->kw.off, &line, &col);
    check_error(c, off, "%s %s %s %s; route[%.*s] runs as part of the %s at line %d", what, verb,
                article(kind), route_kind_name(kind), r->name.n, r->name.z, route_kind_name(kind), line);
}
