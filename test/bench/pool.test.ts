import { describe, expect, it } from 'vitest';
import { channelOf, FALSE_SHARED_REFS, PCPU_ATOMIC_COUNT, perCpuSlot, SHARED_COUNT } from '../../bench/hotpath/layout.ts';
import { WorkerPool } from '../../bench/hotpath/pool.ts';
import { SCHEMES } from '../../bench/hotpath/schemes.ts';

// Real worker threads on shared memory: checks the start/stop protocol and that every
// scheme's counters balance after concurrent runs. No timing is asserted.
describe('worker pool', () => {
  it('runs every scheme on two workers; each worker counts its pairs and every counter returns to zero', async () => {
    const pool = WorkerPool.start(2, true);
    try {
      for (let s = 0; s < SCHEMES.length; s++) {
        const results = await pool.run(s, 20);
        results.forEach((r, cpu) => {
          expect(r.ops, SCHEMES[s].id).toBeGreaterThan(0);
          expect(r.sink, SCHEMES[s].id).toBe(r.ops * channelOf(cpu));
          expect(r.elapsedNs).toBeGreaterThan(0);
          expect(r.batches.length).toBeGreaterThan(0);
          expect(r.batches.reduce((a, x) => a + x.pairs, 0)).toBe(r.ops);
        });
      }
      const m = pool.memory.i32;
      const counters = [SHARED_COUNT, PCPU_ATOMIC_COUNT, FALSE_SHARED_REFS, FALSE_SHARED_REFS + 1];
      for (const cpu of [0, 1]) counters.push(perCpuSlot('rfcRef', cpu), perCpuSlot('pcpuRef', cpu));
      expect(counters.map((i) => m[i])).toEqual(counters.map(() => 0));
    } finally {
      await pool.close();
    }
  });
});
