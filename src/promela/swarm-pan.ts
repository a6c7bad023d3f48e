/**
 * Reading what a swarm's `pan` runs print: the summary of a bitstate search (states, hash
 * factor, depth, each failed check with its trail file) and a trail file (pan's transition ids),
 * mapped through pan's state tables (`pan -d`) back to the exported model's steps `EN_<k>` through
 * the line each step's `d_step` starts on.
 * @module
 */
import { identifier } from './emit.ts';

/** A check a run found failed, and the trail pan wrote for it. */
export interface PanFailure {
  /** dmaspec's name (`no-use-after-free`), or pan's flag when the plan does not know it. */
  readonly check: string;
  /** The trail file pan wrote (`model.pml1.trail`), relative to the run's folder, if any. */
  readonly trail?: string;
  /** Depth of the failing state on pan's DFS stack. */
  readonly depth: number;
}

/** One run's summary. */
export interface PanSummary {
  readonly states: number;
  readonly transitions: number;
  /** Bitstate's hash factor (array bits / states): above 100 few states are lost. */
  readonly hashFactor: number;
  readonly depthReached: number;
  /** pan hit its depth bound (`-m`): the search was cut below it. */
  readonly depthCut: boolean;
  readonly seconds: number;
  readonly failures: readonly PanFailure[];
}

/** pan's output is not a finished search's: what was missing. */
export class PanOutputError extends Error {
  override readonly name = 'PanOutputError';
}

/** Parses one run's `pan.out`; `checks` are the model's check names (the `P_` flags' sources). */
export function parsePanOutput(out: string, checks: readonly string[]): PanSummary {
  const num = (re: RegExp, what: string): number => {
    const m = re.exec(out);
    if (!m) throw new PanOutputError(`pan printed no ${what} (a run that did not finish?)`);
    return Number(m[1]);
  };
  const byFlag = new Map(checks.map((c) => [`P_${identifier(c)}`, c]));
  const trails = new Map([...out.matchAll(/pan: wrote (\S+?(\d+)\.trail)/g)].map((m) => [Number(m[2]), m[1]]));
  const failures = [...out.matchAll(/pan:(\d+): assertion violated (P_\w+) \(at depth (\d+)\)/g)].map((m) => {
    const trail = trails.get(Number(m[1]));
    return { check: byFlag.get(m[2]) ?? m[2], depth: Number(m[3]), ...(trail ? { trail } : {}) };
  });
  return {
    states: num(/(\d+) states, stored/, 'state count'),
    transitions: num(/(\d+) transitions \(= stored\+matched\)/, 'transition count'),
    hashFactor: num(/hash factor: ([\d.e+-]+)/, 'hash factor'),
    depthReached: num(/depth reached (\d+)/, 'depth'),
    depthCut: /max search depth too small/.test(out),
    seconds: num(/elapsed time ([\d.e+-]+) seconds/, 'elapsed time'),
    failures,
  };
}

/** The line each exported step's `d_step` starts on → the step's index k (of `EN_<k>`). */
export function dStepLines(model: string): Map<number, number> {
  const lines = new Map<number, number>();
  model.split('\n').forEach((text, i) => {
    const m = /^\s*:: d_step \{ (?:timeout && )?EN_(\d+) ->/.exec(text);
    if (m) lines.set(i + 1, Number(m[1]));
  });
  return lines;
}

/** pan's transition id → the model line of the `d_step` it runs, from `pan -d` (pan's state tables). */
export function transitionLines(tables: string): Map<number, number> {
  const ids = new Map<number, number>();
  for (const m of tables.matchAll(/\[id\s+(\d+) tp\s+\d+\].*=> D_STEP(\d+)/g)) ids.set(Number(m[1]), Number(m[2]));
  return ids;
}

/**
 * The exported steps a trail file took, in order. A trail line is `depth:process:transition
 * id` (negative depths are its header); the id is pan's static one, whatever permutation the
 * run searched in, so no replay by pan is needed (and `pan -r` would not print the last step,
 * whose assertion fails inside its `d_step`).
 */
export function trailSteps(trail: string, ids: ReadonlyMap<number, number>, lines: ReadonlyMap<number, number>): number[] {
  const steps: number[] = [];
  for (const m of trail.matchAll(/^(\d+):(\d+):(\d+)$/gm)) {
    const line = ids.get(Number(m[3]));
    const k = line === undefined ? undefined : lines.get(line);
    if (k === undefined)
      throw new PanOutputError(`trail step ${m[1]} takes pan transition ${m[3]}, which runs no exported step: was the model rebuilt after the runs?`);
    steps.push(k);
  }
  return steps;
}
