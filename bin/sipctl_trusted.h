/* SPDX-License-Identifier: GPL-2.0-or-later */
/* sipctl_trusted.h - `sipctl trusted` (sipctl_trusted.c), called by sipctl.c's main(). */
#ifndef SIPC_SIPCTL_TRUSTED_H
#define SIPC_SIPCTL_TRUSTED_H

#include <stdio.h>

/* argv[0] is "trusted"; an exit status (SIPCTL_OK, SIPCTL_ERR,
 * SIPCTL_USAGE of sipctl_common.h).  On SIPCTL_USAGE the reason is printed and
 * the caller prints the usage. */
int sipctl_trusted(int argc, char **argv);

/* What trusted does, for sipctl --help (after the usage lines). */
void sipctl_trusted_help(FILE *f);

#endif
