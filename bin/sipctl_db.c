/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * sipctl_db.c - `sipctl db` (create, upgrade, show the schema) and
 * `sipctl ul` (list and remove user-location bindings), on the database
 * itself through runtime/db.h.
 *
 * There is no management interface to a running sipd yet, so `ul` reads
 * and writes the `location` table directly: it sees what sipd has written
 * there, which is nothing in usrloc.db_mode=memory, and a sipd in
 * write_through or write_back keeps serving from its own memory whatever
 * `ul rm` deletes (and may write the row again); in db_only, sipd reads
 * the table on every lookup, so both see the same bindings.
 *
 * The URL comes from the command line or SIPC_DB_URL (sipctl_common.c
 * parses the arguments and checks the schema).  Exit statuses: see
 * sipctl_common.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "db.h"
#include "sipctl_common.h"
#include "sipctl_db.h"

void sipctl_db_help(FILE *f)
{
    fprintf(f,
            "  db init URL      create sipc's tables in an empty database (refused when a\n"
            "                   schema exists: use migrate)\n"
            "  db migrate URL   upgrade the schema to this build's version\n"
            "  db version URL   show the database's schema version\n"
            "  ul show          list the bindings (of one AOR): contact, expiry, q, path,\n"
            "                   received, socket, instance and reg-id, user agent; expired\n"
            "                   ones are hidden unless --all, which marks them \"expired\"\n"
            "  ul rm            remove an AOR's bindings, or one contact of it\n"
            "\n"
            "  URL is sqlite:PATH, sqlite:///ABS/PATH or\n"
            "  mysql://USER:PASS@HOST[:PORT]/DB[?socket=PATH]; without one, SIPC_DB_URL.\n"
            "  --table NAME limits ul to the policy's table NAME (default: all tables).\n"
            "\n"
            "  `ul` works on the database directly, not through a running sipd (there is\n"
            "  no management interface yet).  So it sees nothing when sipd runs with\n"
            "  usrloc.db_mode=memory; with write_through or write_back, a running sipd\n"
            "  serves from its own copy in memory: `ul rm` does not remove a binding\n"
            "  there (and sipd may write the row again), and `ul show` may lag behind\n"
            "  it; with db_only, sipd and sipctl share the table.\n");
}

/* --- arguments --------------------------------------------------------------- */

typedef struct Args {
    const char *url;
    const char *table;
    int all;
    int npos;
    char *pos[2];
} Args;

/* --- db -------------------------------------------------------------------- */

static int db_init(Db *db)
{
    char err[600];
    int from, v = db_schema_version(db);
    if (v < 0) {
        fprintf(stderr, "sipctl: %s: %s\n", db_url_safe(db), db_error(db));
        return SIPCTL_ERR;
    }
    if (v > 0) {
        fprintf(stderr, "sipctl: %s already has a sipc schema (version %d); use `sipctl db migrate`\n",
                db_url_safe(db), v);
        return SIPCTL_ERR;
    }
    if (db_schema_migrate(db, &from, err, sizeof err) < 0) {
        fprintf(stderr, "sipctl: %s: %s\n", db_url_safe(db), err);
        return SIPCTL_ERR;
    }
    printf("created schema version %d in %s\n", db_schema_current(), db_url_safe(db));
    return SIPCTL_OK;
}

static int db_migrate(Db *db)
{
    char err[600];
    int from;
    if (db_schema_migrate(db, &from, err, sizeof err) < 0) {
        fprintf(stderr, "sipctl: %s: %s\n", db_url_safe(db), err);
        return SIPCTL_ERR;
    }
    if (from == db_schema_current())
        printf("already at version %d\n", from);
    else
        printf("schema version %d -> %d\n", from, db_schema_current());
    return SIPCTL_OK;
}

static int db_version(Db *db)
{
    int v = db_schema_version(db), cur = db_schema_current();
    if (v < 0) {
        fprintf(stderr, "sipctl: %s: %s\n", db_url_safe(db), db_error(db));
        return SIPCTL_ERR;
    }
    printf("schema version %d (this build: %d)%s\n", v, cur,
           v == 0 ? "; no sipc tables: sipctl db init" : v < cur ? "; sipctl db migrate upgrades it"
                                                  : v > cur ? "; newer than this build"
                                                            : "");
    return SIPCTL_OK;
}

