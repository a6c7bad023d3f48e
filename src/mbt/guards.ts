/**
 * The guard of every event as data, for the header of a `dmaspec-paths/3` file: per event, a
 * decision tree over the values a consumer has at each step (fields of the step's
 * `observable` and of its `program`), read off the machine by exhaustive evaluation
 * (src/check/engine/rules/decision-tree.ts), the same trees the Promela export prints. A
 * consumer that evaluates them reproduces every `enabled` list without knowing the machine.
 *
 * Inputs are the thread programs' positions (one per region: the state it is in) and the
 * context slots the guards read. A slot that the step's `observable` shows (through the
 * target's {@link InputField} mapping) is read from there; any other one, like a region, is
 * a `program` input and every step lists its value. Each mapping is checked on every state
 * exported ({@link GuardExport.programOf}), so a wrong one fails the export, not the consumer.
 * @module
 */
import type { AnyMachineSnapshot } from 'xstate';
import type { MachineModel } from '../../machines/model.ts';
import { snapshotView } from '../../machines/xstate.ts';
import { compileMachine, type CompiledMachine } from '../check/engine/compile.ts';
import { decisionTree, inputsOf, TreeTable, type Tree, type Value } from '../check/engine/rules/decision-tree.ts';
import { probeOf } from '../check/engine/rules/probe.ts';
import { stepFunction } from '../check/engine/rules/translate.ts';
import { rangesOf } from '../promela/ranges.ts';
import type { DesignVariables } from '../../machines/system/design.ts';
import { programMeaning } from './program-fields.ts';

/** A JSON value of a step: what observable and program fields hold. */
export type JsonValue = string | number | boolean | null;

/** Where a slot shows in the step's `observable`, and how its value is encoded there. */
export interface ObservableField {
  /** Path into the step's `observable` object: dotted names and `[i]` indices (`channels[0].clientCount`). */
  readonly path: string;
  readonly decode: (raw: Value) => JsonValue;
}

/** A target's mapping of context slot paths onto its observable fields; undefined: not observable. */
export type InputField = (slotPath: string) => ObservableField | undefined;

/** One input of the guards, as the header lists it. */
export interface GuardInput {
  /** A region (`net0.worker`: the thread program's position) or a context slot path (`threads[0].rounds`). */
  readonly name: string;
  /** `observable`: read the step's observable at {@link path}; `program`: the step's `program[name]`. */
  readonly source: 'observable' | 'program';
  /** For an observable input, its path in the step's observable object; for a program input, its name. */
  readonly path: string;
  /** Every value it takes in the explored states, in the file's encoding. */
  readonly values: readonly JsonValue[];
  readonly meaning: string;
}

/** A node of the guard trees: a test of one input, or a result. */
export type GuardNode =
  | { readonly input: number; readonly cases: readonly { readonly values: readonly JsonValue[]; readonly next: number }[] }
  /** true: enabled; false: not; null: the rule fails on this combination, which no explored state has. */
  | { readonly value: boolean | null };

/** The guards of one machine: inputs, nodes, and per event its root node. */
export interface GuardExport {
  readonly inputs: readonly GuardInput[];
  readonly nodes: readonly GuardNode[];
  /** Per event of `model.allEvents`: the index of its guard's root node. */
  readonly roots: readonly number[];
  /** Per event: a timer step, enabled only when no other step is. */
  readonly timers: readonly boolean[];
  /** The `program` object of a state; throws when an observable input's mapping does not show the slot's value. */
  programOf(snapshot: AnyMachineSnapshot, observable: unknown): Record<string, JsonValue>;
}

/** Reads a dotted path with `[i]` indices (`threads[0].rounds`, `table.memcpy[1]`) in a JSON value. */
export function readPath(value: unknown, path: string): unknown {
  let v = value;
  for (const part of path.match(/[^.[\]]+/g) ?? []) v = v === null || v === undefined ? undefined : (v as Record<string, unknown>)[part];
  return v;
}

/** The active leaf of region `r` of `cm` in a snapshot. */
function leafOf(cm: CompiledMachine, r: number, view: { active(id: string): boolean }): number {
  const leaf = cm.regions[r].leafIds.findIndex((id) => view.active(id));
  if (leaf < 0) throw new Error(`region ${cm.regions[r].key}: no active leaf`);
  return leaf;
}

