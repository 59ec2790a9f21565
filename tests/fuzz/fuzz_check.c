/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fuzz_check.c - libFuzzer harness for source -> check -> C (STYLE.md
 * practice 14; SQLite's fuzzcheck, Kamailio's misc/fuzz).
 *
 * Each input is one policy.  It is compiled twice through the public entry
 * sipc_compile_text(), asking for the C each time:
 *
 *   1. DIAG_TEXT, diagnostics to /dev/null (still formatted: the caret
 *      printer reads the source line);
 *   2. DIAG_JSON, diagnostics to a memory stream.
 *
 * Beyond "no crash, hang, leak or sanitizer report", three properties of the
 * compiler are checked, and a violation aborts (a libFuzzer finding):
 *
 *   - the result does not depend on the diagnostic format: same status,
 *     and on success byte-identical C (practice 12: deterministic output);
 *   - on success the C is a NUL-terminated string of the reported length;
 *   - the JSON diagnostics are one well-formed JSON value (strings escaped).
 *
 * Built and run by `make fuzz-smoke` / `make fuzz` (tests/fuzz/run.sh).
 * A crash artifact replays with `build-fuzz/fuzz_check FILE`.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compile.h"

static FILE *devnull;

/* Prints why (and the diagnostics, control bytes as \xNN), then aborts:
 * libFuzzer saves the input as a crash-* file. */
static void fail(const char *why, const char *detail)
{
    fprintf(stderr, "fuzz_check: %s\n", why);
    if (detail) {
        fputs("--- diagnostics:\n", stderr);
        for (const unsigned char *p = (const unsigned char *)detail; *p; p++)
            if (*p == '\n' || (*p >= 0x20 && *p < 0x7f))
                fputc(*p, stderr);
            else
                fprintf(stderr, "\\x%02x", *p);
        fputs("\n---\n", stderr);
    }
    abort();
}

/* --- a strict JSON recogniser (RFC 8259 grammar, bytes >= 0x20 allowed) --- */

typedef struct Json {
    const char *p, *end;
    int depth;
} Json;

static void ws(Json *j)
{
    while (j->p < j->end && (*j->p == ' ' || *j->p == '\t' || *j->p == '\n' || *j->p == '\r'))
        j->p++;
}

static int lit(Json *j, const char *s)
{
    size_t n = strlen(s);
    if ((size_t)(j->end - j->p) < n || memcmp(j->p, s, n) != 0)
        return 0;
    j->p += n;
    return 1;
}

static int is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static int is_hex(char c)
{
    return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

static int jstring(Json *j)
{
    if (!lit(j, "\""))
        return 0;
    while (j->p < j->end) {
        unsigned char c = (unsigned char)*j->p++;
        if (c == '"')
            return 1;
        if (c < 0x20)
            return 0; /* raw control byte: the emitter forgot to escape it */
        if (c != '\\')
            continue;
        if (j->p >= j->end)
            return 0;
        c = (unsigned char)*j->p++;
        if (c == 'u') {
            for (int i = 0; i < 4; i++)
                if (j->p >= j->end || !is_hex(*j->p++))
                    return 0;
        } else if (!strchr("\"\\/bfnrt", c)) {
            return 0;
        }
    }
    return 0;
}

static int jnumber(Json *j)
{
    lit(j, "-");
    if (j->p >= j->end || !is_digit(*j->p))
        return 0;
    if (*j->p == '0')
        j->p++;
    else
        while (j->p < j->end && is_digit(*j->p))
            j->p++;
    if (j->p < j->end && *j->p == '.') {
        j->p++;
        if (j->p >= j->end || !is_digit(*j->p))
            return 0;
        while (j->p < j->end && is_digit(*j->p))
            j->p++;
    }
    if (j->p < j->end && (*j->p == 'e' || *j->p == 'E')) {
        j->p++;
        if (j->p < j->end && (*j->p == '+' || *j->p == '-'))
            j->p++;
        if (j->p >= j->end || !is_digit(*j->p))
            return 0;
        while (j->p < j->end && is_digit(*j->p))
            j->p++;
    }
    return 1;
}

static int jvalue(Json *j);

/* An object when `close` is '}', else an array; the opener is consumed. */
static int jcompound(Json *j, char close)
{
    if (++j->depth > 64)
        return 0;
    ws(j);
    if (j->p < j->end && *j->p == close) {
        j->p++;
        j->depth--;
        return 1;
    }
    for (;;) {
        if (close == '}') {
            ws(j);
            if (!jstring(j))
                return 0;
            ws(j);
            if (!lit(j, ":"))
                return 0;
        }
        if (!jvalue(j))
            return 0;
        ws(j);
        if (j->p < j->end && *j->p == close) {
            j->p++;
            j->depth--;
            return 1;
        }
        if (!lit(j, ","))
            return 0;
    }
}

static int jvalue(Json *j)
{
    ws(j);
    if (j->p >= j->end)
        return 0;
    switch (*j->p) {
    case '{': j->p++; return jcompound(j, '}');
    case '[': j->p++; return jcompound(j, ']');
    case '"': return jstring(j);
    case 't': return lit(j, "true");
    case 'f': return lit(j, "false");
    case 'n': return lit(j, "null");
    default: return jnumber(j);
    }
}

/* 1 when buf[0..n) is exactly one JSON value, surrounded by whitespace. */
static int json_valid(const char *buf, size_t n)
{
    Json j = {buf, buf + n, 0};
    if (!jvalue(&j))
        return 0;
    ws(&j);
    return j.p == j.end;
}

/* --- the libFuzzer entry points ----------------------------------------- */

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc, (void)argv;
    devnull = fopen("/dev/null", "w");
    if (!devnull) {
        perror("fuzz_check: /dev/null");
        abort();
    }
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* sipc_compile_text wants text[len] == '\0'; NULs inside stay (SPEC 1.1). */
    char *buf = malloc(size + 1);
    if (!buf)
        return 0;
    if (size)
        memcpy(buf, data, size);
    buf[size] = '\0';

    char *c_text = NULL, *c_json = NULL;
    size_t n_text = 0, n_json = 0;
    int rc_text = sipc_compile_text("fuzz.sipc", buf, size, DIAG_TEXT, devnull, &c_text, &n_text);

    char *diag = NULL;
    size_t ndiag = 0;
    FILE *mem = open_memstream(&diag, &ndiag);
    if (!mem)
        abort();
    int rc_json = sipc_compile_text("fuzz.sipc", buf, size, DIAG_JSON, mem, &c_json, &n_json);
    fclose(mem);

    if (rc_text != rc_json)
        fail(rc_text == 0 ? "accepted with DIAG_TEXT but rejected with DIAG_JSON"
                          : "rejected with DIAG_TEXT but accepted with DIAG_JSON",
             diag);
    if (!json_valid(diag, ndiag))
        fail("DIAG_JSON output is not one well-formed JSON value", diag);
    if (rc_text == 0) {
        if (!c_text || !c_json)
            fail("success without C output", NULL);
        if (strlen(c_text) != n_text)
            fail("C output length differs from *len_out (NUL inside?)", NULL);
        if (n_text != n_json || memcmp(c_text, c_json, n_text) != 0)
            fail("emitted C differs between two compilations of one input", NULL);
    }
    /* compile.h: the C belongs to the caller on success only. */
    if (rc_text == 0)
        free(c_text);
    if (rc_json == 0)
        free(c_json);
    free(diag);
    free(buf);
    return 0;
}
