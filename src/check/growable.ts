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
  ) {
    this.data = new Int32Array(capacity);
  }
  private grow(): void {
    this.limits?.reserve(this.data.byteLength * 2, 'an exploration column');
    const d = new Int32Array(this.data.length * 2);
    d.set(this.data);
    this.data = d;
  }
  /** Appends `v`. @throws LimitReached when it must grow past the budget */
  push(v: number): void {
    if (this.length === this.data.length) this.grow();
    this.data[this.length++] = v;
  }
  /** Sets index `i` (growing as needed). @throws LimitReached */
  set(i: number, v: number): void {
    while (i >= this.data.length) this.grow();
    this.data[i] = v;
    if (i >= this.length) this.length = i + 1;
  }
}
