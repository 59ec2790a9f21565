/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * sipctl_user.c - `sipctl user add|passwd|rm|list`: the provisioned users
 * (table `subscriber`, runtime/subscriber.h) and their digest HA1s.
 *
 * A user is USER@DOMAIN, and DOMAIN is the realm its credentials are for:
 * add and passwd store HA1 = H(USER ":" DOMAIN ":" PASSWORD) for MD5 and
 * for SHA-256 (runtime/digest.h), so sipd can answer either algorithm.
 * The password itself is hashed here and forgotten: it is never stored,
 * printed or logged, and its bytes are wiped once hashed (those of argv
 * too, so `ps` shows them for as short a time as possible; stdin is the
 * way to keep them out of `ps` and shell history altogether).
 *
 * Like `sipctl ul`, this works on the database directly, not through a
 * running sipd (there is no management interface yet).  The URL comes
 * from --url or SIPC_DB_URL.  Exit statuses: sipctl_common.h (a malformed
 * USER, DOMAIN or password is an error, 1, as a malformed URL is; a
 * missing or extra argument is a usage error, 2).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "db.h"
#include "digest.h"
#include "sipctl_common.h"
#include "sipctl_user.h"
#include "subscriber.h"

/* Column sizes of the subscriber table (db_schema.c, schema version 2). */
enum { USER_MAX = 64, DOMAIN_MAX = 128, SUBS_SCHEMA = 2 };

void sipctl_user_help(FILE *f)
{
    fprintf(f, "\n"
               "  user add         provision USER@DOMAIN (refused when it exists): stores the\n"
               "                   MD5 and SHA-256 HA1s of its password, realm = DOMAIN\n"
               "  user passwd      change an existing user's password (its HA1s)\n"
               "  user rm          remove a user\n"
               "  user list        list the users (of DOMAIN), sorted, with the HA1s they have\n"
               "\n"
               "  PASSWORD, when not given, is read from the first line of standard input,\n"
               "  which keeps it out of `ps` and shell history (one starting with '-' goes\n"
               "  after `--`); it is never stored, only its hashes.  USER is at most 64\n"
               "  letters, digits and -_.!~*'()&=+$, and DOMAIN at most 128 letters, digits\n"
               "  and -.[]: (what a policy can use: no quotes, backslashes or blanks).\n"
               "  Like ul, user works on the database\n"
               "  (--url URL or SIPC_DB_URL) directly, not through a running sipd.\n");
}

/* --- arguments --------------------------------------------------------------- */

typedef struct Args {
    const char *url;
    int npos;
    char *pos[2]; /* not const: a password given here is wiped after use */
} Args;

/* What a USER and a DOMAIN may hold besides letters and digits: what a
 * SIP URI's user part and host take unescaped (RFC 3261 section 25.1),
 * less ';', '?' and '/', which URI parsers take as the start of what
 * follows the user, so that the name the policy sees in a From or To
 * ($fU, check_from()) is the one stored.  Above all no '"' or '\\': the
 * realm is quoted in challenges and the user in credentials. */
#define USER_PUNCT "-_.!~*'()&=+$,"
#define DOMAIN_PUNCT "-.[]:" /* a host name, an IPv4 or an IPv6 reference */

/* 1 if s is 1..max visible ASCII bytes, none in `banned`, each a letter, a
 * digit or in `punct`; else 0 with a message naming `what`. */
static int valid_name(const char *what, const char *s, size_t max, const char *banned, const char *punct)
{
    size_t n = strlen(s);
    if (n == 0 || n > max) {
        fprintf(stderr, "sipctl: %s must be 1 to %zu bytes long\n", what, max);
        return 0;
    }
    for (const char *p = s; *p; p++) {
        unsigned char c = (unsigned char)*p;
        /* No spaces: a pasted trailing blank would make a user nobody can
         * log in as; a SIP URI's user part cannot hold one unescaped. */
        if (c <= ' ' || c >= 0x7f) {
            fprintf(stderr, "sipctl: %s may hold visible ASCII characters only\n", what);
            return 0;
        }
        if (strchr(banned, c)) {
            fprintf(stderr, "sipctl: %s may not contain '%c'\n", what, c);
            return 0;
        }
        if (!(c >= '0' && c <= '9') && !((c | 0x20) >= 'a' && (c | 0x20) <= 'z') && !strchr(punct, c)) {
            fprintf(stderr, "sipctl: %s may not contain '%c': letters, digits and %s only\n", what, c, punct);
            return 0;
        }
    }
    return 1;
}

