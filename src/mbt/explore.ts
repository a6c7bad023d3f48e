/**
 * The reference state graph of a machine, built with xstate's own pure `transition`.
 * Slow (xstate resolves every microstep), so it is for the small scenarios of model-based
 * testing and for checking that faster explorers agree with xstate; the checker has its own.
 * @module
 */
import { initialTransition, transition, type AnyMachineSnapshot, type StateValue } from 'xstate';
import type { MachineModel } from '../../machines/model.ts';
import type { StepEvent } from '../../machines/kit.ts';
import { snapshotView } from './view.ts';

/**
 * One reachable state: its snapshot and how breadth-first search first reached it. The
 * snapshot is held only until the state is explored, then rebuilt from the key on demand
 * (`machine.resolveState`): xstate snapshots are large, and exporting the standard
 * scenario must fit in bounded memory.
 */
export interface GraphState {
  readonly key: string;
  readonly snapshot: AnyMachineSnapshot;
  /** Index of the BFS parent, -1 for the initial state. */
  readonly parent: number;
  /** The event taken from the parent, null for the initial state. */
  readonly via: StepEvent | null;
  readonly depth: number;
}

/** One edge of the graph, by state index. */
export interface GraphEdge {
  readonly from: number;
  readonly event: StepEvent;
  readonly to: number;
}

/** The reachable graph: states in BFS order and every edge between them. */
export interface StateGraph {
  readonly states: readonly GraphState[];
  readonly edges: readonly GraphEdge[];
}

/** The graph would exceed the state limit; nothing partial is returned. */
export class StateLimitError extends Error {
  override readonly name = 'StateLimitError';
}

/** Canonical key of a snapshot: its state value and context (both plain JSON here). */
export function snapshotKey(snapshot: AnyMachineSnapshot): string {
  return JSON.stringify([snapshot.value, snapshot.context]);
}

/**
 * Breadth-first exploration of every state reachable through `model.enabledEvents`.
 * States are numbered in BFS order, so following `parent` gives a shortest path.
 */
export function exploreWithXstate(model: MachineModel, limit = 50_000): StateGraph {
  const [initial] = initialTransition(model.machine);
  const states: LazyState[] = [new LazyState(model, snapshotKey(initial), initial, -1, null, 0)];
  const index = new Map<string, number>([[states[0].key, 0]]);
  const edges: GraphEdge[] = [];
  for (let i = 0; i < states.length; i++) {
    const { snapshot, depth } = states[i];
    states[i].release();
    for (const event of model.enabledEvents(snapshotView(snapshot))) {
      const [next] = transition(model.machine, snapshot, event as never);
      const key = snapshotKey(next);
      let to = index.get(key);
      if (to === undefined) {
        if (states.length >= limit) throw new StateLimitError(`${model.name}: more than ${limit} states`);
        to = states.length;
        index.set(key, to);
        states.push(new LazyState(model, key, next, i, event, depth + 1));
      }
      edges.push({ from: i, event, to });
    }
  }
  return { states, edges };
}

/** A graph state whose snapshot is dropped once explored and resolved again from its key. */
class LazyState implements GraphState {
  #held: AnyMachineSnapshot | undefined;
  constructor(
    readonly model: MachineModel,
    readonly key: string,
    held: AnyMachineSnapshot,
    readonly parent: number,
    readonly via: StepEvent | null,
    readonly depth: number,
  ) {
    this.#held = held;
  }
  get snapshot(): AnyMachineSnapshot {
    if (this.#held) return this.#held;
    const [value, context] = JSON.parse(this.key) as [StateValue, unknown];
    return this.model.machine.resolveState({ value, context } as never) as AnyMachineSnapshot;
  }
  release(): void {
    this.#held = undefined;
  }
}

/** The events of a shortest path from the initial state to state `i`. */
export function pathTo(graph: StateGraph, i: number): StepEvent[] {
  const events: StepEvent[] = [];
  for (let s = graph.states[i]; s.parent >= 0; s = graph.states[s.parent]) events.push(s.via!);
  return events.reverse();
}
