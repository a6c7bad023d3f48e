/**
 * The compiled explorer is faithful to xstate: on small scenarios, its reachable states and
 * transition relation equal those of xstate's own `transition` function, and the events its
 * compiled guards enable equal `model.enabledEvents` in every state.
 */
import { describe, expect, it } from 'vitest';
import type { MachineModel } from '../../machines/model.ts';
import { compileMachine } from '../../src/check/engine/compile.ts';
import { explore } from '../../src/check/engine/explore.ts';
import { compiledGraph, referenceGraph } from './reference.ts';
import { Stepper } from '../../src/check/engine/stepper.ts';
import { buildPercpu } from './fixtures/percpu.ts';
import { systemFor } from '../../src/designs/registry.ts';
import { behaviourScenario } from '../../src/check/scenarios.ts';
import { Canonicalizer } from '../../src/check/engine/symmetry.ts';

/** Asserts graph equality and enabled-event agreement; returns the state count. */
function assertFaithful(model: MachineModel): number {
  const cm = compileMachine(model);
  const x = explore(cm, { symmetry: 'none', safety: [], keepEdges: true });
  const ref = referenceGraph(model, cm);
  const ours = compiledGraph(x);
  expect([...ours.states].sort()).toEqual([...ref.states].sort());
  expect([...ours.edges].sort()).toEqual([...ref.edges].sort());
  const stepper = new Stepper(cm, x.coder);
  const row = x.store.newRow();
  const evs = new Int32Array(cm.events.length);
  for (let id = 0; id < x.states; id++) {
    x.store.get(id, row);
    stepper.load(row.slots);
    const n = stepper.enabled(evs, []);
    const compiled = Array.from(evs.subarray(0, n), (e) => cm.events[e]);
    expect(compiled).toEqual(model.enabledEvents(stepper.view));
  }
  return x.states;
}

describe('compiled explorer = xstate transition', () => {
  it('per-CPU fixture, migrating clients', () => {
    expect(assertFaithful(buildPercpu({ cpus: 2, clients: 2, threshold: 1, migrate: true }))).toBeGreaterThan(100);
  });
  it('per-CPU fixture, a stuck client', () => {
    expect(assertFaithful(buildPercpu({ cpus: 2, clients: 2, threshold: 1, migrate: false, stuck: true }))).toBeGreaterThan(10);
  });
  it('detects a difference: a compiled guard that disagrees with xstate fails the comparison', () => {
    const model = buildPercpu({ cpus: 2, clients: 1, threshold: 1, migrate: true });
    const cm = compileMachine(model);
    // Break the compiled form only: the client's migrate guard now always holds.
    const e = cm.events.findIndex((ev) => ev.type === 'c0.migrate');
    for (const list of cm.candidates[e]) for (const t of list) (t as { guard: unknown }).guard = () => true;
    const x = explore(cm, { symmetry: 'none', safety: [], keepEdges: true });
    expect([...compiledGraph(x).edges].sort()).not.toEqual([...referenceGraph(model, cm).edges].sort());
  });
});

describe('compiled explorer = xstate transition, system machine', () => {
  // Small scenarios of the real machine; each design's own steps are covered.
  for (const [design, behaviour] of [
    ['baseline', 'cooperative'],
    ['rfc-wait', 'never-releases'],
    ['rfc-wait', 'caches-pointer'],
  ] as const) {
    it(`${design}, ${behaviour} clients`, () => {
      const s = behaviourScenario(behaviour);
      expect(assertFaithful(systemFor({ ...s, design }))).toBeGreaterThan(100);
    });
  }
  it('symmetry of the system machine is exact (migrating, identical clients)', () => {
    const cm = compileMachine(systemFor({ ...behaviourScenario('migrating'), design: 'rfc-wait' }));
    const all = explore(cm, { symmetry: 'none', safety: [] });
    const red = explore(cm, { symmetry: 'full', safety: [] });
    const canon = new Canonicalizer(cm, 'full', all.coder);
    const row = all.store.newRow();
    const orbits = new Set<string>();
    for (let i = 0; i < all.states; i++) {
      all.store.get(i, row);
      canon.canon(row);
      orbits.add(row.slots.join());
    }
    const reduced = new Set<string>();
    for (let i = 0; i < red.states; i++) {
      red.store.get(i, row);
      reduced.add(row.slots.join());
    }
    expect(reduced).toEqual(orbits);
    expect(red.states).toBeLessThan(all.states);
  });
});
