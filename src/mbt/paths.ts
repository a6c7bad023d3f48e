/**
 * Test paths from a machine's state graph: a shortest path to every reachable state and a
 * path through every reachable transition, with paths that are prefixes of others dropped
 * (by sorting, n log n in the number of paths, where @xstate/graph's TestModel
 * de-duplication is quadratic).
 * @module
 */
import { createTestModel } from '@xstate/graph';
import type { MachineModel } from '../../machines/model.ts';
import type { StepEvent } from '../../machines/kit.ts';
import { pathTo, type StateGraph } from '../../machines/xstate.ts';
import { snapshotView } from '../../machines/xstate.ts';

/** A path: the events to send from the initial state, in order. */
export type EventPath = readonly StepEvent[];

/** Stable text key of an event (type and payload in a fixed field order). */
export function eventKey(e: StepEvent): string {
  return JSON.stringify(
    Object.keys(e)
      .sort()
      .map((k) => [k, e[k]]),
  );
}

/** One path per edge of the graph: the shortest path to its source, then the edge's event. */
export function transitionCoverPaths(graph: StateGraph): EventPath[] {
  const toState = graph.states.map((_, i) => pathTo(graph, i));
  const paths: EventPath[] = graph.states.map((_, i) => toState[i]);
  for (const e of graph.edges) paths.push([...toState[e.from], e.event]);
  return dropPrefixes(paths);
}

/** A shortest path to every reachable state, prefixes of longer ones dropped. */
export function stateCoverPaths(graph: StateGraph): EventPath[] {
  return dropPrefixes(graph.states.map((_, i) => pathTo(graph, i)));
}

/**
 * Walks that together take every edge of the graph, far fewer steps than one path per
 * edge: for each edge not yet taken, the shortest path to its source, the edge, then
 * greedily any untaken edge out of the state reached, until the state has none. Every
 * reachable state but the initial one is some edge's target, so states are covered too.
 * Deterministic: edges in graph order, first untaken edge first.
 */
export function edgeCoverWalks(graph: StateGraph): EventPath[] {
  const out: number[][] = graph.states.map(() => []);
  graph.edges.forEach((e, i) => out[e.from].push(i));
  const taken = new Uint8Array(graph.edges.length);
  // The edge BFS used to reach each state first: taking a prefix takes those edges too.
  const treeEdge = new Int32Array(graph.states.length).fill(-1);
  graph.edges.forEach((e, i) => {
    const s = graph.states[e.to];
    if (treeEdge[e.to] < 0 && s.parent === e.from && graph.states[e.to].via === e.event) treeEdge[e.to] = i;
  });
  const walks: EventPath[] = [];
  for (let first = 0; first < graph.edges.length; first++) {
    if (taken[first]) continue;
    const walk = pathTo(graph, graph.edges[first].from);
    for (let s = graph.edges[first].from; graph.states[s].parent >= 0; s = graph.states[s].parent) if (treeEdge[s] >= 0) taken[treeEdge[s]] = 1;
    for (let e: number | undefined = first; e !== undefined; e = out[graph.edges[e].to].find((x) => !taken[x])) {
      taken[e] = 1;
      walk.push(graph.edges[e].event);
    }
    walks.push(walk);
  }
  if (graph.edges.length === 0) walks.push([]);
  return dropPrefixes(walks);
}

/**
 * Keeps only the paths that are not a prefix of another (and one copy of duplicates), in
 * the order they first appear. The paths are sorted by their event codes: in that order a
 * path that is a prefix of some other path is a prefix of the one right after it, so one
 * pass finds them all, in memory linear in the summed path lengths (4 bytes a step; a trie
 * of maps was 20 times that, too much for the standard scenario's edge walks).
 */
export function dropPrefixes(paths: readonly EventPath[]): EventPath[] {
  const codeOf = new Map<string, number>();
  const codes = paths.map((p) =>
    Int32Array.from(p, (e) => {
      const k = eventKey(e);
      let c = codeOf.get(k);
      if (c === undefined) codeOf.set(k, (c = codeOf.size));
      return c;
    }),
  );
  const compare = (a: Int32Array, b: Int32Array) => {
    const n = Math.min(a.length, b.length);
    for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i] - b[i];
    return a.length - b.length;
  };
  const order = paths.map((_, i) => i).sort((i, j) => compare(codes[i], codes[j]) || i - j);
  const drop = new Uint8Array(paths.length);
  for (let r = 0; r < order.length; ) {
    // A run of equal paths: the first copy stays unless the next different path extends it.
    const a = codes[order[r]];
    let next = r + 1;
    for (; next < order.length && compare(a, codes[order[next]]) === 0; next++) drop[order[next]] = 1;
    const b = next < order.length ? codes[order[next]] : undefined;
    if (b && a.length < b.length && compare(a, b.subarray(0, a.length)) === 0) drop[order[r]] = 1;
    r = next;
  }
  return paths.filter((_, i) => !drop[i]);
}

/**
 * Shortest paths to every state as @xstate/graph's TestModel generates them, with our
 * enabledEvents as its event source. Quadratic de-duplication: small machines only.
 *
 * TestModel also sends, payload-free, every event type the active states name that our
 * source did not list (`__unsafe_getAllOwnEventDescriptors`), so a guarded-off event shows
 * up as a step that changes nothing. Those steps are dropped: a path replayed on an
 * implementation must consist of steps that are enabled.
 */
export function testModelShortestPaths(model: MachineModel): EventPath[] {
  const testModel = createTestModel(model.machine, {
    events: (snapshot) => model.enabledEvents(snapshotView(snapshot as never)) as never,
  });
  return dropPrefixes(
    testModel.getShortestPaths().map((p) => {
      const kept: StepEvent[] = [];
      for (let i = 1; i < p.steps.length; i++) {
        const event = p.steps[i].event as unknown as StepEvent;
        const enabled = model.enabledEvents(snapshotView(p.steps[i - 1].state as never)).map(eventKey);
        if (enabled.includes(eventKey(event))) kept.push(event);
      }
      return kept;
    }),
  );
}
