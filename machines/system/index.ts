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
import type { ActionRule, GuardRule, Rules } from '../kit.ts';
import { makeModel, threadPayloads, type ConfiguredModel, type StateConfig } from '../make.ts';
import { hasWalker, rxThread } from '../../spec/vocabulary.ts';
import { clientRules, publicClientRegion, slaveRegion, type HotPathKind } from './clients.ts';
import { cpuRegion, cpuRules } from './cpu.ts';
import { initialContext, type SystemContext } from './context.ts';
import type { ClientSteps, DesignModel, DesignVariables } from './design.ts';
import { DesignError, didYouMean } from './design-error.ts';
import { HOT_PATHS } from './hotpaths/index.ts';
import { lockGuards } from './locks.ts';
import { graceWithoutSync, iohBuild, iohRegion, iohRules, probeRules } from './ioh.ts';
import { layoutOf, type ClientInfo, type Layout } from './layout.ts';
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
  /**
   * Event types left out of the machine (every transition on them): the checker's search for
   * a counterexample that takes none of the steps a prose assumption is about
   * (src/check/run.ts). Removing transitions only removes runs, so such a run is one of the
   * whole machine's too.
   */
  readonly withoutEvents?: readonly string[];
}

/**
 * The shared rules of the system machine for layout `L` and hot path `hotPath` (no design's
 * rules; `listed` is the design's `listedChannels` hook, which the shared walk follows, and
 * `poisoned` its `unregisterListDel`: a walk resumed from an unlisted channel then oopses).
 */
export function sharedRules(L: Layout, hotPath: HotPathKind, listed?: DesignModel['listedChannels'], poisoned = false): Rules<SystemContext> {
  const c = clientRules(L, listed, poisoned);
  const h = iohRules(L);
  const p = probeRules(L);
  const u = cpuRules(L);
  // A `tryget` design overrides the plain find/get/put actions with its own.
  const hot = HOT_PATHS[hotPath].rules(L);
  return {
    guards: { ...lockGuards, ...c.guards, ...hot.guards, ...h.guards, ...p.guards, ...u.guards } as Rules<SystemContext>['guards'],
    actions: { ...c.actions, ...hot.actions, ...h.actions, ...p.actions, ...u.actions } as Rules<SystemContext>['actions'],
  };
}

/**
 * The rules of the system machine for layout `L` and design `D`: the shared rules, the
 * design's new rules, and its explicit overrides.
 * @throws DesignError for a new rule named like a shared one, or an override of none.
 */
export function systemRules(L: Layout, D: DesignModel): Rules<SystemContext> {
  const shared = sharedRules(L, D.hotPath, D.listedChannels, D.unregisterListDel === true);
  const d = D.rules(L);
  const merged = (kind: 'guard' | 'action', base: Readonly<Record<string, unknown>>, added: object = {}, over: object = {}) => {
    const plural = `${kind}s`;
    for (const name of Object.keys(added))
      if (Object.hasOwn(base, name))
        throw new DesignError(
          D.name,
          `${kind} ${name}`,
          `a new ${kind} named like a shared one`,
          `move it to rules().overrides.${plural} to replace the shared ${kind}, or rename it`,
        );
    for (const name of Object.keys(over))
      if (!Object.hasOwn(base, name))
        throw new DesignError(
          D.name,
          `${kind} ${name}`,
          `overrides a shared ${kind} that does not exist${didYouMean(name, Object.keys(base))}`,
          `fix the name, or move it to rules().${plural} as a new ${kind}`,
        );
    return { ...base, ...added, ...over };
  };
  const guards = merged('guard', shared.guards, d.guards, d.overrides?.guards) as Record<string, GuardRule<SystemContext>>;
  const actions = merged('action', shared.actions, d.actions, d.overrides?.actions) as Record<string, ActionRule<SystemContext>>;
  if (D.timeouts) {
    // The bound of a timer step (see boundTimers): its own guard, if any, and the count.
    guards.timerBound = (ctx, p: TimerParams, e) =>
      ctx.design.global[p.counter] < p.bound && (p.inner === null || guards[p.inner.type](ctx, p.inner.params, e));
    actions.timerFired = (ctx, p: TimerParams) => void ctx.design.global[p.counter]++;
  }
  return { guards, actions };
}

