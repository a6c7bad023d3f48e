/* The step table: for each model step, the kernel call it starts (or the point it resumes at)
 * and the points that end it, per build, design and machine (steps.c). */
#ifndef DMASPEC_STEPS_H
#define DMASPEC_STEPS_H

struct world_div;
struct dma_chan;

enum machine { M_SYSTEM = 1, M_CHANNEL = 2, M_QUIESCE = 4, M_IOH = 8, M_OTHER = 16 };
/* Thread kinds, as bits: a rule may serve several. */
enum kind { K_NET = 1, K_ATX = 2, K_SLAVE = 4, K_RX = 8, K_IOH = 16, K_CPU = 32, K_ENV = 64 };
enum design { D_BASELINE = 1, D_RFC_WAIT = 2, D_RFC_UNHELD = 4, D_KREF = 8, D_KREF_FIXED = 16, D_OTHER = 32 };
enum hub_state { HUB_ABSENT, HUB_PRESENT, HUB_ONLINE, HUB_EJECTING, HUB_SURPRISE, HUB_REMOVED };

enum op {
	OP_NOP, OP_GET, OP_PUT, OP_FIND, OP_USE, OP_PUTCHAN, OP_REGET, OP_ISSUE_ALL, OP_REQUEST, OP_RELEASE,
	OP_EJECT, OP_REMOVE, OP_HOTADD, OP_PROBE, OP_SURPRISE, OP_CPU_DOWN, OP_CPU_POSTDEAD, OP_CPU_UP,
	OP_CPU_NOTIFY, OP_ENV_GET, OP_ENV_PUT, OP_ENV_REQUEST, OP_ENV_RELEASE, OP_ENV_REBALANCE, OP_KEY_ON,
	OP_KEY_OFF, OP_QUIESCE, OP_Q_FIND, OP_Q_GET, OP_Q_PUT, OP_GET_ALLOC_FAILS, OP_PROBE_FAILS, OP_END
};
typedef void (*op_fn)(void *);
extern const op_fn OPS[OP_END];

/* The harness side of a model thread. */
struct wthread {
	int kind, client, cap, hub;
	struct dma_chan *chan;   /* the channel the thread uses now (the observable threads[].chan) */
	struct dma_chan *cached; /* async_tx: the pointer kept in its descriptors */
	struct dma_chan *opchan; /* the channel of its last call (names a fault on its device) */
	struct dma_chan *issued; /* the channel of its last device_issue_pending (names an oops of a walk) */
	struct dma_chan *issuing; /* stopped before the fake driver's device_issue_pending of it (threads[].issuing) */
	int alloc_ok, cpu_arg, in_find;
	int fail_alloc; /* probeFails: the n-th allocation of dma_async_device_register fails */
};

struct rule {
	unsigned builds;                /* B_3X | B_RFC | B_MAINLINE */
	unsigned designs, machines, kinds;
	const char *step;
	const char *const *resume_at;   /* NULL: the step starts a call on an idle thread */
	enum op op;
	const char *const *ends;        /* the points that end the step ("return": the call returns) */
};
enum { B_3X = 1, B_RFC = 2, B_MAINLINE = 4 };

/* The rule for `step` of a thread of `kind` stopped at `at` (NULL: idle); NULL with `d` filled
 * when there is none (no such kernel step here, or the thread is elsewhere). */
const struct rule *find_rule(enum machine m, unsigned design, int kind, const char *step, const char *at, struct world_div *d);

#endif
