import { describe, expect, it } from 'vitest';
import { BOOKKEEPING_GAP_NS, covered, overlap, readBatches, touched, type Batch } from '../../bench/hotpath/overlap.ts';
import { BATCH_STRIDE, createMemory, MAX_LOGGED_BATCHES } from '../../bench/hotpath/layout.ts';

/** A batch; times in microseconds (the log is in ns), so gaps of 10-20 µs are bookkeeping. */
const b = (start: number, end: number, clean = true): Batch => ({ start: start * 1e3, end: end * 1e3, pairs: 10, clean });
const us = (t: number) => t * 1e3;

describe('overlap of batches', () => {
  const other = [b(0, 1000), b(1020, 2000), b(2010, 3000, false), b(3010, 4000)];

  it('covered: clean batches with bookkeeping gaps cover an interval; a hole or an interrupted batch does not', () => {
    expect(covered(other, us(100), us(1900))).toBe(true);
    expect(covered(other, us(100), us(2500))).toBe(false); // runs into the interrupted batch
    expect(covered(other, us(3100), us(3900))).toBe(true);
    expect(covered(other, us(3100), us(4000) + 1)).toBe(false); // past its last batch
    expect(covered([b(0, 1000), b(1000 + BOOKKEEPING_GAP_NS / 1e3 + 1, 5000)], us(500), us(2000))).toBe(false); // a hole
    expect(covered(other, us(-10), us(500))).toBe(true); // the other started within the gap allowance
    expect(covered(other, us(-200), us(500))).toBe(false); // the other started well after
  });

  it('touched: any overlap, interrupted batches included', () => {
    expect(touched(other, us(2100), us(2900))).toBe(true); // the interrupted batch may have run then
    expect(touched(other, us(990), us(1010))).toBe(true);
    expect(touched(other, us(4001), us(5000))).toBe(false);
  });

  it('classifies clean batches as alone, together or neither', () => {
    const w0 = [b(0, 1000), b(1e4, 1e4 + 1000), b(2e4, 2e4 + 1000, false), b(3e4 - 500, 3e4 + 500)];
    const w1 = [b(1e4 - 100, 1e4 + 2000), b(3e4, 3e4 + 800)];
    const [o0] = overlap([w0, w1]);
    expect(o0.clean.length).toBe(3);
    expect(o0.alone).toEqual([w0[0]]);
    expect(o0.together).toEqual([w0[1]]); // w0[3] is only partly covered: neither
  });

  it("reads a worker's log back from shared memory", () => {
    const mem = createMemory(2);
    const at = (1 * MAX_LOGGED_BATCHES + 1) * BATCH_STRIDE;
    mem.batchLog.set([5, 9, 42, 1], at);
    expect(readBatches(mem.batchLog, 1, 2)[1]).toEqual({ start: 5, end: 9, pairs: 42, clean: true });
  });
});
