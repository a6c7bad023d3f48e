/**
 * Breadth-first exploration of a compiled machine's packed state space: every reachable
 * state once (up to symmetry), each safety property checked when its state is first found,
 * so the first violating state has a shortest path. States get ids in discovery order,
 * which is also the BFS queue order; parent ids and event indices make traces, and the
 * optional edge lists (compressed rows) feed the liveness search.
 * @module
 */
import type { CompiledMachine, CompiledTransition } from './compile.ts';
import { RowView } from './compile.ts';
import { IntColumn } from './growable.ts';
import type { SafetyProperty } from './properties.ts';
import { Stepper } from './stepper.ts';
import { WidthOverflow, type Coder, type SlotBytes } from './layout.ts';
import { LimitReached, type Limits, type Stop } from './limits.ts';
import { StateStore, type Row } from './store.ts';
import { Canonicalizer, type SymmetryMode } from './symmetry.ts';

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
  readonly store: StateStore;
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
  readonly edges?: EdgeLists;
  readonly seconds: number;
}

/** Explores `cm` breadth-first. See {@link ExploreOptions}. */
export function explore<C extends object>(cm: CompiledMachine<C>, opts: ExploreOptions<C>): Exploration<C> {
  for (const bytes of [1, 2, 4] as SlotBytes[]) {
    try {
      return exploreWith(cm, opts, bytes);
    } catch (e) {
      if (!(e instanceof WidthOverflow) || bytes === 4) throw e;
    }
  }
  throw new Error('unreachable');
}

function exploreWith<C extends object>(cm: CompiledMachine<C>, opts: ExploreOptions<C>, bytes: SlotBytes): Exploration<C> {
  const t0 = performance.now();
  const model = cm.model;
  const W = cm.width;
  const R = cm.regions.length;
  const coder = cm.layout.coder(bytes);
  const limits = opts.limits;
  const store = new StateStore(W, bytes, undefined, limits);
  const canon = new Canonicalizer(cm, opts.symmetry, coder);
  const stepper = new Stepper(cm, coder);
  const parent = new IntColumn(undefined, limits);
  const parentEvent = new IntColumn(undefined, limits);
  const keepEdges = !!opts.keepEdges;
  const eStart = new IntColumn(undefined, limits);
  const eTarget = new IntColumn(keepEdges ? 1 << 16 : 1, limits);
  const eEvent = new IntColumn(keepEdges ? 1 << 16 : 1, limits);
  const violations = new Map<string, number>();
  const pending = opts.safety.slice();
  const checkView = new RowView(cm, cm.initialRow, cm.layout.decode(cm.initialRow, R));
  const maxStates = opts.maxStates ?? Infinity;
  const every = opts.progressEvery ?? 50_000;

  const checkSafety = (row: Row, id: number, view?: RowView<C>) => {
    if (!view) {
      checkView.row = row.slots;
      coder.decodeInto(row.slots, R, checkView.context);
      view = checkView;
    }
    for (let i = 0; i < pending.length; i++) {
      if (!pending[i].holds(view, model)) {
        violations.set(pending[i].name, id);
        pending.splice(i--, 1);
      }
    }
  };

  // The initial state in this width: leaves as they are, context re-encoded.
  const initial = store.newRow();
  for (let r = 0; r < R; r++) initial.slots[r] = cm.initialRow[r];
  coder.encode(cm.layout.decode(cm.initialRow, R), initial.slots, R);
  const init = store.newRow();
  init.words.set(initial.words);
  canon.canon(init);
  store.add(init);
  parent.push(-1);
  parentEvent.push(-1);
  if (pending.length) checkSafety(init, 0);

  const row = store.newRow();
  const out = store.newRow();
  // The successor's own context (the stepper's draft) over `out`: valid while canon left `out` as it was.
  const draftView = new RowView(cm, out.slots, stepper.draft);
  const evs = new Int32Array(cm.events.length);
  const taken: CompiledTransition[] = new Array(cm.events.length);
  let transitions = 0;
  let deadlock = -1;
  let id = 0;
  let complete = true;
  let stoppedBy: Stop | undefined;
  try {
    for (; id < store.size; id++) {
      if (store.size >= maxStates) {
        complete = false;
        stoppedBy = { reason: 'states', message: `the state limit of ${maxStates} was reached (--max-states N to raise it)` };
        break;
      }
      if ((id & 1023) === 0 && (stoppedBy = limits?.poll())) {
        complete = false;
        break;
      }
      if (opts.stopWhenAllViolated && opts.safety.length > 0 && pending.length === 0 && !keepEdges) {
        complete = false;
        break;
      }
      if (keepEdges) eStart.push(eTarget.length);
      store.get(id, row);
      stepper.load(row.slots);
      const n = stepper.enabled(evs, taken);
      if (n === 0 && deadlock < 0 && !model.isFinal(stepper.view)) deadlock = id;
      for (let k = 0; k < n; k++) {
        stepper.successor(evs[k], taken[k], out.slots);
        const permuted = canon.canon(out, stepper.draft);
        transitions++;
        let to = store.add(out);
        if (to >= 0) {
          parent.push(id);
          parentEvent.push(evs[k]);
          if (pending.length) checkSafety(out, to, permuted ? undefined : draftView);
        } else to = -to - 1;
        if (keepEdges) {
          eTarget.push(to);
          eEvent.push(evs[k]);
        }
      }
      if (opts.onProgress && id % every === 0)
        opts.onProgress({ states: store.size, queue: store.size - id, transitions, seconds: (performance.now() - t0) / 1000 });
    }
  } catch (e) {
    // An allocation the memory budget refused: keep what was explored. A state the store
    // took but whose parent was not recorded is left out of the count (and of every trace).
    if (!(e instanceof LimitReached)) throw e;
    complete = false;
    stoppedBy = e.stop;
  }
  let edges: EdgeLists | undefined;
  if (keepEdges) {
    // The closing offset; only growth can fail, and an incomplete search feeds no liveness check.
    if (eStart.length < eStart.data.length || complete) eStart.push(eTarget.length);
    edges = { start: eStart.data.subarray(0, eStart.length), target: eTarget.data.subarray(0, eTarget.length), event: eEvent.data.subarray(0, eEvent.length) };
  }
  return {
    cm,
    coder,
    store,
    initial,
    canon,
    parent: parent.data.subarray(0, parent.length),
    parentEvent: parentEvent.data.subarray(0, parentEvent.length),
    states: parent.length,
    transitions,
    complete,
    stoppedBy,
    violations,
    deadlock,
    edges,
    seconds: (performance.now() - t0) / 1000,
  };
}
