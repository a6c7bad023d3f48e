/**
 * One check run: compile a model, explore it, and give every property a verdict with its
 * shortest counterexample. Safety and deadlock come from one breadth-first exploration
 * (with full symmetry); liveness needs the edges and thread identities, so when the model
 * declares thread symmetry it gets its own exploration with CPU symmetry only.
 * @module
 */
import type { MachineModel } from '../../machines/model.ts';
import { compileMachine, type CompiledMachine } from './compile.ts';
import { explore, type Exploration } from './explore.ts';
import { checkLiveness } from './liveness.ts';
import type { PropertySet } from './properties.ts';
import type { SymmetryMode } from './symmetry.ts';
import { contextLens, traceTo, type Trace, type TraceLens } from './trace.ts';

/**
 * holds; violated (with a trace); unknown when a state limit stopped the search first; n/a
 * for a liveness property whose trigger never holds (nothing to wait for).
 */
export type Verdict = 'holds' | 'violated' | 'unknown' | 'n/a';

/** The verdict on one property. */
export interface PropertyResult {
  readonly name: string;
  readonly kind: 'safety' | 'liveness' | 'deadlock';
  readonly verdict: Verdict;
  readonly trace?: Trace;
}

/** Settings of a check run. */
export interface CheckOptions {
  /** Use the model's symmetry (default true). */
  readonly symmetry?: boolean;
  readonly maxStates?: number;
  /** How traces show states (default: context paths), or a maker of it from the compiled machine. */
  readonly lens?: TraceLens | ((cm: CompiledMachine<any>) => TraceLens);
  onProgress?(p: { phase: string; states: number; queue: number; transitions: number; seconds: number }): void;
}

/** Size and speed of one exploration. */
export interface ExplorationStats {
  readonly symmetry: SymmetryMode;
  readonly states: number;
  readonly transitions: number;
  readonly complete: boolean;
  readonly seconds: number;
}

/** Everything a check run found. */
export interface CheckResult {
  readonly model: string;
  readonly results: readonly PropertyResult[];
  readonly explorations: readonly ExplorationStats[];
  /** False when a state limit stopped an exploration: "holds" verdicts are then "unknown". */
  readonly complete: boolean;
}

const stats = (x: Exploration, symmetry: SymmetryMode): ExplorationStats => ({
  symmetry,
  states: x.states,
  transitions: x.transitions,
  complete: x.complete,
  seconds: x.seconds,
});

/** Checks `props` (and deadlock freedom) on `model`. */
export function checkModel<C extends object>(model: MachineModel<C>, props: PropertySet<C>, opts: CheckOptions = {}): CheckResult {
  const cm: CompiledMachine<C> = compileMachine(model);
  const lens = (typeof opts.lens === 'function' ? opts.lens(cm) : opts.lens ?? contextLens(cm)) as TraceLens<C>;
  const useSym = opts.symmetry !== false;
  const threadSym = useSym && (model.symmetry?.threadGroups.some((g) => g.length > 1) ?? false);
  const needLiveness = props.liveness.length > 0;
  const mainMode: SymmetryMode = !useSym ? 'none' : threadSym || !needLiveness ? 'full' : 'cpus';
  const progress = (phase: string) =>
    opts.onProgress ? (p: { states: number; queue: number; transitions: number; seconds: number }) => opts.onProgress!({ phase, ...p }) : undefined;

  const main = explore(cm, {
    symmetry: mainMode,
    safety: props.safety,
    maxStates: opts.maxStates,
    keepEdges: needLiveness && !threadSym,
    onProgress: progress('safety'),
  });
  const explorations = [stats(main, mainMode)];
  const results: PropertyResult[] = [];
  for (const p of props.safety) {
    const id = main.violations.get(p.name);
    results.push(
      id === undefined
        ? { name: p.name, kind: 'safety', verdict: main.complete ? 'holds' : 'unknown' }
        : { name: p.name, kind: 'safety', verdict: 'violated', trace: traceTo(main, id, lens, 'violation') },
    );
  }
  results.push(
    main.deadlock >= 0
      ? { name: 'deadlock-free', kind: 'deadlock', verdict: 'violated', trace: traceTo(main, main.deadlock, lens, 'deadlock') }
      : { name: 'deadlock-free', kind: 'deadlock', verdict: main.complete ? 'holds' : 'unknown' },
  );
  let complete = main.complete;
  if (needLiveness) {
    let lx = main;
    if (threadSym) {
      lx = explore(cm, { symmetry: 'cpus', safety: [], maxStates: opts.maxStates, keepEdges: true, onProgress: progress('liveness') });
      explorations.push(stats(lx, 'cpus'));
      complete &&= lx.complete;
    }
    for (const p of props.liveness) {
      if (!lx.complete) {
        results.push({ name: p.name, kind: 'liveness', verdict: 'unknown' });
        continue;
      }
      const { trace, triggered } = checkLiveness(lx, p, lens);
      results.push(
        trace
          ? { name: p.name, kind: 'liveness', verdict: 'violated', trace }
          : { name: p.name, kind: 'liveness', verdict: triggered ? 'holds' : 'n/a' },
      );
    }
  }
  return { model: model.name, results, explorations, complete };
}
