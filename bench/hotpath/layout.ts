/**
 * The shared memory every hot-path worker runs on: one SharedArrayBuffer viewed as an
 * Int32Array (the kernel variables and the control words) and a Float64Array (per-worker
 * results). Each worker plays one CPU: worker `i` is "CPU i".
 *
 * Every variable a worker writes in its loop sits on its own 64-byte cache line (an Int32Array
 * index stride of {@link LINE}), so that the only cache lines two workers both write are the
 * ones a scheme shares on purpose: the atomic counter of `shared-atomic` and `percpu-ref`
 * (atomic mode), and the packed counters of `false-sharing`.
 * @module
 */

/** Int32 slots per 64-byte cache line. */
export const LINE = 16;

/** Most workers a run may have (the false-sharing counters of 64 CPUs fill four lines). */
export const MAX_WORKERS = 64;

/** Control words (written by the main thread between runs, never inside a measured loop). */
export const CONTROL = {
  /** Bumped by the main thread to start a run; workers `Atomics.wait` on it. */
  generation: 0,
  /** Which scheme (index into SCHEMES) the next run measures, or {@link EXIT_SCHEME}. */
  scheme: 1,
  /** Workers that reached the start barrier of the current run. */
  arrived: 2,
  /** Workers that finished the current run and wrote their results. */
  done: 3,
  /** The number of workers (the barrier's width). */
  workers: 4,
} as const;

/** The scheme value that tells a worker to exit. */
export const EXIT_SCHEME = -1;

/** Line of the stop flag: read by every worker between batches, written once per run by the main thread. */
export const STOP = 1 * LINE;
/** RFC static key `dmaengine_quiesce` (0 = off): read-only during a run. */
export const KEY = 2 * LINE;
/** percpu_ref mode, the `__PERCPU_REF_ATOMIC` bit of `percpu_count_ptr` (0 = per-CPU mode). */
export const PCPU_MODE = 3 * LINE;
/** The one counter `shared-atomic` updates with Atomics.add / Atomics.sub. */
export const SHARED_COUNT = 4 * LINE;
/** `percpu_ref->data->count`: the atomic counter of a percpu_ref in atomic mode. */
export const PCPU_ATOMIC_COUNT = 5 * LINE;
/** Packed per-CPU counters of `false-sharing`: CPU `c` at `FALSE_SHARED_REFS + c` (stride 1). */
export const FALSE_SHARED_REFS = 6 * LINE;
/** Where the per-CPU areas begin (after the packed counters of {@link MAX_WORKERS} CPUs). */
export const PER_CPU_BASE = FALSE_SHARED_REFS + MAX_WORKERS;

/**
 * Offsets of the per-CPU variables inside a CPU's area, one cache line each. Like the
 * kernel's per-CPU areas, one CPU's variables sit together and the next CPU's area follows:
 * a region per variable would put one CPU's slots exactly 4 KiB apart, and a load and a store
 * 4 KiB apart can be mistaken for dependent by the CPU ("4K aliasing"). With that layout the
 * RFC's 1-worker ratio wandered between 1.7 and 2.6 from one process to the next; with this
 * one it stayed within 1.8-1.9.
 */
export const PER_CPU = {
  /** `channel_table[cap]` entry of this CPU (`this_cpu_read(channel_table[tx_type]->chan)`). */
  table: 0,
  /** RFC `dmaengine_chan_ref_count` of this CPU. */
  rfcRef: LINE,
  /** percpu_ref's per-CPU count (`percpu_count_ptr` of this CPU). */
  pcpuRef: 2 * LINE,
} as const;

/** Int32 slots per CPU area (four lines: the three variables and a spare, 256 bytes). */
export const PER_CPU_AREA = 4 * LINE;

/** Index of per-CPU variable `field` of CPU `cpu`. */
export const perCpuSlot = (field: keyof typeof PER_CPU, cpu: number): number => PER_CPU_BASE + cpu * PER_CPU_AREA + PER_CPU[field];

/** Int32 slots in the kernel-variable part of the buffer. */
const INT32_SLOTS = PER_CPU_BASE + MAX_WORKERS * PER_CPU_AREA;

/** Float64 slots per worker result (one 64-byte line). */
export const RESULT_STRIDE = 8;
/** Fields of one worker's result line. */
export const RESULT = {
  /** find→put pairs completed. */
  ops: 0,
  /** Wall time of the measured loop, nanoseconds. */
  elapsedNs: 1,
  /** Time the worker's thread was on a CPU during the loop, nanoseconds (NaN if unknown). */
  cpuNs: 2,
  /** Sum of the channel values the finds returned: keeps the loads alive. */
  sink: 3,
  /** Batches logged in this worker's batch log (see {@link BATCH_FIELDS}). */
  batches: 4,
  /** 1 if the worker pinned itself to its CPU at start-up (written once, not per run). */
  pinned: 5,
} as const;

/** Batches a worker logs per run (later batches still count in `ops`, unlogged). */
export const MAX_LOGGED_BATCHES = 1 << 14;
/**
 * Fields of one logged batch: monotonic start and end (ns, `process.hrtime`, one clock for
 * all threads), pairs run, and 1 if the thread was not switched out meanwhile.
 */
export const BATCH_FIELDS = { start: 0, end: 1, pairs: 2, clean: 3 } as const;
/** Float64 slots per logged batch. */
export const BATCH_STRIDE = 4;

/** The views of one benchmark's shared memory. */
export interface Memory {
  readonly buffer: SharedArrayBuffer;
  readonly i32: Int32Array;
  readonly results: Float64Array;
  /** Per worker, {@link MAX_LOGGED_BATCHES} batches of {@link BATCH_STRIDE} fields. */
  readonly batchLog: Float64Array;
}

/** The channel "pointer" CPU `cpu`'s table entry holds: non-zero, so a NULL result is visible. */
export const channelOf = (cpu: number): number => 0x100 + cpu;

/**
 * Allocates the shared memory for `workers` workers, with every CPU's `channel_table` entry
 * set to its channel (the state after `dma_channel_rebalance` with one channel per CPU).
 */
export function createMemory(workers: number): Memory {
  const logBytes = workers * MAX_LOGGED_BATCHES * BATCH_STRIDE * 8;
  const memory = attachMemory(new SharedArrayBuffer(INT32_SLOTS * 4 + MAX_WORKERS * RESULT_STRIDE * 8 + logBytes), workers);
  memory.i32[CONTROL.workers] = workers;
  for (let cpu = 0; cpu < MAX_WORKERS; cpu++) memory.i32[perCpuSlot('table', cpu)] = channelOf(cpu);
  return memory;
}

/** Views onto an existing buffer (in a worker: `workers` from the control line). */
export function attachMemory(buffer: SharedArrayBuffer, workers = new Int32Array(buffer, 0, INT32_SLOTS)[CONTROL.workers]): Memory {
  const resultsAt = INT32_SLOTS * 4;
  const logAt = resultsAt + MAX_WORKERS * RESULT_STRIDE * 8;
  return {
    buffer,
    i32: new Int32Array(buffer, 0, INT32_SLOTS),
    results: new Float64Array(buffer, resultsAt, MAX_WORKERS * RESULT_STRIDE),
    batchLog: new Float64Array(buffer, logAt, workers * MAX_LOGGED_BATCHES * BATCH_STRIDE),
  };
}
