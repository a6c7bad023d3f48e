/* The user-space stand-ins for the kernel APIs drivers/dma/dmaengine.c (3.6, 3.6 + the RFC,
 * 5.10.7, 7.0) and include/linux/dmaengine.h use. Every header under linux/ and asm/ the kernel files
 * include resolves (kernel/shim/include comes first on the include path) to a one-line header
 * that includes this file; include/linux/dmaengine.h itself comes from the tree.
 *
 * kernel/README.md lists every stand-in with why it is faithful enough. In short:
 * - locking, RCU, per-CPU access, static keys, atomics and the module/kref counts are the
 *   preemption points of the model: each is a point of the harness runtime (rt.h), so a model
 *   step can end right before or after one, and a lock that is held is a divergence;
 * - memory (kmalloc, alloc_percpu, ...) gets pages of its own and is quarantined when freed,
 *   so a later access is a use after free that names the object;
 * - what the model does not see (sysfs, debugfs, printk, DMA mapping, ACPI/OF lookup) is a
 *   no-op or returns "not found". */
#ifndef DMASPEC_SHIM_H
#define DMASPEC_SHIM_H

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "rt.h"

/* ---- configuration: an x86 kernel with net_dma and async_tx offload (kernel/README.md) ---- */
#define CONFIG_DMA_ENGINE 1
#define CONFIG_NET_DMA 1
#define CONFIG_ASYNC_TX_DMA 1
#define CONFIG_ASYNC_MEMCPY_MODULE 1
#define CONFIG_ASYNC_XOR_MODULE 1
#define CONFIG_ASYNC_PQ_MODULE 1
/* selected by INTEL_IOATDMA (drivers/dma/Kconfig): device_has_all_tx_types skips the _VAL tests */
#define CONFIG_ASYNC_TX_DISABLE_XOR_VAL_DMA 1
#define CONFIG_ASYNC_TX_DISABLE_PQ_VAL_DMA 1
#define CONFIG_SMP 1
#define CONFIG_HOTPLUG_CPU 1
#define KBUILD_MODNAME "dmaengine"

#define __ARG_PLACEHOLDER_1 0,
#define __take_second_arg(__ignored, val, ...) val
#define __is_defined(x) ___is_defined(x)
#define ___is_defined(val) ____is_defined(__ARG_PLACEHOLDER_##val)
#define ____is_defined(arg1_or_junk) __take_second_arg(arg1_or_junk 1, 0)
#define IS_BUILTIN(option) __is_defined(option)
#define IS_MODULE(option) __is_defined(option##_MODULE)
#define IS_ENABLED(option) (IS_BUILTIN(option) || IS_MODULE(option))

/* ---- types ---- */
typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;
typedef int8_t s8;
typedef int16_t s16;
typedef int32_t s32;
typedef int64_t s64;
typedef u8 __u8;
typedef u16 __u16;
typedef u32 __u32;
typedef u64 __u64;
typedef s32 __s32;
typedef u16 __le16;
typedef u32 __le32;
typedef u64 __le64;
typedef u64 dma_addr_t;
typedef u64 phys_addr_t;
typedef u64 resource_size_t;
typedef unsigned int gfp_t;
typedef long long loff_t;
typedef unsigned short umode_t;
typedef long __kernel_ssize_t;
#ifndef _SSIZE_T_DEFINED
typedef long ssize_t_dmaspec;
#endif
typedef struct { int counter; } atomic_t;
typedef struct { long counter; } atomic_long_t;

/* ---- compiler ---- */
#define __init
#define __exit
#define __initdata
#define __percpu
#define __iomem
#define __user
#define __rcu
#define __force
#define __bitwise
#define __must_check
#define __read_mostly
#define __cold
#define __deprecated
struct seq_file;
struct dentry;
#define __weak __attribute__((weak))
#undef __always_inline
#define __always_inline inline __attribute__((always_inline))
#define noinline __attribute__((noinline))
#define __aligned(x) __attribute__((aligned(x)))
#define __packed __attribute__((packed))
#define __maybe_unused __attribute__((unused))
#define __always_unused __attribute__((unused))
#undef __attribute_const__
#define __attribute_const__
#define __printf(a, b) __attribute__((format(printf, a, b)))
#define fallthrough __attribute__((fallthrough))
#define likely(x) __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)
#define barrier() __asm__ __volatile__("" ::: "memory")
#define smp_mb() barrier()
#define smp_rmb() barrier()
#define smp_wmb() barrier()
#define READ_ONCE(x) (*(const volatile __typeof__(x) *)&(x))
#define WRITE_ONCE(x, v) (*(volatile __typeof__(x) *)&(x) = (v))
#define ACCESS_ONCE(x) (*(volatile __typeof__(x) *)&(x))
#define __stringify_1(x...) #x
#define __stringify(x...) __stringify_1(x)
#define container_of(ptr, type, member) ((type *)((char *)(ptr) - offsetof(type, member)))
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define BITS_PER_LONG 64
#define BIT(n) (1UL << (n))
#define BIT_MASK(nr) (1UL << ((nr) % BITS_PER_LONG))
#define BIT_WORD(nr) ((nr) / BITS_PER_LONG)
#define DIV_ROUND_UP(n, d) (((n) + (d) - 1) / (d))
#define BITS_TO_LONGS(nr) DIV_ROUND_UP(nr, BITS_PER_LONG)
#define min(a, b) ((a) < (b) ? (a) : (b))
#define max(a, b) ((a) > (b) ? (a) : (b))
#define min_t(t, a, b) ((t)(a) < (t)(b) ? (t)(a) : (t)(b))
#define max_t(t, a, b) ((t)(a) > (t)(b) ? (t)(a) : (t)(b))
#define BUILD_BUG_ON(c) ((void)sizeof(char[1 - 2 * !!(c)]))
#define might_sleep() ((void)0)
#define cpu_relax() ((void)0)
#define PAGE_SHIFT 12
#define PAGE_SIZE (1UL << PAGE_SHIFT)
#define SMP_CACHE_BYTES 64
#define ____cacheline_aligned __aligned(SMP_CACHE_BYTES)
#define EPROBE_DEFER 517
#define ENOTSUPP 524
#define MAX_ERRNO 4095
#define NUMA_NO_NODE (-1)
#define U8_MAX 0xff
#define S_IRUGO 0444
#define S_IWUSR 0200
#define VERIFY_OCTAL_PERMISSIONS(p) (p)

