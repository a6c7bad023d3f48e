import { describe, expect, it } from 'vitest';
import { entryOf, listOf, MissingEntryError } from '../src/lookup.ts';

describe('checked map lookups (src/lookup.ts)', () => {
  it('entryOf returns the entry, and names what is missing instead of returning undefined', () => {
    const m = new Map([['a', 0]]);
    expect(entryOf(m, 'a', 'state')).toBe(0); // a falsy value is an entry
    expect(() => entryOf(m, 'b', 'state')).toThrow(new MissingEntryError('no state b'));
  });
  it('listOf creates the list once and hands back the same one', () => {
    const m = new Map<string, number[]>();
    listOf(m, 'k').push(1);
    listOf(m, 'k').push(2);
    expect(m.get('k')).toEqual([1, 2]);
  });
});
