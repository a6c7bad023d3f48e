/**
 * The checker's fast stepper: each step (an event from one leaf of its region) and each
 * safety property is a {@link ReadTrie} over the packed row, so a state is expanded by
 * reading the few slots each step depends on and writing the few it changes, without
 * decoding the context, copying it or running a rule. The tries learn from the rules
 * themselves, run on a probe context (src/check/engine/rules/probe.ts) the first time a state takes a
 * path no earlier state took, through the same step function as the Promela export
 * (src/check/engine/rules/translate.ts `stepFunction`).
 *
 * Whatever the probe cannot follow, and a rule that throws, leaves the state to the classic
 * {@link Stepper}, which then steps it (or throws the rule's own error) as before: a state is
 * never stepped differently, only faster. test/check/memo-stepper.test.ts compares both on
 * every reachable state of every design.
 *
 * Known limits: the tries assume rules are deterministic functions of the state (kit rule
 * 5); a rule that reads anything else fails with read-trie.ts `ReadOrderError` rather than
 * being memoized wrongly. Tries grow with the distinct paths met and are never pruned.
 * @module
 */
import { type CompiledMachine, type CompiledTransition, RowView } from './compile.ts';
import { NULL_OF, type Coder, type Slots, WidthOverflow } from './layout.ts';
import type { SafetyProperty } from './properties.ts';
import { ReadTrie } from './read-trie.ts';
import { stepShares } from './packing.ts';
import type { Row } from './store.ts';
import { Stepper } from './stepper.ts';
import { timerRule } from '../../../machines/model.ts';
import type { Value } from './rules/decision-tree.ts';
import type { ModelView } from '../../../machines/model.ts';
import { inputValue, ProbeError, probeOf, type Probe } from './rules/probe.ts';
import { type StepResult, stepFunction } from './rules/translate.ts';

/** What a step does from the states reaching one trie leaf. */
export class StepLeaf {
  constructor(
    /** The step is enabled. */
    readonly on: boolean,
    /** Only the classic stepper can step these states. */
    readonly fallback: boolean,
    /** The region's leaf after the step (-1: unchanged). */
    readonly target: number,
    /** Row index and new (encoded) value of every slot the step writes. */
    readonly at: Int32Array,
    readonly to: Int32Array,
    /** The XOR of the hash shares of the values it writes (packing.ts `stepShares`), its region's leaf included. */
    readonly shares = 0,
  ) {}
  /** {@link MemoProperties.affectedBy}'s answer for this step, valid while its generation is `affectsGen`. */
  affects = 0;
  affectsGen = -1;
}

/** Generations of {@link MemoProperties}' read sets, unique across instances (a step leaf caches one). */
let generations = 0;

const NONE = new Int32Array(0);
const OFF = new StepLeaf(false, false, -1, NONE, NONE);
const FALLBACK = new StepLeaf(false, true, -1, NONE, NONE);

/** What `enabled` hands `successor`: a trie leaf, or the classic stepper's transition. */
export type Taken = StepLeaf | CompiledTransition;

/** Steps packed rows of one compiled machine through read tries. Not re-entrant: one per exploration. */
export class MemoStepper<C extends object> {
  /** Steps the states the tries cannot (and decodes the loaded state when asked for its view). */
  readonly classic: Stepper<C>;
  private readonly R: number;
  private readonly N: number;
  private readonly probe: Probe<C>;
  /** Per event, per leaf of its region: the step's trie, or null when no transition leaves the leaf. */
  private readonly steps: (ReadTrie<StepLeaf> | null)[][];
  private readonly isTimer?: (e: number) => boolean;
  private row: Slots;
  private words: Int32Array;
  /**
   * The step tries again, by region and leaf, for {@link enabled}: those of region `r`'s leaf
   * `l` are `byLeaf[c]` (event `byLeafEvent[c]`) for `c` from `leafStart[leafBase[r] + l]`
   * to the next entry's start, in event order. Undefined when events are not grouped by
   * region in region order (then event order is not region order, and enabled walks every event).
   */
  private readonly byLeaf?: { readonly tries: ReadTrie<StepLeaf>[]; readonly event: Int32Array; readonly leafBase: Int32Array; readonly leafStart: Int32Array };
  /** States the tries sent to the classic stepper (none, for every built-in design). */
  classicStates = 0;
  /** The loaded state is the classic stepper's (a trie sent it there). */
  private classicLoaded = false;

