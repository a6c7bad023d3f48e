/**
 * Removal steps several designs share (the RFC's putRefs and wait condition).
 * @module
 */
import type { DmaEngine } from './dmaengine.ts';
import type { DmaDevice } from './objects.ts';

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
