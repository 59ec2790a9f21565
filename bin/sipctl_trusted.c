/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * sipctl_trusted.c - `sipctl trusted add|rm|list`: the trusted peers
 * (table `trusted`, runtime/trusted.h) whose requests allow_trusted()
 * accepts without credentials.
 *
 * Rows are checked here as sipd checks them when it reads the table
 * (trusted_check_row: address or CIDR block with no host bits set,
 * transport, a regular expression that compiles at a sane cost), and the
 * source is stored in its canonical form, so what `list` shows is what
 * sipd matches.  A running sipd reads the table again every
 * trusted.reload_interval seconds (default 10): a change takes effect
 * there without a restart.
 *
 * Like `sipctl ul`, this works on the database directly.  The URL comes
 * from --url or SIPC_DB_URL.  Exit statuses: sipctl_common.h (a malformed row
 * is an error, 1; a missing or extra argument a usage error, 2).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "sipctl_common.h"
#include "sipctl_trusted.h"
#include "trusted.h"

enum { TRUSTED_SCHEMA = 3 }; /* the schema version that made the table (db_schema.c) */

void sipctl_trusted_help(FILE *f)
{
    fprintf(f, "\n"
               "  trusted add      trust requests from SRC (an address, or a CIDR block such\n"
               "                   as 192.0.2.0/24 or 2001:db8::/32) over --proto (any, the\n"
               "                   default, udp, tcp or tls), whose From URI matches --pattern\n"
               "                   (a POSIX extended regular expression, unanchored) when\n"
               "                   given; --tag names the peer in logs\n"
               "  trusted rm       remove the row ID, or every row of source SRC\n"
               "  trusted list     list the rows (a row sipd would leave out is marked)\n"
               "\n"
               "  Like ul, trusted works on the database (--url URL or SIPC_DB_URL); a\n"
               "  running sipd reads the table again every trusted.reload_interval seconds.\n");
}

/* --- arguments ------------------------------------------------------------------ */

typedef struct Args {
    const char *url, *proto, *pattern, *tag;
    int npos;
    char *pos[1];
} Args;

/* --- database ------------------------------------------------------------------- */

static int db_fail(Db *db, DbStmt *st)
{
    fprintf(stderr, "sipctl: %s: %s\n", db_url_safe(db), db_error(db));
    db_finalize(st);
    return SIPCTL_ERR;
}

static int same(const char *a, const char *b)
{
    return (!a && !b) || (a && b && !strcmp(a, b));
}

/* --- add, rm, list ------------------------------------------------------------------ */

static int trusted_add_row(Db *db, const Args *a)
{
    char canon[TRUSTED_SRC_MAX], err[512];
    const char *proto = a->proto ? a->proto : "any";
    const char *pattern = a->pattern && *a->pattern ? a->pattern : NULL;
    const char *tag = a->tag && *a->tag ? a->tag : NULL;
    if (trusted_check_row(a->pos[0], proto, pattern, tag, canon, err, sizeof err) < 0) {
        fprintf(stderr, "sipctl: %s\n", err);
        return SIPCTL_ERR;
    }
    char lproto[TRUSTED_PROTO_MAX + 1]; /* stored in lower case, as sipd compares */
    size_t n = strlen(proto);
    for (size_t i = 0; i <= n; i++)
        lproto[i] = (char)(proto[i] >= 'A' && proto[i] <= 'Z' ? proto[i] - 'A' + 'a' : proto[i]);

    /* The same source, transport and pattern twice would only be noise. */
    DbStmt *st = db_prepare(db, "SELECT id, from_pattern FROM trusted WHERE src = ? AND proto = ?");
    int rc;
    if (!st || db_bind_text(st, 1, canon) < 0 || db_bind_text(st, 2, lproto) < 0)
        return db_fail(db, st);
    while ((rc = db_step(st)) == DB_ROW)
        if (same(db_col_text(st, 1), pattern)) {
            fprintf(stderr, "sipctl: %s over %s%s is already trusted (row %lld)\n", canon, lproto,
                    pattern ? " with that pattern" : "", db_col_int(st, 0));
            db_finalize(st);
            return SIPCTL_ERR;
        }
    if (rc != DB_DONE)
        return db_fail(db, st);
    db_finalize(st);

    st = db_prepare(db, "INSERT INTO trusted (src, proto, from_pattern, tag) VALUES (?, ?, ?, ?)");
    if (!st || db_bind_text(st, 1, canon) < 0 || db_bind_text(st, 2, lproto) < 0 ||
        db_bind_text(st, 3, pattern) < 0 || db_bind_text(st, 4, tag) < 0 || db_step(st) != DB_DONE)
        return db_fail(db, st);
    db_finalize(st);
    printf("trusted %s over %s%s%s%s%s\n", canon, lproto, pattern ? ", From URI matching " : "",
           pattern ? pattern : "", tag ? ", tag " : "", tag ? tag : "");
    return SIPCTL_OK;
}

