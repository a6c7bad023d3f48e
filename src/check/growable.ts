/**
 * A growable Int32 array: the explorer's per-state and per-edge columns (parents, event
 * indices, edge lists) without boxing.
 * @module
 */

/** An append-only Int32 column that doubles its buffer when full. */
export class IntColumn {
  data: Int32Array;
  length = 0;
  constructor(capacity = 1 << 16) {
    this.data = new Int32Array(capacity);
  }
  /** Appends `v`. */
  push(v: number): void {
    if (this.length === this.data.length) {
      const d = new Int32Array(this.data.length * 2);
      d.set(this.data);
      this.data = d;
    }
    this.data[this.length++] = v;
  }
  /** Sets index `i` (growing as needed). */
  set(i: number, v: number): void {
    while (i >= this.data.length) {
      const d = new Int32Array(this.data.length * 2);
      d.set(this.data);
      this.data = d;
    }
    this.data[i] = v;
    if (i >= this.length) this.length = i + 1;
  }
}
