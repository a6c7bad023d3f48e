import { describe, expect, it } from 'vitest';
import { exploreWithXstate, pathTo, snapshotKey } from '../../machines/xstate.ts';
import { dropPrefixes, edgeCoverWalks, eventKey, stateCoverPaths, testModelShortestPaths, transitionCoverPaths } from '../../src/mbt/paths.ts';
import { edgesAlong, indexGraph, PathOffGraphError } from '../../src/mbt/graph-index.ts';
import { replayOnGraph } from '../../src/mbt/replay.ts';
import { coverageRow } from '../../src/mbt/coverage.ts';
import { ConformanceError, replayPath, type Adapter } from '../../src/mbt/replay.ts';
import { exportLines } from '../../src/mbt/export.ts';
import { transitionIds } from '../../src/mbt/transitions.ts';
import { ToyImpl, toyModel } from './fixture.ts';
import { initialTransition, transition } from 'xstate';
import { snapshotView } from '../../machines/xstate.ts';

function toyAdapter(bug: 'none' | 'dec-on-first-cpu' = 'none'): Adapter {
  let impl = new ToyImpl(bug);
  const model = toyModel();
  return {
    machine: 'toy',
    reset: () => void (impl = new ToyImpl(bug)),
    step: (e) => impl.step(e),
    observe: () => ({ ref: [...impl.ref], cpu: impl.cpu, zeros: impl.zeros }),
    expected: (s) => model.observe!(snapshotView(s)),
  };
}

