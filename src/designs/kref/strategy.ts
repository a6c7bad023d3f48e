/**
 * Designs `kref` and `kref-fixed` on src/core: the `struct dma_device` kref of mainline
 * 8ad342a86359, as one strategy builder with the two variants of src/designs/kref/model.ts.
 * `kref_init` = 1 at register; a channel's 0→1 `dma_chan_get` takes a device reference
 * ({@link DesignHooks.afterFirstChanGet}); `dma_chan_put` drops one on every put (as
 * shipped) or on →0 only (fixed), then `module_put(dma_chan_to_owner(chan))` reads the
 * device: freed memory if that put released it (as shipped); unregister drops the
 * registration reference (step `putRef`) and returns; at 0 `dma_device_release` →
 * `device_release` frees the device. See README.md here and in src/designs/kref-fixed/.
 * @module
 */
import type { DesignHooks, DesignStrategy } from '../../core/design.ts';
import type { DmaEngine } from '../../core/dmaengine.ts';
import type { DmaChan, DmaDevice } from '../../core/objects.ts';
import { at, type ThreadProgram } from '../../core/thread.ts';
import type { KrefVariant } from './model.ts';
import { violationText } from '../../../spec/vocabulary.ts';

/** `dma_device_release`: list_del_rcu (M2), dma_channel_rebalance (M3), device_release frees it all. */
function dmaDeviceRelease(k: DmaEngine, d: DmaDevice): void {
  k.listDelRcu(d);
  d.listed = false;
  k.dmaChannelRebalance();
  for (const chan of d.channels) chan.resources = false;
  d.freed = true;
}

/**
 * 5.10.7 dmaengine.c:473-477: `balance_ref_count`, then `out: chan->client_count++`. Its
 * `balance_ref_count` starts from 0 and takes a module reference per count (:418), so the
 * module count stays one per `client_count`.
 */
function secondIncrement(chan: DmaChan): void {
  chan.clientCount++;
  chan.device.owner.refs++;
}

/**
 * `dma_async_device_unregister`'s channel loop on engine `k`: how many of each device's
 * channels `__dma_async_device_channel_unregister` has run on, in `device->channels` order.
 */
function channelLoop(k: DmaEngine, listDel: boolean, useAfterFree: (chan: DmaChan) => void) {
  const unregistered = new Map<DmaDevice, number>();
  const done = (d: DmaDevice) => unregistered.get(d) ?? 0;
  /**
   * One `__dma_async_device_channel_unregister` (7.0 :1137-1153, 5.10.7 :1106-1122):
   * `device->chancnt--` (7.0 :1147, 5.10.7 :1114), and on 5.10.7 `list_del(&chan->device_node)`
   * (:1113); the device stays listed (M2); what it frees is not observed (A5). On a device the
   * clients' puts already released it reads freed memory (A4): the channel's struct and
   * chancnt (7.0 :1140-1147, 5.10.7 :1110-1114), a use after free of that channel by the IOH;
   * 5.10.7's `list_del` also writes the next channel's `device_node.prev` (:1113).
   */
  const unregisterNext = (device: DmaDevice) => {
    const i = done(device);
    if (device.freed) for (const chan of device.channels.slice(i, listDel ? i + 2 : i + 1)) useAfterFree(chan);
    unregistered.set(device, i + 1);
  };
  /** The loop's further iterations (the first is the `unregister` step), each taking dma_list_mutex (7.0 :1146, 5.10.7 :1112). */
  function* rest(device: DmaDevice): ThreadProgram {
    while (done(device) < device.channels.length) {
      yield* at(
        'chanUnregister',
        () => k.listMutexFree,
        () => `mutex_lock(&dma_list_mutex) in __dma_async_device_channel_unregister (held by ${k.listMutexOwner})`,
      );
      unregisterNext(device);
    }
  }
  return { done, unregisterNext, rest };
}

/** The strategy of kref variant `v`. */
export function krefStrategyOf(v: KrefVariant): DesignStrategy {
  return {
    name: v.name,
    description: v.fixed
      ? 'mainline kref, fixed: the device reference is dropped at a channel’s last dma_chan_put; device_release frees at 0'
      : v.doubleIncrement
        ? 'mainline kref as 5.10.7 ships it: a public channel’s first dma_chan_get counts twice; every dma_chan_put drops a device reference; device_release frees at 0'
        : 'mainline kref as 7.0 ships it: every dma_chan_put drops a device reference; device_release frees at 0',
    bind(k): DesignHooks {
      /** `device->ref`, by device instance (a hot-added device is a new instance: `kref_init`). */
      const refs = new Map<DmaDevice, number>();
      const kref = (d: DmaDevice) => refs.get(d) ?? 1;
      const useAfterFree = (chan: DmaChan) => k.violations.add(violationText({ kind: 'use-after-free', thread: k.current, chan: chan.id }));
      /** `dma_device_put`; returns whether it released. At 0: refcount_t's underflow WARN, no second release. */
      const dmaDevicePut = (d: DmaDevice): boolean => {
        const n = kref(d);
        if (n === 0) {
          k.warnings.push(`WARN refcount_t: underflow; use-after-free (${d.name}.ref)`);
          return false;
        }
        refs.set(d, n - 1);
        if (n > 1) return false;
        dmaDeviceRelease(k, d);
        return true;
      };
      const loop = channelLoop(k, v.unregisterListDel, useAfterFree);
      return {
        deviceKref: kref,
        findChannel: (cap, cpu) => k.table[cap][cpu],
        getChannel: (chan) => chan,
        putChannel: () => {},
        // The channel loop's first iteration (the rest are removeDevice's chanUnregister steps).
        unregisterDevice: loop.unregisterNext,
        // 5.10.7 takes each channel off device->channels in its own iteration (:1113); 7.0 keeps them.
        listedChannels: (device) => (v.unregisterListDel ? device.channels.slice(loop.done(device)) : device.channels),
        chancnt: (device) => device.channels.length - loop.done(device),
        *removeDevice(device) {
          yield* loop.rest(device);
          // The dma_list_mutex section, one step (M5): DMA_PRIVATE, rebalance, dma_device_put.
          yield* at(
            'putRef',
            () => k.listMutexFree,
            () => `mutex_lock(&dma_list_mutex) in dma_async_device_unregister (held by ${k.listMutexOwner})`,
          );
          // dma_cap_set(DMA_PRIVATE, device->cap_mask) writes a device released before (7.0 :1313, 5.10.7 :1325).
          if (device.freed) for (const chan of device.channels) useAfterFree(chan);
          device.private = true;
          k.dmaChannelRebalance();
          dmaDevicePut(device);
        },
        afterFirstChanGet(chan) {
          if (chan.device.freed)
            useAfterFree(chan); // kref_get_unless_zero reads the freed device
          else refs.set(chan.device, kref(chan.device) + 1);
          if (v.doubleIncrement && !chan.device.private) secondIncrement(chan);
        },
        afterChanPut(chan) {
          if (chan.device.freed) return void useAfterFree(chan); // the put read a freed channel
          if (v.fixed) {
            if (chan.clientCount === 0) dmaDevicePut(chan.device); // Garg-1; the owner was read before (Garg-2)
          } else if (dmaDevicePut(chan.device)) useAfterFree(chan); // module_put(dma_chan_to_owner(chan)) after the free
        },
      };
    },
  };
}

/** Mainline's kref design as 7.0 ships it. */
export const krefStrategy: DesignStrategy = krefStrategyOf({ name: 'kref', fixed: false, doubleIncrement: false, unregisterListDel: false });
