/**
 * A growable Int32 array: the explorer's per-state and per-edge columns (parents, event
 * indices, edge lists) without boxing.
 * @module
 */
import type { Limits } from './limits.ts';

/**
 * An append-only Int32 column that doubles its buffer when full. With `limits`, the
 * doubled buffer is first checked against the memory budget (a LimitReached instead of a
 * failed allocation).
 */
export class IntColumn {
  data: Int32Array;
  length = 0;
  constructor(
    capacity = 1 << 16,
    private readonly limits?: Limits,
    /** In shared memory, for another thread to read (a parallel search's successor batches). */
    private readonly shared = false,
  ) {
    this.data = this.alloc(capacity);
  }
  private alloc(n: number): Int32Array {
    return new Int32Array(this.shared ? new SharedArrayBuffer(4 * n) : new ArrayBuffer(4 * n));
  }
  private grow(): void {
    this.limits?.reserve(this.data.byteLength * 2, 'an exploration column');
    const d = this.alloc(this.data.length * 2);
    d.set(this.data);
    this.data = d;
  }
  /** Appends `v`. @throws LimitReached when it must grow past the budget */
  push(v: number): void {
    if (this.length === this.data.length) this.grow();
    this.data[this.length++] = v;
  }
  /** Makes room for `n` more values (then written through `data` from `length`). @throws LimitReached */
  reserve(n: number): void {
    while (this.length + n > this.data.length) this.grow();
  }
  /** Sets index `i` (growing as needed). @throws LimitReached */
  set(i: number, v: number): void {
    while (i >= this.data.length) this.grow();
    this.data[i] = v;
    if (i >= this.length) this.length = i + 1;
  }
}

const COLUMN_SHIFT = 16;
const COLUMN_CHUNK = 1 << COLUMN_SHIFT;
const COLUMN_MASK = COLUMN_CHUNK - 1;

/**
 * An Int32 column in fixed-size chunks of shared memory: the explorer's per-state and
 * per-edge columns, which the parallel search's workers write by index (src/check/engine/parallel/).
 * Only the allocating thread grows it ({@link ensure}, checked against the memory budget);
 * other threads {@link attach} the chunks it made.
 */
export class SharedColumn {
  readonly chunks: Int32Array[] = [];
  length = 0;
  constructor(private readonly limits?: Limits) {}
  /** Allocates chunks until indices below `n` fit. @throws LimitReached */
  ensure(n: number): void {
    while (this.chunks.length << COLUMN_SHIFT < n) {
      if (this.chunks.length > 0) this.limits?.reserve(COLUMN_CHUNK * 4, 'an exploration column');
      this.chunks.push(new Int32Array(new SharedArrayBuffer(COLUMN_CHUNK * 4)));
    }
  }
  /** Adopts the next chunks another thread allocated (those after the ones held). */
  attach(chunks: readonly Int32Array[]): void {
    for (const c of chunks) this.chunks.push(c);
  }
  /** Appends `v`. @throws LimitReached when it must grow past the budget */
  push(v: number): void {
    const i = this.length;
    if (i >>> COLUMN_SHIFT >= this.chunks.length) this.ensure(i + 1);
    this.chunks[i >>> COLUMN_SHIFT][i & COLUMN_MASK] = v;
    this.length = i + 1;
  }
  /** The value at `i`. */
  get(i: number): number {
    return this.chunks[i >>> COLUMN_SHIFT][i & COLUMN_MASK];
  }
  /** Sets index `i`, whose chunk must exist (no growth). */
  set(i: number, v: number): void {
    this.chunks[i >>> COLUMN_SHIFT][i & COLUMN_MASK] = v;
  }
  /** Copies `src` to indices `at ..` (their chunks must exist). */
  setAll(at: number, src: Int32Array): void {
    for (let k = 0; k < src.length; ) {
      const i = at + k;
      const room = COLUMN_CHUNK - (i & COLUMN_MASK);
      const n = Math.min(room, src.length - k);
      this.chunks[i >>> COLUMN_SHIFT].set(src.subarray(k, k + n), i & COLUMN_MASK);
      k += n;
    }
  }

  /** The first `n` values as one contiguous array (a copy). */
  toArray(n = this.length): Int32Array {
    const out = new Int32Array(n);
    for (let c = 0; c << COLUMN_SHIFT < n; c++) {
      const from = c << COLUMN_SHIFT;
      out.set(from + COLUMN_CHUNK <= n ? this.chunks[c] : this.chunks[c].subarray(0, n - from), from);
    }
    return out;
  }
}
