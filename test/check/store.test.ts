/**
 * The chunked state store: ids in insertion order across chunk boundaries and hash-table
 * growth, rows read back by value, and growth refused by the memory budget before it
 * allocates.
 */
import { describe, expect, it } from 'vitest';
import { Limits, LimitReached } from '../../src/check/engine/limits.ts';
import { StateStore } from '../../src/check/engine/store.ts';

const rowOf = (i: number) => [i, i * 7, -i | 0];

/** A store of 3-slot 32-bit rows holding `n` distinct rows (i, i*7, -i). */
function filled(n: number, limits?: Limits): StateStore {
  const s = new StateStore(3, 4, 16, limits);
  const row = s.newRow();
  const wrong: number[] = [];
  for (let i = 0; i < n; i++) {
    row.slots.set(rowOf(i));
    if (s.add(row) !== i) wrong.push(i);
  }
  expect(wrong).toEqual([]);
  return s;
}

describe('StateStore', () => {
  it('keeps ids and rows across many chunks and table growths', () => {
    const n = 100_000;
    const s = filled(n);
    expect(s.size).toBe(n);
    const row = s.newRow();
    const out = s.newRow();
    for (const i of [0, 1, 8191, 8192, 8193, 65_535, 65_536, n - 1]) {
      row.slots.set(rowOf(i));
      expect(s.add(row)).toBe(-(i + 1));
      s.get(i, out);
      expect([...out.slots]).toEqual(rowOf(i));
    }
    expect(s.size).toBe(n);
    // Rows sit in fixed chunks: the memory held is about the rows plus the hash table, never a doubled row array.
    expect(s.memoryBytes).toBeLessThan(n * 4 * 4 * 1.2 + 2 * 131_072 * 4 * 2);
  });

  it('a growth past the memory budget throws LimitReached naming the budget, before allocating', () => {
    const limits = new Limits({ maxMemory: 1 });
    expect(() => filled(10_000, limits)).toThrow(LimitReached);
    expect(limits.stopped?.reason).toBe('memory');
    expect(limits.stopped?.message).toMatch(
      /^the memory budget of 0 MB was reached: the state store('s hash table)? needed \d+ MB more .*\(--max-memory MB to raise it\)$/,
    );
  });
});
