/* The step table (spec/threads.md's steps on the kernel's code). A step either starts a kernel
 * call on an idle thread or resumes a thread stopped at a point; it ends at the first point
 * of its `ends` (every other point is run through) or when the call returns. The points are
 * the shim's: "<before|after>:<primitive>@<kernel function>". */
#include <stdio.h>
#include <string.h>

#include "steps.h"
#include "world.h"

extern const char *const kx_flavour;

#define L(...) ((const char *const[]){ __VA_ARGS__, NULL })
static const char *const RET[] = { "return", NULL };

/* RFC dma_find_channel (3/7 hunk @@ -305,10 +313,40 @@): read the table | this_cpu_inc | key test, return. */
#define FIND_READ "after:this_cpu_read@dma_find_channel"
#define FIND_INC "after:this_cpu_inc@dma_find_channel"
/* RFC dma_get_channel: the key test | atomic_inc(&dmaengine_dirty) | this_cpu_inc, return. */
#define GET_TEST "after:static_key_false@dma_get_channel"
#define GET_DIRTY "after:atomic_inc@dma_get_channel"
/* dma_issue_pending_all: rcu_read_lock and the first device fetched | reading on to the next
 * channel with client_count, stopped before its device_issue_pending (the fake driver's point),
 * or to rcu_read_unlock | that issue, and reading on again. */
#define WALK "after:rcu_dereference@dma_issue_pending_all"
#define ISSUE "before:device_issue_pending@fake_issue_pending"
/* 3.x dma_async_device_unregister: list_del_rcu, rebalance, mutex_unlock | baseline: one
 * iteration of the channel loop to its free_percpu(chan->local) (3.6 dmaengine.c:843-852), per
 * channel | the loop's end, the return, the driver's free. */
#define UNREG_3X "after:mutex_unlock@dma_async_device_unregister"
#define CHAN_3X "after:free_percpu@dma_async_device_unregister"
/* RFC dma_channel_quiesce, one point per statement the model steps on. */
#define Q_KEYON "before:static_key_slow_inc@dma_channel_quiesce"
#define Q_ROUND "before:atomic_set@dma_channel_quiesce"
#define Q_SLEEP "before:schedule_timeout@dma_channel_quiesce"
#define Q_READ "before:per_cpu@dma_channel_quiesce"
#define Q_ENDED "before:static_key_slow_dec@dma_channel_quiesce"
#define Q_DONE "after:static_key_slow_dec@dma_channel_quiesce"
/* RFC unregister after the mutex: rfc-base-unheld's putRefs (the harness's, labelled), then
 * the base's module-exit check with 3/7's wait_event and the channel loop's first iteration
 * to its free_percpu (CHAN_3X), one step per further channel, then synchronize_rcu's start
 * (RFC_GP) and, after its grace period, the driver's free. */
#define RFC_PUTREFS "before:mutex_lock@dmaspec_rfc_base_put_refs"
#define RFC_FREE "before:try_module_get@dma_async_device_unregister"
/* 3/7's synchronize_rcu() (hunk @@ -788,6 +877,9 @@): its grace period begun, the readers then
 * inside recorded (the shim's synchronize_rcu) | it returns once they have left, the driver's free. */
#define RFC_GP "after:rcu_gp_begin@dma_async_device_unregister"
/* Mainline dma_async_device_unregister: the channel loop, one step per channel, each
 * __dma_async_device_channel_unregister to its free_percpu(chan->local) (its dma_list_mutex
 * section with device->chancnt--, 5.10.7's list_del; 5.10.7 dmaengine.c:1317-1318 → :1106-1122,
 * 7.0 :1305-1306 → :1137-1153) | the dma_list_mutex section: DMA_PRIVATE, rebalance,
 * dma_device_put, mutex_unlock (5.10.7 :1320-1329, 7.0 :1308-1317), one step as the kernel
 * holds the mutex through it (issue 31 M5). */
#define ML_CHAN "after:free_percpu@__dma_async_device_channel_unregister"

#define ALLB (B_3X | B_RFC | B_MAINLINE)
#define ALLD (D_BASELINE | D_RFC_WAIT | D_RFC_UNHELD | D_KREF | D_KREF_FIXED | D_OTHER)
#define RFCD (D_RFC_WAIT | D_RFC_UNHELD)
#define KREFD (D_KREF | D_KREF_FIXED)
#define MS M_SYSTEM
#define PUB (K_NET | K_ATX)

