import { describe, expect, it } from 'vitest';
import { median, runFigures, summarise, type RunFigures } from '../../bench/hotpath/stats.ts';

const fig = (nsPerPair: number): RunFigures => ({ clock: 'cpu', cpuShare: 1, opsPerSecPerWorker: 1e9 / nsPerPair, nsPerPair, totalOpsPerSec: 2e9 / nsPerPair });

describe('stats', () => {
  it('median of odd and even counts', () => {
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(() => median([])).toThrow(RangeError);
  });

  it('rates from on-CPU time when every worker has it, else from wall time', () => {
    const cpu = runFigures([
      { ops: 100, elapsedNs: 400, cpuNs: 200, sink: 0 },
      { ops: 100, elapsedNs: 400, cpuNs: 100, sink: 0 },
    ]);
    expect(cpu.clock).toBe('cpu');
    expect(cpu.totalOpsPerSec).toBeCloseTo(0.5e9 + 1e9);
    expect(cpu.cpuShare).toBeCloseTo(0.375);
    const wall = runFigures([
      { ops: 100, elapsedNs: 400, cpuNs: NaN, sink: 0 },
      { ops: 100, elapsedNs: 400, cpuNs: 100, sink: 0 },
    ]);
    expect(wall.clock).toBe('wall');
    expect(wall.nsPerPair).toBeCloseTo(4);
    expect(() => runFigures([{ ops: 0, elapsedNs: 1, cpuNs: 1, sink: 0 }])).toThrow(RangeError);
  });

  it('ratios divide by the baseline of the same run, then take the median', () => {
    const perRun = [
      [fig(2), fig(4)],
      [fig(1), fig(3)],
      [fig(4), fig(6)],
    ];
    const [base, other] = summarise(['baseline', 'x'], perRun);
    expect(base.ratios).toEqual([1, 1, 1]);
    expect(other.ratios).toEqual([2, 3, 1.5]);
    expect(other.medianRatio).toBe(2);
    expect(other.medianNsPerPair).toBe(4);
  });
});
