/**
 * Design `kref` (mainline 5.6+, "dmaengine: Add reference counting to dma_device struct"):
 * a channel's 0→1 `dma_chan_get` takes a device reference and its →0 `dma_chan_put` drops
 * it; unregister drops the registration reference (step `putRef`) and returns at once;
 * `device_release` frees the device when no reference is left. References of
 * `dmaengine_get` users stay on an unregistered device (`dmaengine_put` no longer reaches
 * it), so such a device is never freed: a leak, not a use after free. See README.md here.
 * @module
 */
import type { DesignStrategy } from '../../core/design.ts';
import type { DmaDevice } from '../../core/objects.ts';
import { at } from '../../core/thread.ts';

/** Deferred free: unregister returns at once, memory goes at the last put. */
export const krefStrategy: DesignStrategy = {
  name: 'kref',
  description: 'mainline kref: unregister returns at once; device_release frees the device at the last dma_chan_put',
  bind(k) {
    /** `device_release` once the device is off the list and no channel holds a device reference. */
    const releaseIfUnused = (device: DmaDevice) => {
      if (!device.listed && !device.freed && device.channels.every((c) => c.clientCount === 0)) k.freeDevice(device);
    };
    return {
      findChannel: (cap, cpu) => k.table[cap][cpu],
      getChannel: (chan) => chan,
      putChannel: () => {},
      *removeDevice(device) {
        yield* at('putRef'); // dma_device_put of the registration reference
        releaseIfUnused(device);
      },
      afterChanPut: (chan) => releaseIfUnused(chan.device),
    };
  },
};