int sipctl_db(int argc, char **argv)
{
    Args a = {0};
    if (argc < 2) {
        fprintf(stderr, "sipctl: db needs init, migrate or version\n");
        return SIPCTL_USAGE;
    }
    const char *sub = argv[1];
    int (*fn)(Db *) = !strcmp(sub, "init") ? db_init : !strcmp(sub, "migrate") ? db_migrate
                                                   : !strcmp(sub, "version")   ? db_version
                                                                               : NULL;
    if (!fn) {
        fprintf(stderr, "sipctl: unknown db command \"%s\"\n", sub);
        return SIPCTL_USAGE;
    }
    /* No options: the URL is the argument; `--bogus` is an unknown option
     * (a usage error), `-- -URL` a URL that starts with '-'. */
    static const SipctlOpt none[] = {{NULL, NULL, NULL, NULL}};
    int rc = sipctl_args(argc, argv, none, a.pos, 1, &a.npos);
    if (rc)
        return rc;
    const char *url = sipctl_url(a.npos ? a.pos[0] : NULL);
    if (!url)
        return SIPCTL_USAGE;
    Db *db = sipctl_open(url, fn == db_init || fn == db_migrate); /* the two that make a schema */
    if (!db)
        return SIPCTL_ERR;
    rc = fn(db);
    db_close(db);
    return rc;
}

/* --- ul ------------------------------------------------------------------------ */

/* WHERE clause pieces shared by show and rm: aor, contact, tbl when given,
 * bound in that order from parameter `first`. */
static void where(char *sql, size_t n, const char *head, const Args *a, int with_aor, int with_contact,
                  const char *tail)
{
    snprintf(sql, n, "%s WHERE 1 = 1%s%s%s%s", head, with_aor ? " AND aor = ?" : "",
             with_contact ? " AND contact = ?" : "", a->table ? " AND tbl = ?" : "", tail);
}

static int bind_where(DbStmt *st, int first, const Args *a, const char *aor, const char *contact)
{
    int i = first;
    if (aor && db_bind_text(st, i++, aor) < 0)
        return -1;
    if (contact && db_bind_text(st, i++, contact) < 0)
        return -1;
    if (a->table && db_bind_text(st, i++, a->table) < 0)
        return -1;
    return 0;
}

/* Columns of ul show's SELECT, in order. */
enum { C_TBL, C_AOR, C_CONTACT, C_EXPIRES, C_Q, C_PATH, C_RECEIVED, C_SOCK, C_INSTANCE, C_REG_ID, C_UA,
       C_CALLID, C_CSEQ, C_FLAGS };

/* "LABEL VALUE\n", the value escaped (sipctl_put): what ul show prints of
 * a stored string. */
static void field(const char *label, const char *value, const char *end)
{
    fputs(label, stdout);
    sipctl_put(value);
    fputs(end, stdout);
}

static void print_binding(DbStmt *st, long long now)
{
    long long exp = db_col_int(st, C_EXPIRES);
    long long q = db_col_int(st, C_Q);
    const char *s;
    field("  contact     ", db_col_text(st, C_CONTACT), "\n");
    if (exp > now)
        printf("    expires   in %lld s\n", exp - now);
    else
        printf("    expires   expired %lld s ago\n", now - exp);
    if (q < 0)
        printf("    q         none\n");
    else
        printf("    q         %lld.%03lld\n", q / 1000, q % 1000);
    if ((s = db_col_text(st, C_PATH)))
        field("    path      ", s, "\n");
    if ((s = db_col_text(st, C_RECEIVED)))
        field("    received  ", s, "\n");
    if ((s = db_col_text(st, C_SOCK)))
        field("    socket    ", s, "\n");
    if ((s = db_col_text(st, C_INSTANCE))) {
        field("    instance  ", s, "");
        printf(", reg-id %lld\n", db_col_int(st, C_REG_ID));
    } else if (db_col_int(st, C_REG_ID)) {
        printf("    reg-id    %lld\n", db_col_int(st, C_REG_ID));
    }
    if ((s = db_col_text(st, C_UA)))
        field("    agent     ", s, "\n");
    field("    call-id   ", db_col_text(st, C_CALLID), "");
    printf(", cseq %lld\n", db_col_int(st, C_CSEQ));
    if (db_col_int(st, C_FLAGS))
        printf("    flags     0x%llx\n", (unsigned long long)db_col_int(st, C_FLAGS));
}

