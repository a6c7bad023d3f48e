/**
 * The RFC's hot path and quiesce (`CONFIG_DMA_ENGINE_HOTPLUG`, 2012): a per-CPU
 * `dmaengine_chan_ref_count` that `dma_find_channel`/`dma_get_channel` raise and
 * `dma_put_channel` lowers, a static key `dmaengine_quiesce` that makes find return NULL,
 * and `dma_channel_quiesce`, which waits for the per-CPU sum to read zero on enough
 * consecutive rounds. Used by designs that keep the RFC's hot path.
 * @module
 */
import type { Capability } from '../scenario.ts';
import type { DmaEngine } from './dmaengine.ts';
import type { DmaChan } from './objects.ts';
import { at, type Point, type Choice } from './thread.ts';

/** RFC `dma_find_channel(cap)`: `this_cpu_inc(ref)`; NULL while the key is on. Pair with a put even then. */
export function rfcFindChannel(k: DmaEngine, cap: Capability, cpu: number): DmaChan | null {
  k.ref[cpu]++;
  return k.key ? null : k.table[cap][cpu];
}

/** RFC `dma_get_channel(chan)`: mark dirty if a quiesce runs; `this_cpu_inc(ref)`. */
export function rfcGetChannel(k: DmaEngine, chan: DmaChan, cpu: number): DmaChan {
  if (k.key) k.dirty++;
  k.ref[cpu]++;
  return chan;
}

/** RFC `dma_put_channel`: `this_cpu_dec(ref)` on the CPU the caller runs on now. */
export function rfcPutChannel(k: DmaEngine, cpu: number): void {
  k.ref[cpu]--;
}

/**
 * RFC `dma_channel_quiesce` as IOH-thread steps: `keyOn`, then rounds of `clearDirty`,
 * `tick` and one `read` per possible CPU (online or not), until `k.quiesceThreshold`
 * consecutive rounds summed zero; then `keyOff`. The sum is read one CPU at a time, so
 * references moving between CPUs during a round can make it read zero while one is held:
 * that is the false-zero flaw the model exposes.
 */
export function* dmaChannelQuiesce(k: DmaEngine): Generator<Point, void, Choice> {
  yield* at('keyOn');
  k.key = true;
  // The quiescer's locals, kept on the kernel so that logs can show them (not observable).
  const q = (k.quiesce = { count: 0, sum: 0, next: 0 });
  for (;;) {
    yield* at('clearDirty');
    k.dirty = 0;
    q.sum = 0;
    q.next = 0;
    yield* at('tick');
    if (k.dirty) {
      q.count = 0;
      continue;
    }
    while (q.next < k.cpus) {
      yield* at('read');
      q.sum += k.ref[q.next++];
    }
    q.count = q.sum === 0 ? q.count + 1 : 0;
    if (q.count === k.quiesceThreshold) break;
  }
  yield* at('keyOff');
  k.key = false;
  k.quiesce = null;
}
