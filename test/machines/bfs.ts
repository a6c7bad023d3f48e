/**
 * Test helper: every reachable state of a MachineModel with its shortest event path, by
 * xstate's own semantics (machines/xstate.ts, events xstate accepts: `snapshot.can`). The
 * reference the machine tests measure against (small scenarios only).
 * @module
 */
import type { AnyMachineSnapshot } from 'xstate';
import type { StepEvent } from '../../machines/kit.ts';
import type { MachineModel } from '../../machines/model.ts';
import { exploreWithXstate, pathTo } from '../../machines/xstate.ts';

/** One reachable state: its snapshot and the shortest event path from the start. */
export interface Reached {
  readonly snapshot: AnyMachineSnapshot;
  readonly path: readonly StepEvent[];
}

/** Every reachable state of `model`, in BFS order. Throws past `limit` states so a test cannot run away. */
export function reachable(model: MachineModel, limit = 200_000): Reached[] {
  const graph = exploreWithXstate(model, { limit, enabled: 'xstate', keepSnapshots: true });
  return graph.states.map((s, i) => ({ snapshot: s.snapshot, path: pathTo(graph, i) }));
}
