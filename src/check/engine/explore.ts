/**
 * Breadth-first exploration of a compiled machine's packed state space: every reachable
 * state once (up to symmetry), each safety property checked when its state is first found,
 * so the first violating state has a shortest path. States get ids in discovery order,
 * which is also the BFS queue order; parent ids and event indices make traces, and the
 * optional edge lists (compressed rows) feed the liveness search.
 *
 * Known limits: every state is kept in memory (no spill to disk; `--max-memory` stops the
 * search short of the budget instead); ids are Int32, so a search holds fewer than 2^31
 * states; partial-order reduction (por.ts, opt-in `por`) is for safety only, without
 * symmetry, on one thread: otherwise independent steps of different threads are explored
 * in every order (symmetry is then the only reduction).
 * @module
 */
import type { CompiledMachine } from './compile.ts';
import { RowView } from './compile.ts';
import { SharedColumn } from './growable.ts';
import type { SafetyProperty } from './properties.ts';
import { MemoProperties, MemoStepper, StepLeaf, type Taken } from './memo-stepper.ts';
import { NULL_OF, WidthOverflow, type Coder, type SlotBytes } from './layout.ts';
import { Packer, PackOverflow } from './packing.ts';
import { LimitReached, type Limits, type Stop, stateLimit } from './limits.ts';
import { type LevelControl, type ParallelOptions, ParallelSearch } from './parallel/search.ts';
import type { SearchState } from './search-state.ts';
import { newRow, NO_STEP, StateStore, type Row } from './store.ts';
import { LossyStore, type LossyMode, type Omission } from './lossy-store.ts';
import { Canonicalizer, type SymmetryMode } from './symmetry.ts';
import { PorRestart, Reduction, type PorStats } from './por.ts';

/**
 * The mask ({@link MemoProperties.affectedBy}) of the pending properties `ks`. Each was checked
 * on every state stored while it was pending (and held, or it would not be), so a successor
 * needs only those its step may change; none left, and its row is not even built. Not under
 * the reduction (por.ts), which learns from the property tries' walks. `checkSafety` in
 * {@link search} asks the pending properties its `affected` mask has a bit for.
 */
const maskOf = (ks: readonly number[]): number => ks.reduce((m, k) => m | MemoProperties.bit(k), 0);

/** Exploration settings. */
export interface ExploreOptions<C extends object = any> {
  readonly symmetry: SymmetryMode;
  readonly safety: readonly SafetyProperty<C>[];
  /** Stop after this many distinct states (the result is then incomplete). */
  readonly maxStates?: number;
  /** Time, memory and interrupt limits of the run (none: only `maxStates` stops a search). */
  readonly limits?: Limits;
  /** Keep every edge (needed for liveness). */
  readonly keepEdges?: boolean;
  /** Stop as soon as every safety property is violated (no edges kept). */
  readonly stopWhenAllViolated?: boolean;
  /** Called about every `progressEvery` states. */
  onProgress?(p: { states: number; queue: number; transitions: number; seconds: number }): void;
  readonly progressEvery?: number;
  /**
   * How the visited set stores rows: `learned` (the default) packs each slot in the bits its
   * values need, learning them as the search goes (packing.ts); `raw` stores every slot in a
   * word of its own, the reference the packed store is tested against.
   */
  readonly packing?: 'learned' | 'raw';
  /** Explore on worker threads once a BFS level is large enough (src/check/engine/parallel/). */
  readonly parallel?: ParallelOptions;
  /**
   * A lossy visited set instead of the exact one (lossy-store.ts): one thread, no edges; the
   * result then carries its {@link Exploration.omission} estimate.
   */
  readonly lossy?: LossyMode;
  /**
   * Partial-order reduction for the safety properties and deadlock (por.ts): needs symmetry
   * `none`, no edges and the exact store, and runs on this thread only (workers are not used).
   * @throws PorUnsupported otherwise.
   */
  readonly por?: boolean;
}

/** Partial-order reduction asked for with something it does not compose with. */
export class PorUnsupported extends Error {
  override readonly name = 'PorUnsupported';
}

/** Outgoing edges of every state, as compressed rows: edges of `s` are `start[s] .. start[s+1]`. */
export interface EdgeLists {
  readonly start: Int32Array;
  readonly target: Int32Array;
  readonly event: Int32Array;
}

