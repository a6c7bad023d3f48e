/**
 * Design `fail-fast` (Dan Williams' suggestion): unregister marks the device dying; from
 * then on the driver's `prep` returns NULL, and a client that gets NULL releases its
 * channel. Unregister drops the `dmaengine_get` references, waits until no channel has
 * clients, and frees. Nothing protects a find → use window that straddles the free.
 * @module
 */
import { defineDesign, NO_EARLY_RELEASE } from '../../../machines/system/design.ts';
import type { SystemContext } from '../../../machines/system/context.ts';
import { recordUse } from '../../../machines/system/clients.ts';
import { dropRefsThenWait } from '../../../machines/system/ioh.ts';
import type { Layout } from '../../../machines/system/layout.ts';
import { dying, isDying, markDying } from '../dying.ts';

/** A prep on a dying (not yet freed) device returns NULL without touching the channel. */
const prepFails = (ctx: SystemContext, L: Layout, c: number) => c >= 0 && isDying(ctx, L.channels[c].device) && ctx.devices[L.channels[c].device].freed === 0;

/** The mark-dying, prep-returns-NULL design. */
export const failFast = defineDesign({
  name: 'fail-fast',
  title: 'Fail-fast: the device is marked dying, prep returns NULL, clients release on NULL',
  summary:
    'After list_del and rebalance, unregister marks the device dying: every device_prep_dma_* on its channels returns NULL, and a client seeing NULL ' +
    'releases its channel. Unregister then drops the dmaengine_get references, waits until no channel has clients, and frees. The hot path is 3.4’s plain table read.',
  hotPath: 'plain',
  variables: { perDevice: { dying } },
  ejecting: (b) => ({
    afterUnregister: 'marking',
    states: {
      marking: {
        id: b.id('marking'),
        description: 'off the list; preps still succeed',
        on: {
          [b.ev('markDying')]: {
            target: `#${b.id('dropping')}`,
            actions: [{ type: 'markDying', params: b.p }],
            description: 'fail-fast: mark the device dying; device_prep_dma_* returns NULL from now on',
          },
        },
      },
      ...dropRefsThenWait(
        b,
        {
          dropping: 'dying: the dmaengine_get references are still on the public channels',
          putRefs: 'dma_chan_put the public channels of the device to 0',
          waiting: 'wait until every client_count is 0 (slaves release on NULL)',
          free: 'synchronize_rcu() returns: every walk inside rcu_read_lock at its start has left; free the device and its channels',
        },
        { loop: true },
      ),
    },
  }),
  rules: (L) => {
    const rounds = (ctx: SystemContext, t: number) => L.clients[t].busy || ctx.threads[t].rounds < L.clients[t].rounds;
    return {
      actions: { markDying },
      // Every rule here replaces a shared one: prep returning NULL changes use and release.
      overrides: {
        guards: {
          // dma_release_channel also when prep returned NULL on a dying device (the client gives up).
          slaveCanRelease: (ctx, { t }: { t: number }) =>
            L.clients[t].releases && (L.clients[t].busy || !rounds(ctx, t) || prepFails(ctx, L, ctx.threads[t].chan)),
        },
        actions: {
          useChannel: (ctx, { t }: { t: number }) => {
            if (!prepFails(ctx, L, ctx.threads[t].chan)) recordUse(ctx, L, t, ctx.threads[t].chan);
          },
          slaveUse: (ctx, { t }: { t: number }) => {
            if (!prepFails(ctx, L, ctx.threads[t].chan)) recordUse(ctx, L, t, ctx.threads[t].chan);
            if (!L.clients[t].busy) ctx.threads[t].rounds = Math.min(ctx.threads[t].rounds + 1, L.clients[t].rounds);
          },
        },
      },
    };
  },
  claims: [
    'no-use-after-free',
    'client-count-matches-holders',
    'resources-iff-held',
    'table-names-listed-channels',
    'removal-completes',
    'waiting-client-answered',
  ],
  assumptions: [
    { text: 'Every client releases its channel when prep returns NULL.', kinds: ['slave'], flags: { releases: true } },
    {
      text: 'No client is between dma_find_channel and its prep when the device is freed (nothing waits for such a window).',
      flags: {},
      steps: ['find', 'reget'], // a run with no find or re-get has no such window
    },
    NO_EARLY_RELEASE,
  ],
});
