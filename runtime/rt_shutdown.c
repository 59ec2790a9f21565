/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * rt_shutdown.c - sipd's graceful shutdown (SPEC.md section 9, "Shutdown").
 *
 * The first SIGTERM or SIGINT (read from the signalfd of rt_signal.c, so
 * between two messages) starts draining:
 *
 *   - a request that would start something new (no To tag, not ACK or
 *     CANCEL) is refused statelessly with 503 Service Unavailable and
 *     Retry-After (RFC 3261 21.5.4; RFC 3263 clients then try another
 *     server).  In-dialog requests (To tag), ACK and CANCEL still reach the
 *     policy, so running calls can be acknowledged, cancelled and ended;
 *   - running transactions go on as usual;
 *   - a 50 ms timer stops the loop once no transaction has been left for
 *     DRAIN_QUIET_MS (so that the ACK of a 2xx just relayed, and a BYE
 *     right after it, still pass), or when shutdown_grace seconds are over.
 *
 * A second signal, or a grace of 0, stops the loop at once.  Then
 * rt_shutdown_finish() answers every transaction still without a final
 * reply with 500 (CANCELling its INVITE branches), and rt_server_destroy()
 * frees them with the agent.  One log line when draining starts, one when
 * it ends (how many transactions were left).
 *
 * Ownership: the RtShutdown and its timer are malloc'd / made here and
 * freed by rt_shutdown_free(); the root and the table are borrowed.
 */
#define SU_TIMER_ARG_T struct RtShutdown

#include <signal.h>
#include <stdlib.h>

#include <sofia-sip/nta.h>
#include <sofia-sip/sip_header.h>
#include <sofia-sip/sip_tag.h>
#include <sofia-sip/su_wait.h>

#include "rt_shutdown.h"

#define DRAIN_TICK_MS 50
#define DRAIN_QUIET_MS 300

enum { RUNNING, DRAINING, STOPPED };

struct RtShutdown {
    su_root_t *root;
    TmTable *tm;
    unsigned grace; /* seconds */
    int stage;
    su_timer_t *tick;
    su_time_t started;
    long quiet_ms;  /* how long no transaction has been left */
    int refused;    /* requests answered 503 */
    const char *how; /* why the loop stopped, for the last log line */
};

RtShutdown *rt_shutdown_new(su_root_t *root, TmTable *tm, unsigned grace)
{
    RtShutdown *sd = calloc(1, sizeof *sd);
    if (!sd)
        return NULL;
    sd->root = root;
    sd->tm = tm;
    sd->grace = grace;
    return sd;
}

static int count_live(const TmTable *tm)
{
    int n = 0;
    for (const TmTrans *t = tm->head; t; t = t->next)
        n++;
    return n;
}

static void stop(RtShutdown *sd, const char *how)
{
    sd->stage = STOPPED;
    sd->how = how;
    if (sd->tick)
        su_timer_reset(sd->tick);
    su_root_break(sd->root);
}

static void on_tick(su_root_magic_t *rm, su_timer_t *timer, RtShutdown *sd)
{
    (void)rm, (void)timer;
    if (sd->stage != DRAINING)
        return;
    sd->quiet_ms = sd->tm->head ? 0 : sd->quiet_ms + DRAIN_TICK_MS;
    if (sd->quiet_ms >= DRAIN_QUIET_MS)
        stop(sd, "drained");
    else if (su_duration(su_now(), sd->started) >= (su_duration_t)sd->grace * 1000)
        stop(sd, "grace over");
}

void rt_shutdown_on_signal(void *arg, int signo)
{
    RtShutdown *sd = arg;
    const char *name = signo == SIGINT ? "SIGINT" : "SIGTERM";
    if (sd->stage == DRAINING) {
        rt_log(RT_LOG_INFO, "received %s again: stopping now", name);
        stop(sd, "stopped at once");
        return;
    }
    if (sd->stage != RUNNING)
        return;
    int n = count_live(sd->tm);
    if (sd->grace == 0) {
        rt_log(RT_LOG_INFO, "received %s: stopping (shutdown_grace 0, %d transaction(s) running)", name, n);
        stop(sd, "stopped at once");
        return;
    }
    sd->stage = DRAINING;
    sd->started = su_now();
    rt_log(RT_LOG_INFO,
           "received %s: draining, %d transaction(s) running; new requests get 503 for up to %u s "
           "(signal again to stop now)",
           name, n, sd->grace);
    sd->tick = su_timer_create(su_root_task(sd->root), DRAIN_TICK_MS);
    if (!sd->tick || su_timer_set_for_ever(sd->tick, on_tick, sd) < 0) {
        rt_log(RT_LOG_WARN, "shutdown: no drain timer; stopping now");
        stop(sd, "stopped at once");
    }
}

int rt_shutdown_refuse(RtShutdown *sd, nta_agent_t *agent, msg_t *msg, sip_t *sip)
{
    if (!sd || sd->stage == RUNNING || !sip->sip_request)
        return 0;
    sip_method_t m = sip->sip_request->rq_method;
    if (m == sip_method_ack || m == sip_method_cancel || (sip->sip_to && sip->sip_to->a_tag))
        return 0; /* part of something running */
    sd->refused++;
    rt_log(RT_LOG_DEBUG, "draining: %s call-id %s refused with 503", sip->sip_request->rq_method_name,
           rt_msg_call_id(sip));
    nta_msg_treply(agent, msg, 503, "Service Unavailable", SIPTAG_RETRY_AFTER_STR(RT_SHUTDOWN_RETRY_AFTER),
                   TAG_END());
    return 1;
}

void rt_shutdown_finish(RtShutdown *sd)
{
    if (!sd)
        return;
    int left = count_live(sd->tm), answered = 0;
    /* tm_reply_local() cancels the INVITE branches too; a transaction
     * freed meanwhile can only be t itself, so `next` is taken first. */
    for (TmTrans *t = sd->tm->head, *next; t; t = next) {
        next = t->next;
        if (t->final_sent)
            continue;
        t->busy++;
        if (tm_reply_local(t, 500, "Server Shutting Down") == 0)
            answered++;
        t->busy--;
    }
    if (sd->stage == RUNNING) /* the loop ended some other way */
        return;
    rt_log(RT_LOG_INFO, "shutdown: %s; %d transaction(s) left%s, %d request(s) refused with 503",
           sd->how ? sd->how : "stopped", left,
           answered ? ", unanswered ones answered 500" : "", sd->refused);
}

void rt_shutdown_free(RtShutdown *sd)
{
    if (!sd)
        return;
    if (sd->tick)
        su_timer_destroy(sd->tick);
    free(sd);
}