/** Params of a bounded timer transition: its counter, bound and own guard. */
interface TimerParams {
  readonly counter: string;
  readonly bound: number;
  readonly inner: { readonly type: string; readonly params?: unknown } | null;
}

/** The counter variable of timer step `step`. */
const timerCounter = (step: string): string => `${step}Fired`;

/** The design's variables plus one counter per timer step. */
export function designVariablesOf(D: DesignModel): DesignVariables {
  if (!D.timeouts) return D.variables ?? {};
  const counters = Object.fromEntries(
    Object.entries(D.timeouts).map(([step, t]) => [timerCounter(step), { initial: 0, min: 0, max: t.bound, description: `times the ${step} timeout fired` }]),
  );
  return { ...D.variables, global: { ...D.variables?.global, ...counters } };
}

/**
 * Makes every transition of a timer step bounded: its guard becomes `timerBound` (the
 * count below the bound, then its own guard) and it counts itself with `timerFired`.
 * @returns the timer steps' event types.
 */
function boundTimers(config: StateConfig, D: DesignModel): Set<string> {
  const types = new Set<string>();
  const timeouts = D.timeouts ?? {};
  const walk = (n: StateConfig) => {
    for (const [event, ts] of Object.entries((n.on ?? {}) as Record<string, unknown>)) {
      const step = event.slice(event.indexOf('.') + 1);
      if (!Object.hasOwn(timeouts, step)) continue;
      types.add(event);
      (n.on as Record<string, unknown>)[event] = (Array.isArray(ts) ? ts : [ts]).map((t: Record<string, unknown>) => {
        const inner = t.guard === undefined ? null : typeof t.guard === 'string' ? { type: t.guard } : t.guard;
        const params: TimerParams = { counter: timerCounter(step), bound: timeouts[step].bound, inner: inner as TimerParams['inner'] };
        const actions = t.actions === undefined ? [] : Array.isArray(t.actions) ? t.actions : [t.actions];
        return { ...t, guard: { type: 'timerBound', params }, actions: [...actions, { type: 'timerFired', params }] };
      });
    }
    for (const k of Object.values((n.states ?? {}) as Record<string, StateConfig>)) walk(k);
  };
  walk(config);
  return types;
}

/**
 * Adds design steps to the states of a client region, after the state's own transitions.
 * @throws DesignError for an unknown state, a step outside the client's thread, or one the state already has.
 */
function addClientSteps(region: StateConfig, c: ClientInfo, D: DesignModel, steps: ClientSteps): StateConfig {
  const ids = new Map<string, StateConfig>();
  const walk = (n: StateConfig) => {
    if (typeof n.id === 'string') ids.set(n.id, n);
    for (const k of Object.values((n.states ?? {}) as Record<string, StateConfig>)) walk(k);
  };
  walk(region);
  for (const [state, on] of Object.entries(steps)) {
    if (!on) continue;
    const node = ids.get(`${c.name}.${state}`);
    if (!node) {
      const known = [...ids.keys()].map((id) => id.slice(c.name.length + 1)).filter(Boolean);
      throw new DesignError(
        D.name,
        `clientSteps ${state}`,
        `client ${c.name} (${c.kind}) has no state ${state}${didYouMean(state, known)}`,
        `use one of ${known.join(', ')}`,
      );
    }
    const own = node.on ?? {};
    for (const ev of Object.keys(on)) {
      if (!ev.startsWith(`${c.name}.`))
        throw new DesignError(D.name, `clientSteps ${state}`, `step ${ev} is not on thread ${c.name}`, `name it ${c.name}.<step>`);
      if (Object.hasOwn(own, ev))
        throw new DesignError(D.name, `clientSteps ${state}`, `state ${state} already has step ${ev}`, 'give the design step its own name');
    }
    node.on = { ...own, ...on };
  }
  return region;
}

/** Removes every transition on the event types `drop` from the state tree `n`. */
function dropEvents(n: StateConfig, drop: ReadonlySet<string>): void {
  if (n.on) n.on = Object.fromEntries(Object.entries(n.on).filter(([ev]) => !drop.has(ev)));
  for (const k of Object.values((n.states ?? {}) as Record<string, StateConfig>)) dropEvents(k, drop);
}

