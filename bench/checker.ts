/**
 * `npm run bench`: first dmaspec against SPIN on the same state space (bench/versus-spin.ts:
 * fresh processes, interleaved runs, rates per CPU-second and per wall-second), on the
 * standard scenario under rfc-wait and on the standard scenario plus a twin net_dma client
 * under baseline (4.9 M states; BENCH_SMALL=1 leaves it out); then the checker's exploration
 * rate against @xstate/graph's traversal on the same scenario, with and without symmetry
 * reduction; then the checker on one worker against all the machine's cores, as
 * `dmaspec check` explores.
 * Environment: BENCH_SPIN_RUNS, BENCH_SMALL, BENCH_RUNS, BENCH_GRAPH_RUNS, BENCH_GRAPH_CAP,
 * BENCH_LARGE, BENCH_PAR_RUNS, BENCH_TWIN_STATES, BENCH_WORKERS.
 *
 * The checker runs as `dmaspec check` does (packed states, safety properties evaluated on
 * every new state); @xstate/graph's `getAdjacencyMap` runs xstate's own transition function
 * with JSON state keys, capped at a state limit because it is orders of magnitude slower.
 * @module
 */
import { spawnSync } from 'node:child_process';
import os from 'node:os';
import { getAdjacencyMap } from '@xstate/graph';
import Table from 'cli-table3';
import { fmt, median } from './stats.ts';
import type { AnyMachineSnapshot, AnyStateNode } from 'xstate';
import { designOf, systemFor } from '../src/designs/registry.ts';
import { SAFETY } from '../machines/system/properties.ts';
import { compileMachine } from '../src/check/engine/compile.ts';
import { explore } from '../src/check/engine/explore.ts';
import { closePools } from '../src/check/engine/parallel/pool.ts';
import { SEARCH_SAFETY, systemRecipe } from '../src/check/recipe.ts';
import type { SafetyProperty } from '../src/check/engine/properties.ts';
import { DEFAULT_SCENARIO, type Scenario } from '../src/scenario.ts';
import type { CheckJson } from '../src/check/json.ts';
import { versusSpin } from './versus-spin.ts';

/** The dmaspec command, as a user runs it. */
const BIN = new URL('../bin/dmaspec.js', import.meta.url).pathname;

const RUNS = Number(process.env.BENCH_RUNS ?? 7);
const GRAPH_RUNS = Number(process.env.BENCH_GRAPH_RUNS ?? 3);
const GRAPH_CAP = Number(process.env.BENCH_GRAPH_CAP ?? 3000);

/** Distinct states per second of the checker, median over RUNS runs after one warm-up. */
function checkerRate(scenario: Scenario, symmetry: 'full' | 'none') {
  const model = systemFor(scenario);
  const cm = compileMachine(model);
  const safety: readonly SafetyProperty[] = SAFETY;
  explore(cm, { symmetry, safety });
  const rates: number[] = [];
  const cpuRates: number[] = [];
  let states = 0;
  let transitions = 0;
  let bytes = 0;
  for (let i = 0; i < RUNS; i++) {
    const cpu0 = process.cpuUsage();
    const x = explore(cm, { symmetry, safety });
    const cpu = process.cpuUsage(cpu0);
    rates.push(x.states / x.seconds);
    cpuRates.push(x.states / ((cpu.user + cpu.system) / 1e6));
    states = x.states;
    transitions = x.transitions;
    bytes = x.store.memoryBytes;
  }
  return { rate: median(rates), cpuRate: median(cpuRates), states, transitions, bytesPerState: bytes / states };
}

class Capped extends Error {}

/** States per second of @xstate/graph's getAdjacencyMap until GRAPH_CAP states, median of GRAPH_RUNS. */
function graphRate(scenario: Scenario) {
  const model = systemFor(scenario);
  const rates: number[] = [];
  const cpuRates: number[] = [];
  let states = 0;
  for (let i = 0; i < GRAPH_RUNS; i++) {
    let n = 0;
    const t0 = performance.now();
    const cpu0 = process.cpuUsage();
    try {
      getAdjacencyMap(model.machine, {
        events: (s: AnyMachineSnapshot) => {
          const ids = new Set((s._nodes as AnyStateNode[]).map((x) => x.id));
          return model.enabledEvents({ context: s.context, active: (id) => ids.has(id) }) as any;
        },
        // Called once per new state: count, and stop the traversal at the cap.
        stopWhen: () => {
          if (++n >= GRAPH_CAP) throw new Capped();
          return false;
        },
        limit: Number.MAX_SAFE_INTEGER,
      } as any);
    } catch (e) {
      if (!(e instanceof Capped)) throw e;
    }
    rates.push(n / ((performance.now() - t0) / 1000));
    const cpu = process.cpuUsage(cpu0);
    cpuRates.push(n / ((cpu.user + cpu.system) / 1e6));
    states = n;
  }
  return { rate: median(rates), cpuRate: median(cpuRates), states };
}

