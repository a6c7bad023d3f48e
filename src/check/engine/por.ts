/**
 * Partial-order reduction for safety (invariants and deadlock) with independence learned
 * from the read tries (read-trie.ts): every path the trie of a step (an event from one leaf
 * of its region) learns says which slots the step read (its guard's and its actions' reads)
 * and which it wrote (memo-stepper.ts `StepLeaf.at`, and its region's leaf); every path a
 * property's trie learns says which slots the property read.
 *
 * The variant: persistent sets (P. Godefroid, "Partial-Order Methods for the Verification of
 * Concurrent Systems", LNCS 1032, 1996, ch. 4; the ample-set conditions C0-C3 of Clarke,
 * Grumberg, Peled, "Model Checking", ch. 10) made of whole threads, in the conservative form
 * the brief of issue 30 asks for: a thread's steps are a unit. In a state, a seed thread with
 * enabled steps is closed into a set S: a thread joins when one of its steps reachable from
 * its regions' current leaves by their own transitions (guards ignored: an over-approximation
 * of what it can do next, whatever the others do) writes a slot a member's current steps read,
 * or reads or writes a slot a member's enabled steps write. The ample set is S's enabled
 * steps, taken only when
 * - C0: it is not empty, and smaller than the state's enabled steps (else nothing is gained);
 * - C1 (persistence): by the closure, no step outside S, in this state or any it reaches
 *   without S, enables, disables or is changed by S's current steps (a disabled member's guard
 *   reads are in its footprint, so no outsider enables it either): S's steps stay enabled and
 *   commute with every outside step;
 * - C2 (invisibility): no safety property still being checked reads a slot S's enabled steps
 *   write. A property found violated no longer counts: its verdict needs one violation only.
 *   Deadlock needs no visibility: persistent sets keep every reachable deadlock state;
 * - C3 (cycle proviso for breadth-first search, as in D. Bošnački, G. Holzmann, "Improving
 *   SPIN's partial-order reduction for breadth-first search", SPIN 2005, in its conservative
 *   form): a state one of whose ample successors was already stored with a BFS id not above its
 *   own is expanded fully. Every cycle has such an edge (ids cannot increase all around it), so
 *   every cycle of the reduced graph has a fully expanded state and no step is ignored forever.
 * The smallest such set over the seeds is taken. Timer steps (machines/model.ts `timerRule`)
 * are enabled by the absence of every other step, so a state with one enabled is expanded fully.
 *
 * Learned, not given: the readers and writers of a slot are the steps the search has met so
 * far (assumption POR-A1, spec/threads.md). Each ample choice records what it relied on (per
 * slot and per other thread's region, the leaf it was at); a path learned later that
 * contradicts one (a step reachable from that leaf touching the slot, a property reading a
 * written slot) marks the search invalid, and the explorer restarts it with everything learned
 * kept. A finished search has no choice contradicted by anything it met; what it did not meet
 * is POR-A1's gap. test/check/por-scenarios.test.ts closes it on the small scenarios:
 * {@link Reduction.audit} feeds every state of the full search and no relied fact breaks.
 *
 * Limits: safety only (the liveness search runs unreduced); no symmetry (a canonical state's
 * learned accessors are not its permutations'); one thread (no workers); exact store only.
 * Counterexamples are real runs, shortest in the reduced graph but not necessarily shortest.
 * Cost: a reduced search checks each state's footprints, about twice the CPU per state.
 * @module
 */
import type { CompiledMachine } from './compile.ts';
import { type MemoProperties, type MemoStepper, StepLeaf, type Taken } from './memo-stepper.ts';
import type { Row } from './store.ts';

/** What the reduction did in one search. */
export interface PorStats {
  /** States expanded through an ample set smaller than their enabled steps. */
  readonly reduced: number;
  /** States whose ample set closed back to an expanded state, expanded fully (C3). */
  readonly proviso: number;
  /** Searches restarted because a learned path contradicted an earlier choice. */
  readonly restarts: number;
  /** True when the reduction stopped choosing: a step or property only the decoded state answers (its reads are unknown). */
  readonly opaque: boolean;
}

