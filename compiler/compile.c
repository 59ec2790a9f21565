/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * compile.c - one compilation from a .sipc path to C: read, parse, check,
 * emit.  This is the compiler's library entry point (compile.h); it owns
 * the compilation's arena and frees it on every path.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "sipc.h"

/* Reads a whole file into a malloc'd NUL-terminated buffer. */
static char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 4096, n = 0;
    char *buf = malloc(cap);
    while (buf) {
        n += fread(buf + n, 1, cap - n - 1, f);
        if (n < cap - 1)
            break;
        char *grown = realloc(buf, cap * 2);
        if (!grown) {
            free(buf);
            buf = NULL;
            errno = ENOMEM;
            break;
        }
        buf = grown;
        cap *= 2;
    }
    if (buf && ferror(f)) {
        free(buf);
        buf = NULL;
    }
    fclose(f);
    if (buf) {
        buf[n] = '\0';
        *len = n;
    }
    return buf;
}

int sipc_compile_text(const char *path, const char *text, size_t len, DiagFormat fmt, FILE *diag,
                      char **c_out, size_t *len_out)
{
    Arena arena = {0};
    Source src;
    Diag d;
    Program prog;
    source_init(&src, &arena, path, text, len);
    diag_init(&d, &src, fmt, diag);

    int rc = -1;
    if (parse_program(&arena, &d, &src, &prog) == 0 && check_program(&arena, &d, &prog) == 0) {
        rc = 0;
        if (c_out) {
            size_t n = 0;
            FILE *mem = open_memstream(c_out, &n);
            if (!mem) {
                fprintf(diag, "%s: error: cannot emit C: %s\n", path, strerror(errno));
                rc = -1;
            } else {
                gen_program(&prog, &src, mem);
                fclose(mem);
                if (len_out)
                    *len_out = n;
            }
        }
    }
    diag_finish(&d);
    arena_free(&arena);
    return rc;
}

int sipc_compile_file(const char *path, DiagFormat fmt, FILE *diag, char **c_out, size_t *len_out)
{
    size_t len;
    char *text = read_file(path, &len);
    if (!text) {
        fprintf(diag, "%s: error: cannot read: %s\n", path, strerror(errno));
        return -1;
    }
    int rc = sipc_compile_text(path, text, len, fmt, diag, c_out, len_out);
    free(text);
    return rc;
}
