/**
 * The machine catalogue: every statechart of dmaspec with a scenario small enough to
 * explore whole. The docs renderer and the path generator iterate {@link MACHINES}.
 * Every per-concern machine but `ioh` is a projection of the system machine (its regions
 * and rules). `ioh` stays standalone: it shows hot-add, probe and surprise removal, which
 * the system's IOH region lacks. There is no device machine: registration is `ioh`'s
 * probe, public/private use `client-slave`'s, unregister and free `release-<design>`'s.
 * @module
 */
import { DEFAULT_SCENARIO, type Scenario } from './scenario.ts';
import { DESIGN_MODELS, designModel } from './designs/models.ts';
import { systemFor } from './designs/registry.ts';
import { buildChannel } from '../machines/concerns/channel.ts';
import { buildClient } from '../machines/concerns/clients.ts';
import { buildIoh } from '../machines/concerns/ioh.ts';
import { buildQuiesce } from '../machines/concerns/quiesce.ts';
import { buildRelease } from '../machines/concerns/release.ts';
import type { ScenarioModel } from '../machines/make.ts';
import { TWO_DEVICES } from '../machines/small-scenarios.ts';

/** One catalogue entry. */
export interface MachineEntry {
  /** Stable name (file names, CLI arguments). */
  readonly name: string;
  readonly title: string;
  /** One paragraph for the docs. */
  readonly summary: string;
  build(s: Scenario): ScenarioModel;
  /** A scenario whose whole state space is small; every state node is reachable in it. */
  readonly smallScenario: Scenario;
}

const ONE_CPU: Scenario = { ...DEFAULT_SCENARIO, name: 'one-cpu', cpus: 1, quiesceThreshold: 1, clients: [] };

/** The release-notification machine of each registered design. */
const RELEASE_ENTRIES: MachineEntry[] = Object.values(DESIGN_MODELS).map((d) => ({
  name: `release-${d.name}`,
  title: `Release notification: ${d.title}`,
  summary: `${d.summary} Shown against one holder of a private channel that may release at any moment.`,
  build: (s: Scenario) => buildRelease({ ...s, design: d.name as Scenario['design'] }, d),
  smallScenario: { ...ONE_CPU, name: `release-${d.name}`, design: d.name as Scenario['design'] },
}));

/** Every machine, the system first. */
export const MACHINES: readonly MachineEntry[] = [
  {
    name: 'system',
    title: 'The system: every thread of a scenario',
    summary:
      'One region per thread of spec/threads.md — clients in scenario order, then one per IOH — under the scenario’s design. The checker explores this machine.',
    build: (s: Scenario) => systemFor(s),
    smallScenario: TWO_DEVICES,
  },
  {
    name: 'ioh',
    title: 'I/O hub hot-plug',
    summary: 'An IOH absent, present, online, ejecting, surprise-removed and removed, with the online/offline of its socket CPUs.',
    build: buildIoh,
    smallScenario: {
      ...DEFAULT_SCENARIO,
      name: 'ioh',
      iohs: [
        {
          name: 'ioh0',
          socketCpus: [1],
          devices: [
            { name: 'ioat0', channels: 1, capabilities: ['memcpy'] },
            { name: 'ioat1', channels: 1, capabilities: ['memcpy'] },
          ],
        },
      ],
    },
  },
  {
    name: 'channel',
    title: 'Channel client_count',
    summary:
      'One channel’s client_count under the system’s own rules, driven by the dmaengine API calls: public holds through dmaengine_get/put, a private hold through dma_request_channel/dma_release_channel, the alloc failure path, resources iff held, table_count.',
    build: buildChannel,
    smallScenario: { ...DEFAULT_SCENARIO, name: 'channel' },
  },
  {
    name: 'quiesce',
    title: 'RFC static-key quiesce',
    summary:
      'dma_channel_quiesce: key on; per round dirty cleared, a tick, ONE CPU read per step, consecutive-zero count to the threshold; key off — against finds, gets and puts on any CPU.',
    build: buildQuiesce,
    smallScenario: { ...DEFAULT_SCENARIO, name: 'quiesce', quiesceThreshold: 2 },
  },
  ...RELEASE_ENTRIES,
  {
    name: 'client-net_dma',
    title: 'Client: net_dma',
    summary: 'dmaengine_get, then find → use → put rounds on the channel table, migrating between CPUs; dmaengine_put.',
    build: (s) => buildClient('net_dma', s, designModel(s.design)),
    smallScenario: { ...DEFAULT_SCENARIO, name: 'client-net_dma' },
  },
  {
    name: 'client-async_tx',
    title: 'Client: async_tx',
    summary:
      'Like net_dma, and keeps the channel pointer in its descriptors: a later dma_get_channel re-takes it (after dmaengine_put too, with the releases-early misuse).',
    build: (s) => buildClient('async_tx', s, designModel(s.design)),
    smallScenario: { ...DEFAULT_SCENARIO, name: 'client-async_tx' },
  },
  {
    name: 'client-slave',
    title: 'Client: slave',
    summary: 'dma_request_channel for a private channel (or NULL, also when the alloc fails), uses, dma_release_channel.',
    build: (s) => buildClient('slave', s, designModel(s.design)),
    smallScenario: { ...DEFAULT_SCENARIO, name: 'client-slave' },
  },
];

/** The catalogue entry named `name`, or undefined. */
export const machineNamed = (name: string): MachineEntry | undefined => MACHINES.find((m) => m.name === name);
