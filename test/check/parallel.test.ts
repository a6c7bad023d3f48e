/**
 * The parallel search (src/check/engine/parallel) against the sequential loop: on several
 * scenarios and designs, with 2 and 3 workers taking over from the first level, the same
 * states with the same ids, parents and events (so the same shortest counterexamples),
 * the same edges, transitions, violations and deadlock; and the run's limits stop it.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { buildSystem } from '../../machines/system/index.ts';
import { loadDesignFile } from '../../src/designs/load.ts';
import { DESIGNS, designOf, systemFor } from '../../src/designs/registry.ts';
import { checkDesign, type DesignRun } from '../../src/check/run.ts';
import { SAFETY } from '../../machines/system/properties.ts';
import { compileMachine } from '../../src/check/engine/compile.ts';
import { explore, type Exploration } from '../../src/check/engine/explore.ts';
import { Limits } from '../../src/check/engine/limits.ts';
import { closePools } from '../../src/check/engine/parallel/pool.ts';
import { SEARCH_SAFETY, systemRecipe } from '../../src/check/recipe.ts';
import type { SafetyProperty } from '../../src/check/engine/properties.ts';
import { behaviourScenario } from '../../src/check/scenarios.ts';
import type { SymmetryMode } from '../../src/check/engine/symmetry.ts';
import { contextLens, traceTo } from '../../src/check/engine/trace.ts';
import { DEFAULT_SCENARIO, type Scenario } from '../../src/scenario.ts';

afterAll(closePools);

const safety: readonly SafetyProperty[] = SAFETY;

/** The recipe `dmaspec check` hands the engine for `scenario` under its built-in design. */
const recipeOf = (scenario: Scenario) => systemRecipe(scenario, designOf(scenario.design))!;

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
      const recipe = recipeOf(scenario);
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
    const scenario = behaviourScenario('migrating');
    const cm = compileMachine(systemFor(scenario));
    const traces = (x: Exploration) =>
      [...x.violations].map(([name, id]) => [name, traceTo(x, id, contextLens(cm), 'violation').steps.map((s) => s.transition)]);
    const one = explore(cm, { symmetry: 'full', safety });
    const two = explore(cm, { symmetry: 'full', safety, parallel: { workers: 2, recipe: recipeOf(scenario), minLevel: 1, waitForWorkers: true } });
    expect(two.workers).toBe(2);
    expect(one.violations.size).toBeGreaterThan(0);
    expect(traces(two)).toEqual(traces(one));
  });

  it('a design module file is loaded again in each worker: the same search, id for id', async () => {
    const scenario = behaviourScenario('migrating');
    const design = await loadDesignFile(new URL('../../examples/designs/free-before-ack.ts', import.meta.url).pathname, scenario);
    const model = buildSystem(scenario, design.model);
    const cm = compileMachine(model);
    const recipe = systemRecipe(scenario, design);
    expect(recipe?.export).toBe('systemForFile');
    const opts = { symmetry: 'cpus' as const, safety: SEARCH_SAFETY, keepEdges: true };
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
    const scenario = behaviourScenario('caches-pointer');
    const cm = compileMachine(systemFor(scenario));
    const recipe = { ...recipeOf(scenario), export: 'noSuchFactory' };
    const one = explore(cm, { symmetry: 'full', safety });
    const x = explore(cm, { symmetry: 'full', safety, parallel: { workers: 2, recipe, minLevel: 1, waitForWorkers: true } });
    expect(x.workers).toBe(1);
    expect(x.parallelError?.message).toMatch(/noSuchFactory|not a function/);
    expect(facts(x)).toEqual(facts(one));
  });

  it('a design made in code has no recipe: its search stays on the calling thread', () => {
    const made = { model: { ...DESIGNS['rfc-wait'].model } };
    expect(systemRecipe(DEFAULT_SCENARIO, made)).toBeUndefined();
    const run = checkDesign(behaviourScenario('caches-pointer'), made, { workers: 2, handOver: { minLevel: 1, waitForWorkers: true } });
    expect(run.searches[0].workers).toBe(1);
  });

  it('a recipe whose property list lacks a property of the search leaves the search to the calling thread, saying which', () => {
    const scenario = behaviourScenario('caches-pointer');
    const cm = compileMachine(systemFor(scenario));
    const extra: SafetyProperty = { name: 'not-in-the-list', holds: () => true };
    const one = explore(cm, { symmetry: 'full', safety: [...safety, extra] });
    const x = explore(cm, {
      symmetry: 'full',
      safety: [...safety, extra],
      parallel: { workers: 2, recipe: recipeOf(scenario), minLevel: 1, waitForWorkers: true },
    });
    expect(x.workers).toBe(1);
    expect(x.parallelError?.message).toMatch(/not-in-the-list/);
    expect(facts(x)).toEqual(facts(one));
  });

  it('an interrupt during the parallel levels stops the search with what whole levels found', () => {
    const scenario = behaviourScenario('caches-pointer');
    const cm = compileMachine(systemFor(scenario));
    const interrupt = new Int32Array(new SharedArrayBuffer(4));
    const limits = new Limits({ interrupt, workers: 2 });
    const full = explore(cm, { symmetry: 'full', safety });
    let levels = 0;
    const x = explore(cm, {
      symmetry: 'full',
      safety,
      limits,
      parallel: { workers: 2, recipe: recipeOf(scenario), minLevel: 1, waitForWorkers: true },
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
    const scenario = behaviourScenario('caches-pointer');
    const x = explore(compileMachine(systemFor(scenario)), {
      symmetry: 'full',
      safety,
      maxStates: 300,
      parallel: { workers: 2, recipe: recipeOf(scenario), minLevel: 1, waitForWorkers: true },
    });
    expect(x.complete).toBe(false);
    expect(x.stoppedBy?.reason).toBe('states');
    expect(x.states).toBeGreaterThanOrEqual(300);
  });
});
