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

type Exported = ReturnType<typeof exportPromela>;
type Spun = ReturnType<typeof runSpin>;
const runs = new Map<string, { exported: Exported; spin: Spun }>();

/** The whole export of `scenario` under the design named `design`, and SPIN's run of it, made once per test file. */
export function exportAndSpin(scenario: Scenario, design: string): { exported: Exported; spin: Spun } {
  const key = `${scenario.name}\0${design}`;
  let r = runs.get(key);
  if (!r) {
    const exported = exportPromela(scenario, DESIGNS[design as keyof typeof DESIGNS].model);
    r = { exported, spin: runSpin(exported.text, { names: CHECKS, optimize: '-O0' }) };
    runs.set(key, r);
  }
  return r;
}

/** One test per design: SPIN's states, transitions and failed checks equal dmaspec's. */
export function spinAgreesOn(scenario: Scenario): void {
  for (const { model: design } of Object.values(DESIGNS))
    it(`${scenario.name} under ${design.name}: same states, transitions and safety verdicts`, () => {
      const { exported, spin } = exportAndSpin(scenario, design.name);
      expect(exported.complete).toBe(true);
      // pan counts the initial state as a transition too.
      expect({ states: spin.states, transitions: spin.transitions - 1 }).toEqual({ states: exported.states, transitions: exported.transitions });
      expect([...spin.failed].sort()).toEqual([...exported.violated].sort());
    });
}
