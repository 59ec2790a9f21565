/* SPDX-License-Identifier: GPL-2.0-or-later */
/* sipctl_db.h - `sipctl db` and `sipctl ul` (sipctl_db.c), called by sipctl.c's main(). */
#ifndef SIPC_SIPCTL_DB_H
#define SIPC_SIPCTL_DB_H

#include <stdio.h>

#include "sipctl_common.h" /* the exit statuses, SIPCTL_OK ... */

/* argv[0] is "db" or "ul"; an exit status.  On SIPCTL_USAGE the reason is
 * printed and the caller prints the usage. */
int sipctl_db(int argc, char **argv);
int sipctl_ul(int argc, char **argv);

/* What db and ul do, for sipctl --help (after the usage lines). */
void sipctl_db_help(FILE *f);

#endif
