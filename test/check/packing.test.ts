/**
 * The bit-packed store (src/check/engine/packing.ts, store.ts) against unpacked rows: keys
 * decode to the rows they encode, a step's key and hash equal those of the successor packed
 * whole, a widened packing keeps every value and hash; and searches with the learned packing
 * find what searches with one word per slot find, state for state and id for id, in one
 * thread and on workers that meet values outside the packing.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { SAFETY } from '../../machines/system/properties.ts';
import { compileMachine } from '../../src/check/engine/compile.ts';
import { explore, type Exploration } from '../../src/check/engine/explore.ts';
import { NULL_OF, type SlotBytes } from '../../src/check/engine/layout.ts';
import { LimitReached, Limits } from '../../src/check/engine/limits.ts';
import { type Field, GENERATE_AFTER, hashSlots, Packer, stepShares } from '../../src/check/engine/packing.ts';
import { closePools } from '../../src/check/engine/parallel/pool.ts';
import { StateStore } from '../../src/check/engine/store.ts';
import type { SymmetryMode } from '../../src/check/engine/symmetry.ts';
import { designOf, systemFor } from '../../src/designs/registry.ts';
import { SEARCH_SAFETY, systemRecipe } from '../../src/check/recipe.ts';
import { behaviourScenario } from '../../src/check/scenarios.ts';
import type { Scenario } from '../../src/scenario.ts';

afterAll(closePools);

/** A deterministic pseudo-random source (xorshift32). */
function rng(seed: number): (n: number) => number {
  let x = seed | 0 || 1;
  return (n) => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) % n;
  };
}

/** Fields of every kind: 0-bit constants, small ranges with and without null, negatives, a raw field. */
const FIELDS: Field[] = [
  { lo: 0, bits: 0, nul: false },
  { lo: -1, bits: 2, nul: false },
  { lo: 0, bits: 1, nul: true },
  { lo: -3, bits: 3, nul: true },
  { lo: 5, bits: 0, nul: false },
  { lo: 0, bits: 32, nul: true },
  { lo: 2, bits: 5, nul: false },
];

/** A value `field` holds (null included where it may). */
function sample(f: Field, N: number, r: (n: number) => number): number {
  if (f.bits >= 32) return r(4) === 0 ? N : r(200) - 100;
  if (f.nul && r(4) === 0) return N;
  return f.lo + r(2 ** f.bits - (f.nul ? 1 : 0));
}

