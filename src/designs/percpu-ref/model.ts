/**
 * Design `percpu-ref` (as `lib/percpu-refcount.c`, and idxd's per-queue reference): the
 * hot path is `percpu_ref_tryget_live` / `percpu_ref_put` on per-CPU counts; unregister
 * kills the reference (tryget_live fails from then on), waits a grace period so every CPU
 * sees the kill, switches to atomic mode — one exact sum instead of a CPU-by-CPU read — and
 * waits for it to reach zero; then it drops the `dmaengine_get` references, waits for the
 * private holders and frees. One `percpu_ref` per device (lib/percpu-refcount.c: a ref is
 * per object), so a device's drain waits only for its own users.
 *
 * `percpu_ref_tryget_live` is two steps (`hotPath: 'tryget'`): inside `rcu_read_lock`,
 * `__ref_is_percpu` reads the mode (live or killed), then `this_cpu_inc`. A tryget that read
 * "live" before the kill counts after it; the grace period (`call_rcu` in
 * `percpu_ref_kill_and_confirm`) is what waits for those readers before the counts are
 * folded: "tryget_live fails only after @ref is seen as dead from all CPUs". The variant
 * `percpu-ref-nogp` ({@link percpuRefDesign} with `gracePeriod: false`) skips that wait.
 * @module
 */
import { type DesignModel, defineDesign, NO_EARLY_RELEASE } from '../../../machines/system/design.ts';
import type { SystemContext } from '../../../machines/system/context.ts';
import { dropRefsThenWait } from '../../../machines/system/ioh.ts';
import type { Layout } from '../../../machines/system/layout.ts';
import { dying, isDying, markDying } from '../dying.ts';

/**
 * The tryget's first step, inside `rcu_read_lock`: whether `__ref_is_percpu` saw the
 * device's ref live (`keySeen`), and the channel if so (-1: none, or seen dead: the tryget
 * will fail); nothing is counted yet.
 */
function tryRead(ctx: SystemContext, L: Layout, t: number, chan: number): void {
  const th = ctx.threads[t];
  th.keySeen = live(ctx, L, chan) ? 1 : 0;
  th.chan = th.keySeen ? chan : -1; // seen dead: the tryget will fail, nothing is taken
  th.inFlight = 1;
}

/**
 * The tryget's second step: `this_cpu_inc` of the channel's device's own percpu_ref
 * (design variable `pref` of device d, CPU cpu) if the first step saw it live, else NULL; `rcu_read_unlock`. `ref[cpu]`,
 * the observable per-CPU count, is the sum over devices.
 */
function tryInc(ctx: SystemContext, L: Layout, t: number): void {
  const th = ctx.threads[t];
  if (th.keySeen) {
    prefOf(ctx, L.channels[th.chan].device)[th.cpu].pref++;
    ctx.ref[th.cpu]++;
    if (L.clients[t].kind === 'async_tx') th.cached = th.chan;
  }
  th.keySeen = 0;
}

const live = (ctx: SystemContext, L: Layout, c: number) => c >= 0 && !isDying(ctx, L.channels[c].device);

/**
 * Design variable `pref`, per device and CPU: the device's own `percpu_ref` count on that CPU
 * (lib/percpu-refcount.c: one ref per object, `this_cpu_inc`/`this_cpu_dec` of its per-CPU
 * counter). A thread holds at most one reference and may put it on another CPU than it took
 * it on (migration), so a CPU's count lies within ± the scenario's client limit (8, src/scenario.ts).
 */
const pref = {
  initial: 0,
  min: -8,
  max: 8,
  description: "the per-CPU count of the device's own percpu_ref (this_cpu_inc at a tryget, this_cpu_dec at the put, on the CPU the thread runs on)",
};

/** Device `d`'s per-CPU `percpu_ref` counts, by CPU. */
const prefOf = (ctx: SystemContext, d: number) => ctx.design.deviceCpus[d];

/** What varies between `percpu-ref` and its variant. */
export interface PercpuRefOptions {
  /** Whether unregister waits for the readers that saw the ref live (the RCU grace period). */
  readonly gracePeriod: boolean;
}

