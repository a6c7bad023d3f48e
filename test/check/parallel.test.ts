/**
 * The parallel search (src/check/parallel) against the sequential loop: on several
 * scenarios and designs, with 2 and 3 workers taking over from the first level, the same
 * states with the same ids, parents and events (so the same shortest counterexamples),
 * the same edges, transitions, violations and deadlock; and the run's limits stop it.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { buildSystem } from '../../machines/system/index.ts';
import { loadDesignFile } from '../../src/designs/load.ts';
import { DESIGNS, systemFor } from '../../src/designs/registry.ts';
import { checkDesign, type DesignRun } from '../../src/check/run.ts';
import { SAFETY } from '../../spec/properties.ts';
import { compileMachine } from '../../src/check/compile.ts';
import { explore, type Exploration } from '../../src/check/explore.ts';
import { Limits } from '../../src/check/limits.ts';
import { closePools } from '../../src/check/parallel/pool.ts';
import { recipeOf, SEARCH_SAFETY } from '../../src/check/parallel/recipe.ts';
import type { SafetyProperty } from '../../src/check/properties.ts';
import { behaviourScenario } from '../../src/check/scenarios.ts';
import type { SymmetryMode } from '../../src/check/symmetry.ts';
import { contextLens, traceTo } from '../../src/check/trace.ts';
import { DEFAULT_SCENARIO, type Scenario } from '../../src/scenario.ts';
import { buildPercpu, percpuProperties } from './fixtures/percpu.ts';

afterAll(closePools);

const safety = SAFETY as unknown as SafetyProperty[];

/** Everything a search found that later stages read, as plain values. */
const facts = (x: Exploration) => ({
  states: x.states,
  transitions: x.transitions,
  complete: x.complete,
  violations: [...x.violations],
  deadlock: x.deadlock,
  parent: [...x.parent],
  parentEvent: [...x.parentEvent],
  edges: x.edges && { start: [...x.edges.start], target: [...x.edges.target], event: [...x.edges.event] },
});

const twin: Scenario = { ...DEFAULT_SCENARIO, clients: [DEFAULT_SCENARIO.clients[0], { ...DEFAULT_SCENARIO.clients[0], name: 'net1', cpu: 1 }] };

const cases: [string, Scenario, SymmetryMode, boolean][] = [
  ['rfc-wait, caches-pointer (safety, full symmetry)', behaviourScenario('caches-pointer'), 'full', false],
  ['baseline, migrating (edges, CPU symmetry)', { ...behaviourScenario('migrating'), design: 'baseline' }, 'cpus', true],
  ['kref, never-releases (no symmetry)', { ...behaviourScenario('never-releases'), design: 'kref' }, 'none', false],
  ['rfc-wait, twin net_dma clients on 1 CPU (thread symmetry)', { ...twin, cpus: 1, clients: twin.clients.map((c) => ({ ...c, cpu: 0 })) }, 'full', false],
];

