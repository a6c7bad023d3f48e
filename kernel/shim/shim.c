/* The out-of-line stand-ins of dmaspec-shim.h: the sleeping lock and the CPU hotplug lock. */
#include <dmaspec-shim.h>

/* Every possible CPU is on node 0 (no NUMA: dma_chan_is_local sees NUMA_NO_NODE anyway). */
const struct cpumask __dmaspec_all_cpus = { { ~0UL } };

/* A mutex held by another thread when the model says this one takes it: the step blocks.
 * Taking it twice in one thread would be a self-deadlock: a kernel bug. */
void __dmaspec_mutex_lock(struct mutex *m, const char *func, const char *file, int line)
{
	rt_point(RT_BEFORE, "mutex_lock", func, file, line);
	if (m->locked) {
		char why[120];
		snprintf(why, sizeof why, "mutex_lock(%s): held by %s", m->name, m->owner == rt_current() ? "this thread (self-deadlock)" : rt_thread_name(m->owner));
		rt_block(why, func, file, line);
	}
	m->locked = 1;
	m->owner = rt_current();
	rt_point(RT_AFTER, "mutex_lock", func, file, line);
}

void __dmaspec_mutex_unlock(struct mutex *m, const char *func, const char *file, int line)
{
	rt_point(RT_BEFORE, "mutex_unlock", func, file, line);
	if (!m->locked || m->owner != rt_current())
		rt_bug("mutex_unlock of a mutex this thread does not hold", func, file, line);
	m->locked = 0;
	m->owner = -1;
	rt_point(RT_AFTER, "mutex_unlock", func, file, line);
}

/* get_online_cpus() waits while _cpu_up/_cpu_down hold cpu_hotplug.lock (kernel/cpu.c). */
void __dmaspec_get_online_cpus(const char *func, const char *file, int line)
{
	extern int rt_hotplug_holder;
	if (rt_hotplug_holder >= 0 && rt_hotplug_holder != rt_current())
		rt_block("get_online_cpus(): cpu_hotplug.lock held by a CPU hotplug (_cpu_up before its CPU_ONLINE notifiers are done)", func, file, line);
}

void __dmaspec_put_online_cpus(void) {}
