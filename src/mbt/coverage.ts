/**
 * Which states and transitions of a machine a set of paths exercises, against what is
 * reachable at all.
 * @module
 */
import { initialTransition, type AnyMachineSnapshot } from 'xstate';
import type { MachineModel } from '../../machines/model.ts';
import { activeIds, type StateGraph, xstateStep } from '../../machines/xstate.ts';
import { edgesAlong, indexGraph } from './graph-index.ts';
import type { EventPath } from './paths.ts';
import { firedTransition } from './transitions.ts';

/** States and transitions seen, by id (machines/kit.ts naming; see transitions.ts). */
export interface Seen {
  readonly states: Set<string>;
  readonly transitions: Set<string>;
}

/** Adds the active state ids of `snapshot` but the root's to `into`. */
function addActive(snapshot: AnyMachineSnapshot, into: Set<string>): void {
  const root = snapshot.machine.root.id;
  for (const id of activeIds(snapshot)) if (id !== root) into.add(id);
}

/** Everything reachable: the active states of every graph state and the transition of every edge. */
export function reachable(model: MachineModel, graph: StateGraph): Seen {
  const seen: Seen = { states: new Set(), transitions: new Set() };
  for (const s of graph.states) addActive(s.snapshot, seen.states);
  for (const e of graph.edges) seen.transitions.add(firedTransition(model, graph.states[e.from].snapshot, e.event)!);
  return seen;
}

/** What the paths exercise when run on the machine. */
export function exercised(model: MachineModel, paths: readonly EventPath[]): Seen & { steps: number } {
  const seen = { states: new Set<string>(), transitions: new Set<string>(), steps: 0 };
  for (const path of paths) {
    let [snapshot] = initialTransition(model.machine) as [AnyMachineSnapshot, unknown];
    addActive(snapshot, seen.states);
    for (const event of path) {
      const t = firedTransition(model, snapshot, event);
      if (t === undefined) throw new Error(`${model.name}: ${event.type} is not enabled along a generated path`);
      seen.transitions.add(t);
      snapshot = xstateStep(model.machine)(snapshot, event);
      addActive(snapshot, seen.states);
      seen.steps++;
    }
  }
  return seen;
}

/**
 * What the paths exercise, read off the explored graph (each graph state's active states
 * and each edge's transition computed once): the same sets as {@link exercised}, plus the
 * graph states and edges taken.
 * @throws PathOffGraphError if a path is not a path of the machine.
 */
export function exercisedOnGraph(
  model: MachineModel,
  graph: StateGraph,
  paths: readonly EventPath[],
): Seen & { steps: number; graphStates: Set<number>; graphEdges: Set<number> } {
  const index = indexGraph(graph);
  const graphStates = new Set<number>([0]);
  const graphEdges = new Set<number>();
  let steps = 0;
  for (const path of paths) {
    for (const e of edgesAlong(index, path)) {
      graphEdges.add(e);
      graphStates.add(graph.edges[e].to);
    }
    steps += path.length;
  }
  const seen: Seen = { states: new Set(), transitions: new Set() };
  for (const s of graphStates) addActive(graph.states[s].snapshot, seen.states);
  for (const e of graphEdges) seen.transitions.add(firedTransition(model, graph.states[graph.edges[e].from].snapshot, graph.edges[e].event)!);
  return { ...seen, steps, graphStates, graphEdges };
}

/** One row of the coverage table. */
export interface CoverageRow {
  readonly machine: string;
  readonly paths: number;
  readonly steps: number;
  /** Statechart state nodes exercised / reachable. */
  readonly states: string;
  /** Statechart transitions (`on` entries, see transitions.ts) exercised / reachable. */
  readonly transitions: string;
  /** Graph states (state value + context) visited / reachable. */
  readonly graphStates: string;
  /** Graph edges (state × enabled event) taken / reachable. */
  readonly graphEdges: string;
  /** Reachable but not exercised, by id (state nodes and transitions). */
  readonly missed: readonly string[];
}

/** Compares what paths exercise with what is reachable. */
export function coverageRow(model: MachineModel, graph: StateGraph, paths: readonly EventPath[]): CoverageRow {
  const all = reachable(model, graph);
  const got = exercisedOnGraph(model, graph, paths);
  const missed = [...all.states].filter((s) => !got.states.has(s)).concat([...all.transitions].filter((t) => !got.transitions.has(t)));
  const frac = (a: Set<string>, b: Set<string>) => `${[...b].filter((x) => a.has(x)).length}/${b.size}`;
  return {
    machine: model.name,
    paths: paths.length,
    steps: got.steps,
    states: frac(got.states, all.states),
    transitions: frac(got.transitions, all.transitions),
    graphStates: `${got.graphStates.size}/${graph.states.length}`,
    graphEdges: `${got.graphEdges.size}/${graph.edges.length}`,
    missed,
  };
}

/** Whether a row shows every reachable state node and transition exercised. */
export function fullyCovered(row: CoverageRow): boolean {
  const full = (f: string) => f.split('/')[0] === f.split('/')[1];
  return row.missed.length === 0 && full(row.states) && full(row.transitions);
}
