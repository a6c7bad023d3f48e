/**
 * A function of a packed row memoized by what it reads: the first call on a state runs the
 * function, recording each input (row slot) it reads in order with its value; the trie keeps
 * that path with the result. A later row that agrees on the values along a recorded path
 * gets the result from the trie, reading those slots and nothing else.
 *
 * This is exact for a deterministic function of the row, which rules and properties are
 * (machines/kit.ts rule 5): the first input a run reads is the same for every row, and each
 * next one depends only on the values read before it, so the recorded paths form a tree and
 * a row reaching a leaf would have made the function return that leaf's result. A run that
 * departs from a recorded path on the same values is a rule that reads something besides the
 * state (a {@link ReadOrderError}). It is the lazy form of the export's decision trees
 * (src/check/engine/rules/decision-tree.ts): grown on the states a search meets, so it needs no ranges.
 * @module
 */
import type { Slots } from './layout.ts';

/** A trie node: a branch reads row slot `input` (>= 0); a leaf (`input` -1) holds `value`. */
class Node<L> {
  /** Children by slot value minus `base`. */
  kids: (Node<L> | undefined)[] = [];
  base = 0;
  /** The child for the null marker (kept apart: the marker is far from every value). */
  nul: Node<L> | undefined = undefined;
  constructor(
    readonly input: number,
    readonly value: L | undefined,
  ) {}

  child(v: number, N: number): Node<L> | undefined {
    if (v === N) return this.nul;
    const j = v - this.base;
    return j >= 0 && j < this.kids.length ? this.kids[j] : undefined;
  }

  setChild(v: number, N: number, c: Node<L>): void {
    if (v === N) {
      this.nul = c;
      return;
    }
    if (this.kids.length === 0) this.base = v;
    else if (v < this.base) {
      this.kids = [...new Array<undefined>(this.base - v), ...this.kids];
      this.base = v;
    }
    this.kids[v - this.base] = c;
  }
}

/** A rule read the state in a different order on the same values: it depends on something besides the state. */
export class ReadOrderError extends Error {
  override readonly name = 'ReadOrderError';
}

/** The memo of one function of a row; `fn` reads input `i` through `read(i)` (the raw slot). */
export class ReadTrie<L> {
  private root: Node<L> | undefined;
  private readonly seen: Uint8Array;
  private readonly path: number[] = [];
  /** Distinct results stored (leaves). */
  leaves = 0;
  /**
   * Called once per new path with the slots it read (in order) and its result: the
   * partial-order reduction (por.ts) learns which slots each step and property reads.
   */
  onLearn?: (reads: readonly number[], value: L) => void;

  constructor(
    width: number,
    /** The row's null marker (layout.ts NULL_OF of its width). */
    private readonly N: number,
    private readonly fn: (read: (input: number) => number) => L,
    /** Names the function in a {@link ReadOrderError}. */
    private readonly name: string,
  ) {
    this.seen = new Uint8Array(width);
  }

  /** `fn`'s result on `row`. */
  get(row: Slots): L {
    const N = this.N;
    let n = this.root;
    while (n !== undefined) {
      if (n.input < 0) return n.value as L;
      n = n.child(row[n.input], N);
    }
    return this.learn(row);
  }

  /** `fn`'s result on `row`, with the slots its path reads pushed onto `reads` (a second walk: only the reduction asks). */
  getWithReads(row: Slots, reads: number[]): L {
    const N = this.N;
    const base = reads.length;
    let n = this.root;
    while (n !== undefined) {
      if (n.input < 0) return n.value as L;
      reads.push(n.input);
      n = n.child(row[n.input], N);
    }
    // A new path: the learned one repeats the partial walk's slots.
    const value = this.learn(row);
    reads.length = base;
    for (let k = 0; k < this.path.length; k += 2) reads.push(this.path[k]);
    return value;
  }

  /** Runs `fn` on `row`, recording its reads, and stores the path to its result. */
  private learn(row: Slots): L {
    const { seen, path } = this;
    path.length = 0;
    const read = (i: number): number => {
      const v = row[i];
      if (!seen[i]) {
        seen[i] = 1;
        path.push(i, v);
      }
      return v;
    };
    let value: L;
    try {
      value = this.fn(read);
    } finally {
      for (let k = 0; k < path.length; k += 2) seen[path[k]] = 0;
    }
    this.insert(value);
    if (this.onLearn) {
      const reads: number[] = [];
      for (let k = 0; k < path.length; k += 2) reads.push(path[k]);
      this.onLearn(reads, value);
    }
    return value;
  }

  private insert(value: L): void {
    const { path, N } = this;
    const leaf = new Node<L>(-1, value);
    this.leaves++;
    if (path.length === 0) {
      if (this.root) throw this.mismatch();
      this.root = leaf;
      return;
    }
    if (!this.root) this.root = new Node<L>(path[0], undefined);
    let n = this.root;
    for (let k = 0; k < path.length; k += 2) {
      if (n.input !== path[k]) throw this.mismatch();
      const last = k + 2 === path.length;
      let c = n.child(path[k + 1], N);
      if (c === undefined) {
        c = last ? leaf : new Node<L>(path[k + 2], undefined);
        n.setChild(path[k + 1], N, c);
      } else if (last) throw this.mismatch();
      n = c;
    }
  }

  private mismatch(): ReadOrderError {
    return new ReadOrderError(
      `${this.name} read the state in a different order on the same values: a guard, action or property depends on something besides the state (machines/kit.ts rule 5)`,
    );
  }
}
