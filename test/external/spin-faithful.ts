/**
 * The SPIN faithfulness check of one scenario under every design, shared by the
 * test/external/spin-*.test.ts files (one per scenario, so vitest runs them side by side).
 */
import { expect, it } from 'vitest';
import { DESIGNS } from '../../src/designs/registry.ts';
import { exportPromela } from '../../src/promela/export.ts';
import { runSpin } from '../../src/promela/spin.ts';
import { CHECKS } from '../../src/promela/export.ts';
import type { Scenario } from '../../src/scenario.ts';

export { CHECKS } from '../../src/promela/export.ts';

/** One test per design: SPIN's states, transitions and failed checks equal dmaspec's. */
export function spinAgreesOn(scenario: Scenario): void {
  for (const { model: design } of Object.values(DESIGNS))
    it(`${scenario.name} under ${design.name}: same states, transitions and safety verdicts`, { timeout: 120_000 }, () => {
      const exported = exportPromela(scenario, design);
      expect(exported.complete).toBe(true);
      const spin = runSpin(exported.text, { names: CHECKS, optimize: '-O0' });
      // pan counts the initial state as a transition too.
      expect({ states: spin.states, transitions: spin.transitions - 1 }).toEqual({ states: exported.states, transitions: exported.transitions });
      expect([...spin.failed].sort()).toEqual([...exported.violated].sort());
    });
}
