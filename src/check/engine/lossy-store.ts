/**
 * Lossy visited sets, for spaces an exact store cannot hold (issue 30), as SPIN has them:
 * **hash-compact** keeps a 63-bit fingerprint per state instead of the state, **bitstate**
 * (Holzmann's supertrace) sets `k` bits of a fixed bit array per state. Either may take a new
 * state for one already seen (two fingerprints equal, or all `k` bits already set) and
 * skip it with everything only it leads to: an omission. A violation found is still real
 * (its trace is rebuilt and replayed); a "holds" is only "no violation found", with the
 * omission estimate {@link LossyStore.omission} prints beside it.
 *
 * Only the BFS frontier's rows are kept (freed chunk by chunk behind the expanding state);
 * a stored state's row is rebuilt when a trace needs it by replaying its parents' events
 * from the initial state (trace.ts), since each stored row is the canonical form of its
 * parent's successor. So a state costs its parent id and event (8 bytes) and its share of
 * the table: about 11 bytes for hash-compact at the table's load, `m / n` bits for bitstate.
 *
 * Known limits: one thread (the parallel search shares an exact store); no edges, so no
 * liveness search; the frontier of one BFS level must fit in memory.
 * @module
 */
import type { SlotBytes } from './layout.ts';
import type { Limits } from './limits.ts';
import { newRow, NO_STEP, wordsOf, type Row } from './store.ts';

/** Which lossy store, and its size. */
export type LossyMode =
  | { readonly mode: 'hash-compact' }
  /** `log2Bits`: the bit array holds 2^log2Bits bits; `hashes`: bits set per state (SPIN's -k). */
  | { readonly mode: 'bitstate'; readonly log2Bits: number; readonly hashes: number };

/** What a lossy search may have missed. */
export interface Omission {
  readonly mode: LossyMode['mode'];
  /** Expected number of reachable states the store took for seen ones (and skipped). */
  readonly expectedOmissions: number;
  /** Upper bound on the probability that any state was skipped (1 when the estimate is no bound). */
  readonly probability: number;
  /** Bytes of the table or bit array. */
  readonly tableBytes: number;
}

const CHUNK_SHIFT = 12;
const CHUNK_ROWS = 1 << CHUNK_SHIFT;

/** Two independent 32-bit hashes of a row's words (murmur3's finaliser over a running mix). */
export function rowHashes(words: Int32Array): [number, number] {
  let a = 0x9e3779b9 | 0;
  let b = 0x85ebca6b | 0;
  for (let i = 0; i < words.length; i++) {
    const w = words[i];
    a = Math.imul(a ^ w, 0xcc9e2d51);
    a = (a << 15) | (a >>> 17);
    b = Math.imul(b ^ w, 0x1b873593);
    b = (b << 13) | (b >>> 19);
    b = (Math.imul(b, 5) + 0xe6546b64) | 0;
  }
  const fmix = (h: number) => {
    h ^= h >>> 16;
    h = Math.imul(h, 0x85ebca6b);
    h ^= h >>> 13;
    h = Math.imul(h, 0xc2b2ae35);
    return h ^ (h >>> 16);
  };
  return [fmix(a ^ words.length), fmix(b ^ Math.imul(words.length, 0x27d4eb2f))];
}

/** The lossy visited set and the BFS frontier's rows. See the module comment. */
export class LossyStore {
  /** States admitted so far: ids `0 .. size - 1`, in BFS order. */
  size = 0;
  /** The packing never widens: rows are kept as they are. */
  readonly widenings = 0;
  /** 32-bit words per kept row. */
  readonly words: number;
  private readonly chunks: (Int32Array | undefined)[] = [];
  /** Chunks below this one were freed (every id in them was expanded). */
  private released = 0;
  /** hash-compact: fingerprints (hi, lo) by slot, (0, 0) free. */
  private table: Int32Array;
  private used = 0;
  /** bitstate: the bit array. */
  private readonly bits?: Uint32Array;
  /** bitstate: running sum of each admitted state's chance of having been skipped (for the estimate). */
  private expected = 0;

  constructor(
    readonly width: number,
    readonly bytes: SlotBytes,
    readonly mode: LossyMode,
    private readonly limits?: Limits,
  ) {
    this.words = wordsOf(width, bytes);
    if (mode.mode === 'bitstate') {
      if (!Number.isInteger(mode.log2Bits) || mode.log2Bits < 10 || mode.log2Bits > 35)
        throw new RangeError(`bitstate: 2^${mode.log2Bits} bits is outside 2^10 .. 2^35`);
      if (!Number.isInteger(mode.hashes) || mode.hashes < 1 || mode.hashes > 8)
        throw new RangeError(`bitstate: ${mode.hashes} hash functions is outside 1 .. 8`);
      limits?.reserve(2 ** (mode.log2Bits - 3), 'the bitstate array');
      this.bits = new Uint32Array(2 ** (mode.log2Bits - 5));
      this.table = new Int32Array(0);
    } else this.table = new Int32Array(2 * (1 << 16));
  }

