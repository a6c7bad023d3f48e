/**
 * Replays machine paths on an implementation, comparing after every step.
 * @module
 */
import { initialTransition, transition, type AnyMachineSnapshot } from 'xstate';
import type { MachineModel } from '../../machines/model.ts';
import type { StepEvent } from '../../machines/kit.ts';
import { firstDifference } from './diff.ts';
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
    [snapshot] = transition(model.machine, snapshot, event as never) as [AnyMachineSnapshot, unknown];
    adapter.step(event);
    check(i);
  });
  return path.length;
}
