/**
 * Which exports a build replays: every machine the harness drives, under the designs that
 * model the build's code, on the catalogue scenarios and the harness's own (a coverage set
 * from issue 22: chan-rules, a two-channel device, async_tx only, CPU hotplug; from issue 29:
 * alloc-fail).
 * @module
 */
import { ASYNC_TX_MAINLINE } from '../check/scenarios.ts';
import { machineNamed } from '../catalogue.ts';
import { ASYNC_TX_ONLY, NET_AND_SLAVE, TWO_DEVICES } from '../../machines/small-scenarios.ts';
import { ALLOC_FAIL, CHAN_RULES, THREE_GETTERS } from '../mbt/coverage-scenarios.ts';
import type { DesignName, Scenario } from '../scenario.ts';
import type { BuildSpec } from './build.ts';

/** One export to replay: a machine built from a scenario under a design. */
export interface ExportSpec {
  readonly machine: string;
  /** `catalogue` (the machine's small scenario), a harness scenario's name, or a file's. */
  readonly scenarioName: string;
  readonly scenario: Scenario;
  readonly design: DesignName;
  /** Replay only the paths whose id is a multiple of this (1: all). */
  readonly every: number;
}

/** The harness's scenarios beyond the catalogue, by name (`--scenario NAME`). */
export const HARNESS_SCENARIOS: Readonly<Record<string, Scenario>> = {
  'chan-rules': CHAN_RULES,
  /** A public two-channel device whose dmaengine_get may fail its first alloc (net0.getAllocFails), and a slave. */
  'alloc-fail': ALLOC_FAIL,
  /** Three dmaengine_get users (async_tx clients) on one channel: a held get that skips client_count++ (issue 29). */
  'three-getters': THREE_GETTERS,
  /**
   * Migrating net_dma and a slave on one device of TWO channels, 2 CPUs. Its driver returns 0
   * from device_alloc_chan_resources (`allocReturnsZero`: success, where `desc_cnt <= 0` would
   * fail, 3.6 dmaengine.c:230, 7.0 :472) and has device_synchronize (`deviceSynchronize`,
   * mainline: a free after a submit without it is `unsynchronized-free:<chan>`, 7.0 :507).
   * The slave's channel comes through a DMA router (`routed`, mainline: dma_chan_put's
   * route_free, 7.0 :511-516; a route left live is `route-leak:<chan>`). None of the three
   * changes the model's paths (src/scenario.ts says why); the other scenarios keep the
   * ioat-like driver (a descriptor count, no synchronize) and an unrouted slave.
   */
  'two-channel': {
    ...NET_AND_SLAVE,
    name: 'two-channel',
    clients: NET_AND_SLAVE.clients.map((c) => (c.kind === 'slave' ? { ...c, routed: true } : c)),
    iohs: [
      {
        name: 'ioh0',
        socketCpus: [],
        devices: [{ name: 'ioat0', channels: 2, capabilities: ['memcpy'], allocReturnsZero: true, deviceSynchronize: true }],
      },
    ],
  },
  'async-tx-only': ASYNC_TX_ONLY,
  /** The mainline shape: async_tx with raid5d's dma_issue_pending_all walker (atx0-rx). On request only. */
  'async-tx-mainline': ASYNC_TX_MAINLINE,
  /**
   * net_dma and its walker over two IOHs of one single-channel device each: the second
   * device's list_del_rcu under an open dma_issue_pending_all walk rewrites the first's
   * next (machines/system/dmaengine.ts listDelRcu; issue 23's walker).
   */
  'two-iohs': {
    ...NET_AND_SLAVE,
    name: 'two-iohs',
    clients: [{ ...NET_AND_SLAVE.clients[0], migrates: false, rounds: 1 }],
    iohs: ['ioh0', 'ioh1'].map((name, i) => ({ name, socketCpus: [], devices: [{ name: `ioat${i}`, channels: 1, capabilities: ['memcpy' as const] }] })),
  },
  /**
   * The catalogue's one-CPU system scenario (net_dma with its walker, a slave, both on
   * memcpy) on two single-channel xor+pq devices. On one CPU dma_channel_rebalance takes
   * nth_chan(cap, -1), the least-used channel (3.6 dmaengine.c:453-456): xor → ioat0.0, pq →
   * ioat1.0, where the n-th (n++ per row) gives pq ioat0.0 and the first (n = 0) gives xor and
   * pq ioat0.0. The catalogue's devices (memcpy, then memcpy+xor) give one table in all three
   * ways. And the slave's memcpy request meets only devices without the capability
   * (private_candidate's __dma_device_satisfies_mask, :467): NULL, where a mutant takes one.
   */
  uniprocessor: {
    ...TWO_DEVICES,
    name: 'uniprocessor',
    iohs: [
      {
        name: 'ioh0',
        socketCpus: [],
        devices: [
          { name: 'ioat0', channels: 1, capabilities: ['xor', 'pq'] },
          { name: 'ioat1', channels: 1, capabilities: ['xor', 'pq'] },
        ],
      },
    ],
  },
  /**
   * The IOH hot-added after boot (`hotAdd`): net_dma (with its NET_RX walker) and a slave on
   * one device of two channels, one CPU. net0's dmaengine_get may come before the probe, so
   * dma_async_device_register takes a reference on each public channel for it (3.6
   * dmaengine.c:781-795) and rebalances (:799); or after it, as at boot.
   */
  'hot-add': {
    ...NET_AND_SLAVE,
    name: 'hot-add',
    cpus: 1,
    hotAdd: true,
    clients: NET_AND_SLAVE.clients.map((c) => ({ ...c, cpu: 0, migrates: false, rounds: 1 })),
    iohs: [{ name: 'ioh0', socketCpus: [], devices: [{ name: 'ioat0', channels: 2, capabilities: ['memcpy'] }] }],
  },
  /**
   * The hot-added IOH's register failing (`registerFailures`): `ioh0.probeFails {alloc}` fails
   * the alloc-th allocation of dma_async_device_register on a device of two channels (each
   * error path of 3.6 dmaengine.c:733-771 and its err_out, :804-823), beside a good `probe`;
   * net_dma alone, one CPU. The harness names what the error path leaves allocated (or an id
   * left in dma_idr) leak:ioh0:ioat0, which the model never expects.
   */
  'register-fail': {
    ...NET_AND_SLAVE,
    name: 'register-fail',
    cpus: 1,
    hotAdd: true,
    registerFailures: true,
    clients: [{ ...NET_AND_SLAVE.clients[0], cpu: 0, migrates: false, rounds: 1 }],
    iohs: [{ name: 'ioh0', socketCpus: [], devices: [{ name: 'ioat0', channels: 2, capabilities: ['memcpy'] }] }],
  },
  /**
   * A slave-only controller beside a public device, one CPU: ioat0 (two memcpy channels) is
   * registered with DMA_PRIVATE set (`private`: privatecnt 1 from the register, 3.6
   * dmaengine.c:797-798, so the slave's release leaves it private, :556-557; dmaengine_get and
   * the table skip it), ioat1 (one channel) is public. The slave's filter function accepts
   * ioat0.1 and ioat1.0 only (`filter`): private_candidate skips ioat0.0 although it is free
   * (:487-491), so the request takes ioat0.1, where no filter would take ioat0.0.
   */
  'slave-only': {
    ...TWO_DEVICES,
    name: 'slave-only',
    clients: [
      { ...TWO_DEVICES.clients[0], rounds: 1 },
      { ...TWO_DEVICES.clients[1], filter: ['ioat0.1', 'ioat1.0'] },
    ],
    iohs: [
      {
        name: 'ioh0',
        socketCpus: [],
        devices: [
          { name: 'ioat0', channels: 2, capabilities: ['memcpy'], private: true },
          { name: 'ioat1', channels: 1, capabilities: ['memcpy'] },
        ],
      },
    ],
  },
  /** net_dma and a slave on one channel, 2 CPUs going offline and online (the `cpu` thread). */
  'cpu-hotplug': { ...NET_AND_SLAVE, name: 'cpu-hotplug', cpuHotplug: true, clients: NET_AND_SLAVE.clients.map((c) => ({ ...c, migrates: false })) },
};

