/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * rt_tls.c - the certificate directory sofia-sip's TLS transport reads.
 *
 * sofia (TPTAG_CERTIFICATE) wants a directory with agent.pem, the private
 * key and the certificate concatenated, and cafile.pem, the CA
 * certificates.  The policy names the files separately (tls.private_key,
 * tls.certificate, tls.ca_list), so they are copied into a fresh private
 * directory (mkdtemp, mode 0700; files 0600) under $TMPDIR or /tmp.  A tls
 * listen address without a certificate or key, an unreadable file, or a
 * verification asked for without tls.ca_list stops sipd from starting,
 * with the setting and file named.  So do files OpenSSL cannot load (no
 * PEM certificate, no PEM private key or an encrypted one, a key that is
 * not the certificate's, no certificate in tls.ca_list): they are loaded
 * here first (check_pems), since sofia takes them without a word and then
 * fails every handshake.
 *
 * Verification (SPEC.md section 2.4) is sofia's TPTAG_TLS_VERIFY_POLICY,
 * one bit per direction, for every TLS connection of the transport:
 * TPTLS_VERIFY_IN (tls.verify_client) makes OpenSSL ask a connecting
 * client for its certificate and refuse the handshake without one that
 * tls.ca_list vouches for; TPTLS_VERIFY_OUT (tls.verify_server) refuses a
 * server whose certificate does not verify, on a connection sipd opens
 * (sofia closes it after the handshake; rt_listen.c makes that fail the
 * request at once).  Both default to tls.verify_peer.  Sofia's other
 * checks keep their defaults: chain depth 2, dates checked.  Names are not
 * matched: TPTLS_VERIFY_SUBJECTS_OUT compares the target's host with the
 * certificate's common name and DNS names only (not its IP addresses, as
 * OpenSSL 3 names them), which would refuse good certificates.
 *
 * Ownership: the directory and the malloc'd path belong to the caller
 * until rt_tls_remove(), which rt_listen.c calls once the transports are
 * open.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <sofia-sip/tport_tag.h>

#include "rt_internal.h"
#include "rt_listen.h"

static const char *setting(const RtPolicy *p, const char *name)
{
    const sipc_policy_desc *d = rt_policy_desc(p);
    for (unsigned i = 0; i < d->nsettings; i++)
        if (!strcmp(d->settings[i].name, name))
            return d->settings[i].value;
    return NULL;
}

/* Append the file `from` to the open `out`. */
static int append_file(FILE *out, const char *setting_name, const char *from, char *err, size_t errlen)
{
    FILE *in = fopen(from, "rb");
    if (!in) {
        snprintf(err, errlen, "%s: cannot read %s: %s", setting_name, from, strerror(errno));
        return -1;
    }
    char buf[4096];
    size_t n, total = 0;
    int last = '\n';
    while ((n = fread(buf, 1, sizeof buf, in)) > 0) {
        if (fwrite(buf, 1, n, out) != n) {
            fclose(in);
            snprintf(err, errlen, "tls: cannot write the certificate directory: %s", strerror(errno));
            return -1;
        }
        total += n;
        last = (unsigned char)buf[n - 1];
    }
    int bad = ferror(in);
    fclose(in);
    if (bad || total == 0) {
        snprintf(err, errlen, "%s: cannot read %s: %s", setting_name, from, bad ? "read error" : "empty file");
        return -1;
    }
    if (last != '\n')
        fputc('\n', out);
    return 0;
}

/* Write `dir`/`name` from the files `from[0..n)`. */
static int write_pem(const char *dir, const char *name, const char *const *names, const char *const *from,
                     int n, char *err, size_t errlen)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    mode_t old = umask(077);
    FILE *out = fopen(path, "wb");
    umask(old);
    if (!out) {
        snprintf(err, errlen, "tls: cannot create %s: %s", path, strerror(errno));
        return -1;
    }
    for (int i = 0; i < n; i++)
        if (append_file(out, names[i], from[i], err, errlen) < 0) {
            fclose(out);
            return -1;
        }
    if (fclose(out) != 0) {
        snprintf(err, errlen, "tls: cannot write %s: %s", path, strerror(errno));
        return -1;
    }
    return 0;
}

/* OpenSSL's reason for the last failure, for a message ("no start line"),
 * and its error queue emptied. */
static const char *ssl_why(void)
{
    unsigned long e = ERR_peek_last_error();
    const char *r = e ? ERR_reason_error_string(e) : NULL;
    ERR_clear_error();
    return r ? r : "unknown error";
}

/* No passphrase is ever given (sofia would need TPTAG_TLS_PASSPHRASE):
 * an encrypted key fails here instead of prompting on a terminal. */
static int no_passphrase(char *buf, int size, int rwflag, void *u)
{
    (void)buf;
    (void)size;
    (void)rwflag;
    (void)u;
    return -1;
}

