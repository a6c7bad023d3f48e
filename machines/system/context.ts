/**
 * The system machine's context: the variables of spec/threads.md as a fixed-shape tree of
 * integers (booleans are 0/1, "none" is -1), sized by the scenario.
 * @module
 */
import { TABLE_ROWS } from '../../src/table-rows.ts';
import type { DesignVariable, DesignVariables } from './design.ts';
import type { Layout } from './layout.ts';

/** Per device (`struct dma_device`). */
export interface DeviceCtx {
  /** 1 while on `dma_device_list`. */
  listed: number;
  /** 1 while `DMA_PRIVATE` is set in `cap_mask`. */
  private: number;
  privatecnt: number;
  /** 1 once the device and its channels' memory are freed. */
  freed: number;
  /**
   * 1 once the design's hot-path protection for this device has ended (RFC: the quiesce
   * loop counted `quiesceThreshold` consecutive zero sums; percpu-ref: its atomic-mode wait
   * ended). Shared, not a design variable: the RFC quiesce loop (machines/system/quiesce.ts)
   * writes it and no-ref-survives-quiesce reads it.
   */
  quiesced: number;
}

/** Per channel (`struct dma_chan`). */
export interface ChannelCtx {
  clientCount: number;
  tableCount: number;
  /** 1 between `device_alloc_chan_resources` and `device_free_chan_resources`. */
  resources: number;
  /**
   * 1 while `chan->local` (the per-CPU `dma_chan_percpu` statistics) is allocated: from
   * `dma_async_device_register` (3.6 `dmaengine.c:747`) to the `free_percpu` of unregister's
   * channel loop (3.6 `:851`), which under baseline comes before the driver frees the device.
   */
  local: number;
}

/** Per client thread; every kind has the same shape so identical clients swap cleanly. */
export interface ThreadCtx {
  /** The CPU the thread runs on. */
  cpu: number;
  /** Channel in use (found, re-got or requested), -1 for none. */
  chan: number;
  /** async_tx: the channel pointer kept in its descriptors, -1 for none. */
  cached: number;
  /** net_dma/async_tx control: 0 before `dmaengine_get`, 1 got, 2 after `dmaengine_put`. */
  got: number;
  /**
   * Worker: 1 from the first statement of a find/reget (RFC: the table read or the key test,
   * before the per-CPU inc) to its put: the round the quiesce must cover.
   */
  inFlight: number;
  /** Rounds (slave: uses) done, saturating at the scenario's `rounds`. */
  rounds: number;
  /** async_tx: 1 once `dma_get_channel(cached)` ran (once per client). */
  regot: number;
  /** RFC: 1 from the end of a find or get that returned a channel (counted, key tested) to its put. */
  held: number;
  /** RFC `dma_get_channel`: 1 if its `static_key_false` test saw the key on (read before `atomic_inc(&dmaengine_dirty)`). */
  keySeen: number;
  /**
   * `<client>-rx`: bit d set while `dma_issue_pending_all`'s RCU walk (between
   * `rcu_read_lock` and `rcu_read_unlock`) will still read device d: every device listed when
   * it began, private ones too, less those a `list_del_rcu` took out of its path
   * (machines/system/dmaengine.ts `listDelRcu`). Non-zero exactly while the walk is open.
   */
  rcuSeen: number;
  /**
   * `<client>-rx`: the channel whose `client_count` the walk read non-zero and whose
   * `device_issue_pending` it has not called yet (`issue`), -1 for none.
   */
  rcuChan: number;
  /**
   * `<client>-rx`: bit h set while IOH h's `synchronize_rcu()` waits for this thread: the walk
   * was inside `rcu_read_lock` when that grace period began (`synchronizeRcu`,
   * machines/system/ioh.ts); cleared at the walk's `rcu_read_unlock` (3.6 dmaengine.c:367).
   * A walk that begins later is not waited for.
   */
  gpWait: number;
  /**
   * 1 while the thread runs with preemption disabled inside a find or re-get whose call site
   * holds `get_cpu()` (async_tx: 3.6 `drivers/md/raid5.c:1376` `raid_run_ops` … `put_cpu()`;
   * spec/vocabulary.ts `findsPreemptOff`): no migration, no `stop_machine` (static key flip,
   * `_cpu_down`) lands while it is 1.
   */
  preemptOff: number;
}

