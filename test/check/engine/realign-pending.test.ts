/**
 * The sequential search's index of each pending safety property follows `pending` after the
 * parallel search retired some (explore.ts realignPending): a stale index would ask a state
 * another property's trie and name a violation after the wrong property.
 */
import { describe, expect, it } from 'vitest';
import { realignPending } from '../../../src/check/engine/explore.ts';
import type { SafetyProperty } from '../../../src/check/engine/properties.ts';

const prop = (name: string): SafetyProperty => ({ name, holds: () => true });
const safety = ['a', 'b', 'c', 'd'].map(prop);

describe('realignPending', () => {
  it('re-derives the indices when the workers retired properties', () => {
    const pendingAt = [0, 1, 2, 3];
    // The workers found b and d violated and took them out of pending.
    const pending = [safety[0], safety[2]];
    expect(realignPending(pendingAt, pending, safety)).toBe(true);
    expect(pendingAt).toEqual([0, 2]);
    expect(pendingAt.map((k) => safety[k].name)).toEqual(pending.map((p) => p.name));
  });

  it('leaves aligned indices alone', () => {
    const pendingAt = [1, 3];
    expect(realignPending(pendingAt, [safety[1], safety[3]], safety)).toBe(false);
    expect(pendingAt).toEqual([1, 3]);
  });
});
