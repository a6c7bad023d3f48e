/**
 * From raw worker results to the figures the benchmark reports. Per run and scheme, the time
 * per find→put pair over three kinds of batches (overlap.ts): all clean batches, those run
 * alone and those run together with every other worker; each scheme's ratio to the baseline
 * of the same run; over runs, medians; and per kind, the batches of all runs pooled.
 * @module
 */
import { median } from './median.ts';
import { nsPerPair, overlap, type Batch, type WorkerOverlap } from './overlap.ts';
import type { WorkerResult } from './pool.ts';

/** The batch kinds a figure can be taken over (overlap.ts). */
export const KINDS = ['clean', 'alone', 'together'] as const;
/** One of {@link KINDS}. */
export type Kind = (typeof KINDS)[number];

/** Fewest batches of a kind each worker needs for that kind's figure (else it is NaN). */
export const MIN_BATCHES = 5;

/** One scheme in one run, over all workers. */
export interface RunFigures {
  /** Per kind: ns per pair on one worker, mean over workers of their medians; NaN if some worker had too few such batches. */
  readonly ns: Readonly<Record<Kind, number>>;
  /** Per kind: batches over all workers. */
  readonly batches: Readonly<Record<Kind, number>>;
  /** Mean over workers of on-CPU time / wall time (below 1: other work took the CPUs); NaN if unknown. */
  readonly cpuShare: number;
}

const mean = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;

/** Reduces one run's worker results (`classified`: their batches run through overlap()). */
export function runFigures(results: readonly WorkerResult[], classified: readonly WorkerOverlap[] = overlap(results.map((r) => r.batches))): RunFigures {
  if (results.length === 0) throw new RangeError('runFigures: no worker results');
  const figure = (pick: (c: (typeof classified)[number]) => readonly Batch[], min: number) =>
    classified.every((c) => pick(c).length >= min) ? mean(classified.map((c) => nsPerPair(pick(c)))) : NaN;
  const count = (pick: (c: (typeof classified)[number]) => readonly Batch[]) => classified.reduce((a, c) => a + pick(c).length, 0);
  return {
    ns: { clean: figure((c) => c.clean, 1), alone: figure((c) => c.alone, MIN_BATCHES), together: figure((c) => c.together, MIN_BATCHES) },
    batches: { clean: count((c) => c.clean), alone: count((c) => c.alone), together: count((c) => c.together) },
    cpuShare: results.every((r) => r.cpuNs > 0) ? mean(results.map((r) => r.cpuNs / r.elapsedNs)) : NaN,
  };
}

/** Median of the finite values; NaN if there are none. */
export function finiteMedian(xs: readonly number[]): number {
  const finite = xs.filter(Number.isFinite);
  return finite.length ? median(finite) : NaN;
}

/**
 * A scheme's batches of one kind over all runs of a pass, per worker. On a busy machine few
 * runs have enough together-batches for a figure of their own; pooled, they do.
 */
export type PooledBatches = readonly (readonly Batch[])[];

/** Mean over workers of the median ns per pair of their pooled batches; NaN if a worker has fewer than {@link MIN_BATCHES}. */
export function pooledNs(perWorker: PooledBatches): number {
  return perWorker.length && perWorker.every((b) => b.length >= MIN_BATCHES) ? mean(perWorker.map(nsPerPair)) : NaN;
}

/** A scheme's figures over all runs of one pass. */
export interface SchemeSummary {
  readonly id: string;
  readonly runs: readonly RunFigures[];
  /** Per kind, per run: this scheme's ns per pair over the baseline's in the same run (NaN where either is). */
  readonly ratios: Readonly<Record<Kind, readonly number[]>>;
  /** Per kind: median over runs of ns per pair (runs without the figure left out). */
  readonly medianNs: Readonly<Record<Kind, number>>;
  /** Per kind: median of {@link ratios}. */
  readonly medianRatio: Readonly<Record<Kind, number>>;
  /** Per kind: runs that had the figure. */
  readonly runsWith: Readonly<Record<Kind, number>>;
  /** Per kind: {@link pooledNs} over the batches of every run. */
  readonly pooledNs: Readonly<Record<Kind, number>>;
  /** Per kind: batches pooled, over all workers. */
  readonly pooledBatches: Readonly<Record<Kind, number>>;
  readonly medianCpuShare: number;
}

const perKind = <T>(f: (k: Kind) => T): Record<Kind, T> => ({ clean: f('clean'), alone: f('alone'), together: f('together') });

/**
 * Summarises one pass: `perRun[r][s]` is scheme `s` in run `r`; scheme `baselineIndex` is the
 * denominator of every ratio, taken from the same run.
 */
export function summarise(
  ids: readonly string[],
  perRun: readonly (readonly RunFigures[])[],
  pooled: readonly Readonly<Record<Kind, PooledBatches>>[],
  baselineIndex = 0,
): SchemeSummary[] {
  return ids.map((id, s) => {
    const runs = perRun.map((run) => run[s]);
    const ratios = perKind((k) => perRun.map((run) => run[s].ns[k] / run[baselineIndex].ns[k]));
    return {
      id,
      runs,
      ratios,
      medianNs: perKind((k) => finiteMedian(runs.map((r) => r.ns[k]))),
      medianRatio: perKind((k) => finiteMedian(ratios[k])),
      runsWith: perKind((k) => runs.filter((r) => Number.isFinite(r.ns[k])).length),
      pooledNs: perKind((k) => pooledNs(pooled[s][k])),
      pooledBatches: perKind((k) => pooled[s][k].reduce((a, b) => a + b.length, 0)),
      medianCpuShare: finiteMedian(runs.map((r) => r.cpuShare)),
    };
  });
}
