/**
 * One chosen schedule as a kernel-replay input: the model's own steps and expected states
 * for a given event list, in the export format the harness reads (kernel/harness/replay.c:
 * the header's `format`, `machine`, `implementation.scenario` and `initial`, then one path).
 * A finding of the model (issue 31: M1's non-overlapping users, M4's request during
 * teardown) is confirmed on the real code by replaying its own trace, not by searching a
 * generated export for a path that happens to contain it.
 * @module
 */
import { spawnSync } from 'node:child_process';
import type { StepEvent } from '../../machines/kit.ts';
import { runWithXstate } from '../../machines/xstate.ts';
import { targetNamed } from '../mbt/adapters/index.ts';
import { PATHS_FORMAT } from '../mbt/export.ts';
import type { Scenario } from '../scenario.ts';

/** What the harness prints for one path (kernel/harness/replay.c). */
export interface ScheduleReplay {
  readonly ok: boolean;
  /** The first diverging step (0-based), when not ok. */
  readonly step?: number;
  readonly field?: string;
  readonly expected?: unknown;
  readonly actual?: unknown;
  readonly faults?: readonly { thread: string; object: string; pc: string }[];
}

/** The observable the model expects after `events` (the adapter's projection, `enabled` left out: the harness does not compare it). */
function observableAfter(machine: string, scenario: Scenario, events: readonly StepEvent[]): Record<string, unknown> {
  const built = targetNamed(machine).build(scenario);
  const { enabled: _, ...observable } = built.adapter.expected(runWithXstate(built.model, events)) as Record<string, unknown>;
  return observable;
}

/**
 * The header line and the path line of `events` on `machine` built from `scenario`.
 * @throws EventNotEnabledError when the model cannot take the schedule
 */
export function scheduleLines(machine: string, scenario: Scenario, events: readonly StepEvent[]): string {
  const target = targetNamed(machine);
  const built = target.build(scenario);
  const header = {
    kind: 'header',
    format: PATHS_FORMAT,
    machine: target.name,
    model: built.model.name,
    scenario: built.model.scenario,
    implementation: built.implementation,
    observable: target.fields,
    initial: { observable: observableAfter(machine, scenario, []), enabled: [], program: {} },
  };
  const steps = events.map((event, i) => ({ event, observable: observableAfter(machine, scenario, events.slice(0, i + 1)), enabled: [], program: {} }));
  return `${JSON.stringify(header)}\n${JSON.stringify({ kind: 'path', id: 0, steps })}\n`;
}

/** Replays the schedule on a built harness `binary`; the harness's verdict for the path. */
export function replaySchedule(binary: string, machine: string, scenario: Scenario, events: readonly StepEvent[]): ScheduleReplay {
  const r = spawnSync(binary, { input: scheduleLines(machine, scenario, events), encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`kernel harness ${binary} exited ${r.status}: ${r.stderr}`);
  return JSON.parse(r.stdout.split('\n')[0]) as ScheduleReplay;
}