/* USER@DOMAIN into user and domain, validated; 0 or -1 with a message.
 * ':' is banned in USER because HA1 hashes "user:realm:password": a user
 * "a:b" in realm "c" would share its HA1 with user "a" in realm "b:c". */
static int split_user(const char *arg, char user[USER_MAX + 1], char domain[DOMAIN_MAX + 1])
{
    const char *at = strchr(arg, '@');
    if (!at) {
        fprintf(stderr, "sipctl: \"%s\" is not USER@DOMAIN\n", arg);
        return -1;
    }
    size_t ulen = (size_t)(at - arg);
    if (ulen > USER_MAX || strlen(at + 1) > DOMAIN_MAX) {
        fprintf(stderr, "sipctl: %s must be 1 to %d bytes long\n", ulen > USER_MAX ? "USER" : "DOMAIN",
                ulen > USER_MAX ? USER_MAX : DOMAIN_MAX);
        return -1;
    }
    memcpy(user, arg, ulen);
    user[ulen] = '\0';
    strcpy(domain, at + 1);
    return valid_name("USER", user, USER_MAX, "@:", USER_PUNCT) &&
                   valid_name("DOMAIN", domain, DOMAIN_MAX, "@", DOMAIN_PUNCT)
               ? 0
               : -1;
}

/* --- database ---------------------------------------------------------------- */

static int db_fail(Db *db)
{
    fprintf(stderr, "sipctl: %s: %s\n", db_url_safe(db), db_error(db));
    return SIPCTL_ERR;
}

/* --- add, passwd ------------------------------------------------------------- */

/* The first line of stdin without its line end (malloc'd), or NULL. */
static char *read_password(size_t *cap)
{
    char *line = NULL;
    *cap = 0;
    if (isatty(STDIN_FILENO))
        fprintf(stderr, "password: ");
    ssize_t n = getline(&line, cap, stdin);
    if (n < 0) {
        free(line);
        return NULL;
    }
    while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
        line[--n] = '\0';
    return line;
}

/* The user's existence is what `adding` expects: SIPCTL_OK, or the message
 * and status that refuse the command. */
static int expect_user(Db *db, Subs *subs, int adding, const char *user, const char *domain)
{
    int e = subs_exists(subs, user, domain);
    if (e < 0)
        return db_fail(db);
    if (adding && e) {
        fprintf(stderr, "sipctl: %s@%s exists; use passwd to change its password\n", user, domain);
        return SIPCTL_ERR;
    }
    if (!adding && !e) {
        fprintf(stderr, "sipctl: no user %s@%s; use add\n", user, domain);
        return SIPCTL_ERR;
    }
    return SIPCTL_OK;
}

/* Stores the HA1s in one transaction that checks existence again, so two
 * concurrent `add`s of one user cannot both succeed. */
static int store(Db *db, Subs *subs, int adding, const char *user, const char *domain, const char *md5,
                 const char *sha)
{
    if (db_begin(db) < 0)
        return db_fail(db);
    int rc = expect_user(db, subs, adding, user, domain);
    if (rc == SIPCTL_OK && subs_set(subs, user, domain, md5, sha) < 0)
        rc = db_fail(db);
    if (rc == SIPCTL_OK && db_commit(db) < 0)
        rc = db_fail(db);
    if (rc != SIPCTL_OK)
        db_rollback(db);
    return rc;
}

static int user_set(Db *db, Subs *subs, int adding, const char *user, const char *domain, char *given)
{
    char md5[DIGEST_HEX_MAX], sha[DIGEST_HEX_MAX];
    size_t cap = 0;
    /* Refuse before asking for a password the command would not use. */
    int rc = expect_user(db, subs, adding, user, domain);
    if (rc != SIPCTL_OK)
        return rc;
    char *pw = given ? given : read_password(&cap);
    if (!pw) {
        fprintf(stderr, "sipctl: no password given, and none on standard input\n");
        return SIPCTL_ERR;
    }
    if (!pw[0]) {
        fprintf(stderr, "sipctl: empty password refused\n");
        rc = SIPCTL_ERR;
    } else {
        digest_ha1(DIGEST_MD5, user, domain, pw, md5);
        digest_ha1(DIGEST_SHA256, user, domain, pw, sha);
        if (!md5[0] || !sha[0]) {
            fprintf(stderr, "sipctl: cannot compute the HA1s (OpenSSL refused %s)\n", md5[0] ? "SHA-256" : "MD5");
            rc = SIPCTL_ERR;
        }
    }
    explicit_bzero(pw, given ? strlen(pw) : cap);
    if (!given)
        free(pw);
    if (rc == SIPCTL_OK)
        rc = store(db, subs, adding, user, domain, md5, sha);
    if (rc == SIPCTL_OK)
        printf("%s %s@%s\n", adding ? "added" : "changed the password of", user, domain);
    return rc;
}

