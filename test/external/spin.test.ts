/**
 * The Promela export is faithful: SPIN 6 (Debian's `spin`, with gcc) searches the exported
 * model of the standard scenario under every design to exactly dmaspec's states, dmaspec's
 * transitions plus one (pan counts the initial state), and the same failed safety checks,
 * deadlock freedom included (two small scenarios: spin-small-*.test.ts). Needs spin and gcc.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DESIGNS } from '../../src/designs/registry.ts';
import { exportPromela } from '../../src/promela/export.ts';
import { runSpin, spinAvailable } from '../../src/promela/spin.ts';
import { DEFAULT_SCENARIO } from '../../src/scenario.ts';
import { CHECKS, exportAndSpin, spinAgreesOn } from './spin-faithful.ts';

const ROOT = resolve(import.meta.dirname, '../..');

describe('dmaspec export --format promela under SPIN: the standard scenario', () => {
  it('spin and gcc are installed (apt-get install spin gcc)', () => {
    expect(spinAvailable()).toBe(true);
  });

  spinAgreesOn(DEFAULT_SCENARIO);

  it('a model exported from 2,000 of its states gives SPIN the whole space: the ranges widened by random runs and one step (src/promela/ranges.ts)', () => {
    const exported = exportPromela(DEFAULT_SCENARIO, DESIGNS['rfc-wait'].model, { maxStates: 2000 });
    expect(exported.complete).toBe(false);
    const { exported: exact } = exportAndSpin(DEFAULT_SCENARIO, 'rfc-wait');
    const spin = runSpin(exported.text, { names: CHECKS, optimize: '-O0' });
    expect({ states: spin.states, failed: [...spin.failed].sort() }).toEqual({ states: exact.states, failed: [...exact.violated].sort() });
  });

  // docs/exporting-to-spin.md's figures are pan's and dmaspec's on this very export.
  it("docs/exporting-to-spin.md quotes the standard scenario's states and transitions under rfc-wait as pan and dmaspec find them (pan's transitions one more)", () => {
    const { exported, spin } = exportAndSpin(DEFAULT_SCENARIO, 'rfc-wait');
    const text = readFileSync(join(ROOT, 'docs/exporting-to-spin.md'), 'utf8').replace(/\s+/g, ' ');
    const claim = /pan prints `(\d+) states, stored` and `(\d+) transitions`\. dmaspec finds ([\d,]+) states and ([\d,]+) transitions/.exec(text);
    expect(claim, 'the sentence quoting pan and dmaspec').not.toBeNull();
    const [, panStates, panTransitions, states, transitions] = claim!.map((x) => Number(String(x).replace(/,/g, '')));
    expect({ panStates, panTransitions, states, transitions }).toEqual({
      panStates: spin.states,
      panTransitions: spin.transitions,
      states: exported.states,
      transitions: exported.transitions,
    });
  });
});
