/**
 * The ranges an export's inputs take: region leaves range over the region's leaves, and each
 * context slot over the values it holds in the reachable states of the scenario, found by
 * dmaspec's own exploration without symmetry (the state space SPIN will search).
 *
 * A range is a finding about the scenario, not an assumption: the exported model asserts,
 * at every write, that the value stays inside its range (src/promela/emit.ts), so SPIN
 * reports a state outside the ranges as an error instead of translating it wrongly.
 * @module
 */
import type { CompiledMachine } from '../check/engine/compile.ts';
import { explore, type Exploration } from '../check/engine/explore.ts';
import { Stepper } from '../check/engine/stepper.ts';
import { copyRow } from '../check/engine/store.ts';
import type { CompiledTransition } from '../check/engine/compile.ts';
import { NULL_OF, type SlotBytes } from '../check/engine/layout.ts';
import type { Limits } from '../check/engine/limits.ts';
import type { SafetyProperty } from '../check/engine/properties.ts';
import type { Value } from '../check/engine/rules/decision-tree.ts';
import type { InputRange, Translation } from '../check/engine/rules/translate.ts';
import { inputValue } from '../check/engine/rules/probe.ts';

/** The ranges of every input of `cm`, and the exploration they came from. */
export interface Ranges {
  readonly inputs: readonly InputRange[];
  readonly exploration: Exploration;
}

/** Seeded random runs that widen the ranges of an incomplete search: how many, and how long each may be. */
export const RANGE_WALKS = { walks: 2000, depth: 5000, seed: 1 } as const;

/**
 * Adds to `seen` the slot values of `walks` seeded random runs from the initial state, each
 * to a state with no enabled step or `depth` steps. A breadth-first search stopped by a limit
 * has seen the shallow states only; values that appear deep (a quiesce's tenth zero round, a
 * count after many rounds) are found by runs that go there directly.
 */
function walkValues(x: Exploration, seen: Set<number>[], w: { walks: number; depth: number; seed: number }): void {
  const { cm } = x;
  const R = cm.regions.length;
  const stepper = new Stepper(cm, x.coder);
  const evs = new Int32Array(cm.events.length);
  const taken: CompiledTransition[] = new Array(cm.events.length);
  let rnd = w.seed >>> 0 || 1;
  const next = (n: number) => {
    rnd ^= rnd << 13;
    rnd ^= rnd >>> 17;
    rnd ^= rnd << 5;
    return (rnd >>> 0) % n;
  };
  for (let k = 0; k < w.walks; k++) {
    let cur = copyRow(x.initial);
    for (let d = 0; d < w.depth; d++) {
      stepper.load(cur.slots);
      const n = stepper.enabled(evs, taken);
      if (n === 0) break;
      const i = next(n);
      const out = copyRow(cur);
      stepper.successor(evs[i], taken[i], out.slots);
      for (let s = 0; s < seen.length; s++) seen[s].add(out.slots[R + s]);
      cur = out;
    }
  }
}

/**
 * Explores `cm` without symmetry (checking `safety` on the way) and collects each slot's
 * values. An incomplete search (a limit hit) gives the ranges of the states it reached,
 * widened by the values of seeded random runs ({@link RANGE_WALKS}): the export then holds
 * for those, and SPIN's range assertions say when a state leaves them.
 */
export function rangesOf(cm: CompiledMachine, opts: { maxStates?: number; limits?: Limits; safety?: readonly SafetyProperty[]; walks?: number } = {}): Ranges {
  const x = explore(cm, { symmetry: 'none', safety: opts.safety ?? [], maxStates: opts.maxStates, limits: opts.limits });
  const R = cm.regions.length;
  const S = cm.layout.slots.length;
  const N = NULL_OF[x.coder.bytes];
  const seen: Set<number>[] = Array.from({ length: S }, () => new Set());
  const row = x.store.newRow();
  for (let id = 0; id < x.states; id++) {
    x.store.get(id, row);
    for (let s = 0; s < S; s++) seen[s].add(row.slots[R + s]);
  }
  if (!x.complete) walkValues(x, seen, { ...RANGE_WALKS, walks: opts.walks ?? RANGE_WALKS.walks });
  const inputs: InputRange[] = cm.regions.map((r) => ({ name: r.key, kind: 'leaf', values: r.leafIds.map((_, i) => i) }));
  cm.layout.slots.forEach((slot, s) => {
    const raw = [...seen[s]].filter((v) => v !== N).sort((a, b) => a - b);
    const values: Value[] = seen[s].has(N) ? [null] : [];
    if (slot.kind === 'bool') values.push(...raw.map((v) => v === 1));
    // An integer slot ranges over every integer from its least to its greatest value.
    else if (raw.length) for (let v = raw[0]; v <= raw[raw.length - 1]; v++) values.push(v);
    inputs.push({ name: slot.path, kind: slot.kind, values });
  });
  return { inputs, exploration: x };
}

/** The inputs a packed row of `cm` holds (slots of `bytes` bytes): its region leaves, then its slots' values. */
export function rowInputs(cm: CompiledMachine, row: ArrayLike<number>, bytes: SlotBytes): Value[] {
  const N = NULL_OF[bytes];
  return Array.from({ length: cm.regions.length + cm.layout.slots.length }, (_, i) => inputValue(cm, i, row[i], N));
}

/** The inputs of `cm`'s initial state. */
export const initialInputs = (cm: CompiledMachine): Value[] => rowInputs(cm, cm.initialRow, 4);

/** The order of values in a range: null first, false before true, then numbers. */
const rank = (v: Value): number => (v === null ? -Infinity : v === false ? -1e15 : v === true ? -1e15 + 1 : v);

/**
 * The ranges `inputs` widened by every value a step of `t` writes outside them from some
 * combination of the current ranges, or undefined when none does. For an incomplete search
 * the export applies it once, after the random runs: it adds the values one step away that
 * the search and the runs missed (a ghost flag set only by the rare interleaving a property
 * is about). Not to a fixed point: per variable, without the relations between them, it
 * would count up without end. Integers stay contiguous.
 */
export function widenRanges(inputs: readonly InputRange[], t: Translation): InputRange[] | undefined {
  const known = inputs.map((r) => new Set<Value>(r.values));
  const extra = inputs.map(() => new Set<Value>());
  const seen = new Set<number>();
  const visit = (tree: Translation['steps'][number]['tree']): void => {
    if (seen.has(tree.id)) return;
    seen.add(tree.id);
    if (tree.kind === 'branch') for (const g of tree.groups) visit(g.child);
    else if (tree.value.kind === 'on') for (const [i, v] of tree.value.writes) if (!known[i].has(v)) extra[i].add(v);
  };
  for (const s of t.steps) visit(s.tree);
  if (extra.every((e) => e.size === 0)) return undefined;
  return inputs.map((r, i) => {
    if (extra[i].size === 0) return r;
    const all = [...r.values, ...extra[i]].sort((a, b) => rank(a) - rank(b));
    const ints = all.filter((v): v is number => typeof v === 'number');
    const values: Value[] = all.filter((v) => typeof v !== 'number');
    if (ints.length) for (let v = ints[0]; v <= ints[ints.length - 1]; v++) values.push(v);
    return { ...r, values };
  });
}