const PAR_RUNS = Number(process.env.BENCH_PAR_RUNS ?? 5);
const TWIN_STATES = Number(process.env.BENCH_TWIN_STATES ?? 1_000_000);
const WORKERS = Number(process.env.BENCH_WORKERS ?? os.availableParallelism());

/** The standard scenario with a second net_dma client, its twin but for the start CPU. */
const withTwin = (s: Scenario): Scenario => ({ ...s, clients: [...s.clients, { ...s.clients[0], name: 'net1', cpu: 1 }] });

/**
 * States per second of the main search of `dmaspec check` (its symmetry, edges and
 * properties: CPU symmetry and edges for liveness unless thread symmetry applies, the
 * safety properties and their reachability witnesses) on `workers` threads, median of
 * PAR_RUNS after one warm-up, and per second of the process's CPU time (all threads).
 */
function workersRate(scenario: Scenario, workers: number, maxStates?: number) {
  const model = systemFor(scenario);
  const cm = compileMachine(model);
  const safety = SEARCH_SAFETY;
  const threadSym = model.symmetry?.threadGroups.some((g) => g.length > 1) ?? false;
  const recipe = systemRecipe(scenario, designOf(scenario.design));
  if (!recipe) throw new Error('the benchmark scenario cannot be explored in workers');
  const opts = {
    symmetry: threadSym ? ('full' as const) : ('cpus' as const),
    safety,
    keepEdges: !threadSym,
    maxStates,
    // The workers from the first large level: what they do, not when dmaspec check starts them (a search of 1,000,000 states).
    parallel: workers > 1 ? { workers, recipe, startAt: 0 } : undefined,
  };
  explore(cm, opts);
  const rates: number[] = [];
  const cpuRates: number[] = [];
  let states = 0;
  let used = 1;
  for (let i = 0; i < PAR_RUNS; i++) {
    const cpu0 = process.cpuUsage();
    const x = explore(cm, opts);
    const cpu = process.cpuUsage(cpu0);
    rates.push(x.states / x.seconds);
    cpuRates.push(x.states / ((cpu.user + cpu.system) / 1e6));
    states = x.states;
    used = x.workers;
  }
  return { rate: median(rates), cpuRate: median(cpuRates), states, used };
}

/**
 * The main search's rate inside `dmaspec check --design rfc-wait` on `workers` threads: a
 * fresh process per run (cold: module loading, JIT warm-up, the workers' boot), as a user
 * meets it, read from the report's timings; median of PAR_RUNS.
 */
function checkRate(workers: number) {
  const rates: number[] = [];
  let used = 0;
  for (let i = 0; i < PAR_RUNS; i++) {
    const r = spawnSync(process.execPath, [BIN, 'check', '--design', 'rfc-wait', '--json', '--workers', String(workers)], {
      encoding: 'utf8',
      maxBuffer: 256 << 20,
    });
    if (r.status !== 1) throw new Error(`dmaspec check exited ${r.status} (expected 1: rfc-wait's claims are refuted): ${r.stderr}`);
    const t = (JSON.parse(r.stdout) as CheckJson).timings!.designs['rfc-wait'];
    rates.push(t.statesPerSecond);
    used = Math.max(used, t.workers);
  }
  return { rate: median(rates), used };
}

