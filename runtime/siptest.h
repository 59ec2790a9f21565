/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * siptest.h - `sipc test`: offline policy tests from .siptest case files.
 *
 * A case file (format in SPEC.md section 10) holds cases: a request, the
 * simulated downstream replies to its relays, and the expected transcript.
 * siptest_run.c loads the policy under each backend, runs every case
 * through rt_test.h and compares; the other files are plain C with no
 * sofia-sip or runtime dependency, so the unit tests link them alone:
 *
 *   siptest_parse.c    case file -> SiptestFile (and message assembly)
 *   siptest_diff.c     transcript normalisation and the line diff
 *   siptest_junit.c    the JUnit XML report
 *   siptest_update.c   --update: rewriting expect blocks in place
 *   siptest_run.c      the driver behind `sipc test`
 *
 * Return convention: 0, or -1 with a one-line reason in `err`, which for a
 * case file reads "FILE:LINE: error: message".
 */
#ifndef SIPC_SIPTEST_H
#define SIPC_SIPTEST_H

#include <stddef.h>
#include <stdio.h>

/* --- siptest_parse.c ------------------------------------------------------- */

/* A `from` or `local` address, owned by the case. */
typedef struct SiptestAddr {
    char proto[4]; /* "udp", "tcp" or "tls" */
    char host[64]; /* an IPv4 or IPv6 literal, without brackets */
    int port;      /* 1..65535 */
    int line;      /* where it was given; 0 for the default */
} SiptestAddr;

/* A message block, assembled: CRLF line ends, Content-Length supplied. */
typedef struct SiptestMsg {
    char *text; /* malloc'd, NUL-terminated */
    size_t len;
    int line;  /* of its `--- request` / `--- reply N` line */
    int relay; /* `--- reply N`: N; 0 for the request */
} SiptestMsg;

/* A `location AOR CONTACT [expires=N] [q=Q] [path=VALUE] [received=URI]` line: a binding
 * in user location before the request runs. */
typedef struct SiptestLoc {
    char *aor, *contact, *path; /* path NULL when not given */
    char *received;             /* received=URI: saved with flag 2 (NAT) from there; or NULL */
    long expires;               /* seconds from the case's instant; default 3600 */
    int q;                      /* q * 1000, -1 when not given */
    int line;
} SiptestLoc;

/* A `trusted SRC [proto=P] [pattern=RE] [tag=T]` line: a row of the
 * trusted table before the request runs; checked when the case runs. */
typedef struct SiptestTrusted {
    char *src, *proto, *pattern, *tag; /* proto "any" when not given; pattern, tag NULL */
    int line;
} SiptestTrusted;

typedef struct SiptestCase {
    char *name;
    int line; /* of `=== case NAME` */
    SiptestAddr from, local;
    SiptestLoc *locs; /* in file order */
    size_t nlocs;
    char **subs; /* `subscriber USER@DOMAIN [password=PW]` lines: "USER@DOMAIN\0PW" (PW may be empty) */
    size_t nsubs;
    int subs_line; /* of the first one */
    SiptestTrusted *trusted; /* in file order */
    size_t ntrusted;
    SiptestMsg request;
    SiptestMsg *replies; /* in file order */
    size_t nreplies;
    char *expect;              /* the expected lines, '\n'-terminated, comments left out */
    int expect_line;           /* of `--- expect` */
    size_t edit_off, edit_end; /* the bytes of the file --update replaces */
    const char *eol;           /* the line end --update writes: "\n" or "\r\n" */
} SiptestCase;

typedef struct SiptestFile {
    char *path;
    char *text; /* the whole file, as read */
    size_t len;
    SiptestCase *cases;
    size_t ncases;
} SiptestFile;

/*
 * Parse `len` bytes of `text` (copied) as the case file `path`.  On error
 * NULL, with "PATH:LINE: error: MESSAGE" in err.  The result is freed with
 * siptest_free().
 */
