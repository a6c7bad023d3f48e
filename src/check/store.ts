/**
 * The visited set: packed rows stored back to back in one typed array (a state's id is its
 * index), found again through an open-addressing hash table of ids with full-row compare.
 * Slots are stored in the narrowest of 8, 16 or 32 bits that the scenario's values fit; a
 * value that does not fit raises {@link WidthOverflow} and the explorer starts over wider.
 * @module
 */
import { NULL_SLOT } from './layout.ts';

/** A value needs a wider slot than the store was built with. */
export class WidthOverflow extends Error {
  override readonly name = 'WidthOverflow';
}

/** Slot width in bytes. */
export type SlotBytes = 1 | 2 | 4;

type Rows = Int8Array | Int16Array | Int32Array;

const MIN: Record<SlotBytes, number> = { 1: -128, 2: -32768, 4: NULL_SLOT };
const ROWS: Record<SlotBytes, new (n: number) => Rows> = { 1: Int8Array, 2: Int16Array, 4: Int32Array };

/** A set of equal-width Int32 rows, each given the next id on insertion. */
export class StateStore {
  /** Number of stored states. */
  size = 0;
  private rows: Rows;
  private hashes: Int32Array;
  private table: Int32Array;
  private mask: number;
  private readonly lo: number;
  private readonly hi: number;
  private readonly nullSlot: number;

  constructor(
    readonly width: number,
    readonly bytes: SlotBytes,
    capacity = 1 << 16,
  ) {
    this.rows = new ROWS[bytes](capacity * width);
    this.hashes = new Int32Array(capacity);
    this.table = new Int32Array(capacity * 2).fill(-1);
    this.mask = capacity * 2 - 1;
    this.nullSlot = MIN[bytes];
    this.lo = MIN[bytes] + 1;
    this.hi = -MIN[bytes] - 1;
  }

  /** Bytes held by the store's arrays. */
  get memoryBytes(): number {
    return this.rows.byteLength + this.hashes.byteLength + this.table.byteLength;
  }

  private static hash(row: Int32Array, w: number): number {
    let h = 0x811c9dc5 | 0;
    for (let i = 0; i < w; i++) {
      h = Math.imul(h ^ row[i], 0x01000193);
      h ^= h >>> 15;
    }
    h = Math.imul(h ^ (h >>> 13), 0x5bd1e995);
    return h ^ (h >>> 16);
  }

  /**
   * Adds `row` if absent. Returns its new id, or `-(id + 1)` of the equal stored row.
   * @throws WidthOverflow when a slot does not fit the store's width.
   */
  add(row: Int32Array): number {
    const w = this.width;
    const h = StateStore.hash(row, w);
    const rows = this.rows;
    const nul = this.nullSlot;
    let p = h & this.mask;
    for (;;) {
      const id = this.table[p];
      if (id < 0) break;
      if (this.hashes[id] === h) {
        const base = id * w;
        let i = 0;
        for (; i < w; i++) {
          const v = row[i];
          if (rows[base + i] !== (v === NULL_SLOT ? nul : v)) break;
        }
        if (i === w) return -(id + 1);
      }
      p = (p + 1) & this.mask;
    }
    const id = this.size;
    if (id * w + w > this.rows.length) {
      this.grow();
      return this.add(row);
    }
    const base = id * w;
    for (let i = 0; i < w; i++) {
      const v = row[i];
      if (v === NULL_SLOT) rows[base + i] = nul;
      else if (v < this.lo || v > this.hi) throw new WidthOverflow(`value ${v} does not fit ${this.bytes * 8}-bit slots`);
      else rows[base + i] = v;
    }
    this.hashes[id] = h;
    this.table[p] = id;
    this.size = id + 1;
    return id;
  }

  /** Copies the row of state `id` into `out`. */
  get(id: number, out: Int32Array): void {
    const w = this.width;
    const base = id * w;
    const nul = this.nullSlot;
    for (let i = 0; i < w; i++) {
      const v = this.rows[base + i];
      out[i] = v === nul ? NULL_SLOT : v;
    }
  }

  private grow(): void {
    const cap = (this.rows.length / this.width) * 2;
    const rows = new ROWS[this.bytes](cap * this.width);
    rows.set(this.rows);
    this.rows = rows;
    const hashes = new Int32Array(cap);
    hashes.set(this.hashes);
    this.hashes = hashes;
    this.table = new Int32Array(cap * 2).fill(-1);
    this.mask = cap * 2 - 1;
    for (let id = 0; id < this.size; id++) {
      let p = this.hashes[id] & this.mask;
      while (this.table[p] >= 0) p = (p + 1) & this.mask;
      this.table[p] = id;
    }
  }
}