/** Thrown inside the explorer's loop when a learned path contradicted an ample choice: the search starts again. */
export class PorRestart extends Error {
  override readonly name = 'PorRestart';
}

/** The learned independence and the ample-set choice of one exploration (one per explorer; kept across restarts). */
export class Reduction {
  /** A learned path contradicted a relied fact: the search must restart. */
  invalid = false;
  /** A step or property the tries cannot follow: its reads are unknown, so no more reduction. */
  opaque = false;
  reduced = 0;
  proviso = 0;
  restarts = 0;
  private relies = false;
  /** Steps, as (event, leaf of its region) pairs `pairBase[e] + leaf`: their region, leaf and thread. */
  private readonly pairBase: Int32Array;
  private readonly pairRegion: Int32Array;
  private readonly pairLeaf: Int32Array;
  private readonly pairThread: Int32Array;
  /** Per slot and thread (`x * threads + t`), thread t's steps learned to read / write it (and per slot and step, a membership table). */
  private readonly readPairs: number[][];
  private readonly writePairs: number[][];
  private readonly threads: number;
  private readonly readBy: Uint8Array;
  private readonly writeBy: Uint8Array;
  /** Per slot and property (`x * K + k`): property k reads it; per slot, how many properties not yet violated read it; per property, not yet violated. */
  private readonly propRead: Uint8Array;
  private readonly propCount: Int32Array;
  private readonly pending: Uint8Array;
  /** Per region, `reach[r][a * L + b]`: leaf b is reachable from leaf a by the region's own transitions (guards ignored). */
  private readonly reach: Uint8Array[];
  private readonly leafCount: Int32Array;
  private readonly leafOff: Int32Array;
  private readonly leaves: number;
  /** Per region, its thread (the model's threads, then one index for events of none). */
  private readonly regionThread: Int32Array;
  /**
   * Per slot and region leaf (`x * leaves + leafOff[r] + leaf`): an ample choice relied on no
   * step reachable from that leaf writing the slot (`reliedRead`: the ample thread reads it),
   * or touching it (`reliedWrite`: the ample thread writes it); `reliedProp`: on no property reading it.
   */
  private readonly reliedRead: Uint8Array;
  private readonly reliedWrite: Uint8Array;
  private readonly reliedProp: Uint8Array;
  private readonly thread: Int32Array;
  private readonly eventsOf: Int32Array[];
  private readonly timer: Uint8Array;
  private readonly count: Int32Array;
  /** Per thread, in the loaded state: the slots its steps from its current leaves read, and those its enabled steps write. */
  private readonly reads: number[][];
  private readonly writes: number[][];
  /** Per thread: its footprint is computed for the loaded state (1), and it is in the set being closed (2). */
  private readonly mark: Uint8Array;
  private readonly set: number[] = [];
  /** Per state, `touches(b, a)` at `a * threads + b`: -1 not yet asked, else 0 / 1. */
  private readonly touched: Int8Array;
  private readonly best: number[] = [];
  private row: ArrayLike<number> = [];

