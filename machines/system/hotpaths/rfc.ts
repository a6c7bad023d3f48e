/**
 * The RFC's hot path (seed patch 3/7): `dma_find_channel`, `dma_get_channel` and
 * `dma_put_channel` counted per CPU, each split into its preemptible statements.
 * @module
 */
import { netDmaFinds } from '../../../src/table-rows.ts';
import { UAF_BY_THREAD } from '../clients.ts';
import type { SystemContext } from '../context.ts';
import { found, type HotPath, roundDone, threadRules } from '../hotpath.ts';
import type { Layout } from '../layout.ts';

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

/**
 * The RFC's find and get are several statements with no preempt_disable between them
 * (seed 3/7, hunk @@ -305,10 +313,40 @@): each is a state of its own, where the thread can be
 * preempted and, if it migrates, moved.
 */
export const rfc: HotPath = {
  description: "the RFC's per-CPU counted find/get/put and the quiesce key, each function split into its preemptible statements",
  split: true,
  reget: 'RFC dma_get_channel(cached): if (static_key_false(&dmaengine_quiesce)), the test alone; async_tx re-takes the pointer kept in its descriptors (once)',
  rules: rfcHotPath,
  states: ({ c, p, ev, id, inc, on, migrateInside }) => ({
    fetched: {
      id: id('fetched'),
      description: 'RFC dma_find_channel read channel_table; nothing counted yet',
      on: { [ev('inc')]: inc('counted'), ...migrateInside(id('fetched')) },
    },
    counted: {
      id: id('counted'),
      description: "RFC dma_find_channel: this CPU's count is raised; the key is not tested yet",
      on: {
        [ev('test')]: {
          target: `#${id('found')}`,
          actions: [{ type: 'keyTest', params: p }, ...on],
          description: 'RFC dma_find_channel: if (static_key_false(&dmaengine_quiesce)) chan = NULL; return chan',
        },
        ...migrateInside(id('counted')),
      },
    },
    ...(c.kind === 'async_tx'
      ? {
          regetting: {
            id: id('regetting'),
            description: 'RFC dma_get_channel tested the key; dirty and the count are not touched yet',
            on: {
              [ev('dirty')]: {
                guard: { type: 'keyWasOn', params: p },
                target: `#${id('dirtied')}`,
                actions: [{ type: 'markDirty', params: p }],
                description: 'RFC dma_get_channel: the key was on: atomic_inc(&dmaengine_dirty)',
              },
              [ev('inc')]: inc('found', 'keyWasOff', 'RFC dma_get_channel: the key was off: this_cpu_inc(dmaengine_chan_ref_count); return chan', 'regetInc'),
              ...migrateInside(id('regetting')),
            },
          },
          dirtied: {
            id: id('dirtied'),
            description: 'RFC dma_get_channel bumped dirty; the count is not raised yet',
            on: {
              [ev('inc')]: inc('found', undefined, 'RFC dma_get_channel: this_cpu_inc(dmaengine_chan_ref_count); return chan', 'regetInc'),
              ...migrateInside(id('dirtied')),
            },
          },
        }
      : {}),
  }),
};