describe('model-based paths (src/mbt) on a toy machine', () => {
  const model = toyModel();
  const graph = exploreWithXstate(model);

  it('explores the reachable graph breadth-first, parents giving shortest paths', () => {
    // Client idle/held x cpu 0/1 x ref values x reader position x zeros: a small finite graph.
    expect(graph.states.length).toBeGreaterThan(10);
    for (let i = 1; i < graph.states.length; i++) expect(pathTo(graph, i)).toHaveLength(graph.states[i].depth);
    const keys = new Set(graph.states.map((s) => s.key));
    expect(keys.size).toBe(graph.states.length);
  });

  it('transition-cover paths exercise every reachable state and transition', () => {
    const paths = transitionCoverPaths(graph);
    const row = coverageRow(model, graph, paths);
    expect(row.missed).toEqual([]);
    expect(row.states.split('/')[0]).toBe(row.states.split('/')[1]);
    // Every statechart transition of the toy is reachable, so coverage is of all of them.
    expect(row.transitions).toBe(`${transitionIds(model).length}/${transitionIds(model).length}`);
  });

  it('drops paths that are prefixes of others, keeping first-seen order', () => {
    const a = { type: 'a' },
      b = { type: 'b' },
      c = { type: 'c', n: 1 };
    expect(dropPrefixes([[a], [a, b], [c], [a, b], [a, c]])).toEqual([[a, b], [c], [a, c]]);
    // Copies of a path that another extends all go; a lone copy of the longest stays.
    expect(dropPrefixes([[a], [a], [a, b], [b], [b]])).toEqual([[a, b], [b]]);
    expect(dropPrefixes([[], [a]])).toEqual([[a]]);
  });

  it("agrees with @xstate/graph's TestModel on which states are reachable", () => {
    const ours = new Set(graph.states.map((s) => s.key));
    // TestModel keeps only paths not contained in longer ones: count every state visited.
    const theirs = new Set<string>();
    for (const path of testModelShortestPaths(model)) {
      let [s] = initialTransition(model.machine);
      theirs.add(snapshotKey(s));
      for (const e of path) theirs.add(snapshotKey(([s] = transition(model.machine, s, e as never))[0]));
    }
    expect(theirs).toEqual(ours);
  });

  it('replays every path on a correct implementation', () => {
    const adapter = toyAdapter();
    let steps = 0;
    for (const p of transitionCoverPaths(graph)) steps += replayPath(model, adapter, p);
    expect(steps).toBeGreaterThan(graph.states.length);
  });

  it('names the path, step and field where a wrong implementation diverges', () => {
    const adapter = toyAdapter('dec-on-first-cpu');
    const failures = transitionCoverPaths(graph).flatMap((p) => {
      try {
        replayPath(model, adapter, p);
        return [];
      } catch (e) {
        return [e];
      }
    });
    expect(failures.length).toBeGreaterThan(0);
    const err = failures[0] as ConformanceError;
    expect(err).toBeInstanceOf(ConformanceError);
    expect(err.path[err.stepIndex].type).toBe('c.put');
    expect(err.field).toMatch(/^\$\.ref\[[01]\]$/);
    expect(err.message).toContain('expected');
  });

  // The toy's observable is {ref, cpu, zeros}: those slots are read from it, the rest are program inputs.
  const shown = (slot: string) => /^(ref\[\d+\]|cpu|zeros)$/.test(slot);
  const toyBuilt = () => ({
    model,
    adapter: toyAdapter(),
    implementation: { scenario: model.scenario, reduced: null, steps: [], bounds: [] },
    inputField: (slot: string) => (shown(slot) ? { path: slot, decode: (v: unknown) => v as number } : undefined),
  });
  const target = { name: 'toy', description: 'the toy', fields: [] };

  it('exports paths whose expected states a replay reproduces', () => {
    const built = toyBuilt();
    const lines = [...exportLines(target, built, { paths: 'transitions', limit: 1000, includeInternals: false })].map((l) => JSON.parse(l));
    expect(lines[0]).toMatchObject({ kind: 'header', format: 'dmaspec-paths/3', machine: 'toy' });
    const paths = lines.slice(1, -1);
    expect(lines.at(-1)).toEqual({ kind: 'trailer', paths: paths.length, steps: paths.reduce((n, p) => n + p.steps.length, 0) });
    expect(paths.length).toBeGreaterThan(0);
    for (const p of paths) {
      const impl = new ToyImpl();
      for (const s of p.steps) {
        impl.step(s.event);
        expect({ ref: impl.ref, cpu: impl.cpu, zeros: impl.zeros }).toEqual(s.observable);
      }
    }
  });

  it('exports only the paths `keep` accepts, the same lines as the whole export, the trailer counting every path', () => {
    const built = toyBuilt();
    const options = { paths: 'transitions', limit: 1000, includeInternals: false } as const;
    const whole = [...exportLines(target, built, options)];
    const odd = [...exportLines(target, built, { ...options, keep: (id: number) => id % 2 === 1 })];
    expect(whole.length).toBeGreaterThan(4);
    const isOdd = (l: string) => Number(/^\{"kind":"path","id":(\d+)/.exec(l)?.[1] ?? -1) % 2 === 1;
    expect(odd).toEqual([whole[0], ...whole.slice(1, -1).filter(isOdd), whole.at(-1)]);
  });

  it('edge-cover walks take every edge in fewer steps than one path per edge', () => {
    const walks = edgeCoverWalks(graph);
    const index = indexGraph(graph);
    const taken = new Set(walks.flatMap((w) => edgesAlong(index, w)));
    expect(taken.size).toBe(graph.edges.length);
    const steps = (ps: readonly unknown[][]) => ps.reduce((n, p) => n + p.length, 0);
    expect(steps(walks as never)).toBeLessThan(steps(transitionCoverPaths(graph) as never));
    expect(coverageRow(model, graph, walks).missed).toEqual([]);
  });

  it('state-cover paths reach every state by a shortest path', () => {
    const index = indexGraph(graph);
    const reached = new Map<number, number>([[0, 0]]);
    for (const p of stateCoverPaths(graph)) {
      let at = 0;
      edgesAlong(index, p).forEach((e, i) => {
        at = graph.edges[e].to;
        if (!reached.has(at)) reached.set(at, i + 1);
      });
    }
    expect(reached.size).toBe(graph.states.length);
    for (const [s, depth] of reached) expect(depth).toBeGreaterThanOrEqual(graph.states[s].depth);
  });

  it("keeps only enabled steps of @xstate/graph's paths (it also sends guarded-off events)", () => {
    for (const p of testModelShortestPaths(model)) {
      let [s] = initialTransition(model.machine);
      for (const e of p) {
        expect(model.enabledEvents(snapshotView(s)).map(eventKey)).toContain(eventKey(e));
        [s] = transition(model.machine, s, e as never);
      }
    }
  });

  it('graph replay agrees with step-by-step replay and names the divergence the same way', () => {
    const paths = edgeCoverWalks(graph);
    expect(replayOnGraph(model, graph, toyAdapter(), paths).steps).toBe(paths.reduce((n, p) => n + p.length, 0));
    let caught: unknown;
    try {
      replayOnGraph(model, graph, toyAdapter('dec-on-first-cpu'), paths);
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(ConformanceError);
    expect((caught as ConformanceError).path[(caught as ConformanceError).stepIndex].type).toBe('c.put');
  });

  it('rejects a path that is not a path of the machine', () => {
    expect(() => edgesAlong(indexGraph(graph), [{ type: 'c.put' }])).toThrow(PathOffGraphError);
  });
});