/**
 * The guards of `model` over the values its explored states take (at most `maxStates` of
 * them), with `field` saying which slots the observable shows.
 * @throws Error when a mapping is not one-to-one on a slot's values.
 */
export function exportGuards(model: MachineModel, field: InputField, maxStates: number, vars: DesignVariables = {}): GuardExport {
  const cm = compileMachine(model);
  const R = cm.regions.length;
  const { inputs: ranges } = rangesOf(cm, { maxStates });
  const probe = probeOf(cm);
  const table = new TreeTable<boolean | null>(String);
  const domains = ranges.map((r) => r.values);
  const trees: Tree<boolean | null>[] = cm.events.map((_, e) => {
    const region = cm.eventRegion[e];
    if (region < 0) return table.leaf(false);
    const steps = cm.candidates[e].map((cands, leaf) => (cands.length ? stepFunction(cm, probe, e, leaf) : undefined));
    return decisionTree(
      (read) => {
        const step = steps[read(region) as number];
        if (!step) return false;
        const r = step(read);
        return r.kind === 'on' ? true : r.kind === 'off' ? false : null;
      },
      domains,
      table,
    );
  });
  // Only the inputs some guard reads, in input order.
  const read = new Set<number>();
  for (const t of trees) inputsOf(t, read);
  const used = [...read].sort((a, b) => a - b);
  const encoders = used.map((i) => encoderOf(cm, i, field, vars));
  const inputs: GuardInput[] = used.map((i, k) => {
    const values = ranges[i].values.map(encoders[k].encode);
    if (new Set(values.map((v) => JSON.stringify(v))).size !== values.length)
      throw new Error(`guard input ${ranges[i].name}: its observable encoding is not one-to-one`);
    return { name: ranges[i].name, ...encoders[k].where, values, meaning: encoders[k].meaning };
  });
  const nodes: GuardNode[] = [];
  const index = new Map<number, number>();
  const emit = (t: Tree<boolean | null>): number => {
    const hit = index.get(t.id);
    if (hit !== undefined) return hit;
    const node: GuardNode =
      t.kind === 'leaf'
        ? { value: t.value }
        : {
            input: used.indexOf(t.input),
            cases: t.groups.map((g) => ({ values: g.values.map(encoders[used.indexOf(t.input)].encode), next: emit(g.child) })),
          };
    nodes.push(node);
    index.set(t.id, nodes.length - 1);
    return nodes.length - 1;
  };
  const roots = trees.map(emit);
  const slotOf = (i: number) => cm.layout.slots[i - R].path;
  return {
    inputs,
    nodes,
    roots,
    timers: cm.events.map((e) => !!model.timers?.has(e.type)),
    programOf(snapshot, observable) {
      const view = snapshotView(snapshot);
      const out: Record<string, JsonValue> = {};
      used.forEach((i, k) => {
        const value = i < R ? leafOf(cm, i, view) : (readPath(view.context, slotOf(i)) as Value);
        const encoded = encoders[k].encode(value);
        if (inputs[k].source === 'program') out[inputs[k].name] = encoded;
        else if (readPath(observable, inputs[k].path) !== encoded)
          throw new Error(
            `guard input ${inputs[k].name}: observable ${inputs[k].path} is ${JSON.stringify(readPath(observable, inputs[k].path))}, the slot encodes as ${JSON.stringify(encoded)}`,
          );
      });
      return out;
    },
  };
}

/** How input `i` of `cm` is named, found and encoded in the file. */
function encoderOf(cm: CompiledMachine, i: number, field: InputField, vars: DesignVariables) {
  const R = cm.regions.length;
  if (i < R) {
    const r = cm.regions[i];
    return {
      where: { source: 'program' as const, path: r.key },
      encode: (v: Value): JsonValue => r.leafPaths[v as number],
      meaning: `the active state of region ${r.key}: where that thread program (or part of one) is, a state name of the machine's statechart (docs/machines)`,
    };
  }
  const slot = cm.layout.slots[i - R].path;
  const f = field(slot);
  if (f) return { where: { source: 'observable' as const, path: f.path }, encode: f.decode, meaning: `observable ${f.path}` };
  return { where: { source: 'program' as const, path: slot }, encode: (v: Value): JsonValue => v, meaning: programMeaning(slot, vars) };
}