/** The kill + grace period + atomic-mode design (or the variant that skips the grace period). */
export function percpuRefDesign({ gracePeriod }: PercpuRefOptions): DesignModel {
  return defineDesign({
    name: gracePeriod ? 'percpu-ref' : 'percpu-ref-nogp',
    title: gracePeriod ? 'percpu-ref: kill, grace period, atomic-mode wait for zero' : 'percpu-ref without the grace period: kill, then sum at once',
    summary:
      'dma_find_channel and dma_get_channel take percpu_ref_tryget_live on the channel’s device (fails once killed: NULL, nothing counted); ' +
      'dma_put_channel is percpu_ref_put on the CPU the thread runs on. Unregister kills the reference, waits an RCU grace period, switches to atomic mode ' +
      '(an exact sum) and waits until it is zero; then it drops the dmaengine_get references, waits for private holders, and frees.',
    hotPath: 'tryget',
    variables: { perDevice: { dying }, perDeviceCpu: { pref } },
    ejecting: (b) => ({
      afterUnregister: 'killing',
      states: {
        killing: {
          id: b.id('killing'),
          description: 'off the list; trygets still succeed',
          on: {
            [b.ev('kill')]: {
              target: `#${b.id('grace')}`,
              actions: [{ type: 'markDying', params: b.p }],
              description: 'percpu_ref_kill: percpu_ref_tryget_live fails from now on',
            },
          },
        },
        grace: {
          id: b.id('grace'),
          description: 'call_rcu: wait until every CPU has seen the kill',
          on: {
            [b.ev('gracePeriod')]: {
              ...(gracePeriod ? { guard: { type: 'noLiveReader', params: b.p } } : {}),
              target: `#${b.id('draining')}`,
              description: gracePeriod
                ? 'the grace period ends once no tryget that saw the ref live is still inside rcu_read_lock: the per-CPU counts are folded into one atomic count'
                : 'variant: no grace period; the counts are folded at once, while a tryget that saw the ref live may still inc',
            },
          },
        },
        draining: {
          id: b.id('draining'),
          description: 'atomic mode: every percpu_ref_put decrements one exact count',
          on: {
            [b.ev('drained')]: {
              guard: { type: 'refSumZero', params: b.p },
              target: `#${b.id('dropping')}`,
              actions: [{ type: 'markQuiesced', params: b.p }],
              description: 'the atomic count is zero: the release callback runs; no reference can be taken again',
            },
          },
        },
        ...dropRefsThenWait(
          b,
          {
            dropping: 'drained: the dmaengine_get references are still on the public channels',
            putRefs: 'dma_chan_put the public channels of the device to 0',
            waiting: 'wait until every client_count is 0 (private holders release on their own)',
            free: 'synchronize_rcu() returns: every walk inside rcu_read_lock at its start has left; free the device and its channels',
          },
          { loop: true },
        ),
      },
    }),
    rules: (L) => ({
      guards: {
        // The device's own percpu_ref in atomic mode: other devices' users do not count.
        refSumZero: (ctx, { h }: { h: number }) => prefOf(ctx, ctx.iohs[h].cur).reduce((a, x) => a + x.pref, 0) === 0,
        // synchronize_rcu for the killed ref: no reader between its mode test and its inc.
        noLiveReader: (ctx, { h }: { h: number }) =>
          ctx.threads.every((th) => th.keySeen === 0 || th.chan < 0 || L.channels[th.chan].device !== ctx.iohs[h].cur),
      },
      actions: {
        markDying,
        markQuiesced: (ctx, { h }: { h: number }) => {
          ctx.devices[ctx.iohs[h].cur].quiesced = 1;
        },
        refInc: (ctx, { t }: { t: number }) => tryInc(ctx, L, t),
      },
      // The tryget hot path replaces the plain find/get/put (refInc is its own).
      overrides: {
        actions: {
          findChannel: (ctx, { t }: { t: number }) => tryRead(ctx, L, t, ctx.table[L.clients[t].row][ctx.threads[t].cpu]),
          getChannel: (ctx, { t }: { t: number }) => {
            const c = ctx.threads[t].cached;
            // tryget on a freed device touches freed memory (the percpu_ref lives in it).
            if (ctx.devices[L.channels[c].device].freed) ctx.uaf[t][c] = 1;
            tryRead(ctx, L, t, c);
            ctx.threads[t].regot = 1;
          },
          putChannel: (ctx, { t }: { t: number }) => {
            const th = ctx.threads[t];
            if (th.chan >= 0) {
              prefOf(ctx, L.channels[th.chan].device)[th.cpu].pref--; // percpu_ref_put on the device it got
              ctx.ref[th.cpu]--;
            }
            th.chan = -1;
            th.inFlight = 0;
            if (!L.clients[t].busy) th.rounds = Math.min(th.rounds + 1, L.clients[t].rounds);
          },
        },
      },
    }),
    claims: [
      'no-use-after-free',
      'client-count-matches-holders',
      'resources-iff-held',
      'no-ref-survives-quiesce',
      'ref-sum-nonnegative-when-quiescent',
      'table-names-listed-channels',
      'quiesce-terminates',
      'removal-completes',
      'waiting-client-answered',
    ],
    assumptions: [
      { text: 'Every holder of a private channel eventually calls dma_release_channel on its own.', kinds: ['slave'], flags: { releases: true } },
      {
        text: 'No client keeps a channel pointer past its put (a cached pointer re-taken after the free touches freed memory).',
        kinds: ['async_tx'],
        flags: {},
        steps: ['reget'], // every re-get re-takes a pointer kept past the round's put
      },
      NO_EARLY_RELEASE,
    ],
  });
}

/** percpu-ref as lib/percpu-refcount.c has it. */
export const percpuRef: DesignModel = percpuRefDesign({ gracePeriod: true });
