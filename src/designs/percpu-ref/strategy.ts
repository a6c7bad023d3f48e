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
import { at } from '../../core/thread.ts';
import { dropDmaengineRefs, waitThenFree } from '../../core/removal.ts';

/** Kill, grace period, atomic-mode wait for zero. */
export const percpuRefStrategy: DesignStrategy = {
  name: 'percpu-ref',
  description: 'percpu-ref: tryget_live on the hot path; kill, grace period, atomic-mode wait for zero, then free',
  bind(k) {
    const killed = new Set<DmaDevice>();
    /** Each device's own percpu_ref: per-CPU counts by device instance. `k.ref` is their sum. */
    const refs = new Map<DmaDevice, number[]>();
    const countsOf = (d: DmaDevice) => {
      let r = refs.get(d);
      if (!r) refs.set(d, (r = new Array<number>(k.cpus).fill(0)));
      return r;
    };
    /** `percpu_ref_tryget_live` on `chan`'s device from `cpu`: counts and returns it unless killed. */
    const tryget = (chan: DmaChan | null, cpu: number) => {
      if (!chan || killed.has(chan.device)) return null;
      countsOf(chan.device)[cpu]++;
      k.ref[cpu]++;
      return chan;
    };
    const sum = (d: DmaDevice) => countsOf(d).reduce((a, x) => a + x, 0);
    return {
      findChannel: (cap, cpu) => tryget(k.table[cap][cpu], cpu),
      getChannel: (chan, cpu, thread) => {
        // The percpu_ref lives in the device: a tryget on a freed device touches freed memory.
        if (chan.device.freed) k.violations.add(`use-after-free:${thread}:${chan.id}`);
        return tryget(chan, cpu);
      },
      putChannel: (chan, cpu) => {
        if (!chan) return;
        countsOf(chan.device)[cpu]--; // percpu_ref_put on the device it got
        k.ref[cpu]--;
      },
      *removeDevice(device) {
        yield* at('kill');
        killed.add(device);
        yield* at('gracePeriod'); // call_rcu: every CPU sees the kill; the counts fold into one atomic
        yield* at('drained', () => sum(device) === 0, () => `${device.name}'s percpu_ref in atomic mode at ${sum(device)}, waiting for 0`);
        yield* at('putRefs', () => k.listMutexFree);
        dropDmaengineRefs(k, device);
        yield* waitThenFree(k, device);
      },
    };
  },
};
