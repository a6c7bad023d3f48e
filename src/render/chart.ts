/**
 * A plain, renderer-neutral view of an xstate v5 machine: its state tree and every
 * transition (event-driven and eventless `always`), with guards and actions reduced to
 * readable text. Both the DOT and the Mermaid converters draw from this one walk, so they
 * always agree on what a machine contains.
 *
 * Why not `@xstate/graph`'s `toDirectedGraph`: it leaves out `always` transitions, and a
 * user's machine may have them.
 * @module
 */
import type { AnyStateMachine } from 'xstate';

/** The kind of a state node, as xstate names it. */
export type ChartStateType = 'atomic' | 'compound' | 'parallel' | 'final' | 'history';

/** One state node of the tree. */
export interface ChartState {
  /** The xstate state node id (unique in the machine). */
  readonly id: string;
  /** The node's key in its parent (the root's key is the machine id). */
  readonly key: string;
  readonly type: ChartStateType;
  readonly description?: string;
  /** Id of the initial child, for compound states. */
  readonly initial?: string;
  /** Children in document order. */
  readonly children: readonly ChartState[];
}

/** One transition definition (a candidate of an event, in document order). */
export interface ChartTransition {
  /** Id of the state node that declares the transition. */
  readonly source: string;
  /** Target state ids; empty for a targetless (self, no re-entry) transition. */
  readonly targets: readonly string[];
  /** The event type; `''` for an eventless (`always`) transition. */
  readonly event: string;
  /** True for an `always` transition. */
  readonly eventless: boolean;
  /**
   * The guard as text (`name`, `name(k=v)`, `and(a, b)`, `ƒ` for an anonymous function);
   * `else` for an unguarded candidate after guarded ones of the same event.
   */
  readonly guard?: string;
  /** The actions as text, in order. */
  readonly actions: readonly string[];
  readonly description?: string;
}

/** A machine reduced to its state tree and transitions. */
export interface Chart {
  readonly id: string;
  readonly root: ChartState;
  /** Every transition, grouped by source in document order of the states. */
  readonly transitions: readonly ChartTransition[];
}

/** Minimal shape of the xstate StateNode fields read here (keeps the walk honest and typed). */
interface NodeLike {
  id: string;
  key: string;
  type: ChartStateType;
  description?: string;
  states: Record<string, NodeLike>;
  initial?: { target?: readonly NodeLike[] };
  transitions: Map<string, readonly TransitionLike[]>;
  always?: readonly TransitionLike[];
}
interface TransitionLike {
  target?: readonly NodeLike[];
  guard?: unknown;
  actions: readonly unknown[];
  description?: string;
}

/** JSON-ish params as `k=v` pairs, in key order as written (deterministic for JSON configs). */
function formatParams(params: unknown): string {
  if (params === undefined) return '';
  if (params === null || typeof params !== 'object') return `(${JSON.stringify(params)})`;
  const parts = Object.entries(params as Record<string, unknown>).map(([k, v]) => `${k}=${JSON.stringify(v)}`);
  return `(${parts.join(', ')})`;
}

/**
 * A guard as text. xstate keeps a named guard as its string or `{ type, params }`; the
 * higher-order `and`/`or`/`not` helpers are functions carrying their operands in `guards`.
 */
export function formatGuard(guard: unknown): string {
  if (typeof guard === 'string') return guard;
  if (typeof guard === 'function') {
    const operands = (guard as { guards?: unknown[]; guard?: unknown }).guards;
    const single = (guard as { guard?: unknown }).guard;
    const name = guard.name && guard.name !== 'guard' ? guard.name : 'ƒ';
    if (Array.isArray(operands)) return `${name}(${operands.map(formatGuard).join(', ')})`;
    if (single !== undefined) return `${name}(${formatGuard(single)})`;
    return name;
  }
  if (guard && typeof guard === 'object' && 'type' in guard) {
    const g = guard as { type: unknown; params?: unknown };
    return `${formatGuard(g.type)}${typeof g.params === 'function' ? '(ƒ)' : formatParams(g.params)}`;
  }
  return String(guard);
}

