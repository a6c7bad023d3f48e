/**
 * The Promela export is faithful: SPIN 6 (Debian's `spin`, with gcc) searches the exported
 * model of the standard scenario and two small ones under every design to exactly dmaspec's
 * states, dmaspec's transitions plus one (pan counts the initial state), and the same failed
 * safety checks, deadlock freedom included. Needs spin and gcc.
 */
import { describe, expect, it } from 'vitest';
import { compileMachine } from '../../src/check/compile.ts';
import { explore } from '../../src/check/explore.ts';
import { DESIGNS } from '../../src/designs/registry.ts';
import { buildSystem } from '../../machines/system/index.ts';
import { NET_AND_SLAVE, TWO_DEVICES } from '../../machines/small-scenarios.ts';
import { exportPromela } from '../../src/promela/export.ts';
import { runSpin, spinAvailable } from '../../src/promela/spin.ts';
import { DEFAULT_SCENARIO, type Scenario } from '../../src/scenario.ts';
import { SAFETY } from '../../spec/properties.ts';
import type { DesignModel } from '../../machines/system/design.ts';

const CHECKS = [...SAFETY.map((p) => p.name), 'deadlock-free', 'export-range', 'export-error'];

/** dmaspec's own safety verdicts without symmetry: the violated checks. */
function dmaspecFailed(scenario: Scenario, design: DesignModel): string[] {
  const cm = compileMachine(buildSystem(scenario, design));
  const x = explore(cm, { symmetry: 'none', safety: SAFETY as never });
  return [...x.violations.keys(), ...(x.deadlock >= 0 ? ['deadlock-free'] : [])].sort();
}

describe('dmaspec export --format promela under SPIN', () => {
  it('spin and gcc are installed (apt-get install spin gcc)', () => {
    expect(spinAvailable()).toBe(true);
  });

  for (const scenario of [DEFAULT_SCENARIO, TWO_DEVICES, NET_AND_SLAVE])
    for (const { model: design } of Object.values(DESIGNS))
      it(`${scenario.name} under ${design.name}: same states, transitions and safety verdicts`, { timeout: 120_000 }, () => {
        const exported = exportPromela(scenario, design);
        expect(exported.complete).toBe(true);
        const spin = runSpin(exported.text, { names: CHECKS, optimize: '-O0' });
        expect({ states: spin.states, transitions: spin.transitions - 1 }).toEqual({ states: exported.states, transitions: exported.transitions });
        expect([...spin.failed].sort()).toEqual(dmaspecFailed(scenario, design));
      });

  it('a model exported from part of the state space says so: SPIN reports the check export-range', { timeout: 120_000 }, () => {
    const exported = exportPromela(DEFAULT_SCENARIO, DESIGNS['rfc-wait'].model, { maxStates: 2000 });
    expect(exported.complete).toBe(false);
    const spin = runSpin(exported.text, { names: CHECKS, optimize: '-O0' });
    expect(spin.failed).toContain('export-range');
    expect(spin.states).toBeGreaterThan(exported.states);
  });
});