  constructor(
    readonly cm: CompiledMachine<C>,
    readonly coder: Coder<C>,
  ) {
    this.classic = new Stepper(cm, coder);
    this.R = cm.regions.length;
    this.N = NULL_OF[coder.bytes];
    this.probe = probeOf(cm);
    this.row = cm.initialRow;
    this.words = cm.initialRow;
    const timers = cm.model.timers;
    if (timers?.size) {
      const mask = cm.events.map((e) => timers.has(e.type));
      this.isTimer = (e: number) => mask[e];
    }
    this.steps = cm.events.map((ev, e) =>
      cm.candidates[e].map((cands, leaf) => {
        if (cands.length === 0) return null;
        const fn = stepFunction(cm, this.probe, e, leaf);
        return new ReadTrie(
          cm.width,
          this.N,
          (read) => this.stepLeaf(() => fn(this.reader(read)), cm.eventRegion[e]),
          `step ${ev.type} from ${cm.regions[cm.eventRegion[e]].leafIds[leaf]}`,
        );
      }),
    );
    this.byLeaf = this.groupByLeaf();
  }

  private groupByLeaf(): MemoStepper<C>['byLeaf'] {
    const { cm, steps } = this;
    const regions = cm.eventRegion.filter((r) => r >= 0);
    if (regions.some((r, k) => k > 0 && r < regions[k - 1])) return undefined;
    const leafBase = new Int32Array(cm.regions.length + 1);
    cm.regions.forEach((g, r) => {
      leafBase[r + 1] = leafBase[r] + g.leafIds.length;
    });
    const leafStart = new Int32Array(leafBase[cm.regions.length] + 1);
    const tries: ReadTrie<StepLeaf>[] = [];
    const event: number[] = [];
    cm.regions.forEach((g, r) => {
      g.leafIds.forEach((_, l) => {
        leafStart[leafBase[r] + l] = tries.length;
        cm.eventRegion.forEach((er, e) => {
          const trie = er === r ? steps[e][l] : null;
          if (trie) {
            tries.push(trie);
            event.push(e);
          }
        });
      });
    });
    leafStart[leafBase[cm.regions.length]] = tries.length;
    return { tries, event: Int32Array.from(event), leafBase, leafStart };
  }

  /** Raw slot reads as the probe's values (region leaves, then null, booleans and integers). */
  private reader(read: (i: number) => number): (i: number) => Value {
    return (i) => inputValue(this.cm, i, read(i), this.N);
  }

  /** A step function's result as a trie leaf, its writes encoded in the row's width. */
  private stepLeaf(run: () => StepResult, region: number): StepLeaf {
    let r: StepResult;
    try {
      r = run();
    } catch (e) {
      if (e instanceof ProbeError) return FALLBACK;
      throw e;
    }
    if (r.kind === 'off') return OFF;
    if (r.kind === 'error') return FALLBACK;
    const { R, N } = this;
    const H = -N - 1;
    const at = new Int32Array(r.writes.length);
    const to = new Int32Array(r.writes.length);
    for (let k = 0; k < r.writes.length; k++) {
      const [i, v] = r.writes[k];
      const slot = this.cm.layout.slots[i - R];
      at[k] = i;
      if (v === null) to[k] = N;
      else if (slot.kind === 'bool') {
        // A number in a boolean slot is the classic encoder's LayoutError to raise.
        if (typeof v !== 'boolean') return FALLBACK;
        to[k] = v ? 1 : 0;
      } else {
        if (typeof v !== 'number') return FALLBACK;
        if (v <= N || v > H) throw new WidthOverflow(`context leaf ${slot.path} = ${v} does not fit the slot width`);
        to[k] = v;
      }
    }
    return new StepLeaf(true, false, r.target, at, to, stepShares(region, r.target, at, to));
  }

  /** Makes `row` the current state (nothing is decoded). */
  load(row: Row): void {
    this.row = row.slots;
    this.words = row.words;
    this.classicLoaded = false;
  }

  /** The loaded state's decoded view (decoded on demand: only a deadlock check needs it). */
  get view(): RowView<C> {
    this.loadClassic();
    return this.classic.view;
  }

  private loadClassic(): void {
    if (!this.classicLoaded) {
      this.classic.load(this.row);
      this.classicLoaded = true;
    }
  }

