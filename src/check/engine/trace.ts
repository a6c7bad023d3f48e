/**
 * Counterexample traces: the stored (canonical) path to a state, turned back into the
 * concrete run from the machine's real initial state, each step named by its thread, the
 * CPU it ran on, its event and the variables it changed.
 *
 * Under symmetry reduction the stored states are orbit representatives; the concrete run is
 * recovered by choosing, at each step, an enabled event whose successor has the next
 * stored representative as its canonical form. If none exists the model's declared
 * symmetry is not an automorphism, and {@link SymmetryUnsound} says so.
 * @module
 */
import type { StepEvent } from '../../../machines/kit.ts';
import type { ModelView } from '../../../machines/model.ts';
import { eventThread } from '../../../spec/vocabulary.ts';
import { type BlockedStep, blockedSteps } from './blocked.ts';
import type { CompiledMachine, CompiledTransition } from './compile.ts';
import { RowView } from './compile.ts';
import type { Exploration } from './explore.ts';
import type { Coder } from './layout.ts';
import { Stepper } from './stepper.ts';
import { LossyStore } from './lossy-store.ts';
import { copyRow, sameRow, type Row } from './store.ts';

/** A stored path has no concrete counterpart: the declared symmetry changes behaviour. */
export class SymmetryUnsound extends Error {
  override readonly name = 'SymmetryUnsound';
}

/** How a trace shows a state: readable variables and the CPU a thread runs on. */
export interface TraceLens<C = any> {
  /** Flat readable variables of a state (name -> JSON value), in a stable order. */
  variables(view: ModelView<C>): Record<string, unknown>;
  /** The CPU `thread` runs on in this state, or null if it has none. */
  threadCpu(view: ModelView<C>, thread: string): number | null;
  /** The state as spec/observable.ts (for replay on the implementation), if the model has one. */
  observe?(view: ModelView<C>): unknown;
  /** The readable name of a context path (`threads[1].inFlight` → `atx0.inFlight`), if the model has names. */
  fieldName?(path: string): string;
}

/** One variable a step changed. */
export interface Change {
  readonly name: string;
  readonly from: unknown;
  readonly to: unknown;
}

/** One step of a counterexample. */
export interface TraceStep {
  /** The thread (event type prefix). */
  readonly thread: string;
  /** The CPU the thread ran on when it took the step, if it has one. */
  readonly cpu: number | null;
  readonly event: StepEvent;
  /**
   * The transition taken: `<source state id>#<event type>[i]` (as src/mbt names it), so a
   * reader can tell the guarded branches of one event apart.
   */
  readonly transition: string;
  /** The transition's description: the kernel function (RFC hunk) the step follows; '' if none. */
  readonly rule: string;
  /** Active state id of every region after the step (region key -> state id). */
  readonly active: Readonly<Record<string, string>>;
  readonly changes: readonly Change[];
}

/** A counterexample: the steps from the initial state; a lasso when `loopStart` is set. */
export interface Trace {
  readonly steps: readonly TraceStep[];
  /** Index of the first step of the repeated cycle (liveness), if any. */
  readonly loopStart?: number;
  /** How the trace ends: a state breaking a safety property, a deadlock, a fair cycle, or a final state. */
  readonly end: 'violation' | 'deadlock' | 'cycle' | 'final';
  /** The lens's variables of the initial state: with the changes, every later state is known. */
  readonly initial: Readonly<Record<string, unknown>>;
  /** Active state id of every region in the initial state (region key -> state id). */
  readonly initialActive: Readonly<Record<string, string>>;
  /** The lens's observable of the initial state and after each step (for replay), if it has one. */
  readonly observed?: readonly unknown[];
  /** For a hang or a lasso: the closed steps of the last state, with what their guards read. */
  readonly blocked?: readonly BlockedStep[];
}

/** The default lens: context leaves by path, and each region's active leaf by region key. */
export function contextLens<C extends object>(cm: CompiledMachine<C>): TraceLens<C> {
  return {
    variables(view) {
      const out: Record<string, unknown> = {};
      const row = (view as RowView<C>).row;
      cm.regions.forEach((r, i) => (out[`${r.key}@`] = r.leafPaths[row[i]]));
      const ctx = view.context as unknown;
      cm.layout.slots.forEach((s) => {
        out[s.path] = s.path
          .split(/\.|\[|\]/)
          .filter(Boolean)
          .reduce((o: any, k) => o[k], ctx);
      });
      return out;
    },
    threadCpu: () => null,
  };
}

