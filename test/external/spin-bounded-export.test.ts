/**
 * An export from a bounded search (`--max-states`) still gives SPIN the whole state space on
 * these pairs (and the standard scenario, test/external/spin.test.ts): the ranges of 100 to 2,000 breadth-first states, widened by seeded random runs
 * and one step's writes (src/promela/ranges.ts), hold every value SPIN meets, so SPIN's
 * complete search stores dmaspec's exact state count and fails exactly its checks, never
 * export-range. Without the widening the same bounds leave SPIN outside the ranges. Needs spin and gcc.
 */
import { describe, expect, it } from 'vitest';
import { namedScenario } from '../../src/check/scenarios.ts';
import { designOf } from '../../src/designs/registry.ts';
import { exportPromela } from '../../src/promela/export.ts';
import { runSpin } from '../../src/promela/spin.ts';

describe('a bounded export under SPIN', () => {
  for (const [scenario, design, bound] of [
    ['caches-pointer', 'rfc-wait', 100],
    ['migrating', 'rfc-wait', 2000],
  ] as const)
    it(`${scenario} under ${design}, ranges from ${bound} states`, () => {
      const exact = exportPromela(namedScenario(scenario)!, designOf(design).model);
      const part = exportPromela(namedScenario(scenario)!, designOf(design).model, { maxStates: bound });
      expect([exact.complete, part.complete, part.states]).toEqual([true, false, bound]);
      const spin = runSpin(part.text, { names: part.checks, optimize: '-O0' });
      expect({ states: spin.states, transitions: spin.transitions - 1, failed: [...spin.failed].sort() }).toEqual({
        states: exact.states,
        transitions: exact.transitions,
        failed: [...exact.violated].sort(),
      });
    });

  it('the random runs are what finds the deep values: with none, SPIN leaves the ranges', () => {
    const part = exportPromela(namedScenario('migrating')!, designOf('rfc-wait').model, { maxStates: 2000, rangeWalks: 0 });
    expect(runSpin(part.text, { names: part.checks, optimize: '-O0' }).failed).toContain('export-range');
  });
});