  /**
   * Enabled events of the loaded state in `allEvents` order, as {@link Stepper.enabled}:
   * their indices into `events` and what each takes into `taken`. Returns how many.
   */
  enabled(events: Int32Array, taken: Taken[]): number {
    if (this.byLeaf) return this.enabledByLeaf(events, taken, this.byLeaf);
    const { cm, row, steps } = this;
    const eventRegion = cm.eventRegion;
    let n = 0;
    for (let e = 0; e < steps.length; e++) {
      const r = eventRegion[e];
      if (r < 0) continue;
      const trie = steps[e][row[r]];
      if (trie === null) continue;
      const leaf = trie.get(row);
      if (leaf.on) {
        events[n] = e;
        taken[n++] = leaf;
      } else if (leaf.fallback) {
        this.classicStates++;
        this.loadClassic();
        return this.classic.enabled(events, taken as CompiledTransition[]);
      }
    }
    return this.isTimer ? timerRule(n, this.isTimer, events, taken) : n;
  }

  /**
   * {@link enabled} through the tries grouped by region and leaf: most events have no
   * transition from their region's current leaf, and this visits only those that have.
   */
  private enabledByLeaf(events: Int32Array, taken: Taken[], g: NonNullable<MemoStepper<C>['byLeaf']>): number {
    const { row } = this;
    const { tries, event, leafBase, leafStart } = g;
    const R = this.R;
    let n = 0;
    for (let r = 0; r < R; r++) {
      const j = leafBase[r] + row[r];
      for (let c = leafStart[j], end = leafStart[j + 1]; c < end; c++) {
        const leaf = tries[c].get(row);
        if (leaf.on) {
          events[n] = event[c];
          taken[n++] = leaf;
        } else if (leaf.fallback) {
          this.classicStates++;
          this.loadClassic();
          return this.classic.enabled(events, taken as CompiledTransition[]);
        }
      }
    }
    return this.isTimer ? timerRule(n, this.isTimer, events, taken) : n;
  }

  /**
   * Writes into `out` the state after event `e` taking `t` from the loaded state. Returns the
   * successor's decoded context when the classic stepper made it (valid until the next call).
   */
  successor(e: number, t: Taken, out: Row): C | undefined {
    if (!(t instanceof StepLeaf)) {
      this.classic.successor(e, t, out.slots);
      return this.classic.draft;
    }
    // Copied as 32-bit words: one element type whatever the slot width.
    const words = this.words;
    const o = out.words;
    for (let i = 0; i < words.length; i++) o[i] = words[i];
    const slots = out.slots;
    if (t.target >= 0) slots[this.cm.eventRegion[e]] = t.target;
    const { at, to } = t;
    for (let k = 0; k < at.length; k++) slots[at[k]] = to[k];
    return undefined;
  }

  /**
   * Calls `onStep(e, from, reads, leaf)` for every path the trie of event `e` from its
   * region's leaf `from` learns from now on (por.ts learns independence from them).
   */
  observeLearning(onStep: (e: number, from: number, reads: readonly number[], leaf: StepLeaf) => void): void {
    this.steps.forEach((leaves, e) => {
      leaves.forEach((trie, from) => {
        if (trie) trie.onLearn = (reads, leaf) => onStep(e, from, reads, leaf);
      });
    });
  }

  /**
   * What event `e` does from the loaded state (null: no transition leaves its region's leaf),
   * with the slots its trie path reads pushed onto `reads`: its guard's and actions' reads.
   */
  stepWithReads(e: number, reads: number[]): StepLeaf | null {
    const r = this.cm.eventRegion[e];
    if (r < 0) return null;
    const trie = this.steps[e][this.row[r]];
    return trie === null ? null : trie.getWithReads(this.row, reads);
  }

  /** A checker of `props` on rows through tries, with the classic decode-and-check where they cannot. */
  properties(props: readonly SafetyProperty<C>[]): MemoProperties<C> {
    return new MemoProperties(this, props);
  }

  /**
   * `fn` of the state memoized on rows (in this stepper's coding), run on the probe's view;
   * undefined where `fn` throws or leaves what the probe follows (ask the decoded state).
   */
  memo<T>(fn: (view: ModelView<C>) => T, name: string): ReadTrie<T | undefined> {
    const probe = this.probe;
    return new ReadTrie<T | undefined>(
      this.cm.width,
      this.N,
      (read) => {
        probe.start(this.reader(read));
        try {
          return fn(probe.view);
        } catch (e) {
          if (e instanceof Error) return undefined;
          throw e;
        }
      },
      name,
    );
  }