/** Ids of the stored path from the initial state to `id`. */
export function storedPath(x: Exploration, id: number): number[] {
  const ids: number[] = [];
  for (let s = id; s >= 0; s = x.parent[s]) ids.push(s);
  return ids.reverse();
}

/** Concrete rows and events following stored ids; see the module comment. */
export class Concretizer<C extends object> {
  private readonly stepper: Stepper<C>;
  private readonly evs: Int32Array;
  private readonly taken: CompiledTransition[];
  private readonly want: Row;
  private readonly out: Row;

  constructor(private readonly x: Exploration<C>) {
    this.stepper = new Stepper(x.cm, x.coder);
    this.evs = new Int32Array(x.cm.events.length);
    this.taken = new Array(x.cm.events.length);
    this.want = x.store.newRow();
    this.out = x.store.newRow();
  }

  /** The stored (canonical) row of the last state {@link storedRow} rebuilt, by id. */
  private rebuilt: { id: number; row: Row } | undefined;

  /**
   * Writes stored state `id`'s row into `out`. A lossy store keeps no rows behind its frontier,
   * so there the row is rebuilt: each stored row is the canonical form of its parent's
   * successor by its parent event (explore.ts), replayed from the initial state.
   */
  private storedRow(id: number, out: Row): void {
    const { x } = this;
    if (!(x.store instanceof LossyStore)) {
      x.store.get(id, out);
      return;
    }
    const path = storedPath(x, id);
    let at = path.indexOf(this.rebuilt?.id ?? -1);
    const row = at >= 0 ? copyRow(this.rebuilt!.row) : copyRow(x.initial);
    if (at < 0) {
      x.canon.canon(row);
      at = 0;
    }
    const next = x.store.newRow();
    for (let i = at + 1; i < path.length; i++) {
      const e = x.parentEvent[path[i]];
      this.stepper.load(row.slots);
      const n = this.stepper.enabled(this.evs, this.taken);
      let k = 0;
      while (k < n && this.evs[k] !== e) k++;
      if (k === n) throw new Error(`${x.cm.model.name}: stored state ${path[i]}'s event is not enabled in its parent (lossy store rebuild)`);
      this.stepper.successor(e, this.taken[k], next.slots);
      x.canon.canon(next);
      row.words.set(next.words);
    }
    this.rebuilt = { id, row: copyRow(row) };
    out.words.set(row.words);
  }

  /** The concrete state after one step from `from` towards stored state `to`: [event, row]. */
  step(from: Row, to: number, preferred: number): [number, Row] {
    const { stepper, evs, taken, want, out, x } = this;
    this.storedRow(to, want);
    stepper.load(from.slots);
    const n = stepper.enabled(evs, taken);
    // Prefer the stored event, then one of the same thread (CPU renaming keeps threads, and
    // liveness traces must keep each thread's steps for fairness), then the first match.
    const thread = preferred >= 0 ? x.cm.eventThread[preferred] : -2;
    let first: [number, Row] | undefined;
    let sameThread: [number, Row] | undefined;
    for (let k = 0; k < n; k++) {
      stepper.successor(evs[k], taken[k], out.slots);
      const concrete = copyRow(out);
      x.canon.canon(out);
      if (!sameRow(out, want)) continue;
      if (evs[k] === preferred) return [evs[k], concrete];
      if (x.cm.eventThread[evs[k]] === thread) sameThread ??= [evs[k], concrete];
      first ??= [evs[k], concrete];
    }
    first = sameThread ?? first;
    if (!first)
      throw new SymmetryUnsound(
        `${x.cm.model.name}: no concrete step reaches stored state ${to}; the model's symmetry (cpuClasses/permuteCpus/swapThreads) is not an automorphism`,
      );
    return first;
  }

