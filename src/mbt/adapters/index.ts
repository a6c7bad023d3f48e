/**
 * The conformance targets: for every machine of the catalogue (src/catalogue.ts, same
 * names), how to build it from a scenario together with the adapter that replays its paths
 * on the implementation. The names are what `dmaspec paths --machine NAME` accepts.
 * @module
 */
import { channelUsers } from '../../../machines/concerns/channel.ts';
import type { IohContext } from '../../../machines/concerns/ioh.ts';
import { releaseHolder } from '../../../machines/concerns/release.ts';
import { MACHINES, type MachineEntry } from '../../catalogue.ts';
import type { SystemModel } from '../../../machines/system/index.ts';
import { layoutOf } from '../../../machines/system/layout.ts';
import type { SystemContext } from '../../../machines/system/context.ts';
import type { ScenarioModel } from '../../../machines/make.ts';
import { STRATEGIES } from '../../designs/strategies.ts';
import { quoted } from '../../excerpt.ts';
import { didYouMean } from '../../../machines/system/design-error.ts';
import type { ClientKind, DesignName, Scenario } from '../../scenario.ts';
import type { Adapter } from '../replay.ts';
import type { StepEvent } from '../../../machines/kit.ts';
import type { FieldDoc } from '../fields.ts';
import type { InputField } from '../guards.ts';
import type { DesignVariables } from '../../../machines/system/design.ts';
import { designModel } from '../../designs/models.ts';
import { QUIESCE_BOUND } from '../../../machines/concerns/quiesce.ts';
import { CHANNEL_FIELDS, channelAdapter, channelInputField, channelScenario } from './channel.ts';
import { IOH_FIELDS, iohAdapter, iohInputField, iohScenario } from './ioh.ts';
import { QUIESCE_FIELDS, quiesceAdapter, quiesceInputField, quiesceScenario } from './quiesce.ts';
import { SYSTEM_FIELDS, systemAdapter, systemInputField } from './system.ts';
import type { System } from '../../system/system.ts';

/** A machine built from a scenario, with the adapter that conforms the implementation to it. */
export interface ConformanceTarget {
  /** The catalogue name (src/catalogue.ts). */
  readonly name: string;
  /** The catalogue entry: title, summary and a small scenario where every state node is reachable. */
  readonly entry: MachineEntry;
  /** What the adapter drives and compares, in words. */
  readonly description: string;
  /** The observable fields the adapter compares, with their kernel meaning (export header). */
  readonly fields: readonly FieldDoc[];
  /**
   * The machine, its adapter and how the implementation side is set up. The adapter builds
   * the implementation only when first reset or stepped, so paths of a design without an
   * implementation can still be exported.
   * @throws TargetScenarioError if the scenario lacks what the machine is about.
   */
  build(scenario: Scenario): BuiltTarget;
  /** Whether src/ has an implementation to replay the machine on under `scenario`'s design. */
  implemented(scenario: Scenario): boolean;
}

/** How a replay builds the implementation a machine's paths start from. */
export interface ImplementationSetup {
  /** The scenario the implementation is built from: the machine's scenario, reduced to what the machine models. */
  readonly scenario: Scenario;
  /** How {@link scenario} differs from the scenario the machine was built from, in words; null if it does not. */
  readonly reduced: string | null;
  /** Steps run on the fresh implementation before the initial state is compared (same event vocabulary as the paths). */
  readonly steps: readonly StepEvent[];
  /** The bounds the machine puts on its events to stay finite (also in the guards; here as data). */
  readonly bounds: readonly Bound[];
}

/** A bound a machine puts on events to stay finite. */
export interface Bound {
  readonly name: string;
  readonly value: number;
  /** The event types it bounds. */
  readonly events: readonly string[];
  /** The condition, in words, with `value` standing for {@link value}. */
  readonly meaning: string;
}

/** A target built from a scenario. */
export interface BuiltTarget {
  readonly model: ScenarioModel;
  readonly adapter: Adapter;
  readonly implementation: ImplementationSetup;
  /** Which context slots the adapter's observable shows (the export's guard inputs). */
  readonly inputField: InputField;
  /** The design's variables, for the meanings of the guard inputs that are design variables. */
  readonly variables?: DesignVariables;
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

const hasStrategy = (design: DesignName) => Object.hasOwn(STRATEGIES, design);

type Part = Omit<ConformanceTarget, 'name' | 'entry' | 'implemented' | 'fields'> & { fields?: readonly FieldDoc[] } & {
  implemented?(scenario: Scenario): boolean;
};

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
      const reduced =
        `the scenario's first ${kind} client (${spec.name}) alone, with the first IOH (${scenario.iohs[0].name}); the IOH thread does not run` +
        (flips ? '; env.keyOn/env.keyOff set the quiesce key directly (kernel.key)' : '');
      return {
        model,
        adapter: systemAdapter({ model, layout: layoutOf(implScenario), design: designModel(scenario.design), implScenario, ...(flips ? { env } : {}) }),
        implementation: { scenario: implScenario, reduced, steps: [], bounds: [] },
        inputField: systemInputField(layoutOf(implScenario), designModel(scenario.design)),
        variables: designModel(scenario.design).variables,
      };
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
      const reduced =
        `design ${design}, the first IOH (${ioh.name}) and one slave client "holder" on CPU 0 instead of the scenario's clients; ` +
        'the holder is busy (it may release at any step) and takes its private channel in the set-up step';
      return {
        model,
        adapter: systemAdapter({ model, layout: layoutOf(layoutScenario), design: designModel(design), implScenario, setup }),
        implementation: { scenario: implScenario, reduced, steps: setup, bounds: [] },
        inputField: systemInputField(layoutOf(layoutScenario), designModel(design)),
        variables: designModel(design).variables,
      };
    },
  };
}