describe('parallel search', () => {
  for (const [name, scenario, symmetry, keepEdges] of cases)
    it(`${name}: 2 and 3 workers find what 1 finds, id for id`, () => {
      const model = systemFor(scenario);
      const cm = compileMachine(model);
      const recipe = recipeOf(model, safety)!;
      expect(recipe).toBeDefined();
      const one = explore(cm, { symmetry, safety, keepEdges });
      expect(one.workers).toBe(1);
      expect(one.states).toBeGreaterThan(100);
      for (const workers of [2, 3]) {
        const many = explore(cm, { symmetry, safety, keepEdges, parallel: { workers, recipe, minLevel: 1, waitForWorkers: true } });
        expect(many.workers).toBe(workers);
        expect(facts(many)).toEqual(facts(one));
      }
    });

  it('the shortest counterexamples are the same on 1 and 2 workers, step for step', () => {
    const model = systemFor(behaviourScenario('migrating'));
    const cm = compileMachine(model);
    const traces = (x: Exploration) =>
      [...x.violations].map(([name, id]) => [name, traceTo(x, id, contextLens(cm), 'violation').steps.map((s) => s.transition)]);
    const one = explore(cm, { symmetry: 'full', safety });
    const two = explore(cm, { symmetry: 'full', safety, parallel: { workers: 2, recipe: recipeOf(model, safety)!, minLevel: 1, waitForWorkers: true } });
    expect(two.workers).toBe(2);
    expect(one.violations.size).toBeGreaterThan(0);
    expect(traces(two)).toEqual(traces(one));
  });

  it('a design module file is loaded again in each worker: the same search, id for id', async () => {
    const scenario = behaviourScenario('migrating');
    const design = await loadDesignFile(new URL('../../examples/designs/free-before-ack.ts', import.meta.url).pathname, scenario);
    const model = buildSystem(scenario, design.model);
    const cm = compileMachine(model);
    const recipe = recipeOf(model, SEARCH_SAFETY as SafetyProperty[]);
    expect(recipe?.export).toBe('systemForFile');
    const opts = { symmetry: 'cpus' as const, safety: SEARCH_SAFETY as SafetyProperty[], keepEdges: true };
    const one = explore(cm, opts);
    const two = explore(cm, { ...opts, parallel: { workers: 2, recipe: recipe!, minLevel: 1, waitForWorkers: true } });
    expect(two.workers).toBe(2);
    expect(one.violations.size).toBeGreaterThan(0);
    expect(facts(two)).toEqual(facts(one));
  });

  it("dmaspec check's safety BFS, witnesses included, runs on the workers with the verdicts and traces of one thread", () => {
    const scenario = behaviourScenario('migrating');
    const strip = (r: DesignRun) =>
      JSON.stringify({ ...r, seconds: 0, exploreSeconds: 0, searches: r.searches.map((x) => ({ ...x, seconds: 0, workers: 0 })) });
    const one = checkDesign(scenario, DESIGNS['rfc-wait'].model, { workers: 1 });
    const two = checkDesign(scenario, DESIGNS['rfc-wait'].model, { workers: 2, handOver: { minLevel: 1, waitForWorkers: true } });
    expect(one.searches[0].workers).toBe(1);
    expect(two.searches[0].workers).toBe(2);
    expect(one.results.some((p) => p.verdict === 'violated')).toBe(true);
    expect(strip(two)).toBe(strip(one));
  });

  it('workers that fail to rebuild the model leave the search to the calling thread: the same result, and the reason', () => {
    const model = systemFor(behaviourScenario('caches-pointer'));
    const cm = compileMachine(model);
    const recipe = { ...recipeOf(model, safety)!, export: 'noSuchFactory' };
    const one = explore(cm, { symmetry: 'full', safety });
    const x = explore(cm, { symmetry: 'full', safety, parallel: { workers: 2, recipe, minLevel: 1, waitForWorkers: true } });
    expect(x.workers).toBe(1);
    expect(x.parallelError?.message).toMatch(/noSuchFactory|not a function/);
    expect(facts(x)).toEqual(facts(one));
  });

  it('a model the workers cannot rebuild is explored on one thread', () => {
    expect(recipeOf(buildPercpu({ cpus: 2, clients: 2, threshold: 1, migrate: true }), percpuProperties.safety)).toBeUndefined();
    const model = systemFor(DEFAULT_SCENARIO);
    expect(recipeOf(model, [{ ...safety[0] }])).toBeUndefined();
  });

  it('an interrupt during the parallel levels stops the search with what whole levels found', () => {
    const model = systemFor(behaviourScenario('caches-pointer'));
    const cm = compileMachine(model);
    const interrupt = new Int32Array(new SharedArrayBuffer(4));
    const limits = new Limits({ interrupt, workers: 2 });
    const full = explore(cm, { symmetry: 'full', safety });
    let levels = 0;
    const x = explore(cm, {
      symmetry: 'full',
      safety,
      limits,
      parallel: { workers: 2, recipe: recipeOf(model, safety)!, minLevel: 1, waitForWorkers: true },
      progressEvery: 1,
      // A signal arriving after the third parallel level.
      onProgress: () => {
        if (++levels === 3) Atomics.store(interrupt, 0, 2);
      },
    });
    expect(x.complete).toBe(false);
    expect(x.stoppedBy).toEqual({ reason: 'interrupt', message: 'interrupted by SIGINT' });
    expect(x.states).toBeGreaterThan(1);
    expect(x.states).toBeLessThan(full.states);
    // What it kept is a prefix of the full search, id for id.
    expect([...x.parent]).toEqual([...full.parent.subarray(0, x.states)]);
  });

  it('a state limit stops it between levels', () => {
    const model = systemFor(behaviourScenario('caches-pointer'));
    const x = explore(compileMachine(model), {
      symmetry: 'full',
      safety,
      maxStates: 300,
      parallel: { workers: 2, recipe: recipeOf(model, safety)!, minLevel: 1, waitForWorkers: true },
    });
    expect(x.complete).toBe(false);
    expect(x.stoppedBy?.reason).toBe('states');
    expect(x.states).toBeGreaterThanOrEqual(300);
  });
});
