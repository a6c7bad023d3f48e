/**
 * Design `percpu-ref` (as lib/percpu-refcount.c): `dma_find_channel` / `dma_get_channel`
 * are `percpu_ref_tryget_live` on the channel's device (after the kill they fail: NULL,
 * nothing counted); `dma_put_channel` is `percpu_ref_put` on the CPU the thread runs on,
 * only if a channel was taken. Unregister kills the reference (`kill`), waits a grace period
 * (`gracePeriod`), then in atomic mode waits for the exact sum to be zero (`drained`),
 * drops the `dmaengine_get` references (`putRefs`), waits for private holders and frees
 * (`free`). One percpu_ref per device; the observable `ref` is their per-CPU sum. See README.md.
 * @module
 */
import type { DesignStrategy } from '../../core/design.ts';
import type { DmaChan, DmaDevice } from '../../core/objects.ts';
import type { ClientState } from '../../core/client-state.ts';
import type { WorkerPoint } from '../../core/hotplug.ts';
import { at, type Choice, type Point } from '../../core/thread.ts';
import type { PercpuRefOptions } from './model.ts';
import { dropDmaengineRefs, waitLoopThenFree } from '../../core/removal.ts';
import { violationText } from '../../../spec/vocabulary.ts';

/** Kill, grace period (or not: `percpu-ref-nogp`), atomic-mode wait for zero. */
export function percpuRefStrategyOf({ gracePeriod }: PercpuRefOptions): DesignStrategy {
  return {
    name: gracePeriod ? 'percpu-ref' : 'percpu-ref-nogp',
    description: gracePeriod
      ? 'percpu-ref: tryget_live on the hot path; kill, grace period, atomic-mode wait for zero, then free'
      : 'percpu-ref without the grace period: kill, then the atomic-mode wait at once',
    bind(k) {
      const killed = new Set<DmaDevice>();
      /** Each device's own percpu_ref: per-CPU counts by device instance. `k.ref` is their sum. */
      const refs = new Map<DmaDevice, number[]>();
      const countsOf = (d: DmaDevice) => {
        let r = refs.get(d);
        if (!r) refs.set(d, (r = new Array<number>(k.cpus).fill(0)));
        return r;
      };
      /** Trygets between their mode test (saw the ref live) and their inc, by client. */
      const liveReaders = new Map<ClientState, DmaDevice>();
      const inc = (chan: DmaChan, cpu: number) => {
        countsOf(chan.device)[cpu]++;
        k.ref[cpu]++;
        return chan;
      };
      /** `percpu_ref_tryget_live` on `chan`'s device from `cpu` in one call: counts and returns it unless killed. */
      const tryget = (chan: DmaChan | null, cpu: number) => (!chan || killed.has(chan.device) ? null : inc(chan, cpu));
      /** The same as two steps: the mode test inside rcu_read_lock, then `inc` (this_cpu_inc, rcu_read_unlock). */
      function* trygetSteps(client: ClientState, chan: DmaChan | null, point: WorkerPoint): Generator<Point, DmaChan | null, Choice> {
        const seenLive = chan !== null && !killed.has(chan.device);
        client.chan = seenLive ? chan : null; // seen dead: the tryget will fail
        if (seenLive) liveReaders.set(client, chan.device);
        yield* point('inc');
        liveReaders.delete(client);
        client.chan = seenLive ? inc(chan, client.cpu) : null;
        return client.chan;
      }
      const sum = (d: DmaDevice) => countsOf(d).reduce((a, x) => a + x, 0);
      const readersOf = (d: DmaDevice) => [...liveReaders].filter(([, dev]) => dev === d).map(([c]) => c.name);
      return {
        findChannel: (cap, cpu) => tryget(k.table[cap][cpu], cpu),
        getChannel: (chan, cpu, thread) => {
          // The percpu_ref lives in the device: a tryget on a freed device touches freed memory.
          if (chan.device.freed) k.violations.add(violationText({ kind: 'use-after-free', thread, chan: chan.id }));
          return tryget(chan, cpu);
        },
        findChannelSteps: (client, point) => {
          client.worker = 'fetched';
          return trygetSteps(client, k.table[client.row][client.cpu], point);
        },
        getChannelSteps: (client, chan, point) => {
          if (chan.device.freed) k.violations.add(violationText({ kind: 'use-after-free', thread: client.name, chan: chan.id }));
          client.worker = 'regetting';
          return trygetSteps(client, chan, point);
        },
        putChannel: (chan, cpu) => {
          if (!chan) return;
          countsOf(chan.device)[cpu]--; // percpu_ref_put on the device it got
          k.ref[cpu]--;
        },
        *removeDevice(device) {
          yield* at('kill');
          killed.add(device);
          // call_rcu: the readers that saw the ref live finish before the counts fold.
          if (gracePeriod)
            yield* at(
              'gracePeriod',
              () => readersOf(device).length === 0,
              () => `RCU grace period: ${readersOf(device).join(', ')} inside percpu_ref_tryget_live`,
            );
          else yield* at('gracePeriod');
          yield* at(
            'drained',
            () => sum(device) === 0,
            () => `${device.name}'s percpu_ref in atomic mode at ${sum(device)}, waiting for 0`,
          );
          yield* at('putRefs', () => k.listMutexFree);
          dropDmaengineRefs(k, device);
          yield* waitLoopThenFree(k, device); // 3.6's channel loop after the wait, then synchronize_rcu and the free
        },
      };
    },
  };
}

/** percpu-ref as lib/percpu-refcount.c has it. */
export const percpuRefStrategy: DesignStrategy = percpuRefStrategyOf({ gracePeriod: true });