/** The machines a build replays besides `system` (and the RFC build's quiesce). */
const CONCERNS = ['channel', 'ioh', 'client-net_dma', 'client-async_tx', 'client-slave'];

/** The system scenarios a build replays by default: the RFC's larger ones take minutes, so only on request. */
const SYSTEM_SCENARIOS: Readonly<Record<BuildSpec['kind'], readonly string[]>> = {
  plain: [
    'catalogue',
    'chan-rules',
    'alloc-fail',
    'three-getters',
    'two-channel',
    'async-tx-only',
    'cpu-hotplug',
    'two-iohs',
    'uniprocessor',
    'hot-add',
    'register-fail',
    'slave-only',
  ],
  // two-iohs: one IOH's channel loop waits for dma_list_mutex while the other quiesces under it.
  rfc: ['catalogue', 'async-tx-only', 'two-iohs'],
  // Mainline (kref, kref-5-10, kref-fixed). Under shipped kref three-getters and chan-rules
  // reach an IOH unregistering a device the clients' puts freed (iohs[h].uaf, issue 31 A4) and,
  // on 5.10.7, the walker's oops on a list_del'ed channel (no-oops). alloc-fail: a request
  // between the channel unregisters reads the lowered device->chancnt (7.0 :634, 5.10.7 :631).
  'kref-fixed': ['catalogue', 'chan-rules', 'alloc-fail', 'three-getters', 'two-channel', 'async-tx-only', 'cpu-hotplug', 'two-iohs'],
};

