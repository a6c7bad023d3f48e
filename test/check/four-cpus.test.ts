/**
 * The named 4-CPU scenario (examples/scenarios/four-cpus.json): the standard scenario's
 * device and clients on four CPUs, loadable as `dmaspec check --scenario FILE`. Its space
 * is too large for a test to finish; its first levels, on 1 and 2 workers, agree id for id.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { designOf, systemFor } from '../../src/designs/registry.ts';
import { SAFETY } from '../../machines/system/properties.ts';
import { compileMachine } from '../../src/check/engine/compile.ts';
import { explore } from '../../src/check/engine/explore.ts';
import { closePools } from '../../src/check/engine/parallel/pool.ts';
import { systemRecipe } from '../../src/check/recipe.ts';
import type { SafetyProperty } from '../../src/check/engine/properties.ts';
import { readScenarioFile } from '../../src/cli/args.ts';
import { DEFAULT_SCENARIO } from '../../src/scenario.ts';

afterAll(closePools);

const safety: readonly SafetyProperty[] = SAFETY;
const file = new URL('../../examples/scenarios/four-cpus.json', import.meta.url).pathname;

describe('four-cpus scenario', () => {
  it('is the standard scenario on four CPUs', () => {
    const { scenario } = readScenarioFile(file);
    expect(scenario).toMatchObject({ ...DEFAULT_SCENARIO, name: 'four-cpus', cpus: 4 });
  });

  it('its first 3000 states are the same on 1 and 2 workers', () => {
    const { scenario } = readScenarioFile(file);
    const model = systemFor(scenario);
    const cm = compileMachine(model);
    const one = explore(cm, { symmetry: 'cpus', safety, keepEdges: true, maxStates: 3000 });
    const two = explore(cm, {
      symmetry: 'cpus',
      safety,
      keepEdges: true,
      maxStates: 3000,
      parallel: { workers: 2, recipe: systemRecipe(scenario, designOf(scenario.design))!, minLevel: 1, waitForWorkers: true },
    });
    expect(two.workers).toBe(2);
    // The parallel search stops between levels, so it may hold more: the common prefix agrees.
    expect(two.states).toBeGreaterThanOrEqual(one.states);
    expect([...two.parent.subarray(0, one.states)]).toEqual([...one.parent]);
    expect([...two.parentEvent.subarray(0, one.states)]).toEqual([...one.parentEvent]);
  });
});
