/**
 * Exported test paths: plain JSON another implementation (a C harness, say) can replay.
 *
 * Schema `dmaspec-paths/1`:
 * ```
 * { schema: "dmaspec-paths/1", machine, scenario,           // the Scenario the machine was built from
 *   initial: { state, context, observable? },               // expected before any step
 *   paths: [ { id, steps: [ { event: {type, ...payload},   // event types per spec/threads.md
 *                             state, context, observable? } ] } ] }   // expected after the step
 * ```
 * `state` is the xstate state value, `context` the machine context (numeric, scenario
 * indices), `observable` the machine's projection (spec/observable.ts for the system
 * machine) when it has one: compare that one with your implementation's.
 * @module
 */
import { initialTransition, transition, type AnyMachineSnapshot, type StateValue } from 'xstate';
import type { MachineModel } from '../../machines/model.ts';
import type { StepEvent } from '../../machines/kit.ts';
import type { Scenario } from '../scenario.ts';
import type { EventPath } from './paths.ts';
import { snapshotView } from './view.ts';

/** The expected state at one point of a path. */
export interface ExpectedState {
  readonly state: StateValue;
  readonly context: unknown;
  readonly observable?: unknown;
}

/** One exported step: the event and the state expected after it. */
export interface ExportedStep extends ExpectedState {
  readonly event: StepEvent;
}

/** The whole exported file. */
export interface PathsFile {
  readonly schema: 'dmaspec-paths/1';
  readonly machine: string;
  readonly scenario: Scenario;
  readonly initial: ExpectedState;
  readonly paths: readonly { readonly id: number; readonly steps: readonly ExportedStep[] }[];
}

function expected(model: MachineModel, snapshot: AnyMachineSnapshot): ExpectedState {
  const base = { state: snapshot.value, context: snapshot.context };
  return model.observe ? { ...base, observable: model.observe(snapshotView(snapshot)) } : base;
}

/** Builds the export of `paths` run on `model`. */
export function exportPaths(model: MachineModel, paths: readonly EventPath[]): PathsFile {
  const [initial] = initialTransition(model.machine) as [AnyMachineSnapshot, unknown];
  return {
    schema: 'dmaspec-paths/1',
    machine: model.name,
    scenario: model.scenario,
    initial: expected(model, initial),
    paths: paths.map((path, id) => {
      let snapshot = initial;
      return {
        id,
        steps: path.map((event) => {
          [snapshot] = transition(model.machine, snapshot, event as never) as [AnyMachineSnapshot, unknown];
          return { event, ...expected(model, snapshot) };
        }),
      };
    }),
  };
}
