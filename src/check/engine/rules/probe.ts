/**
 * A probe context: an object of the context's shape whose leaves are read through a
 * function of the input index (region leaves first, then the packed layout's slots, as in a
 * row of src/check/engine/compile.ts) and whose writes land in an overlay. Rules run on it unchanged,
 * so {@link decisionTree} sees exactly which inputs a rule reads and what it writes.
 * @module
 */
import type { CompiledMachine } from '../compile.ts';
import type { ModelView } from '../../../../machines/model.ts';
import type { Value } from './decision-tree.ts';

/** A rule used the probe outside the kit subset (machines/kit.ts rule 4): a bug to report, not a branch. */
export class ProbeError extends Error {
  override readonly name = 'ProbeError';
}

/** Reads and writes of one run on a probe. */
export interface ProbeRun {
  /** The input's value in this run (region `r` is input `r`, slot `s` is input `R + s`). */
  read: (input: number) => Value;
  /** Writes of the run so far, by input. */
  readonly writes: Map<number, Value>;
}

/** A probe of one compiled machine: a context and a view over the current run. */
export interface Probe<C extends object> {
  readonly context: C;
  readonly view: ModelView<C>;
  /** Starts a run: reads go to `read` (or the run's own writes), writes are recorded. */
  start(read: (input: number) => Value): ProbeRun;
}

/** The probe of `cm`'s context shape (the initial context's). */
export function probeOf<C extends object>(cm: CompiledMachine<C>): Probe<C> {
  const R = cm.regions.length;
  const slotIndex = new Map(cm.layout.slots.map((s, i) => [s.path, R + i]));
  let run: ProbeRun = { read: () => null, writes: new Map() };
  const readInput = (i: number): Value => (run.writes.has(i) ? (run.writes.get(i) as Value) : run.read(i));

  const wrap = (shape: unknown, path: string): unknown => {
    const isArray = Array.isArray(shape);
    const keys = isArray ? (shape as unknown[]).map((_, i) => String(i)) : Object.keys(shape as object);
    const children = new Map<string, number | object>();
    // A target with every key present (placeholders), so `in`, `some`, `fill` and spreads see them.
    const target = (isArray ? new Array(keys.length).fill(0) : {}) as Record<string, unknown>;
    for (const k of keys) {
      const v = (shape as Record<string, unknown>)[k];
      const p = isArray ? `${path}[${k}]` : path ? `${path}.${k}` : k;
      if (v !== null && typeof v === 'object') children.set(k, wrap(v, p) as object);
      else {
        const i = slotIndex.get(p);
        if (i === undefined) throw new ProbeError(`probe: context leaf ${p} has no slot`);
        children.set(k, i);
      }
      if (!isArray) target[k] = 0;
    }
    return new Proxy(target, {
      get(t, k, receiver) {
        const c = typeof k === 'string' ? children.get(k) : undefined;
        if (c === undefined) return Reflect.get(t, k, receiver);
        return typeof c === 'number' ? readInput(c) : c;
      },
      set(_t, k, v) {
        const c = typeof k === 'string' ? children.get(k) : undefined;
        // Only on assignments no reachable state has (e.g. an index -1): the run ends as an error leaf.
        if (typeof c !== 'number') throw new Error(`assigned ${String(k)} at ${path || '$'}, not a context leaf`);
        run.writes.set(c, v as Value);
        return true;
      },
    });
  };

  const context = wrap(cm.layout.decode(cm.initialRow, R), '') as C;
  const view: ModelView<C> = {
    context,
    active(stateId: string): boolean {
      const at = cm.activeIn.get(stateId);
      // As RowView: an id outside every region is active when it exists (the root), else inactive.
      if (!at) return cm.allIds.has(stateId);
      return at.leaves[readInput(at.region) as number] === 1;
    },
  };
  return {
    context,
    view,
    start(read) {
      run = { read, writes: new Map() };
      return run;
    },
  };
}

/** The value of input `i` of `cm` whose packed slot holds `v` (`N`: the width's null marker): a region leaf, null, a boolean or an integer. */
export function inputValue(cm: CompiledMachine, i: number, v: number, N: number): Value {
  const R = cm.regions.length;
  return i < R ? v : v === N ? null : cm.layout.slots[i - R].kind === 'bool' ? v === 1 : v;
}