  /**
   * Follows `ids` (consecutive stored states, `ids[0]` matching `start`): the events and the
   * concrete rows after each step. `prefer[i]`, if given, is the stored event into `ids[i]`.
   */
  follow(start: Row, ids: readonly number[], prefer?: readonly number[]): { events: number[]; rows: Row[] } {
    const events: number[] = [];
    const rows: Row[] = [];
    let cur = start;
    for (let i = 1; i < ids.length; i++) {
      const p = prefer ? prefer[i] : this.x.parent[ids[i]] === ids[i - 1] ? this.x.parentEvent[ids[i]] : -1;
      const [e, row] = this.step(cur, ids[i], p);
      events.push(e);
      rows.push(row);
      cur = row;
    }
    return { events, rows };
  }
}

/** The description of transition `id` (`<source id>#<event type>[i]`) in the xstate machine, or ''. */
function ruleOf(cm: CompiledMachine, id: string): string {
  const m = /^(.*)#([^#]*)\[(\d+)\]$/.exec(id);
  if (!m) return '';
  const node = cm.model.machine.getStateNodeById(m[1]!) as { transitions: Map<string, readonly { description?: string }[]> };
  return node.transitions.get(m[2]!)?.[Number(m[3])]?.description ?? '';
}

/** Describes the concrete run `start --events--> rows` as a trace ending in `end`. */
export function describeRun<C extends object>(
  cm: CompiledMachine<C>,
  coder: Coder<C>,
  lens: TraceLens<C>,
  start: Row,
  events: readonly number[],
  rows: readonly Row[],
  end: Trace['end'],
  loopStart?: number,
): Trace {
  const R = cm.regions.length;
  const viewOf = (row: Row) => new RowView(cm, row.slots, coder.decode(row.slots, R));
  const activeOf = (row: Row) => Object.fromEntries(cm.regions.map((r, i) => [r.key, r.leafIds[row.slots[i]]!]));
  const stepper = new Stepper(cm, coder);
  const evs = new Int32Array(cm.events.length);
  const taken: CompiledTransition[] = new Array(cm.events.length);
  const steps: TraceStep[] = [];
  let before = viewOf(start);
  let vars = lens.variables(before);
  const initial = vars;
  const observed: unknown[] | undefined = lens.observe ? [lens.observe(before)] : undefined;
  let cur = start;
  events.forEach((e, i) => {
    const ev = cm.events[e];
    const thread = eventThread(ev);
    stepper.load(cur.slots);
    const n = stepper.enabled(evs, taken);
    let t: CompiledTransition | undefined;
    for (let k = 0; k < n && !t; k++) if (evs[k] === e) t = taken[k];
    if (!t) throw new Error(`${cm.model.name}: trace step ${i + 1} (${ev.type}) is not enabled in the state before it`);
    const after = viewOf(rows[i]);
    const next = lens.variables(after);
    const changes: Change[] = [];
    for (const name of new Set([...Object.keys(vars), ...Object.keys(next)]))
      if (JSON.stringify(vars[name]) !== JSON.stringify(next[name])) changes.push({ name, from: vars[name], to: next[name] });
    steps.push({ thread, cpu: lens.threadCpu(before, thread), event: ev, transition: t.id, rule: ruleOf(cm, t.id), active: activeOf(rows[i]), changes });
    observed?.push(lens.observe!(after));
    before = after;
    vars = next;
    cur = rows[i];
  });
  const last = viewOf(cur);
  const blocked =
    end === 'deadlock' || end === 'cycle'
      ? blockedSteps(cm, cur.slots, last.context).map((b) =>
          lens.fieldName ? { ...b, reads: Object.fromEntries(Object.entries(b.reads).map(([k, v]) => [lens.fieldName!(k), v])) } : b,
        )
      : undefined;
  return {
    steps,
    end,
    initial,
    initialActive: activeOf(start),
    ...(blocked ? { blocked } : {}),
    ...(loopStart === undefined ? {} : { loopStart }),
    ...(observed ? { observed } : {}),
  };
}

/** The shortest counterexample to stored state `id` (a safety violation or a deadlock). */
export function traceTo<C extends object>(x: Exploration<C>, id: number, lens: TraceLens<C>, end: Trace['end']): Trace {
  const c = new Concretizer(x);
  const start = x.initial;
  const { events, rows } = c.follow(start, storedPath(x, id));
  return describeRun(x.cm, x.coder, lens, start, events, rows, end);
}
