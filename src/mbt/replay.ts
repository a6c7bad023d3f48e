/**
 * Replays machine paths on an implementation, comparing after every step.
 * @module
 */
import { initialTransition, type AnyMachineSnapshot } from 'xstate';
import type { MachineModel } from '../../machines/model.ts';
import type { StepEvent } from '../../machines/kit.ts';
import { firstDifference } from './diff.ts';
import { type StateGraph, xstateStep } from '../../machines/xstate.ts';
import { edgesAlong, indexGraph } from './graph-index.ts';
import type { EventPath } from './paths.ts';

/**
 * Drives one implementation for one machine: maps each machine event to an implementation
 * operation or thread step, and projects both sides onto the state they share.
 */
export interface Adapter<O = unknown> {
  /** The machine (catalogue name) this adapter conforms the implementation to. */
  readonly machine: string;
  /** A fresh implementation in the state matching the machine's initial state. */
  reset(): void;
  /** Performs the step the event stands for on the implementation. */
  step(event: StepEvent): void;
  /** The implementation's state, projected onto what the machine also models. */
  observe(): O;
  /** The machine snapshot, projected the same way. */
  expected(snapshot: AnyMachineSnapshot): O;
}

/** The implementation did not do what the machine says, at a given step of a given path. */
export class ConformanceError extends Error {
  override readonly name = 'ConformanceError';
  constructor(
    readonly machine: string,
    readonly path: EventPath,
    /** Index of the step after which the states differ; -1: the initial states differ. */
    readonly stepIndex: number,
    readonly field: string,
    readonly expectedValue: unknown,
    readonly actualValue: unknown,
  ) {
    const events = path.map((e, i) => `${i === stepIndex ? '>>' : ''}${JSON.stringify(e)}`).join(' ');
    super(
      `${machine}: implementation diverges ${stepIndex < 0 ? 'in the initial state' : `after step ${stepIndex} (${path[stepIndex].type})`}` +
        ` at ${field}: expected ${JSON.stringify(expectedValue)}, actual ${JSON.stringify(actualValue)}\n  path: ${events}`,
    );
  }
}

/** Replays one path; throws {@link ConformanceError} at the first divergence. Returns the steps run. */
export function replayPath(model: MachineModel, adapter: Adapter, path: EventPath): number {
  let [snapshot] = initialTransition(model.machine) as [AnyMachineSnapshot, unknown];
  adapter.reset();
  const check = (i: number) => {
    const d = firstDifference(adapter.expected(snapshot), adapter.observe());
    if (d) throw new ConformanceError(model.name, path, i, d.path, d.expected, d.actual);
  };
  check(-1);
  path.forEach((event, i) => {
    snapshot = xstateStep(model.machine)(snapshot, event);
    adapter.step(event);
    check(i);
  });
  return path.length;
}

/** Counts of a replay run. */
export interface ReplayStats {
  readonly paths: number;
  readonly steps: number;
}

/**
 * Replays `paths` on the implementation like {@link replayPath}, with the machine side read
 * off the explored graph: each graph state's expected projection is computed once, and a
 * step's machine successor is a lookup. Throws {@link ConformanceError} at the first
 * divergence, and PathOffGraphError if a path is not a path of the machine.
 */
export function replayOnGraph(model: MachineModel, graph: StateGraph, adapter: Adapter, paths: readonly EventPath[]): ReplayStats {
  const index = indexGraph(graph);
  const expected: (string | undefined)[] = [];
  const expectedAt = (s: number) => (expected[s] ??= JSON.stringify(adapter.expected(graph.states[s].snapshot)));
  let steps = 0;
  for (const path of paths) {
    const edges = edgesAlong(index, path);
    adapter.reset();
    const check = (state: number, i: number) => {
      const want = expectedAt(state);
      const got = adapter.observe();
      if (JSON.stringify(got) === want) return;
      const d = firstDifference(JSON.parse(want), JSON.parse(JSON.stringify(got)));
      if (d) throw new ConformanceError(model.name, path, i, d.path, d.expected, d.actual);
    };
    check(0, -1);
    edges.forEach((e, i) => {
      try {
        adapter.step(path[i]);
      } catch (err) {
        // The machine took this step; an implementation refusing it is a divergence too.
        throw new ConformanceError(model.name, path, i, 'step', 'accepted', err instanceof Error ? `${err.name}: ${err.message}` : String(err));
      }
      check(graph.edges[e].to, i);
    });
    steps += path.length;
  }
  return { paths: paths.length, steps };
}
