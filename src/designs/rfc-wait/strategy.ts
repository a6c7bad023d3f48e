/**
 * Design `rfc-wait`: the 2012 `CONFIG_DMA_ENGINE_HOTPLUG` RFC. The hot path counts per CPU
 * (src/core/hotplug.ts); unregister quiesces the hot path, drops the references
 * `balance_ref_count` took for `dmaengine_get` users, then waits on
 * `dma_device_wait_queue` until no channel of the device has clients, and frees it.
 * Nobody tells a holder to let go (the RFC's TODO), so a holder that never releases
 * blocks removal forever.
 * @module
 */
import type { DesignStrategy } from '../../core/design.ts';
import { dmaChannelQuiesce, rfcFindChannel, rfcGetChannel, rfcPutChannel } from '../../core/hotplug.ts';
import { dropDmaengineRefs, heldChannels } from '../../core/removal.ts';
import { at } from '../../core/thread.ts';

/** The RFC: per-CPU hot-path counts, quiesce, drop `dmaengine_get` references, wait, free. */
export const rfcWaitStrategy: DesignStrategy = {
  name: 'rfc-wait',
  description: 'RFC 2012: per-CPU hot-path counts, quiesce, drop dmaengine_get references, wait for holders, free',
  bind(k) {
    return {
      findChannel: (cap, cpu) => rfcFindChannel(k, cap, cpu),
      getChannel: (chan, cpu) => rfcGetChannel(k, chan, cpu),
      putChannel: (_chan, cpu) => rfcPutChannel(k, cpu),
      *removeDevice(device) {
        yield* dmaChannelQuiesce(k);
        yield* at('putRefs');
        // Every reference on a public channel was taken for dmaengine_get users; the device
        // is off the list, so their later dmaengine_put would no longer reach it.
        dropDmaengineRefs(k, device);
        yield* at(
          'free',
          () => heldChannels(device).length === 0,
          () => `dma_device_wait_queue: ${heldChannels(device).join(', ')} never drops to 0`,
        );
        k.freeDevice(device);
      },
    };
  },
};
