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
import { NULL_OF, type SlotBytes } from '../check/engine/layout.ts';
import type { Limits } from '../check/engine/limits.ts';
import type { SafetyProperty } from '../check/engine/properties.ts';
import type { Value } from '../check/engine/rules/decision-tree.ts';
import type { InputRange } from '../check/engine/rules/translate.ts';
import { inputValue } from '../check/engine/rules/probe.ts';

/** The ranges of every input of `cm`, and the exploration they came from. */
export interface Ranges {
  readonly inputs: readonly InputRange[];
  readonly exploration: Exploration;
}

/**
 * Explores `cm` without symmetry (checking `safety` on the way) and collects each slot's values. An incomplete search
 * (a limit hit) gives the ranges of the states it reached: the export then holds for those,
 * and SPIN's range assertions say when a state leaves them.
 */
export function rangesOf(cm: CompiledMachine, opts: { maxStates?: number; limits?: Limits; safety?: readonly SafetyProperty[] } = {}): Ranges {
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
