/**
 * The RFC's hot path and quiesce (`CONFIG_DMA_ENGINE_HOTPLUG`, 2012): a per-CPU
 * `dmaengine_chan_ref_count` that `dma_find_channel`/`dma_get_channel` raise and
 * `dma_put_channel` lowers, a static key `dmaengine_quiesce` that makes find return NULL,
 * and `dma_channel_quiesce`, which waits for the per-CPU sum to read zero on enough
 * consecutive rounds. Used by designs that keep the RFC's hot path.
 * @module
 */
import type { ClientState } from './client-state.ts';
import { netDmaFinds, type TableRow } from '../table-rows.ts';
import { violationText } from '../../spec/vocabulary.ts';
import type { DmaEngine } from './dmaengine.ts';
import type { DmaChan } from './objects.ts';
import { at, type Point, type Choice } from './thread.ts';

/**
 * RFC `dma_find_channel(cap)` on `cpu` as one call (the statements of {@link rfcFindChannel}
 * without preemption between them): for callers outside a thread program, such as the
 * quiesce machine's environment and unit tests.
 */
export function rfcFindChannelAtOnce(k: DmaEngine, cap: TableRow, cpu: number): DmaChan | null {
  const chan = k.table[cap][cpu];
  k.ref[cpu]++;
  return k.key ? null : chan;
}

/** RFC `dma_get_channel(chan)` on `cpu` as one call (see {@link rfcFindChannelAtOnce}). */
export function rfcGetChannelAtOnce(k: DmaEngine, chan: DmaChan, cpu: number): DmaChan {
  if (k.key) k.dirty++;
  k.ref[cpu]++;
  return chan;
}

/**
 * A preemption point of a client's worker inside a hot-path function: waits for `step`
 * (the client's control context may act meanwhile; see src/clients/net-dma.ts).
 */
export type WorkerPoint = (step: string) => Generator<Point, void, Choice>;

/**
 * RFC `dma_find_channel(cap)` (seed 3/7, hunk @@ -305,10 +313,40 @@), one step per
 * statement, nothing disabling preemption between them: `this_cpu_read(channel_table)` (in
 * the caller's `find` step), `this_cpu_inc(dmaengine_chan_ref_count)` (`inc`, on the CPU the
 * thread runs on then), `if (static_key_false(&dmaengine_quiesce)) chan = NULL` (`test`).
 * Pair with a put even after NULL. `client.chan` follows the local `chan`.
 *
 * net_dma's caller is `net_dma_find_channel` (hunk `@@ -316,10 +354,15 @@`, src/table-rows.ts
 * `netDmaFinds`), whose rest runs in the same `test` step: `is_dma_copy_aligned(chan->device,
 * …)` reads the channel's device (a freed one is a use after free here, before any use), and
 * for NULL it does `this_cpu_dec` itself, so its caller must not put (dmaengine.h rule 2).
 */
export function* rfcFindChannel(k: DmaEngine, client: ClientState, point: WorkerPoint): Generator<Point, DmaChan | null, Choice> {
  client.chan = k.table[client.row][client.cpu];
  client.worker = 'fetched';
  yield* point('inc');
  k.ref[client.cpu]++;
  client.worker = 'counted';
  yield* point('test');
  if (k.key) client.chan = null;
  if (netDmaFinds(client.spec)) {
    if (!client.chan) k.ref[client.cpu]--;
    else if (client.chan.device.freed) k.violations.add(violationText({ kind: 'use-after-free', thread: client.name, chan: client.chan.id }));
  }
  return client.chan;
}

/**
 * RFC `dma_get_channel(chan)`: `static_key_false(&dmaengine_quiesce)` (in the caller's
 * `reget` step), `atomic_inc(&dmaengine_dirty)` if the key was on (`dirty`),
 * `this_cpu_inc(dmaengine_chan_ref_count)` (`inc`).
 */
export function* rfcGetChannel(k: DmaEngine, client: ClientState, chan: DmaChan, point: WorkerPoint): Generator<Point, DmaChan, Choice> {
  const keyOn = k.key;
  client.chan = chan;
  client.worker = 'regetting';
  if (keyOn) {
    yield* point('dirty');
    k.dirty++;
    client.worker = 'dirtied';
  }
  yield* point('inc');
  k.ref[client.cpu]++;
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
  // static_key_slow_inc/dec patch code: jump_label_update → arch_jump_label_transform →
  // get_online_cpus(), which blocks while a CPU hotplug holds cpu_hotplug.lock; then
  // text_poke_smp → stop_machine, which waits for every preempt-disabled section to end.
  const hotplugFree = () => !k.hotplugLocked && !k.preemptOffAnywhere();
  const waitingHotplug = () =>
    k.hotplugLocked
      ? 'get_online_cpus() in static_key_slow_inc/dec: a CPU hotplug holds cpu_hotplug.lock'
      : 'stop_machine in static_key_slow_inc/dec: a thread runs with preemption off (get_cpu)';
  yield* at('keyOn', hotplugFree, waitingHotplug);
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
  yield* at('keyOff', hotplugFree, waitingHotplug);
  k.key = false;
  k.quiesce = null;
}
