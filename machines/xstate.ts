/**
 * The one bridge between xstate and the rest of dmaspec: what a snapshot looks like to
 * properties and enabled-event functions ({@link snapshotView}), its canonical key, how a
 * transition's rule references read (kit rule 1: by name), and the reference explorer built
 * on xstate's own pure `initialTransition` and machine transition ({@link xstateStep}). Everything that reads xstate
 * internals (`_nodes`, `transitions`) does it here, so an xstate upgrade touches one file.
 * @module
 */
import { createActor, initialTransition, type AnyMachineSnapshot, type AnyStateMachine, type AnyStateNode, type StateValue } from 'xstate';
import type { StepEvent } from './kit.ts';
import type { MachineModel, ModelView } from './model.ts';

/** The ids of the active state nodes of `snapshot` (leaves and their ancestors, the root too). */
export function activeIds(snapshot: AnyMachineSnapshot): Set<string> {
  // _nodes is xstate v5's list of active state nodes.
  return new Set((snapshot._nodes as AnyStateNode[]).map((n) => n.id));
}

/** The active leaves (atomic or final state nodes) of `snapshot`, in xstate's order. */
export function activeLeaves(snapshot: AnyMachineSnapshot): AnyStateNode[] {
  return (snapshot._nodes as AnyStateNode[]).filter((n) => n.type === 'atomic' || n.type === 'final');
}

/** Views an xstate snapshot the way properties, observers and `enabledEvents` read it. */
export function snapshotView<C = any>(snapshot: AnyMachineSnapshot): ModelView<C> {
  let ids: Set<string> | undefined;
  return {
    context: snapshot.context as C,
    active(stateId: string): boolean {
      ids ??= activeIds(snapshot);
      return ids.has(stateId);
    },
  };
}

const STEPPERS = new WeakMap<AnyStateMachine, (snapshot: AnyMachineSnapshot, event: StepEvent) => AnyMachineSnapshot>();

/**
 * xstate's pure `transition(machine, snapshot, event)`, the next snapshot, with one inert
 * actor scope per machine: xstate's own builds a scope per call, and with it an actor whose
 * constructor computes the machine's initial snapshot (measured: 40 % of the CPU of a kernel
 * replay's export). The scope is only read: the kit's machines (machines/kit.ts) spawn and
 * invoke nothing and change state by `assign` alone, whose results xstate computes purely
 * (the executable actions the scope collects are dropped here, as `transition`'s callers
 * here dropped them). test/machines/xstate-step.test.ts compares it with `transition` on every
 * edge of small machines.
 */
export function xstateStep(machine: AnyStateMachine): (snapshot: AnyMachineSnapshot, event: StepEvent) => AnyMachineSnapshot {
  let step = STEPPERS.get(machine);
  if (!step) {
    const self = createActor(machine);
    const noop = () => {};
    const scope = { self, defer: noop, id: '', logger: noop, sessionId: '', stopChild: noop, system: self.system, emit: noop, actionExecutor: noop };
    step = (snapshot, event) => machine.transition(snapshot, event as never, scope as never) as AnyMachineSnapshot;
    STEPPERS.set(machine, step);
  }
  return step;
}

/** Canonical key of a snapshot: its state value and context (both plain JSON here). */
export function snapshotKey(snapshot: AnyMachineSnapshot): string {
  return JSON.stringify([snapshot.value, snapshot.context]);
}

/** A guard or action reference of a transition, by name (kit rule 1). */
export interface RuleRef {
  readonly type: string;
  readonly params?: unknown;
}

/** A transition references a guard or action otherwise than by name (kit rule 1). */
export class RuleRefError extends Error {
  override readonly name = 'RuleRefError';
  constructor(readonly where: string) {
    super(`${where} is not referenced by name: a string or { type, params } with data params (machines/kit.ts rule 1)`);
  }
}

/** `'name'` or `{ type: 'name', params }` as a {@link RuleRef}; `where` names the culprit. @throws RuleRefError */
export function ruleRef(ref: unknown, where: string): RuleRef {
  if (typeof ref === 'string') return { type: ref, params: undefined };
  if (ref !== null && typeof ref === 'object' && typeof (ref as RuleRef).type === 'string' && typeof (ref as RuleRef).params !== 'function')
    return { type: (ref as RuleRef).type, params: (ref as RuleRef).params };
  throw new RuleRefError(where);
}

/** The guard reference of a transition, or undefined when it has none. @throws RuleRefError */
export const guardRef = (guard: unknown, where: string): RuleRef | undefined => (guard === undefined ? undefined : ruleRef(guard, where));

interface ConfigNode {
  readonly on?: Record<string, unknown>;
  readonly states?: Record<string, ConfigNode>;
}

/** Names of the guards and actions a machine config references, each once, in document order. @throws RuleRefError */
export function ruleRefs(config: unknown): { guards: string[]; actions: string[] } {
  const guards = new Set<string>();
  const actions = new Set<string>();
  const walk = (n: ConfigNode, path: string) => {
    for (const [type, t] of Object.entries(n.on ?? {}))
      for (const [i, tr] of ([t].flat() as Record<string, unknown>[]).entries()) {
        const where = `${path} on ${type}[${i}]`;
        if (tr.guard !== undefined) guards.add(ruleRef(tr.guard, `guard of ${where}`).type);
        for (const a of [tr.actions ?? []].flat() as unknown[]) actions.add(ruleRef(a, `action of ${where}`).type);
      }
    for (const [k, c] of Object.entries(n.states ?? {})) walk(c, `${path}.${k}`);
  };
  walk(config as ConfigNode, '(machine)');
  return { guards: [...guards], actions: [...actions] };
}

