/**
 * What a machine factory hands to the checker, the path generator and the docs: the xstate
 * machine plus the facts about it that exploration needs without guessing.
 * @module
 */
import type { AnyStateMachine } from 'xstate';
import type { Rules, StepEvent } from './kit.ts';

/** What a property or an end-state test may read: the context and which state nodes are active. */
export interface ModelView<C> {
  readonly context: C;
  /** Whether the state node with this id (the `id` field of the config) is active. */
  active(stateId: string): boolean;
}

/**
 * Symmetry facts for reduction. CPUs with the same class label in a state are
 * interchangeable there (the quiesce reader's position, socket membership and the like
 * break symmetry and go into the label).
 */
export interface Symmetry<C> {
  /** How many CPUs {@link cpuClasses} labels and {@link permuteCpus} permutes (below 2: no CPU symmetry). */
  readonly cpus: number;
  /** Groups of thread names whose programs and parameters are identical but for the name. */
  readonly threadGroups: readonly (readonly string[])[];
  /** Per CPU a label; only CPUs with equal labels may be permuted in this state. */
  cpuClasses(ctx: C): readonly number[];
  /**
   * Applies a CPU permutation to a draft context: what was CPU `i` becomes CPU `perm[i]`.
   * It moves per-CPU values to their new CPU and maps fields that hold a CPU number through
   * `perm`, the same way in every state: the checker learns it once per permutation as a
   * row map by probing (src/check/engine/symmetry.ts), and test/check/cpu-row-map.test.ts compares
   * that map with this function on every reachable state.
   */
  permuteCpus(draft: C, perm: ArrayLike<number>): void;
  /** Swaps the context data of two threads of one group (indices into {@link MachineModel.threads}). */
  swapThreads(draft: C, a: number, b: number): void;
}

/**
 * A machine ready to explore: what the checker's engine (src/check/engine) needs of any
 * statechart written in the kit subset (machines/kit.ts), dmaspec's or not. dmaspec's own
 * machines are built from a scenario and carry it (machines/make.ts `ConfiguredModel`).
 */
export interface MachineModel<C extends object = any> {
  readonly name: string;
  readonly machine: AnyStateMachine;
  /** The rules the machine's guards and actions are implemented by (machines/kit.ts). */
  readonly rules: Rules<C>;
  /**
   * Thread names in scenario order: one region (a direct child of the parallel root, keyed
   * by the thread name) per thread. Standalone single-region machines list one name.
   */
  readonly threads: readonly string[];
  /** Every event (with payload) that can ever be enabled, in a stable order. */
  readonly allEvents: readonly StepEvent[];
  /** The events enabled in a snapshot, with payloads, in the order of {@link allEvents}. */
  enabledEvents(view: ModelView<C>): StepEvent[];
  /** A proper end state: nothing left to do, so no enabled event is not a deadlock here. */
  isFinal(view: ModelView<C>): boolean;
  readonly symmetry?: Symmetry<C>;
  /**
   * Event types that are timer steps ({@link timerRule}): enabled only when no other step
   * is. {@link enabledEvents} applies the rule already; an explorer of its own must too.
   */
  readonly timers?: ReadonlySet<string>;
  /**
   * Step names (the part of an event type after the thread) that are the scheduler's doing,
   * not the thread's: under weak fairness they neither count as the thread's progress nor
   * make it enabled, or endless moving would excuse a thread from ever progressing.
   */
  readonly schedulerSteps?: ReadonlySet<string>;
  /**
   * The state projected onto what an implementation can show too (the system machine maps
   * onto spec/observable.ts); exported paths carry it as the expected state of each step.
   */
  observe?(view: ModelView<C>): unknown;
}

/**
 * Timer steps: a step that stands for a timeout fires only after the rest of the system has
 * had its chance, as the kernel's timeout would after every runnable thread ran. The rule is
 * one function, applied where enabled steps are computed: the xstate-side `enabledEvents`
 * (machines/make.ts: paths, model-based tests) and the checker's steppers
 * (src/check/engine/stepper.ts, memo-stepper.ts).
 *
 * The timer rule on the enabled steps `0..n` (compacted in place, with `also` kept in step):
 * timer steps stay only when no other step is enabled. Returns the new count.
 */
export function timerRule<T, U>(n: number, isTimer: (item: T) => boolean, items: T[] | Int32Array, also?: U[]): number {
  let others = false;
  for (let i = 0; i < n && !others; i++) others = !isTimer(items[i] as T);
  if (!others) return n;
  let m = 0;
  for (let i = 0; i < n; i++)
    if (!isTimer(items[i] as T)) {
      items[m] = items[i];
      if (also) also[m] = also[i];
      m++;
    }
  return m;
}
