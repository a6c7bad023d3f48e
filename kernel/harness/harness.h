/* What the replay driver sees of the runtime (rt.c) beyond rt.h: threads as coroutines that a
 * step starts or resumes, the points they stopped at, the faults and warnings of a step.
 * Plain C: no kernel types. */
#ifndef DMASPEC_HARNESS_H
#define DMASPEC_HARNESS_H
#include "rt.h"

#define RT_MAX_THREADS 24
#define RT_TRACE 40

enum rt_status {
	RT_IDLE,      /* no call in progress: a step may start one */
	RT_SUSPENDED, /* stopped at a point that ends a step */
	RT_BLOCKED,   /* the call cannot go on (rt_block) */
	RT_BUGGED,    /* BUG_ON or an oops */
};

/* One point a step passed, for the report. */
struct rt_mark {
	const char *label_prim, *func, *file;
	enum rt_when when;
	int line;
};

struct rt_thread {
	char name[40];  /* the model's thread name: net0, net0-rx, ioh0, cpu, env */
	char vname[40]; /* the name its violations carry (spec/threads.md: the client's) */
	int cpu;
	enum rt_status status;
	char at[96];        /* the point it is stopped at, "<when>:<primitive>@<function>" */
	const char *at_file;
	int at_line;
	int rcu_depth;
	unsigned rcu_gen; /* read-side sections begun (outermost rcu_read_lock) */
	/* While this thread is inside synchronize_rcu: per thread, the rcu_gen of the section
	 * its grace period waits for (0: none). */
	unsigned gp_wait[RT_MAX_THREADS];
	uint64_t last_read; /* the last this_cpu_read value (dma_find_channel's local chan) */
	char why[200];      /* why it blocked or bugged */
	const char *why_file;
	int why_line;
	void *stack;
	char ctx[1024]; /* ucontext_t, kept opaque here */
	void (*fn)(void *);
	void *arg;
	const char *const *ends; /* the labels that end the step being taken; "return" = the call returns */
	struct rt_mark trace[RT_TRACE];
	int ntrace, trace_dropped;
};

extern struct rt_thread rt_threads[RT_MAX_THREADS];
extern int rt_nthreads;

int rt_thread_new(const char *name, const char *vname, int cpu);
int rt_thread_named(const char *name);
/* Starts `fn(arg)` on idle thread t, runs it until a label of `ends` or a block; returns its status. */
enum rt_status rt_start(int t, void (*fn)(void *), void *arg, const char *const *ends);
/* Resumes suspended thread t until a label of `ends`. */
enum rt_status rt_resume(int t, const char *const *ends);
/* Runs `fn(arg)` as thread t outside any step boundary (set-up, observation). */
void rt_run_as(int t, void (*fn)(void *), void *arg);

/* The faults (accesses to freed memory) recorded since the last call, and the warnings. */
struct rt_fault {
	int thread;
	enum rt_tag_kind kind;
	int index;
	uintptr_t pc, addr;
};
int rt_take_faults(struct rt_fault *out, int max);
int rt_take_warnings(char *out, int size);
/* Re-protects every freed object (after a step and its observation). */
void rt_reprotect(void);
/* While set, an access to freed memory is the harness's own (observation): not recorded. */
extern int rt_observing;
/* Called with a message when the process cannot go on (an oops outside a thread's step
 * bookkeeping); it reports and exits. */
extern void (*rt_fatal)(const char *msg, uintptr_t pc);
void rt_init(int nr_cpus);

/* The CPU hotplug lock (kernel/cpu.c cpu_hotplug.lock): -1 free, else the holding thread. */
extern int rt_hotplug_holder;

#endif
