/**
 * Partial-order reduction (src/check/engine/por.ts) on dmaspec's own machine: on every small
 * scenario (machines/small-scenarios.ts) under every built-in design, the reduced safety
 * search gives every safety property and deadlock freedom the verdict the full search gives;
 * its learned independence is audited against every state of the full search (assumption
 * POR-A1, spec/threads.md: nothing the full search meets contradicts a choice the reduced
 * search relied on); and through `checkDesign`, every counterexample of a reduced search
 * replays on the implementation.
 */
import { describe, expect, it } from 'vitest';
import { buildSystem } from '../../machines/system/index.ts';
import { ASYNC_TX_ONLY, NET_AND_SLAVE, ONE_DEVICE, TWO_DEVICES } from '../../machines/small-scenarios.ts';
import { compileMachine } from '../../src/check/engine/compile.ts';
import { type Exploration, explore } from '../../src/check/engine/explore.ts';
import { ownProperties, searchSafety } from '../../src/check/recipe.ts';
import { checkDesign } from '../../src/check/run.ts';
import { DESIGNS } from '../../src/designs/registry.ts';
import { implementationFactory } from '../../src/cli/implementation.ts';
import type { Scenario } from '../../src/scenario.ts';
import { parseCheckArgs } from '../../src/cli/check.ts';
import { UsageError } from '../../src/cli/usage-error.ts';
import { PorUnsupported } from '../../src/check/engine/explore.ts';

const verdicts = (x: Exploration<any>) => ({ violated: [...x.violations.keys()].sort(), deadlock: x.deadlock >= 0, complete: x.complete });

/** Per scenario, how many of the 10 designs the reduction takes states from (measured; a floor, so that the test cannot pass on a reduction that does nothing). */
const FEWER: Record<string, number> = { 'async-tx-only': 4, 'two-devices': 10, 'net-and-slave': 9, 'one-device': 9 };

describe('partial-order reduction on the small scenarios under every design', () => {
  for (const scenario of [ASYNC_TX_ONLY, TWO_DEVICES, NET_AND_SLAVE, ONE_DEVICE] as Scenario[])
    it(`${scenario.name}: the same safety and deadlock verdicts, fewer or as many states, and no relied fact contradicted by the full search`, () => {
      let fewer = 0;
      for (const [name, design] of Object.entries(DESIGNS)) {
        const cm = compileMachine(buildSystem(scenario, design.model));
        const safety = searchSafety(ownProperties(design));
        const full = explore(cm, { symmetry: 'none', safety });
        const reduced = explore(cm, { symmetry: 'none', safety, por: true });
        expect(verdicts(reduced), name).toEqual(verdicts(full));
        expect(verdicts(full).complete).toBe(true);
        expect(reduced.states, name).toBeLessThanOrEqual(full.states);
        if (reduced.states < full.states) fewer++;
        // POR-A1 on this scenario: every step and property evaluated in every reachable state.
        expect(full.coder.bytes).toBe(reduced.coder.bytes);
        const row = full.store.newRow();
        let held = true;
        for (let id = 0; id < full.states && held; id++) {
          full.store.get(id, row);
          held = reduced.reduction!.audit(row);
        }
        expect(held, `${name}: a state of the full search contradicts an ample choice`).toBe(true);
      }
      expect(fewer).toBeGreaterThanOrEqual(FEWER[scenario.name]);
    });

  it('every counterexample of a reduced check replays on the implementation (async-tx-only and one-device, every design)', async () => {
    const implementation = await implementationFactory();
    let traces = 0;
    for (const scenario of [ASYNC_TX_ONLY, ONE_DEVICE] as Scenario[])
      for (const design of Object.values(DESIGNS)) {
        const run = checkDesign(scenario, design, { symmetry: false, por: true, implementation });
        expect(run.searches[0].por).toBeDefined();
        for (const p of run.results)
          if (p.trace && p.kind !== 'liveness') {
            traces++;
            expect(p.replay, `${design.model.name} ${p.name}`).toMatchObject({ reproduced: true });
          }
      }
    expect(traces).toBeGreaterThan(0);
  });

  it('command line: --por is off by default, needs --no-symmetry and the exact store; checkDesign refuses it with symmetry', async () => {
    const args = async (a: string[]) => parseCheckArgs(['--design', 'baseline', '--scenario', 'cooperative', ...a]);
    expect(await args([])).toMatchObject({ por: false });
    expect(await args(['--por', '--no-symmetry'])).toMatchObject({ por: true, symmetry: false });
    await expect(args(['--por'])).rejects.toThrow(/--no-symmetry/);
    for (const bad of [['--por'], ['--por', '--no-symmetry', '--hash-compact'], ['--por', '--no-symmetry', '--bitstate', '20']])
      await expect(args(bad)).rejects.toThrow(UsageError);
    expect(() => checkDesign(ONE_DEVICE, DESIGNS.baseline, { por: true })).toThrow(PorUnsupported);
  });
});
