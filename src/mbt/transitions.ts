/**
 * Names the statechart transitions (the `on` entries of the config) so coverage can count
 * them: `<source state id>#<event type>[<index among that event's transitions>]`.
 * @module
 */
import type { AnyMachineSnapshot, AnyStateNode } from 'xstate';
import type { MachineModel } from '../../machines/model.ts';
import type { StepEvent } from '../../machines/kit.ts';
import { activeLeaves, guardRef } from '../../machines/xstate.ts';

function allNodes(node: AnyStateNode): AnyStateNode[] {
  return [node, ...Object.values(node.states).flatMap(allNodes)];
}

/** Every transition of the machine, in document order. */
export function transitionIds(model: MachineModel): string[] {
  const ids: string[] = [];
  for (const node of allNodes(model.machine.root)) for (const [type, defs] of node.transitions) defs.forEach((_, i) => ids.push(`${node.id}#${type}[${i}]`));
  return ids;
}

/** Every state node id of the machine but the root, in document order. */
export function stateIds(model: MachineModel): string[] {
  return allNodes(model.machine.root)
    .slice(1)
    .map((n) => n.id);
}

/**
 * The transition that `event` takes in `snapshot`: from each active leaf upwards, the first
 * transition for the event type whose guard holds (xstate's selection rule; the kit subset
 * guarantees one region handles each event). Undefined if the event is not enabled.
 */
export function firedTransition(model: MachineModel, snapshot: AnyMachineSnapshot, event: StepEvent): string | undefined {
  for (const leaf of activeLeaves(snapshot)) {
    for (let node: AnyStateNode | undefined = leaf; node; node = node.parent) {
      const defs = node.transitions.get(event.type);
      if (!defs) continue;
      for (let i = 0; i < defs.length; i++) {
        const g = guardRef(defs[i].guard, `guard of ${node.id} on ${event.type}[${i}]`);
        const rule = g && model.rules.guards[g.type];
        if (g && !rule) throw new Error(`${model.name}: guard ${g.type} has no rule`);
        if (!rule || rule(snapshot.context, g!.params, event)) return `${node.id}#${event.type}[${i}]`;
      }
    }
  }
  return undefined;
}
