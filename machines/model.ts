/**
 * What a machine factory hands to the checker, the path generator and the docs: the xstate
 * machine plus the facts about it that exploration needs without guessing.
 * @module
 */
import type { AnyStateMachine } from 'xstate';
import type { Scenario } from '../src/scenario.ts';
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
  /** Groups of thread names whose programs and parameters are identical but for the name. */
  readonly threadGroups: readonly (readonly string[])[];
  /** Per CPU a label; only CPUs with equal labels may be permuted in this state. */
  cpuClasses(ctx: C): readonly number[];
  /**
   * Applies a CPU permutation to a draft context: what was CPU `i` becomes CPU `perm[i]`.
   * It moves per-CPU values to their new CPU and maps fields that hold a CPU number through
   * `perm`, the same way in every state: the checker learns it once per permutation as a
   * row map by probing (src/check/symmetry.ts), and test/check/cpu-row-map.test.ts compares
   * that map with this function on every reachable state.
   */
  permuteCpus(draft: C, perm: readonly number[]): void;
  /** Swaps the context data of two threads of one group (indices into {@link MachineModel.threads}). */
  swapThreads(draft: C, a: number, b: number): void;
}

/** A machine built from a scenario, ready to explore. */
export interface MachineModel<C extends object = any> {
  readonly name: string;
  readonly scenario: Scenario;
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
   * Event types that are timer steps (machines/timers.ts): enabled only when no other step
   * is. {@link enabledEvents} applies the rule already; an explorer of its own must too.
   */
  readonly timers?: ReadonlySet<string>;
  /**
   * The state projected onto what an implementation can show too (the system machine maps
   * onto spec/observable.ts); exported paths carry it as the expected state of each step.
   */
  observe?(view: ModelView<C>): unknown;
}
