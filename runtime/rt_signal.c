/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * rt_signal.c - SIGINT/SIGTERM as events of the sofia-sip loop.
 *
 * sipd never handles a signal asynchronously: main() blocks SIGINT and
 * SIGTERM first thing (rt_signals_block), and rt_signals_watch() reads them
 * from a signalfd registered on the su_root like any socket.  A stop request
 * therefore arrives between two messages, never inside one, and goes to
 * the caller's callback (rt_shutdown.c: drain, or break the loop); the
 * caller then tears everything down in order.  SIGPIPE is ignored so a closed peer is an error return, not death.
 */
#define SU_WAKEUP_ARG_T struct RtSignals

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <sofia-sip/su_wait.h>

#include "rt_internal.h"

struct RtSignals {
    su_root_t *root;
    void (*on_stop)(void *arg, int signo);
    void *arg;
    int fd;
    int index; /* su_root registration */
};

static void stop_set(sigset_t *set)
{
    sigemptyset(set);
    sigaddset(set, SIGINT);
    sigaddset(set, SIGTERM);
}

int rt_signals_block(void)
{
    sigset_t set;
    stop_set(&set);
    signal(SIGPIPE, SIG_IGN);
    return pthread_sigmask(SIG_BLOCK, &set, NULL) == 0 ? 0 : -1;
}

static int on_signal(su_root_magic_t *magic, su_wait_t *w, RtSignals *sg)
{
    (void)magic, (void)w;
    struct signalfd_siginfo si;
    /* Bounded: the fd is non-blocking and holds at most a few entries. */
    for (int i = 0; i < 16; i++) {
        ssize_t n = read(sg->fd, &si, sizeof si);
        if (n != (ssize_t)sizeof si)
            break;
        sg->on_stop(sg->arg, (int)si.ssi_signo);
    }
    return 0;
}

RtSignals *rt_signals_watch(su_root_t *root, void (*on_stop)(void *arg, int signo), void *arg, char *err,
                            size_t errlen)
{
    sigset_t set;
    su_wait_t wait[1];
    RtSignals *sg = calloc(1, sizeof *sg);
    if (!sg) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    stop_set(&set);
    sg->root = root;
    sg->on_stop = on_stop;
    sg->arg = arg;
    sg->index = -1;
    /* Blocking again is harmless and covers callers that forgot. */
    pthread_sigmask(SIG_BLOCK, &set, NULL);
    sg->fd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
    if (sg->fd < 0) {
        snprintf(err, errlen, "signalfd: %s", strerror(errno));
        free(sg);
        return NULL;
    }
    if (su_wait_create(wait, sg->fd, SU_WAIT_IN) < 0 ||
        (sg->index = su_root_register(root, wait, on_signal, sg, 0)) < 0) {
        snprintf(err, errlen, "cannot watch signals: %s", strerror(errno));
        close(sg->fd);
        free(sg);
        return NULL;
    }
    return sg;
}

void rt_signals_unwatch(RtSignals *sg)
{
    if (!sg)
        return;
    if (sg->index > 0)
        su_root_deregister(sg->root, sg->index);
    close(sg->fd);
    free(sg);
}