  /** A zeroed row of this store's shape. */
  newRow(): Row {
    return newRow(this.width, this.bytes);
  }

  /** Bytes held: the table or bit array, and the frontier chunks still kept. */
  get memoryBytes(): number {
    const kept = this.chunks.reduce((n, c) => n + (c ? c.byteLength : 0), 0);
    return kept + (this.bits ? this.bits.byteLength : this.table.byteLength);
  }

  /** Adds `row` unless the store takes it for seen: its new id, or -1 (no id: a lossy store cannot say which). @throws LimitReached */
  add(row: Row): number {
    const [h1, h2] = rowHashes(row.words);
    if (!(this.bits ? this.setBits(h1, h2) : this.insertFingerprint(h1, h2))) return -1;
    const id = this.size;
    const c = id >>> CHUNK_SHIFT;
    if (c >= this.chunks.length) {
      if (c > 0) this.limits?.reserve(CHUNK_ROWS * this.words * 4, 'the BFS frontier');
      this.chunks.push(new Int32Array(CHUNK_ROWS * this.words));
    }
    this.chunks[c]!.set(row.words, (id & (CHUNK_ROWS - 1)) * this.words);
    this.size = id + 1;
    return id;
  }

  /** A lossy store packs nothing from the parent: the caller builds every successor. */
  addStep(): number {
    return NO_STEP;
  }

  /** Copies the row of state `id` into `out`: a state not yet expanded (the frontier), expanded in id order. */
  get(id: number, out: Row): void {
    const c = id >>> CHUNK_SHIFT;
    for (; this.released < c; this.released++) this.chunks[this.released] = undefined;
    const chunk = this.chunks[c];
    if (!chunk) throw new Error(`lossy store: the row of state ${id} is behind the frontier (rebuild it from its parents)`);
    const at = (id & (CHUNK_ROWS - 1)) * this.words;
    out.words.set(chunk.subarray(at, at + this.words));
  }

  /** The store cannot widen: its rows are not packed. */
  widen(): never {
    throw new Error('lossy store: rows are kept unpacked and never widen');
  }

  /** What the search may have missed, from the states admitted and the table's size. */
  omission(): Omission {
    const n = this.size;
    if (this.bits) {
      const m = 2 ** (this.mode as { log2Bits: number }).log2Bits;
      return { mode: 'bitstate', expectedOmissions: this.expected, probability: Math.min(1, this.expected), tableBytes: m / 8 };
    }
    // A skip needs a new state's 63-bit fingerprint to equal an earlier one's: at most n²/2 pairs.
    const p = (n * (n - 1)) / 2 / 2 ** 63;
    return { mode: 'hash-compact', expectedOmissions: p, probability: Math.min(1, p), tableBytes: this.table.byteLength };
  }

  /** Sets the state's bits (double hashing h1 + i·h2); false when all were set already. */
  private setBits(h1: number, h2: number): boolean {
    const bits = this.bits!;
    const { log2Bits, hashes } = this.mode as { log2Bits: number; hashes: number };
    const m = 2 ** log2Bits;
    // Before setting: the chance all k bits of a new state are already set, the fill to the k-th power.
    let fresh = false;
    for (let i = 0; i < hashes; i++) {
      const x = ((h1 >>> 0) + i * ((h2 | 1) >>> 0)) % m;
      const w = Math.floor(x / 32);
      const b = 1 << (x & 31);
      if ((bits[w] & b) === 0) {
        fresh = true;
        bits[w] |= b;
      }
    }
    if (fresh) this.expected += (1 - Math.exp((-hashes * this.size) / m)) ** hashes;
    return fresh;
  }

  /** Inserts fingerprint (h1, h2 | 1) (63 bits: the low bit marks a used slot); false when present. */
  private insertFingerprint(h1: number, h2: number): boolean {
    const lo = h2 | 1;
    let t = this.table;
    let mask = (t.length >>> 1) - 1;
    for (let i = h1 & mask; ; i = (i + 1) & mask) {
      if (t[2 * i + 1] === 0) break;
      if (t[2 * i] === h1 && t[2 * i + 1] === lo) return false;
    }
    if ((this.used + 1) * 4 > (t.length >>> 1) * 3) {
      this.grow();
      t = this.table;
      mask = (t.length >>> 1) - 1;
    }
    let i = h1 & mask;
    while (t[2 * i + 1] !== 0) i = (i + 1) & mask;
    t[2 * i] = h1;
    t[2 * i + 1] = lo;
    this.used++;
    return true;
  }

  private grow(): void {
    const old = this.table;
    this.limits?.reserve(old.byteLength * 2, 'the hash-compact table');
    const t = new Int32Array(old.length * 2);
    const mask = (t.length >>> 1) - 1;
    for (let j = 0; j < old.length; j += 2) {
      if (old[j + 1] === 0) continue;
      let i = old[j] & mask;
      while (t[2 * i + 1] !== 0) i = (i + 1) & mask;
      t[2 * i] = old[j];
      t[2 * i + 1] = old[j + 1];
    }
    this.table = t;
  }
}
