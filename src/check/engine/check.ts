/**
 * One check run: compile a model, explore it, and give every property a verdict with its
 * shortest counterexample. Safety and deadlock come from one breadth-first exploration
 * (with full symmetry); liveness needs the edges and thread identities, so when the model
 * declares thread symmetry it gets its own exploration with CPU symmetry only.
 *
 * The engine is given, not discovering: a model, its properties, and (for worker threads)
 * the recipe that rebuilds them come from the caller (dmaspec's own: src/check/run.ts); the
 * engine imports nothing of the project but the statechart kit (machines/kit.ts, model.ts,
 * xstate.ts) and the event vocabulary (spec/vocabulary.ts), which `npm run lint` enforces.
 * Its known limits are in the header of the module that has them: explore.ts (memory),
 * por.ts (partial-order reduction: safety only, no symmetry, one thread), liveness.ts (weak fairness, one thread), symmetry.ts,
 * memo-stepper.ts, parallel/search.ts.
 * @module
 */
import type { MachineModel } from '../../../machines/model.ts';
import { compileMachine, type CompiledMachine } from './compile.ts';
import { explore, type Exploration, PorUnsupported } from './explore.ts';
import type { ModelRecipe } from './parallel/protocol.ts';
import type { ParallelOptions } from './parallel/search.ts';
import type { Limits, Stop } from './limits.ts';
import { checkLiveness } from './liveness.ts';
import type { LivenessProperty, PropertySet } from './properties.ts';
import type { SymmetryMode } from './symmetry.ts';
import type { LossyMode, Omission } from './lossy-store.ts';
import { contextLens, traceTo, type Trace, type TraceLens } from './trace.ts';
import type { PorStats } from './por.ts';

/**
 * holds; violated (with a trace); unknown when a limit stopped the search first; n/a
 * for a liveness property whose trigger never holds (nothing to wait for).
 */
export type Verdict = 'holds' | 'violated' | 'unknown' | 'n/a';

/** The verdict on one property. */
export interface PropertyResult {
  readonly name: string;
  readonly kind: 'safety' | 'liveness' | 'deadlock';
  readonly verdict: Verdict;
  readonly trace?: Trace;
  /** Why the verdict is unknown: the search that stopped and the limit that stopped it. */
  readonly unknownBecause?: string;
  /** A `holds` from a lossy search: no violation was found, up to this omission estimate. */
  readonly omission?: Omission;
}

/** Settings of a check run. */
export interface CheckOptions {
  /** Use the model's symmetry (default true). */
  readonly symmetry?: boolean;
  readonly maxStates?: number;
  /** Time, memory and interrupt limits shared by every search of the run. */
  readonly limits?: Limits;
  /**
   * Worker threads per search (default: `limits.workers`, else 1): with a {@link recipe},
   * the larger BFS levels are explored on them; without one, on this thread.
   */
  readonly workers?: number;
  /**
   * How a worker thread rebuilds the model and the safety properties (src/check/engine/parallel):
   * the caller that built the model knows; functions cannot cross threads. Its property list
   * must hold every safety property of the run, by name.
   */
  readonly recipe?: ModelRecipe;
  /** When the workers take over (tests: from the first level, waiting for them). */
  readonly handOver?: Pick<ParallelOptions, 'minLevel' | 'waitForWorkers'>;
  /**
   * A lossy visited set (lossy-store.ts) for the safety search: one thread, and no liveness
   * search (liveness needs every edge); each "holds" carries the omission estimate.
   */
  readonly lossy?: LossyMode;
  /**
   * Partial-order reduction of the safety search (por.ts): needs `symmetry: false` and no
   * lossy store; the safety search then runs on this thread, and liveness gets its own
   * unreduced search. Its counterexamples are shortest in the reduced graph only.
   */
  readonly por?: boolean;
  /** How traces show states (default: context paths), or a maker of it from the compiled machine. */
  readonly lens?: TraceLens | ((cm: CompiledMachine<any>) => TraceLens);
  onProgress?(p: { phase: string; states: number; queue: number; transitions: number; seconds: number }): void;
}

/** Size and speed of one exploration. */
export interface ExplorationStats {
  /** The safety breadth-first search (safety and deadlock verdicts) or the liveness search. */
  readonly search: Search;
  readonly symmetry: SymmetryMode;
  readonly states: number;
  readonly transitions: number;
  readonly complete: boolean;
  readonly seconds: number;
  /** Threads it ran on: 1, or the worker count once the workers took its larger levels over (src/check/engine/parallel). */
  readonly workers: number;
  /** The limit that stopped this search, when one did. */
  readonly stoppedBy?: Stop;
  /** With a lossy store: what the search may have skipped. */
  readonly omission?: Omission;
  /** With partial-order reduction: what it did (its counterexamples are shortest in the reduced graph only). */
  readonly por?: PorStats;
}

/** The two searches of a check run. */
export type Search = 'safety' | 'liveness';

/** What a search's stop means for the verdicts it owes. */
export const stopText = (search: Search, x: { states: number; stoppedBy?: Stop }): string =>
  `the ${search === 'safety' ? 'safety BFS' : 'liveness search'} stopped after ${x.states} states: ${x.stoppedBy?.message ?? 'a limit'}`;

/** Everything a check run found. */
export interface CheckResult {
  readonly model: string;
  readonly results: readonly PropertyResult[];
  readonly explorations: readonly ExplorationStats[];
  /** False when a limit stopped an exploration: "holds" verdicts are then "unknown". */
  readonly complete: boolean;
}

