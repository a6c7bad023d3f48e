/**
 * Test paths from a machine's state graph: a shortest path to every reachable state and a
 * path through every reachable transition, with paths that are prefixes of others dropped
 * (a trie over event keys makes that linear in the total length, where @xstate/graph's
 * TestModel de-duplication is quadratic in the number of paths).
 * @module
 */
import { createTestModel } from '@xstate/graph';
import type { MachineModel } from '../../machines/model.ts';
import type { StepEvent } from '../../machines/kit.ts';
import { pathTo, type StateGraph } from './explore.ts';
import { snapshotView } from './view.ts';

/** A path: the events to send from the initial state, in order. */
export type EventPath = readonly StepEvent[];

/** Stable text key of an event (type and payload in a fixed field order). */
export function eventKey(e: StepEvent): string {
  return JSON.stringify(Object.keys(e).sort().map((k) => [k, e[k]]));
}

/** One path per edge of the graph: the shortest path to its source, then the edge's event. */
export function transitionCoverPaths(graph: StateGraph): EventPath[] {
  const toState = graph.states.map((_, i) => pathTo(graph, i));
  const paths: EventPath[] = graph.states.map((_, i) => toState[i]);
  for (const e of graph.edges) paths.push([...toState[e.from], e.event]);
  return dropPrefixes(paths);
}

interface TrieNode {
  readonly children: Map<string, TrieNode>;
}

/**
 * Keeps only the paths that are not a prefix of another (and one copy of duplicates), in
 * the order they first appear. Linear in the summed path lengths.
 */
export function dropPrefixes(paths: readonly EventPath[]): EventPath[] {
  const root: TrieNode = { children: new Map() };
  const ends: TrieNode[] = [];
  for (const p of paths) {
    let node = root;
    for (const e of p) {
      const k = eventKey(e);
      let next = node.children.get(k);
      if (!next) node.children.set(k, (next = { children: new Map() }));
      node = next;
    }
    ends.push(node);
  }
  const seen = new Set<TrieNode>();
  const kept: EventPath[] = [];
  paths.forEach((p, i) => {
    const end = ends[i];
    if (end.children.size === 0 && !seen.has(end)) {
      seen.add(end);
      kept.push(p);
    }
  });
  return kept;
}

/**
 * Shortest paths to every state as @xstate/graph's TestModel generates them, with our
 * enabledEvents as its event source. Quadratic de-duplication: small machines only.
 */
export function testModelShortestPaths(model: MachineModel): EventPath[] {
  const testModel = createTestModel(model.machine, {
    events: (snapshot) => model.enabledEvents(snapshotView(snapshot as never)) as never,
  });
  return testModel.getShortestPaths().map((p) => p.steps.map((s) => s.event as unknown as StepEvent).slice(1));
}
