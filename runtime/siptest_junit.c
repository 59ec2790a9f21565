/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * siptest_junit.c - the JUnit XML report of `sipc test --junit FILE`.
 *
 * The shape CI systems read (Jenkins, GitLab, GitHub actions):
 *
 *   <testsuites tests="T" failures="F">
 *     <testsuite name="FILE" tests="N" failures="M">
 *       <testcase classname="FILE" name="CASE [tcc]"/>
 *       <testcase classname="FILE" name="CASE [gcc]">
 *         <failure message="ONE LINE">the diff</failure>
 *       </testcase>
 *     </testsuite>
 *   </testsuites>
 *
 * No time stamps or durations: the report is deterministic like the rest.
 * Transcripts may hold any byte a SIP message holds, and XML 1.0 cannot
 * carry control characters even as references, so those bytes (and bytes
 * that are not UTF-8) are written as the text `\xNN`.
 */
#include <errno.h>
#include <string.h>

#include "siptest.h"

/* Length of the valid UTF-8 sequence at s (1..4), or 0. */
static size_t utf8_len(const unsigned char *s)
{
    unsigned c = s[0];
    size_t n = c < 0x80 ? 1 : (c & 0xe0) == 0xc0 ? 2 : (c & 0xf0) == 0xe0 ? 3 : (c & 0xf8) == 0xf0 ? 4 : 0;
    if (n == 0 || (n == 2 && c < 0xc2) || (n == 4 && c > 0xf4))
        return 0; /* stray continuation, overlong 2-byte form, beyond U+10FFFF */
    for (size_t i = 1; i < n; i++)
        if ((s[i] & 0xc0) != 0x80)
            return 0;
    if (n == 3) {
        unsigned cp = (c & 0x0f) << 12 | (s[1] & 0x3fu) << 6 | (s[2] & 0x3fu);
        if (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff) || cp == 0xfffe || cp == 0xffff)
            return 0; /* overlong, surrogate, or not an XML character */
    }
    if (n == 4 && ((c == 0xf0 && s[1] < 0x90) || (c == 0xf4 && s[1] >= 0x90)))
        return 0;
    return n;
}

void siptest_xml_escape(FILE *out, const char *text)
{
    const unsigned char *s = (const unsigned char *)text;
    while (*s) {
        unsigned c = *s;
        size_t n = utf8_len(s);
        if (c == '&')
            fputs("&amp;", out);
        else if (c == '<')
            fputs("&lt;", out);
        else if (c == '>')
            fputs("&gt;", out);
        else if (c == '"')
            fputs("&quot;", out);
        else if (c == '\'')
            fputs("&apos;", out);
        else if (c == '\n' || c == '\t')
            fputc((int)c, out);
        else if (c < 0x20 || c == 0x7f || n == 0)
            fprintf(out, "\\x%02x", c);
        else {
            fwrite(s, 1, n, out);
            s += n;
            continue;
        }
        s++;
    }
}

static void counts(const SiptestResult *res, size_t n, size_t *tests, size_t *failures)
{
    *tests = n;
    *failures = 0;
    for (size_t i = 0; i < n; i++)
        *failures += res[i].message != NULL;
}

int siptest_junit_write(const char *path, const SiptestResult *res, size_t n, char *err, size_t errlen)
{
    FILE *out = fopen(path, "w");
    if (!out) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return -1;
    }
    size_t tests, failures;
    counts(res, n, &tests, &failures);
    fprintf(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    fprintf(out, "<testsuites name=\"sipc test\" tests=\"%zu\" failures=\"%zu\">\n", tests, failures);
    for (size_t i = 0; i < n;) {
        size_t k = i; /* this file's results: [i, k) */
        while (k < n && strcmp(res[k].file, res[i].file) == 0)
            k++;
        counts(res + i, k - i, &tests, &failures);
        fputs("  <testsuite name=\"", out);
        siptest_xml_escape(out, res[i].file);
        fprintf(out, "\" tests=\"%zu\" failures=\"%zu\" errors=\"0\" skipped=\"0\">\n", tests, failures);
        for (; i < k; i++) {
            fputs("    <testcase classname=\"", out);
            siptest_xml_escape(out, res[i].file);
            fputs("\" name=\"", out);
            siptest_xml_escape(out, res[i].name);
            fputs(" [", out);
            siptest_xml_escape(out, res[i].backend);
            fputc(']', out);
            if (!res[i].message) {
                fputs("\"/>\n", out);
                continue;
            }
            fputs("\">\n      <failure message=\"", out);
            siptest_xml_escape(out, res[i].message);
            fputs("\">", out);
            siptest_xml_escape(out, res[i].detail ? res[i].detail : res[i].message);
            fputs("</failure>\n    </testcase>\n", out);
        }
        fputs("  </testsuite>\n", out);
    }
    fputs("</testsuites>\n", out);
    int bad = ferror(out);
    if (fclose(out) != 0 || bad) {
        snprintf(err, errlen, "%s: write error", path);
        return -1;
    }
    return 0;
}
