/**
 * dmaspec against SPIN on the same state space, measured so that someone else gets the same
 * ratio: each row's Promela export (src/promela) searched by pan and the same scenario
 * searched by dmaspec (no symmetry, no reduction on either side), every run a fresh process,
 * the runs interleaved (dmaspec, SPIN, dmaspec, SPIN, … with the order reversed every other
 * repetition, so drift in the machine's load falls on both), and each rate divided by the
 * CPU time of the process that did the work as well as by wall time. Medians, with the
 * spread (lowest–highest) beside them, and the load average before and after.
 * @module
 */
import { spawnSync } from 'node:child_process';
import os from 'node:os';
import Table from 'cli-table3';
import { designOf } from '../src/designs/registry.ts';
import { exportPromela } from '../src/promela/export.ts';
import { spinAvailable } from '../src/promela/spin.ts';
import type { Scenario } from '../src/scenario.ts';
import { buildPan, panArgs, type PanRun } from './pan.ts';
import type { SearchRun } from './search.ts';
import { fmt, median } from './stats.ts';

const SEARCH = new URL('./search.ts', import.meta.url).pathname;

/** One dmaspec search in a fresh process (bench/search.ts). */
function dmaspecRun(scenario: Scenario, workers: number): SearchRun {
  const r = spawnSync(process.execPath, ['--import', 'tsx', SEARCH, JSON.stringify({ scenario, workers })], {
    encoding: 'utf8',
    maxBuffer: 16 << 20,
  });
  if (r.status !== 0) throw new Error(`bench/search.ts exited ${r.status}: ${r.stderr.slice(0, 2000)}`);
  return JSON.parse(r.stdout) as SearchRun;
}

/** Rates of a series of runs: median and spread, per wall second and per CPU second. */
interface Rates {
  readonly wall: readonly number[];
  readonly cpu: readonly number[];
}
const rates = (runs: readonly { states: number; wallSeconds: number; cpuSeconds: number }[]): Rates => ({
  wall: runs.map((r) => r.states / r.wallSeconds),
  cpu: runs.map((r) => r.states / r.cpuSeconds),
});
const spread = (xs: readonly number[]): string => `${fmt(median([...xs]))}\n[${fmt(Math.min(...xs))}–${fmt(Math.max(...xs))}]`;
const ratio = (a: readonly number[], b: readonly number[]): string => `${(median([...a]) / median([...b])).toFixed(2)}×`;
const load = (): string =>
  os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');

/** A row: its name and scenario. */
export type Row = readonly [name: string, scenario: Scenario];

/** The table for `rows`, `runs` repetitions each, dmaspec on 1 and on `workers` threads. */
export function versusSpin(rows: readonly Row[], runs: number, workers: number): string {
  if (!spinAvailable()) return 'SPIN: not installed (apt-get install spin gcc), so no dmaspec-against-SPIN table.\n';
  const loadBefore = load();
  const threads = [...new Set([1, workers])];
  const t = new Table({
    head: [
      'row (no reduction)',
      'states',
      ...threads.map((w) => `dmaspec ${w} worker${w > 1 ? 's' : ''}\nstates/CPU-s\nstates/wall-s`),
      'SPIN pan\nstates/CPU-s\nstates/wall-s',
      `ratio per CPU-s\n${threads.map((w) => `${w}w`).join(' | ')}`,
      `ratio per wall-s\n${threads.map((w) => `${w}w`).join(' | ')}`,
      'bytes/state\ndmaspec store | RSS\nSPIN',
    ],
    style: { head: [], border: [] },
  });
  const flagsSeen = new Set<string>();
  for (const [name, scenario] of rows) {
    const x = exportPromela(scenario, designOf(scenario.design).model);
    const pan = buildPan(x.text);
    flagsSeen.add(pan.flags.join(' '));
    try {
      const args = panArgs(pan, x.states);
      const spin: PanRun[] = [];
      const ours = new Map<number, SearchRun[]>(threads.map((w) => [w, []]));
      const forward: ('spin' | number)[] = ['spin', ...threads];
      for (let i = 0; i < runs; i++)
        for (const who of i % 2 === 0 ? forward : [...forward].reverse()) {
          if (who === 'spin') spin.push(pan.run(args));
          else (ours.get(who) as SearchRun[]).push(dmaspecRun(scenario, who));
        }
      for (const r of [...spin, ...[...ours.values()].flat()])
        if (r.states !== x.states) throw new Error(`${name}: a run found ${r.states} states, the export ${x.states}: not the same space`);
      const s = rates(spin);
      const d = threads.map((w) => rates(ours.get(w) as SearchRun[]));
      const one = ours.get(1) as SearchRun[];
      t.push([
        `${name}\npan ${args.join(' ')}`,
        fmt(x.states),
        ...d.map((r) => `${spread(r.cpu)}\n${fmt(median([...r.wall]))}`),
        `${spread(s.cpu)}\n${fmt(median([...s.wall]))}`,
        d.map((r) => ratio(r.cpu, s.cpu)).join(' | '),
        d.map((r) => ratio(r.wall, s.wall)).join(' | '),
        `${(median(one.map((r) => r.storeBytes)) / x.states).toFixed(0)} | ${(median(one.map((r) => r.rssBytes)) / x.states).toFixed(0)}\n${(median(spin.map((r) => r.memoryBytes)) / x.states).toFixed(0)}`,
      ]);
    } finally {
      pan.dispose();
    }
  }
  return (
    `dmaspec against SPIN on the same state space: medians of ${runs} interleaved runs [lowest–highest], each a fresh process;\n` +
    `load average ${loadBefore} before, ${load()} after, ${os.cpus().length} CPUs, Node ${process.version}\n` +
    `${t.toString()}\n` +
    `SPIN: spin -a -o2, gcc ${[...flagsSeen].join('; ')}, pan as shown (hash table for the state count, depth bound from a calibration run);\n` +
    'its CPU is the whole pan process (user + sys). dmaspec: bench/search.ts, the search alone (symmetry off, safety properties on every\n' +
    "new state, no edges), its CPU every thread of its process. bytes/state: dmaspec's visited set (rows and hash table) and its process's\n" +
    'RSS after the search; SPIN\'s "total actual memory usage".\n'
  );
}
