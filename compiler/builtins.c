/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * builtins.c - the type singletons, and the stdlib tables (the .def files in stdlib/)
 * as the checker and code generator see them.
 *
 * The rows are included from the .def files, never written here, so the
 * compiler and the runtime cannot disagree on what exists.  Lookups are
 * linear: the tables are small and only the compiler searches them.
 */
#include <string.h>

#include "sipc.h"
#include "kinds.h"

Type ty_void[1] = {{TY_VOID, "void"}};
Type ty_bool[1] = {{TY_BOOL, "bool"}};
Type ty_int[1] = {{TY_INT, "int"}};
Type ty_str[1] = {{TY_STR, "string"}};
Type ty_error[1] = {{TY_ERROR, "<error>"}};

#define VOID ty_void
#define BOOL ty_bool
#define INT ty_int
#define STR ty_str
#define ANY NULL
#define RO 0
#define RW 1
#define NOARG PV_NOARG
#define HEADER PV_HEADER
#define AVP PV_AVP
#define VAR PV_VAR
#define ADDR SET_ADDR
#define ENUM SET_ENUM

static const Builtin builtins[] = {
#define BUILTIN(name, csym, ret, params, kinds, svc) {#name, #csym, ret, params, kinds, svc},
#include "builtins.def"
#undef BUILTIN
};

/* getter and setter are C names; "NOGET"/"NOSET" where none exists
 * ($avp and $var are emitted specially, read-only rows have no setter). */
static const Pvar pvars[] = {
#define PVAR(name, type, access, kinds, arg, getter, setter)                                       \
    {#name, type, access, kinds, arg, #getter, #setter},
#include "pvars.def"
#undef PVAR
};

#undef INT
#undef STR
#undef BOOL
#define INT SET_INT
#define STR SET_STR
#define BOOL SET_BOOL
static const SettingDef settings[] = {
#define SETTING(name, type, min, max, choices, repeat) {name, type, min, max, choices, repeat},
#include "settings.def"
#undef SETTING
};

static int name_is(const char *name, const char *z, int n)
{
    return strncmp(name, z, (size_t)n) == 0 && name[n] == '\0';
}

const Builtin *builtin_find(const char *z, int n)
{
    for (size_t i = 0; i < sizeof builtins / sizeof builtins[0]; i++)
        if (name_is(builtins[i].name, z, n))
            return &builtins[i];
    return NULL;
}

const Pvar *pvar_find(const char *z, int n)
{
    for (size_t i = 0; i < sizeof pvars / sizeof pvars[0]; i++)
        if (name_is(pvars[i].name, z, n))
            return &pvars[i];
    return NULL;
}

const SettingDef *setting_find(const char *z, int n)
{
    for (size_t i = 0; i < sizeof settings / sizeof settings[0]; i++)
        if (name_is(settings[i].name, z, n))
            return &settings[i];
    return NULL;
}

const char *route_kind_enum(int kind)
{
    switch (kind) {
    case SIPC_RK_FAILURE: return "SIPC_RK_FAILURE";
    case SIPC_RK_BRANCH: return "SIPC_RK_BRANCH";
    case SIPC_RK_ONREPLY: return "SIPC_RK_ONREPLY";
    case SIPC_RK_ERROR: return "SIPC_RK_ERROR";
    default: return "SIPC_RK_REQUEST";
    }
}

const char *route_kind_name(int kind)
{
    if (kind & SIPC_RK_REQUEST)
        return "request route";
    if (kind & SIPC_RK_FAILURE)
        return "failure_route";
    if (kind & SIPC_RK_BRANCH)
        return "branch_route";
    if (kind & SIPC_RK_ONREPLY)
        return "onreply_route";
    if (kind & SIPC_RK_ERROR)
        return "error_route";
    return "route";
}
