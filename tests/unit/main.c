/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * main.c - runs every CUnit suite (the compiler, the .siptest reader, the
 * best-reply choice of the transaction core); exit 1 on any failure.
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

int main(void)
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
    CU_basic_set_mode(CU_BRM_VERBOSE);
    CU_basic_run_tests();
    unsigned failed = CU_get_number_of_failures() + CU_get_number_of_tests_failed();
    CU_cleanup_registry();
    return failed ? 1 : 0;
}
