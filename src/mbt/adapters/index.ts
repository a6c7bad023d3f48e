/**
 * The conformance targets: for every machine of the catalogue (machines/index.ts, same
 * names), how to build it from a scenario together with the adapter that replays its paths
 * on the implementation. The names are what `dmaspec paths --machine NAME` accepts.
 * @module
 */
import type { ChannelContext } from '../../../machines/concerns/channel.ts';
import type { DeviceContext } from '../../../machines/concerns/device.ts';
import type { IohContext } from '../../../machines/concerns/ioh.ts';
import { releaseHolder } from '../../../machines/concerns/release.ts';
import { MACHINES, type MachineEntry } from '../../../machines/index.ts';
import type { SystemModel } from '../../../machines/system/index.ts';
import { layoutOf } from '../../../machines/system/layout.ts';
import type { SystemContext } from '../../../machines/system/context.ts';
import type { MachineModel } from '../../../machines/model.ts';
import { STRATEGIES } from '../../designs/strategies.ts';
import type { ClientKind, ClientSpec, DesignName, Scenario } from '../../scenario.ts';
import type { Adapter } from '../replay.ts';
import { channelAdapter } from './channel.ts';
import { deviceAdapter } from './device.ts';
import { iohAdapter } from './ioh.ts';
import { quiesceAdapter } from './quiesce.ts';
import type { System } from '../../core/system.ts';
import { systemAdapter } from './system.ts';

/** A machine built from a scenario, with the adapter that conforms the implementation to it. */
export interface ConformanceTarget {
  /** The catalogue name (machines/index.ts). */
  readonly name: string;
  /** The catalogue entry: title, summary and a small scenario where every state node is reachable. */
  readonly entry: MachineEntry;
  /** What the adapter drives and compares, in words. */
  readonly description: string;
  /**
   * The machine and its adapter. The adapter builds the implementation only when first
   * reset or stepped, so paths of a design without an implementation can still be exported.
   * @throws TargetScenarioError if the scenario lacks what the machine is about.
   */
  build(scenario: Scenario): { model: MachineModel; adapter: Adapter };
  /** Whether src/ has an implementation to replay the machine on under `scenario`'s design. */
  implemented(scenario: Scenario): boolean;
}

/** The scenario cannot give this machine what it models (e.g. no client of the kind). */
export class TargetScenarioError extends Error {
  override readonly name = 'TargetScenarioError';
  constructor(
    readonly target: string,
    readonly rule: string,
  ) {
    super(`machine ${target}: ${rule}`);
  }
}

const hasStrategy = (design: DesignName) => design in STRATEGIES;

type Part = Omit<ConformanceTarget, 'name' | 'entry' | 'implemented'> & { implemented?(scenario: Scenario): boolean };

/** `client-<kind>`: the scenario's first client of that kind alone with its first IOH's devices. */
function clientPart(kind: ClientKind, entry: MachineEntry): Part {
  return {
    description: `the scenario's first ${kind} client alone with the first IOH's devices (no removal), on System; observable state and enabled steps compared`,
    build(scenario) {
      const spec = scenario.clients.find((c) => c.kind === kind);
      if (!spec) throw new TargetScenarioError(entry.name, `the scenario has no ${kind} client`);
      const implScenario: Scenario = { ...scenario, iohs: [scenario.iohs[0]], clients: [spec] };
      const model = entry.build(scenario);
      const env = {
        'env.keyOn': { enabled: (s: System) => !s.kernel.key, run: (s: System) => void (s.kernel.key = true) },
        'env.keyOff': { enabled: (s: System) => s.kernel.key, run: (s: System) => void (s.kernel.key = false) },
      };
      const flips = model.allEvents.some((e) => e.type in env);
      return { model, adapter: systemAdapter({ model, layout: layoutOf(implScenario), implScenario, ...(flips ? { env } : {}) }) };
    },
  };
}

