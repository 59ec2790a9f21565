/* SPDX-License-Identifier: GPL-2.0-or-later */
/* unit.h - shared helpers of the CUnit suites; each suite file registers itself here. */
#ifndef SIPC_UNIT_H
#define SIPC_UNIT_H

#include <CUnit/CUnit.h>

#include "sipc.h"

/* Compiles `text` as policy "t.sipc"; returns the diagnostics (malloc'd) and sets *rc. */
char *unit_check(const char *text, int *rc);
/* Compiles `text` and returns the emitted C (malloc'd), or NULL with the diagnostics printed. */
char *unit_emit(const char *text);

void unit_add_lexer_suite(void);
void unit_add_parser_suite(void);
void unit_add_checker_suite(void);
void unit_add_tables_suite(void);
void unit_add_flow_suite(void);
void unit_add_sipsyntax_suite(void);
void unit_add_siptest_suite(void);
void unit_add_tm_choice_suite(void);
/* db_url, db_sqlite and db_mysql (test_db.c). */
void unit_add_db_suites(void);
void unit_add_ul_suites(void);
/* digest (test_digest.c): runtime/digest.c. */
void unit_add_digest_suite(void);
void unit_add_auth_suite(void);
/* pike, trusted (test_pike.c, test_trusted.c): runtime/pike.c, trusted.c. */
void unit_add_pike_suite(void);
void unit_add_log_suite(void);
void unit_add_trusted_suite(void);

#endif