/** What an exploration found. */
export interface Exploration<C extends object = any> {
  readonly cm: CompiledMachine<C>;
  /** The slot coding of the stored rows (the narrowest the scenario's values fit). */
  readonly coder: Coder<C>;
  /** The stored rows by id (only `get` and `newRow` are meant for readers; a lossy store keeps only the frontier's). */
  readonly store: StateStore | LossyStore;
  /** The machine's initial state in this coding (not canonicalized). */
  readonly initial: Row;
  readonly canon: Canonicalizer<C>;
  readonly parent: Int32Array;
  readonly parentEvent: Int32Array;
  readonly states: number;
  readonly transitions: number;
  /** Every reachable state was expanded (no limit hit). */
  readonly complete: boolean;
  /** Which limit stopped the search, when one did. */
  readonly stoppedBy?: Stop;
  /** First (shallowest) violating state per safety property name. */
  readonly violations: ReadonlyMap<string, number>;
  /** First (shallowest) state with no enabled event that is not final, or -1. */
  readonly deadlock: number;
  /** With `keepEdges`, when the search is complete. */
  readonly edges?: EdgeLists;
  readonly seconds: number;
  /** Worker threads that explored the later levels (1: this thread alone). */
  readonly workers: number;
  /** The stored rows' packing: 32-bit words per row, and how often it widened (in all, and after a worker met a value outside it). */
  readonly packing: { readonly words: number; readonly widenings: number; readonly inWorkers: number };
  /** Why the workers could not take the search over, when they were asked to and could not rebuild the model. */
  readonly parallelError?: Error;
  /** With a lossy store: what the search may have skipped. */
  readonly omission?: Omission;
  /** With partial-order reduction: what it did. */
  readonly por?: PorStats;
  /** With partial-order reduction: what it learned and relied on (for audits: test/check/por-scenarios.test.ts). */
  readonly reduction?: Reduction;
}

/** Explores `cm` breadth-first. See {@link ExploreOptions}. */
export function explore<C extends object>(cm: CompiledMachine<C>, opts: ExploreOptions<C>): Exploration<C> {
  if (opts.por) {
    if (opts.symmetry !== 'none') throw new PorUnsupported('partial-order reduction does not compose with symmetry reduction: explore with symmetry none');
    if (opts.keepEdges) throw new PorUnsupported('partial-order reduction is for safety only: a search that keeps edges (liveness) runs unreduced');
    if (opts.lossy) throw new PorUnsupported(`partial-order reduction needs the exact store, not ${opts.lossy.mode}`);
  }
  for (const bytes of [1, 2, 4] as SlotBytes[]) {
    try {
      return exploreWith(cm, opts, bytes);
    } catch (e) {
      if (!(e instanceof WidthOverflow) || bytes === 4) throw e;
    }
  }
  throw new Error('unreachable');
}

/** A new search's state, with the store's packing learned from the initial state, and the initial state in the coding of `coder`. */
function searchState<C extends object>(cm: CompiledMachine<C>, opts: ExploreOptions<C>, coder: Coder<C>): { s: SearchState<C>; initial: Row } {
  const { limits } = opts;
  const R = cm.regions.length;
  const N = NULL_OF[coder.bytes];
  // The initial state in this width: leaves as they are, context re-encoded.
  const initial = newRow(cm.width, coder.bytes);
  for (let r = 0; r < R; r++) initial.slots[r] = cm.initialRow[r];
  coder.encode(cm.layout.decode(cm.initialRow, R), initial.slots, R);
  const packer = opts.packing === 'raw' ? Packer.raw(cm.width, N) : Packer.initial(cm, initial.slots, N);
  const s: SearchState<C> = {
    cm,
    coder,
    symmetry: opts.symmetry,
    store: opts.lossy ? new LossyStore(cm.width, coder.bytes, opts.lossy, limits) : new StateStore(cm.width, coder.bytes, undefined, limits, packer),
    parent: new SharedColumn(limits),
    parentEvent: new SharedColumn(limits),
    keepEdges: !!opts.keepEdges,
    eStart: new SharedColumn(limits),
    eTarget: new SharedColumn(limits),
    eEvent: new SharedColumn(limits),
    safety: opts.safety,
    pending: opts.safety.slice(),
    violations: new Map<string, number>(),
    deadlock: -1,
    transitions: 0,
    levelStart: 0,
    complete: true,
  };
  return { s, initial };
}

/** Runs `widen`; false (the search `s` stopped) when the memory budget refused it. */
function widened(s: SearchState, widen: () => void): boolean {
  try {
    widen();
    return true;
  } catch (e) {
    if (!(e instanceof LimitReached)) throw e;
    s.complete = false;
    s.stoppedBy = e.stop;
    return false;
  }
}

/**
 * Re-derives `pendingAt` (each pending property's index in `safety`) from `pending`; true when
 * it changed. The workers retire properties from `pending` as they find violations; when the
 * sequential loop goes on after them (a packing widened after a worker's PackOverflow, or
 * workers that failed), stale indices would ask a state the wrong property's trie.
 */
