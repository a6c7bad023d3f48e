/**
 * RFC `dma_channel_quiesce`, one step per preemption point: key on; loop { dirty = 0;
 * sleep a tick; if dirty: count = 0, again; sum the per-CPU counts ONE CPU per step;
 * zero → count++, else count = 0 } until `quiesceThreshold` consecutive zero sums; key off.
 * Used by the rfc-wait design and by the standalone quiesce machine.
 * @module
 */
import { type ActionNames, type GuardNames, ruleSet } from '../kit.ts';
import type { StateConfig } from '../make.ts';
import type { SystemContext } from './context.ts';
import type { IohAction, IohBuild, IohParams } from './ioh.ts';
import type { Layout } from './layout.ts';
import type { LockGuard } from './locks.ts';

/** The guards {@link quiesceState} references: {@link quiesceRules}' and the CPU-hotplug lock's. */
export type QuiesceGuard = GuardNames<ReturnType<typeof quiesceRules>> | LockGuard;
/** The actions {@link quiesceState} references. */
export type QuiesceAction = ActionNames<ReturnType<typeof quiesceRules>>;

/**
 * The `<ioh>.quiesce` compound state: starting → roundStart → sleeping → reading → ended.
 * `then` is the state id entered by `keyOff`.
 */
export function quiesceState(b: IohBuild, then: string): StateConfig<QuiesceGuard, QuiesceAction> {
  const q = (local: string) => b.id(`quiesce.${local}`);
  const p = b.p;
  return {
    id: b.id('quiesce'),
    initial: 'starting',
    description: 'RFC dma_channel_quiesce: wait until no CPU can be inside a find → put of the leaving channels',
    states: {
      starting: {
        id: q('starting'),
        description: 'unregister rebalanced the table; the quiesce has not begun',
        on: {
          [b.ev('keyOn')]: {
            guard: 'keyFlipCanRun',
            target: `#${q('roundStart')}`,
            actions: [{ type: 'keyOn', params: p }],
            description:
              'static_key_slow_inc(&dmaengine_quiesce): jump_label_update → arch_jump_label_transform → get_online_cpus() (blocks while a CPU hotplug holds the lock); dma_find_channel returns NULL from now on; count = 0',
          },
        },
      },
      roundStart: {
        id: q('roundStart'),
        description: 'top of the quiesce loop',
        on: {
          [b.ev('clearDirty')]: {
            target: `#${q('sleeping')}`,
            actions: [{ type: 'clearDirty', params: p }],
            description: 'atomic_set(&dmaengine_dirty, 0); the sum restarts at CPU 0',
          },
        },
      },
      sleeping: {
        id: q('sleeping'),
        description: 'schedule_timeout(1): other threads run',
        on: {
          [b.ev('tick')]: [
            {
              guard: { type: 'dirtySet', params: p },
              target: `#${q('roundStart')}`,
              actions: [{ type: 'resetCount', params: p }],
              description: 'dmaengine_dirty was bumped by dma_get_channel: count = 0, next round',
            },
            {
              target: `#${q('reading')}`,
              description: 'nothing dirty: sum the per-CPU counts',
            },
          ],
        },
      },
      reading: {
        id: q('reading'),
        description: 'for_each_possible_cpu: sum += per_cpu(dmaengine_chan_ref_count, cpu), one CPU per step',
        on: {
          [b.ev('read')]: [
            {
              guard: { type: 'readMore', params: p },
              target: `#${q('reading')}`,
              actions: [{ type: 'readCpu', params: p }],
              description: "read one CPU's count; more CPUs to read",
            },
            {
              guard: { type: 'readEndsLoop', params: p },
              target: `#${q('ended')}`,
              actions: [{ type: 'readCpu', params: p }],
              description: 'last CPU read: the sum is zero and count reaches quiesceThreshold: the loop ends',
            },
            {
              target: `#${q('roundStart')}`,
              actions: [{ type: 'readCpu', params: p }],
              description: 'last CPU read: zero sum → count++, else count = 0; next round',
            },
          ],
        },
      },
      ended: {
        id: q('ended'),
        description: 'the loop saw quiesceThreshold consecutive zero sums',
        on: {
          [b.ev('keyOff')]: {
            guard: 'keyFlipCanRun',
            target: `#${then}`,
            actions: [{ type: 'keyOff', params: p }],
            description: 'static_key_slow_dec(&dmaengine_quiesce) (get_online_cpus() again): dma_find_channel returns channels again',
          },
        },
      },
    },
  };
}

/**
 * After `dma_channel_quiesce` returns, `dma_channel_rebalance(true)` undoes the last
 * distribution and redistributes (RFC hunk @@ -431,6 +505,9 @@), and unregister unlocks
 * `dma_list_mutex` (hunk @@ -767,14 +848,22 @@): one step, all under the mutex.
 */
export function unlockState(b: IohBuild, then: string): StateConfig<never, IohAction> {
  return {
    id: b.id('unlocking'),
    description: 'dma_channel_quiesce returned; dma_list_mutex is still held',
    on: {
      [b.ev('unlock')]: {
        target: `#${then}`,
        actions: [{ type: 'rebalanceUnlock', params: b.p }],
        description: 'dma_channel_rebalance: undo the last distribution, redistribute; mutex_unlock(&dma_list_mutex)',
      },
    },
  };
}

/** Guards and actions of {@link quiesceState}. */
export function quiesceRules(L: Layout) {
  const threshold = L.scenario.quiesceThreshold;
  const last = (ctx: SystemContext, h: number) => ctx.iohs[h].next === L.cpus - 1;
  return ruleSet<SystemContext, IohParams>()({
    guards: {
      dirtySet: (ctx) => ctx.dirty !== 0,
      readMore: (ctx, { h }) => !last(ctx, h),
      readEndsLoop: (ctx, { h }) => {
        const q = ctx.iohs[h];
        return last(ctx, h) && q.sum + ctx.ref[q.next] === 0 && q.count + 1 >= threshold;
      },
    },
    actions: {
      keyOn: (ctx, { h }) => {
        ctx.key = 1;
        ctx.iohs[h].count = 0;
      },
      clearDirty: (ctx, { h }) => {
        ctx.dirty = 0;
        ctx.iohs[h].sum = 0;
        ctx.iohs[h].next = 0;
      },
      resetCount: (ctx, { h }) => {
        ctx.iohs[h].count = 0;
      },
      readCpu: (ctx, { h }) => {
        const q = ctx.iohs[h];
        q.sum += ctx.ref[q.next];
        if (q.next < L.cpus - 1) {
          q.next++;
          return;
        }
        // Round over: judge the sum, then forget it so equal situations are equal states.
        q.count = q.sum === 0 ? q.count + 1 : 0;
        q.sum = 0;
        q.next = 0;
        if (q.count < threshold) return;
        ctx.devices[q.cur].quiesced = 1;
        // A holder whose count a sum that saw it would have read: this zero was false.
        if (ctx.threads.some((th) => th.held === 1 && th.chan >= 0 && L.channels[th.chan].device === q.cur)) q.missed = 1;
      },
      keyOff: (ctx, { h }) => {
        ctx.key = 0;
        ctx.iohs[h].count = 0;
      },
    },
  });
}
