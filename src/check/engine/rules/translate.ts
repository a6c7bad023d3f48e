/**
 * The machine as decision trees: per event and source leaf, the step xstate would take
 * (src/check/engine/stepper.ts: the first candidate transition from the leaf upwards whose guard
 * holds, its actions in order on a draft); per safety property and for `isFinal`, the
 * predicate; per liveness property, its trigger and goal. src/promela/emit.ts prints them.
 * @module
 */
import type { CompiledMachine } from '../compile.ts';
import type { PropertySet } from '../properties.ts';
import type { StepEvent } from '../../../../machines/kit.ts';
import { decisionTree, TreeTable, type Tree, type Value } from './decision-tree.ts';
import { ProbeError, probeOf, type Probe } from './probe.ts';

/** The values of one input of a translation (src/promela/ranges.ts finds them for an export). */
export interface InputRange {
  /** Readable name (`net0.worker` for a region, the slot path for a slot). */
  readonly name: string;
  readonly kind: 'leaf' | 'int' | 'bool';
  /** Every value, in ascending order (null first, false before true). */
  readonly values: readonly Value[];
}

/** What one step does from one assignment of its inputs. */
export type StepResult =
  | { readonly kind: 'off' }
  | {
      readonly kind: 'on';
      /** Index of the transition taken among the leaf's candidates. */
      readonly transition: number;
      /** Leaf of the region after the step (-1: unchanged). */
      readonly target: number;
      /** Inputs written and their new values, by input index. */
      readonly writes: readonly (readonly [number, Value])[];
    }
  /** A rule threw on this assignment (an assignment no reachable state has, or a model bug). */
  | { readonly kind: 'error'; readonly message: string };

/** One step: an event from one leaf of its region. */
export interface Step {
  readonly event: StepEvent;
  readonly eventIndex: number;
  readonly region: number;
  readonly leaf: number;
  /** A timer step (machines/model.ts `timerRule`): enabled only when nothing else is. */
  readonly timer: boolean;
  readonly tree: Tree<StepResult>;
}

/** A named predicate as a tree. */
export interface Predicate {
  readonly name: string;
  readonly tree: Tree<boolean>;
}

/** Everything the emitter prints. */
export interface Translation {
  readonly steps: readonly Step[];
  readonly safety: readonly Predicate[];
  readonly liveness: readonly { readonly name: string; readonly trigger: Tree<boolean>; readonly goal: Tree<boolean> }[];
  readonly final: Tree<boolean>;
  /** Distinct tree nodes (the size of the translation). */
  readonly nodes: number;
}

const resultKey = (r: StepResult): string => JSON.stringify(r);

/** Runs `fn` on the probe with `read` as the inputs, catching nothing (decisionTree needs its stops). */
function onProbe<C extends object, T>(probe: Probe<C>, fn: (p: Probe<C>) => T) {
  return (read: (i: number) => Value): T => {
    probe.start(read);
    return fn(probe);
  };
}

/**
 * The step of event `e` from leaf `leaf` of its region as a function of the inputs, run on
 * `probe`: the first candidate transition whose guard holds, its actions in order on the
 * probe's overlay (src/check/engine/stepper.ts on a probe). Shared by the export's trees and the
 * checker's memo (src/check/engine/memo-stepper.ts), so both step as one function does.
 */
export function stepFunction<C extends object>(cm: CompiledMachine<C>, probe: Probe<C>, e: number, leaf: number): (read: (i: number) => Value) => StepResult {
  const event = cm.events[e];
  const cands = cm.candidates[e][leaf];
  const R = cm.regions.length;
  return (read) => {
    const run = probe.start(read);
    const ctx = probe.context;
    try {
      for (let i = 0; i < cands.length; i++) {
        const t = cands[i];
        if (t.guard !== null && !t.guard(ctx, t.guardParams, event)) continue;
        // The guard saw the state before the step; the actions write the draft (the probe's overlay).
        for (let a = 0; a < t.actions.length; a++) t.actions[a](ctx, t.actionParams[a], event);
        const writes = [...run.writes].sort((x, y) => x[0] - y[0]);
        const odd = writes.find(([, v]) => !(v === null || typeof v === 'boolean' || Number.isInteger(v)));
        if (odd) return { kind: 'error', message: `wrote ${String(odd[1])} to ${cm.layout.slots[odd[0] - R].path}` };
        return { kind: 'on', transition: i, target: t.target, writes };
      }
    } catch (err) {
      if (err instanceof Error && !(err instanceof ProbeError)) return { kind: 'error', message: err.message };
      throw err;
    }
    return { kind: 'off' };
  };
}

/** The decision trees of `cm` and `props` over `ranges`. */
export function translate<C extends object>(cm: CompiledMachine<C>, props: PropertySet<C>, ranges: readonly InputRange[], maxRuns?: number): Translation {
  const probe = probeOf(cm);
  const domains = ranges.map((r) => r.values);
  const stepTable = new TreeTable<StepResult>(resultKey);
  const boolTable = new TreeTable<boolean>(String);
  const timers = cm.model.timers;
  const steps: Step[] = [];
  cm.events.forEach((event, e) => {
    const region = cm.eventRegion[e];
    if (region < 0) return;
    cm.candidates[e].forEach((cands, leaf) => {
      if (cands.length === 0) return;
      const fn = stepFunction(cm, probe, e, leaf);
      steps.push({ event, eventIndex: e, region, leaf, timer: !!timers?.has(event.type), tree: decisionTree(fn, domains, stepTable, maxRuns) });
    });
  });
  const predicate = (fn: (p: Probe<C>) => boolean): Tree<boolean> => decisionTree(onProbe(probe, fn), domains, boolTable, maxRuns);
  const model = cm.model;
  return {
    steps,
    safety: props.safety.map((s) => ({ name: s.name, tree: predicate((p) => s.holds(p.view, model)) })),
    liveness: props.liveness.map((l) => ({ name: l.name, trigger: predicate((p) => l.trigger(p.view, model)), goal: predicate((p) => l.goal(p.view, model)) })),
    final: predicate((p) => model.isFinal(p.view)),
    nodes: stepTable.size + boolTable.size,
  };
}