static const struct rule RULES[] = {
	/* clients: control context */
	{ ALLB, ALLD, MS, PUB, "get", NULL, OP_GET, RET },
	{ ALLB, ALLD, MS, PUB, "getAllocFails", NULL, OP_GET_ALLOC_FAILS, RET },
	{ ALLB, ALLD, MS, PUB, "release", NULL, OP_PUT, RET },
	/* clients: the worker's hot path, 3.x and mainline (one table read) */
	{ B_3X | B_MAINLINE, ALLD, MS, PUB, "find", NULL, OP_FIND, RET },
	{ B_3X | B_MAINLINE, ALLD, MS, K_ATX, "reget", NULL, OP_REGET, RET },
	/* the RFC's, one step per statement */
	{ B_RFC, ALLD, MS, PUB, "find", NULL, OP_FIND, L(FIND_READ) },
	{ B_RFC, ALLD, MS, PUB, "inc", L(FIND_READ), OP_NOP, L(FIND_INC) },
	{ B_RFC, ALLD, MS, PUB, "test", L(FIND_INC), OP_NOP, RET },
	{ B_RFC, ALLD, MS, K_ATX, "reget", NULL, OP_REGET, L(GET_TEST) },
	{ B_RFC, ALLD, MS, K_ATX, "dirty", L(GET_TEST), OP_NOP, L(GET_DIRTY) },
	{ B_RFC, ALLD, MS, K_ATX, "inc", L(GET_TEST, GET_DIRTY), OP_NOP, RET },
	{ ALLB, ALLD, MS, PUB | K_SLAVE, "use", NULL, OP_USE, RET },
	{ ALLB, ALLD, MS, PUB, "put", NULL, OP_PUTCHAN, RET },
	/* NET_RX softirq */
	{ ALLB, ALLD, MS, K_RX, "walk", NULL, OP_ISSUE_ALL, L(WALK) },
	{ ALLB, ALLD, MS, K_RX, "check", L(WALK), OP_NOP, L(ISSUE) },
	{ ALLB, ALLD, MS, K_RX, "issue", L(ISSUE), OP_NOP, L(ISSUE) },
	/* slave */
	{ ALLB, ALLD, MS, K_SLAVE, "request", NULL, OP_REQUEST, RET },
	{ ALLB, ALLD, MS, K_SLAVE, "release", NULL, OP_RELEASE, RET },
	/* the client machines' quiescer (RFC): the static key alone */
	{ B_RFC, ALLD, MS, K_ENV, "keyOn", NULL, OP_KEY_ON, RET },
	{ B_RFC, ALLD, MS, K_ENV, "keyOff", NULL, OP_KEY_OFF, RET },
	/* IOH: a hot-added hub's probe (the scenario's hotAdd), then orderly eject */
	{ B_3X | B_RFC, D_BASELINE | RFCD, MS, K_IOH, "probe", NULL, OP_PROBE, RET },
	{ B_3X | B_RFC, D_BASELINE | RFCD, MS, K_IOH, "probeFails", NULL, OP_PROBE_FAILS, RET },
	{ ALLB, ALLD, MS, K_IOH, "eject", NULL, OP_EJECT, RET },
	{ B_3X, D_BASELINE, MS, K_IOH, "unregister", NULL, OP_REMOVE, L(UNREG_3X) },
	{ B_3X, D_BASELINE, MS, K_IOH, "chanUnregister", L(UNREG_3X, CHAN_3X), OP_NOP, L(CHAN_3X) },
	{ B_3X, D_BASELINE, MS, K_IOH, "free", L(CHAN_3X), OP_NOP, RET },
	{ B_RFC, RFCD, MS, K_IOH, "unregister", NULL, OP_REMOVE, L(Q_KEYON) },
	{ B_RFC, RFCD, MS, K_IOH, "keyOn", L(Q_KEYON), OP_NOP, L(Q_ROUND) },
	{ B_RFC, ALLD, M_QUIESCE, K_IOH, "keyOn", NULL, OP_QUIESCE, L(Q_ROUND) },
	{ B_RFC, ALLD, MS | M_QUIESCE, K_IOH, "clearDirty", L(Q_ROUND), OP_NOP, L(Q_SLEEP) },
	{ B_RFC, ALLD, MS | M_QUIESCE, K_IOH, "tick", L(Q_SLEEP), OP_NOP, L(Q_READ, Q_ROUND) },
	{ B_RFC, ALLD, MS | M_QUIESCE, K_IOH, "read", L(Q_READ), OP_NOP, L(Q_READ, Q_ROUND, Q_ENDED) },
	{ B_RFC, ALLD, MS | M_QUIESCE, K_IOH, "keyOff", L(Q_ENDED), OP_NOP, L(Q_DONE) },
	{ B_RFC, D_RFC_WAIT, MS, K_IOH, "unlock", L(Q_DONE), OP_NOP, L(RFC_FREE) },
	{ B_RFC, D_RFC_UNHELD, MS, K_IOH, "unlock", L(Q_DONE), OP_NOP, L(RFC_PUTREFS) },
	{ B_RFC, D_RFC_UNHELD, MS, K_IOH, "putRefs", L(RFC_PUTREFS), OP_NOP, L(RFC_FREE) },
	{ B_RFC, RFCD, MS, K_IOH, "chanUnregister", L(RFC_FREE, CHAN_3X), OP_NOP, L(CHAN_3X) },
	{ B_RFC, RFCD, MS, K_IOH, "synchronizeRcu", L(CHAN_3X), OP_NOP, L(RFC_GP) },
	{ B_RFC, RFCD, MS, K_IOH, "free", L(RFC_GP), OP_NOP, RET },
	{ B_MAINLINE, KREFD, MS, K_IOH, "unregister", NULL, OP_REMOVE, L(ML_CHAN) },
	{ B_MAINLINE, KREFD, MS, K_IOH, "chanUnregister", L(ML_CHAN), OP_NOP, L(ML_CHAN) },
	{ B_MAINLINE, KREFD, MS, K_IOH, "putRef", L(ML_CHAN), OP_NOP, RET },
	/* the quiesce machine's hot path on a CPU, whole */
	{ B_RFC, ALLD, M_QUIESCE, K_ENV, "find", NULL, OP_Q_FIND, RET },
	{ B_RFC, ALLD, M_QUIESCE, K_ENV, "get", NULL, OP_Q_GET, RET },
	{ B_RFC, ALLD, M_QUIESCE, K_ENV, "put", NULL, OP_Q_PUT, RET },
	/* the ioh machine: hot-plug of a hub, unregister and free in one step */
	{ ALLB, ALLD, M_IOH, K_IOH, "hotAdd", NULL, OP_HOTADD, RET },
	{ ALLB, ALLD, M_IOH, K_IOH, "probe", NULL, OP_PROBE, RET },
	{ ALLB, ALLD, M_IOH, K_IOH, "eject", NULL, OP_EJECT, RET },
	{ ALLB, ALLD, M_IOH, K_IOH, "surpriseRemove", NULL, OP_SURPRISE, RET },
	{ ALLB, ALLD, M_IOH, K_IOH, "unregister", NULL, OP_REMOVE, RET },
	/* CPU hotplug */
	{ ALLB, ALLD, MS | M_IOH, K_CPU, "offline", NULL, OP_CPU_DOWN, RET },
	{ ALLB, ALLD, MS | M_IOH, K_CPU, "postDead", NULL, OP_CPU_POSTDEAD, RET },
	{ ALLB, ALLD, MS | M_IOH, K_CPU, "online", NULL, OP_CPU_UP, RET },
	{ ALLB, ALLD, MS | M_IOH, K_CPU, "notify", NULL, OP_CPU_NOTIFY, RET },
	/* the channel machine: the dmaengine API calls */
	{ ALLB, ALLD, M_CHANNEL, K_ENV, "dmaengineGet", NULL, OP_ENV_GET, RET },
	{ ALLB, ALLD, M_CHANNEL, K_ENV, "dmaenginePut", NULL, OP_ENV_PUT, RET },
	{ ALLB, ALLD, M_CHANNEL, K_ENV, "dmaRequestChannel", NULL, OP_ENV_REQUEST, RET },
	{ ALLB, ALLD, M_CHANNEL, K_ENV, "dmaReleaseChannel", NULL, OP_ENV_RELEASE, RET },
	{ ALLB, ALLD, M_CHANNEL, K_ENV, "dmaChannelRebalance", NULL, OP_ENV_REBALANCE, RET },
};

