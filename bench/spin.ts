/**
 * The SPIN part of `npm run bench`: dmaspec against SPIN on the same state space, the
 * Promela export of the scenario (src/promela), neither with reduction (dmaspec without
 * symmetry, SPIN without partial-order reduction), in one run. Only when spin and gcc are
 * installed (Debian: apt-get install spin gcc).
 * @module
 */
import Table from 'cli-table3';
import { fmt, median } from './stats.ts';
import { compileMachine } from '../src/check/engine/compile.ts';
import { explore } from '../src/check/engine/explore.ts';
import { systemRecipe } from '../src/check/recipe.ts';
import type { SafetyProperty } from '../src/check/engine/properties.ts';
import { designOf, systemFor } from '../src/designs/registry.ts';
import { CHECKS, exportPromela } from '../src/promela/export.ts';
import { runSpin, spinAvailable } from '../src/promela/spin.ts';
import type { Scenario } from '../src/scenario.ts';
import { SAFETY } from '../machines/system/properties.ts';

/** dmaspec's rate without symmetry on `workers` threads: median of `runs` after a warm-up. */
function dmaspecRate(scenario: Scenario, workers: number, runs: number) {
  const model = systemFor(scenario);
  const cm = compileMachine(model);
  const safety: readonly SafetyProperty[] = SAFETY;
  const recipe = workers > 1 ? systemRecipe(scenario, designOf(scenario.design)) : undefined;
  const opts = { symmetry: 'none' as const, safety, parallel: recipe ? { workers, recipe, startAt: 0 } : undefined };
  explore(cm, opts);
  const rates: number[] = [];
  let states = 0;
  for (let i = 0; i < runs; i++) {
    const x = explore(cm, opts);
    rates.push(x.states / x.seconds);
    states = x.states;
  }
  return { rate: median(rates), states };
}

/** The table, or a line saying why there is none. */
export function spinTable(rows: readonly (readonly [string, Scenario])[], workers: number, runs: number): string {
  if (!spinAvailable()) return 'SPIN: not installed (apt-get install spin gcc), so no dmaspec-against-SPIN table.\n';
  const t = new Table({
    head: [
      'scenario (no reduction)',
      'states',
      'dmaspec 1 worker\nstates/s',
      `dmaspec ${workers} workers\nstates/s`,
      'SPIN pan -O2\nstates/s',
      `ratio dmaspec/SPIN\n1 | ${workers} workers`,
    ],
    style: { head: [], border: [] },
  });
  for (const [name, s] of rows) {
    const x = exportPromela(s, designOf(s.design).model);
    const spins = Array.from({ length: runs }, () => runSpin(x.text, { names: CHECKS }));
    if (spins[0].states !== x.states) throw new Error(`SPIN found ${spins[0].states} states, dmaspec ${x.states}: the export is not faithful`);
    const spin = median(spins.map((r) => r.states / r.seconds));
    const one = dmaspecRate(s, 1, runs);
    const all = dmaspecRate(s, workers, runs);
    t.push([name, fmt(x.states), fmt(one.rate), fmt(all.rate), fmt(spin), `${(one.rate / spin).toFixed(2)}x | ${(all.rate / spin).toFixed(2)}x`]);
  }
  return (
    `dmaspec against SPIN on the same state space (dmaspec export --format promela; SPIN: spin -a -o2, gcc -O2 -DNOREDUCE, pan -c0): medians of ${runs} runs\n` +
    `${t.toString()}\n` +
    "SPIN's rate is pan's states over its own elapsed search time (compilation not counted); both check every safety property on every state.\n"
  );
}
