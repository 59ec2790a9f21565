/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * backend_cc.c - build emitted policy C into a shared object with cc -O2.
 *
 * The deployment path: `sipc build` turns a policy into policy.so, which sipd
 * dlopen()s.  The C compiler runs on files in a private temporary directory
 * (mkdtemp): sipc/abi.h written from the embedded header text, and policy.c.
 * It is started with posix_spawnp (no shell, so no quoting problems), its
 * stderr is captured through a pipe into `err`, and its output goes to a
 * sibling of `out_path` that is renamed into place only on success, so a
 * running sipd never sees a half-written object.  The temporary directory is
 * removed on every path.
 *
 * Return: 0 on success, -1 with a message in `err`.
 */
#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "compile.h"

extern char **environ;

enum { MAX_ARGS = 64, CC_OUT_MAX = 8192 };

static void fmt_err(char *err, size_t errlen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void fmt_err(char *err, size_t errlen, const char *fmt, ...)
{
    if (!err || errlen == 0)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
}

static int write_file(const char *path, const char *text, char *err, size_t errlen)
{
    FILE *f = fopen(path, "w");
    if (!f) {
        fmt_err(err, errlen, "cannot create %s: %s", path, strerror(errno));
        return -1;
    }
    size_t n = strlen(text);
    int ok = fwrite(text, 1, n, f) == n;
    ok = (fclose(f) == 0) && ok;
    if (!ok) {
        fmt_err(err, errlen, "cannot write %s: %s", path, strerror(errno));
        return -1;
    }
    return 0;
}

/* Run argv[0] with the arguments; its stderr (and stdout) land in `out`,
 * NUL-terminated and truncated to `outlen`.  Returns the wait status, or -1
 * if it could not be started (errno set). */
static int run_capture(char *const argv[], char *out, size_t outlen)
{
    int pfd[2];
    if (pipe2(pfd, O_CLOEXEC) < 0)
        return -1;
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, pfd[1], 1);
    posix_spawn_file_actions_adddup2(&fa, pfd[1], 2);
    pid_t pid;
    int rc = posix_spawnp(&pid, argv[0], &fa, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    close(pfd[1]);
    if (rc != 0) {
        close(pfd[0]);
        errno = rc;
        return -1;
    }
    size_t len = 0;
    char chunk[1024];
    for (;;) {
        ssize_t n = read(pfd[0], chunk, sizeof chunk);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        /* Keep reading to EOF even when full, so cc never blocks on us. */
        size_t take = (size_t)n;
        if (outlen && len + take > outlen - 1)
            take = outlen - 1 - len;
        memcpy(out + len, chunk, take);
        len += take;
    }
    if (outlen)
        out[len] = '\0';
    close(pfd[0]);
    int status;
    while (waitpid(pid, &status, 0) < 0) {
        if (errno != EINTR)
            return -1;
    }
    return status;
}

int cc_build_shared(const char *c_src, const char *out_path, const char *cc, char *err, size_t errlen)
{
    char *dirp = NULL, *bufs = NULL, *ccbuf = NULL, *tmp_out = NULL, *cc_out = NULL;
    int ret = -1;

    if (err && errlen)
        err[0] = '\0';
    /* Honour $TMPDIR when set; fall back to /tmp. */
    const char *tmpdir = getenv("TMPDIR");
    if (!tmpdir || !*tmpdir)
        tmpdir = "/tmp";
    size_t dlen = strlen(tmpdir) + 32;
    dirp = malloc(dlen);
    bufs = malloc(4 * dlen);
    if (!dirp || !bufs) {
        fmt_err(err, errlen, "out of memory");
        free(dirp);
        free(bufs);
        return -1;
    }
    snprintf(dirp, dlen, "%s/sipc-cc-XXXXXX", tmpdir);
    if (!mkdtemp(dirp)) {
        fmt_err(err, errlen, "cannot create a temporary directory in %s: %s", tmpdir, strerror(errno));
        free(dirp);
        free(bufs);
        return -1;
    }
    char *psub = bufs, *phdr = bufs + dlen, *psrc = bufs + 2 * dlen, *pinc = bufs + 3 * dlen;
    snprintf(psub, dlen, "%s/sipc", dirp);
    snprintf(phdr, dlen, "%s/sipc/abi.h", dirp);
    snprintf(psrc, dlen, "%s/policy.c", dirp);
    snprintf(pinc, dlen, "-I%s", dirp);

    if (mkdir(psub, 0700) < 0) {
        fmt_err(err, errlen, "cannot create %s: %s", psub, strerror(errno));
        goto out;
    }
    if (write_file(phdr, sipc_abi_h_text, err, errlen) < 0 || write_file(psrc, c_src, err, errlen) < 0)
        goto out;

    size_t olen = strlen(out_path) + 32;
    tmp_out = malloc(olen);
    cc_out = malloc(CC_OUT_MAX);
    if (!cc)
        cc = getenv("CC");
    if (!cc || !*cc)
        cc = "cc";
    ccbuf = strdup(cc);
    if (!tmp_out || !cc_out || !ccbuf) {
        fmt_err(err, errlen, "out of memory");
        goto out;
    }
    snprintf(tmp_out, olen, "%s.tmp%ld", out_path, (long)getpid());

    /* $CC may carry words ("ccache gcc", "gcc -m64"); split on blanks. */
    char *argv[MAX_ARGS];
    int argc = 0;
    for (char *t = strtok(ccbuf, " \t"); t && argc < MAX_ARGS - 12; t = strtok(NULL, " \t"))
        argv[argc++] = t;
    if (argc == 0) {
        fmt_err(err, errlen, "empty C compiler command");
        goto out;
    }
    char *fixed[] = {"-std=c11", "-O2", "-fPIC", "-shared", pinc, "-o", tmp_out, psrc};
    for (size_t i = 0; i < sizeof fixed / sizeof fixed[0]; i++)
        argv[argc++] = fixed[i];
    argv[argc] = NULL;

    int status = run_capture(argv, cc_out, CC_OUT_MAX);
    if (status < 0) {
        fmt_err(err, errlen, "cannot run %s: %s", argv[0], strerror(errno));
        goto out;
    }
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        size_t n = strlen(cc_out);
        while (n && (cc_out[n - 1] == '\n' || cc_out[n - 1] == '\r'))
            cc_out[--n] = '\0';
        if (WIFEXITED(status))
            fmt_err(err, errlen, "%s failed (exit %d)%s%s", argv[0], WEXITSTATUS(status), n ? ":\n" : "",
                    cc_out);
        else
            fmt_err(err, errlen, "%s killed by signal %d%s%s", argv[0], WTERMSIG(status), n ? ":\n" : "",
                    cc_out);
        unlink(tmp_out);
        goto out;
    }
    if (rename(tmp_out, out_path) < 0) {
        fmt_err(err, errlen, "cannot move %s to %s: %s", tmp_out, out_path, strerror(errno));
        unlink(tmp_out);
        goto out;
    }
    ret = 0;

out:
    unlink(psrc);
    unlink(phdr);
    rmdir(psub);
    rmdir(dirp);
    free(bufs);
    free(dirp);
    free(ccbuf);
    free(tmp_out);
    free(cc_out);
    return ret;
}
