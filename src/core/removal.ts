/**
 * Removal steps several designs share (the RFC's putRefs and wait condition).
 * @module
 */
import type { DmaEngine } from './dmaengine.ts';
import type { DmaDevice } from './objects.ts';
import { at, type ThreadProgram } from './thread.ts';

/**
 * The `putRefs` step: drop the references `balance_ref_count` took on `device`'s public
 * channels for `dmaengine_get` users (their `dmaengine_put` no longer reaches an unlisted
 * device): `dma_chan_put` each channel down to 0.
 */
export function dropDmaengineRefs(k: DmaEngine, device: DmaDevice): void {
  if (device.private) return;
  for (const chan of device.channels) while (chan.clientCount) k.dmaChanPut(chan);
}

/** `<chan> clientCount <n>` for each channel of `device` that still has clients (the wait's condition). */
export function heldChannels(device: DmaDevice): string[] {
  return device.channels.filter((c) => c.clientCount > 0).map((c) => `${c.id} clientCount ${c.clientCount}`);
}

/**
 * Unregister's wait for the device's holders (the RFC's `wait_event(dmaengine_wait_queue,
 * chan->client_count == 0)`), then its `synchronize_rcu()` (hunk @@ -788,6 +877,9 @@), as the
 * model steps it (machines/system/ioh.ts `rcuSyncThenFree`): `synchronizeRcu`, enabled once
 * no channel has clients, begins the grace period (the walks open now are its readers); `free`,
 * enabled once each of them has left `rcu_read_lock`, frees. A walk that begins after the
 * grace period began is not waited for. `holders: false` waits for the grace period alone.
 */
export function* waitThenFree(k: DmaEngine, device: DmaDevice, holders = true): ThreadProgram {
  const held = () => (holders ? heldChannels(device) : []);
  yield* at(
    'synchronizeRcu',
    () => held().length === 0,
    () => `dmaengine_wait_queue: ${held().join(', ')} never drops to 0`,
  );
  const gp = k.synchronizeRcuBegin();
  yield* at(
    'free',
    () => k.graceReaders(gp).length === 0,
    () => `synchronize_rcu: ${k.graceReaders(gp).join(', ')} inside dma_issue_pending_all since before its grace period began`,
  );
  k.synchronizeRcuEnd(gp);
  k.freeDevice(device);
}

/**
 * 3.6's unregister after a design's own wait, as the model steps it (machines/system/ioh.ts
 * `waitLoopSync`): with `holders`, the RFC's `wait_event(dmaengine_wait_queue,
 * chan->client_count == 0)` per channel, whose end is the first `chanUnregister`; the channel
 * loop (3.6 `dmaengine.c:843-852`), a `chanUnregister` per channel, each taking
 * `dma_list_mutex`; then `synchronizeRcu` and `free`: `synchronize_rcu()` (hunk
 * @@ -788,6 +877,9 @@) and, after its grace period, the driver's free ({@link waitThenFree}).
 */
export function* waitLoopThenFree(k: DmaEngine, device: DmaDevice, holders = true): ThreadProgram {
  const held = () => (holders ? heldChannels(device) : []);
  for (const [i, chan] of device.channels.entries()) {
    const waiting = () => (i === 0 ? held() : []);
    yield* at(
      'chanUnregister',
      () => waiting().length === 0 && k.listMutexFree,
      () =>
        waiting().length > 0
          ? `dmaengine_wait_queue: ${waiting().join(', ')} never drops to 0`
          : `mutex_lock(&dma_list_mutex) in dma_async_device_unregister (held by ${k.listMutexOwner})`,
    );
    k.unregisterChannel(chan);
  }
  yield* waitThenFree(k, device, false);
}