export function realignPending<C extends object>(pendingAt: number[], pending: readonly SafetyProperty<C>[], safety: readonly SafetyProperty<C>[]): boolean {
  if (pendingAt.length === pending.length) return false;
  pendingAt.splice(0, pendingAt.length, ...pending.map((p) => safety.indexOf(p)));
  return true;
}

function exploreWith<C extends object>(cm: CompiledMachine<C>, opts: ExploreOptions<C>, bytes: SlotBytes): Exploration<C> {
  const t0 = performance.now();
  const coder = cm.layout.coder(bytes);
  const stepper = new MemoStepper(cm, coder);
  const props = stepper.properties(opts.safety);
  // The reduction learns from the tries: made once, it keeps what it learned across restarts.
  const por = opts.por ? new Reduction(cm, stepper, props) : undefined;
  for (;;) {
    try {
      return search(cm, opts, coder, stepper, props, por, t0);
    } catch (e) {
      if (!(e instanceof PorRestart)) throw e;
      por!.restart();
    }
  }
}

/** One breadth-first search with `stepper` (and the reduction `por`, which may throw {@link PorRestart}). */
function search<C extends object>(
  cm: CompiledMachine<C>,
  opts: ExploreOptions<C>,
  coder: Coder<C>,
  stepper: MemoStepper<C>,
  props: MemoProperties<C>,
  por: Reduction | undefined,
  t0: number,
): Exploration<C> {
  const model = cm.model;
  const limits = opts.limits;
  const keepEdges = !!opts.keepEdges;
  const { s, initial } = searchState(cm, opts, coder);
  const { store, parent, parentEvent, eStart, eTarget, eEvent, pending, violations } = s;
  const canon = new Canonicalizer(cm, opts.symmetry, coder, stepper.cpuClasses());
  // Per pending property, its index in `opts.safety` (and in `props`).
  const pendingAt = opts.safety.map((_, k) => k);
  const maxStates = opts.maxStates ?? Infinity;
  const every = opts.progressEvery ?? 50_000;
  const progress = (id: number) =>
    opts.onProgress?.({ states: store.size, queue: store.size - id, transitions: s.transitions, seconds: (performance.now() - t0) / 1000 });

  let pendingMask = maskOf(pendingAt);
  const checkSafety = (row: Row, id: number, view?: RowView<C>, affected = -1) => {
    for (let i = 0; i < pending.length; i++) {
      if ((affected & MemoProperties.bit(pendingAt[i])) !== 0 && !props.holds(pendingAt[i], row.slots, view)) {
        violations.set(pending[i].name, id);
        por?.retire(pendingAt[i]);
        pending.splice(i, 1);
        pendingAt.splice(i--, 1);
        pendingMask = maskOf(pendingAt);
      }
    }
  };

  const init = store.newRow();
  init.words.set(initial.words);
  canon.canon(init);
  store.add(init);
  parent.push(-1);
  parentEvent.push(-1);
  if (pending.length) checkSafety(init, 0);

  const row = store.newRow();
  const out = store.newRow();
  // The successor's own context (the classic stepper's draft, when it made it) over `out`: valid while canon left `out` as it was.
  const draftView = new RowView(cm, out.slots, stepper.classic.draft);
  const evs = new Int32Array(cm.events.length);
  const taken: Taken[] = new Array(cm.events.length);
  // A lossy store is one thread's (lossy-store.ts); the workers share an exact one.
  const par = opts.parallel && opts.parallel.workers > 1 && !opts.lossy && !por ? new ParallelSearch(s, opts.parallel, limits) : undefined;
  if (par && par.startAt === 0) par.load();
  let workers = 1;
  /** The sequential loop from level start `from`; true when it stopped at a level for the workers to take. */
  const sequential = (from: number, handOver: boolean): boolean => {
    // Workers may have retired properties from `pending` (realignPending).
    if (realignPending(pendingAt, pending, opts.safety)) pendingMask = maskOf(pendingAt);
    let levelEnd = from === 0 ? 1 : from;
    let id = from;
    try {
      for (; id < store.size; id++) {
        if (id === levelEnd) {
          levelEnd = store.size;
          if (handOver) {
            // A search this large: the workers start and load the model while this thread goes on.
            if (store.size >= par!.startAt) par!.load();
            // A level big enough to share, and workers ready: they take the search over from here.
            if (levelEnd - id >= par!.minLevel && par!.ready()) {
              s.levelStart = id;
              return true;
            }
          }
        }
        if (store.size >= maxStates) {
          s.complete = false;
          s.stoppedBy = stateLimit(maxStates);
          break;
        }
        if ((id & 1023) === 0 && (s.stoppedBy = limits?.poll())) {
          s.complete = false;
          break;
        }
        if (opts.stopWhenAllViolated && opts.safety.length > 0 && pending.length === 0 && !keepEdges) {
          s.complete = false;
          break;
        }
        if (keepEdges) eStart.push(eTarget.length);
        store.get(id, row);
        stepper.load(row);
        const n = stepper.enabled(evs, taken);
        if (n === 0 && s.deadlock < 0 && !model.isFinal(stepper.view)) s.deadlock = id;
        // With the reduction: the ample set first (`m` steps), the rest only if C3 asks (por.ts).
        const m = por ? por.ample(row.slots, evs, taken, n) : n;
        let closes = false;
        for (let k = 0; k < n; k++) {
          if (k === m) {
            if (!closes) break;
            por!.proviso++;
          }
          const t = taken[k];
          const e = evs[k];
          s.transitions++;
          // A trie's step the symmetry leaves as it is: packed from the parent's key (row built only if needed).
          const leaf = t instanceof StepLeaf;
          let to = leaf && !canon.active ? store.addStep(row, cm.eventRegion[e], t) : NO_STEP;
          let draft: C | undefined;
          let permuted = false;
          const built = to === NO_STEP;
          if (built) {
            draft = stepper.successor(e, t, out);
            permuted = canon.canon(out, draft);
            if (leaf && !permuted && canon.active) to = store.addStep(row, cm.eventRegion[e], t);
            if (to === NO_STEP) to = store.add(out);
          }
          if (to >= 0) {
            parent.push(id);
            parentEvent.push(e);
            // The pending properties a trie's step may change: the others held at the parent (see maskOf).
            const affected = pending.length && leaf && !permuted && !por ? props.affectedBy(t, cm.eventRegion[e]) & pendingMask : pendingMask;
            if (affected !== 0) {
              if (!built) draft = stepper.successor(e, t, out);
              checkSafety(out, to, permuted || !draft ? undefined : draftView, affected);
            }
          } else {
            to = -to - 1;
            if (to <= id) closes = true;
          }
          if (keepEdges) {
            eTarget.push(to);
            eEvent.push(e);
          }
        }
        if (por?.invalid) throw new PorRestart('a learned path contradicted an ample choice');
        if (opts.onProgress && id % every === 0) progress(id);
      }
    } catch (e) {
      // An allocation the memory budget refused: keep what was explored. A state the store
      // took but whose parent was not recorded is left out of the count (and of every trace).
      if (!(e instanceof LimitReached)) throw e;
      s.complete = false;
      s.stoppedBy = e.stop;
    }
    return false;
  };
  const ctl: LevelControl = {
    maxStates,
    limits,
    stopWhenAllViolated: !!opts.stopWhenAllViolated && opts.safety.length > 0 && !keepEdges,
    onLevel: opts.onProgress ? () => progress(s.levelStart) : undefined,
  };
  let parallelError: Error | undefined;
  let inWorkers = 0;
  for (let from = 0; sequential(from, !!par && !parallelError); from = s.levelStart) {
    try {
      parallelError = par!.run(ctl);
    } catch (e) {
      // A worker met a value outside the packing: widen it here and go on from the level the workers dropped.
      if (!(e instanceof PackOverflow)) throw e;
      inWorkers++;
      if (widened(s, () => (store as StateStore).widen(e.slot, e.value))) continue;
      break;
    }
    // Workers that could not rebuild the model leave the search to this thread: slower, the same result.
    if (parallelError) continue;
    workers = par!.opts.workers;
    break;
  }
  // Edges feed the liveness search, which only a complete search gets: a stopped one keeps
  // no contiguous copy (at tens of millions of states it would pass the memory budget).
  let edges: EdgeLists | undefined;
  if (keepEdges && s.complete) {
    eStart.push(eTarget.length);
    edges = { start: eStart.toArray(), target: eTarget.toArray(), event: eEvent.toArray() };
  }
  return {
    cm,
    coder,
    store,
    initial,
    canon,
    parent: parent.toArray(),
    parentEvent: parentEvent.toArray(),
    states: parent.length,
    transitions: s.transitions,
    complete: s.complete,
    stoppedBy: s.stoppedBy,
    violations,
    deadlock: s.deadlock,
    edges,
    seconds: (performance.now() - t0) / 1000,
    workers,
    packing: { words: store.words, widenings: store.widenings, inWorkers },
    ...(parallelError ? { parallelError } : {}),
    ...(store instanceof LossyStore ? { omission: store.omission() } : {}),
    ...(por ? { por: por.stats(), reduction: por } : {}),
  };
}