  constructor(
    private readonly cm: CompiledMachine,
    private readonly stepper: MemoStepper<any>,
    private readonly props: MemoProperties<any>,
  ) {
    const W = cm.width;
    const R = cm.regions.length;
    const T = cm.model.threads.length;
    const E = cm.events.length;
    this.leafCount = Int32Array.from(cm.regions, (r) => r.leafIds.length);
    this.leafOff = new Int32Array(R);
    let off = 0;
    for (let r = 0; r < R; r++) {
      this.leafOff[r] = off;
      off += this.leafCount[r];
    }
    this.leaves = off;
    this.regionThread = new Int32Array(R).fill(T);
    this.thread = new Int32Array(E);
    this.timer = new Uint8Array(E);
    this.pairBase = new Int32Array(E);
    const timers = cm.model.timers;
    const lists: number[][] = Array.from({ length: T + 1 }, () => []);
    let P = 0;
    for (let e = 0; e < E; e++) {
      const t = cm.eventThread[e] >= 0 ? cm.eventThread[e] : T;
      this.thread[e] = t;
      if (timers?.has(cm.events[e].type)) this.timer[e] = 1;
      const r = cm.eventRegion[e];
      this.pairBase[e] = P;
      if (r < 0) continue;
      lists[t].push(e);
      this.regionThread[r] = t;
      P += this.leafCount[r];
    }
    this.pairRegion = new Int32Array(P);
    this.pairLeaf = new Int32Array(P);
    this.pairThread = new Int32Array(P);
    for (let e = 0; e < E; e++) {
      const r = cm.eventRegion[e];
      if (r < 0) continue;
      for (let l = 0; l < this.leafCount[r]; l++) {
        const p = this.pairBase[e] + l;
        this.pairRegion[p] = r;
        this.pairLeaf[p] = l;
        this.pairThread[p] = this.thread[e];
      }
    }
    this.eventsOf = lists.map((l) => Int32Array.from(l));
    this.count = new Int32Array(T + 1);
    this.reads = Array.from({ length: T + 1 }, () => []);
    this.writes = Array.from({ length: T + 1 }, () => []);
    this.mark = new Uint8Array(T + 1);
    this.threads = T + 1;
    this.touched = new Int8Array((T + 1) * (T + 1));
    this.readPairs = Array.from({ length: W * (T + 1) }, () => []);
    this.writePairs = Array.from({ length: W * (T + 1) }, () => []);
    this.readBy = new Uint8Array(W * P);
    this.writeBy = new Uint8Array(W * P);
    this.pending = new Uint8Array(props.props.length).fill(1);
    this.propRead = new Uint8Array(W * this.pending.length);
    this.propCount = new Int32Array(W);
    this.reliedRead = new Uint8Array(W * off);
    this.reliedWrite = new Uint8Array(W * off);
    this.reliedProp = new Uint8Array(W);
    this.reach = cm.regions.map((_, r) => this.regionReach(r));
    stepper.observeLearning((e, from, reads, leaf) => this.learnStep(e, from, reads, leaf));
    props.observeLearning((k, reads, value) => this.learnProperty(k, reads, value));
  }

  /** The leaves of region `r` each leaf reaches by the region's transitions, whatever their guards. */
  private regionReach(r: number): Uint8Array {
    const { cm } = this;
    const L = this.leafCount[r];
    const next: number[][] = Array.from({ length: L }, () => []);
    for (let e = 0; e < cm.events.length; e++) {
      if (cm.eventRegion[e] !== r) continue;
      for (let l = 0; l < L; l++) for (const t of cm.candidates[e][l]) if (t.target >= 0) next[l].push(t.target);
    }
    const reach = new Uint8Array(L * L);
    for (let a = 0; a < L; a++) {
      const todo = [a];
      reach[a * L + a] = 1;
      while (todo.length) for (const b of next[todo.pop()!]) if (!reach[a * L + b]) todo.push(b), (reach[a * L + b] = 1);
    }
    return reach;
  }

  /**
   * Evaluates every step and every property in state `row` (in the search's coding), learning
   * their paths as the search would. Fed every state of a complete unreduced search, it checks
   * POR-A1: returns false once something learned contradicts a choice the search relied on.
   */
  audit(row: Row): boolean {
    const E = this.cm.events.length;
    this.stepper.load(row);
    this.stepper.enabled(new Int32Array(E), new Array<Taken>(E));
    for (let k = 0; k < this.props.props.length; k++) this.props.holds(k, row.slots);
    return !this.invalid;
  }

  /** The stats of the search so far. */
  stats(): PorStats {
    return { reduced: this.reduced, proviso: this.proviso, restarts: this.restarts, opaque: this.opaque };
  }

