import { describe, expect, it } from 'vitest';
import { median } from '../../bench/hotpath/median.ts';
import type { Batch } from '../../bench/hotpath/overlap.ts';
import type { WorkerResult } from '../../bench/hotpath/pool.ts';
import { finiteMedian, pooledNs, runFigures, summarise, type RunFigures } from '../../bench/hotpath/stats.ts';

/** `n` clean back-to-back batches of `pairs` pairs, each `ns` long, from `t0`. */
const batches = (t0: number, n: number, ns: number, pairs = 100): Batch[] =>
  Array.from({ length: n }, (_, i) => ({ start: t0 + i * ns, end: t0 + (i + 1) * ns, pairs, clean: true }));
const worker = (bs: Batch[]): WorkerResult => ({ ops: bs.reduce((a, b) => a + b.pairs, 0), elapsedNs: 1e9, cpuNs: 5e8, sink: 0, batches: bs });

const fig = (alone: number, together = NaN): RunFigures => ({
  ns: { clean: alone, alone, together },
  batches: { clean: 1, alone: 1, together: 1 },
  cpuShare: 1,
});

describe('stats', () => {
  it('median of odd and even counts; finiteMedian skips NaN', () => {
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(() => median([])).toThrow(RangeError);
    expect(finiteMedian([NaN, 2, 4])).toBe(3);
    expect(finiteMedian([NaN])).toBeNaN();
  });

  it('per run: alone batches give the alone figure, overlapping ones the together figure', () => {
    // Worker 0: 10 batches alone (ns/pair 1), then 10 while worker 1 runs (ns/pair 3).
    const w0 = [...batches(0, 10, 100), ...batches(10_000_000, 10, 300)];
    const w1 = batches(10_000_000 - 50, 12, 260);
    const f = runFigures([worker(w0), worker(w1)]);
    expect(f.batches.alone).toBe(10);
    expect(f.ns.alone).toBeNaN(); // worker 1 had no batch alone
    expect(f.ns.clean).toBeCloseTo((2 + 2.6) / 2);
    expect(f.batches.together).toBeGreaterThanOrEqual(18);
    expect(f.ns.together).toBeCloseTo((3 + 2.6) / 2);
    expect(f.cpuShare).toBeCloseTo(0.5);
  });

  it('pooled figure: mean over workers of their medians, NaN if a worker has too few batches', () => {
    expect(pooledNs([batches(0, 5, 100), batches(0, 7, 300)])).toBeCloseTo(2);
    expect(pooledNs([batches(0, 5, 100), batches(0, 4, 300)])).toBeNaN();
  });

  it('one worker: every clean batch is alone, none together', () => {
    const f = runFigures([worker(batches(0, 9, 200))]);
    expect(f.ns.alone).toBeCloseTo(2);
    expect(f.ns.together).toBeNaN();
  });

  it('ratios divide by the baseline of the same run, then take the median', () => {
    const perRun = [
      [fig(2, 2), fig(4, 20)],
      [fig(1), fig(3, 9)],
      [fig(4, 4), fig(6, 8)],
    ];
    const none = { clean: [[]], alone: [[]], together: [[]] };
    const pooledOther = { clean: [[]], alone: [[]], together: [batches(0, 5, 700)] };
    const [base, other] = summarise(['baseline', 'x'], perRun, [none, pooledOther]);
    expect(base.ratios.alone).toEqual([1, 1, 1]);
    expect(other.ratios.alone).toEqual([2, 3, 1.5]);
    expect(other.medianRatio.alone).toBe(2);
    expect(other.medianNs.alone).toBe(4);
    expect(other.ratios.together[1]).toBeNaN(); // the baseline had no together figure in run 2
    expect(other.medianRatio.together).toBe(6);
    expect(other.runsWith.together).toBe(3);
    expect(base.runsWith.together).toBe(2);
    expect(other.pooledNs.together).toBeCloseTo(7);
    expect(other.pooledBatches.together).toBe(5);
    expect(base.pooledNs.together).toBeNaN();
  });
});
