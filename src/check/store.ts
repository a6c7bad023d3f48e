/**
 * The visited set: state rows stored back to back (a state's id is its index), found again
 * through an open-addressing hash table of ids with a full compare. A row's slots have the
 * exploration's width (8, 16 or 32 bits, see layout.ts) and fill whole 32-bit words, which
 * is what is hashed, compared and stored: a 61-slot system state is 16 words.
 * @module
 */
import type { SlotBytes, Slots } from './layout.ts';

const VIEW: Record<SlotBytes, { new (b: ArrayBuffer): Slots }> = { 1: Int8Array, 2: Int16Array, 4: Int32Array };

/** A state row: its slots, and the same memory as 32-bit words (zero padding past the slots). */
export interface Row {
  readonly slots: Slots;
  readonly words: Int32Array;
}

/** A zeroed row of `width` slots of `bytes` bytes. */
export function newRow(width: number, bytes: SlotBytes): Row {
  const words = new Int32Array(Math.max(1, Math.ceil((width * bytes) / 4)));
  return { slots: new VIEW[bytes](words.buffer as ArrayBuffer), words };
}

/** A copy of `row`. */
export function copyRow(row: Row): Row {
  const words = row.words.slice();
  return { slots: new (row.slots.constructor as { new (b: ArrayBuffer): Slots })(words.buffer as ArrayBuffer), words };
}

/** Whether two rows of one width hold the same state. */
export function sameRow(a: Row, b: Row): boolean {
  const n = a.words.length;
  for (let i = 0; i < n; i++) if (a.words[i] !== b.words[i]) return false;
  return true;
}

/** A set of equal-width rows, each given the next id on insertion. */
export class StateStore {
  /** Number of stored states. */
  size = 0;
  /** 32-bit words per stored row. */
  readonly words: number;
  private data: Int32Array;
  private hashes: Int32Array;
  private table: Int32Array;
  private mask: number;

  constructor(
    readonly width: number,
    readonly bytes: SlotBytes,
    capacity = 1 << 16,
  ) {
    this.words = Math.max(1, Math.ceil((width * bytes) / 4));
    this.data = new Int32Array(capacity * this.words);
    this.hashes = new Int32Array(capacity);
    this.table = new Int32Array(capacity * 2).fill(-1);
    this.mask = capacity * 2 - 1;
  }

  /** A zeroed row of this store's shape. */
  newRow(): Row {
    return newRow(this.width, this.bytes);
  }

  /** Bytes held by the store's arrays. */
  get memoryBytes(): number {
    return this.data.byteLength + this.hashes.byteLength + this.table.byteLength;
  }

  /** Hash of a row's words: four independent lanes (the CPU overlaps them), then mixed. */
  private hash(k: Int32Array): number {
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

  /** Adds `row` if absent. Returns its new id, or `-(id + 1)` of the equal stored row. */
  add(row: Row): number {
    const key = row.words;
    const h = this.hash(key);
    const n = this.words;
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
    const data = this.data;
    const base = id * n;
    for (let i = 0; i < n; i++) data[base + i] = key[i];
    this.hashes[id] = h;
    this.table[p] = id;
    this.size = id + 1;
    return id;
  }

  /** Copies the row of state `id` into `out`. */
  get(id: number, out: Row): void {
    const n = this.words;
    const base = id * n;
    const w = out.words;
    for (let i = 0; i < n; i++) w[i] = this.data[base + i];
  }

  private grow(): void {
    const cap = (this.data.length / this.words) * 2;
    const data = new Int32Array(cap * this.words);
    data.set(this.data);
    this.data = data;
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
