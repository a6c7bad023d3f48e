/* The harness runtime: kernel threads as coroutines, preemption points, blocking, memory with
 * freed objects quarantined. Plain C (no kernel types): the shim (kernel/shim) calls it from
 * the kernel's code, the replay driver (replay.c) from outside.
 *
 * A model thread (net0, net0-rx, ioh0, cpu, env, ...) is a coroutine running real kernel
 * calls. Every shim primitive the kernel code calls is a point, "before:" and "after:" it,
 * labelled <when>:<primitive>@<calling function> (the kernel's __func__) with the kernel's
 * file and line. A model step resumes its thread until the point that ends that step
 * (steps.c says which, per build); every other point is run through. */
#ifndef DMASPEC_RT_H
#define DMASPEC_RT_H
#include <stddef.h>
#include <stdint.h>

enum rt_when { RT_BEFORE, RT_AFTER };

/* A preemption point of the running thread (a no-op outside a thread). */
void rt_point(enum rt_when when, const char *prim, const char *func, const char *file, int line);
/* The running thread cannot go on (a held mutex, a false wait_event condition, a reader inside
 * synchronize_rcu): the step it is taking diverges. Never returns into the caller. */
void rt_block(const char *why, const char *func, const char *file, int line);
/* BUG_ON, an oops: the step diverges. Never returns. */
void rt_bug(const char *what, const char *func, const char *file, int line);
/* WARN_ON/WARN_ONCE: recorded with the step, not a divergence. */
void rt_warn(const char *what, const char *func, const char *file, int line);

/* The thread running now (an opaque index, -1 outside every thread) and its CPU. */
int rt_current(void);
int rt_cpu(void);
/* RCU read-side nesting of the running thread. */
void rt_rcu_enter(void);
void rt_rcu_exit(void);
/* synchronize_rcu's grace period: rt_rcu_gp_begin records the read-side sections other threads
 * are inside now; rt_rcu_gp_waiting says whether one of them has not ended yet (a section
 * begun after rt_rcu_gp_begin is not waited for). */
void rt_rcu_gp_begin(void);
int rt_rcu_gp_waiting(void);
/* The last value this_cpu_read returned in the running thread (dma_find_channel's local chan). */
void rt_note_read(uint64_t value, const char *func);

/* Number of possible CPUs (the scenario's) and whether a CPU is online. */
extern int rt_nr_cpus;
extern unsigned char rt_cpu_online[64];

/* Memory. Every object gets pages of its own; a freed object's pages are protected and never
 * reused, so a later access faults and names the object. */
void *rt_alloc(size_t size, int zero);
void rt_free(const void *p, const char *func, const char *file, int line);
/* Per-CPU memory: rt_nr_cpus copies, page-aligned; the pointer is CPU 0's copy. */
void *rt_alloc_percpu(size_t size);
void rt_free_percpu(const void *p, const char *func, const char *file, int line);
/* CPU `cpu`'s copy of the per-CPU object (dynamic or DEFINE_PER_CPU) that holds `p`. */
void *rt_pcpu_ptr(const void *p, int cpu);
/* Whether p points into an object not yet freed (NULL: no). */
int rt_live(const void *p);
/* Allocation failure injection: while rt_fail_countdown > 0, each allocation point of the shim
 * (kmalloc, alloc_percpu, idr_pre_get, device_register) counts it down and the one that takes
 * it to 0 fails (the registration failure of the scenario's registerFailures). */
extern int rt_fail_countdown;
int rt_should_fail(void);
/* Objects allocated so far (a mark), and how many of those from `mark` on are still live. */
int rt_alloc_mark(void);
int rt_live_since(int mark);

/* Called at every point of a thread's kernel code, before the point may suspend it (the
 * harness's lock-discipline check, world.c). */
extern void (*rt_point_hook)(int thread);

/* Tags: what a fault on an object is reported as. */
enum rt_tag_kind { RT_TAG_NONE, RT_TAG_CHAN, RT_TAG_DEVICE };
void rt_tag(const void *p, enum rt_tag_kind kind, int index);

#endif
