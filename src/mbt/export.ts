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
 *
 * `dmaspec paths` fills `observable` with the projection its adapter compares
 * (src/mbt/adapters): for the system machine and the machines over its context
 * (`client-<kind>`, `release-<design>`) the spec/observable.ts fields plus `enabled`, the sorted
 * labels (`net0.migrate cpu=1`: type, then payload fields by name) of the events of the
 * machine's vocabulary enabled in that state; for the other machines the fields listed in
 * their adapter module. `description` says which, in words. Replay: start your
 * implementation in the scenario's initial state, compare with `initial.observable`; for
 * each step perform `event` and compare with the step's `observable`. Every path starts
 * from the initial state.
 * @module
 */
import { initialTransition, transition, type AnyMachineSnapshot, type StateValue } from 'xstate';
import type { MachineModel } from '../../machines/model.ts';
import type { StepEvent } from '../../machines/kit.ts';
import type { Scenario } from '../scenario.ts';
import { firstDifference } from './diff.ts';
import type { EventPath } from './paths.ts';
import { ConformanceError, type Adapter, type ReplayStats } from './replay.ts';
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
  /** What `observable` holds for this machine, in words. */
  readonly description?: string;
  readonly initial: ExpectedState;
  readonly paths: readonly { readonly id: number; readonly steps: readonly ExportedStep[] }[];
}

/** Projects a machine snapshot onto what an implementation is compared with. */
export type Projection = (snapshot: AnyMachineSnapshot) => unknown;

/**
 * Builds the export of `paths` run on `model`. `project` gives each state's `observable`
 * (default: the model's own `observe`, if any).
 */
export function exportPaths(model: MachineModel, paths: readonly EventPath[], project?: Projection, description?: string): PathsFile {
  const observe: Projection | undefined = project ?? (model.observe ? (s) => model.observe!(snapshotView(s)) : undefined);
  const expected = (_: MachineModel, snapshot: AnyMachineSnapshot): ExpectedState => {
    const base = { state: snapshot.value, context: snapshot.context };
    return observe ? { ...base, observable: observe(snapshot) } : base;
  };
  const [initial] = initialTransition(model.machine) as [AnyMachineSnapshot, unknown];
  return {
    schema: 'dmaspec-paths/1',
    machine: model.name,
    scenario: model.scenario,
    ...(description ? { description } : {}),
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

/**
 * Replays an exported file on an implementation through `adapter`, comparing the
 * adapter's observation with each `observable` of the file (which must have them).
 * @throws ConformanceError at the first difference (or when the implementation refuses a step).
 */
export function replayPathsFile(file: PathsFile, adapter: Adapter): ReplayStats {
  let steps = 0;
  for (const p of file.paths) {
    const events = p.steps.map((s) => s.event);
    const check = (want: unknown, i: number) => {
      const d = firstDifference(want, JSON.parse(JSON.stringify(adapter.observe())));
      if (d) throw new ConformanceError(file.machine, events, i, d.path, d.expected, d.actual);
    };
    adapter.reset();
    check(file.initial.observable, -1);
    p.steps.forEach((s, i) => {
      try {
        adapter.step(s.event);
      } catch (err) {
        throw new ConformanceError(file.machine, events, i, 'step', 'accepted', err instanceof Error ? `${err.name}: ${err.message}` : String(err));
      }
      check(s.observable, i);
    });
    steps += p.steps.length;
  }
  return { paths: file.paths.length, steps };
}
