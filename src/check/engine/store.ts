/**
 * The visited set: state rows packed to the bits each slot's values need (packing.ts) and
 * stored in fixed-size chunks (a state's id is its index), found again through an
 * open-addressing hash table of ids with a full compare of the packed keys. A 61-slot
 * standard-scenario row of 16 words is stored in 6 or 7.
 *
 * The chunks are shared memory ({@link RowChunks}), so the parallel search's workers read and
 * write the same packed rows by id (src/check/engine/parallel/); the hash table ({@link IdTable}) is one
 * thread's, and keeps each entry's hash beside its id, so a probe that meets another state
 * rejects it without touching that state's row (a cache miss).
 * @module
 */
import type { SlotBytes, Slots } from './layout.ts';
import type { Limits } from './limits.ts';
import { hashSlots, Packer, type Step } from './packing.ts';
import { NULL_OF } from './layout.ts';

const VIEW: Record<SlotBytes, { new (b: ArrayBuffer): Slots }> = { 1: Int8Array, 2: Int16Array, 4: Int32Array };

/** A state row: its slots, and the same memory as 32-bit words (zero padding past the slots). */
export interface Row {
  readonly slots: Slots;
  readonly words: Int32Array;
}

/** 32-bit words a row of `width` slots of `bytes` bytes fills. */
export const wordsOf = (width: number, bytes: SlotBytes): number => Math.max(1, Math.ceil((width * bytes) / 4));

