/**
 * Design `baseline`: Linux 3.4 with no hot-removal support. `dma_async_device_unregister`
 * takes the device off the list, rebalances, `WARN_ONCE`s if clients still hold channels,
 * and the driver frees them anyway.
 * @module
 */
import { channelLoop, freeStep } from '../../../machines/system/ioh.ts';
import { defineDesign } from '../../../machines/system/design.ts';

/** The 3.4 baseline design. */
export const baseline = defineDesign({
  name: 'baseline',
  title: 'Linux 3.4: unregister warns and frees',
  summary:
    'dma_async_device_unregister removes the device from dma_device_list and rebalances the channel table; ' +
    "its channel loop frees each channel's per-CPU chan->local (which net_dma's copies write) and, if a channel still has clients, only WARN_ONCEs; " +
    'then the driver frees the device and its channels. ' +
    'dma_find_channel is a plain per-CPU table read: nothing tells unregister that a find → put round is in flight.',
  hotPath: 'plain',
  ejecting: (b) => ({
    afterUnregister: 'unlisted',
    states: {
      // 3.6 dma_async_device_unregister goes on after its mutex_unlock (dmaengine.c:841) with
      // the channel loop, whose free_percpu(chan->local) (:851) comes before the driver's free.
      unlisted: channelLoop(b, 'unlisted', 'unregistered', "off dma_device_list; unregister's channel loop frees each channel's chan->local"),
      unregistered: {
        id: b.id('unregistered'),
        description: 'dma_async_device_unregister has returned; the driver is about to free the device',
        on: {
          [b.ev('free')]: freeStep(
            b,
            'nothing',
            "3.4 dma_async_device_unregister WARN_ONCE(chan->client_count) then the driver's remove frees the device and its channels",
          ),
        },
      },
    },
  }),
  rules: () => ({}),
  claims: ['client-count-matches-holders', 'table-names-listed-channels', 'removal-completes', 'ref-sum-nonnegative-when-quiescent'],
  assumptions: [
    {
      text: 'Safe only if no client holds or uses a channel of the device when it is unregistered: 3.4 has no way to ask them.',
      flags: {},
    },
  ],
});
