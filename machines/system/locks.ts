/**
 * The two sleeping locks the RFC's removal path meets (spec/threads.md, "Locks"):
 * `dma_list_mutex` (drivers/dma/dmaengine.c) and the CPU-hotplug lock `cpu_hotplug.lock`
 * (3.4 kernel/cpu.c). A lock is context data; acquiring it is a guard on the step that
 * takes it, so a thread whose lock is held has no enabled step: it is blocked, the
 * checker's deadlock detection sees it, and weak fairness does not make it move.
 * @module
 */
import type { GuardRule } from '../kit.ts';
import type { SystemContext } from './context.ts';

/** `mutex_lock(&dma_list_mutex)` would not block: nobody holds it across steps. */
export const listMutexFree = (ctx: SystemContext): boolean => ctx.listMutex < 0;

/**
 * `get_online_cpus()` would not block: no CPU-hotplug writer is between
 * `cpu_hotplug_begin()` and `cpu_hotplug_done()` (it holds `cpu_hotplug.lock` throughout).
 */
export const hotplugFree = (ctx: SystemContext): boolean => ctx.hotplug === 0;

/**
 * A `static_key_slow_inc/dec` can flip the key: `get_online_cpus()` would not block and
 * no thread has preemption off. On x86 with `HAVE_JUMP_LABEL` the flip is
 * `text_poke_smp` → `stop_machine`, which runs only once every CPU has left its
 * preempt-disabled section (async_tx's `get_cpu()` call site: spec/vocabulary.ts
 * `findsPreemptOff`).
 */
export const keyFlipCanRun = (ctx: SystemContext): boolean => ctx.hotplug === 0 && ctx.threads.every((th) => th.preemptOff === 0);

/** The lock guards, by rule name (`satisfies`: the names stay literal for the configs' types). */
export const lockGuards = {
  listMutexFree,
  hotplugFree,
  keyFlipCanRun,
} satisfies Readonly<Record<string, GuardRule<SystemContext>>>;

/** The lock guards' names. */
export type LockGuard = keyof typeof lockGuards;
