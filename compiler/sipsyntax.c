/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * sipsyntax.c - compile-time syntax of the SIP constants a policy writes as
 * string literals: URIs, method names and lists, header lines and reason
 * phrases.  The checker runs these on literal arguments so `sipc check`
 * rejects `t_relay_to("sip:[2001:db8:::1]")` with a caret on the third ':'
 * instead of the server failing on the first call.
 *
 * Conventions: input is a byte slice (s, n), not NUL-terminated; every
 * function returns 0, or -1 with *why a static lowercase message (no final
 * period) and *bad the offset of the offending byte in the slice (n when the
 * input ends too early).  Pure validation: no allocation, no locale (ASCII
 * classes are spelled out), no decoding.  The grammar is RFC 3261 §25.1 with
 * the IPv6 ABNF of RFC 3986 §3.2.2 (RFC 5954 fixes 3261's), and RFC 3966 §3
 * for tel: URIs.
 *
 * Declarations (for the "--- sipsyntax.c ---" section of sipc.h; until then
 * in sipsyntax.h):
 *
 *   int sipsyntax_uri(const char *s, int n, const char **why, int *bad);
 *   int sipsyntax_token(const char *s, int n, const char **why, int *bad);
 *   int sipsyntax_method_list(const char *s, int n, const char **why, int *bad);
 *   int sipsyntax_header_field(const char *s, int n, const char **why, int *bad);
 *   int sipsyntax_reason_phrase(const char *s, int n, const char **why, int *bad);
 */
#include <string.h>

#include "sipsyntax.h"

/* The slice under scan and where a failure is reported. */
typedef struct Scan {
    const char *s;
    int n;
    const char **why;
    int *bad;
} Scan;

static int fail(Scan *sc, int off, const char *why)
{
    if (sc->why)
        *sc->why = why;
    if (sc->bad)
        *sc->bad = off;
    return -1;
}

/* --- character classes (ASCII only; bytes >= 0x80 are in none) ---------- */

/* clang-format off */
static int at(const Scan *sc, int i) { return i < sc->n ? (unsigned char)sc->s[i] : -1; }
static int digit(int c) { return c >= '0' && c <= '9'; }
static int alpha(int c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
static int alnum(int c) { return digit(c) || alpha(c); }
static int hexdig(int c) { return digit(c) || ((c | 32) >= 'a' && (c | 32) <= 'f'); }
static int in(int c, const char *set) { return c > 0 && strchr(set, c) != NULL; }

/* RFC 3261 unreserved = alphanum / mark */
static int unreserved(int c) { return alnum(c) || in(c, "-_.!~*'()"); }
/* clang-format on */

/* Extra characters, beyond unreserved and escaped, of each RFC 3261 rule. */
#define USER_EXTRA "&=+$,;?/"  /* user-unreserved */
#define PASS_EXTRA "&=+$,"     /* password */
#define PARAM_EXTRA "[]/:&+$"  /* param-unreserved (also RFC 3966 paramchar) */
#define HNV_EXTRA "[]/?:+$"    /* hnv-unreserved */
#define URIC_EXTRA "/?:@&=+$," /* RFC 3966 uric = reserved, less the ';' that ends a par */

/*
 * Advances *i over unreserved characters, `extra` and valid %HH escapes and
 * stops at the first other byte; the caller judges that byte.  -1 only on a
 * malformed escape.
 */
static int span(Scan *sc, int *i, const char *extra)
{
    for (;;) {
        int c = at(sc, *i);
        if (c == '%') {
            if (!hexdig(at(sc, *i + 1)) || !hexdig(at(sc, *i + 2)))
                return fail(sc, *i, "bad %-escape");
            *i += 3;
        } else if (unreserved(c) || in(c, extra)) {
            (*i)++;
        } else {
            return 0;
        }
    }
}

/* Offset of the first c in [i, e), or -1. */
static int find(const Scan *sc, int i, int e, int c)
{
    const char *p = memchr(sc->s + i, c, (size_t)(e - i));
    return p ? (int)(p - sc->s) : -1;
}

/* --- hosts -------------------------------------------------------------- */

/* IPv4address over exactly [i, e): four dec-octets 0..255 (RFC 3986 §3.2.2). */
static int ipv4(Scan *sc, int i, int e)
{
    for (int part = 0; part < 4; part++) {
        if (part) {
            if (i >= e || sc->s[i] != '.')
                return fail(sc, i, "invalid IPv4 address");
            i++;
        }
        int ds = i, v = 0;
        while (i < e && digit(sc->s[i]) && i - ds < 3)
            v = v * 10 + (sc->s[i++] - '0');
        if (i == ds || (i < e && digit(sc->s[i])))
            return fail(sc, i, "invalid IPv4 address");
        if (v > 255)
            return fail(sc, ds, "IPv4 octet must be 0..255");
    }
    return i == e ? 0 : fail(sc, i, "invalid IPv4 address");
}

/*
 * IPv6address over exactly [i, e) (inside the brackets): up to eight h16
 * groups of 1..4 hex digits, one "::" standing for one or more zero groups,
 * and an optional trailing IPv4address counting as two groups.  RFC 3261's
 * hexpart ABNF accepts ":::" (RFC 5954 §4.1); this follows RFC 3986/4291.
 */
static int ipv6(Scan *sc, int i, int e)
{
    int groups = 0, dc = -1; /* dc: offset of the "::", if any */
    if (e - i >= 2 && sc->s[i] == ':' && sc->s[i + 1] == ':') {
        dc = i;
        i += 2;
        if (i == e)
            return 0; /* "::" alone, the unspecified address */
    }
    if (i == e || sc->s[i] == ':')
        return fail(sc, i, "invalid IPv6 address");
    for (;;) {
        int gs = i;
        while (i < e && hexdig(sc->s[i]))
            i++;
        if (i < e && sc->s[i] == '.') { /* embedded IPv4 ends the address */
            if (ipv4(sc, gs, e))
                return -1;
            groups += 2;
            if (groups > 8)
                return fail(sc, gs, "too many groups in IPv6 address");
            break;
        }
        if (i == gs || i - gs > 4)
            return fail(sc, i == gs ? i : gs + 4, "invalid IPv6 address");
        if (++groups > 8)
            return fail(sc, gs, "too many groups in IPv6 address");
        if (i == e)
            break;
        if (sc->s[i] != ':')
            return fail(sc, i, "invalid character in IPv6 address");
        if (++i == e)
            return fail(sc, i - 1, "invalid IPv6 address"); /* trailing single ':' */
        if (sc->s[i] == ':') {
            if (dc >= 0)
                return fail(sc, i - 1, "'::' may appear only once in an IPv6 address");
            dc = i - 1;
            if (++i == e)
                break;
        }
    }
    if (dc >= 0 && groups > 7)
        return fail(sc, dc, "too many groups in IPv6 address");
    if (dc < 0 && groups < 8)
        return fail(sc, e, "too few groups in IPv6 address");
    return 0;
}

/*
 * hostname over exactly [i, e), non-empty (RFC 3261 §25.1, the same rule as
 * RFC 3966's domainname): *( domainlabel "." ) toplabel [ "." ], labels of
 * alphanum and inner '-', the last starting with a letter.  Labels are also
 * held to DNS's 63 octets (RFC 1035 §2.3.4), which the ABNF leaves open.
 */
static int hostname(Scan *sc, int i, int e)
{
    int ls = i, top = i;
    for (;;) {
        int j = ls;
        while (j < e && (alnum(sc->s[j]) || sc->s[j] == '-'))
            j++;
        if (j < e && sc->s[j] != '.')
            return fail(sc, j, "invalid character in host");
        if (j == ls)
            return fail(sc, ls, "empty label in host");
        if (sc->s[ls] == '-')
            return fail(sc, ls, "host label must not start with '-'");
        if (sc->s[j - 1] == '-')
            return fail(sc, j - 1, "host label must not end with '-'");
        if (j - ls > 63)
            return fail(sc, ls, "host label longer than 63 characters");
        top = ls;
        if (j == e || j + 1 == e) /* end, or the optional final '.' */
            break;
        ls = j + 1;
    }
    if (!alpha(sc->s[top]))
        return fail(sc, top, "top-level domain label must start with a letter");
    return 0;
}

/* host over [i, e), no brackets: all digits and dots means an IPv4 address. */
static int host_name_or_ipv4(Scan *sc, int i, int e)
{
    int j = i;
    while (j < e && (digit(sc->s[j]) || sc->s[j] == '.'))
        j++;
    return j == e ? ipv4(sc, i, e) : hostname(sc, i, e);
}

/* --- sip: and sips: (RFC 3261 §19.1.1, §25.1) ---------------------------- */

static int sip_uri(Scan *sc, int i)
{
    int n = sc->n;
    int amp = find(sc, i, n, '@'); /* '@' is legal only to end userinfo */
    if (amp >= 0) {
        /* userinfo = ( user / telephone-subscriber ) [ ":" password ] "@";
         * a telephone-subscriber must escape what user does not allow. */
        int us = i;
        if (span(sc, &i, USER_EXTRA))
            return -1;
        if (i != amp && at(sc, i) != ':')
            return fail(sc, i, "invalid character in user part");
        if (i == us)
            return fail(sc, us, "empty user part before '@'");
        if (at(sc, i) == ':') {
            i++;
            if (span(sc, &i, PASS_EXTRA))
                return -1;
            if (i != amp)
                return fail(sc, i, "invalid character in password");
        }
        i = amp + 1;
    }

    /* hostport = host [ ":" port ] */
    int c = at(sc, i);
    if (c == '[') {
        int close = find(sc, i, n, ']');
        if (close < 0)
            return fail(sc, i, "unclosed '[' in IPv6 host");
        if (ipv6(sc, i + 1, close))
            return -1;
        i = close + 1;
        c = at(sc, i);
        if (c >= 0 && c != ':' && c != ';' && c != '?')
            return fail(sc, i, "expected ':', ';' or '?' after IPv6 host");
    } else {
        int he = i, hx = i, colons = 0;
        while (he < n && !in(sc->s[he], ":;?"))
            he++;
        while (hx < he && hexdig(sc->s[hx]))
            hx++;
        for (int k = he; k < n && !in(sc->s[k], ";?"); k++)
            colons += sc->s[k] == ':';
        if (hx == he && he - i <= 4 && colons > 1) /* "sip:2001:db8::1" would read as host "2001" */
            return fail(sc, i, "IPv6 address must be enclosed in '[' and ']'");
        if (he == i)
            return fail(sc, i, "empty host");
        if (host_name_or_ipv4(sc, i, he))
            return -1;
        i = he;
    }
    if (at(sc, i) == ':') {
        int ps = ++i;
        long port = 0;
        while (digit(at(sc, i))) {
            if (port <= 65535)
                port = port * 10 + (sc->s[i] - '0');
            i++;
        }
        c = at(sc, i);
        if (c >= 0 && c != ';' && c != '?')
            return fail(sc, i, "invalid character in port");
        if (i == ps)
            return fail(sc, ps, "expected a port number after ':'");
        if (port < 1 || port > 65535)
            return fail(sc, ps, "port must be 1..65535");
    }

    /* uri-parameters = *( ";" pname [ "=" pvalue ] ), both 1*paramchar */
    while (at(sc, i) == ';') {
        int ps = ++i;
        if (span(sc, &i, PARAM_EXTRA))
            return -1;
        c = at(sc, i);
        if (c >= 0 && !in(c, ";?="))
            return fail(sc, i, "invalid character in uri parameter");
        if (i == ps)
            return fail(sc, ps, "empty uri parameter name");
        if (c == '=') {
            int vs = ++i;
            if (span(sc, &i, PARAM_EXTRA))
                return -1;
            c = at(sc, i);
            if (c >= 0 && c != ';' && c != '?')
                return fail(sc, i, "invalid character in uri parameter");
            if (i == vs)
                return fail(sc, vs, "empty uri parameter value");
        }
    }

    /* headers = "?" hname "=" hvalue *( "&" hname "=" hvalue ) */
    if (at(sc, i) == '?') {
        do {
            int hs = ++i;
            if (span(sc, &i, HNV_EXTRA))
                return -1;
            c = at(sc, i);
            if (c >= 0 && c != '=' && c != '&')
                return fail(sc, i, "invalid character in uri header");
            if (i == hs)
                return fail(sc, hs, "empty uri header name");
            if (c != '=')
                return fail(sc, i, "expected '=' after uri header name");
            i++;
            if (span(sc, &i, HNV_EXTRA))
                return -1;
            c = at(sc, i);
            if (c >= 0 && c != '&')
                return fail(sc, i, "invalid character in uri header");
        } while (c == '&');
    }
    return i == n ? 0 : fail(sc, i, "invalid character in uri");
}

/* --- tel: (RFC 3966 §3) --------------------------------------------------- */

/* Case-insensitive: does [i, e) spell the lowercase word w? */
static int word(const Scan *sc, int i, int e, const char *w)
{
    if ((size_t)(e - i) != strlen(w))
        return 0;
    for (int k = 0; k < e - i; k++) {
        int c = (unsigned char)sc->s[i + k];
        if ((c >= 'A' && c <= 'Z' ? c + 32 : c) != w[k])
            return 0;
    }
    return 1;
}

/*
 * global-number-digits ("+" *phonedigit DIGIT *phonedigit) or, if !global,
 * local-number-digits (phonedigit-hex, at least one HEXDIG / "*" / "#"),
 * over [i, e).  Visual separators are "-" "." "(" ")"; never spaces.
 */
static int phone_digits(Scan *sc, int i, int e, int global)
{
    int ns = i, ndig = 0;
    if (global)
        i++; /* the '+' */
    for (; i < e; i++) {
        int c = (unsigned char)sc->s[i];
        if (global ? digit(c) : (hexdig(c) || c == '*' || c == '#'))
            ndig++;
        else if (!in(c, "-.()"))
            return fail(sc, i, "invalid character in telephone number");
    }
    if (!ndig)
        return fail(sc, ns, global ? "global number needs at least one digit" : "empty telephone number");
    return 0;
}

static int tel_uri(Scan *sc, int i)
{
    int n = sc->n, ns = i, ctx = 0;
    int e = find(sc, i, n, ';');
    if (e < 0)
        e = n;
    int global = at(sc, i) == '+';
    if (phone_digits(sc, i, e, global))
        return -1;
    for (i = e; i < n;) { /* par = ";" pname [ "=" pvalue ] */
        int ps = ++i;
        while (alnum(at(sc, i)) || at(sc, i) == '-') /* pname = 1*( alphanum / "-" ) */
            i++;
        int pe = i, c = at(sc, i);
        if (c >= 0 && c != ';' && c != '=')
            return fail(sc, i, "invalid character in tel parameter name");
        if (i == ps)
            return fail(sc, ps, "empty tel parameter name");
        int is_ctx = word(sc, ps, pe, "phone-context");
        if (c != '=') {
            if (is_ctx || word(sc, ps, pe, "ext") || word(sc, ps, pe, "isub"))
                return fail(sc, i, "expected '=' and a value after tel parameter name");
            continue;
        }
        int vs = ++i;
        e = find(sc, vs, n, ';');
        if (e < 0)
            e = n;
        if (vs == e)
            return fail(sc, vs, "empty tel parameter value");
        if (is_ctx) { /* context = ";phone-context=" descriptor, at most once */
            if (ctx)
                return fail(sc, ps, "duplicate phone-context");
            ctx = 1;
            if (sc->s[vs] == '+' ? phone_digits(sc, vs, e, 1) : hostname(sc, vs, e))
                return -1;
        } else if (word(sc, ps, pe, "ext")) { /* extension = ";ext=" 1*phonedigit */
            for (int j = vs; j < e; j++)
                if (!digit(sc->s[j]) && !in(sc->s[j], "-.()"))
                    return fail(sc, j, "invalid character in extension");
        } else { /* isub: 1*uric; others 1*paramchar */
            if (span(sc, &i, word(sc, ps, pe, "isub") ? URIC_EXTRA : PARAM_EXTRA))
                return -1;
            if (i != e)
                return fail(sc, i, "invalid character in tel parameter value");
        }
        i = e;
    }
    if (!global && !ctx)
        return fail(sc, ns, "local number requires ';phone-context='");
    return 0;
}

/* --- entry points --------------------------------------------------------- */

int sipsyntax_uri(const char *s, int n, const char **why, int *bad)
{
    Scan sc = {s, n, why, bad};
    int i = 0;
    while (i < n && i < 5 && s[i] != ':')
        i++;
    if (i < n && s[i] == ':') {
        if (word(&sc, 0, i, "sip") || word(&sc, 0, i, "sips")) /* schemes are case-insensitive */
            return sip_uri(&sc, i + 1);
        if (word(&sc, 0, i, "tel"))
            return tel_uri(&sc, i + 1);
    }
    return fail(&sc, 0, "expected 'sip:', 'sips:' or 'tel:'");
}

/* token = 1*( alphanum / "-" / "." / "!" / "%" / "*" / "_" / "+" / "`" / "'" / "~" ) */
int sipsyntax_token(const char *s, int n, const char **why, int *bad)
{
    Scan sc = {s, n, why, bad};
    if (n == 0)
        return fail(&sc, 0, "empty token");
    for (int i = 0; i < n; i++)
        if (!alnum((unsigned char)s[i]) && !in((unsigned char)s[i], "-.!%*_+`'~"))
            return fail(&sc, i, "invalid character in token");
    return 0;
}

/* Method = token; the list is Kamailio's is_method() "A|B|C". */
int sipsyntax_method_list(const char *s, int n, const char **why, int *bad)
{
    Scan sc = {s, n, why, bad};
    for (int i = 0;; i++) {
        int e = i;
        while (e < n && s[e] != '|')
            e++;
        if (e == i)
            return fail(&sc, i, "empty method name in list");
        int off;
        if (sipsyntax_token(s + i, e - i, NULL, &off))
            return fail(&sc, i + off, "invalid character in method name");
        if (e == n)
            return 0;
        i = e;
    }
}

/*
 * extension-header = header-name HCOLON header-value (RFC 3261 §25.1), as
 * Kamailio's append_hf() takes it: one line, an optional final CRLF.  HCOLON
 * allows SP/HTAB before ':'; the value is UTF-8 text, SP and HTAB.  Line
 * folding is obsolete and any other CR or LF would inject a header.
 */
int sipsyntax_header_field(const char *s, int n, const char **why, int *bad)
{
    Scan sc = {s, n, why, bad};
    int i = 0;
    while (i < n && (alnum((unsigned char)s[i]) || in((unsigned char)s[i], "-.!%*_+`'~")))
        i++;
    int ne = i;
    while (i < n && (s[i] == ' ' || s[i] == '\t')) /* HCOLON = *( SP / HTAB ) ":" SWS */
        i++;
    if (ne == i && i < n && !in((unsigned char)s[i], ":\r\n"))
        return fail(&sc, i, "invalid character in header name");
    if (ne == 0)
        return fail(&sc, 0, "empty header name");
    if (i == n || s[i] != ':')
        return fail(&sc, i, "expected ':' after header name");
    int end = n;
    if (n - i >= 3 && s[n - 2] == '\r' && s[n - 1] == '\n')
        end = n - 2;
    for (i++; i < end; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '\r' || c == '\n') {
            if (i == n - 1)
                return fail(&sc, i,
                            c == '\n' ? "header must end with CRLF, not a bare LF"
                                      : "header must end with CRLF, not a bare CR");
            return fail(&sc, i, "line break inside a header value");
        }
        if ((c < 0x20 && c != '\t') || c == 0x7f)
            return fail(&sc, i, "control character in header value");
    }
    return 0;
}

/* Reason-Phrase: text, UTF-8, SP and HTAB; nothing that could end the line. */
int sipsyntax_reason_phrase(const char *s, int n, const char **why, int *bad)
{
    Scan sc = {s, n, why, bad};
    for (int i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '\r' || c == '\n')
            return fail(&sc, i, "line break in reason phrase");
        if ((c < 0x20 && c != '\t') || c == 0x7f)
            return fail(&sc, i, "control character in reason phrase");
    }
    return 0;
}
