/**
 * The system machine: every thread of a scenario as one region of a parallel root —
 * clients in scenario order, then one region per IOH — with the scenario's design deciding
 * the IOH's program between unregister and free and the clients' hot path
 * (spec/threads.md). The design comes in as an object (src/designs/registry.ts has the
 * built-in ones; `systemFor` there builds a scenario under its named design), so this layer
 * never looks a design up. CPU hotplug (the `cpu` thread, last) is an option of
 * {@link buildSystem}: the Scenario type has no switch for it yet.
 * @module
 */
import type { Scenario } from '../../src/scenario.ts';
import type { Rules } from '../kit.ts';
import { makeModel, threadPayloads, type ConfiguredModel, type StateConfig } from '../make.ts';
import { rxThread } from '../../spec/vocabulary.ts';
import { clientRules, publicClientRegion, slaveRegion } from './clients.ts';
import { cpuRegion, cpuRules } from './cpu.ts';
import { initialContext, type SystemContext } from './context.ts';
import type { DesignModel } from './design.ts';
import { plainHotPath, rfcHotPath } from './hotpath.ts';
import { lockGuards } from './locks.ts';
import { iohBuild, iohRegion, iohRules } from './ioh.ts';
import { layoutOf, type Layout } from './layout.ts';
import { systemSymmetry } from './symmetry.ts';

export { observe } from './observe.ts';
export type { SystemContext } from './context.ts';

/** A system machine plus the scenario layout and design it was built from. */
export interface SystemModel extends ConfiguredModel<SystemContext> {
  readonly layout: Layout;
  readonly design: DesignModel;
}

/** Options of {@link buildSystem} beyond the scenario. */
export interface SystemOptions {
  /** Add the `cpu` thread (`cpu.offline {cpu}`, `cpu.online {cpu}`). Default: the scenario's `cpuHotplug`. */
  readonly cpuHotplug?: boolean;
}

/** The rules of the system machine for layout `L` and design `D` (design rules override). */
export function systemRules(L: Layout, D: DesignModel): Rules<SystemContext> {
  const c = clientRules(L);
  const h = iohRules(L);
  const u = cpuRules(L);
  const d = D.rules(L);
  // A `tryget` design defines its own find/get/inc/put actions over the plain ones.
  const hot = D.hotPath === 'rfc' ? rfcHotPath(L) : plainHotPath(L);
  return {
    guards: { ...lockGuards, ...c.guards, ...hot.guards, ...h.guards, ...u.guards, ...d.guards } as Rules<SystemContext>['guards'],
    actions: { ...c.actions, ...hot.actions, ...h.actions, ...u.actions, ...d.actions } as Rules<SystemContext>['actions'],
  };
}

/** The JSON config of the system machine. */
export function systemConfig(L: Layout, D: DesignModel, options: SystemOptions = {}): StateConfig {
  const states: Record<string, StateConfig> = {};
  for (const c of L.clients) {
    const extra = D.clientSteps?.(c) ?? {};
    states[c.name] = c.kind === 'slave' ? slaveRegion(c, extra) : publicClientRegion(c, extra, D.hotPath);
  }
  L.iohs.forEach((_, h) => {
    const b = iohBuild(L, h);
    states[b.info.name] = iohRegion(b, D.ejecting(b));
  });
  if (options.cpuHotplug) states.cpu = cpuRegion();
  return {
    id: 'system',
    type: 'parallel',
    description: `scenario ${L.scenario.name}, design ${D.name}: one region per thread of spec/threads.md`,
    context: initialContext(L),
    states,
  };
}

/**
 * Builds the system machine of a scenario under design `D` (which wins over
 * `scenario.design`, a name that only the registry reads).
 */
export function buildSystem(scenario: Scenario, D: DesignModel, given: SystemOptions = {}): SystemModel {
  const options = { cpuHotplug: given.cpuHotplug ?? scenario.cpuHotplug ?? false };
  const L = layoutOf(scenario);
  const rules = systemRules(L, D);
  const config = systemConfig(L, D, options);
  const model = makeModel<SystemContext>({
    name: `system:${D.name}`,
    scenario,
    config,
    rules,
    threads: [
      ...L.clients.map((c) => c.name),
      ...L.iohs.map((h) => h.name),
      ...(options.cpuHotplug ? ['cpu'] : []),
      ...L.clients.filter((c) => c.kind === 'net_dma').map((c) => rxThread(c.name)),
    ],
    payloads: threadPayloads(L.cpus),
    isFinal: (view) => L.iohs.every((h) => view.active(`${h.name}.removed`)) && view.context.threads.every((t) => t.inFlight === 0),
    symmetry: systemSymmetry(L),
  });
  return { ...model, layout: L, design: D };
}
