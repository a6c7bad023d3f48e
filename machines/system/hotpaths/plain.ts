/**
 * 3.4's hot path: `dma_find_channel` is one `this_cpu_read(channel_table[cap]->chan)`
 * (3.6 `dmaengine.c:331`), nothing counted; `dma_put_channel` does nothing; async_tx's
 * re-get reuses the pointer kept in its descriptors.
 * @module
 */
import { found, type HotPath, roundDone, threadRules } from '../hotpath.ts';
import type { Layout } from '../layout.ts';

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

/** The plain hot path: a one-step find, so no worker state between `idle` and `found`. */
export const plain: HotPath = {
  description: "3.4's one-step dma_find_channel: one table read, nothing counted",
  split: false,
  reget: 'async_tx reuses the channel pointer kept in its descriptors (depend_tx->chan; no dmaengine call in 3.x or mainline), once',
  rules: plainHotPath,
  states: () => ({}),
};
