/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tm_choice.h - which final reply a forking proxy sends upstream (RFC 3261
 * section 16.7).  Plain C, no sofia-sip: the unit tests link it alone.
 */
#ifndef SIPC_TM_CHOICE_H
#define SIPC_TM_CHOICE_H

/*
 * Which of the n final replies `codes` (each 300..699; 408 for a local
 * timeout) goes upstream: the index of the chosen one, or -1 when n is 0.
 *   - a 6xx if there is one (the first received);
 *   - else one of the lowest class (3xx before 4xx before 5xx);
 *   - in 4xx, those that tell the client how to retry come first (401,
 *     407, 415, 420, 484, in that order), then the lowest code;
 *   - in the other classes the lowest code;
 *   - between equal codes, the first received.
 * Codes outside 300..699 are ignored (never chosen).
 */
int tm_choose_best(const int *codes, int n);

/* The status sent upstream for a chosen `code`: a 503 becomes 500
 * (section 16.7 step 6: the downstream being unavailable does not mean
 * this server is), the others stay. */
int tm_upstream_code(int code);

#endif /* SIPC_TM_CHOICE_H */
