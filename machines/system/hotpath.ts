/**
 * The hot path of the clients' worker: `dma_find_channel`, `dma_get_channel`,
 * `dma_put_channel`. Two variants: plain 3.4 (a table read, no counting) and the RFC's
 * per-CPU counted one. A design picks one; both define the same three action names.
 * @module
 */
import type { ActionRule } from '../kit.ts';
import type { SystemContext } from './context.ts';
import type { Layout } from './layout.ts';

/** Params of every client rule: the client's index in `threads`. */
export interface ThreadParams {
  readonly t: number;
}

type HotPath = Record<'findChannel' | 'getChannel' | 'putChannel', ActionRule<SystemContext, ThreadParams>>;

/** Sets the worker's channel after a find; async_tx also caches a non-null pointer. */
function found(ctx: SystemContext, L: Layout, t: number, chan: number): void {
  const th = ctx.threads[t];
  th.chan = chan;
  th.inFlight = 1;
  if (chan >= 0 && L.clients[t].kind === 'async_tx') th.cached = chan;
}

/** Ends a round: no channel, not in flight, one more round done (saturating; busy: none). */
function roundDone(ctx: SystemContext, L: Layout, t: number): void {
  const th = ctx.threads[t];
  th.chan = -1;
  th.inFlight = 0;
  if (!L.clients[t].busy) th.rounds = Math.min(th.rounds + 1, L.clients[t].rounds);
}

/** 3.4: `dma_find_channel` reads `channel_table[cap]` of this CPU; nothing is counted. */
export function plainHotPath(L: Layout): HotPath {
  return {
    findChannel: (ctx, { t }) => found(ctx, L, t, ctx.table[L.clients[t].cap][ctx.threads[t].cpu]),
    getChannel: (ctx, { t }) => {
      found(ctx, L, t, ctx.threads[t].cached);
      ctx.threads[t].regot = 1;
    },
    putChannel: (ctx, { t }) => roundDone(ctx, L, t),
  };
}

/**
 * RFC: `dma_find_channel` does `this_cpu_inc(dmaengine_chan_ref_count)` and returns NULL
 * while the quiesce key is on; `dma_get_channel` bumps `dmaengine_dirty` if the key is on
 * and incs this CPU's count; `dma_put_channel` decs the count of the CPU it runs on now.
 */
export function percpuHotPath(L: Layout): HotPath {
  return {
    findChannel: (ctx, { t }) => {
      const cpu = ctx.threads[t].cpu;
      ctx.ref[cpu]++;
      found(ctx, L, t, ctx.key ? -1 : ctx.table[L.clients[t].cap][cpu]);
    },
    getChannel: (ctx, { t }) => {
      if (ctx.key) ctx.dirty++;
      ctx.ref[ctx.threads[t].cpu]++;
      found(ctx, L, t, ctx.threads[t].cached);
      ctx.threads[t].regot = 1;
    },
    putChannel: (ctx, { t }) => {
      ctx.ref[ctx.threads[t].cpu]--;
      roundDone(ctx, L, t);
    },
  };
}
