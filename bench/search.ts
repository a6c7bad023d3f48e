/**
 * One dmaspec search in a fresh process, for the benchmark against SPIN (bench/versus-spin.ts):
 * `tsx bench/search.ts '{"scenario": …, "workers": N}'` explores the scenario's system
 * machine as SPIN explores its Promela export (no symmetry, every safety property on every
 * new state, no edges kept) and prints one JSON line: states, transitions, the search's wall
 * and CPU seconds (process.cpuUsage: every thread of the process, the workers' and the
 * garbage collector's included) and the store's bytes.
 * A fresh process per run, as pan is: nothing is warm but what one search warms itself.
 * @module
 */
import { compileMachine } from '../src/check/engine/compile.ts';
import { explore } from '../src/check/engine/explore.ts';
import { closePools } from '../src/check/engine/parallel/pool.ts';
import { systemRecipe } from '../src/check/recipe.ts';
import type { SafetyProperty } from '../src/check/engine/properties.ts';
import { designOf, systemFor } from '../src/designs/registry.ts';
import type { Scenario } from '../src/scenario.ts';
import { SAFETY } from '../machines/system/properties.ts';

/** What the child prints. */
export interface SearchRun {
  readonly states: number;
  readonly transitions: number;
  readonly wallSeconds: number;
  readonly cpuSeconds: number;
  /** The visited set's arrays (rows, hash table), bytes. */
  readonly storeBytes: number;
  /** Resident set size after the search, bytes. */
  readonly rssBytes: number;
  /** Threads the search ran on at the end. */
  readonly workers: number;
}

async function main(): Promise<void> {
  const { scenario, workers } = JSON.parse(process.argv[2] ?? '{}') as { scenario: Scenario; workers: number };
  const model = systemFor(scenario);
  const cm = compileMachine(model);
  const safety: readonly SafetyProperty[] = SAFETY;
  const recipe = workers > 1 ? systemRecipe(scenario, designOf(scenario.design)) : undefined;
  if (workers > 1 && !recipe) throw new Error('this scenario cannot be explored in workers');
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const x = explore(cm, { symmetry: 'none', safety, parallel: recipe ? { workers, recipe, startAt: 0 } : undefined });
  const wallSeconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const run: SearchRun = {
    states: x.states,
    transitions: x.transitions,
    wallSeconds,
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
    storeBytes: x.store.memoryBytes,
    rssBytes: process.memoryUsage().rss,
    workers: x.workers,
  };
  process.stdout.write(`${JSON.stringify(run)}\n`);
  await closePools();
}

await main();