  /** A search restarts: the learned accessors and relied facts stay, the counts start again, every property is pending again. */
  restart(): void {
    this.invalid = false;
    this.restarts++;
    this.reduced = 0;
    this.proviso = 0;
    this.pending.fill(1);
    const K = this.pending.length;
    this.propCount.fill(0);
    for (let x = 0; x < this.propCount.length; x++) for (let k = 0; k < K; k++) this.propCount[x] += this.propRead[x * K + k];
  }

  /**
   * Property `k` was found violated: the search no longer checks it, so its reads no longer
   * make a step visible (later ample sets need not keep its violations: one is found).
   */
  retire(k: number): void {
    if (!this.pending[k]) return;
    this.pending[k] = 0;
    const K = this.pending.length;
    for (let x = 0; x < this.propCount.length; x++) this.propCount[x] -= this.propRead[x * K + k];
  }

  private learnStep(e: number, from: number, reads: readonly number[], leaf: StepLeaf): void {
    if (leaf.fallback) {
      this.goOpaque();
      return;
    }
    const p = this.pairBase[e] + from;
    const P = this.pairRegion.length;
    for (const x of reads)
      if (!this.readBy[x * P + p]) {
        this.readBy[x * P + p] = 1;
        this.readPairs[x * this.threads + this.pairThread[p]].push(p);
        if (this.relied(this.reliedWrite, x, p)) this.invalid = true;
      }
    const wrote = (x: number) => {
      if (this.writeBy[x * P + p]) return;
      this.writeBy[x * P + p] = 1;
      this.writePairs[x * this.threads + this.pairThread[p]].push(p);
      if (this.relied(this.reliedRead, x, p) || this.relied(this.reliedWrite, x, p)) this.invalid = true;
    };
    for (const x of leaf.at) wrote(x);
    if (leaf.target >= 0) wrote(this.cm.eventRegion[e]);
  }

  /** An ample choice relied (in `table`) on slot `x` from a leaf of step `p`'s region that reaches `p`'s leaf. */
  private relied(table: Uint8Array, x: number, p: number): boolean {
    const r = this.pairRegion[p];
    const L = this.leafCount[r];
    const base = x * this.leaves + this.leafOff[r];
    const reach = this.reach[r];
    const to = this.pairLeaf[p];
    for (let a = 0; a < L; a++) if (table[base + a] && reach[a * L + to]) return true;
    return false;
  }

  private learnProperty(k: number, reads: readonly number[], value: boolean | undefined): void {
    if (value === undefined) {
      this.goOpaque();
      return;
    }
    const K = this.pending.length;
    for (const x of reads)
      if (!this.propRead[x * K + k]) {
        this.propRead[x * K + k] = 1;
        if (!this.pending[k]) continue;
        this.propCount[x]++;
        if (this.reliedProp[x]) this.invalid = true;
      }
  }

  private goOpaque(): void {
    if (this.opaque) return;
    this.opaque = true;
    if (this.relies) this.invalid = true;
  }

  /**
   * Reorders the `n` enabled steps (`events`, `taken`) of the state `row` (the stepper's
   * loaded one) so that an ample set comes first, and returns its size (`n`: no reduction).
   */
  ample(row: ArrayLike<number>, events: Int32Array, taken: Taken[], n: number): number {
    if (this.opaque || n < 2) return n;
    this.row = row;
    const { count, thread, mark, set, best } = this;
    count.fill(0);
    mark.fill(0);
    this.touched.fill(-1);
    for (let k = 0; k < n; k++) {
      const e = events[k];
      // A timer step, or a state only the classic stepper answers: expand fully.
      if (this.timer[e] || !(taken[k] instanceof StepLeaf)) return n;
      count[thread[e]]++;
    }
    // Each thread with enabled steps seeds a set closed under "another thread's future steps
    // touch its footprint"; the closed set with the fewest enabled steps, all invisible, is the ample set.
    let bestCount = n;
    const last = count.length - 1;
    for (let t = 0; t < last; t++) {
      if (count[t] === 0 || count[t] >= bestCount) continue;
      const m = this.close(t, bestCount);
      if (m < bestCount) {
        bestCount = m;
        best.length = 0;
        best.push(...set);
      }
    }
    if (bestCount === n) return n;
    for (const t of best) mark[t] = 2;
    this.rely(best);
    let m = 0;
    for (let k = 0; k < n; k++)
      if (mark[thread[events[k]]] === 2) {
        const e = events[k];
        const x = taken[k];
        for (let j = k; j > m; j--) {
          events[j] = events[j - 1];
          taken[j] = taken[j - 1];
        }
        events[m] = e;
        taken[m++] = x;
      }
    this.reduced++;
    return m;
  }

