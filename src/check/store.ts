/**
 * The visited set: state rows stored in fixed-size chunks (a state's id is its index), found
 * again through an open-addressing hash table of ids with a full compare. A row's slots have the
 * exploration's width (8, 16 or 32 bits, see layout.ts) and fill whole 32-bit words, which
 * is what is hashed, compared and stored: a 61-slot system state is 16 words.
 * @module
 */
import type { SlotBytes, Slots } from './layout.ts';
import type { Limits } from './limits.ts';

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

/** Rows per chunk of the store: a chunk is allocated whole, so growing never copies rows. */
const CHUNK_SHIFT = 13;
const CHUNK_ROWS = 1 << CHUNK_SHIFT;
const CHUNK_MASK = CHUNK_ROWS - 1;

/**
 * A set of equal-width rows, each given the next id on insertion. Rows live in fixed-size
 * chunks (each row followed by its hash), so the store grows by one chunk at a time and
 * never needs one giant allocation; only the hash table of ids is rebuilt, at twice the
 * size, when it is half full. With `limits`, every allocation is first checked against the
 * memory budget (a {@link LimitReached} instead of a failed allocation).
 */
export class StateStore {
  /** Number of stored states. */
  size = 0;
  /** 32-bit words per stored row. */
  readonly words: number;
  /** Words per row in a chunk: the row, then its hash. */
  private readonly stride: number;
  private readonly chunks: Int32Array[] = [];
  private table: Int32Array;
  private mask: number;

  constructor(
    readonly width: number,
    readonly bytes: SlotBytes,
    capacity = 1 << 16,
    private readonly limits?: Limits,
  ) {
    this.words = Math.max(1, Math.ceil((width * bytes) / 4));
    this.stride = this.words + 1;
    // The first table is small and allocated unchecked: only growth meets the budget.
    const slots = 1 << Math.max(1, Math.ceil(Math.log2(Math.max(2, capacity) * 2)));
    this.table = new Int32Array(slots).fill(-1);
    this.mask = slots - 1;
  }

  /** A zeroed row of this store's shape. */
  newRow(): Row {
    return newRow(this.width, this.bytes);
  }

  /** Bytes held by the store's arrays. */
  get memoryBytes(): number {
    return this.chunks.reduce((n, c) => n + c.byteLength, 0) + this.table.byteLength;
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

  /** Adds `row` if absent. Returns its new id, or `-(id + 1)` of the equal stored row. @throws LimitReached */
  add(row: Row): number {
    const key = row.words;
    const h = this.hash(key);
    const n = this.words;
    const stride = this.stride;
    let p = h & this.mask;
    for (;;) {
      const id = this.table[p];
      if (id < 0) break;
      const chunk = this.chunks[id >>> CHUNK_SHIFT];
      const base = (id & CHUNK_MASK) * stride;
      if (chunk[base + n] === h) {
        let i = 0;
        while (i < n && chunk[base + i] === key[i]) i++;
        if (i === n) return -(id + 1);
      }
      p = (p + 1) & this.mask;
    }
    const id = this.size;
    if (2 * (id + 1) > this.table.length) {
      this.grow();
      return this.add(row);
    }
    if ((id & CHUNK_MASK) === 0 && this.chunks.length === id >>> CHUNK_SHIFT) {
      // The first chunk, like the first table, is unchecked: a search always holds its initial state.
      if (id > 0) this.limits?.reserve(CHUNK_ROWS * stride * 4, 'the state store');
      this.chunks.push(new Int32Array(CHUNK_ROWS * stride));
    }
    const chunk = this.chunks[id >>> CHUNK_SHIFT];
    const base = (id & CHUNK_MASK) * stride;
    for (let i = 0; i < n; i++) chunk[base + i] = key[i];
    chunk[base + n] = h;
    this.table[p] = id;
    this.size = id + 1;
    return id;
  }

  /** Copies the row of state `id` into `out`. */
  get(id: number, out: Row): void {
    const n = this.words;
    const chunk = this.chunks[id >>> CHUNK_SHIFT];
    const base = (id & CHUNK_MASK) * this.stride;
    const w = out.words;
    for (let i = 0; i < n; i++) w[i] = chunk[base + i];
  }

  /** Twice the hash table, ids re-inserted from their stored hashes (rows stay where they are). */
  private grow(): void {
    const slots = this.table.length * 2;
    this.limits?.reserve(slots * 4, "the state store's hash table");
    this.table = new Int32Array(slots).fill(-1);
    this.mask = slots - 1;
    const n = this.words;
    for (let id = 0; id < this.size; id++) {
      let p = this.chunks[id >>> CHUNK_SHIFT][(id & CHUNK_MASK) * this.stride + n] & this.mask;
      while (this.table[p] >= 0) p = (p + 1) & this.mask;
      this.table[p] = id;
    }
  }
}
