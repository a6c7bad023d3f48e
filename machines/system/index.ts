/**
 * The system machine: every thread of a scenario as one region of a parallel root —
 * clients in scenario order, then one region per IOH — with the scenario's design deciding
 * the IOH's program between unregister and free and the clients' hot path
 * (spec/threads.md). CPU hotplug (the `cpu` thread) is not part of the system machine
 * yet: the Scenario type has no switch for it.
 * @module
 */
import { setup } from 'xstate';
import type { Scenario } from '../../src/scenario.ts';
import { designModel } from '../../src/designs/models.ts';
import { enabledEventsOf } from '../enabled.ts';
import { implementations, type Rules, type StepEvent } from '../kit.ts';
import type { MachineModel, ModelView } from '../model.ts';
import { clientRules, publicClientRegion, slaveRegion, type StateConfig } from './clients.ts';
import { initialContext, type SystemContext } from './context.ts';
import type { DesignModel } from './design.ts';
import { percpuHotPath, plainHotPath } from './hotpath.ts';
import { iohBuild, iohRegion, iohRules } from './ioh.ts';
import { layoutOf, type Layout } from './layout.ts';
import { systemSymmetry } from './symmetry.ts';

export { observe } from './observe.ts';
export type { SystemContext } from './context.ts';

/** A system machine plus the scenario layout and design it was built from. */
export interface SystemModel extends MachineModel<SystemContext> {
  readonly layout: Layout;
  readonly design: DesignModel;
  /** The JSON config the machine was created from. */
  readonly config: StateConfig;
}

/** The rules of the system machine for layout `L` and design `D` (design rules override). */
export function systemRules(L: Layout, D: DesignModel): Rules<SystemContext> {
  const c = clientRules(L);
  const h = iohRules(L);
  const d = D.rules(L);
  const hot = D.hotPath === 'percpu' ? percpuHotPath(L) : plainHotPath(L);
  return {
    guards: { ...c.guards, ...h.guards, ...d.guards } as Rules<SystemContext>['guards'],
    actions: { ...c.actions, ...hot, ...h.actions, ...d.actions } as Rules<SystemContext>['actions'],
  };
}

/** The JSON config of the system machine. */
export function systemConfig(L: Layout, D: DesignModel): StateConfig {
  const states: Record<string, StateConfig> = {};
  for (const c of L.clients) states[c.name] = c.kind === 'slave' ? slaveRegion(c) : publicClientRegion(c);
  L.iohs.forEach((_, h) => {
    const b = iohBuild(L, h);
    states[b.info.name] = iohRegion(b, D.ejecting(b));
  });
  return {
    id: 'system',
    type: 'parallel',
    description: `scenario ${L.scenario.name}, design ${D.name}: one region per thread of spec/threads.md`,
    context: initialContext(L),
    states,
  };
}

/** Event types of a config in document order. */
function eventTypes(config: StateConfig): string[] {
  const out: string[] = [];
  const walk = (n: StateConfig) => {
    for (const t of Object.keys((n.on ?? {}) as object)) if (!out.includes(t)) out.push(t);
    for (const k of Object.values((n.states ?? {}) as Record<string, StateConfig>)) walk(k);
  };
  walk(config);
  return out;
}

/** Every event with its payload variants: `migrate` per CPU, `request` per alloc outcome. */
function expandEvents(L: Layout, types: readonly string[]): StepEvent[] {
  const out: StepEvent[] = [];
  for (const type of types) {
    const step = type.slice(type.indexOf('.') + 1);
    if (step === 'migrate') for (let cpu = 0; cpu < L.cpus; cpu++) out.push({ type, cpu });
    else if (step === 'request') out.push({ type, allocOk: true }, { type, allocOk: false });
    else out.push({ type });
  }
  return out;
}

/**
 * Builds the system machine of a scenario under its design.
 * @throws UnknownDesignError if `scenario.design` has no model in src/designs/models.ts.
 */
export function buildSystem(scenario: Scenario): SystemModel {
  const L = layoutOf(scenario);
  const D = designModel(scenario.design);
  const rules = systemRules(L, D);
  const config = systemConfig(L, D);
  const machine = setup({
    types: {} as { context: SystemContext; events: StepEvent },
    ...implementations(rules),
  } as any).createMachine(config as any);
  const allEvents = expandEvents(L, eventTypes(config));
  const enabled = enabledEventsOf(config, rules, allEvents);
  return {
    name: `system:${D.name}`,
    scenario,
    machine,
    rules,
    layout: L,
    design: D,
    config,
    threads: [...L.clients.map((c) => c.name), ...L.iohs.map((h) => h.name)],
    allEvents,
    enabledEvents: enabled,
    isFinal: (view: ModelView<SystemContext>) =>
      L.iohs.every((h) => view.active(`${h.name}.removed`)) && view.context.threads.every((t) => t.inFlight === 0),
    symmetry: systemSymmetry(L),
  };
}
