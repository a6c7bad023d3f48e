/**
 * The visited set: packed rows stored back to back (a state's id is its index), found again
 * through an open-addressing hash table of ids with a full compare. Each slot is narrowed to
 * the smallest of 8, 16 or 32 bits that the scenario's values fit, and the narrowed row is
 * hashed and compared as 32-bit words: a 61-slot system state is 16 words. A value that
 * does not fit raises {@link WidthOverflow} and the explorer starts over wider.
 * @module
 */
import { NULL_SLOT as NULL_IMPORT } from './layout.ts';

// A module-local copy: an imported binding may be a getter call under tsx, too slow per slot.
const NULL_SLOT: number = NULL_IMPORT;

/** A value needs a wider slot than the store was built with. */
export class WidthOverflow extends Error {
  override readonly name = 'WidthOverflow';
}

/** Slot width in bytes. */
export type SlotBytes = 1 | 2 | 4;

type Narrow = Int8Array | Int16Array | Int32Array;
const NARROW: Record<SlotBytes, { new (b: ArrayBuffer): Narrow }> = { 1: Int8Array, 2: Int16Array, 4: Int32Array };

/** A set of equal-width Int32 rows, each given the next id on insertion. */
export class StateStore {
  /** Number of stored states. */
  size = 0;
  /** 32-bit words per stored row. */
  readonly words: number;
  private data: Int32Array;
  private narrow: Narrow;
  private hashes: Int32Array;
  private table: Int32Array;
  private mask: number;
  private readonly key: Int32Array;
  private readonly keyNarrow: Narrow;
  private readonly nullSlot: number;
  private readonly lo: number;
  private readonly hi: number;

  constructor(
    readonly width: number,
    readonly bytes: SlotBytes,
    capacity = 1 << 16,
  ) {
    this.words = Math.max(1, Math.ceil((width * bytes) / 4));
    this.data = new Int32Array(capacity * this.words);
    this.narrow = new NARROW[bytes](this.data.buffer as ArrayBuffer);
    this.hashes = new Int32Array(capacity);
    this.table = new Int32Array(capacity * 2).fill(-1);
    this.mask = capacity * 2 - 1;
    this.key = new Int32Array(this.words);
    this.keyNarrow = new NARROW[bytes](this.key.buffer as ArrayBuffer);
    // Narrow null markers are NULL_SLOT's low bits; ranges exclude them.
    this.nullSlot = bytes === 4 ? NULL_SLOT : bytes === 2 ? (NULL_SLOT << 16) >> 16 : (NULL_SLOT << 24) >> 24;
    this.lo = bytes === 4 ? NULL_SLOT + 1 : this.nullSlot + 1;
    this.hi = bytes === 4 ? 2147483647 : bytes === 2 ? 32767 : 127;
  }

  /** Bytes held by the store's arrays. */
  get memoryBytes(): number {
    return this.data.byteLength + this.hashes.byteLength + this.table.byteLength;
  }

  /** Narrows `row` into the key buffer. @throws WidthOverflow */
  private pack(row: Int32Array): void {
    const k = this.keyNarrow;
    const lo = this.lo;
    const span = this.hi - this.lo;
    const w = this.width;
    // Truncation narrows every value, null included (see NULL_SLOT); one unsigned compare
    // per slot notes a value out of range, which only then is looked at again.
    let odd = 0;
    for (let i = 0; i < w; i++) {
      const v = row[i];
      if ((v - lo) >>> 0 > span && v !== NULL_SLOT) odd = 1;
      k[i] = v;
    }
    if (odd === 0) return;
    for (let i = 0; i < w; i++) {
      const v = row[i];
      if ((v - lo) >>> 0 > span && v !== NULL_SLOT) throw new WidthOverflow(`value ${v} does not fit ${this.bytes * 8}-bit slots`);
    }
  }

  /** Hash of the key buffer: four independent lanes (the CPU overlaps them), then mixed. */
  private hashKey(): number {
    const k = this.key;
    const n = this.words;
    let a = 0x811c9dc5 | 0;
    let b = 0x1b873593;
    let c = 0x27d4eb2d;
    let d = 0x165667b1;
    let i = 0;
    for (; i + 3 < n; i += 4) {
      a = Math.imul(a ^ k[i], 0x01000193);
      b = Math.imul(b ^ k[i + 1], 0x01000193);
      c = Math.imul(c ^ k[i + 2], 0x01000193);
      d = Math.imul(d ^ k[i + 3], 0x01000193);
    }
    for (; i < n; i++) a = Math.imul(a ^ k[i], 0x01000193);
    let h = a ^ Math.imul(b, 0x85ebca6b) ^ Math.imul(c, 0xc2b2ae35) ^ Math.imul(d, 0x27d4eb2f);
    h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
    h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
    return h ^ (h >>> 16);
  }

  /**
   * Adds `row` if absent. Returns its new id, or `-(id + 1)` of the equal stored row.
   * @throws WidthOverflow when a slot does not fit the store's width.
   */
  add(row: Int32Array): number {
    this.pack(row);
    const h = this.hashKey();
    const n = this.words;
    const key = this.key;
    let p = h & this.mask;
    for (;;) {
      const id = this.table[p];
      if (id < 0) break;
      if (this.hashes[id] === h) {
        const data = this.data;
        const base = id * n;
        let i = 0;
        while (i < n && data[base + i] === key[i]) i++;
        if (i === n) return -(id + 1);
      }
      p = (p + 1) & this.mask;
    }
    const id = this.size;
    if ((id + 1) * n > this.data.length) {
      this.grow();
      return this.add(row);
    }
    this.data.set(key, id * n);
    this.hashes[id] = h;
    this.table[p] = id;
    this.size = id + 1;
    return id;
  }

  /** Copies the row of state `id` into `out`. */
  get(id: number, out: Int32Array): void {
    const w = this.width;
    const src = this.narrow;
    const base = (id * this.words * 4) / this.bytes;
    const nul = this.nullSlot;
    for (let i = 0; i < w; i++) {
      const v = src[base + i];
      out[i] = v === nul ? NULL_SLOT : v;
    }
  }

  private grow(): void {
    const cap = (this.data.length / this.words) * 2;
    const data = new Int32Array(cap * this.words);
    data.set(this.data);
    this.data = data;
    this.narrow = new NARROW[this.bytes](data.buffer as ArrayBuffer);
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