static int ul_show(Db *db, const Args *a)
{
    const char *aor = a->npos ? a->pos[0] : NULL;
    char sql[512];
    where(sql, sizeof sql,
          "SELECT tbl, aor, contact, expires, q, path, received, sock, instance, reg_id, user_agent, callid,"
          " cseq, flags FROM location",
          a, aor != NULL, 0, " ORDER BY tbl, aor, contact");
    DbStmt *st = db_prepare(db, sql);
    if (!st || bind_where(st, 1, a, aor, NULL) < 0) {
        fprintf(stderr, "sipctl: %s: %s\n", db_url_safe(db), db_error(db));
        db_finalize(st);
        return SIPCTL_ERR;
    }
    long long now = (long long)time(NULL);
    long shown = 0, aors = 0, hidden = 0;
    char *last = NULL; /* "tbl\naor" of the last heading */
    int rc;
    while ((rc = db_step(st)) == DB_ROW) {
        if (db_col_int(st, C_EXPIRES) <= now && !a->all) {
            hidden++;
            continue;
        }
        const char *tbl = db_col_text(st, C_TBL), *r = db_col_text(st, C_AOR);
        size_t n = strlen(tbl) + strlen(r) + 2;
        char *key = malloc(n);
        if (!key)
            break;
        snprintf(key, n, "%s\n%s", tbl, r);
        if (!last || strcmp(last, key)) {
            field(last ? "\naor " : "aor ", r, " (table ");
            field("", tbl, ")\n");
            aors++;
            free(last);
            last = key;
        } else {
            free(key);
        }
        print_binding(st, now);
        shown++;
    }
    free(last);
    db_finalize(st);
    if (rc != DB_DONE) {
        fprintf(stderr, "sipctl: %s: %s\n", db_url_safe(db), rc == DB_ROW ? "out of memory" : db_error(db));
        return SIPCTL_ERR;
    }
    printf("%s%ld binding%s of %ld AOR%s", shown ? "\n" : "", shown, shown == 1 ? "" : "s", aors,
           aors == 1 ? "" : "s");
    if (hidden)
        printf(" (%ld expired not shown: --all shows them)", hidden);
    printf("\n");
    return SIPCTL_OK;
}

static int ul_rm(Db *db, const Args *a)
{
    const char *aor = a->pos[0], *contact = a->npos > 1 ? a->pos[1] : NULL;
    char sql[256];
    where(sql, sizeof sql, "DELETE FROM location", a, 1, contact != NULL, "");
    DbStmt *st = db_prepare(db, sql);
    if (!st || bind_where(st, 1, a, aor, contact) < 0 || db_step(st) != DB_DONE) {
        fprintf(stderr, "sipctl: %s: %s\n", db_url_safe(db), db_error(db));
        db_finalize(st);
        return SIPCTL_ERR;
    }
    long long n = db_changes(st);
    db_finalize(st);
    if (n == 0) {
        fprintf(stderr, "sipctl: no binding of %s%s%s\n", aor, contact ? " with contact " : "",
                contact ? contact : "");
        return SIPCTL_ERR;
    }
    printf("removed %lld binding%s\n", n, n == 1 ? "" : "s");
    return SIPCTL_OK;
}

int sipctl_ul(int argc, char **argv)
{
    Args a = {0};
    const SipctlOpt opts[] = {
        {"--url", &a.url, NULL, NULL},
        {"--table", &a.table, NULL, NULL},
        {"--all", NULL, &a.all, NULL},
        {NULL, NULL, NULL, NULL},
    };
    if (argc < 2) {
        fprintf(stderr, "sipctl: ul needs show or rm\n");
        return SIPCTL_USAGE;
    }
    int show = !strcmp(argv[1], "show");
    if (!show && strcmp(argv[1], "rm")) {
        fprintf(stderr, "sipctl: unknown ul command \"%s\"\n", argv[1]);
        return SIPCTL_USAGE;
    }
    int rc = sipctl_args(argc, argv, opts, a.pos, show ? 1 : 2, &a.npos);
    if (rc)
        return rc;
    if (!show && a.npos == 0) {
        fprintf(stderr, "sipctl: ul rm needs an AOR\n");
        return SIPCTL_USAGE;
    }
    if (!show && a.all) {
        fprintf(stderr, "sipctl: --all is for ul show\n");
        return SIPCTL_USAGE;
    }
    const char *url = sipctl_url(a.url);
    if (!url)
        return SIPCTL_USAGE;
    Db *db = sipctl_open(url, 0);
    if (!db)
        return SIPCTL_ERR;
    /* ul wants this build's own schema version, not only one with the
     * location table (version 1). */
    int need = db_schema_current();
    rc = sipctl_check_schema(db, need, "sipctl ul") < 0 ? SIPCTL_ERR : show ? ul_show(db, &a) : ul_rm(db, &a);
    db_close(db);
    return rc;
}
