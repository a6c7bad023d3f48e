/**
 * The reference semantics: breadth-first exploration with xstate's own pure `transition`
 * and `initialTransition` (machines/xstate.ts), events from `model.enabledEvents`. Slow (JSON keys, xstate's
 * full algorithm per step) and used only to prove the compiled explorer faithful on small
 * scenarios, by comparing both graphs in the same canonical form.
 * @module
 */
import type { MachineModel } from '../../machines/model.ts';
import { activeIds, exploreWithXstate } from '../../machines/xstate.ts';
import type { CompiledMachine } from '../../src/check/engine/compile.ts';
import type { Exploration } from '../../src/check/engine/explore.ts';

/** A state space in canonical form: state keys and `from --event--> to` edge keys. */
export interface CanonicalGraph {
  readonly states: Set<string>;
  readonly edges: Set<string>;
}

/** The canonical key of a state: active leaf per region and the context. */
export function stateKey(leaves: readonly string[], context: unknown): string {
  return JSON.stringify({ leaves, context });
}

/**
 * The xstate exploration of `model` (machines/xstate.ts), leaves reported per region of
 * `cm` (for the same key).
 * @throws StateLimitError when more than `limit` states are found.
 */
export function referenceGraph(model: MachineModel, cm: CompiledMachine, limit = 200_000): CanonicalGraph {
  const graph = exploreWithXstate(model, { limit, keepSnapshots: true });
  const keys = graph.states.map(({ snapshot }) => {
    const active = activeIds(snapshot);
    return stateKey(
      cm.regions.map((r) => r.leafIds.find((id) => active.has(id)) ?? '?'),
      snapshot.context,
    );
  });
  return { states: new Set(keys), edges: new Set(graph.edges.map((e) => `${keys[e.from]} --${JSON.stringify(e.event)}--> ${keys[e.to]}`)) };
}

/** The compiled exploration (made without symmetry and with edges) in canonical form. */
export function compiledGraph(x: Exploration): CanonicalGraph {
  const { cm, store, edges } = x;
  if (!edges) throw new Error('compiledGraph needs an exploration with keepEdges');
  if (x.canon.active) throw new Error('compiledGraph needs an exploration without symmetry');
  const R = cm.regions.length;
  const row = store.newRow();
  const keys: string[] = [];
  for (let id = 0; id < x.states; id++) {
    store.get(id, row);
    keys.push(
      stateKey(
        cm.regions.map((r, i) => r.leafIds[row.slots[i]]),
        x.coder.decode(row.slots, R),
      ),
    );
  }
  const out = new Set<string>();
  for (let id = 0; id < x.states; id++)
    for (let k = edges.start[id]; k < edges.start[id + 1]; k++)
      out.add(`${keys[id]} --${JSON.stringify(cm.events[edges.event[k]])}--> ${keys[edges.target[k]]}`);
  return { states: new Set(keys), edges: out };
}