const PARTS: Record<string, (entry: MachineEntry) => Part> = {
  system: (entry) => ({
    description:
      'every thread of the scenario under its design, on the whole implementation (System: src/core, src/ioh, src/clients); observable state and enabled steps compared',
    build(scenario) {
      const model = entry.build(scenario) as SystemModel;
      return {
        model,
        adapter: systemAdapter({ model, layout: model.layout, design: model.design, implScenario: scenario }),
        implementation: { scenario, reduced: null, steps: [], bounds: [] },
        inputField: systemInputField(model.layout, model.design),
        variables: model.design.variables,
      };
    },
  }),
  channel: (entry) => ({
    fields: CHANNEL_FIELDS,
    description:
      "one channel's client_count through dmaengine_get/put, dma_request/release_channel and rebalance, on DmaEngine; observable state and enabled steps compared",
    implemented: () => true,
    build(scenario) {
      const model = entry.build(scenario) as ScenarioModel<SystemContext>;
      const impl = channelScenario(scenario);
      const users = channelUsers(scenario);
      const reduced =
        `one device (${impl.iohs[0].devices[0].name}) cut to ONE channel, registered before the first step (dma_async_device_register, nobody holds it); ` +
        `no client threads: the events are the dmaengine API calls; env.dmaengineGet is offered while fewer than ${users} dmaengine_get users hold ` +
        '(one per net_dma or async_tx client of the scenario, at least one): the bound that keeps the machine finite';
      const bounds: Bound[] = [
        {
          name: 'dmaengineGetUsers',
          value: users,
          events: ['env.dmaengineGet'],
          meaning:
            'env.dmaengineGet is offered only while refCount < value: the dmaengine_get users the environment may have at once (one per net_dma or async_tx client of the scenario, at least one)',
        },
      ];
      return {
        model,
        adapter: channelAdapter(model, impl) as Adapter,
        implementation: { scenario: impl, reduced, steps: [], bounds },
        inputField: channelInputField,
      };
    },
  }),
  ioh: (entry) => ({
    fields: IOH_FIELDS,
    description: 'one I/O hub: hot-add, probe, eject, surprise removal, socket CPU hotplug, on Ioh and the IOH thread program',
    implemented: () => true,
    build(scenario) {
      const model = entry.build(scenario) as ScenarioModel<IohContext>;
      const impl = iohScenario(scenario);
      const reduced = `the first IOH (${impl.iohs[0].name}) alone, absent at first (hotAdd creates it), design baseline's unregister; no client threads`;
      return {
        model,
        adapter: iohAdapter(model, impl) as Adapter,
        implementation: { scenario: { ...impl, design: 'baseline' }, reduced, steps: [], bounds: [] },
        inputField: iohInputField,
      };
    },
  }),
  quiesce: (entry) => ({
    fields: QUIESCE_FIELDS,
    description: "the RFC's dma_channel_quiesce loop against find/get/put on any CPU, on src/core/hotplug.ts",
    implemented: () => true,
    build(scenario) {
      const model = entry.build(scenario) as ScenarioModel<SystemContext>;
      const impl = quiesceScenario(scenario);
      const reduced =
        `dma_channel_quiesce alone on rfc-wait's hot path with the first device (${impl.iohs[0].devices[0].name}), being unregistered; ` +
        'env.* steps are dma_find_channel / dma_get_channel / dma_put_channel by any thread on the given CPU; ' +
        "the bound that keeps the machine finite: env.find and env.get are offered while the CPU's count is below 2 and the sum of all below 2, " +
        "env.put while the CPU's count is above -2 and the sum above 0";
      const bounds: Bound[] = [
        {
          name: 'incBound',
          value: QUIESCE_BOUND,
          events: ['env.find', 'env.get'],
          meaning: "offered on a CPU only while that CPU's ref < value and the sum of ref over all CPUs < value",
        },
        {
          name: 'decBound',
          value: QUIESCE_BOUND,
          events: ['env.put'],
          meaning: "offered on a CPU only while that CPU's ref > -value and the sum of ref over all CPUs > 0",
        },
      ];
      return {
        model,
        adapter: quiesceAdapter(model, impl) as Adapter,
        implementation: { scenario: impl, reduced, steps: [], bounds },
        inputField: quiesceInputField,
      };
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
      fields: part.fields ?? SYSTEM_FIELDS,
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
    super(`unknown machine ${quoted(machine)}${didYouMean(machine, Object.keys(TARGETS))} (known: ${Object.keys(TARGETS).join(', ')})`);
  }
}

/** The target named `name`. @throws UnknownMachineError */
export function targetNamed(name: string): ConformanceTarget {
  const t = Object.hasOwn(TARGETS, name) ? TARGETS[name] : undefined;
  if (!t) throw new UnknownMachineError(name);
  return t;
}