/** A zeroed row of `width` slots of `bytes` bytes. */
export function newRow(width: number, bytes: SlotBytes): Row {
  const words = new Int32Array(wordsOf(width, bytes));
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

/** Rows per chunk: a chunk is allocated whole, so growing never copies rows. */
const CHUNK_SHIFT = 13;
const CHUNK_ROWS = 1 << CHUNK_SHIFT;
const CHUNK_MASK = CHUNK_ROWS - 1;

/**
 * Rows by id in fixed-size chunks of shared memory, each row followed by its hash. Several
 * threads may hold the same chunks ({@link attach}); only the allocating thread grows them.
 */
export class RowChunks {
  /** Words per row in a chunk: the row, then its hash. */
  readonly stride: number;
  readonly chunks: Int32Array[] = [];

  constructor(
    /** 32-bit words per row. */
    readonly words: number,
    private readonly limits?: Limits,
  ) {
    this.stride = words + 1;
  }

  /** Rows the allocated chunks hold. */
  get capacity(): number {
    return this.chunks.length << CHUNK_SHIFT;
  }

  /** Allocates chunks until ids below `n` fit; all but the first are checked against the budget. @throws LimitReached */
  ensure(n: number): void {
    while (this.capacity < n) {
      const bytes = CHUNK_ROWS * this.stride * 4;
      if (this.chunks.length > 0) this.limits?.reserve(bytes, 'the state store');
      this.chunks.push(new Int32Array(new SharedArrayBuffer(bytes)));
    }
  }

  /** Adopts the next chunks another thread allocated (those after the ones held). */
  attach(chunks: readonly Int32Array[]): void {
    for (const c of chunks) this.chunks.push(c);
  }

  /** Stores `key` (its hash `h`) as row `id`; its chunk must exist. */
  write(id: number, key: Int32Array, h: number): void {
    const chunk = this.chunks[id >>> CHUNK_SHIFT];
    const base = (id & CHUNK_MASK) * this.stride;
    const n = this.words;
    for (let i = 0; i < n; i++) chunk[base + i] = key[i];
    chunk[base + n] = h;
  }

  /** Whether row `id` is `key`. */
  equals(id: number, key: Int32Array): boolean {
    const chunk = this.chunks[id >>> CHUNK_SHIFT];
    const base = (id & CHUNK_MASK) * this.stride;
    const n = this.words;
    let i = 0;
    while (i < n && chunk[base + i] === key[i]) i++;
    return i === n;
  }

  /** The stored hash of row `id`. */
  hashOf(id: number): number {
    return this.chunks[id >>> CHUNK_SHIFT][(id & CHUNK_MASK) * this.stride + this.words];
  }

  /** Copies row `id` into `out`. */
  get(id: number, out: Int32Array): void {
    const n = this.words;
    const chunk = this.chunks[id >>> CHUNK_SHIFT];
    const base = (id & CHUNK_MASK) * this.stride;
    for (let i = 0; i < n; i++) out[i] = chunk[base + i];
  }

  get memoryBytes(): number {
    return this.chunks.reduce((n, c) => n + c.byteLength, 0);
  }
}

/**
 * Probes the (value, hash) pairs of an {@link IdTable}'s array for `key` (hash `h`) among
 * `rows`: the id of the equal row, or `-(p + 1)` for the free entry `p` where it goes.
 * Pending entries (negative values) are never equal. A free function of the array, so the
 * parallel search's workers probe each other's tables (read-only, between barriers).
 */
export function probeIds(t: Int32Array, rows: RowChunks, key: Int32Array, h: number): number {
  const mask = (t.length >>> 1) - 1;
  let p = h & mask;
  for (;;) {
    const v = t[2 * p];
    if (v === 0) return -(p + 1);
    if (v > 0 && t[2 * p + 1] === h && rows.equals(v - 1, key)) return v - 1;
    p = (p + 1) & mask;
  }
}

/**
 * An open-addressing hash table of ids into a {@link RowChunks}: entry `p` is the pair
 * (value, hash) at `2p`, `2p + 1`, where value 0 is empty (so a fresh, zeroed buffer is an
 * empty table, with nothing to fill), `id + 1` a stored row, and a negative value a pending
 * state of the parallel search (`-(index + 1)` into its own rows, see worker.ts). Doubles
 * when half full, from the hashes it holds (rows are not read). With `shared`, the array is
 * shared memory that other threads may probe with {@link probeIds}.
 */
export class IdTable {
  table: Int32Array;
  count = 0;
  /** Bumped by every growth: entry positions taken before it are stale. */
  generation = 0;

  constructor(
    capacity: number,
    private readonly limits?: Limits,
    private readonly shared = false,
  ) {
    // The first table is small and allocated unchecked: only growth meets the budget.
    this.table = this.alloc(1 << Math.max(1, Math.ceil(Math.log2(Math.max(2, capacity) * 2))));
  }

  private alloc(slots: number): Int32Array {
    return new Int32Array(this.shared ? new SharedArrayBuffer(8 * slots) : new ArrayBuffer(8 * slots));
  }

  /** The id of the row equal to `key` (hash `h`) in `rows`, or `-(p + 1)` for the free entry `p` where it goes. */
  find(rows: RowChunks, key: Int32Array, h: number): number {
    return probeIds(this.table, rows, key, h);
  }

  /**
   * The index of the pending entry whose row in `pend` equals `key`, or `-(p + 1)` for the
   * free entry `p` where it goes. Stored ids are skipped unread: the caller knows `key` is
   * none of them.
   */
  findPending(pend: RowChunks, key: Int32Array, h: number): number {
    const t = this.table;
    const mask = (t.length >>> 1) - 1;
    let p = h & mask;
    for (;;) {
      const v = t[2 * p];
      if (v === 0) return -(p + 1);
      if (v < 0 && t[2 * p + 1] === h && pend.equals(-v - 1, key)) return -v - 1;
      p = (p + 1) & mask;
    }
  }

  /** Puts `id` (hash `h`) at the free entry `-(f + 1)` that {@link find} returned; the entry may move when the table grows. @throws LimitReached */
  insert(f: number, id: number, h: number): void {
    this.place(f, id + 1, h);
  }

  /**
   * Puts the raw entry `value` (hash `h`) at the free entry `-(f + 1)` a probe returned, or
   * where it goes after the table grew. Returns its position. @throws LimitReached
   */
  place(f: number, value: number, h: number): number {
    if (2 * (this.count + 1) > this.table.length >>> 1) {
      this.grow();
      f = this.freeEntry(h);
    } else f = -f - 1;
    this.table[2 * f] = value;
    this.table[2 * f + 1] = h;
    this.count++;
    return f;
  }

  /** Inserts `id` (hash `h`), known absent. @throws LimitReached */
  add(id: number, h: number): void {
    this.insert(-(this.freeEntry(h) + 1), id, h);
  }

  private freeEntry(h: number): number {
    const t = this.table;
    const mask = (t.length >>> 1) - 1;
    let p = h & mask;
    while (t[2 * p] !== 0) p = (p + 1) & mask;
    return p;
  }

  /** Empties the table, keeping its size. */
  clear(): void {
    this.table.fill(0);
    this.count = 0;
  }

  private grow(): void {
    const old = this.table;
    const slots = old.length;
    this.limits?.reserve(slots * 8, "the state store's hash table");
    this.table = this.alloc(slots);
    this.generation++;
    for (let q = 0; q < old.length; q += 2)
      if (old[q] !== 0) {
        const p = this.freeEntry(old[q + 1]);
        this.table[2 * p] = old[q];
        this.table[2 * p + 1] = old[q + 1];
      }
  }

  get memoryBytes(): number {
    return this.table.byteLength;
  }
}

/** {@link StateStore.addStep}'s answer when it cannot pack the successor from its parent (never an id nor `-(id + 1)`). */
export const NO_STEP = 2 ** 31;

/**
 * A set of equal-width rows, each given the next id on insertion, stored packed ({@link Packer}).
 * Rows live in fixed-size chunks ({@link RowChunks}), so the store grows by one chunk at a
 * time and never needs one giant allocation; only the hash table of ids is rebuilt, at twice
 * the size, when it is half full. A row whose value does not fit its packed field widens the
 * packing: every stored row is packed again into new chunks and a new table (ids unchanged).
 * With `limits`, every allocation is first checked against the memory budget (a
 * {@link LimitReached} instead of a failed allocation, the store as it was).
 */
export class StateStore {
  /** Number of stored states. */
  size = 0;
  /** The packing of stored rows (replaced when a value does not fit). */
  packer: Packer;
  /** Packed rows by id (replaced when the packing widens). */
  rows: RowChunks;
  private ids: IdTable;
  /** A packed key, the scratch of {@link add} and {@link get}. */
  private key: Int32Array;
  /** The key {@link get} read last, and the packing it is in. */
  private parentKey: Int32Array;
  private parentPacker: Packer | undefined;
  private parentHash = 0;
  /** Times the packing widened (each packed every stored row again). */
  widenings = 0;

  constructor(
    readonly width: number,
    readonly bytes: SlotBytes,
    capacity = 1 << 16,
    private readonly limits?: Limits,
    packer: Packer = Packer.raw(width, NULL_OF[bytes]),
  ) {
    this.packer = packer;
    this.rows = new RowChunks(packer.words, limits);
    this.ids = new IdTable(capacity, limits);
    this.key = new Int32Array(packer.words);
    this.parentKey = new Int32Array(packer.words);
  }

  /** 32-bit words per stored (packed) row. */
  get words(): number {
    return this.packer.words;
  }

  /** A zeroed row of this store's shape. */
  newRow(): Row {
    return newRow(this.width, this.bytes);
  }

  /** Bytes held by the store's arrays. */
  get memoryBytes(): number {
    return this.rows.memoryBytes + this.ids.memoryBytes;
  }

  /** Packs `row` into the scratch key, widening the packing until it fits. @throws LimitReached */
  private packed(row: Row): Int32Array {
    for (let bad = this.packer.pack(row.slots, this.key); bad >= 0; bad = this.packer.pack(row.slots, this.key)) this.widen(bad, row.slots[bad]);
    return this.key;
  }

  /** Adds `row` if absent. Returns its new id, or `-(id + 1)` of the equal stored row. @throws LimitReached */
  add(row: Row): number {
    const key = this.packed(row);
    return this.insertKey(key, hashSlots(row.slots, this.width, this.packer.shares));
  }

  /** Adds the packed `key` (hash `h`) if absent, as {@link add}. @throws LimitReached */
  private insertKey(key: Int32Array, h: number): number {
    const f = this.ids.find(this.rows, key, h);
    if (f >= 0) return -(f + 1);
    const id = this.size;
    // The first chunk, like the first table, is unchecked: a search always holds its initial state.
    if (id >= this.rows.capacity) this.rows.ensure(id + 1);
    this.ids.insert(f, id, h);
    this.rows.write(id, key, h);
    this.size = id + 1;
    return id;
  }

  /**
   * Like {@link add}, for the successor of the state {@link get} read last (into `parent`)
   * by `step` (region `region`): packed and hashed from that state's key and hash, without its
   * row. {@link NO_STEP} when that cannot be done (a value outside its packed field, or a
   * packing widened since): the caller then builds the row and calls {@link add}.
   * @throws LimitReached
   */
  addStep(parent: Row, region: number, step: Step): number {
    const p = this.packer;
    if (this.parentPacker !== p || !p.step(this.parentKey, this.parentHash, parent.slots, region, step, this.key)) return NO_STEP;
    return this.insertKey(this.key, p.hash);
  }

  /** Copies the row of state `id` into `out` (and keeps its key and hash for {@link addStep}). */
  get(id: number, out: Row): void {
    this.rows.get(id, this.parentKey);
    this.parentHash = this.rows.hashOf(id);
    this.parentPacker = this.packer;
    this.packer.unpack(this.parentKey, out.slots);
  }

  /**
   * Grows `slot`'s field to hold `value` and moves that field in every stored row (hashes
   * do not change: the table stays). Rows are rewritten where they are, or, when the packing
   * needs another word, into new chunks: the store is left as it was if the memory budget
   * refuses them.
   * @throws LimitReached
   */
  widen(slot: number, value: number): void {
    const from = this.packer;
    const to = from.widen(slot, value);
    let rows = this.rows;
    if (to.words !== from.words) {
      rows = new RowChunks(to.words, this.limits);
      if (this.size > 0) {
        this.limits?.reserve(rows.stride * 4 * this.size, 'the state store, packed again');
        rows.ensure(this.size);
      }
    }
    const old = new Int32Array(from.words);
    const key = new Int32Array(to.words);
    for (let id = 0; id < this.size; id++) {
      this.rows.get(id, old);
      // The wider packing holds every value the narrower one did.
      if (!from.repack(old, to, slot, key)) throw new Error(`widening slot ${slot} lost a value`);
      rows.write(id, key, this.rows.hashOf(id));
    }
    this.packer = to;
    this.rows = rows;
    this.key = key;
    this.parentKey = new Int32Array(to.words);
    this.widenings++;
  }
}