/** `release-<design>`: the design's unregister program against one holder of a private channel. */
function releasePart(design: DesignName, entry: MachineEntry): Part {
  return {
    description: `design ${design}'s unregister program against one holder of a private channel (machines/concerns/release.ts), on System; observable state and enabled steps compared`,
    implemented: () => hasStrategy(design),
    build(scenario) {
      const ioh = scenario.iohs[0];
      // The holder of buildRelease. The implementation's copy is busy, so that it may
      // release at any moment as the machine's abstract holder may (its uses are not
      // part of the machine).
      const holder = releaseHolder(ioh);
      const layoutScenario: Scenario = { ...scenario, design, iohs: [ioh], clients: [holder] };
      const implScenario: Scenario = { ...layoutScenario, clients: [{ ...holder, busy: true }] };
      const model = entry.build(scenario);
      const setup = [{ type: 'holder.request', allocOk: true }];
      return { model, adapter: systemAdapter({ model, layout: layoutOf(layoutScenario), implScenario, setup }) };
    },
  };
}

const PARTS: Record<string, (entry: MachineEntry) => Part> = {
  system: (entry) => ({
    description: 'every thread of the scenario under its design, on the whole implementation (System: src/core, src/ioh, src/clients); observable state and enabled steps compared',
    build(scenario) {
      const model = entry.build(scenario) as SystemModel;
      return { model, adapter: systemAdapter({ model, layout: model.layout, implScenario: scenario }) };
    },
  }),
  channel: (entry) => ({
    description: "one channel's client_count through dmaengine_get/put, dma_request/release_channel and rebalance, on DmaEngine",
    implemented: () => true,
    build(scenario) {
      const model = entry.build(scenario) as MachineModel<ChannelContext>;
      return { model, adapter: channelAdapter(model, scenario) as Adapter };
    },
  }),
  device: (entry) => ({
    description: "one device's registration, private use and unregistration under the design, on DmaEngine and the design's removal program",
    build(scenario) {
      const model = entry.build(scenario) as MachineModel<DeviceContext>;
      return { model, adapter: deviceAdapter(model, scenario) as Adapter };
    },
  }),
  ioh: (entry) => ({
    description: 'one I/O hub: hot-add, probe, eject, surprise removal, socket CPU hotplug, on Ioh and the IOH thread program',
    implemented: () => true,
    build(scenario) {
      const model = entry.build(scenario) as MachineModel<IohContext>;
      return { model, adapter: iohAdapter(model, scenario) as Adapter };
    },
  }),
  quiesce: (entry) => ({
    description: "the RFC's dma_channel_quiesce loop against find/get/put on any CPU, on src/core/hotplug.ts",
    implemented: () => true,
    build(scenario) {
      const model = entry.build(scenario) as MachineModel<SystemContext>;
      return { model, adapter: quiesceAdapter(model, scenario) as Adapter };
    },
  }),
};

function partOf(entry: MachineEntry): Part {
  if (PARTS[entry.name]) return PARTS[entry.name](entry);
  if (entry.name.startsWith('client-')) return clientPart(entry.name.slice('client-'.length) as ClientKind, entry);
  if (entry.name.startsWith('release-')) return releasePart(entry.name.slice('release-'.length) as DesignName, entry);
  throw new Error(`machine ${entry.name} of the catalogue has no conformance adapter (src/mbt/adapters)`);
}

/** Every catalogue machine's conformance target, by name, in catalogue order. */
export const TARGETS: Readonly<Record<string, ConformanceTarget>> = Object.fromEntries(
  MACHINES.map((entry) => {
    const part = partOf(entry);
    const target: ConformanceTarget = {
      name: entry.name,
      entry,
      description: part.description,
      build: part.build,
      implemented: part.implemented ?? ((s) => hasStrategy(s.design)),
    };
    return [entry.name, target];
  }),
);

/** A machine name that has no conformance target. */
export class UnknownMachineError extends Error {
  override readonly name = 'UnknownMachineError';
  constructor(readonly machine: string) {
    super(`unknown machine ${JSON.stringify(machine)} (known: ${Object.keys(TARGETS).join(', ')})`);
  }
}

/** The target named `name`. @throws UnknownMachineError */
export function targetNamed(name: string): ConformanceTarget {
  const t = TARGETS[name];
  if (!t) throw new UnknownMachineError(name);
  return t;
}