/** An action as text: its name (with params), or `ƒ` / the function's name when inline. */
export function formatAction(action: unknown): string {
  if (typeof action === 'string') return action;
  if (typeof action === 'function') {
    // xstate's built-ins (assign, raise, …) are functions with a `type` like 'xstate.assign'.
    const t = (action as { type?: unknown }).type;
    if (typeof t === 'string') return t.replace(/^xstate\./, '');
    return action.name || 'ƒ';
  }
  if (action && typeof action === 'object' && 'type' in action) {
    const a = action as { type: unknown; params?: unknown };
    return `${formatAction(a.type)}${typeof a.params === 'function' ? '(ƒ)' : formatParams(a.params)}`;
  }
  return String(action);
}

function toTransition(source: NodeLike, event: string, t: TransitionLike, eventless: boolean): ChartTransition {
  return {
    source: source.id,
    targets: (t.target ?? []).map((n) => n.id),
    event,
    eventless,
    ...(t.guard !== undefined ? { guard: formatGuard(t.guard) } : {}),
    actions: t.actions.map(formatAction),
    ...(t.description ? { description: t.description } : {}),
  };
}

/**
 * Walks `machine.root`: every state node (document order) and every transition, including
 * `always` ones and the internal event types xstate derives for `after` delays.
 */
export function chartOf(machine: AnyStateMachine): Chart {
  const transitions: ChartTransition[] = [];
  const walk = (node: NodeLike): ChartState => {
    // An unguarded candidate after guarded ones of the same event is taken when they all
    // fail: it reads `[else]`, or the drawing would show two arrows for one event alike.
    const fallback = (defs: readonly TransitionLike[], i: number) => defs[i]!.guard === undefined && defs.slice(0, i).some((d) => d.guard !== undefined);
    for (const [event, defs] of node.transitions)
      defs.forEach((t, i) => transitions.push(toTransition(node, event, fallback(defs, i) ? { ...t, guard: 'else' } : t, false)));
    const always = node.always ?? [];
    always.forEach((t, i) => transitions.push(toTransition(node, '', fallback(always, i) ? { ...t, guard: 'else' } : t, true)));
    const children = Object.values(node.states).map(walk);
    const initial = node.type === 'compound' ? node.initial?.target?.[0]?.id : undefined;
    return {
      id: node.id,
      key: node.key,
      type: node.type,
      ...(node.description ? { description: node.description } : {}),
      ...(initial !== undefined ? { initial } : {}),
      children,
    };
  };
  const root = walk(machine.root as unknown as NodeLike);
  return { id: machine.id, root, transitions };
}

/** A chart as given, or the chart of a machine: the converters accept either. */
export function asChart(machineOrChart: AnyStateMachine | Chart): Chart {
  // A Chart is plain data; a machine has a `config` (and a `root` StateNode of its own).
  return 'config' in machineOrChart ? chartOf(machineOrChart) : machineOrChart;
}

/** Every state of the tree, parents before children, in document order. */
export function allStates(chart: Chart): ChartState[] {
  const out: ChartState[] = [];
  const visit = (s: ChartState) => {
    out.push(s);
    s.children.forEach(visit);
  };
  visit(chart.root);
  return out;
}

/** The sub-chart rooted at state `id`: its subtree and the transitions declared inside it. */
export function subChart(chart: Chart, id: string): Chart {
  const root = allStates(chart).find((s) => s.id === id);
  if (!root) throw new RangeError(`subChart: no state with id ${JSON.stringify(id)} in machine ${chart.id}`);
  const inside = new Set(allStates({ ...chart, root }).map((s) => s.id));
  return { id, root, transitions: chart.transitions.filter((t) => inside.has(t.source)) };
}

/**
 * The regions of a chart: the children of a parallel root (one per thread in dmaspec's
 * system machine), or the root itself when it is not parallel.
 */
export function regionsOf(chart: Chart): ChartState[] {
  return chart.root.type === 'parallel' ? [...chart.root.children] : [chart.root];
}

/** `event [guard] / a, b` — the label a transition is drawn with. */
export function transitionLabel(t: ChartTransition): string {
  let label = t.eventless ? 'always' : t.event;
  if (t.guard !== undefined) label += ` [${t.guard}]`;
  if (t.actions.length > 0) label += ` / ${t.actions.join(', ')}`;
  return label;
}
