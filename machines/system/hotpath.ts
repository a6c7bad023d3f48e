/**
 * The hot path of the clients' worker: `dma_find_channel`, `dma_get_channel`,
 * `dma_put_channel`. Two variants: plain 3.4 (one table read, nothing counted) and the RFC's
 * per-CPU counted one, whose functions are several preemptible steps each (spec/threads.md,
 * "The RFC hot path is not atomic"). A design picks one with `DesignModel.hotPath`.
 * @module
 */
import { netDmaFinds } from '../../src/table-rows.ts';
import { ruleSet } from '../kit.ts';
import { UAF_BY_THREAD } from './clients.ts';
import type { SystemContext } from './context.ts';
import type { Layout } from './layout.ts';

/** Params of every client rule: the client's index in `threads`. */
export interface ThreadParams {
  readonly t: number;
}

/** Rules over a client thread's params. */
const threadRules = ruleSet<SystemContext, ThreadParams>();

/** Sets the worker's channel after a find; async_tx also caches a non-null pointer. */
function found(ctx: SystemContext, L: Layout, t: number, chan: number): void {
  const th = ctx.threads[t];
  th.chan = chan;
  th.inFlight = 1;
  if (chan >= 0 && L.clients[t].kind === 'async_tx') th.cached = chan;
}

/** Ends a round: no channel, not in flight, one more round done (saturating; busy: none). */
export function roundDone(ctx: SystemContext, L: Layout, t: number): void {
  const th = ctx.threads[t];
  th.chan = -1;
  th.inFlight = 0;
  th.held = 0;
  if (!L.clients[t].busy) th.rounds = Math.min(th.rounds + 1, L.clients[t].rounds);
}

/** 3.4: `dma_find_channel` is one `this_cpu_read(channel_table[cap]->chan)`; nothing is counted. */
export function plainHotPath(L: Layout) {
  return threadRules({
    guards: {},
    actions: {
      findChannel: (ctx, { t }) => found(ctx, L, t, ctx.table[L.clients[t].row][ctx.threads[t].cpu]),
      getChannel: (ctx, { t }) => {
        found(ctx, L, t, ctx.threads[t].cached);
        ctx.threads[t].regot = 1;
      },
      putChannel: (ctx, { t }) => roundDone(ctx, L, t),
    },
  });
}

/**
 * The RFC hot path (seed patch 3/7, hunk `@@ -305,10 +313,40 @@`), one action per
 * preemptible statement:
 * - `dma_find_channel`: `chan = this_cpu_read(channel_table[tx_type]->chan)` (findChannel),
 *   `this_cpu_inc(dmaengine_chan_ref_count)` (refInc), `if (static_key_false(&dmaengine_quiesce))
 *   chan = NULL` (keyTest). Nothing disables preemption between them.
 * - `dma_get_channel(chan)`: `static_key_false` (getChannel: the test), `atomic_inc(&dmaengine_dirty)`
 *   if it saw the key on (markDirty), `this_cpu_inc` (regetInc).
 * - `dma_put_channel` (dmaengine.h): one `this_cpu_dec` on the CPU the thread runs on now.
 * - net_dma's find is `net_dma_find_channel` (hunk `@@ -316,10 +354,15 @@`, src/table-rows.ts
 *   `netDmaFinds`): in the same step as the key test it reads `chan->device->copy_align`
 *   (`is_dma_copy_aligned`: a use of a freed device is recorded there) or, for NULL, does
 *   `this_cpu_dec` itself; its caller then skips `dma_put_channel` (dmaengine.h rule 2).
 */
export function rfcHotPath(L: Layout) {
  /** `this_cpu_inc(dmaengine_chan_ref_count)` on the CPU the thread runs on now. */
  const inc = (ctx: SystemContext, t: number) => {
    const th = ctx.threads[t];
    ctx.ref[th.cpu]++;
    th.keySeen = 0;
    return th;
  };
  return threadRules({
    guards: {
      keyWasOn: (ctx, { t }) => ctx.threads[t].keySeen === 1,
      keyWasOff: (ctx, { t }) => ctx.threads[t].keySeen === 0,
    },
    actions: {
      findChannel: (ctx, { t }) => {
        const th = ctx.threads[t];
        th.chan = ctx.table[L.clients[t].row][th.cpu];
        th.inFlight = 1; // the round is open from the table read on: the quiesce must cover it
      },
      refInc: (ctx, { t }) => void inc(ctx, t),
      keyTest: (ctx, { t }) => {
        const th = ctx.threads[t];
        found(ctx, L, t, ctx.key ? -1 : th.chan);
        th.held = th.chan >= 0 ? 1 : 0;
        if (!netDmaFinds(L.clients[t])) return;
        // net_dma_find_channel: is_dma_copy_aligned(chan->device, 1, 1, 1) reads the channel
        // and its device (freed with the device); NULL: this_cpu_dec(dmaengine_chan_ref_count).
        if (th.chan >= 0) {
          if (ctx.devices[L.channels[th.chan].device].freed) ctx.uaf[t][th.chan] |= UAF_BY_THREAD;
        } else ctx.ref[th.cpu]--;
      },
      // The re-get's inc ends dma_get_channel: the thread now holds a counted reference.
      regetInc: (ctx, { t }) => void (inc(ctx, t).held = 1),
      getChannel: (ctx, { t }) => {
        const th = ctx.threads[t];
        th.keySeen = ctx.key;
        th.chan = th.cached;
        th.inFlight = 1;
        th.regot = 1;
      },
      markDirty: (ctx) => {
        ctx.dirty++;
      },
      putChannel: (ctx, { t }) => {
        const th = ctx.threads[t];
        // net_dma calls dma_put_channel only after a non-NULL net_dma_find_channel (rule 2).
        if (th.chan >= 0 || !netDmaFinds(L.clients[t])) ctx.ref[th.cpu]--;
        roundDone(ctx, L, t);
      },
    },
  });
}
