/**
 * Design `fail-fast` (Dan Williams' suggestion): after `list_del` + rebalance, unregister
 * marks the device dying (`markDying`); every `device_prep_dma_*` on its channels returns
 * NULL and touches nothing, and a slave that sees NULL may release early. Unregister then
 * drops the `dmaengine_get` references (`putRefs`), waits until no channel has clients and
 * frees (`free`). The hot path is 3.4's table read: nothing guards a find → use window
 * that straddles the free. See README.md here.
 * @module
 */
import type { DesignStrategy } from '../../core/design.ts';
import type { DmaChan, DmaDevice } from '../../core/objects.ts';
import { at } from '../../core/thread.ts';
import { dropDmaengineRefs, waitLoopThenFree } from '../../core/removal.ts';

/** Mark dying, prep returns NULL, clients give up on NULL. */
export const failFastStrategy: DesignStrategy = {
  name: 'fail-fast',
  description: 'fail-fast: the device is marked dying, prep returns NULL, clients release on NULL',
  bind(k) {
    const dying = new Set<DmaDevice>();
    /** A prep on a dying, not yet freed device returns NULL. */
    const prepFails = (chan: DmaChan | null) => chan !== null && dying.has(chan.device) && !chan.device.freed;
    return {
      findChannel: (cap, cpu) => k.table[cap][cpu],
      getChannel: (chan) => chan,
      putChannel: () => {},
      *removeDevice(device) {
        yield* at('markDying');
        dying.add(device);
        yield* at('putRefs', () => k.listMutexFree);
        dropDmaengineRefs(k, device);
        yield* waitLoopThenFree(k, device); // 3.6's channel loop after the wait, then synchronize_rcu and the free
      },
      prep: (chan) => !prepFails(chan),
      releaseEarly: (client) => prepFails(client.chan),
    };
  },
};