/* The first PEM certificate of `path` (NULL with err, `name` the setting). */
static X509 *read_cert(const char *name, const char *path, char *err, size_t errlen)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(err, errlen, "%s: cannot read %s: %s", name, path, strerror(errno));
        return NULL;
    }
    X509 *x = PEM_read_X509(f, NULL, no_passphrase, NULL);
    fclose(f);
    if (!x)
        snprintf(err, errlen, "%s: %s holds no certificate OpenSSL can load (%s)", name, path, ssl_why());
    return x;
}

/* The certificate, key and CA files load, and the key is the
 * certificate's; 0, or -1 with err naming the setting and the file. */
static int check_pems(const char *cert, const char *key, const char *ca, char *err, size_t errlen)
{
    X509 *x = read_cert("tls.certificate", cert, err, errlen);
    if (!x)
        return -1;
    EVP_PKEY *k = NULL;
    int rc = -1;
    FILE *f = fopen(key, "rb");
    if (!f) {
        snprintf(err, errlen, "tls.private_key: cannot read %s: %s", key, strerror(errno));
        goto done;
    }
    k = PEM_read_PrivateKey(f, NULL, no_passphrase, NULL);
    fclose(f);
    if (!k) {
        snprintf(err, errlen, "tls.private_key: %s holds no unencrypted private key OpenSSL can load (%s)", key,
                 ssl_why());
        goto done;
    }
    if (X509_check_private_key(x, k) != 1) {
        snprintf(err, errlen, "tls.private_key: %s is not the key of the certificate in %s (tls.certificate)", key,
                 cert);
        ERR_clear_error();
        goto done;
    }
    if (ca && *ca) {
        X509 *c = read_cert("tls.ca_list", ca, err, errlen);
        if (!c)
            goto done;
        X509_free(c);
    }
    rc = 0;
done:
    EVP_PKEY_free(k);
    X509_free(x);
    return rc;
}

/* A bool setting, `dflt` when it is not given. */
static int flag(const RtPolicy *p, const char *name, int dflt)
{
    const char *v = setting(p, name);
    return v ? !strcmp(v, "true") : dflt;
}

int rt_tls_prepare(const RtPolicy *policy, char **dir, unsigned *verify, char *err, size_t errlen)
{
    const char *cert = setting(policy, "tls.certificate");
    const char *key = setting(policy, "tls.private_key");
    const char *ca = setting(policy, "tls.ca_list");
    int peer = flag(policy, "tls.verify_peer", 0);
    int in = flag(policy, "tls.verify_client", peer), out = flag(policy, "tls.verify_server", peer);
    *dir = NULL;
    *verify = (in ? TPTLS_VERIFY_IN : 0) | (out ? TPTLS_VERIFY_OUT : 0);
    if (!cert || !*cert || !key || !*key) {
        snprintf(err, errlen, "a tls listen address needs the settings tls.certificate and tls.private_key%s",
                 !cert || !*cert ? (!key || !*key ? " (both missing)" : " (tls.certificate missing)")
                                 : " (tls.private_key missing)");
        return -1;
    }
    if (*verify && (!ca || !*ca)) {
        snprintf(err, errlen, "%s = true needs tls.ca_list, the CA certificates to verify with",
                 peer ? "tls.verify_peer" : in ? "tls.verify_client" : "tls.verify_server");
        return -1;
    }
    if (check_pems(cert, key, ca, err, errlen) < 0)
        return -1;
    const char *tmp = getenv("TMPDIR");
    size_t len = strlen(tmp && *tmp ? tmp : "/tmp") + 32;
    char *d = malloc(len);
    if (!d) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    snprintf(d, len, "%s/sipd-tls.XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(d)) { /* mkdtemp makes it 0700 */
        snprintf(err, errlen, "tls: cannot make a directory in %s: %s", tmp && *tmp ? tmp : "/tmp",
                 strerror(errno));
        free(d);
        return -1;
    }
    const char *agent_names[] = {"tls.private_key", "tls.certificate"};
    const char *agent_from[] = {key, cert};
    const char *ca_names[] = {"tls.ca_list"};
    const char *ca_from[] = {ca};
    if (write_pem(d, "agent.pem", agent_names, agent_from, 2, err, errlen) < 0 ||
        (ca && *ca && write_pem(d, "cafile.pem", ca_names, ca_from, 1, err, errlen) < 0)) {
        rt_tls_remove(d);
        return -1;
    }
    *dir = d;
    return 0;
}

void rt_tls_remove(char *dir)
{
    static const char *const files[] = {"agent.pem", "cafile.pem"};
    if (!dir)
        return;
    char path[4096];
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        snprintf(path, sizeof path, "%s/%s", dir, files[i]);
        unlink(path);
    }
    if (rmdir(dir) < 0)
        rt_log(RT_LOG_WARN, "tls: cannot remove %s: %s", dir, strerror(errno));
    free(dir);
}