  /**
   * The set of threads closed from `seed` (left in `set`): a thread whose steps reachable from
   * its current leaves write what a member's current steps read, or touch what a member's
   * enabled steps write, joins. Returns its enabled steps' count, or `bound` when it reaches
   * `bound`, holds a visible step, or takes the events of no thread.
   */
  private close(seed: number, bound: number): number {
    const { set, count } = this;
    const last = count.length - 1;
    set.length = 0;
    set.push(seed);
    let m = count[seed];
    for (let i = 0; i < set.length; i++) {
      const a = set[i];
      this.footprint(a);
      for (const x of this.writes[a]) if (this.propCount[x]) return bound;
      for (let b = 0; b <= last; b++) {
        if (set.includes(b) || !this.touches(b, a)) continue;
        if (b === last) return bound;
        m += count[b];
        if (m >= bound) return bound;
        set.push(b);
      }
    }
    return m;
  }

  /** Computes thread `t`'s footprint in the loaded state, once per state. */
  private footprint(t: number): void {
    if (this.mark[t]) return;
    this.mark[t] = 1;
    const reads = this.reads[t];
    const writes = this.writes[t];
    reads.length = 0;
    writes.length = 0;
    for (const e of this.eventsOf[t]) {
      const leaf = this.stepper.stepWithReads(e, reads);
      if (leaf === null || !leaf.on) continue;
      for (const x of leaf.at) writes.push(x);
      if (leaf.target >= 0) writes.push(this.cm.eventRegion[e]);
    }
  }

  /** Some step of thread `b` reachable from its regions' current leaves writes what `a`'s current steps read, or touches what they write. */
  private touches(b: number, a: number): boolean {
    const T = this.threads;
    const memo = this.touched[a * T + b];
    if (memo >= 0) return memo === 1;
    const t = this.touchesNow(b, a);
    this.touched[a * T + b] = t ? 1 : 0;
    return t;
  }

  private touchesNow(b: number, a: number): boolean {
    const T = this.threads;
    for (const x of this.reads[a]) if (this.reachable(this.writePairs[x * T + b])) return true;
    for (const x of this.writes[a]) if (this.reachable(this.writePairs[x * T + b]) || this.reachable(this.readPairs[x * T + b])) return true;
    return false;
  }

  /** One of the steps `pairs` (of one thread) is reachable from the current leaf of its region. */
  private reachable(pairs: readonly number[]): boolean {
    const { row } = this;
    for (const p of pairs) {
      const r = this.pairRegion[p];
      const L = this.leafCount[r];
      if (this.reach[r][row[r] * L + this.pairLeaf[p]]) return true;
    }
    return false;
  }

  /** Records what the ample set of the threads `ts` relied on, per region of the other threads at its current leaf. */
  private rely(ts: readonly number[]): void {
    this.relies = true;
    const { row, leaves, leafOff, regionThread, mark } = this;
    const R = regionThread.length;
    for (const t of ts) {
      for (const x of this.reads[t]) for (let r = 0; r < R; r++) if (mark[regionThread[r]] !== 2) this.reliedRead[x * leaves + leafOff[r] + row[r]] = 1;
      for (const x of this.writes[t]) {
        this.reliedProp[x] = 1;
        for (let r = 0; r < R; r++) if (mark[regionThread[r]] !== 2) this.reliedWrite[x * leaves + leafOff[r] + row[r]] = 1;
      }
    }
  }
}