/* --- rm, list ---------------------------------------------------------------- */

static int user_rm(Db *db, Subs *subs, const char *user, const char *domain)
{
    int r = subs_remove(subs, user, domain);
    if (r < 0)
        return db_fail(db);
    if (r == 0) {
        fprintf(stderr, "sipctl: no user %s@%s\n", user, domain);
        return SIPCTL_ERR;
    }
    printf("removed %s@%s\n", user, domain);
    return SIPCTL_OK;
}

/* One line per user: "USER@DOMAIN<TAB>HA1s", the HA1s "MD5 SHA-256", one
 * of them, or "none" (a row written by something other than sipctl, whose
 * names are therefore escaped). */
static int print_user(void *arg, const char *user, const char *domain, const char *md5, const char *sha)
{
    (void)arg;
    sipctl_put(user);
    putchar('@');
    sipctl_put(domain);
    printf("\t%s%s%s\n", md5[0] ? "MD5" : "", md5[0] && sha[0] ? " " : "",
           sha[0] ? "SHA-256" : md5[0] ? "" : "none");
    return 0;
}

static int user_list(Db *db, Subs *subs, const char *domain)
{
    return subs_list(subs, domain, print_user, NULL) < 0 ? db_fail(db) : SIPCTL_OK;
}

/* --- dispatch ---------------------------------------------------------------- */

enum { ADD, PASSWD, RM, LIST };

int sipctl_user(int argc, char **argv)
{
    static const char *const names[] = {"add", "passwd", "rm", "list"};
    char user[USER_MAX + 1], domain[DOMAIN_MAX + 1];
    int cmd = -1;
    Args a = {0};
    const SipctlOpt opts[] = {{"--url", &a.url, NULL, NULL}, {NULL, NULL, NULL, NULL}};

    if (argc < 2) {
        fprintf(stderr, "sipctl: user needs add, passwd, rm or list\n");
        return SIPCTL_USAGE;
    }
    for (int i = 0; i < 4; i++)
        if (!strcmp(argv[1], names[i]))
            cmd = i;
    if (cmd < 0) {
        fprintf(stderr, "sipctl: unknown user command \"%s\"\n", argv[1]);
        return SIPCTL_USAGE;
    }
    /* `--` ends the options, so a password may start with '-'. */
    int rc = sipctl_args(argc, argv, opts, a.pos, cmd == ADD || cmd == PASSWD ? 2 : 1, &a.npos);
    if (rc)
        return rc;
    if (cmd != LIST && a.npos == 0) {
        fprintf(stderr, "sipctl: user %s needs USER@DOMAIN\n", names[cmd]);
        return SIPCTL_USAGE;
    }
    if (cmd != LIST ? split_user(a.pos[0], user, domain) < 0
                    : a.npos && !valid_name("DOMAIN", a.pos[0], DOMAIN_MAX, "@", DOMAIN_PUNCT))
        return SIPCTL_ERR;
    const char *url = sipctl_url(a.url);
    if (!url)
        return SIPCTL_USAGE;

    Db *db = sipctl_open(url, 0);
    if (!db)
        return SIPCTL_ERR;
    Subs *subs = NULL;
    if (sipctl_check_schema(db, SUBS_SCHEMA, "the subscriber table") < 0) {
        rc = SIPCTL_ERR;
    } else if (!(subs = subs_open(db))) {
        fprintf(stderr, "sipctl: out of memory\n");
        rc = SIPCTL_ERR;
    } else if (cmd == ADD || cmd == PASSWD) {
        rc = user_set(db, subs, cmd == ADD, user, domain, a.npos > 1 ? a.pos[1] : NULL);
    } else if (cmd == RM) {
        rc = user_rm(db, subs, user, domain);
    } else {
        rc = user_list(db, subs, a.npos ? a.pos[0] : NULL);
    }
    subs_close(subs);
    db_close(db);
    return rc;
}
