/**
 * The plan of a SPIN swarm (`dmaspec swarm`): one exported model, compiled once for bitstate
 * search, and N independent `pan` runs that differ in what makes their omissions differ
 * (Holzmann, Joshi, Groce, "Swarm verification", ASE 2008): the hash polynomial and the
 * process and transition order (`-rhash -RS<seed>`, a pan built with `-DPERMUTED -DT_RAND
 * -DP_RAND`), the number of bits per state (`-k`) and the direction (`-t_reverse`). Each run is
 * one process with its own arguments in its own folder, so runs spread over machines as
 * freely as over cores; the plan file says everything a merge needs to read them back.
 * @module
 */
import type { StepEvent } from '../../machines/kit.ts';

/** The format name of a plan file (`swarm.json`). */
export const SWARM_FORMAT = 'dmaspec-swarm/1';

/** One run: its folder (relative to the plan's) and pan's arguments. */
export interface SwarmRun {
  readonly id: number;
  readonly dir: string;
  readonly args: readonly string[];
}

/** What `swarm.json` holds. */
export interface SwarmPlan {
  readonly format: typeof SWARM_FORMAT;
  /** The `--scenario` and `--design` the model was exported from (a design file by absolute path). */
  readonly scenario: string;
  readonly design: string;
  readonly properties: readonly string[];
  /** dmaspec's own search of the export (its states are the ranges' source). */
  readonly exportStates: number;
  readonly exportComplete: boolean;
  /** The compiled machine's event index of each Promela step `EN_<k>`, and the event itself (checked at merge). */
  readonly stepEvents: readonly number[];
  readonly events: readonly StepEvent[];
  /** The checks the model reports, by dmaspec's name. */
  readonly checks: readonly string[];
  /** Commands that build `pan` in the plan's folder. */
  readonly compile: readonly (readonly string[])[];
  readonly runs: readonly SwarmRun[];
}

/** How the runs are sized and diversified. */
export interface SwarmSizing {
  readonly runs: number;
  /** log2 of the bitstate array's bits per run (`-w`). */
  readonly bits: number;
  /** pan's depth bound (`-m`); a run that reaches it says so and its search was cut. */
  readonly depth: number;
  /** The first run's seed; run i uses seed + i. */
  readonly seed: number;
}

/** `gcc` flags of the swarm's pan: bitstate, safety only, no reduction, permutable orders. */
export const SWARM_GCC = ['-O2', '-DBITSTATE', '-DSAFETY', '-DNOREDUCE', '-DPERMUTED', '-DT_RAND', '-DP_RAND', '-w', '-o', 'pan', 'pan.c'];

/**
 * The runs: seeds in sequence, a random hash polynomial and process/transition permutation
 * from each seed, 3, 2 or 4 bits per state in turn, every second run in reverse.
 * `-c0 -e`: go on past errors and write a trail for each (the model reports each check once).
 */
export function planRuns(z: SwarmSizing): SwarmRun[] {
  return Array.from({ length: z.runs }, (_, id) => ({
    id,
    dir: `run-${id}`,
    args: ['-c0', '-e', '-n', `-w${z.bits}`, `-m${z.depth}`, `-k${[3, 2, 4][id % 3]}`, `-RS${z.seed + id}`, '-rhash', ...(id % 2 ? ['-t_reverse'] : [])],
  }));
}

/** Quotes a word for a POSIX shell when it needs it. */
const sh = (w: string): string => (/^[\w./=+-]+$/.test(w) ? w : `'${w.replace(/'/g, `'\\''`)}'`);

/** The shell script of a plan: build once, then one line per run, each runnable on any machine holding the folder. */
export function planScript(plan: SwarmPlan): string {
  return [
    '#!/bin/sh',
    `# ${plan.runs.length} independent SPIN bitstate runs of model.pml (dmaspec swarm; scenario ${plan.scenario}, design ${plan.design}).`,
    '# Build pan once in this folder (or on each machine), run the lines below anywhere, in any order,',
    '# then bring every run-*/ folder back here and merge: dmaspec swarm --merge <this folder>',
    'set -e',
    'cd "$(dirname "$0")"',
    ...plan.compile.map((c) => c.map(sh).join(' ')),
    ...plan.runs.map((r) => `mkdir -p ${r.dir} && (cd ${r.dir} && ../pan ${r.args.map(sh).join(' ')} > pan.out 2>&1) &`),
    'wait',
    '',
  ].join('\n');
}
