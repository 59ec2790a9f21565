/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ul_sql.h - the `location` table through prepared statements (ul_sql.c).
 * Used by ul_store.c and by `sipctl ul`.  Every function returns 0 (or a
 * count) on success and -1 on a database error (db_error() says why).
 */
#ifndef SIPC_UL_SQL_H
#define SIPC_UL_SQL_H

#include "ul.h"

typedef struct UlSql UlSql;

/* Prepares the statements; NULL on failure (err). Borrows db. */
UlSql *ul_sql_open(Db *db, char *err, size_t errlen);
void ul_sql_close(UlSql *s);

/* Bindings of one AOR with expires > now (unsorted); appended to *out. */
int ul_sql_get(UlSql *s, const char *tbl, const char *aor, int64_t now, UlList *out);
/* Insert, or update the row with the same (tbl, aor, contact). */
int ul_sql_put(UlSql *s, const char *tbl, const char *aor, const UlBinding *b);
/* Delete one contact of the AOR, or all of them when contact is NULL;
 * the number of rows deleted. */
long ul_sql_del(UlSql *s, const char *tbl, const char *aor, const char *contact);
/* Delete the rows with expires <= now; the number deleted. */
long ul_sql_del_expired(UlSql *s, int64_t now);

/* Every row with expires > now (aor "" for all AORs, or one AOR of any
 * table when given), in (tbl, aor) order, to fn; stops when fn returns
 * non-zero.  Number of rows given, or -1. */
typedef int (*ul_sql_row_fn)(void *arg, const char *tbl, const char *aor, const UlBinding *b);
long ul_sql_each(UlSql *s, const char *aor, int64_t now, ul_sql_row_fn fn, void *arg);

#endif