describe('Packer', () => {
  for (const bytes of [1, 2, 4] as SlotBytes[])
    it(`packs and unpacks every value of every field kind (${bytes}-byte slots), and refuses values outside, before and after its coder is generated`, () => {
      const N = NULL_OF[bytes];
      const p = new Packer(FIELDS, N);
      expect(p.words).toBe(2);
      const r = rng(bytes);
      const row = new Int32Array(FIELDS.length);
      const back = new Int32Array(FIELDS.length);
      const key = new Int32Array(p.words);
      const refuses = () => {
        const bad: [number, number][] = [
          [0, 1],
          [1, N],
          [1, 3],
          [1, -2],
          [4, 4],
          [6, 1],
          [6, 34],
        ];
        for (const [slot, v] of bad) {
          FIELDS.forEach((f, i) => (row[i] = sample(f, N, r)));
          row[slot] = v;
          expect(p.pack(row, key)).toBe(slot);
        }
      };
      refuses();
      // Past GENERATE_AFTER uses: the accessors first, then the generated coder.
      for (let n = 0; n < GENERATE_AFTER; n++) {
        FIELDS.forEach((f, i) => (row[i] = sample(f, N, r)));
        expect(p.pack(row, key)).toBe(-1);
        p.unpack(key, back);
        expect([...back]).toEqual([...row]);
        FIELDS.forEach((_, i) => expect(p.get(key, i)).toBe(row[i]));
      }
      refuses();
    });

  for (const bytes of [1, 4] as SlotBytes[])
    it(`a step's key and hash are those of its successor packed whole (${bytes}-byte slots)`, () => {
      const N = NULL_OF[bytes];
      const p = new Packer(FIELDS, N);
      const r = rng(7 + bytes);
      const row = new Int32Array(FIELDS.length);
      const next = new Int32Array(FIELDS.length);
      const key = new Int32Array(p.words);
      const whole = new Int32Array(p.words);
      const stepped = new Int32Array(p.words);
      for (let n = 0; n < 2000; n++) {
        FIELDS.forEach((f, i) => (row[i] = sample(f, N, r)));
        expect(p.pack(row, key)).toBe(-1);
        next.set(row);
        // Slot 6 plays the region (written as `target`, a leaf index: never negative), two others the step's writes.
        const target = sample(FIELDS[6], N, r);
        const at = Int32Array.of(1 + 2 * r(2), 5);
        const to = Int32Array.from(at, (i) => sample(FIELDS[i], N, r));
        next[6] = target;
        at.forEach((i, k) => (next[i] = to[k]));
        expect(p.step(key, hashSlots(row, row.length, p.shares), row, 6, { target, at, to, shares: stepShares(6, target, at, to) }, stepped)).toBe(true);
        expect(p.pack(next, whole)).toBe(-1);
        expect([...stepped]).toEqual([...whole]);
        expect(p.hash).toBe(hashSlots(next, next.length, p.shares));
      }
      // A write outside its field: no step.
      expect(p.step(key, 0, row, 6, { target: 2, at: Int32Array.of(1), to: Int32Array.of(3), shares: 0 }, stepped)).toBe(false);
    });

  it('a widened field holds the new value and every old one, and the other fields keep their places', () => {
    const N = NULL_OF[1];
    const r = rng(3);
    let p = new Packer(FIELDS, N);
    const rows = Array.from({ length: 300 }, () => Int32Array.from(FIELDS, (f) => sample(f, N, r)));
    let keys = rows.map((row) => {
      const k = new Int32Array(p.words);
      expect(p.pack(row, k)).toBe(-1);
      return k;
    });
    for (const [slot, value] of [
      [0, 1],
      [1, -9],
      [2, 1],
      [4, N],
      [6, 100],
      [3, 40],
    ]) {
      const q = p.widen(slot, value);
      q.places.forEach((place, i) => i === slot || expect(place).toEqual(p.places[i]));
      keys = keys.map((k) => {
        const w = new Int32Array(q.words);
        expect(p.repack(k, q, slot, w)).toBe(true);
        return w;
      });
      keys.forEach((k, n) => {
        const back = new Int32Array(FIELDS.length);
        q.unpack(k, back);
        expect([...back]).toEqual([...rows[n]]);
      });
      const probe = Int32Array.from(rows[0]);
      probe[slot] = value;
      expect(q.pack(probe, new Int32Array(q.words))).toBe(-1);
      p = q;
    }
  });
});

describe('StateStore with a learned packing', () => {
  it('widens as values come, with ids and rows as they were', () => {
    const N = NULL_OF[1];
    const s = new StateStore(
      3,
      1,
      16,
      undefined,
      new Packer(
        [0, 0, 0].map((lo) => ({ lo, bits: 0, nul: false })),
        N,
      ),
    );
    const row = s.newRow();
    const rowOf = (i: number) => [i % 100, (i * 7) % 120, i % 3 === 0 ? N : -(i % 50) | 0];
    // The ids an unpacked set gives: first come, first numbered.
    const ids = new Map<string, number>();
    for (let i = 0; i < 5000; i++) {
      row.slots.set(rowOf(i));
      const k = rowOf(i).join();
      const want = ids.get(k) ?? -1;
      if (want < 0) ids.set(k, ids.size);
      expect(s.add(row)).toBe(want < 0 ? ids.size - 1 : -(want + 1));
    }
    expect(s.widenings).toBeGreaterThan(3);
    expect(s.words).toBe(1);
    const out = s.newRow();
    for (const i of [0, 1, 99, 2500, 4999]) {
      const id = ids.get(rowOf(i).join())!;
      s.get(id, out);
      expect([...out.slots.subarray(0, 3)]).toEqual(rowOf(i));
      row.slots.set(rowOf(i));
      expect(s.add(row)).toBe(-(id + 1));
    }
    expect(s.size).toBe(ids.size);
  });

  it('a widening the memory budget refuses throws LimitReached and leaves the store as it was', () => {
    const N = NULL_OF[1];
    const fields = [0, 1, 2, 3].map(() => ({ lo: 0, bits: 8, nul: false }));
    // A budget that refuses every allocation once armed.
    class Armed extends Limits {
      armed = false;
      override reserve(bytes: number, what?: string): void {
        super.reserve(this.armed ? Number.MAX_SAFE_INTEGER : bytes, what);
      }
    }
    const limits = new Armed();
    const s = new StateStore(4, 1, 16, limits, new Packer(fields, N));
    const row = s.newRow();
    const rowOf = (i: number) => [i & 127, (i >> 7) & 127, 0, 1];
    for (let i = 0; i < 5000; i++) {
      row.slots.set(rowOf(i));
      expect(s.add(row)).toBe(i);
    }
    expect(s.words).toBe(1);
    limits.armed = true;
    row.slots.set([0, 0, 0, -1]);
    expect(() => s.add(row)).toThrow(LimitReached);
    expect(s.size).toBe(5000);
    expect(s.words).toBe(1);
    const out = s.newRow();
    s.get(4321, out);
    expect([...out.slots]).toEqual(rowOf(4321));
  });
});