/** Whether `name` is a thread of the scenario or the system (a design thread may not take it). */
const reservedThread = (L: Layout, name: string): boolean =>
  name === 'cpu' || L.clients.some((c) => c.name === name || rxThread(c.name) === name) || L.iohs.some((h) => h.name === name);

/** The JSON config of the system machine. */
export function systemConfig(L: Layout, D: DesignModel, options: SystemOptions = {}): StateConfig {
  const states: Record<string, StateConfig> = {};
  for (const c of L.clients) {
    const region =
      c.kind === 'slave'
        ? slaveRegion(c)
        : publicClientRegion(c, {}, D.hotPath, L.scenario.allocFailures, D.putRebalances === true, D.unregisterListDel === true);
    states[c.name] = addClientSteps(region, c, D, D.clientSteps?.(c) ?? {});
  }
  // The probe step is 3.6's dma_async_device_register with 3.6's dma_chan_get; mainline's also
  // does kref_init and each dma_chan_get a kref_get (7.0 dmaengine.c:1224, :463), not modelled.
  if (L.scenario.hotAdd && D.deviceKref)
    throw new DesignError(
      D.name,
      'scenario hotAdd',
      "the IOH's probe step is 3.6's dma_async_device_register, without the dma_device kref this design counts",
      'replay hotAdd scenarios under a 3.x design (baseline, rfc-wait, ...)',
    );
  L.iohs.forEach((_, h) => {
    const b = iohBuild(L, h);
    const program = D.ejecting(b);
    const waits = graceWithoutSync(program);
    if (waits !== null)
      throw new DesignError(
        D.name,
        `ejecting state ${waits}`,
        'its free waits for a grace period (freeStep rcu or holders) that no synchronizeRcu step begins',
        "begin it with rcuSyncThenFree(b, key, text) (synchronize_rcu's start, then the free)",
      );
    states[b.info.name] = iohRegion(b, program, L.scenario.hotAdd === true, L.scenario.registerFailures === true);
  });
  if (options.cpuHotplug) states.cpu = cpuRegion(D.cpuNotifier === true);
  for (const [name, region] of Object.entries(D.threads?.(L) ?? {})) {
    if (Object.hasOwn(states, name) || reservedThread(L, name))
      throw new DesignError(D.name, `thread ${name}`, 'is the name of a thread the system already has', 'give the design thread its own name, e.g. wq0');
    if (region.id !== name) throw new DesignError(D.name, `thread ${name}`, `its region's id is ${JSON.stringify(region.id)}`, `give it id: '${name}'`);
    states[name] = region;
  }
  return {
    id: 'system',
    type: 'parallel',
    description: `scenario ${L.scenario.name}, design ${D.name}: one region per thread of spec/threads.md`,
    context: initialContext(L, designVariablesOf(D)),
    states,
  };
}

/** `probeFails {alloc}`: every allocation of the IOHs' first devices' register (2 + 3 per channel). */
function registerFailurePayloads(L: Layout): { alloc: number }[] {
  const most = Math.max(...L.iohs.map((h) => 2 + 3 * L.devices[h.devices[0]].channels.length));
  return Array.from({ length: most }, (_, i) => ({ alloc: i + 1 }));
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
  if (given.withoutEvents?.length) dropEvents(config, new Set(given.withoutEvents));
  const timers = boundTimers(config, D);
  const model = makeModel<SystemContext>({
    name: `system:${D.name}`,
    scenario,
    config,
    rules,
    threads: [
      ...L.clients.map((c) => c.name),
      ...L.iohs.map((h) => h.name),
      ...(options.cpuHotplug ? ['cpu'] : []),
      ...L.clients.filter((c) => hasWalker(c)).map((c) => rxThread(c.name)),
      ...Object.keys(D.threads?.(L) ?? {}),
    ],
    payloads: { ...threadPayloads(L.cpus), ...(scenario.registerFailures ? { probeFails: registerFailurePayloads(L) } : {}) },
    isFinal: (view) =>
      L.iohs.every((h) => view.active(`${h.name}.removed`) || view.active(`${h.name}.probeFailed`)) && view.context.threads.every((t) => t.inFlight === 0),
    symmetry: systemSymmetry(L),
    timers,
  });
  return { ...model, layout: L, design: D };
}