/* ---- exports, initcalls, modules ---- */
#define EXPORT_SYMBOL(x)
#define EXPORT_SYMBOL_GPL(x)
#define EXPORT_SYMBOL_NS_GPL(x, ns)
#define MODULE_LICENSE(x)
#define MODULE_AUTHOR(x)
#define MODULE_DESCRIPTION(x)
/* The harness runs the init functions itself (kernel.c: kx_init), in the kernel's order. */
#define arch_initcall(fn) static int (*const __dmaspec_initcall_##fn)(void) __attribute__((unused)) = fn
#define subsys_initcall(fn) arch_initcall(fn)
#define module_init(fn) arch_initcall(fn)
#define module_exit(fn) static void (*const __dmaspec_exitcall_##fn)(void) __attribute__((unused)) = fn

/* The module of the fake driver: never being unloaded (removal is an ACPI eject). */
struct module {
	const char *name;
	int refs;
	int going;
};
#define THIS_MODULE ((struct module *)0)
static inline bool __dmaspec_try_module_get(struct module *m, const char *func, const char *file, int line)
{
	rt_point(RT_BEFORE, "try_module_get", func, file, line);
	bool ok = !m || !m->going;
	if (ok && m)
		m->refs++;
	rt_point(RT_AFTER, "try_module_get", func, file, line);
	return ok;
}
#define try_module_get(m) __dmaspec_try_module_get((m), __func__, __FILE__, __LINE__)
static inline void __module_get(struct module *m)
{
	if (m)
		m->refs++;
}
static inline void module_put(struct module *m)
{
	if (m)
		m->refs--;
}

/* ---- printk and friends: the model does not see the log ---- */
#define KERN_ERR ""
#define KERN_WARNING ""
#define KERN_INFO ""
#define KERN_DEBUG ""
#define __dmaspec_silent(...) ((void)(0 && printf(__VA_ARGS__)))
#define printk(...) __dmaspec_silent(__VA_ARGS__)
#define pr_err(...) __dmaspec_silent(__VA_ARGS__)
#define pr_warn(...) __dmaspec_silent(__VA_ARGS__)
#define pr_info(...) __dmaspec_silent(__VA_ARGS__)
#define pr_debug(...) __dmaspec_silent(__VA_ARGS__)
#define dev_err(dev, ...) ((void)(0 && (dev) && printf(__VA_ARGS__)))
#define dev_warn(dev, ...) dev_err(dev, __VA_ARGS__)
#define dev_info(dev, ...) dev_err(dev, __VA_ARGS__)
#define dev_dbg(dev, ...) dev_err(dev, __VA_ARGS__)

