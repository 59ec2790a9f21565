/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * main.c - runs every CUnit suite (the compiler, the .siptest reader, the
 * best-reply choice of the transaction core, the database drivers, the
 * digest arithmetic); exit 1 on any failure.
 *
 *   unit_tests [SUITE...]   only the named suites (tests/db/run.sh runs
 *                           db_url db_sqlite db_mysql); exit 2 on a name
 *                           that is no suite
 *
 * Suites left out, or inactive (db_mysql without a server), are listed as
 * "Inactive" in CUnit's summary and are not failures.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/Basic.h>

#include "unit.h"

char *unit_check(const char *text, int *rc)
{
    char *out = NULL;
    size_t n = 0;
    FILE *mem = open_memstream(&out, &n);
    *rc = sipc_compile_text("t.sipc", text, strlen(text), DIAG_TEXT, mem, NULL, NULL);
    fclose(mem);
    return out;
}

char *unit_emit(const char *text)
{
    char *c = NULL;
    if (sipc_compile_text("t.sipc", text, strlen(text), DIAG_TEXT, stderr, &c, NULL) != 0)
        return NULL;
    return c;
}

/* Leaves active only the suites named in argv; -1 on an unknown name. */
static int select_suites(int argc, char **argv)
{
    for (int i = 1; i < argc; i++)
        if (!CU_get_suite(argv[i])) {
            fprintf(stderr, "unit_tests: no suite named \"%s\"\n", argv[i]);
            return -1;
        }
    for (CU_pSuite s = CU_get_registry()->pSuite; s; s = s->pNext) {
        int named = 0;
        for (int i = 1; i < argc; i++)
            named |= !strcmp(s->pName, argv[i]);
        if (!named)
            CU_set_suite_active(s, CU_FALSE);
    }
    return 0;
}

int main(int argc, char **argv)
{
    if (CU_initialize_registry() != CUE_SUCCESS)
        return 1;
    unit_add_lexer_suite();
    unit_add_parser_suite();
    unit_add_checker_suite();
    unit_add_tables_suite();
    unit_add_flow_suite();
    unit_add_sipsyntax_suite();
    unit_add_siptest_suite();
    unit_add_tm_choice_suite();
    unit_add_db_suites();
    unit_add_ul_suites();
    unit_add_digest_suite();
    unit_add_auth_suite();
    unit_add_pike_suite();
    unit_add_log_suite();
    unit_add_trusted_suite();
    CU_set_fail_on_inactive(CU_FALSE);
    if (argc > 1 && select_suites(argc, argv) < 0) {
        CU_cleanup_registry();
        return 2;
    }
    CU_basic_set_mode(CU_BRM_VERBOSE);
    CU_basic_run_tests();
    unsigned failed = CU_get_number_of_failures() + CU_get_number_of_tests_failed();
    CU_cleanup_registry();
    return failed ? 1 : 0;
}