/** Per IOH thread: which device it removes and the RFC quiesce loop variables. */
export interface IohCtx {
  /** Global index of the device being removed, -1 outside an eject. */
  cur: number;
  /** Consecutive zero sums (`dma_channel_quiesce`'s count). */
  count: number;
  /** Sum of the per-CPU counts read so far this round. */
  sum: number;
  /** Next CPU to read this round. */
  next: number;
  /** 1 once a round was judged the last zero while a thread held a counted reference to the device: a false zero. */
  missed: number;
  /**
   * Bit c set once the IOH thread's unregister read channel c, or its device, after the
   * device was freed (kref designs: the clients' puts released it before the eject; 7.0
   * `dma_async_device_unregister` :1305-1316 walks and writes it): a use after free by the
   * IOH thread. Not permuted with client rows: IOHs have no symmetry.
   */
  uaf: number;
}

/** The whole context of the system machine. */
export interface SystemContext {
  /** `dmaengine_ref_count`. */
  refCount: number;
  /**
   * `dma_list_mutex`: -1 when free, else the index of the IOH holding it across steps (the
   * RFC's unregister holds it through `dma_channel_quiesce`). Every other user takes and
   * releases it inside one step, so it only needs to find it free.
   */
  listMutex: number;
  /** `cpu_hotplug.lock` held by a CPU-hotplug writer (`cpu_hotplug_begin` … `cpu_hotplug_done`), 0/1. */
  hotplug: number;
  /** `cpu_online_mask`, 0/1 per CPU. */
  cpuOnline: number[];
  /** RFC per-CPU `dmaengine_chan_ref_count`. */
  ref: number[];
  /** RFC static key `dmaengine_quiesce`, 0/1. */
  key: number;
  /** RFC `dmaengine_dirty`. */
  dirty: number;
  /** `channel_table[row][cpu]`: global channel index or -1, for every row of src/table-rows.ts `TABLE_ROWS`. */
  table: number[][];
  devices: DeviceCtx[];
  channels: ChannelCtx[];
  /** Client threads in scenario order. */
  threads: ThreadCtx[];
  iohs: IohCtx[];
  /** `[thread][channel]`: bit 1 once the client thread used the channel after it was freed, bit 2 once its NET_RX softirq did (clients.ts UAF_BY_RX). The IOH threads' are `iohs[h].uaf`. */
  uaf: number[][];
  /**
   * The design's own variables, as it declares them (machines/system/design.ts
   * `variables`): empty objects under a design that declares none.
   */
  design: DesignCtx;
}

/**
 * A context leaf by its path with the indices left out (`threads[].held`, `uaf[][]`), as
 * the checker's slot paths read with `[n]` made `[]`.
 */
export type ContextPath =
  | `${Exclude<keyof SystemContext, 'devices' | 'channels' | 'threads' | 'iohs' | 'uaf' | 'design' | 'table'>}`
  | 'uaf[][]'
  | `devices[].${keyof DeviceCtx}`
  | `channels[].${keyof ChannelCtx}`
  | `threads[].${keyof ThreadCtx}`
  | `iohs[].${keyof IohCtx}`;

/** A ghost variable: where it is, and what it records. */
export interface GhostVariable {
  readonly path: ContextPath;
  /** What history it keeps, and which properties read it. */
  readonly records: string;
}

/**
 * Ghost state: history variables no kernel variable stands for, kept only for the properties
 * (and the observable's `violations`). No guard reads one, and no step's effect on the rest
 * of the context depends on one (test/machines/ghost.test.ts perturbs each in every explored
 * state of every built-in design), so a ghost can never change behaviour; it only tells
 * states apart. The walker's oops is no variable: it is the state `<client>.softirq.oopsed`
 * (its `rcuChan`, which the walk reads, is kernel state).
 */
