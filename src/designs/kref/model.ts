/**
 * Design `kref` (mainline 5.6+, "dmaengine: Add reference counting to dma_device struct"):
 * the device has a kref; a channel's first `dma_chan_get` takes a device reference, its
 * last `dma_chan_put` drops it; unregister drops the registration reference and returns at
 * once; `device_release` frees the memory at the last put.
 * @module
 */
import type { DesignModel } from '../../../machines/system/design.ts';
import type { SystemContext } from '../../../machines/system/context.ts';
import { dmaChanPut } from '../../../machines/system/dmaengine.ts';
import type { Layout } from '../../../machines/system/layout.ts';

/** `device_release` if device `d` is unregistered and no channel holds a device reference. */
function releaseIfUnused(ctx: SystemContext, L: Layout, d: number): void {
  const dev = ctx.devices[d];
  if (dev.listed || dev.freed || L.devices[d].channels.some((c) => ctx.channels[c].clientCount > 0)) return;
  for (const c of L.devices[d].channels) ctx.channels[c].resources = 0;
  dev.freed = 1;
}

/** The deferred-free design of mainline. */
export const kref: DesignModel = {
  name: 'kref',
  title: 'kref: unregister returns at once, the device is freed at the last put',
  summary:
    'A dma_device kref: a channel’s 0→1 dma_chan_get takes a device reference and its →0 dma_chan_put drops it; unregister drops the registration reference ' +
    'and returns; device_release frees the device when the count reaches zero. The references of dmaengine_get users stay on an unregistered device ' +
    '(dmaengine_put skips it), so that memory is never freed: a leak, not a use after free. The hot path is 3.4’s plain table read.',
  hotPath: 'plain',
  unregisterPhases: [{ state: 'unlisted', step: 'putRef', description: 'unregister drops the registration reference and returns' }],
  freeWaitsForHolders: true,
  ejecting: (b) => ({
    afterUnregister: 'unlisted',
    states: {
      unlisted: {
        id: b.id('unlisted'),
        description: 'off the list; unregister is about to drop its reference',
        on: {
          [b.ev('putRef')]: [
            {
              guard: { type: 'moreDevices', params: b.p },
              target: `#${b.id('listed')}`,
              actions: [{ type: 'devicePut', params: b.p }],
              description: 'dma_device_put of the registration reference (device_release if it was the last); the next device is current',
            },
            {
              target: `#${b.id('removed')}`,
              actions: [{ type: 'devicePut', params: b.p }],
              description: 'dma_device_put of the registration reference (device_release if it was the last); the IOH is removed',
            },
          ],
        },
      },
    },
  }),
  rules: (L) => ({
    actions: {
      devicePut: (ctx, { h }: { h: number }) => {
        const d = ctx.iohs[h].cur;
        releaseIfUnused(ctx, L, d);
        const devs = L.iohs[h].devices;
        const i = devs.indexOf(d);
        ctx.iohs[h].cur = i < devs.length - 1 ? devs[i + 1] : -1;
      },
      releaseChannel: (ctx, { t }: { t: number }) => {
        const c = ctx.threads[t].chan;
        const d = L.channels[c].device;
        if (ctx.devices[d].freed) ctx.uaf[t][c] = 1;
        dmaChanPut(ctx, c);
        if (--ctx.devices[d].privatecnt === 0) ctx.devices[d].private = 0;
        ctx.threads[t].chan = -1;
        releaseIfUnused(ctx, L, d); // the last dma_chan_put drops the last device reference
      },
    },
  }),
  claims: ['no-use-after-free', 'client-count-matches-holders', 'table-names-listed-channels', 'removal-completes', 'ref-sum-nonnegative-when-quiescent'],
  assumptions: [
    { text: 'Memory must outlive unregister while any channel has clients; hardware that is gone is the driver’s problem (not modelled).', flags: {} },
    { text: 'A cached channel pointer is only used while its client still holds a reference.', kinds: ['async_tx'], flags: {} },
  ],
};
