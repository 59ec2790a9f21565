/* SPDX-License-Identifier: GPL-2.0-or-later */
/* sipctl_user.h - `sipctl user` (sipctl_user.c), called by sipctl.c's main(). */
#ifndef SIPC_SIPCTL_USER_H
#define SIPC_SIPCTL_USER_H

#include <stdio.h>

/* argv[0] is "user"; an exit status (SIPCTL_OK, SIPCTL_ERR, SIPCTL_USAGE
 * of sipctl_common.h).  On SIPCTL_USAGE the reason is printed and the caller
 * prints the usage. */
int sipctl_user(int argc, char **argv);

/* What user does, for sipctl --help (after the usage lines). */
void sipctl_user_help(FILE *f);

#endif