export const GHOST_STATE: readonly GhostVariable[] = [
  { path: 'uaf[][]', records: 'which client thread (bit 1) or its dma_issue_pending_all walker (bit 2) used a channel after it was freed: no-use-after-free' },
  { path: 'iohs[].uaf', records: "the channels an IOH thread's unregister read after their device was freed: no-use-after-free" },
  { path: 'iohs[].missed', records: 'a quiesce judged its last round zero while a counted holder of the device was left (a false zero): no-false-zero' },
  {
    path: 'threads[].held',
    records: 'the thread holds a counted reference (its RFC find or get passed the per-CPU inc and the key test): read only where missed is set',
  },
  {
    path: 'devices[].quiesced',
    records:
      "the device's hot-path protection ended (RFC quiesce threshold, percpu-ref's atomic-mode wait): no-ref-survives-quiesce; the symmetry reduction also waits for it",
  },
];

/** Whether the checker's slot path `slot` (`threads[1].held`) is a {@link GHOST_STATE} variable. */
export const isGhostSlot = (slot: string): boolean => GHOST_STATE.some((g) => g.path === slot.replace(/\[\d+\]/g, '[]'));

/** A design's variables: scalars, one set per client thread, one set per device, one per device and CPU. */
export interface DesignCtx {
  global: Record<string, number>;
  /** Per client thread, in scenario order. */
  threads: Record<string, number>[];
  /** Per device, in layout order. */
  devices: Record<string, number>[];
  /** `[device][cpu]`: per device in layout order, per CPU by number. */
  deviceCpus: Record<string, number>[][];
}

/** The initial values of declared design variables. */
const initial = (vars: Readonly<Record<string, DesignVariable>> = {}): Record<string, number> =>
  Object.fromEntries(Object.entries(vars).map(([k, v]) => [k, v.initial]));

/** The scenario's devices in the layout's order. */
const deviceSpecs = (L: Layout) => L.scenario.iohs.flatMap((h) => h.devices);

/**
 * The start of every scenario: all CPUs online, every IOH online with its devices
 * registered (under `hotAdd`: present, none registered), public (unless the scenario's device
 * is `private`) and unused, no client has started; design variables at their declared
 * initial values.
 */
export function initialContext(L: Layout, vars: DesignVariables = {}): SystemContext {
  const registered = L.scenario.hotAdd ? 0 : 1;
  return {
    refCount: 0,
    listMutex: -1,
    hotplug: 0,
    cpuOnline: Array.from({ length: L.cpus }, () => 1),
    ref: Array.from({ length: L.cpus }, () => 0),
    key: 0,
    dirty: 0,
    table: TABLE_ROWS.map(() => Array.from({ length: L.cpus }, () => -1)),
    // Under the scenario's hotAdd the devices are registered by the IOH's probe step, not at boot.
    // A device the driver marks DMA_PRIVATE is private from the start; its register counts it (3.6 dmaengine.c:797-798).
    devices: L.devices.map((_, d) => {
      const priv = deviceSpecs(L)[d].private === true ? 1 : 0;
      return { listed: registered, private: priv, privatecnt: priv * registered, freed: 0, quiesced: 0 };
    }),
    channels: L.channels.map(() => ({ clientCount: 0, tableCount: 0, resources: 0, local: registered })),
    threads: L.clients.map((c) => ({
      cpu: c.cpu,
      chan: -1,
      cached: -1,
      got: 0,
      inFlight: 0,
      rounds: 0,
      regot: 0,
      held: 0,
      keySeen: 0,
      rcuSeen: 0,
      rcuChan: -1,
      gpWait: 0,
      preemptOff: 0,
    })),
    iohs: L.iohs.map(() => ({ cur: -1, count: 0, sum: 0, next: 0, missed: 0, uaf: 0 })),
    uaf: L.clients.map(() => L.channels.map(() => 0)),
    design: {
      global: initial(vars.global),
      threads: L.clients.map(() => initial(vars.perThread)),
      devices: L.devices.map(() => initial(vars.perDevice)),
      deviceCpus: L.devices.map(() => Array.from({ length: L.cpus }, () => initial(vars.perDeviceCpu))),
    },
  };
}
