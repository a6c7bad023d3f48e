/**
 * Bridges xstate snapshots and {@link ModelView}, the context-plus-active-states view that
 * properties, observers and enabled-event functions read.
 * @module
 */
import type { AnyMachineSnapshot } from 'xstate';
import type { ModelView } from './model.ts';

/** The view of an xstate snapshot: its context and the ids of its active state nodes. */
export function viewOf<C = any>(snapshot: AnyMachineSnapshot): ModelView<C> {
  let ids: Set<string> | undefined;
  return {
    context: snapshot.context as C,
    active(stateId: string): boolean {
      ids ??= new Set((snapshot._nodes as { id: string }[]).map((n) => n.id));
      return ids.has(stateId);
    },
  };
}

/** A view over a context and an explicit set of active state ids (for tests and tools). */
export function viewFrom<C>(context: C, activeIds: Iterable<string>): ModelView<C> {
  const ids = new Set(activeIds);
  return { context, active: (id) => ids.has(id) };
}
