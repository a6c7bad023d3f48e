/**
 * The CPU hotplug thread `cpu` of spec/threads.md: `cpu.offline {cpu}` / `cpu.online {cpu}`
 * with the dmaengine CPU notifier's rebalance. Optional in the system machine
 * (`SystemOptions.cpuHotplug` or the scenario's `cpuHotplug`): every offline/online pair multiplies the state space.
 * @module
 */
import type { ActionRule, GuardRule } from '../kit.ts';
import type { StateConfig } from '../make.ts';
import type { SystemContext } from './context.ts';
import { dmaChannelRebalance } from './dmaengine.ts';
import type { Layout } from './layout.ts';

/** The `cpu` region: one state, the two steps. */
export function cpuRegion(): StateConfig {
  return {
    id: 'cpu',
    initial: 'running',
    description: 'CPU hotplug: cpu_down / cpu_up and the dmaengine CPU notifier',
    states: {
      running: {
        id: 'cpu.running',
        description: 'CPUs come and go; cpu_online_mask says which are up',
        on: {
          'cpu.offline': {
            guard: 'canOffline',
            target: '#cpu.running',
            actions: ['cpuOffline'],
            description: 'cpu_down: the CPU goes offline (no thread runs on it: tasks were migrated first); dma_channel_rebalance; its ref count keeps its value',
          },
          'cpu.online': {
            guard: 'isOffline',
            target: '#cpu.running',
            actions: ['cpuOnline'],
            description: 'cpu_up: the CPU comes online; dma_channel_rebalance',
          },
        },
      },
    },
  };
}

type G = GuardRule<SystemContext>;
type A = ActionRule<SystemContext>;

/** Guards and actions of {@link cpuRegion}. */
export function cpuRules(L: Layout): { guards: Record<string, G>; actions: Record<string, A> } {
  return {
    guards: {
      canOffline: (ctx, _p, e) => {
        const cpu = e.cpu as number;
        return ctx.cpuOnline[cpu] === 1 && ctx.cpuOnline.some((x, i) => x === 1 && i !== cpu) && ctx.threads.every((t) => t.cpu !== cpu);
      },
      isOffline: (ctx, _p, e) => ctx.cpuOnline[e.cpu as number] === 0,
    },
    actions: {
      cpuOffline: (ctx, _p, e) => {
        ctx.cpuOnline[e.cpu as number] = 0;
        dmaChannelRebalance(ctx, L);
      },
      cpuOnline: (ctx, _p, e) => {
        ctx.cpuOnline[e.cpu as number] = 1;
        dmaChannelRebalance(ctx, L);
      },
    },
  };
}