/** The scenario `name` for `machine`: its catalogue scenario, or a harness scenario. */
export function scenarioFor(machine: string, name: string): Scenario | undefined {
  if (name === 'catalogue') return machineNamed(machine)?.smallScenario;
  return HARNESS_SCENARIOS[name];
}

/**
 * Every export of build `spec`, in a fixed order: the concern machines on their catalogue
 * scenarios (the quiesce loop on the RFC build), then the system machine on each scenario
 * under each of the build's designs.
 */
export function defaultPlan(spec: BuildSpec): ExportSpec[] {
  const out: ExportSpec[] = [];
  // channel and ioh are 3.4's rules whatever the design (their implementation is baseline's):
  // the 3.x build only. The client machines are built under the design: every build.
  const clients = CONCERNS.filter((m) => m.startsWith('client-'));
  const concerns = spec.kind === 'rfc' ? ['quiesce', ...clients] : spec.family === 'mainline' ? clients : CONCERNS;
  const systems = SYSTEM_SCENARIOS[spec.kind === 'plain' && spec.family === 'mainline' ? 'kref-fixed' : spec.kind];
  // The concern machines do not depend on the removal design: once, under the build's first.
  for (const machine of concerns)
    out.push({ machine, scenarioName: 'catalogue', scenario: scenarioFor(machine, 'catalogue')!, design: spec.designs[0], every: 1 });
  for (const design of spec.designs)
    for (const name of systems) out.push({ machine: 'system', scenarioName: name, scenario: scenarioFor('system', name)!, design, every: 1 });
  return out;
}

/**
 * The paths CI replays of each large export (every Nth, by `<machine>/<scenario>/<design>`;
 * the rest whole), so that the whole gate stays within a few minutes on 2 cores
 * (test/external/kernel-gates.test.ts); the mutant runner replays the same sample.
 */
export const CI_EVERY: Readonly<Record<string, number>> = {
  'system/catalogue/baseline': 3,
  'system/chan-rules/baseline': 10,
  'system/three-getters/baseline': 2,
  'system/two-channel/baseline': 4,
  'system/cpu-hotplug/baseline': 8,
  // 1,338 paths; nearly every one takes net0.get (the table) or the slave's request: half is plenty.
  'system/uniprocessor/baseline': 2,
  // The hot-added IOH (787 paths) and its register failing (412; every 3rd still takes each of
  // the 8 allocation failures): about 5 s more on 2 cores.
  'system/hot-add/baseline': 4,
  'system/register-fail/baseline': 3,
  // 2,740 paths, nearly all with the slave's filtered request on the private device: every 8th.
  'system/slave-only/baseline': 8,
  'client-net_dma/catalogue/rfc-wait': 2,
  'system/catalogue/rfc-wait': 5,
  'system/catalogue/rfc-wait-unheld': 8,
  'system/two-iohs/rfc-wait': 5,
  'system/two-iohs/rfc-wait-unheld': 12,
  // system/catalogue/kref whole: since __dma_request_channel tries every device (issue 23)
  // the slave can hold ioat1.0, and the only paths killing 7.0 dma_device_release without
  // its dma_channel_rebalance (:430) fell outside a 1-in-3 sample (2 s more on 2 cores).
  'system/chan-rules/kref': 10,
  // alloc-fail: about 700 paths per kref design; half keeps the requests between the channel unregisters.
  'system/alloc-fail/kref': 2,
  'system/alloc-fail/kref-5-10': 2,
  'system/alloc-fail/kref-fixed': 2,
  'system/three-getters/kref': 2,
  'system/two-channel/kref': 3,
  'system/cpu-hotplug/kref': 8,
  'system/catalogue/kref-5-10': 3,
  'system/chan-rules/kref-5-10': 10,
  'system/three-getters/kref-5-10': 2,
  'system/two-channel/kref-5-10': 3,
  'system/cpu-hotplug/kref-5-10': 8,
  'system/catalogue/kref-fixed': 3,
  'system/chan-rules/kref-fixed': 10,
  'system/three-getters/kref-fixed': 2,
  'system/two-channel/kref-fixed': 3,
  'system/cpu-hotplug/kref-fixed': 8,
};

/** An export's name: `<machine>/<scenario>/<design>`. */
export const exportName = (e: Pick<ExportSpec, 'machine' | 'scenarioName' | 'design'>) => `${e.machine}/${e.scenarioName}/${e.design}`;

/** The exports CI replays of build `spec`: its default plan, the large exports sampled as CI_EVERY says. */
export function ciPlan(spec: BuildSpec): ExportSpec[] {
  return defaultPlan(spec).map((e) => ({ ...e, every: CI_EVERY[exportName(e)] ?? 1 }));
}
