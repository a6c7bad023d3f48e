/**
 * The seam where release-notification designs plug into the core. A design decides what
 * the hot path does (`dma_find_channel`, `dma_get_channel`, `dma_put_channel`), what
 * `dma_async_device_unregister` does after `list_del_rcu` + `dma_channel_rebalance`, and
 * what clients are told. The core and the client/IOH programs call only these hooks, so a
 * new design is one folder under src/designs/ plus one registry line.
 *
 * How the designs of spec/release-designs.md fit:
 * - baseline (3.4): plain table lookup; removal frees at once.
 * - rfc-wait: per-CPU counts + static key; removal quiesces, drops references, waits, frees.
 * - notifier: {@link DesignHooks.removeDevice} yields a notify step and waits for acks;
 *   {@link DesignHooks.clientSteps} gives each client its `ack` step.
 * - fail-fast: {@link DesignHooks.prep} returns false once the device is dying; the client
 *   sees NULL from prep and may release early ({@link DesignHooks.releaseEarly}).
 * - kref, kref-fixed: {@link DesignHooks.afterFirstChanGet} takes the device reference,
 *   {@link DesignHooks.afterChanPut} drops one (as shipped: on every put; fixed: at →0) and
 *   frees at the last; removeDevice drops the registration reference and returns.
 * - percpu-ref: find/put are `percpu_ref_tryget_live`/`percpu_ref_put`; removeDevice
 *   yields kill, grace period, atomic-mode wait and free.
 * @module
 */
import type { ClientState } from './client-state.ts';
import type { TableRow } from '../table-rows.ts';
import type { DmaEngine } from './dmaengine.ts';
import type { DmaChan, DmaDevice } from './objects.ts';
import type { WorkerPoint } from './hotplug.ts';
import type { Choice, Point, ThreadProgram } from './thread.ts';

/**
 * A step a design adds to a client thread at its rest point (net_dma/async_tx: worker idle;
 * slave: holding), e.g. the notifier's `ack`.
 */
export interface DesignClientStep {
  readonly step: string;
  enabled(): boolean;
  /** Runs the step; returns true when the client's program ends with it (e.g. a slave released). */
  run(): boolean;
}

/** One design bound to one kernel; may keep per-kernel state in its closure. */
export interface DesignHooks {
  /**
   * The design has the RFC base's CPU notifier `hotcpu_rebalance` (machines/system/design.ts
   * `cpuNotifier`); 3.6 and mainline have none. Default false.
   */
  readonly cpuNotifier?: boolean;
  /**
   * `dmaengine_put` rebalances on the last put (machines/system/design.ts `putRebalances`):
   * the RFC base does (3/7 hunk `@@ -559,7 +640,7 @@`); 3.6 and mainline do not. Default false.
   */
  readonly putRebalances?: boolean;
  /**
   * `kref_read(&device->ref)` of a design with mainline's device kref: the observable's
   * `devices[].kref` (spec/observable.ts). Absent under designs without one.
   */
  deviceKref?(device: DmaDevice): number;
  /** `dma_find_channel(cap)` on `cpu` (the hot path of net_dma and async_tx): `cap` is the row (src/table-rows.ts). */
  findChannel(cap: TableRow, cpu: number): DmaChan | null;
  /** `dma_get_channel(chan)` by client thread `thread` on `cpu`: re-take a cached channel pointer. */
  getChannel(chan: DmaChan, cpu: number, thread: string): DmaChan | null;
  /**
   * `dma_find_channel` as several steps, for a design whose find is not one statement (the
   * RFC); it sets `client.chan` as the kernel's local would be, and waits at each further
   * preemption point with `point`. The code before its first `point` runs in the `find` step.
   * Default: {@link findChannel} in one step.
   */
  findChannelSteps?(client: ClientState, point: WorkerPoint): Generator<Point, DmaChan | null, Choice>;
  /** `dma_get_channel(chan)` as several steps (see {@link findChannelSteps}). Default: {@link getChannel}. */
  getChannelSteps?(client: ClientState, chan: DmaChan, point: WorkerPoint): Generator<Point, DmaChan | null, Choice>;
  /** `dma_put_channel` of `chan` (null if find/get returned NULL) on `cpu`, the CPU the thread runs on now. */
  putChannel(chan: DmaChan | null, cpu: number): void;
  /**
   * The rest of `dma_async_device_unregister(device)` after the part under
   * `dma_list_mutex`, as IOH-thread steps. It ends when the device is freed (or, for a
   * deferred-free design, when unregister returns). `clients` are the client threads.
   */
  removeDevice(device: DmaDevice, clients: readonly ClientState[]): ThreadProgram;
  /**
   * Mainline's first part of `dma_async_device_unregister` (the per-channel unregisters),
   * in place of 3.4's `list_del_rcu` + `dma_channel_rebalance`: the device stays listed
   * (issue 31 M2), and the IOH may unregister a device an earlier put already released
   * (M6). Default: {@link DmaEngine.dmaAsyncDeviceUnregister}.
   */
  unregisterDevice?(device: DmaDevice): void;
  /**
   * `device->channels` as the kernel's list walks (`dmaengine_get`/`_put`,
   * `private_candidate`, `dma_channel_rebalance`) see it, when the design takes channels off
   * it (5.10.7's channel unregister, issue 31). Default: every channel of the device.
   */
  listedChannels?(device: DmaDevice): readonly DmaChan[];
  /**
   * `device->chancnt`, which `private_candidate`'s mixed public/private check reads, when the
   * design's unregister lowers it (mainline's channel unregister, 7.0 dmaengine.c:1147,
   * 5.10.7 :1114). Default: the device's number of channels.
   */
  chancnt?(device: DmaDevice): number;
  /** `device_prep_dma_*` on `chan`: false means prep returns NULL (a dying device). Default true. */
  prep?(chan: DmaChan): boolean;
  /** Whether `client` may start a new find/reget round now (the notifier holds an asked client back). Default true. */
  mayStartRound?(client: ClientState): boolean;
  /** A client that releases may do so before its rounds are done (e.g. prep returned NULL). Default false. */
  releaseEarly?(client: ClientState): boolean;
  /** Steps the design adds to `client` at its rest point (see {@link DesignClientStep}). */
  clientSteps?(client: ClientState): readonly DesignClientStep[];
  /**
   * Runs after every `dma_chan_put` (e.g. a kref design drops a device reference), with
   * `chan.clientCount` already decremented. {@link DmaEngine.current} is the caller.
   */
  afterChanPut?(chan: DmaChan): void;
  /**
   * Runs after a `dma_chan_get` that took `chan` from 0 clients and succeeded (the slow
   * path: mainline's `kref_get_unless_zero(&device->ref)`). {@link DmaEngine.current} is the caller.
   */
  afterFirstChanGet?(chan: DmaChan): void;
}

/** A release-notification design: a name, a one-line description and a way to bind it. */
export interface DesignStrategy {
  /** The design's name (a built-in's is its registry name). */
  readonly name: string;
  readonly description: string;
  /** Attaches the design to kernel `k`. */
  bind(k: DmaEngine): DesignHooks;
}
