/**
 * The CPU hotplug thread `cpu` of spec/threads.md with the dmaengine CPU notifier
 * (`hotcpu_rebalance`, in the RFC series' base: `CPU_ONLINE` and `CPU_POST_DEAD` take
 * `dma_list_mutex` and rebalance, hunk @@ -1011,7 +1103,7 @@). 3.4 `kernel/cpu.c`: `_cpu_up`
 * calls the `CPU_ONLINE` notifiers between `cpu_hotplug_begin()` and `cpu_hotplug_done()`,
 * holding `cpu_hotplug.lock`; `_cpu_down` calls `CPU_POST_DEAD` after `cpu_hotplug_done()`.
 * So `up` and `notify` are two steps with the hotplug lock held between them, and the
 * notifier blocks while the RFC's unregister holds `dma_list_mutex`: with the quiescer
 * waiting in `static_key_slow_inc` → `get_online_cpus()` that is an ABBA deadlock.
 * Optional in the system machine (`SystemOptions.cpuHotplug` or the scenario's `cpuHotplug`).
 * @module
 */
import { type ActionNames, type GuardNames, ruleSet } from '../kit.ts';
import type { StateConfig, TransitionConfig } from '../make.ts';
import type { SystemContext } from './context.ts';
import { dmaChannelRebalance } from './dmaengine.ts';
import type { Layout } from './layout.ts';
import { listMutexFree } from './locks.ts';

/** The guards the `cpu` region references ({@link cpuRules}'). */
export type CpuGuard = GuardNames<ReturnType<typeof cpuRules>>;
/** The actions the `cpu` region references. */
export type CpuAction = ActionNames<ReturnType<typeof cpuRules>>;

/**
 * The `cpu` region: running, `onlining` (hotplug lock held), `offlined` (POST_DEAD pending).
 * `notifier`: the design has the RFC base's `hotcpu_rebalance` (DesignModel `cpuNotifier`).
 * Without it (3.6, mainline) `_cpu_down` is one step and `notify` is only the end of
 * `_cpu_up`'s other CPU_ONLINE notifiers: `cpu_hotplug_done()`, no dmaengine code.
 */
export function cpuRegion(notifier = false): StateConfig<CpuGuard, CpuAction> {
  const notify = (target: string, description: string): TransitionConfig<CpuGuard, CpuAction> =>
    notifier
      ? { guard: 'listMutexFree', target: `#cpu.${target}`, actions: ['cpuRebalance'], description }
      : {
          target: `#cpu.${target}`,
          actions: ['cpuHotplugDone'],
          description: '_cpu_up: the CPU_ONLINE notifiers (none of dmaengine: 3.6 and mainline register no CPU notifier); cpu_hotplug_done()',
        };
  return {
    id: 'cpu',
    initial: 'running',
    description: 'CPU hotplug: cpu_down / cpu_up and the dmaengine CPU notifier',
    states: {
      running: {
        id: 'cpu.running',
        description: 'no CPU hotplug operation in progress; cpu_online_mask says which CPUs are up',
        on: {
          'cpu.offline': {
            guard: 'canOffline',
            target: notifier ? '#cpu.offlined' : '#cpu.running',
            actions: ['cpuOffline'],
            description:
              '_cpu_down: cpu_hotplug_begin … cpu_hotplug_done; the CPU goes offline (no thread runs on it: tasks were migrated first); its ref count keeps its value',
          },
          'cpu.online': {
            guard: 'isOffline',
            target: '#cpu.onlining',
            actions: ['cpuOnline'],
            description: '_cpu_up: cpu_hotplug_begin() takes cpu_hotplug.lock; __cpu_up: the CPU comes online',
          },
        },
      },
      onlining: {
        id: 'cpu.onlining',
        description: '_cpu_up holds cpu_hotplug.lock: get_online_cpus() blocks until cpu_hotplug_done',
        on: {
          'cpu.notify': notify(
            'running',
            'CPU_ONLINE notifier hotcpu_rebalance: mutex_lock(&dma_list_mutex); dma_channel_rebalance; mutex_unlock; then cpu_hotplug_done()',
          ),
        },
      },
      ...(notifier
        ? {
            offlined: {
              id: 'cpu.offlined',
              description: 'cpu_hotplug_done ran; the CPU_POST_DEAD notifier is next',
              on: {
                'cpu.postDead': notify('running', 'CPU_POST_DEAD notifier hotcpu_rebalance: mutex_lock(&dma_list_mutex); dma_channel_rebalance; mutex_unlock'),
              },
            },
          }
        : {}),
    },
  };
}

/** Guards and actions of {@link cpuRegion}. */
export function cpuRules(L: Layout) {
  return ruleSet<SystemContext>()({
    guards: {
      canOffline: (ctx, _p, e) => {
        const cpu = e.cpu as number;
        // _cpu_down's take_cpu_down runs under __stop_machine: not while a thread has preemption off.
        return ctx.cpuOnline[cpu] === 1 && ctx.cpuOnline.some((x, i) => x === 1 && i !== cpu) && ctx.threads.every((t) => t.cpu !== cpu && t.preemptOff === 0);
      },
      isOffline: (ctx, _p, e) => ctx.cpuOnline[e.cpu as number] === 0,
      listMutexFree,
    },
    actions: {
      cpuOffline: (ctx, _p, e) => {
        ctx.cpuOnline[e.cpu as number] = 0;
      },
      cpuOnline: (ctx, _p, e) => {
        ctx.cpuOnline[e.cpu as number] = 1;
        ctx.hotplug = 1;
      },
      cpuRebalance: (ctx) => {
        dmaChannelRebalance(ctx, L);
        ctx.hotplug = 0;
      },
      cpuHotplugDone: (ctx) => {
        ctx.hotplug = 0;
      },
    },
  });
}