static unsigned build_bit(void)
{
	return !strcmp(kx_flavour, "rfc") ? B_RFC : !strcmp(kx_flavour, "mainline") ? B_MAINLINE : B_3X;
}

static int listed(const char *const *list, const char *s)
{
	for (; list && *list; list++)
		if (!strcmp(*list, s))
			return 1;
	return 0;
}

const struct rule *find_rule(enum machine m, unsigned design, int kind, const char *step, const char *at, struct world_div *d)
{
	unsigned b = build_bit();
	int any = 0;
	for (size_t i = 0; i < sizeof RULES / sizeof *RULES; i++) {
		const struct rule *r = &RULES[i];
		if (!(r->builds & b) || !(r->designs & design) || !(r->machines & m) || !(r->kinds & kind) || strcmp(r->step, step))
			continue;
		any = 1;
		if (at ? listed(r->resume_at, at) : !r->resume_at)
			return r;
	}
	if (!any) {
		snprintf(d->kind, sizeof d->kind, "no-kernel-step");
		snprintf(d->message, sizeof d->message, "step %s has no kernel code in this build (%s) for this design and machine", step, kx_flavour);
	} else {
		snprintf(d->kind, sizeof d->kind, "position");
		snprintf(d->message, sizeof d->message, "the model takes step %s; the kernel thread is %s%s", step, at ? "stopped at " : "idle (no call in progress)", at ? at : "");
	}
	return NULL;
}