SiptestFile *siptest_parse(const char *path, const char *text, size_t len, char *err, size_t errlen);
/* Read and parse the file at `path`; errors as siptest_parse. */
SiptestFile *siptest_load(const char *path, char *err, size_t errlen);
void siptest_free(SiptestFile *f);

/*
 * Assemble the lines of a message block (`n` bytes at `block`, LF or CRLF
 * line ends) into a SIP message: every line ends in CRLF, trailing empty
 * lines dropped, the first empty line ends the headers (one is added when
 * there is none), and `Content-Length: N` is appended to the headers when
 * the message has none (nor its compact form `l:`).  A malloc'd string, or
 * NULL when out of memory; *len_out is its length.
 */
char *siptest_assemble(const char *block, size_t n, size_t *len_out);

/* --- siptest_diff.c ---------------------------------------------------------- */

/*
 * `text` as the comparison sees it: trailing blanks (spaces, tabs, CR) cut
 * from every line, trailing empty lines dropped, every line '\n'-terminated.
 * Malloc'd, NULL when out of memory.
 */
char *siptest_normalize(const char *text);

/*
 * Write a unified-style diff of two normalised texts to `out`: a
 * `--- A_LABEL` / `+++ B_LABEL` header, then hunks `@@ -L,N +L,N @@` of
 * ` context`, `-line of a`, `+line of b`, with `context` lines of context.
 * Prints nothing for equal texts.  0, or -1 when out of memory.
 */
int siptest_diff(FILE *out, const char *a, const char *a_label, const char *b, const char *b_label,
                 int context);

/* --- siptest_junit.c ---------------------------------------------------------- */

/* One JUnit <testcase>, "NAME [BACKEND]"; the strings are borrowed. */
typedef struct SiptestResult {
    const char *file;    /* the case file: classname and suite */
    const char *name;    /* the case */
    const char *backend; /* "tcc" or "gcc" */
    const char *message; /* one line; NULL for a pass */
    const char *detail;  /* the diff or error; NULL for none */
} SiptestResult;

/* Write XML text: & < > " ' escaped, control bytes and invalid UTF-8 as
 * the text `\xNN`, so the document stays well-formed whatever the bytes. */
void siptest_xml_escape(FILE *out, const char *s);

/*
 * Write the report to `path`: one <testsuite> per case file, in the order
 * results are given (results of one file are adjacent).  0, or -1 with the
 * reason in err.
 */
int siptest_junit_write(const char *path, const SiptestResult *res, size_t n, char *err, size_t errlen);

/* --- siptest_update.c --------------------------------------------------------- */

/*
 * Rewrite the expect blocks of the cases of `f` whose `actual[i]` is not
 * NULL (indexed like f->cases) with that transcript, keeping every other
 * byte; written to a temporary file beside it, then renamed over it.
 * 0, or -1 with the reason in err (the file is then unchanged).
 */
int siptest_update(const SiptestFile *f, const char *const *actual, char *err, size_t errlen);
/* The same into memory: the new file text (malloc'd) or NULL. */
char *siptest_update_text(const SiptestFile *f, const char *const *actual, size_t *len_out);

/* --- siptest_run.c ------------------------------------------------------------ */

enum { SIPTEST_TCC = 1, SIPTEST_GCC = 2 }; /* backend bits */

typedef struct SiptestOptions {
    const char *policy;
    const char *const *files;
    size_t nfiles;
    int backends; /* SIPTEST_TCC | SIPTEST_GCC */
    int update;
    const char *junit; /* or NULL */
} SiptestOptions;

/*
 * Run every case of every file, print [PASS]/[FAIL] lines, diffs and the
 * closing `sipc test: N passed, M failed` to stdout.
 * @retval 0 every case passed
 * @retval 1 a case failed (or the policy did not load)
 * @retval 2 a case file is unreadable or malformed, or the report could not
 *           be written
 */
int siptest_run(const SiptestOptions *opt);

#endif /* SIPC_SIPTEST_H */
