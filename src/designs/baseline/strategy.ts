/**
 * Design `baseline`: Linux 3.4 without hotplug support. `dma_find_channel` is a plain
 * `channel_table` read with no reference taken; `dma_async_device_unregister` takes the
 * device off the list, rebalances, `WARN_ONCE`s if clients still hold channels and frees
 * them anyway — a holder then uses freed memory.
 * @module
 */
import type { DesignStrategy } from '../../core/design.ts';
import { at } from '../../core/thread.ts';

/** The 3.4 kernel: no hot-path references, removal frees at once. */
export const baselineStrategy: DesignStrategy = {
  name: 'baseline',
  description: 'Linux 3.4: no hot-path references; unregister frees channels even while clients hold them',
  bind(k) {
    return {
      findChannel: (cap, cpu) => k.table[cap][cpu],
      getChannel: (chan) => chan,
      putChannel: () => {},
      *removeDevice(device) {
        // 3.6 dma_async_device_unregister's channel loop (dmaengine.c:843-852), a step per
        // channel (each takes dma_list_mutex), then the driver's free.
        for (const chan of device.channels) {
          yield* at(
            'chanUnregister',
            () => k.listMutexFree,
            () => `mutex_lock(&dma_list_mutex) in dma_async_device_unregister (held by ${k.listMutexOwner})`,
          );
          k.unregisterChannel(chan);
        }
        yield* at('free');
        k.freeDevice(device);
      },
    };
  },
};
