/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * diag.c - every message the compiler prints goes through here.
 *
 * Text form (the shape of cproc and chibicc):
 *
 *     file:line:col: error: message
 *         the source line
 *             ^
 *
 * JSON form: one array of {"file","line","col","severity","message"}
 * objects, for CI.  Columns count bytes from 1; the caret line copies the
 * tabs of the source line so it lines up in any terminal.  After
 * DIAG_MAX_ERRORS errors further errors are counted but not printed.
 */
#include <string.h>

#include "sipc.h"

void source_init(Source *src, Arena *a, const char *path, const char *text, size_t len)
{
    int n = 1;
    for (size_t i = 0; i < len; i++)
        n += text[i] == '\n';
    int *starts = arena_alloc(a, sizeof(int) * (size_t)n);
    int k = 0;
    starts[k++] = 0;
    for (size_t i = 0; i < len; i++)
        if (text[i] == '\n')
            starts[k++] = (int)i + 1;
    src->path = path;
    src->text = text;
    src->len = len;
    src->line_starts = starts;
    src->nlines = n;
}

void source_line_col(const Source *src, int off, int *line, int *col)
{
    int lo = 0, hi = src->nlines - 1; /* last line starting at or before off */
    while (lo < hi) {
        int mid = (lo + hi + 1) / 2;
        if (src->line_starts[mid] <= off)
            lo = mid;
        else
            hi = mid - 1;
    }
    *line = lo + 1;
    *col = off - src->line_starts[lo] + 1;
}

void diag_init(Diag *d, const Source *src, DiagFormat fmt, FILE *out)
{
    memset(d, 0, sizeof *d);
    d->src = src;
    d->fmt = fmt;
    d->out = out;
}

static const char *level_name(DiagLevel lvl)
{
    return lvl == DL_ERROR ? "error" : lvl == DL_WARNING ? "warning" : "note";
}

/* Length of the valid UTF-8 sequence at s, or 0 if the byte starts none. */
static int utf8_len(const unsigned char *s)
{
    int n = s[0] >= 0xf0 && s[0] <= 0xf4 ? 4 : s[0] >= 0xe0 ? 3 : s[0] >= 0xc2 && s[0] <= 0xdf ? 2 : 0;
    for (int i = 1; i < n; i++)
        if ((s[i] & 0xc0) != 0x80)
            return 0;
    return n;
}

/* A JSON string: control bytes escaped, invalid UTF-8 replaced by U+FFFD,
 * so a policy with stray bytes still gives parseable output. */
static void json_string(FILE *out, const char *str)
{
    const unsigned char *s = (const unsigned char *)str;
    fputc('"', out);
    while (*s) {
        unsigned char c = *s;
        if (c == '"' || c == '\\') {
            fprintf(out, "\\%c", c);
            s++;
        } else if (c < 0x20 || c == 0x7f) {
            fprintf(out, "\\u%04x", c);
            s++;
        } else if (c < 0x80) {
            fputc(c, out);
            s++;
        } else {
            int n = utf8_len(s);
            if (n) {
                fwrite(s, 1, (size_t)n, out);
                s += n;
            } else {
                fputs("\\ufffd", out);
                s++;
            }
        }
    }
    fputc('"', out);
}

static void print_caret(const Diag *d, int line, int col)
{
    const Source *src = d->src;
    const char *start = src->text + src->line_starts[line - 1];
    const char *end = start;
    while (end < src->text + src->len && *end != '\n' && *end != '\r')
        end++;
    fprintf(d->out, "%.*s\n", (int)(end - start), start);
    for (int i = 0; i < col - 1 && start + i < end; i++)
        fputc(start[i] == '\t' ? '\t' : ' ', d->out);
    fputs("^\n", d->out);
}

void diag_report(Diag *d, DiagLevel lvl, int off, const char *fmt, va_list ap)
{
    if (lvl == DL_ERROR)
        d->nerr++;
    else if (lvl == DL_WARNING)
        d->nwarn++;
    if (d->nerr > DIAG_MAX_ERRORS) {
        if (!d->capped && lvl == DL_ERROR) {
            d->capped = 1;
            if (d->fmt == DIAG_TEXT)
                fprintf(d->out, "%s: too many errors, stopping\n", d->src->path);
        }
        return;
    }
    if (off < 0)
        off = 0;
    if ((size_t)off > d->src->len)
        off = (int)d->src->len;
    int line, col;
    source_line_col(d->src, off, &line, &col);

    char msg[512];
    vsnprintf(msg, sizeof msg, fmt, ap);
    if (d->fmt == DIAG_JSON) {
        fputs(d->nprinted ? ",\n " : "[", d->out);
        fputs("{\"file\":", d->out);
        json_string(d->out, d->src->path);
        fprintf(d->out, ",\"line\":%d,\"col\":%d,\"severity\":\"%s\",\"message\":", line, col,
                level_name(lvl));
        json_string(d->out, msg);
        fputc('}', d->out);
    } else {
        fprintf(d->out, "%s:%d:%d: %s: %s\n", d->src->path, line, col, level_name(lvl), msg);
        print_caret(d, line, col);
    }
    d->nprinted++;
}

void diag_finish(Diag *d)
{
    if (d->fmt == DIAG_JSON)
        fputs(d->nprinted ? "]\n" : "[]\n", d->out);
}

#define DIAG_FN(fn, lvl)                                                                           \
    void fn(Diag *d, int off, const char *fmt, ...)                                                \
    {                                                                                              \
        va_list ap;                                                                                \
        va_start(ap, fmt);                                                                         \
        diag_report(d, lvl, off, fmt, ap);                                                         \
        va_end(ap);                                                                                \
    }
DIAG_FN(diag_error, DL_ERROR)
DIAG_FN(diag_warning, DL_WARNING)
DIAG_FN(diag_note, DL_NOTE)