/* ---- BUG, WARN, lockdep ---- */
#define BUG() rt_bug("BUG()", __func__, __FILE__, __LINE__)
#define BUG_ON(c)                                                   \
	do {                                                        \
		if (c)                                              \
			rt_bug("BUG_ON(" #c ")", __func__, __FILE__, __LINE__); \
	} while (0)
#define WARN(c, ...)                                                          \
	({                                                                    \
		int __w = !!(c);                                              \
		if (__w)                                                      \
			rt_warn("WARN(" #c ")", __func__, __FILE__, __LINE__); \
		__w;                                                          \
	})
#define WARN_ON(c) WARN(c, "")
#define WARN_ONCE(c, ...) WARN(c, __VA_ARGS__)
#define WARN_ON_ONCE(c) WARN(c, "")

/* ---- errors ---- */
#define IS_ERR_VALUE(x) unlikely((unsigned long)(void *)(x) >= (unsigned long)-MAX_ERRNO)
static inline void *ERR_PTR(long error) { return (void *)error; }
static inline long PTR_ERR(const void *ptr) { return (long)ptr; }
static inline bool IS_ERR(const void *ptr) { return IS_ERR_VALUE((unsigned long)ptr); }
static inline bool IS_ERR_OR_NULL(const void *ptr) { return !ptr || IS_ERR_VALUE((unsigned long)ptr); }
static inline void *ERR_CAST(const void *ptr) { return (void *)ptr; }

/* ---- bit operations and bitmaps ---- */
#define DECLARE_BITMAP(name, bits) unsigned long name[BITS_TO_LONGS(bits)]
static inline void set_bit(long nr, volatile unsigned long *a) { a[BIT_WORD(nr)] |= BIT_MASK(nr); }
static inline void clear_bit(long nr, volatile unsigned long *a) { a[BIT_WORD(nr)] &= ~BIT_MASK(nr); }
static inline void __set_bit(long nr, volatile unsigned long *a) { set_bit(nr, a); }
static inline void __clear_bit(long nr, volatile unsigned long *a) { clear_bit(nr, a); }
static inline int test_bit(long nr, const volatile unsigned long *a) { return 1UL & (a[BIT_WORD(nr)] >> (nr % BITS_PER_LONG)); }
static inline unsigned long find_next_bit(const unsigned long *a, unsigned long size, unsigned long off)
{
	for (; off < size; off++)
		if (test_bit((long)off, a))
			return off;
	return size;
}
static inline unsigned long find_first_bit(const unsigned long *a, unsigned long size) { return find_next_bit(a, size, 0); }
#define for_each_set_bit(bit, addr, size) \
	for ((bit) = find_first_bit((addr), (size)); (bit) < (size); (bit) = find_next_bit((addr), (size), (bit) + 1))
static inline void bitmap_zero(unsigned long *d, unsigned int n) { memset(d, 0, BITS_TO_LONGS(n) * sizeof(long)); }
static inline void bitmap_fill(unsigned long *d, unsigned int n)
{
	for (unsigned int i = 0; i < n; i++)
		set_bit(i, d);
}
static inline int bitmap_and(unsigned long *d, const unsigned long *a, const unsigned long *b, unsigned int n)
{
	int any = 0;
	for (unsigned int i = 0; i < BITS_TO_LONGS(n); i++)
		any |= !!(d[i] = a[i] & b[i]);
	return any;
}
static inline int bitmap_equal(const unsigned long *a, const unsigned long *b, unsigned int n)
{
	for (unsigned int i = 0; i < n; i++)
		if (test_bit(i, a) != test_bit(i, b))
			return 0;
	return 1;
}
static inline int bitmap_empty(const unsigned long *a, unsigned int n) { return find_first_bit(a, n) >= n; }

/* ---- atomics: points of the model where the RFC splits on them ---- */
#define ATOMIC_INIT(i) { (i) }
#define __dmaspec_atomic(prim, stmt)                                   \
	({                                                             \
		rt_point(RT_BEFORE, prim, __func__, __FILE__, __LINE__); \
		__typeof__(stmt) __r = (stmt);                         \
		rt_point(RT_AFTER, prim, __func__, __FILE__, __LINE__);  \
		__r;                                                   \
	})
#define atomic_read(v) __dmaspec_atomic("atomic_read", READ_ONCE((v)->counter))
#define atomic_set(v, i) ((void)__dmaspec_atomic("atomic_set", (v)->counter = (i)))
#define atomic_inc(v) ((void)__dmaspec_atomic("atomic_inc", ++(v)->counter))
#define atomic_dec(v) ((void)__dmaspec_atomic("atomic_dec", --(v)->counter))
#define atomic_inc_return(v) __dmaspec_atomic("atomic_inc", ++(v)->counter)
#define atomic_dec_return(v) __dmaspec_atomic("atomic_dec", --(v)->counter)
#define atomic_dec_and_test(v) __dmaspec_atomic("atomic_dec", --(v)->counter == 0)

/* ---- refcount_t and kref, as lib/refcount.c: an underflow saturates and WARNs ---- */
typedef struct refcount_struct { atomic_t refs; } refcount_t;
#define REFCOUNT_SATURATED (INT_MIN / 2)
static inline void refcount_set(refcount_t *r, int n) { r->refs.counter = n; }
static inline unsigned int refcount_read(const refcount_t *r) { return (unsigned int)r->refs.counter; }
static inline bool __dmaspec_refcount_dec_and_test(refcount_t *r, const char *func, const char *file, int line)
{
	int old = r->refs.counter--;
	if (old == 1)
		return true;
	if (old <= 0) {
		r->refs.counter = REFCOUNT_SATURATED;
		rt_warn("refcount_t: underflow; use-after-free.", func, file, line);
	}
	return false;
}
static inline bool __dmaspec_refcount_inc_not_zero(refcount_t *r, const char *func, const char *file, int line)
{
	int old = r->refs.counter;
	if (old == 0)
		return false;
	r->refs.counter = old + 1;
	if (old < 0 || old + 1 < 0) {
		r->refs.counter = REFCOUNT_SATURATED;
		rt_warn("refcount_t: saturated; leaking memory.", func, file, line);
	}
	return true;
}
struct kref {
	refcount_t refcount;
};
#define KREF_INIT(n) { .refcount = { ATOMIC_INIT(n) } }
static inline void kref_init(struct kref *k) { refcount_set(&k->refcount, 1); }
static inline unsigned int kref_read(const struct kref *k) { return refcount_read(&k->refcount); }
static inline void kref_get(struct kref *k) { k->refcount.refs.counter++; }
#define kref_get_unless_zero(k)                                                                    \
	({                                                                                         \
		rt_point(RT_BEFORE, "kref_get_unless_zero", __func__, __FILE__, __LINE__);         \
		int __g = __dmaspec_refcount_inc_not_zero(&(k)->refcount, __func__, __FILE__, __LINE__); \
		rt_point(RT_AFTER, "kref_get_unless_zero", __func__, __FILE__, __LINE__);          \
		__g;                                                                               \
	})
#define kref_put(k, release)                                                                    \
	({                                                                                      \
		struct kref *__k = (k);                                                         \
		rt_point(RT_BEFORE, "kref_put", __func__, __FILE__, __LINE__);                  \
		int __p = __dmaspec_refcount_dec_and_test(&__k->refcount, __func__, __FILE__, __LINE__); \
		if (__p)                                                                        \
			(release)(__k);                                                         \
		rt_point(RT_AFTER, "kref_put", __func__, __FILE__, __LINE__);                   \
		__p;                                                                            \
	})

/* ---- lists (include/linux/list.h, rculist.h); a deleted entry is poisoned as in the kernel ---- */
struct list_head {
	struct list_head *next, *prev;
};
struct hlist_node {
	struct hlist_node *next, **pprev;
};
#define LIST_POISON1 ((void *)0x100)
#define LIST_POISON2 ((void *)0x122)
#define LIST_HEAD_INIT(name) { &(name), &(name) }
#define LIST_HEAD(name) struct list_head name = LIST_HEAD_INIT(name)
static inline void INIT_LIST_HEAD(struct list_head *l) { l->next = l->prev = l; }
static inline void __list_add(struct list_head *n, struct list_head *prev, struct list_head *next)
{
	next->prev = n;
	n->next = next;
	n->prev = prev;
	WRITE_ONCE(prev->next, n);
}
static inline void list_add(struct list_head *n, struct list_head *h) { __list_add(n, h, h->next); }
static inline void list_add_tail(struct list_head *n, struct list_head *h) { __list_add(n, h->prev, h); }
static inline void __list_del(struct list_head *prev, struct list_head *next)
{
	next->prev = prev;
	WRITE_ONCE(prev->next, next);
}
static inline void list_del(struct list_head *e)
{
	__list_del(e->prev, e->next);
	e->next = LIST_POISON1;
	e->prev = LIST_POISON2;
}
static inline int list_empty(const struct list_head *h) { return READ_ONCE(h->next) == h; }
static inline int list_is_last(const struct list_head *l, const struct list_head *h) { return l->next == h; }
#define list_entry(ptr, type, member) container_of(ptr, type, member)
#define list_first_entry(ptr, type, member) list_entry((ptr)->next, type, member)
#define list_next_entry(pos, member) list_entry((pos)->member.next, __typeof__(*(pos)), member)
#define list_for_each_entry(pos, head, member) \
	for (pos = list_first_entry(head, __typeof__(*pos), member); &pos->member != (head); pos = list_next_entry(pos, member))
#define list_for_each_entry_safe(pos, n, head, member)                                           \
	for (pos = list_first_entry(head, __typeof__(*pos), member), n = list_next_entry(pos, member); \
	     &pos->member != (head); pos = n, n = list_next_entry(n, member))
static inline void list_add_rcu(struct list_head *n, struct list_head *h) { list_add(n, h); }
static inline void list_add_tail_rcu(struct list_head *n, struct list_head *h) { list_add_tail(n, h); }
static inline void list_del_rcu(struct list_head *e)
{
	__list_del(e->prev, e->next);
	e->prev = LIST_POISON2;
}
/* Each pointer an RCU walk fetches is a point: a walk can hold a device while others run. */
#define list_entry_rcu(ptr, type, member)                                              \
	({                                                                             \
		__typeof__(ptr) __p = READ_ONCE(ptr);                                  \
		rt_point(RT_AFTER, "rcu_dereference", __func__, __FILE__, __LINE__);   \
		container_of(__p, type, member);                                       \
	})
#define list_for_each_entry_rcu(pos, head, member, ...)                                     \
	for (pos = list_entry_rcu((head)->next, __typeof__(*pos), member); &pos->member != (head); \
	     pos = list_entry_rcu(pos->member.next, __typeof__(*pos), member))

/* ---- RCU: a reader is a thread between rcu_read_lock and rcu_read_unlock ---- */
#define rcu_read_lock()                                                         \
	do {                                                                    \
		rt_point(RT_BEFORE, "rcu_read_lock", __func__, __FILE__, __LINE__); \
		rt_rcu_enter();                                                 \
		rt_point(RT_AFTER, "rcu_read_lock", __func__, __FILE__, __LINE__);  \
	} while (0)
#define rcu_read_unlock()                                                         \
	do {                                                                      \
		rt_point(RT_BEFORE, "rcu_read_unlock", __func__, __FILE__, __LINE__); \
		rt_rcu_exit();                                                    \
		rt_point(RT_AFTER, "rcu_read_unlock", __func__, __FILE__, __LINE__);  \
	} while (0)
/* synchronize_rcu: the grace period begins (the readers inside now are recorded), a point where
 * the caller may stop while readers run on, then it returns once every recorded reader has left
 * its section; readers that began after the start are not waited for. */
#define synchronize_rcu()                                                                                          \
	do {                                                                                                       \
		rt_point(RT_BEFORE, "synchronize_rcu", __func__, __FILE__, __LINE__);                              \
		rt_rcu_gp_begin();                                                                                 \
		rt_point(RT_AFTER, "rcu_gp_begin", __func__, __FILE__, __LINE__);                                  \
		if (rt_rcu_gp_waiting())                                                                           \
			rt_block("synchronize_rcu: a reader inside rcu_read_lock since before the grace period began", __func__, __FILE__, __LINE__); \
		rt_point(RT_AFTER, "synchronize_rcu", __func__, __FILE__, __LINE__);                               \
	} while (0)
#define rcu_dereference(p) READ_ONCE(p)
#define rcu_assign_pointer(p, v) WRITE_ONCE(p, v)

/* ---- sleeping locks: dma_list_mutex is first-class in the model ---- */
struct mutex {
	int locked;
	int owner; /* rt thread index */
	const char *name;
};
#define __MUTEX_INITIALIZER(n) { 0, -1, #n }
#define DEFINE_MUTEX(n) struct mutex n = __MUTEX_INITIALIZER(n)
static inline void mutex_init(struct mutex *m)
{
	m->locked = 0;
	m->owner = -1;
	m->name = "mutex";
}
void __dmaspec_mutex_lock(struct mutex *m, const char *func, const char *file, int line);
void __dmaspec_mutex_unlock(struct mutex *m, const char *func, const char *file, int line);
#define mutex_lock(m) __dmaspec_mutex_lock((m), __func__, __FILE__, __LINE__)
#define mutex_unlock(m) __dmaspec_mutex_unlock((m), __func__, __FILE__, __LINE__)
#define mutex_is_locked(m) ((m)->locked)
#define lockdep_assert_held(m)                                                               \
	do {                                                                                 \
		if (!(m)->locked || (m)->owner != rt_current())                              \
			rt_warn("lockdep_assert_held(" #m ")", __func__, __FILE__, __LINE__); \
	} while (0)
/* Spinlocks guard nothing the model steps through (descriptor chains, the unmap pool). */
typedef struct { int dummy; } spinlock_t;
#define DEFINE_SPINLOCK(n) spinlock_t n = { 0 }
#define spin_lock_init(l) ((void)(l))
#define spin_lock(l) ((void)(l))
#define spin_unlock(l) ((void)(l))
#define spin_lock_bh(l) ((void)(l))
#define spin_unlock_bh(l) ((void)(l))
#define spin_lock_irqsave(l, f) ((void)(l), (f) = 0)
#define spin_unlock_irqrestore(l, f) ((void)(l), (void)(f))

/* ---- CPUs: the scenario's; CPU hotplug's lock is cpu_hotplug.lock of kernel/cpu.c ---- */
#define NR_CPUS 64
#define nr_cpu_ids rt_nr_cpus
#define num_possible_cpus() rt_nr_cpus
static inline int num_online_cpus(void)
{
	int n = 0;
	for (int c = 0; c < rt_nr_cpus; c++)
		n += rt_cpu_online[c];
	return n;
}
#define for_each_possible_cpu(cpu) for ((cpu) = 0; (cpu) < rt_nr_cpus; (cpu)++)
#define for_each_online_cpu(cpu) \
	for ((cpu) = 0; (cpu) < rt_nr_cpus; (cpu)++) if (!rt_cpu_online[cpu]) {} else
#define cpu_online(cpu) (rt_cpu_online[cpu])
#define smp_processor_id() rt_cpu()
#define raw_smp_processor_id() rt_cpu()
#define get_cpu() rt_cpu()
#define put_cpu() ((void)0)
#define preempt_disable() ((void)0)
#define preempt_enable() ((void)0)
#define local_bh_disable() ((void)0)
#define local_bh_enable() ((void)0)
struct cpumask { unsigned long bits[1]; };
typedef struct cpumask cpumask_t;
static inline bool cpumask_test_cpu(int cpu, const struct cpumask *m) { return test_bit(cpu, m->bits); }
extern const struct cpumask __dmaspec_all_cpus;
#define cpumask_of_node(node) (&__dmaspec_all_cpus)
#define cpu_online_mask (&__dmaspec_all_cpus)
void __dmaspec_get_online_cpus(const char *func, const char *file, int line);
void __dmaspec_put_online_cpus(void);
#define get_online_cpus() __dmaspec_get_online_cpus(__func__, __FILE__, __LINE__)
#define put_online_cpus() __dmaspec_put_online_cpus()
#define cpus_read_lock() get_online_cpus()
#define cpus_read_unlock() put_online_cpus()
/* CPU notifiers (the RFC series' base has dmaengine's hotcpu_rebalance). */
#define CPU_ONLINE 0x0002
#define CPU_POST_DEAD 0x0009
#define CPU_TASKS_FROZEN 0x0010
#define NOTIFY_OK 0x0001
#define NOTIFY_DONE 0x0000
struct notifier_block {
	int (*notifier_call)(struct notifier_block *, unsigned long, void *);
	struct notifier_block *next;
	int priority;
};
#define __cpuinit
#define hotcpu_notifier(fn, pri) ((void)(fn))
static inline int register_hotcpu_notifier(struct notifier_block *nb) { (void)nb; return 0; }

/* ---- per-CPU data (percpu.h): copies per CPU, a pointer is CPU 0's copy ---- */
#define DEFINE_PER_CPU(type, name) __attribute__((section("dmaspec_percpu"), aligned(16))) __typeof__(type) name
#define DECLARE_PER_CPU(type, name) extern __typeof__(type) name
#define per_cpu_ptr(ptr, cpu) ((__typeof__(ptr))rt_pcpu_ptr((const void *)(ptr), (cpu)))
#define raw_cpu_ptr(ptr) per_cpu_ptr(ptr, rt_cpu())
#define this_cpu_ptr(ptr) per_cpu_ptr(ptr, rt_cpu())
#define per_cpu(var, cpu)                                                       \
	(*({                                                                    \
		rt_point(RT_BEFORE, "per_cpu", __func__, __FILE__, __LINE__);   \
		per_cpu_ptr(&(var), (cpu));                                     \
	}))
#define this_cpu_read(pcp)                                                              \
	({                                                                              \
		rt_point(RT_BEFORE, "this_cpu_read", __func__, __FILE__, __LINE__);     \
		__typeof__(pcp) __v = *this_cpu_ptr(&(pcp));                            \
		uint64_t __n = 0;                                                       \
		memcpy(&__n, &__v, sizeof(__v) < 8 ? sizeof(__v) : 8);                  \
		rt_note_read(__n, __func__);                                            \
		rt_point(RT_AFTER, "this_cpu_read", __func__, __FILE__, __LINE__);      \
		__v;                                                                    \
	})
#define __dmaspec_this_cpu_op(prim, pcp, op)                               \
	do {                                                               \
		rt_point(RT_BEFORE, prim, __func__, __FILE__, __LINE__);   \
		*this_cpu_ptr(&(pcp)) op;                                  \
		rt_point(RT_AFTER, prim, __func__, __FILE__, __LINE__);    \
	} while (0)
#define this_cpu_inc(pcp) __dmaspec_this_cpu_op("this_cpu_inc", pcp, += 1)
#define this_cpu_dec(pcp) __dmaspec_this_cpu_op("this_cpu_dec", pcp, -= 1)
#define this_cpu_add(pcp, n) __dmaspec_this_cpu_op("this_cpu_add", pcp, += (n))
#define this_cpu_write(pcp, v) __dmaspec_this_cpu_op("this_cpu_write", pcp, = (v))
#define __this_cpu_add(pcp, n) ((void)(*this_cpu_ptr(&(pcp)) += (n)))
#define __this_cpu_inc(pcp) __this_cpu_add(pcp, 1)
#define alloc_percpu(type) ((type __percpu *)rt_alloc_percpu(sizeof(type)))
/* A point before and after: 3.6 unregister's channel loop ends its model step (chanUnregister) after it. */
#define free_percpu(p)                                                          \
	do {                                                                    \
		rt_point(RT_BEFORE, "free_percpu", __func__, __FILE__, __LINE__); \
		rt_free_percpu((p), __func__, __FILE__, __LINE__);              \
		rt_point(RT_AFTER, "free_percpu", __func__, __FILE__, __LINE__);  \
	} while (0)

/* ---- static keys (jump_label.h): x86 patches text under get_online_cpus() ---- */
struct static_key {
	atomic_t enabled;
};
#define STATIC_KEY_INIT_FALSE { .enabled = ATOMIC_INIT(0) }
#define STATIC_KEY_INIT_TRUE { .enabled = ATOMIC_INIT(1) }
#define static_key_enabled(k) ((k)->enabled.counter > 0)
#define static_key_false(k)                                                             \
	({                                                                              \
		rt_point(RT_BEFORE, "static_key_false", __func__, __FILE__, __LINE__);  \
		bool __s = static_key_enabled(k);                                       \
		rt_point(RT_AFTER, "static_key_false", __func__, __FILE__, __LINE__);   \
		__s;                                                                    \
	})
/* 3.6 kernel/jump_label.c: static_key_slow_inc → jump_label_update → arch_jump_label_transform
 * → text_poke_smp → stop_machine, which takes get_online_cpus(). */
#define __dmaspec_static_key_slow(prim, k, d)                                    \
	do {                                                                     \
		rt_point(RT_BEFORE, prim, __func__, __FILE__, __LINE__);         \
		__dmaspec_get_online_cpus(__func__, __FILE__, __LINE__);         \
		(k)->enabled.counter += (d);                                     \
		__dmaspec_put_online_cpus();                                     \
		rt_point(RT_AFTER, prim, __func__, __FILE__, __LINE__);          \
	} while (0)
#define static_key_slow_inc(k) __dmaspec_static_key_slow("static_key_slow_inc", k, 1)
#define static_key_slow_dec(k) __dmaspec_static_key_slow("static_key_slow_dec", k, -1)

/* ---- sleeping and waiting ---- */
#define TASK_RUNNING 0
#define TASK_INTERRUPTIBLE 1
#define TASK_UNINTERRUPTIBLE 2
#define set_current_state(s) ((void)(s))
#define __set_current_state(s) ((void)(s))
#define MAX_SCHEDULE_TIMEOUT LONG_MAX
static inline long __dmaspec_schedule_timeout(long t, const char *func, const char *file, int line)
{
	rt_point(RT_BEFORE, "schedule_timeout", func, file, line);
	rt_point(RT_AFTER, "schedule_timeout", func, file, line);
	return t > 0 ? 0 : t;
}
#define schedule_timeout(t) __dmaspec_schedule_timeout((t), __func__, __FILE__, __LINE__)
#define schedule() ((void)0)
#define cond_resched() ((void)0)
#define msleep(m) ((void)(m))
typedef struct { int dummy; } wait_queue_head_t;
#define __WAIT_QUEUE_HEAD_INITIALIZER(n) { 0 }
#define DECLARE_WAIT_QUEUE_HEAD(n) wait_queue_head_t n = __WAIT_QUEUE_HEAD_INITIALIZER(n)
#define init_waitqueue_head(q) ((void)(q))
#define wake_up_all(q)                                                         \
	do {                                                                   \
		(void)(q);                                                     \
		rt_point(RT_BEFORE, "wake_up_all", __func__, __FILE__, __LINE__); \
		rt_point(RT_AFTER, "wake_up_all", __func__, __FILE__, __LINE__);  \
	} while (0)
#define wake_up(q) wake_up_all(q)
/* A wait whose condition is false when the model steps past it blocks the step. */
#define wait_event(wq, condition)                                                               \
	do {                                                                                    \
		(void)(wq);                                                                     \
		rt_point(RT_BEFORE, "wait_event", __func__, __FILE__, __LINE__);                \
		if (!(condition))                                                               \
			rt_block("wait_event(" #wq ", " #condition ")", __func__, __FILE__, __LINE__); \
		rt_point(RT_AFTER, "wait_event", __func__, __FILE__, __LINE__);                 \
	} while (0)

/* ---- time ---- */
static unsigned long volatile jiffies __attribute__((unused));
#define msecs_to_jiffies(m) ((unsigned long)(m))
#define time_after(a, b) ((long)((b) - (a)) < 0)
#define time_after_eq(a, b) ((long)((a) - (b)) >= 0)
#define HZ 1000

/* ---- memory ---- */
#define GFP_KERNEL 0u
#define GFP_NOWAIT 1u
#define GFP_ATOMIC 2u
#define GFP_NOIO 4u
#define __GFP_NOWARN 8u
#define __GFP_ZERO 16u
#define kmalloc(size, gfp) rt_alloc((size), ((gfp) & __GFP_ZERO) != 0)
#define kzalloc(size, gfp) rt_alloc((size), 1)
#define kcalloc(n, size, gfp) rt_alloc((n) * (size), 1)
#define kmalloc_array(n, size, gfp) rt_alloc((n) * (size), 0)
#define kzalloc_obj(obj, ...) ((__typeof__(obj) *)rt_alloc(sizeof(obj), 1))
#define kmalloc_obj(obj, ...) ((__typeof__(obj) *)rt_alloc(sizeof(obj), 0))
#define kfree(p) rt_free((p), __func__, __FILE__, __LINE__)
static inline char *kasprintf(gfp_t gfp, const char *fmt, ...)
{
	va_list ap;
	char tmp[256];
	(void)gfp;
	va_start(ap, fmt);
	vsnprintf(tmp, sizeof tmp, fmt, ap);
	va_end(ap);
	char *s = rt_alloc(strlen(tmp) + 1, 0);
	strcpy(s, tmp);
	return s;
}
struct kmem_cache {
	size_t size;
};
#define SLAB_HWCACHE_ALIGN 0
static inline struct kmem_cache *kmem_cache_create(const char *name, unsigned int size, unsigned int align, unsigned long flags, void (*ctor)(void *))
{
	(void)name, (void)align, (void)flags, (void)ctor;
	struct kmem_cache *c = rt_alloc(sizeof *c, 1);
	c->size = size;
	return c;
}
#define kmem_cache_destroy(c) kfree(c)
typedef struct mempool_s {
	struct kmem_cache *cache;
} mempool_t;
static inline mempool_t *mempool_create_slab_pool(int min_nr, struct kmem_cache *c)
{
	(void)min_nr;
	mempool_t *p = rt_alloc(sizeof *p, 1);
	p->cache = c;
	return p;
}
#define mempool_destroy(p) kfree(p)
#define mempool_alloc(p, gfp) rt_alloc((p)->cache->size, 0)
#define mempool_free(e, p) ((void)(p), kfree(e))
struct page {
	int dummy;
};
static inline void *page_address(const struct page *p) { return (void *)p; }
#define virt_to_page(v) ((struct page *)(v))

/* ---- DMA mapping: identity, nothing mapped (the model has no data) ---- */
enum dma_data_direction { DMA_BIDIRECTIONAL = 0, DMA_TO_DEVICE = 1, DMA_FROM_DEVICE = 2, DMA_NONE = 3 };
#define DMA_MAPPING_ERROR (~(dma_addr_t)0)
#define dma_map_single(dev, ptr, size, dir) ((void)(dev), (dma_addr_t)(uintptr_t)(ptr))
#define dma_unmap_single(dev, a, size, dir) ((void)(dev), (void)(a))
#define dma_map_page(dev, page, off, size, dir) ((void)(dev), (dma_addr_t)(uintptr_t)(page) + (off))
#define dma_unmap_page(dev, a, size, dir) ((void)(dev), (void)(a))
#define dma_mapping_error(dev, a) ((void)(dev), (a) == DMA_MAPPING_ERROR)
struct scatterlist {
	unsigned long page_link;
	unsigned int offset, length;
	dma_addr_t dma_address;
};
struct sg_table {
	struct scatterlist *sgl;
	unsigned int nents, orig_nents;
};
static inline void sg_init_table(struct scatterlist *sg, unsigned int n) { memset(sg, 0, n * sizeof *sg); }
static inline void sg_dma_len_set(void) {}
#define sg_dma_address(sg) ((sg)->dma_address)
#define sg_dma_len(sg) ((sg)->length)
struct iovec {
	void __user *iov_base;
	size_t iov_len;
};
struct kvec {
	void *iov_base;
	size_t iov_len;
};
struct sk_buff;
struct bio_vec;

/* ---- ids ---- */
/* 3.6 idr: the ids the kernel hands out; 5.x/7.0 ida. Lowest free first, as both do. */
struct idr {
	unsigned long bits[4];
};
#define DEFINE_IDR(n) struct idr n = { { 0 } }
/* idr_pre_get preallocates: 0 (no memory) when the harness injects a failure (rt_should_fail). */
static inline int idr_pre_get(struct idr *idp, gfp_t gfp) { (void)idp, (void)gfp; return !rt_should_fail(); }
static inline int idr_get_new(struct idr *idp, void *ptr, int *id)
{
	(void)ptr;
	int i = (int)find_next_bit(idp->bits, 256, 0);
	for (i = 0; i < 256 && test_bit(i, idp->bits); i++)
		;
	if (i >= 256)
		return -ENOSPC;
	set_bit(i, idp->bits);
	*id = i;
	return 0;
}
static inline void idr_remove(struct idr *idp, int id) { clear_bit(id, idp->bits); }
struct ida {
	unsigned long bits[4];
};
#define DEFINE_IDA(n) struct ida n = { { 0 } }
static inline void ida_init(struct ida *ida) { memset(ida, 0, sizeof *ida); }
static inline void ida_destroy(struct ida *ida) { (void)ida; }
static inline int ida_alloc(struct ida *ida, gfp_t gfp)
{
	(void)gfp;
	for (int i = 0; i < 256; i++)
		if (!test_bit(i, ida->bits)) {
			set_bit(i, ida->bits);
			return i;
		}
	return -ENOSPC;
}
static inline void ida_free(struct ida *ida, unsigned int id) { clear_bit(id, ida->bits); }
#define ida_simple_get(ida, s, e, gfp) ida_alloc(ida, gfp)
#define ida_simple_remove(ida, id) ida_free(ida, id)

/* ---- device core: a refcounted struct device whose last put calls its release ---- */
struct attribute {
	const char *name;
	umode_t mode;
};
struct device;
struct device_attribute {
	struct attribute attr;
	long (*show)(struct device *, struct device_attribute *, char *);
	long (*store)(struct device *, struct device_attribute *, const char *, size_t);
};
struct attribute_group {
	const char *name;
	struct attribute **attrs;
};
#define __ATTR(_name, _mode, _show, _store) { .attr = { .name = #_name, .mode = (_mode) }, .show = (_show), .store = (_store) }
#define __ATTR_RO(_name) __ATTR(_name, 0444, _name##_show, NULL)
#define __ATTR_NULL { .attr = { .name = NULL } }
#define DEVICE_ATTR_RO(_name) struct device_attribute dev_attr_##_name = __ATTR_RO(_name)
#define ATTRIBUTE_GROUPS(_name)                                                    \
	static const struct attribute_group _name##_group = { .attrs = _name##_attrs }; \
	static const struct attribute_group *_name##_groups[] = { &_name##_group, NULL }
struct kobject {
	const char *name;
};
struct device_driver {
	const char *name;
	struct module *owner;
};
struct device_node;
struct fwnode_handle;
struct acpi_device;
struct class {
	const char *name;
	struct module *owner;
	struct device_attribute *dev_attrs;
	const struct attribute_group **dev_groups;
	void (*dev_release)(struct device *dev);
};
struct device_type {
	const char *name;
	void (*release)(struct device *dev);
};
struct device {
	struct device *parent;
	struct device_driver *driver;
	const struct class *class;
	const struct device_type *type;
	void (*release)(struct device *dev);
	struct kobject kobj;
	struct device_node *of_node;
	struct fwnode_handle *fwnode;
	void *driver_data;
	void *platform_data;
	int numa_node;
	int refs;
	int registered; /* device_add succeeded and device_del has not run: in sysfs */
	char name[48];
};
static inline const char *dev_name(const struct device *dev) { return dev->name; }
static inline int dev_set_name(struct device *dev, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(dev->name, sizeof dev->name, fmt, ap);
	va_end(ap);
	return 0;
}
static inline int dev_to_node(struct device *dev) { (void)dev; return NUMA_NO_NODE; }
static inline void *dev_get_drvdata(const struct device *dev) { return dev->driver_data; }
static inline void dev_set_drvdata(struct device *dev, void *d) { dev->driver_data = d; }
static inline struct device *get_device(struct device *dev)
{
	if (dev)
		dev->refs++;
	return dev;
}
static inline void put_device(struct device *dev)
{
	if (!dev || --dev->refs > 0)
		return;
	if (dev->release)
		dev->release(dev);
	else if (dev->type && dev->type->release)
		dev->type->release(dev);
	else if (dev->class && dev->class->dev_release)
		dev->class->dev_release(dev);
}
static inline void device_initialize(struct device *dev) { dev->refs = 1; }
/* device_add refuses a device without a name (drivers/base/core.c device_add: "if
 * (!dev_name(dev)) { error = -EINVAL; goto name_error; }"; the shim's name is an array, empty
 * when dev_set_name never ran). A device it adds is in sysfs until device_del. */
static inline int device_add(struct device *dev)
{
	if (!dev->name[0])
		return -EINVAL;
	dev->registered = 1;
	return 0;
}
/* device_register: -ENOMEM when the harness injects a failure (rt_should_fail), after
 * device_initialize as device_add's failures are. */
static inline int device_register(struct device *dev)
{
	device_initialize(dev);
	if (rt_should_fail())
		return -ENOMEM;
	return device_add(dev);
}
/* The harness's lock-discipline check runs before a sysfs device goes (and before any free,
 * rt.c): what it guarded is compared while still there. */
static inline void device_del(struct device *dev)
{
	if (rt_point_hook && rt_current() >= 0)
		rt_point_hook(rt_current());
	dev->registered = 0;
}
static inline void device_unregister(struct device *dev)
{
	device_del(dev);
	put_device(dev);
}
static inline int class_register(struct class *c) { (void)c; return 0; }
static inline void class_unregister(struct class *c) { (void)c; }
static inline int sysfs_create_link(struct kobject *k, struct kobject *t, const char *n) { (void)k, (void)t, (void)n; return 0; }
static inline void sysfs_remove_link(struct kobject *k, const char *n) { (void)k, (void)n; }
/* devres: the managed variants are not used by the model's clients. */
typedef void (*dr_release_t)(struct device *dev, void *res);
static inline void *devres_alloc(dr_release_t r, size_t size, gfp_t gfp) { (void)r, (void)gfp; return rt_alloc(size, 1); }
#define devres_free(p) kfree(p)
static inline void devres_add(struct device *dev, void *res) { (void)dev, (void)res; }
static inline int devm_add_action(struct device *dev, void (*a)(void *), void *d) { (void)dev, (void)a, (void)d; return 0; }
static inline int devm_add_action_or_reset(struct device *dev, void (*a)(void *), void *d) { (void)dev, (void)a, (void)d; return 0; }
static inline int devres_release(struct device *dev, dr_release_t r, int (*m)(struct device *, void *, void *), void *d)
{
	(void)dev, (void)r, (void)m, (void)d;
	return 0;
}
static inline int devres_destroy(struct device *dev, dr_release_t r, int (*m)(struct device *, void *, void *), void *d)
{
	(void)dev, (void)r, (void)m, (void)d;
	return 0;
}

/* ---- firmware lookups (OF, ACPI): no firmware describes the scenario's devices ---- */
struct of_phandle_args;
struct platform_device;
struct dma_chan;
static inline struct dma_chan *of_dma_request_slave_channel(struct device_node *np, const char *name)
{
	(void)np, (void)name;
	return ERR_PTR(-ENODEV);
}
static inline struct dma_chan *acpi_dma_request_slave_chan_by_name(struct device *dev, const char *name)
{
	(void)dev, (void)name;
	return ERR_PTR(-ENODEV);
}
#define has_acpi_companion(dev) ((void)(dev), 0)
#define is_of_node(n) ((void)(n), 0)
#define is_acpi_node(n) ((void)(n), 0)
#define dev_fwnode(dev) ((dev)->fwnode)
#define to_of_node(n) ((struct device_node *)(n))
#define is_acpi_device_node(n) ((void)(n), 0)
static inline int sysfs_emit(char *buf, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(buf, PAGE_SIZE, fmt, ap);
	va_end(ap);
	return n;
}
static inline int get_count_order(unsigned int count)
{
	int order = 0;
	while ((1u << order) < count)
		order++;
	return order;
}

/* ---- runtime hooks the kernel TU provides to the harness ---- */
const char *rt_thread_name(int t);

/* ---- the harness hooks kernel/patches/rfc-after.patch puts in the RFC build ---- */
struct dma_device;
extern int dmaspec_quiesce_threshold;
void dmaspec_watch_quiesce(int *cpu, long *sum, int *count);
void dmaspec_rfc_base_put_refs(struct dma_device *device);

#endif
