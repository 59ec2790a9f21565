/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * sipsyntax.h - interim header for sipsyntax.c until its block is folded
 * into sipc.h (the same text appears there as "--- sipsyntax.c ---").
 */
#ifndef SIPC_SIPSYNTAX_H
#define SIPC_SIPSYNTAX_H

/* --- sipsyntax.c: compile-time syntax of SIP constants ------------------- */

/*
 * Each validates the slice s[0..n) and returns 0, or -1 with *why set to a
 * static lowercase message and *bad to the byte offset of the problem within
 * the slice (n when the input ends too early).  No allocation.
 */
int sipsyntax_uri(const char *s, int n, const char **why, int *bad);           /* sip:, sips:, tel: */
int sipsyntax_token(const char *s, int n, const char **why, int *bad);         /* RFC 3261 token */
int sipsyntax_method_list(const char *s, int n, const char **why, int *bad);   /* "INVITE|BYE" */
int sipsyntax_header_field(const char *s, int n, const char **why, int *bad);  /* "X-A: b\r\n" */
int sipsyntax_reason_phrase(const char *s, int n, const char **why, int *bad); /* "Not Here" */

/* regex_cost.c: refuses POSIX EREs whose compilation would blow up (stacked
 * or deeply nested repetitions); same convention as above. */
int sipsyntax_regex_cost(const char *s, int n, const char **why, int *bad);

#endif /* SIPC_SIPSYNTAX_H */
