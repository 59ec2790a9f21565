/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * test_tables.c - the stdlib tables as the compiler reads them: lookups,
 * and rules every row must follow (so a bad row fails here, not in a user's
 * policy).  The names checked come from the .def files themselves, included
 * here as the compiler includes them, so every row is checked, a new one
 * included, and no hand-kept list can drift from the tables.
 */
#include <string.h>

#include "unit.h"

static void test_lookups(void)
{
    const Builtin *b = builtin_find("sl_send_reply", 13);
    CU_ASSERT_PTR_NOT_NULL_FATAL(b);
    CU_ASSERT_STRING_EQUAL(b->csym, "sipc_sl_send_reply");
    CU_ASSERT_PTR_EQUAL(b->ret, ty_bool);
    CU_ASSERT_PTR_NULL(builtin_find("sl_send_repl", 12)); /* no prefix matches */
    CU_ASSERT_PTR_NULL(builtin_find("sl_send_reply_", 14));

    const Pvar *p = pvar_find("rU", 2);
    CU_ASSERT_PTR_NOT_NULL_FATAL(p);
    CU_ASSERT_PTR_EQUAL(p->type, ty_str);
    CU_ASSERT_TRUE(p->writable);
    CU_ASSERT_PTR_NULL(pvar_find("ru_", 3));
    CU_ASSERT_PTR_NULL(pvar_find("RU", 2)); /* names are case-sensitive: $ru and $rU differ */
    p = pvar_find("rs", 2);
    CU_ASSERT_PTR_NOT_NULL_FATAL(p);
    CU_ASSERT_EQUAL(p->kinds, SIPC_RK_ONREPLY);

    const SettingDef *s = setting_find("tm.fr_timer", 11);
    CU_ASSERT_PTR_NOT_NULL_FATAL(s);
    CU_ASSERT_EQUAL(s->type, SET_INT);
    CU_ASSERT_TRUE(s->min < s->max);
    CU_ASSERT_PTR_NULL(setting_find("tm", 2));
}

/* Every builtin's signature uses known letters, with '?' only after one. */
static void test_builtin_rows(void)
{
    static const char *const names[] = {
#define BUILTIN(name, csym, ret, params, kinds, svc) #name,
#include "builtins.def"
#undef BUILTIN
    };
    CU_ASSERT_TRUE(sizeof names / sizeof names[0] >= 27); /* the classic core set of issue 3, at least */
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        const Builtin *b = builtin_find(names[i], (int)strlen(names[i]));
        CU_ASSERT_PTR_NOT_NULL(b);
        if (!b)
            continue;
        CU_ASSERT_TRUE(b->kinds != 0);
        CU_ASSERT_EQUAL(strncmp(b->csym, "sipc_", 5), 0);
        for (const char *p = b->params; *p; p++) {
            if (*p == '?') {
                CU_ASSERT_TRUE(p > b->params && p[-1] != '?');
                continue;
            }
            CU_ASSERT_PTR_NOT_NULL(strchr("icrumhHtLFBRfbs", *p));
        }
    }
}

/* Writable rows have a setter; $avp/$var are typed by declarations. */
static void test_pvar_rows(void)
{
    static const char *const names[] = {
#define PVAR(name, type, access, kinds, arg, getter, setter) #name,
#include "pvars.def"
#undef PVAR
    };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        const Pvar *p = pvar_find(names[i], (int)strlen(names[i]));
        CU_ASSERT_PTR_NOT_NULL(p);
        if (!p)
            continue;
        CU_ASSERT_TRUE(p->kinds != 0);
        if (p->arg == PV_AVP || p->arg == PV_VAR) {
            CU_ASSERT_PTR_NULL(p->type);
            continue;
        }
        CU_ASSERT_TRUE(p->type == ty_int || p->type == ty_str);
        CU_ASSERT_EQUAL(strncmp(p->getter, "sipc_pv_", 8), 0);
        if (p->writable)
            CU_ASSERT_EQUAL(strncmp(p->setter, "sipc_pv_set_", 12), 0);
    }
}

/* Every setting is found by its name, with a range that makes sense. */
static void test_setting_rows(void)
{
    static const char *const names[] = {
#define SETTING(name, type, min, max, choices, repeat) name,
#include "settings.def"
#undef SETTING
    };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        const SettingDef *s = setting_find(names[i], (int)strlen(names[i]));
        CU_ASSERT_PTR_NOT_NULL(s);
        if (s && s->type == SET_INT)
            CU_ASSERT_TRUE(s->min <= s->max);
    }
}

void unit_add_tables_suite(void)
{
    CU_pSuite s = CU_add_suite("tables", NULL, NULL);
    CU_add_test(s, "lookups by exact name", test_lookups);
    CU_add_test(s, "builtin rows", test_builtin_rows);
    CU_add_test(s, "pseudo-variable rows", test_pvar_rows);
    CU_add_test(s, "setting rows", test_setting_rows);
}
