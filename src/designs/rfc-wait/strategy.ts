/**
 * Design `rfc-wait`: the 2012 `CONFIG_DMA_ENGINE_HOTPLUG` RFC (seed patch v2 3/7). The hot
 * path counts per CPU, one statement per step (src/core/hotplug.ts); unregister holds
 * `dma_list_mutex` through the quiesce, unlocks, waits on `dmaengine_wait_queue` until no
 * channel of the device has clients, runs 3.6's channel loop (a step per channel),
 * `synchronize_rcu()`s, and the device is freed. Nobody
 * tells a holder to let go (the RFC's TODO), so a holder that never releases blocks removal
 * forever. {@link rfcWaitStrategyFor} takes the `rfc-base` assumption of the model
 * (src/designs/rfc-wait/model.ts).
 * @module
 */
import type { DesignStrategy } from '../../core/design.ts';
import { dmaChannelQuiesce, rfcFindChannel, rfcFindChannelAtOnce, rfcGetChannel, rfcGetChannelAtOnce, rfcPutChannel } from '../../core/hotplug.ts';
import { dropDmaengineRefs, waitLoopThenFree } from '../../core/removal.ts';
import { at } from '../../core/thread.ts';
import type { RfcBase } from './model.ts';

/** The RFC's strategy under base accounting `base`. */
export function rfcWaitStrategyFor(base: RfcBase): DesignStrategy {
  const unheld = base === 'unheld';
  return {
    name: unheld ? 'rfc-wait-unheld' : 'rfc-wait',
    description: unheld
      ? 'RFC 2012, assuming no dmaengine_get reference on public channels at the wait: quiesce under the mutex, drop the references, wait, free'
      : 'RFC 2012: per-CPU hot-path counts, quiesce under dma_list_mutex, wait for holders, synchronize_rcu, free',
    bind(k) {
      return {
        cpuNotifier: true, // the RFC base's hotcpu_rebalance (3/7 hunk @@ -1011,7 +1103,7 @@)
        putRebalances: true, // the RFC base's dmaengine_put (3/7 hunk @@ -559,7 +640,7 @@)
        findChannel: (cap, cpu) => rfcFindChannelAtOnce(k, cap, cpu),
        getChannel: (chan, cpu) => rfcGetChannelAtOnce(k, chan, cpu),
        findChannelSteps: (client, point) => rfcFindChannel(k, client, point),
        getChannelSteps: (client, chan, point) => rfcGetChannel(k, client, chan, point),
        putChannel: (_chan, cpu) => rfcPutChannel(k, cpu),
        *removeDevice(device) {
          // Still inside the unregister step: dma_channel_rebalance(true) quiesces with the
          // mutex held (hunks @@ -431,6 +505,9 @@ and @@ -767,14 +848,22 @@).
          const owner = `unregister ${device.name}`;
          k.lockListMutex(owner);
          yield* dmaChannelQuiesce(k);
          yield* at('unlock');
          k.dmaChannelRebalance(); // undo the last distribution, redistribute
          k.unlockListMutex(owner);
          if (unheld) {
            // Assumption rfc-base-unheld: the dmaengine_get references leave the channels.
            yield* at('putRefs', () => k.listMutexFree);
            dropDmaengineRefs(k, device);
          }
          yield* waitLoopThenFree(k, device);
        },
      };
    },
  };
}

/** The RFC as 3/7 shows it, on 3.4's channel accounting. */
export const rfcWaitStrategy: DesignStrategy = rfcWaitStrategyFor('kept');
