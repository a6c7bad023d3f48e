/**
 * The state of a breadth-first search in progress, shared by the sequential loop
 * (explore.ts) and the parallel levels (parallel/search.ts), each of which advances it.
 * @module
 */
import type { CompiledMachine } from './compile.ts';
import type { SharedColumn } from './growable.ts';
import type { Coder } from './layout.ts';
import type { Stop } from './limits.ts';
import type { SafetyProperty } from './properties.ts';
import type { LossyStore } from './lossy-store.ts';
import type { StateStore } from './store.ts';
import type { SymmetryMode } from './symmetry.ts';

/**
 * A search in progress, as the sequential loop and the parallel levels both advance it:
 * states `0 .. store.size` are stored with their parents; the BFS level being expanded
 * starts at `levelStart`.
 */
export interface SearchState<C extends object = any> {
  readonly cm: CompiledMachine<C>;
  readonly coder: Coder<C>;
  readonly symmetry: SymmetryMode;
  /** The visited set: exact, or lossy (one thread only: the parallel search refuses it). */
  readonly store: StateStore | LossyStore;
  readonly parent: SharedColumn;
  readonly parentEvent: SharedColumn;
  readonly keepEdges: boolean;
  /** Per expanded state, its first edge; per edge its target and event (with `keepEdges`). */
  readonly eStart: SharedColumn;
  readonly eTarget: SharedColumn;
  readonly eEvent: SharedColumn;
  readonly safety: readonly SafetyProperty<C>[];
  /** The safety properties not yet violated. */
  readonly pending: SafetyProperty<C>[];
  readonly violations: Map<string, number>;
  deadlock: number;
  transitions: number;
  levelStart: number;
  complete: boolean;
  stoppedBy?: Stop;
}
