/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * siptest_update.c - `sipc test --update`: write actual transcripts back.
 *
 * The parser recorded, per case, the byte range of its expect block that
 * holds expected lines ([edit_off, edit_end): from the first line that is
 * not a leading comment to the end of the last line that is not blank or a
 * comment) and the line end the file uses there.  Updating replaces exactly
 * those ranges and copies every other byte, so comments around the block,
 * blank lines before the next case and the rest of the file stay as they
 * were.  The new file is written beside the old one (mkstemp in the same
 * directory, same permissions) and renamed over it, so an interrupted run
 * leaves either file whole.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "siptest.h"

/* Bytes of `t` (normalised) with each '\n' turned into eol. */
static size_t put_transcript(char *o, const char *t, const char *eol)
{
    size_t k = 0, el = strlen(eol);
    for (; *t; t++) {
        if (*t == '\n') {
            if (o)
                memcpy(o + k, eol, el);
            k += el;
        } else {
            if (o)
                o[k] = *t;
            k++;
        }
    }
    return k;
}

/* Build the text in two passes: measure (out NULL), then write. */
static size_t build(const SiptestFile *f, const char *const *actual, char **norm, char *out)
{
    size_t at = 0, k = 0;
    for (size_t i = 0; i < f->ncases; i++) {
        const SiptestCase *c = &f->cases[i];
        if (!actual[i])
            continue;
        size_t keep = c->edit_off - at;
        if (out)
            memcpy(out + k, f->text + at, keep);
        k += keep;
        /* `--- expect` was the last line and had no line end: add one. */
        if (c->edit_off > 0 && f->text[c->edit_off - 1] != '\n' && *norm[i]) {
            if (out)
                memcpy(out + k, c->eol, strlen(c->eol));
            k += strlen(c->eol);
        }
        k += put_transcript(out ? out + k : NULL, norm[i], c->eol);
        at = c->edit_end;
    }
    if (out)
        memcpy(out + k, f->text + at, f->len - at);
    return k + f->len - at;
}

char *siptest_update_text(const SiptestFile *f, const char *const *actual, size_t *len_out)
{
    char **norm = calloc(f->ncases + 1, sizeof *norm), *out = NULL;
    if (!norm)
        return NULL;
    for (size_t i = 0; i < f->ncases; i++)
        if (actual[i] && !(norm[i] = siptest_normalize(actual[i])))
            goto done;
    size_t n = build(f, actual, norm, NULL);
    if (!(out = malloc(n + 1)))
        goto done;
    build(f, actual, norm, out);
    out[n] = '\0';
    *len_out = n;
done:
    for (size_t i = 0; i < f->ncases; i++)
        free(norm[i]);
    free(norm);
    return out;
}

int siptest_update(const SiptestFile *f, const char *const *actual, char *err, size_t errlen)
{
    size_t n = 0;
    char *text = siptest_update_text(f, actual, &n), *tmp = NULL;
    int fd = -1, created = 0;
    if (!text) {
        snprintf(err, errlen, "%s: out of memory", f->path);
        return -1;
    }
    struct stat st;
    size_t plen = strlen(f->path) + sizeof ".XXXXXX";
    if (stat(f->path, &st) != 0 || !(tmp = malloc(plen)))
        goto fail;
    snprintf(tmp, plen, "%s.XXXXXX", f->path);
    if ((fd = mkstemp(tmp)) < 0)
        goto fail;
    created = 1;
    for (size_t off = 0; off < n;) {
        ssize_t w = write(fd, text + off, n - off);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            goto fail;
        off += (size_t)w;
    }
    if (fchmod(fd, st.st_mode & 07777) != 0 || fsync(fd) != 0)
        goto fail;
    int rc = close(fd);
    fd = -1;
    if (rc != 0 || rename(tmp, f->path) != 0)
        goto fail;
    free(tmp);
    free(text);
    return 0;

fail:
    snprintf(err, errlen, "%s: cannot rewrite: %s", f->path, strerror(errno ? errno : EIO));
    if (fd >= 0)
        close(fd);
    if (created)
        unlink(tmp);
    free(tmp);
    free(text);
    return -1;
}
