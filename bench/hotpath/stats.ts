/**
 * From raw worker results to the figures the benchmark reports: per run, each scheme's rate
 * per worker and its ratio to the baseline measured in the same run; over runs, medians.
 * @module
 */
import type { WorkerResult } from './pool.ts';

/** One scheme in one run, over all workers. */
export interface RunFigures {
  /**
   * The time rates are taken over: `cpu` (each worker's own on-CPU time, when every worker
   * knows it) or `wall` (the loop's wall time).
   */
  readonly clock: 'cpu' | 'wall';
  /** Mean over workers of on-CPU time / wall time: below 1, other work took the CPUs. NaN if unknown. */
  readonly cpuShare: number;
  /** Mean over workers of each worker's pairs per second (of {@link clock} time). */
  readonly opsPerSecPerWorker: number;
  /** Nanoseconds per find→put pair on one worker: 1e9 / opsPerSecPerWorker. */
  readonly nsPerPair: number;
  /** Pairs per second summed over workers. */
  readonly totalOpsPerSec: number;
}

const mean = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;

/**
 * Reduces one run's worker results. Rates are per on-CPU nanosecond when every worker
 * measured it, so a worker descheduled by unrelated load is not charged for the wait.
 */
export function runFigures(results: readonly WorkerResult[]): RunFigures {
  if (results.length === 0) throw new RangeError('runFigures: no worker results');
  for (const r of results)
    if (!(r.elapsedNs > 0) || !(r.ops > 0)) throw new RangeError(`runFigures: a worker reported ${r.ops} pairs in ${r.elapsedNs} ns`);
  const clock = results.every((r) => r.cpuNs > 0) ? 'cpu' : 'wall';
  const rates = results.map((r) => (r.ops / (clock === 'cpu' ? r.cpuNs : r.elapsedNs)) * 1e9);
  const total = rates.reduce((a, b) => a + b, 0);
  const perWorker = total / rates.length;
  return {
    clock,
    cpuShare: clock === 'cpu' ? mean(results.map((r) => r.cpuNs / r.elapsedNs)) : NaN,
    opsPerSecPerWorker: perWorker,
    nsPerPair: 1e9 / perWorker,
    totalOpsPerSec: total,
  };
}

/** Median (mean of the middle two for an even count). */
export function median(xs: readonly number[]): number {
  if (xs.length === 0) throw new RangeError('median of nothing');
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/** A scheme's figures over all runs of one pass. */
export interface SchemeSummary {
  readonly id: string;
  readonly runs: readonly RunFigures[];
  /** Per run: this scheme's ns per pair divided by the baseline's in the same run. */
  readonly ratios: readonly number[];
  readonly medianNsPerPair: number;
  readonly medianOpsPerSecPerWorker: number;
  readonly medianTotalOpsPerSec: number;
  /** Median over runs of {@link RunFigures.cpuShare} (NaN if unknown). */
  readonly medianCpuShare: number;
  /** Median of {@link ratios}. */
  readonly medianRatio: number;
}

/**
 * Summarises one pass: `perRun[r][s]` is scheme `s` in run `r`; scheme `baselineIndex` is the
 * denominator of every ratio, taken from the same run.
 */
export function summarise(ids: readonly string[], perRun: readonly (readonly RunFigures[])[], baselineIndex = 0): SchemeSummary[] {
  return ids.map((id, s) => {
    const runs = perRun.map((run) => run[s]);
    const ratios = perRun.map((run) => run[s].nsPerPair / run[baselineIndex].nsPerPair);
    return {
      id,
      runs,
      ratios,
      medianNsPerPair: median(runs.map((r) => r.nsPerPair)),
      medianOpsPerSecPerWorker: median(runs.map((r) => r.opsPerSecPerWorker)),
      medianTotalOpsPerSec: median(runs.map((r) => r.totalOpsPerSec)),
      medianCpuShare: median(runs.map((r) => r.cpuShare)),
      medianRatio: median(ratios),
    };
  });
}
