/**
 * A {@link ModelView} of an xstate snapshot: the context and which state node ids are active.
 * @module
 */
import type { AnyMachineSnapshot } from 'xstate';
import type { ModelView } from '../../machines/model.ts';

/** Views an xstate machine snapshot the way properties and `enabledEvents` read it. */
export function snapshotView<C>(snapshot: AnyMachineSnapshot): ModelView<C> {
  let ids: Set<string> | undefined;
  return {
    context: snapshot.context as C,
    active(stateId: string): boolean {
      // _nodes is xstate v5's list of active state nodes (leaves and their ancestors).
      ids ??= new Set(snapshot._nodes.map((n) => n.id));
      return ids.has(stateId);
    },
  };
}
