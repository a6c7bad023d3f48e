import { describe, expect, it } from 'vitest';
import { exploreWithXstate, pathTo, snapshotKey } from '../../src/mbt/explore.ts';
import { dropPrefixes, testModelShortestPaths, transitionCoverPaths } from '../../src/mbt/paths.ts';
import { coverageRow } from '../../src/mbt/coverage.ts';
import { ConformanceError, replayPath, type Adapter } from '../../src/mbt/replay.ts';
import { exportPaths } from '../../src/mbt/export.ts';
import { transitionIds } from '../../src/mbt/transitions.ts';
import { ToyImpl, toyModel } from './fixture.ts';
import { initialTransition, transition } from 'xstate';
import { snapshotView } from '../../src/mbt/view.ts';

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
    const a = { type: 'a' }, b = { type: 'b' }, c = { type: 'c', n: 1 };
    expect(dropPrefixes([[a], [a, b], [c], [a, b], [a, c]])).toEqual([[a, b], [c], [a, c]]);
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

  it('exports paths whose expected states a replay reproduces', () => {
    const paths = transitionCoverPaths(graph);
    const file = JSON.parse(JSON.stringify(exportPaths(model, paths)));
    expect(file.schema).toBe('dmaspec-paths/1');
    expect(file.paths).toHaveLength(paths.length);
    for (const p of file.paths) {
      const impl = new ToyImpl();
      for (const s of p.steps) {
        impl.step(s.event);
        expect({ ref: impl.ref, cpu: impl.cpu, zeros: impl.zeros }).toEqual(s.observable);
      }
    }
  });
});
