/**
 * Design files export as exactly as built-in designs: SPIN's states, transitions and failed
 * safety checks equal dmaspec's for the guide's example, a design with a timer, one with a
 * thread of its own and one written in JavaScript (loaded as `--design FILE` loads them);
 * and a `--property FILE`'s own safety and liveness properties get SPIN's verdicts too.
 * Needs spin and gcc.
 */
import { describe, expect, it } from 'vitest';
import { behaviourScenario } from '../../src/check/scenarios.ts';
import { loadDesignFile } from '../../src/designs/load.ts';
import { CHECKS, exportPromela } from '../../src/promela/export.ts';
import { runSpin, runSpinLiveness } from '../../src/promela/spin.ts';
import { loadPropertyFiles } from '../../src/designs/load-properties.ts';
import { DESIGN_FILES } from '../designs/fixtures/files/index.ts';

const cooperative = behaviourScenario('cooperative');

describe('dmaspec export --format promela --design FILE under SPIN', () => {
  for (const file of DESIGN_FILES)
    it(`${file.split('/').slice(-1)[0]} on the cooperative scenario`, async () => {
      const { model } = await loadDesignFile(file, cooperative);
      const exported = exportPromela(cooperative, model);
      expect(exported.complete).toBe(true);
      const spin = runSpin(exported.text, { names: CHECKS, optimize: '-O0' });
      expect({ states: spin.states, transitions: spin.transitions - 1 }).toEqual({ states: exported.states, transitions: exported.transitions });
      expect([...spin.failed].sort()).toEqual([...exported.violated].sort());
    });
});

describe('dmaspec export --format promela --property FILE under SPIN', () => {
  it("the guide's release-callback properties: SPIN's safety and liveness verdicts are dmaspec's", async () => {
    const { model } = await loadDesignFile('examples/designs/free-before-ack.ts', cooperative);
    const properties = await loadPropertyFiles(['examples/properties/release-callbacks.ts'], cooperative, model);
    const exported = exportPromela(cooperative, model, { properties });
    expect(exported.checks).toContain('callbacks-before-free');
    const spin = runSpin(exported.text, { names: exported.checks, optimize: '-O0' });
    expect(spin.states).toBe(exported.states);
    expect([...spin.failed].sort()).toEqual([...exported.violated].sort());
    expect(exported.violated).toContain('callbacks-before-free');
    const live = await runSpinLiveness(exported.text, ['asked-client-answers'], { optimize: '-O0' });
    expect(live.map((r) => [r.property, r.violated])).toEqual([['asked-client-answers', true]]);
  });
});