const stats = (search: Search, x: Exploration, symmetry: SymmetryMode): ExplorationStats => ({
  search,
  symmetry,
  states: x.states,
  transitions: x.transitions,
  complete: x.complete,
  seconds: x.seconds,
  workers: x.workers,
  ...(x.stoppedBy ? { stoppedBy: x.stoppedBy } : {}),
  ...(x.omission ? { omission: x.omission } : {}),
  ...(x.por ? { por: x.por } : {}),
});

/** Why a search's verdicts are unknown, when it stopped early; a lossy search's omission estimate otherwise. */
const open = (x: Exploration, search: Search) => (x.complete ? (x.omission ? { omission: x.omission } : {}) : { unknownBecause: stopText(search, x) });

/** The verdict of each safety property and of deadlock freedom, from the safety search. */
function safetyVerdicts<C extends object>(main: Exploration<C>, safety: PropertySet<C>['safety'], lens: TraceLens<C>): PropertyResult[] {
  const results: PropertyResult[] = safety.map((p) => {
    const id = main.violations.get(p.name);
    return id === undefined
      ? { name: p.name, kind: 'safety', verdict: main.complete ? 'holds' : 'unknown', ...open(main, 'safety') }
      : { name: p.name, kind: 'safety', verdict: 'violated', trace: traceTo(main, id, lens, 'violation') };
  });
  results.push(
    main.deadlock >= 0
      ? { name: 'deadlock-free', kind: 'deadlock', verdict: 'violated', trace: traceTo(main, main.deadlock, lens, 'deadlock') }
      : { name: 'deadlock-free', kind: 'deadlock', verdict: main.complete ? 'holds' : 'unknown', ...open(main, 'safety') },
  );
  return results;
}

/** The verdict of liveness property `p` on the search `lx` (with edges), unless a limit stopped the check (`stop`) before it. */
function livenessVerdict<C extends object>(lx: Exploration<C>, search: Search, p: LivenessProperty<C>, lens: TraceLens<C>, stop?: Stop): PropertyResult {
  if (!lx.complete) return { name: p.name, kind: 'liveness', verdict: 'unknown', ...open(lx, search) };
  if (stop) return { name: p.name, kind: 'liveness', verdict: 'unknown', unknownBecause: `the liveness check stopped before this property: ${stop.message}` };
  const { trace, triggered } = checkLiveness(lx, p, lens);
  return trace ? { name: p.name, kind: 'liveness', verdict: 'violated', trace } : { name: p.name, kind: 'liveness', verdict: triggered ? 'holds' : 'n/a' };
}

/**
 * Checks `props` (and deadlock freedom) on `model`: one breadth-first search for safety
 * (with full symmetry, or CPU symmetry and edges when liveness reuses it), and its own
 * search with CPU symmetry and edges for liveness when the model has thread symmetry.
 */
export function checkModel<C extends object>(model: MachineModel<C>, props: PropertySet<C>, opts: CheckOptions = {}): CheckResult {
  const cm: CompiledMachine<C> = compileMachine(model);
  const lens = (typeof opts.lens === 'function' ? opts.lens(cm) : (opts.lens ?? contextLens(cm))) as TraceLens<C>;
  const useSym = opts.symmetry !== false;
  const por = !!opts.por;
  if (por && useSym) throw new PorUnsupported('partial-order reduction does not compose with symmetry reduction: check with symmetry off');
  const threadSym = useSym && (model.symmetry?.threadGroups.some((g) => g.length > 1) ?? false);
  const needLiveness = props.liveness.length > 0;
  const mainMode: SymmetryMode = !useSym ? 'none' : threadSym || !needLiveness ? 'full' : 'cpus';
  const { onProgress, limits, maxStates } = opts;
  const progress = (phase: string) =>
    onProgress && ((p: { states: number; queue: number; transitions: number; seconds: number }) => onProgress({ phase, ...p }));
  const workers = opts.workers ?? limits?.workers ?? 1;
  const parallel: ParallelOptions | undefined = workers > 1 && opts.recipe ? { workers, recipe: opts.recipe, ...opts.handOver } : undefined;

  const { lossy } = opts;
  // A reduced safety search keeps no edges: liveness gets its own, unreduced.
  const keepEdges = needLiveness && !threadSym && !lossy && !por;
  const main = explore(cm, { parallel, symmetry: mainMode, safety: props.safety, maxStates, limits, keepEdges, lossy, por, onProgress: progress('safety') });
  const explorations = [stats('safety', main, mainMode)];
  const results = safetyVerdicts(main, props.safety, lens);
  let complete = main.complete;
  if (!needLiveness) return { model: model.name, results, explorations, complete };
  if (lossy) {
    const unknownBecause = `a ${lossy.mode} search keeps no edges, and liveness needs every edge: check liveness with an exact search`;
    for (const p of props.liveness) results.push({ name: p.name, kind: 'liveness', verdict: 'unknown', unknownBecause });
    return { model: model.name, results, explorations, complete: false };
  }

  let lx = main;
  let search: Search = 'safety';
  if (threadSym || por) {
    const mode: SymmetryMode = threadSym ? 'cpus' : 'none';
    lx = explore(cm, { symmetry: mode, safety: [], maxStates, limits, keepEdges: true, onProgress: progress('liveness'), parallel });
    search = 'liveness';
    explorations.push(stats('liveness', lx, mode));
    complete &&= lx.complete;
  }
  for (const p of props.liveness) {
    // The cycle search of one property runs to its end; between properties a stop still counts.
    const stop = lx.complete ? limits?.poll() : undefined;
    if (stop) complete = false;
    results.push(livenessVerdict(lx, search, p, lens, stop));
  }
  return { model: model.name, results, explorations, complete };
}