/**
 * One reachable state: its snapshot and how breadth-first search first reached it. The
 * snapshot is held only until the state is explored (unless the exploration keeps them),
 * then rebuilt from the key on demand (`machine.resolveState`): xstate snapshots are large,
 * and exporting the standard scenario must fit in bounded memory.
 */
export interface GraphState {
  readonly key: string;
  readonly snapshot: AnyMachineSnapshot;
  /** Index of the BFS parent, -1 for the initial state. */
  readonly parent: number;
  /** The event taken from the parent, null for the initial state. */
  readonly via: StepEvent | null;
  readonly depth: number;
}

/** One edge of the graph, by state index. */
export interface GraphEdge {
  readonly from: number;
  readonly event: StepEvent;
  readonly to: number;
}

/** The reachable graph: states in BFS order and every edge between them. */
export interface StateGraph {
  readonly states: readonly GraphState[];
  readonly edges: readonly GraphEdge[];
}

/** The graph would exceed the state limit; nothing partial is returned. */
export class StateLimitError extends Error {
  override readonly name = 'StateLimitError';
}

/** Options of {@link exploreWithXstate}. */
export interface XstateExploreOptions {
  /** Throw {@link StateLimitError} past this many states (default 50 000). */
  readonly limit?: number;
  /**
   * Which events to try in a state: `model` (default) asks `model.enabledEvents`, the
   * function the checker compiles; `xstate` asks xstate itself (`snapshot.can`) of every
   * event of `model.allEvents`, the reference the model's function is tested against.
   */
  readonly enabled?: 'model' | 'xstate';
  /** Keep every snapshot instead of rebuilding it from its key (small graphs read every one). */
  readonly keepSnapshots?: boolean;
}

/**
 * Breadth-first exploration of every state reachable from the initial one with xstate's
 * own transition function. States are numbered in BFS order, so following `parent` gives a
 * shortest path. Slow (xstate resolves every microstep): for small scenarios, model-based
 * testing, and checking that faster explorers agree with xstate; the checker has its own.
 */
export function exploreWithXstate(model: MachineModel, options: XstateExploreOptions = {}): StateGraph {
  const limit = options.limit ?? 50_000;
  const enabled =
    options.enabled === 'xstate'
      ? (s: AnyMachineSnapshot) => model.allEvents.filter((e) => s.can(e as never))
      : (s: AnyMachineSnapshot) => model.enabledEvents(snapshotView(s));
  const [initial] = initialTransition(model.machine);
  const step = xstateStep(model.machine);
  const states: LazyState[] = [new LazyState(model, snapshotKey(initial), initial, -1, null, 0)];
  const index = new Map<string, number>([[states[0].key, 0]]);
  const edges: GraphEdge[] = [];
  for (let i = 0; i < states.length; i++) {
    const { snapshot, depth } = states[i];
    if (!options.keepSnapshots) states[i].release();
    for (const event of enabled(snapshot)) {
      const next = step(snapshot, event);
      const key = snapshotKey(next);
      let to = index.get(key);
      if (to === undefined) {
        if (states.length >= limit) throw new StateLimitError(`${model.name}: more than ${limit} states`);
        to = states.length;
        index.set(key, to);
        states.push(new LazyState(model, key, next, i, event, depth + 1));
      }
      edges.push({ from: i, event, to });
    }
  }
  return { states, edges };
}

/** A graph state whose snapshot is dropped once explored and resolved again from its key. */
class LazyState implements GraphState {
  #held: AnyMachineSnapshot | undefined;
  constructor(
    readonly model: MachineModel,
    readonly key: string,
    held: AnyMachineSnapshot,
    readonly parent: number,
    readonly via: StepEvent | null,
    readonly depth: number,
  ) {
    this.#held = held;
  }
  get snapshot(): AnyMachineSnapshot {
    if (this.#held) return this.#held;
    const [value, context] = JSON.parse(this.key) as [StateValue, unknown];
    return this.model.machine.resolveState({ value, context } as never) as AnyMachineSnapshot;
  }
  release(): void {
    this.#held = undefined;
  }
}

/** The events of a shortest path from the initial state to state `i`. */
export function pathTo(graph: StateGraph, i: number): StepEvent[] {
  const events: StepEvent[] = [];
  for (let s = graph.states[i]; s.parent >= 0; s = graph.states[s.parent]) events.push(s.via!);
  return events.reverse();
}

/** An event of a run that xstate does not accept in the state it reaches. */
export class EventNotEnabledError extends Error {
  override readonly name = 'EventNotEnabledError';
  constructor(
    readonly step: number,
    readonly event: StepEvent,
  ) {
    super(`step ${step}: ${JSON.stringify(event)} is not enabled`);
  }
}

/** Runs `events` from the initial state with xstate. @throws EventNotEnabledError at the first event xstate does not accept */
export function runWithXstate(model: MachineModel, events: readonly StepEvent[]): AnyMachineSnapshot {
  let [s] = initialTransition(model.machine);
  const step = xstateStep(model.machine);
  events.forEach((e, i) => {
    if (!s.can(e as never)) throw new EventNotEnabledError(i, e);
    s = step(s, e);
  });
  return s;
}