/** The table of 1 worker against WORKERS. */
function workersTable(): string {
  const t = new Table({
    head: ['scenario (as dmaspec check explores it)', 'states', '1 worker states/s\nwall (CPU)', `${WORKERS} workers states/s\nwall (CPU)`, 'ratio\nwall'],
    style: { head: [], border: [] },
  });
  const rows: [string, Scenario, number | undefined][] = [
    ['default (rfc-wait)', DEFAULT_SCENARIO, undefined],
    [`default + net1 (twin of net0), first ${fmt(TWIN_STATES)} states`, withTwin(DEFAULT_SCENARIO), TWIN_STATES],
  ];
  for (const [name, s, cap] of rows) {
    const one = workersRate(s, 1, cap);
    const all = workersRate(s, WORKERS, cap);
    t.push([
      name,
      `${fmt(one.states)}${all.states !== one.states ? ` (${fmt(all.states)})` : ''}`,
      `${fmt(one.rate)}\n(${fmt(one.cpuRate)})`,
      `${fmt(all.rate)}\n(${fmt(all.cpuRate)})${all.used === WORKERS ? '' : `, ran on ${all.used}`}`,
      `${(all.rate / one.rate).toFixed(2)}x`,
    ]);
    if (s !== DEFAULT_SCENARIO) continue;
    // The same search inside the command, cold.
    const cold = [checkRate(1), checkRate(WORKERS)];
    t.push([
      `${name} inside dmaspec check --design rfc-wait\n(a fresh process per run: cold)`,
      fmt(one.states),
      fmt(cold[0].rate),
      `${fmt(cold[1].rate)}${cold[1].used === WORKERS ? '' : `, ran on ${cold[1].used}`}`,
      `${(cold[1].rate / cold[0].rate).toFixed(2)}x`,
    ]);
  }
  return (
    `dmaspec checker on 1 worker and on ${WORKERS} (the machine's cores; BENCH_WORKERS to change): medians of ${PAR_RUNS} runs after a warm-up\n` +
    `${t.toString()}\n` +
    "CPU: per second of the whole process's CPU time, all threads (the parallel search's overhead). Inside dmaspec check: the\n" +
    "report's timings (its main search: the workers join once they have loaded the model). A state cap is met between BFS\n" +
    'levels by the parallel search, so its count can pass the cap (in brackets).\n'
  );
}

const SPIN_RUNS = Number(process.env.BENCH_SPIN_RUNS ?? 5);

function main() {
  // The headline: dmaspec against SPIN, both rows of the performance issue. Under rfc-wait the
  // twin has over 100 M states without symmetry (past 18 GB here); under baseline 4.9 M.
  process.stdout.write(
    `${versusSpin(
      [
        ['standard scenario, rfc-wait', DEFAULT_SCENARIO],
        ...(process.env.BENCH_SMALL ? [] : [['standard + net1 (twin of net0), baseline', { ...withTwin(DEFAULT_SCENARIO), design: 'baseline' }] as const]),
      ],
      SPIN_RUNS,
      WORKERS,
    )}\n`,
  );
  const scenarios: [string, Scenario][] = [
    ['default (rfc-wait)', DEFAULT_SCENARIO],
    ['default, baseline', { ...DEFAULT_SCENARIO, design: 'baseline' }],
  ];
  // BENCH_LARGE=1: also a space of millions of states (a second net_dma client identical to
  // the first but for its start CPU, so thread symmetry applies too); slow, steadier rates.
  if (process.env.BENCH_LARGE)
    scenarios.push([
      'default + net1 (twin of net0)',
      { ...DEFAULT_SCENARIO, clients: [...DEFAULT_SCENARIO.clients, { ...DEFAULT_SCENARIO.clients[0], name: 'net1', cpu: 1 }] },
    ]);
  const t = new Table({
    head: [
      'scenario',
      'states\n(no symmetry)',
      'checker states/s\nwall (CPU)',
      'no symmetry\nwall (CPU)',
      '@xstate/graph states/s\nwall (CPU)',
      'ratio\nwall (CPU)',
      'bytes/\nstate',
    ],
    style: { head: [], border: [] },
  });
  for (const [name, s] of scenarios) {
    const sym = checkerRate(s, 'full');
    const plain = checkerRate(s, 'none');
    const graph = graphRate(s);
    t.push([
      name,
      `${fmt(sym.states)}\n(${fmt(plain.states)})`,
      `${fmt(sym.rate)}\n(${fmt(sym.cpuRate)})`,
      `${fmt(plain.rate)}\n(${fmt(plain.cpuRate)})`,
      `${fmt(graph.rate)}\n(${fmt(graph.cpuRate)}), first ${fmt(graph.states)}`,
      `${(sym.rate / graph.rate).toFixed(0)}x\n(${(sym.cpuRate / graph.cpuRate).toFixed(0)}x)`,
      sym.bytesPerState.toFixed(0),
    ]);
  }
  process.stdout.write(
    `dmaspec checker benchmark: medians of ${RUNS} checker runs (after a warm-up) and ${GRAPH_RUNS} @xstate/graph runs capped at ${GRAPH_CAP} states; Node ${process.version}; load average ${os
      .loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')} on ${os.cpus().length} CPUs\n` +
      `${t.toString()}\n` +
      'checker: BFS over packed states, safety properties of machines/system/properties.ts on every new state. ratio: checker (with symmetry) / @xstate/graph.\n' +
      "wall: distinct states per elapsed second; CPU: per second of this process's CPU time (steadier on a shared machine).\n" +
      "bytes/state: the visited set's allocated arrays (capacity doubles, so small spaces look dearer) per stored state.\n\n",
  );
  process.stdout.write(workersTable());
}

main();
await closePools();
