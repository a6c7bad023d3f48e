/**
 * The hot-path kernels: each scheme's `dma_find_channel` → `dma_put_channel` pair, written
 * against the shared memory of layout.ts. `find` returns the channel (0 for NULL); `put`
 * drops what `find` took. `cpu` is the CPU the caller runs on (a worker's index).
 *
 * Per-CPU operations (`this_cpu_inc` / `this_cpu_dec`) are plain loads and stores on the
 * CPU's own slot: in the kernel they are a single non-atomic instruction on CPU-local
 * memory (`incl %gs:...` on x86), so Atomics here would overstate them. Shared refcounts use
 * Atomics.add / Atomics.sub, the JavaScript analogue of `atomic_inc` / `atomic_dec` (V8's are
 * sequentially consistent, a locked RMW on x86, like the kernel's).
 *
 * Each scheme has its own explicit loop (not a shared higher-order loop) so that V8 sees
 * one monomorphic `find` and `put` per loop and inlines them: a loop iteration is one pair.
 * @module
 */
import * as layout from './layout.ts';

// Module-local copies of the layout: V8 folds a module's own `const` numbers into the loop,
// but reloads an imported binding or an object property on every iteration.
const KEY = layout.KEY;
const PCPU_MODE = layout.PCPU_MODE;
const SHARED_COUNT = layout.SHARED_COUNT;
const PCPU_ATOMIC_COUNT = layout.PCPU_ATOMIC_COUNT;
const FALSE_SHARED_REFS = layout.FALSE_SHARED_REFS;
const AREA = layout.PER_CPU_AREA;
const TABLE = layout.PER_CPU_BASE + layout.PER_CPU.table;
const RFC_REF = layout.PER_CPU_BASE + layout.PER_CPU.rfcRef;
const PCPU_REF = layout.PER_CPU_BASE + layout.PER_CPU.pcpuRef;

/** One scheme's find/put pair and its measuring loop. */
export interface HotPath {
  /** The `dma_find_channel` side: take the reference (if the scheme has one), read the table. */
  find(m: Int32Array, cpu: number): number;
  /** The `dma_put_channel` side: drop the reference (possibly on another CPU than the find). */
  put(m: Int32Array, cpu: number): void;
  /** `pairs` find→put pairs on `cpu`; returns the int32 (wrapping) sum of the channels found, which keeps the loads live. */
  loop(m: Int32Array, cpu: number, pairs: number): number;
}

/** `this_cpu_read(channel_table[tx_type]->chan)`: the 3.4 `dma_find_channel` body. */
const tableRead = (m: Int32Array, cpu: number): number => m[TABLE + cpu * AREA];

/** Linux 3.4: `dma_find_channel` is a per-CPU table read; there is no `dma_put_channel`. */
export const baseline: HotPath = {
  find: tableRead,
  put() {},
  loop(m, cpu, pairs) {
    let sink = 0;
    for (let i = 0; i < pairs; i++) {
      sink = (sink + baseline.find(m, cpu)) | 0;
      baseline.put(m, cpu);
    }
    return sink;
  },
};

/**
 * The 2012 RFC: `dma_find_channel` does `this_cpu_inc(dmaengine_chan_ref_count)`, then
 * returns NULL while the static key `dmaengine_quiesce` is on, else the table entry;
 * `dma_put_channel` does `this_cpu_dec`. The static key is a patched jump in the kernel
 * (no load at all); here it is a plain load of a read-only flag.
 */
export const rfc: HotPath = {
  find(m, cpu) {
    m[RFC_REF + cpu * AREA]++;
    return m[KEY] !== 0 ? 0 : tableRead(m, cpu);
  },
  put(m, cpu) {
    m[RFC_REF + cpu * AREA]--;
  },
  loop(m, cpu, pairs) {
    let sink = 0;
    for (let i = 0; i < pairs; i++) {
      sink = (sink + rfc.find(m, cpu)) | 0;
      rfc.put(m, cpu);
    }
    return sink;
  },
};

/** The reviewer's alternative: one atomic refcount, `atomic_inc` on find and `atomic_dec` on put. */
export const sharedAtomic: HotPath = {
  find(m, cpu) {
    Atomics.add(m, SHARED_COUNT, 1);
    return tableRead(m, cpu);
  },
  put(m) {
    Atomics.sub(m, SHARED_COUNT, 1);
  },
  loop(m, cpu, pairs) {
    let sink = 0;
    for (let i = 0; i < pairs; i++) {
      sink = (sink + sharedAtomic.find(m, cpu)) | 0;
      sharedAtomic.put(m, cpu);
    }
    return sink;
  },
};

/**
 * `lib/percpu-refcount.c`: `percpu_ref_get` / `percpu_ref_put` test the mode bit of
 * `percpu_count_ptr` (`__ref_is_percpu`), then `this_cpu_inc` / `this_cpu_dec` in per-CPU
 * mode, or `atomic_long_inc` / `atomic_long_dec_and_test` on the shared count once
 * `percpu_ref_kill` has switched the ref to atomic mode. (`rcu_read_lock` is a preempt
 * count bump, CPU-local, and is not modelled.) The mode is set before a run, not during it:
 * folding the per-CPU counts into the atomic needs an RCU grace period this harness lacks.
 */
export const percpuRef: HotPath = {
  find(m, cpu) {
    if (m[PCPU_MODE] === 0) m[PCPU_REF + cpu * AREA]++;
    else Atomics.add(m, PCPU_ATOMIC_COUNT, 1);
    return tableRead(m, cpu);
  },
  put(m, cpu) {
    if (m[PCPU_MODE] === 0) m[PCPU_REF + cpu * AREA]--;
    else Atomics.sub(m, PCPU_ATOMIC_COUNT, 1);
  },
  loop(m, cpu, pairs) {
    let sink = 0;
    for (let i = 0; i < pairs; i++) {
      sink = (sink + percpuRef.find(m, cpu)) | 0;
      percpuRef.put(m, cpu);
    }
    return sink;
  },
};

/**
 * The RFC's code with its per-CPU counters packed into one cache line (stride 1), as a
 * plain `int counts[NR_CPUS]` would be: still no atomics and no lost updates (each CPU
 * writes only its own int), but every CPU's write invalidates the line in every other CPU.
 */
export const falseSharing: HotPath = {
  find(m, cpu) {
    m[FALSE_SHARED_REFS + cpu]++;
    return m[KEY] !== 0 ? 0 : tableRead(m, cpu);
  },
  put(m, cpu) {
    m[FALSE_SHARED_REFS + cpu]--;
  },
  loop(m, cpu, pairs) {
    let sink = 0;
    for (let i = 0; i < pairs; i++) {
      sink = (sink + falseSharing.find(m, cpu)) | 0;
      falseSharing.put(m, cpu);
    }
    return sink;
  },
};