static int trusted_rm_row(Db *db, const Args *a)
{
    const char *arg = a->pos[0];
    char canon[TRUSTED_SRC_MAX], err[512];
    int by_id = *arg != '\0' && strspn(arg, "0123456789") == strlen(arg) && strlen(arg) < 19;
    if (!by_id && trusted_check_row(arg, NULL, NULL, NULL, canon, err, sizeof err) < 0) {
        fprintf(stderr, "sipctl: %s is no row id, and %s\n", arg, err);
        return SIPCTL_ERR;
    }
    DbStmt *st =
        db_prepare(db, by_id ? "DELETE FROM trusted WHERE id = ?" : "DELETE FROM trusted WHERE src = ?");
    if (!st || (by_id ? db_bind_int(st, 1, atoll(arg)) : db_bind_text(st, 1, canon)) < 0 ||
        db_step(st) != DB_DONE)
        return db_fail(db, st);
    long long n = db_changes(st);
    db_finalize(st);
    if (n == 0) {
        fprintf(stderr, "sipctl: no trusted row %s%s\n", by_id ? "" : "for ", by_id ? arg : canon);
        return SIPCTL_ERR;
    }
    printf("removed %lld row%s\n", n, n == 1 ? "" : "s");
    return SIPCTL_OK;
}

static int trusted_list(Db *db)
{
    DbStmt *st = db_prepare(db, "SELECT id, src, proto, from_pattern, tag FROM trusted ORDER BY id");
    int rc;
    long n = 0;
    if (!st)
        return db_fail(db, st);
    while ((rc = db_step(st)) == DB_ROW) {
        const char *src = db_col_text(st, 1), *proto = db_col_text(st, 2);
        const char *pattern = db_col_text(st, 3), *tag = db_col_text(st, 4);
        char err[512];
        if (!n)
            printf("%-6s %-30s %-5s %-16s %s\n", "id", "source", "proto", "tag", "From pattern");
        /* Rows may have been written by other tools: what is stored is
         * shown escaped, never raw to the terminal. */
        char *e_src = sipctl_escaped(src ? src : ""), *e_proto = sipctl_escaped(proto ? proto : "");
        char *e_tag = sipctl_escaped(tag ? tag : "-"), *e_pat = sipctl_escaped(pattern ? pattern : "-");
        printf("%-6lld %-30s %-5s %-16s %s\n", db_col_int(st, 0), e_src ? e_src : "?", e_proto ? e_proto : "?",
               e_tag ? e_tag : "?", e_pat ? e_pat : "?");
        free(e_src), free(e_proto), free(e_tag), free(e_pat);
        if (trusted_check_row(src ? src : "", proto, pattern, tag, NULL, err, sizeof err) < 0) {
            fputs("       left out by sipd: ", stdout);
            sipctl_put(err);
            putchar('\n');
        }
        n++;
    }
    if (rc != DB_DONE)
        return db_fail(db, st);
    db_finalize(st);
    printf("%s%ld trusted row%s\n", n ? "\n" : "", n, n == 1 ? "" : "s");
    return SIPCTL_OK;
}

int sipctl_trusted(int argc, char **argv)
{
    Args a = {0};
    if (argc < 2) {
        fprintf(stderr, "sipctl: trusted needs add, rm or list\n");
        return SIPCTL_USAGE;
    }
    const char *sub = argv[1];
    int add = !strcmp(sub, "add"), rm = !strcmp(sub, "rm"), list = !strcmp(sub, "list");
    if (!add && !rm && !list) {
        fprintf(stderr, "sipctl: unknown trusted command \"%s\"\n", sub);
        return SIPCTL_USAGE;
    }
    const char *for_add = add ? NULL : "trusted add"; /* refuses the others' --proto ... */
    const SipctlOpt opts[] = {
        {"--url", &a.url, NULL, NULL},
        {"--proto", &a.proto, NULL, for_add},
        {"--pattern", &a.pattern, NULL, for_add},
        {"--tag", &a.tag, NULL, for_add},
        {NULL, NULL, NULL, NULL},
    };
    int rc = sipctl_args(argc, argv, opts, a.pos, 1, &a.npos);
    if (rc)
        return rc;
    if (list && a.npos) {
        fprintf(stderr, "sipctl: trusted list takes no argument\n");
        return SIPCTL_USAGE;
    }
    if (!list && !a.npos) {
        fprintf(stderr, "sipctl: trusted %s needs %s\n", sub, add ? "SRC" : "ID or SRC");
        return SIPCTL_USAGE;
    }
    const char *url = sipctl_url(a.url);
    if (!url)
        return SIPCTL_USAGE;
    Db *db = sipctl_open(url, 0);
    if (!db)
        return SIPCTL_ERR;
    int ok = sipctl_check_schema(db, TRUSTED_SCHEMA, "the trusted table") == 0;
    rc = !ok ? SIPCTL_ERR : add ? trusted_add_row(db, &a) : rm ? trusted_rm_row(db, &a) : trusted_list(db);
    db_close(db);
    return rc;
}
