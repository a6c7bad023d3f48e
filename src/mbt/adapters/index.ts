/**
 * The conformance targets: every machine dmaspec generates paths from, with how to build
 * it from a scenario and the adapter that replays its paths on the implementation. The
 * names are what `dmaspec paths --machine NAME` accepts.
 * @module
 */
import { buildChannel } from '../../../machines/concerns/channel.ts';
import { buildClient } from '../../../machines/concerns/clients.ts';
import { buildDevice } from '../../../machines/concerns/device.ts';
import { buildIoh } from '../../../machines/concerns/ioh.ts';
import { buildQuiesce } from '../../../machines/concerns/quiesce.ts';
import { buildRelease } from '../../../machines/concerns/release.ts';
import { buildSystem } from '../../../machines/system/index.ts';
import { layoutOf } from '../../../machines/system/layout.ts';
import type { MachineModel } from '../../../machines/model.ts';
import { CLIENT_KINDS, type ClientKind, type ClientSpec, type Scenario } from '../../scenario.ts';
import type { Adapter } from '../replay.ts';
import { channelAdapter } from './channel.ts';
import { deviceAdapter } from './device.ts';
import { iohAdapter } from './ioh.ts';
import { quiesceAdapter } from './quiesce.ts';
import { systemAdapter } from './system.ts';

/** A machine built from a scenario, with the adapter that conforms the implementation to it. */
export interface ConformanceTarget {
  readonly name: string;
  /** One line: what the machine models and what the adapter drives. */
  readonly description: string;
  /** @throws TargetScenarioError if the scenario lacks what the machine is about. */
  build(scenario: Scenario): { model: MachineModel; adapter: Adapter };
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

const system: ConformanceTarget = {
  name: 'system',
  description: "every thread of the scenario under its design, against the whole implementation (src/core, src/ioh, src/clients)",
  build(scenario) {
    const model = buildSystem(scenario);
    return { model, adapter: systemAdapter({ model, layout: model.layout, implScenario: scenario }) };
  },
};

/** `client:<kind>`: the scenario's first client of that kind alone with its first IOH's devices. */
function clientTarget(kind: ClientKind): ConformanceTarget {
  const name = `client:${kind}`;
  return {
    name,
    description: `the scenario's first ${kind} client alone with the first IOH's devices (no removal), against System`,
    build(scenario) {
      const spec = scenario.clients.find((c) => c.kind === kind);
      if (!spec) throw new TargetScenarioError(name, `the scenario has no ${kind} client`);
      const implScenario: Scenario = { ...scenario, iohs: [scenario.iohs[0]], clients: [spec] };
      const model = buildClient(kind, scenario);
      return { model, adapter: systemAdapter({ model, layout: layoutOf(implScenario), implScenario }) };
    },
  };
}

const release: ConformanceTarget = {
  name: 'release',
  description: "the design's unregister program against one holder of a private channel (machines/concerns/release.ts), against System",
  build(scenario) {
    const ioh = scenario.iohs[0];
    // The holder of buildRelease. The implementation's copy is busy, so that the implementation lets it release at any
    // moment as the machine's abstract holder may (its uses are not part of the machine).
    const holder: ClientSpec = {
      name: 'holder',
      kind: 'slave',
      cpu: 0,
      capability: ioh.devices[0].capabilities[0],
      releases: true,
      busy: false,
      migrates: false,
      rounds: 1,
    };
    const layoutScenario: Scenario = { ...scenario, iohs: [ioh], clients: [holder] };
    const implScenario: Scenario = { ...layoutScenario, clients: [{ ...holder, busy: true }] };
    const model = buildRelease(scenario);
    return {
      model,
      adapter: systemAdapter({ model, layout: layoutOf(layoutScenario), implScenario, setup: [{ type: 'holder.request', allocOk: true }] }),
    };
  },
};

const channel: ConformanceTarget = {
  name: 'channel',
  description: "one channel's client_count through dmaengine_get/put, dma_request/release_channel and rebalance, against DmaEngine",
  build(scenario) {
    const model = buildChannel(scenario);
    return { model, adapter: channelAdapter(model, scenario) as Adapter };
  },
};

const device: ConformanceTarget = {
  name: 'device',
  description: "one device's registration, private use and unregistration under the design, against DmaEngine and the design's removal program",
  build(scenario) {
    const model = buildDevice(scenario);
    return { model, adapter: deviceAdapter(model, scenario) as Adapter };
  },
};

const ioh: ConformanceTarget = {
  name: 'ioh',
  description: 'one I/O hub: hot-add, probe, eject, surprise removal, socket CPU hotplug, against Ioh and the IOH thread program',
  build(scenario) {
    const model = buildIoh(scenario);
    return { model, adapter: iohAdapter(model, scenario) as Adapter };
  },
};

const quiesce: ConformanceTarget = {
  name: 'quiesce',
  description: "the RFC's dma_channel_quiesce loop against find/get/put on any CPU, against src/core/hotplug.ts",
  build(scenario) {
    const model = buildQuiesce(scenario);
    return { model, adapter: quiesceAdapter(model, scenario) as Adapter };
  },
};

/** Every conformance target by name, in the order the coverage table lists them. */
export const TARGETS: Readonly<Record<string, ConformanceTarget>> = Object.fromEntries(
  [channel, device, quiesce, ioh, release, ...CLIENT_KINDS.map(clientTarget), system].map((t) => [t.name, t]),
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
