/**
 * The Promela export is faithful: SPIN 6 (Debian's `spin`, with gcc) searches the exported
 * model of the standard scenario under every design to exactly dmaspec's states, dmaspec's
 * transitions plus one (pan counts the initial state), and the same failed safety checks,
 * deadlock freedom included (two small scenarios: spin-small-*.test.ts). Needs spin and gcc.
 */
import { describe, expect, it } from 'vitest';
import { DESIGNS } from '../../src/designs/registry.ts';
import { exportPromela } from '../../src/promela/export.ts';
import { runSpin, spinAvailable } from '../../src/promela/spin.ts';
import { DEFAULT_SCENARIO } from '../../src/scenario.ts';
import { CHECKS, spinAgreesOn } from './spin-faithful.ts';

describe('dmaspec export --format promela under SPIN: the standard scenario', () => {
  it('spin and gcc are installed (apt-get install spin gcc)', () => {
    expect(spinAvailable()).toBe(true);
  });

  spinAgreesOn(DEFAULT_SCENARIO);

  it('a model exported from 2,000 of its states gives SPIN the whole space: the ranges widened by random runs and one step (src/promela/ranges.ts)', () => {
    const exported = exportPromela(DEFAULT_SCENARIO, DESIGNS['rfc-wait'].model, { maxStates: 2000 });
    expect(exported.complete).toBe(false);
    const exact = exportPromela(DEFAULT_SCENARIO, DESIGNS['rfc-wait'].model);
    const spin = runSpin(exported.text, { names: CHECKS, optimize: '-O0' });
    expect({ states: spin.states, failed: [...spin.failed].sort() }).toEqual({ states: exact.states, failed: [...exact.violated].sort() });
  });
});