  /** The model's CPU classes (machines/model.ts `Symmetry.cpuClasses`) of a row, for the canonicalizer; none without CPU symmetry. */
  cpuClasses(): ((row: Slots) => readonly number[] | undefined) | undefined {
    const sym = this.cm.model.symmetry;
    if (!sym || sym.cpus < 2) return undefined;
    const trie = this.memo((v) => sym.cpuClasses(v.context), 'symmetry cpuClasses');
    return (row) => trie.get(row);
  }
}

/** Properties past this index are never skipped ({@link MemoProperties.affectedBy} answers in a 31-bit mask). */
const MASK_PROPS = 31;

/** Safety properties checked on rows through tries; where a trie cannot, on the decoded state. */
export class MemoProperties<C extends object> {
  private readonly tries: ReadTrie<boolean | undefined>[];
  private readonly view: RowView<C>;
  /** Per property, the slots any path its trie learned reads (1), and whether all its leaves are answers (none asks the decoded state). */
  private readonly reads: Uint8Array[];
  private readonly definite: boolean[];
  /** Bumped (to a value no other instance uses) whenever `reads` or `definite` change. */
  private gen = ++generations;
  private onRead?: (k: number, reads: readonly number[], value: boolean | undefined) => void;

  constructor(
    private readonly stepper: MemoStepper<C>,
    readonly props: readonly SafetyProperty<C>[],
  ) {
    const model = stepper.cm.model;
    this.tries = props.map((p) => stepper.memo((v) => p.holds(v, model), `property ${p.name}`));
    this.view = new RowView(stepper.cm, stepper.cm.initialRow, stepper.coder.decode(stepper.cm.initialRow, stepper.cm.regions.length));
    this.reads = props.map(() => new Uint8Array(stepper.cm.width));
    this.definite = props.map(() => true);
    this.tries.forEach((t, k) => {
      t.onLearn = (reads, value) => this.learned(k, reads, value);
    });
  }

  private learned(k: number, reads: readonly number[], value: boolean | undefined): void {
    const r = this.reads[k];
    for (const i of reads) r[i] = 1;
    if (value === undefined) this.definite[k] = false;
    this.gen = ++generations;
    this.onRead?.(k, reads, value);
  }

  /** Calls `onRead(k, reads, value)` for every path property `k`'s trie learns from now on (`value` undefined: the decoded state was asked). */
  observeLearning(onRead: (k: number, reads: readonly number[], value: boolean | undefined) => void): void {
    this.onRead = onRead;
  }

  /**
   * The properties (bit `k` for property `k`; every bit past {@link MASK_PROPS}) whose value
   * `step` (from a leaf of region `region`) may change. A property's trie answers a row by
   * the slots along one path; a step that writes none of the slots any learned path reads
   * leaves its successor on its parent's path, with its parent's answer: so a property the
   * parent satisfied, the successor does too, and the search need not ask (explore.ts). A
   * property whose trie once asked the decoded state depends on more than its paths: always
   * affected.
   */
  affectedBy(step: StepLeaf, region: number): number {
    if (step.affectsGen === this.gen) return step.affects;
    let m = 0;
    for (let k = 0; k < this.tries.length; k++) {
      const r = this.reads[k];
      let hit = k >= MASK_PROPS || !this.definite[k] || (step.target >= 0 && r[region] === 1);
      for (let j = 0; !hit && j < step.at.length; j++) hit = r[step.at[j]] === 1;
      if (hit) m |= MemoProperties.bit(k);
    }
    step.affects = m;
    step.affectsGen = this.gen;
    return m;
  }

  /** Property `k`'s bit in an {@link affectedBy} mask (those past {@link MASK_PROPS} share the last). */
  static bit(k: number): number {
    return 1 << Math.min(k, MASK_PROPS);
  }

  /** Whether property `k` holds on `row`. `view`, when given, is `row` already decoded. */
  holds(k: number, row: Slots, view?: RowView<C>): boolean {
    const v = this.tries[k].get(row);
    if (v !== undefined) return v;
    if (!view) {
      view = this.view;
      view.row = row;
      this.stepper.coder.decodeInto(row, this.stepper.cm.regions.length, view.context);
    }
    return this.props[k].holds(view, this.stepper.cm.model);
  }
}
