/**
 * `npx tsx bench/ab.ts OTHER [PAIRS]`: this checkout (B) against another checkout of dmaspec
 * (A, e.g. a `git worktree add` of an older commit with its node_modules), on the standard
 * scenario under rfc-wait, one worker: PAIRS (default 5) interleaved pairs of fresh
 * bench/search.ts processes, A B A B, then per side the median states per CPU-second with
 * its range, the median wall time, and the load average before and after. Both sides must
 * find the same state count.
 * @module
 */
import { spawnSync } from 'node:child_process';
import os from 'node:os';
import { join, resolve } from 'node:path';
import { fmt, median } from './stats.ts';
import type { SearchRun } from './search.ts';
import { DEFAULT_SCENARIO } from '../src/scenario.ts';

const [other, pairsArg] = process.argv.slice(2);
if (!other) {
  process.stderr.write('usage: npx tsx bench/ab.ts OTHER-CHECKOUT [PAIRS]\n');
  process.exit(2);
}
const sides = { A: resolve(other), B: resolve(import.meta.dirname, '..') };
const arg = JSON.stringify({ scenario: DEFAULT_SCENARIO, workers: 1 });

/** One search in a fresh process of checkout `root`. */
function once(root: string): SearchRun {
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(root, 'bench', 'search.ts'), arg], { cwd: root, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`bench/search.ts in ${root} exited ${r.status}: ${r.stderr.trim().slice(0, 500)}`);
  return JSON.parse(r.stdout.trim().split('\n').at(-1) ?? '') as SearchRun;
}

const load = () =>
  os
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(' ');
const loadBefore = load();
const runs: Record<'A' | 'B', SearchRun[]> = { A: [], B: [] };
for (let i = 0; i < Number(pairsArg ?? 5); i++) for (const s of ['A', 'B'] as const) runs[s].push(once(sides[s]));
const states = new Set([...runs.A, ...runs.B].map((r) => r.states));
if (states.size !== 1) throw new Error(`the two sides found different state counts: ${[...states].join(', ')}`);
const rate = (s: 'A' | 'B') => runs[s].map((r) => r.states / r.cpuSeconds);
for (const s of ['A', 'B'] as const)
  process.stdout.write(
    `${s} ${sides[s]}: ${fmt(median(rate(s)))} states/CPU-s [${fmt(Math.min(...rate(s)))}–${fmt(Math.max(...rate(s)))}], wall ${median(runs[s].map((r) => r.wallSeconds)).toFixed(1)} s\n`,
  );
process.stdout.write(
  `B/A per CPU-s: ${(median(rate('B')) / median(rate('A'))).toFixed(2)}x; ${[...states][0]} states, ${runs.A.length} pairs; load ${loadBefore} before, ${load()} after\n`,
);
