/**
 * The seam where release-notification designs plug into the core. A design decides what
 * the hot path does (`dma_find_channel`, `dma_get_channel`, `dma_put_channel`), what
 * `dma_async_device_unregister` does after `list_del_rcu` + `dma_channel_rebalance`, and
 * what clients are told. The core and the client/IOH programs call only these hooks, so a
 * new design is one folder under src/designs/ plus one registry line.
 *
 * How the designs of DESIGN.md fit:
 * - baseline (3.4): plain table lookup; removal frees at once.
 * - rfc-wait: per-CPU counts + static key; removal quiesces, drops references, waits, frees.
 * - notifier: {@link DesignHooks.removeDevice} yields a notify step and waits for acks;
 *   {@link DesignHooks.releaseRequested} makes holders release.
 * - fail-fast: {@link DesignHooks.prep} returns false once the device is dying; the client
 *   sees NULL from prep and releases ({@link DesignHooks.releaseRequested}).
 * - kref: removeDevice returns without freeing; {@link DesignHooks.afterChanPut} frees at
 *   the last put.
 * - percpu-ref: find/put are `percpu_ref_tryget_live`/`percpu_ref_put`; removeDevice
 *   yields kill, grace period, atomic-mode wait and free.
 * @module
 */
import type { Capability, DesignName } from '../scenario.ts';
import type { DmaEngine } from './dmaengine.ts';
import type { DmaChan, DmaDevice } from './objects.ts';
import type { ThreadProgram } from './thread.ts';

/** One design bound to one kernel; may keep per-kernel state in its closure. */
export interface DesignHooks {
  /** `dma_find_channel(cap)` on `cpu` (the hot path of net_dma and async_tx). */
  findChannel(cap: Capability, cpu: number): DmaChan | null;
  /** `dma_get_channel(chan)` on `cpu`: re-take a cached channel pointer. */
  getChannel(chan: DmaChan, cpu: number): DmaChan | null;
  /** `dma_put_channel` on `cpu`, the CPU the thread runs on now (maybe not the find's). */
  putChannel(chan: DmaChan | null, cpu: number): void;
  /**
   * The rest of `dma_async_device_unregister(device)` after the part under
   * `dma_list_mutex`, as IOH-thread steps. It ends when the device is freed (or, for a
   * deferred-free design, when unregister returns).
   */
  removeDevice(device: DmaDevice): ThreadProgram;
  /** `device_prep_dma_*` on `chan`: false means prep returns NULL (a dying device). Default true. */
  prep?(chan: DmaChan): boolean;
  /** Whether the design has asked client thread `client` to release its channels. Default false. */
  releaseRequested?(client: string): boolean;
  /** Runs after every `dma_chan_put` (e.g. a kref design frees at the last put). */
  afterChanPut?(chan: DmaChan): void;
}

/** A release-notification design: a name, a one-line description and a way to bind it. */
export interface DesignStrategy {
  readonly name: DesignName;
  readonly description: string;
  /** Attaches the design to kernel `k`. */
  bind(k: DmaEngine): DesignHooks;
}