/** Everything a search found, with every stored row. */
function facts(x: Exploration) {
  const row = x.store.newRow();
  const rows: number[][] = [];
  for (let id = 0; id < x.states; id++) {
    x.store.get(id, row);
    rows.push([...row.slots]);
  }
  return {
    states: x.states,
    transitions: x.transitions,
    complete: x.complete,
    violations: [...x.violations],
    deadlock: x.deadlock,
    parent: [...x.parent],
    parentEvent: [...x.parentEvent],
    edges: x.edges && { start: [...x.edges.start], target: [...x.edges.target], event: [...x.edges.event] },
    rows,
  };
}

const cases: [string, Scenario, SymmetryMode, boolean][] = [
  ['rfc-wait, migrating (no symmetry, edges)', behaviourScenario('migrating'), 'none', true],
  ['baseline, migrating (CPU symmetry, edges)', { ...behaviourScenario('migrating'), design: 'baseline' }, 'cpus', true],
  ['rfc-wait, caches-pointer (full symmetry)', behaviourScenario('caches-pointer'), 'full', false],
  ['kref, never-releases (no symmetry)', { ...behaviourScenario('never-releases'), design: 'kref' }, 'none', false],
];

describe('searches on the packed store', () => {
  for (const [name, scenario, symmetry, keepEdges] of cases)
    it(`${name}: the states, ids, parents, edges and verdicts of one word per slot, in fewer words`, () => {
      const cm = compileMachine(systemFor(scenario));
      const raw = explore(cm, { symmetry, safety: SAFETY, keepEdges, packing: 'raw' });
      const packed = explore(cm, { symmetry, safety: SAFETY, keepEdges });
      expect(raw.states).toBeGreaterThan(100);
      expect(raw.packing).toEqual({ words: cm.width, widenings: 0, inWorkers: 0 });
      expect(packed.packing.widenings).toBeGreaterThan(0);
      expect(packed.packing.words).toBeLessThan(cm.width / 4);
      expect(facts(packed)).toEqual(facts(raw));
    });

  it('workers that meet values outside the packing: the search widens it and goes on, the same states, id for id', () => {
    const scenario = { ...behaviourScenario('migrating'), design: 'baseline' as const };
    const cm = compileMachine(systemFor(scenario));
    const recipe = systemRecipe(scenario, designOf(scenario.design))!;
    const opts = { symmetry: 'cpus' as const, safety: SEARCH_SAFETY, keepEdges: true };
    const raw = explore(cm, { ...opts, packing: 'raw' });
    const two = explore(cm, { ...opts, parallel: { workers: 2, recipe, minLevel: 1, waitForWorkers: true } });
    expect(two.workers).toBe(2);
    expect(two.packing.inWorkers).toBeGreaterThan(0);
    expect(facts(two)).toEqual(facts(raw));
  });
});
