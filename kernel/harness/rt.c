/* The harness runtime (rt.h, harness.h): coroutine threads with labelled points, blocking,
 * and memory whose freed objects are quarantined so that a later access faults and is
 * recorded against the object's tag. Deterministic: a thread runs only when a step resumes
 * it, and nothing else switches threads. */
#define _GNU_SOURCE
#include "harness.h"
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <ucontext.h>
#include <unistd.h>

_Static_assert(sizeof(ucontext_t) <= 1024, "rt_thread.ctx too small for ucontext_t");

struct rt_thread rt_threads[RT_MAX_THREADS];
int rt_nthreads;
int rt_nr_cpus = 1;
unsigned char rt_cpu_online[64];
int rt_observing;
int rt_hotplug_holder = -1;
void (*rt_fatal)(const char *msg, uintptr_t pc);

static int cur = -1;             /* the running thread */
static ucontext_t sched_ctx;     /* the replay driver's context */
static const size_t STACK = 512 * 1024;

#define CTX(t) ((ucontext_t *)(void *)rt_threads[t].ctx)

static void die(const char *msg)
{
	fprintf(stderr, "dmaspec kernel harness: %s\n", msg);
	exit(3);
}

/* ---- threads ---- */

int rt_thread_new(const char *name, const char *vname, int cpu)
{
	if (rt_nthreads == RT_MAX_THREADS)
		die("too many threads");
	struct rt_thread *t = &rt_threads[rt_nthreads];
	memset(t, 0, sizeof *t);
	snprintf(t->name, sizeof t->name, "%s", name);
	snprintf(t->vname, sizeof t->vname, "%s", vname);
	t->cpu = cpu;
	t->stack = mmap(NULL, STACK, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (t->stack == MAP_FAILED)
		die("mmap of a thread stack failed");
	return rt_nthreads++;
}

int rt_thread_named(const char *name)
{
	for (int t = 0; t < rt_nthreads; t++)
		if (!strcmp(rt_threads[t].name, name))
			return t;
	return -1;
}

const char *rt_thread_name(int t) { return t >= 0 && t < rt_nthreads ? rt_threads[t].name : "(none)"; }
int rt_current(void) { return cur; }
int rt_cpu(void) { return cur >= 0 ? rt_threads[cur].cpu : 0; }

static void trampoline(void)
{
	struct rt_thread *t = &rt_threads[cur];
	t->fn(t->arg);
	t->status = RT_IDLE;
	t->at[0] = 0;
	swapcontext(CTX(cur), &sched_ctx);
	die("an idle thread was resumed");
}

static enum rt_status run(int t, const char *const *ends)
{
	struct rt_thread *th = &rt_threads[t];
	th->ends = ends;
	th->ntrace = th->trace_dropped = 0;
	int prev = cur;
	cur = t;
	swapcontext(&sched_ctx, CTX(t));
	cur = prev;
	return th->status;
}

enum rt_status rt_start(int t, void (*fn)(void *), void *arg, const char *const *ends)
{
	struct rt_thread *th = &rt_threads[t];
	if (th->status != RT_IDLE)
		die("rt_start on a thread that is not idle");
	getcontext(CTX(t));
	CTX(t)->uc_stack.ss_sp = th->stack;
	CTX(t)->uc_stack.ss_size = STACK;
	CTX(t)->uc_link = NULL;
	makecontext(CTX(t), trampoline, 0);
	th->fn = fn;
	th->arg = arg;
	th->status = RT_SUSPENDED; /* running, until it stops */
	return run(t, ends);
}

enum rt_status rt_resume(int t, const char *const *ends)
{
	if (rt_threads[t].status != RT_SUSPENDED)
		die("rt_resume on a thread that is not suspended");
	return run(t, ends);
}

void rt_run_as(int t, void (*fn)(void *), void *arg)
{
	static const char *const to_return[] = { "return", NULL };
	if (rt_start(t, fn, arg, to_return) != RT_IDLE)
		die("a set-up call did not return");
}

/* ---- points ---- */

static const char *const WHEN[] = { "before", "after" };

void (*rt_point_hook)(int thread);
void rt_point(enum rt_when when, const char *prim, const char *func, const char *file, int line)
{
	if (cur < 0)
		return;
	if (rt_point_hook)
		rt_point_hook(cur);
	struct rt_thread *t = &rt_threads[cur];
	if (t->ntrace < RT_TRACE)
		t->trace[t->ntrace++] = (struct rt_mark){ prim, func, file, when, line };
	else {
		memmove(t->trace + RT_TRACE / 2, t->trace + RT_TRACE / 2 + 1, (RT_TRACE / 2 - 1) * sizeof *t->trace);
		t->trace[RT_TRACE - 1] = (struct rt_mark){ prim, func, file, when, line };
		t->trace_dropped++;
	}
	char label[96];
	snprintf(label, sizeof label, "%s:%s@%s", WHEN[when], prim, func);
	for (const char *const *e = t->ends; e && *e; e++)
		if (!strcmp(*e, label)) {
			snprintf(t->at, sizeof t->at, "%s", label);
			t->at_file = file;
			t->at_line = line;
			t->status = RT_SUSPENDED;
			swapcontext(CTX(cur), &sched_ctx);
			return;
		}
}

static void stop(enum rt_status status, const char *why, const char *func, const char *file, int line)
{
	struct rt_thread *t = &rt_threads[cur];
	snprintf(t->why, sizeof t->why, "%s in %s", why, func);
	t->why_file = file;
	t->why_line = line;
	t->status = status;
	swapcontext(CTX(cur), &sched_ctx);
	die("a blocked thread was resumed");
}

void rt_block(const char *why, const char *func, const char *file, int line)
{
	if (cur < 0)
		die(why);
	stop(RT_BLOCKED, why, func, file, line);
}

void rt_bug(const char *what, const char *func, const char *file, int line)
{
	if (cur < 0)
		die(what);
	stop(RT_BUGGED, what, func, file, line);
}

static char warnings[2048];
static size_t nwarn;

void rt_warn(const char *what, const char *func, const char *file, int line)
{
	const char *base = strrchr(file, '/');
	int n = snprintf(warnings + nwarn, sizeof warnings - nwarn, "%s%s in %s (%s:%d)", nwarn ? "; " : "", what, func, base ? base + 1 : file, line);
	if (n > 0 && nwarn + (size_t)n < sizeof warnings)
		nwarn += (size_t)n;
}

int rt_take_warnings(char *out, int size)
{
	int n = snprintf(out, (size_t)size, "%s", warnings);
	nwarn = 0;
	warnings[0] = 0;
	return n;
}

void rt_rcu_enter(void)
{
	if (rt_threads[cur].rcu_depth++ == 0)
		rt_threads[cur].rcu_gen++;
}
void rt_rcu_exit(void) { rt_threads[cur].rcu_depth--; }

/* A grace period waits for the sections open when it begins, and ends once each has ended: a
 * thread that left and entered again is in a new section (rcu_gen moved on). */
void rt_rcu_gp_begin(void)
{
	for (int t = 0; t < rt_nthreads; t++)
		rt_threads[cur].gp_wait[t] = t != cur && rt_threads[t].rcu_depth > 0 ? rt_threads[t].rcu_gen : 0;
}
int rt_rcu_gp_waiting(void)
{
	for (int t = 0; t < rt_nthreads; t++) {
		unsigned g = rt_threads[cur].gp_wait[t];
		if (g && rt_threads[t].rcu_depth > 0 && rt_threads[t].rcu_gen == g)
			return 1;
	}
	return 0;
}

void rt_note_read(uint64_t value, const char *func)
{
	(void)func;
	if (cur >= 0)
		rt_threads[cur].last_read = value;
}

/* ---- memory: one mapping per object, quarantined when freed ---- */

#define MAXFAULTS 64
static struct rt_fault faults[MAXFAULTS];
static int nfaults;

struct obj {
	uintptr_t base;  /* first byte of CPU 0's copy (or the object) */
	size_t size;     /* bytes asked for */
	size_t span;     /* bytes mapped per copy (pages) */
	uintptr_t copies; /* per-CPU: where CPU 1.. copies start (dynamic: base + span) */
	int percpu, freed, exposed, kind, index;
};
static struct obj *objs;
static int nobjs, capobjs;

static size_t page_round(size_t n)
{
	size_t p = (size_t)sysconf(_SC_PAGESIZE);
	size_t r = (n + p - 1) / p * p;
	return r ? r : p;
}

static struct obj *new_obj(void)
{
	if (nobjs == capobjs) {
		capobjs = capobjs ? 2 * capobjs : 256;
		objs = realloc(objs, (size_t)capobjs * sizeof *objs);
		if (!objs)
			die("out of memory");
	}
	memset(&objs[nobjs], 0, sizeof objs[nobjs]);
	return &objs[nobjs++];
}

static void *map(size_t n)
{
	void *p = mmap(NULL, n, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		die("mmap failed");
	return p;
}

int rt_fail_countdown;
int rt_should_fail(void) { return rt_fail_countdown > 0 && --rt_fail_countdown == 0; }
int rt_alloc_mark(void) { return nobjs; }
int rt_live_since(int mark)
{
	int n = 0;
	for (int i = mark; i < nobjs; i++)
		n += !objs[i].freed;
	return n;
}

void *rt_alloc(size_t size, int zero)
{
	if (rt_should_fail())
		return NULL;
	struct obj *o = new_obj();
	o->size = size;
	o->span = page_round(size);
	o->base = (uintptr_t)map(o->span);
	/* kmalloc does not zero: its memory holds what was there, poisoned here with SLUB's
	 * POISON_INUSE (include/linux/poison.h), so code that counts on a store it left out (3.6
	 * dmaengine.c:742 atomic_set(idr_ref, 0)) runs on garbage, as it would in a kernel. */
	if (!zero)
		memset((void *)o->base, 0x5a, size);
	return (void *)o->base;
}

void *rt_alloc_percpu(size_t size)
{
	if (rt_should_fail())
		return NULL;
	struct obj *o = new_obj();
	o->percpu = 1;
	o->size = size;
	o->span = page_round(size);
	o->base = (uintptr_t)map(o->span * (size_t)rt_nr_cpus);
	o->copies = o->base + o->span;
	return (void *)o->base;
}

/* The object whose copy `cpu` holds address a (cpu -1: any copy); NULL if none. */
static struct obj *find(uintptr_t a, int *cpu)
{
	for (int i = 0; i < nobjs; i++) {
		struct obj *o = &objs[i];
		if (a >= o->base && a < o->base + o->span) {
			if (cpu)
				*cpu = 0;
			return o;
		}
		if (o->percpu && a >= o->copies && a < o->copies + o->span * (size_t)(rt_nr_cpus - 1)) {
			if (cpu)
				*cpu = 1 + (int)((a - o->copies) / o->span);
			return o;
		}
	}
	return NULL;
}

static void protect(struct obj *o, int prot)
{
	mprotect((void *)o->base, o->span, prot);
	if (o->percpu && rt_nr_cpus > 1)
		mprotect((void *)o->copies, o->span * (size_t)(rt_nr_cpus - 1), prot);
}

static void free_obj(const void *p, int percpu, const char *func, const char *file, int line)
{
	if (!p)
		return;
	if (cur >= 0 && rt_point_hook)
		rt_point_hook(cur); /* the lock-discipline check, while what the object held is there */
	int cpu;
	struct obj *o = find((uintptr_t)p, &cpu);
	if (!o || o->base != (uintptr_t)p || o->percpu != percpu || cpu) {
		rt_bug(percpu ? "free_percpu of a pointer no alloc_percpu returned" : "kfree of a pointer no kmalloc returned", func, file, line);
		return;
	}
	if (o->freed) {
		/* KASAN's double-free: an access to freed memory, recorded against the object like one. */
		if (!rt_observing && nfaults < MAXFAULTS)
			faults[nfaults++] = (struct rt_fault){ cur, o->kind, o->index, (uintptr_t)__builtin_return_address(0), (uintptr_t)p };
		(void)func, (void)file, (void)line;
		return;
	}
	o->freed = 1;
	protect(o, PROT_NONE);
}

void rt_free(const void *p, const char *func, const char *file, int line) { free_obj(p, 0, func, file, line); }
void rt_free_percpu(const void *p, const char *func, const char *file, int line) { free_obj(p, 1, func, file, line); }

int rt_live(const void *p)
{
	struct obj *o = p ? find((uintptr_t)p, NULL) : NULL;
	return o && !o->freed;
}

void rt_tag(const void *p, enum rt_tag_kind kind, int index)
{
	struct obj *o = p ? find((uintptr_t)p, NULL) : NULL;
	if (o) {
		o->kind = kind;
		o->index = index;
	}
}

/* DEFINE_PER_CPU variables live in section dmaspec_percpu: CPU 0's copy is the variable itself. */
extern char __start_dmaspec_percpu[] __attribute__((weak));
extern char __stop_dmaspec_percpu[] __attribute__((weak));
static uintptr_t static_copies;
static size_t static_span;

void *rt_pcpu_ptr(const void *p, int cpu)
{
	uintptr_t a = (uintptr_t)p;
	if (__start_dmaspec_percpu && a >= (uintptr_t)__start_dmaspec_percpu && a < (uintptr_t)__stop_dmaspec_percpu)
		return cpu == 0 ? (void *)a : (void *)(static_copies + (size_t)(cpu - 1) * static_span + (a - (uintptr_t)__start_dmaspec_percpu));
	int c;
	struct obj *o = find(a, &c);
	if (!o || !o->percpu || c) {
		/* Address arithmetic only: a freed object still maps to its (protected) copy. */
		rt_bug("per_cpu_ptr of a pointer alloc_percpu did not return", "per_cpu_ptr", __FILE__, __LINE__);
		return NULL;
	}
	return cpu == 0 ? (void *)a : (void *)(o->copies + (size_t)(cpu - 1) * o->span + (a - o->base));
}

/* ---- faults ---- */

static void on_segv(int sig, siginfo_t *si, void *ucv)
{
	(void)sig;
	ucontext_t *uc = ucv;
	uintptr_t pc = (uintptr_t)uc->uc_mcontext.gregs[REG_RIP];
	uintptr_t a = (uintptr_t)si->si_addr;
	struct obj *o = find(a, NULL);
	if (!o || !o->freed || o->exposed) {
		char msg[160];
		snprintf(msg, sizeof msg, "oops: invalid access to 0x%lx%s", (unsigned long)a, a < 4096 ? " (NULL or list poison)" : "");
		if (rt_fatal)
			rt_fatal(msg, pc);
		die(msg);
	}
	protect(o, PROT_READ | PROT_WRITE);
	o->exposed = 1;
	if (!rt_observing && nfaults < MAXFAULTS)
		faults[nfaults++] = (struct rt_fault){ cur, o->kind, o->index, pc, a };
}

int rt_take_faults(struct rt_fault *out, int max)
{
	int n = nfaults < max ? nfaults : max;
	memcpy(out, faults, (size_t)n * sizeof *out);
	nfaults = 0;
	return n;
}

void rt_reprotect(void)
{
	for (int i = 0; i < nobjs; i++)
		if (objs[i].freed && objs[i].exposed) {
			protect(&objs[i], PROT_NONE);
			objs[i].exposed = 0;
		}
}

void rt_init(int nr_cpus)
{
	rt_nr_cpus = nr_cpus;
	for (int c = 0; c < nr_cpus; c++)
		rt_cpu_online[c] = 1;
	if (__start_dmaspec_percpu && (uintptr_t)__stop_dmaspec_percpu > (uintptr_t)__start_dmaspec_percpu && nr_cpus > 1) {
		static_span = page_round((size_t)(__stop_dmaspec_percpu - __start_dmaspec_percpu));
		static_copies = (uintptr_t)map(static_span * (size_t)(nr_cpus - 1));
		for (int c = 1; c < nr_cpus; c++)
			memcpy((void *)(static_copies + (size_t)(c - 1) * static_span), __start_dmaspec_percpu,
			       (size_t)(__stop_dmaspec_percpu - __start_dmaspec_percpu));
	}
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_sigaction = on_segv;
	sa.sa_flags = SA_SIGINFO | SA_NODEFER;
	sigaction(SIGSEGV, &sa, NULL);
	sigaction(SIGBUS, &sa, NULL);
}
