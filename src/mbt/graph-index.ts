/**
 * Following event paths through an explored {@link StateGraph} instead of re-running
 * xstate: each step is one map lookup, so replay and coverage cost is linear in the steps
 * and every expected state is computed once per graph state, not once per path step.
 * @module
 */
import type { StepEvent } from '../../machines/kit.ts';
import type { StateGraph } from '../../machines/xstate.ts';
import { eventKey, type EventPath } from './paths.ts';

/** The graph's edges by source state and event. */
export interface GraphIndex {
  readonly graph: StateGraph;
  /** Edge index of `event` from state `from`, or undefined if the event is not enabled there. */
  edge(from: number, event: StepEvent): number | undefined;
}

/** Indexes the edges of `graph` by (source, event key). */
export function indexGraph(graph: StateGraph): GraphIndex {
  const byKey = new Map<string, number>();
  graph.edges.forEach((e, i) => byKey.set(`${e.from} ${eventKey(e.event)}`, i));
  return { graph, edge: (from, event) => byKey.get(`${from} ${eventKey(event)}`) };
}

/** A path left the graph: its event is not enabled in the state the path reached. */
export class PathOffGraphError extends Error {
  override readonly name = 'PathOffGraphError';
  constructor(
    readonly path: EventPath,
    readonly stepIndex: number,
  ) {
    super(`step ${stepIndex} (${JSON.stringify(path[stepIndex])}) of a path is not enabled in the machine state it reaches`);
  }
}

/**
 * The edges a path takes, in order.
 * @throws PathOffGraphError if some event is not enabled where the path is.
 */
export function edgesAlong(index: GraphIndex, path: EventPath): number[] {
  const edges: number[] = [];
  let at = 0;
  path.forEach((event, i) => {
    const e = index.edge(at, event);
    if (e === undefined) throw new PathOffGraphError(path, i);
    edges.push(e);
    at = index.graph.edges[e].to;
  });
  return edges;
}
