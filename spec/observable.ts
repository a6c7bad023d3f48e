/**
 * The observable state shared by the statecharts and the implementation: the variables of
 * spec/threads.md. The machine maps its snapshot onto it, src/core maps its state onto it,
 * and conformance compares the two after every step. Plain data in a stable order (devices
 * and channels in scenario order, CPUs by number, threads in scenario order: clients, then
 * IOH threads), so two observables can be compared with deep equality or JSON.
 * @module
 */
import type { TableRow } from '../src/table-rows.ts';

/** `<device>.<index>`, e.g. `ioat0.0`. */
export type ChannelId = string;

/** One DMA device as both sides show it. */
export interface ObservedDevice {
  readonly name: string;
  /** On `dma_device_list`. */
  readonly listed: boolean;
  /** `DMA_PRIVATE` set in the device's `cap_mask`. */
  readonly private: boolean;
  readonly privatecnt: number;
  /** The device and its channels' memory are freed (after unregister). */
  readonly freed: boolean;
  /**
   * `kref_read(&device->ref)`, mainline's device kref (8ad342a86359), under the designs that
   * have one (kref, kref-5-10, kref-fixed). Absent under the others: 3.x's `struct
   * dma_device` has no such field, so there is nothing to show or compare (not 0, not null).
   * After the release it keeps the 0 the last put left (what a read of the freed memory sees).
   */
  readonly kref?: number;
  /**
   * `module_refcount(owner)` of the device's driver module (`dma_chan_to_owner`): the kernel
   * takes one module reference per `client_count` (3.6 `dma_chan_get` dmaengine.c:218/220,
   * `balance_ref_count` :201, `dma_chan_put` :252; 5.10.7 :418/453/457/516, 7.0
   * :420/455/460/519), so it is the sum of its channels' `clientCount` in every design: derived,
   * no state of its own. Kept after the free (the module outlives the device); 0 at the start.
   */
  readonly module: number;
}

/** One channel as both sides show it. */
export interface ObservedChannel {
  readonly id: ChannelId;
  readonly clientCount: number;
  readonly tableCount: number;
  /** `device_alloc_chan_resources` ran and `device_free_chan_resources` has not. */
  readonly resources: boolean;
}

/** One client thread: where it runs and what it uses. */
export interface ObservedThread {
  readonly name: string;
  readonly cpu: number;
  /** The channel the thread is using now (found, re-got or requested), or null. */
  readonly chan: ChannelId | null;
  /**
   * The channel whose `device->device_issue_pending` the client's `dma_issue_pending_all`
   * caller (`<name>-rx`) is stopped before: the walk read its `client_count` non-zero (3.6
   * dmaengine.c:364) and its next `issue` step calls it (:365). Null when the client has no
   * walker or its walk is not at a channel. Derived (the walk's position), no state of its own.
   */
  readonly issuing: ChannelId | null;
}

/** The whole observable state of spec/threads.md: what conformance compares after every step. */
export interface Observable {
  readonly dmaengineRefCount: number;
  readonly cpuOnline: readonly boolean[];
  /**
   * RFC per-CPU `dmaengine_chan_ref_count` (design percpu-ref: its percpu_ref counts); all
   * zero under designs with 3.4's plain hot path (baseline, notifier, fail-fast, kref).
   */
  readonly ref: readonly number[];
  /** RFC static key `dmaengine_quiesce`. */
  readonly key: boolean;
  /** RFC `dmaengine_dirty`. */
  readonly dirty: number;
  /** `channel_table[cap][cpu]` for every capability (memcpy, xor, pq) and `DMA_ASYNC_TX` (asyncTx; src/table-rows.ts). */
  readonly table: Readonly<Record<TableRow, readonly (ChannelId | null)[]>>;
  readonly devices: readonly ObservedDevice[];
  readonly channels: readonly ObservedChannel[];
  /** Client threads only (IOH threads hold no channel). */
  readonly threads: readonly ObservedThread[];
  /**
   * Each `<kind>:<thread>:<chan>` observed so far, kind `use-after-free`,
   * `use-on-removed-hardware` or `oops` (spec/vocabulary.ts VIOLATION_KINDS); each at most
   * once, sorted (a set, so that the state space stays finite when a busy client repeats a
   * bad use).
   */
  readonly violations: readonly string[];
}
