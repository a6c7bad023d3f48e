/**
 * Schedulers pick which enabled step runs next; {@link runSchedule} drives a
 * {@link System} with one until every thread finished, a deadlock, the step limit, or the
 * end of a script. Three schedulers: scripted (a list of steps), round-robin over threads,
 * and seeded random (deterministic: same seed, same run).
 * @module
 */
import type { StepEvent } from '../../machines/kit.ts';
import type { Observable } from '../../spec/observable.ts';
import { eventThread, parseViolation, type Violation } from '../../spec/vocabulary.ts';
import { diffObservables } from './observe.ts';
import { mulberry32 } from './prng.ts';
import type { BlockedThread, System } from './system.ts';

/** Chooses the next step among the enabled ones (undefined: stop). */
export interface Scheduler {
  readonly name: string;
  pick(system: System, enabled: readonly StepEvent[]): StepEvent | undefined;
}

/**
 * Plays `script` in order; a string is an event without payload (`'ioh0.eject'`). A step
 * that is not enabled when its turn comes makes {@link System.step} throw.
 */
export function scriptedScheduler(script: readonly (StepEvent | string)[]): Scheduler {
  let next = 0;
  return {
    name: 'scripted',
    pick: () => {
      const s = script[next++];
      return typeof s === 'string' ? { type: s } : s; // undefined past the end: stop
    },
  };
}

/** Gives each thread in turn its first enabled step, skipping threads with none. */
export function roundRobinScheduler(): Scheduler {
  let last = -1;
  return {
    name: 'round-robin',
    pick(system, enabled) {
      const names = system.threadNames();
      for (let i = 1; i <= names.length; i++) {
        const at = (last + i) % names.length;
        const e = enabled.find((x) => eventThread(x) === names[at]);
        if (e) {
          last = at;
          return e;
        }
      }
      return undefined;
    },
  };
}

/**
 * Picks uniformly among the enabled steps with a mulberry32 PRNG seeded by `seed`.
 * `allow` narrows the choice (e.g. a cooperative-client policy); if it rules out every
 * enabled step, the scheduler stops.
 */
export function randomScheduler(seed: number, allow?: (event: StepEvent, system: System) => boolean): Scheduler {
  const next = mulberry32(seed);
  return {
    name: `random(seed ${seed})`,
    pick(system, enabled) {
      const pool = allow ? enabled.filter((e) => allow(e, system)) : enabled;
      return pool.length ? pool[Math.floor(next() * pool.length)] : undefined;
    },
  };
}

/** One step of a run, for logs and traces. */
export interface StepRecord {
  /** 1-based position in the run. */
  readonly index: number;
  readonly event: StepEvent;
  readonly thread: string;
  /** The CPU the thread ran on (client threads), or null. */
  readonly cpu: number | null;
  /** What changed, from {@link diffObservables}. */
  readonly changes: readonly string[];
  /** The violations first recorded at this step. */
  readonly violations: readonly Violation[];
  /** Kernel log lines the step printed. */
  readonly warnings: readonly string[];
}

/** How a run ended. */
export type RunOutcome = 'completed' | 'deadlock' | 'step-limit' | 'stopped';

/** The result of {@link runSchedule}. */
export interface RunResult {
  readonly outcome: RunOutcome;
  readonly steps: readonly StepRecord[];
  /** The blocked threads when the outcome is a deadlock, else empty. */
  readonly blocked: readonly BlockedThread[];
  readonly final: Observable;
}

/** Options of {@link runSchedule}. */
export interface RunOptions {
  /** Stop after this many steps (default 10 000). */
  readonly maxSteps?: number;
  /** Called after each step. */
  readonly onStep?: (record: StepRecord) => void;
}

/**
 * Runs `system` under `scheduler`: until every thread finished (`completed`), no step is
 * enabled while some thread has not finished (`deadlock`, with who is blocked on what),
 * `maxSteps` steps ran (`step-limit`), or the scheduler returned nothing (`stopped`).
 */
export function runSchedule(system: System, scheduler: Scheduler, options: RunOptions = {}): RunResult {
  const maxSteps = options.maxSteps ?? 10_000;
  const steps: StepRecord[] = [];
  let before = system.observe();
  const end = (outcome: RunOutcome, blocked: readonly BlockedThread[] = []): RunResult => ({ outcome, steps, blocked, final: before });
  for (;;) {
    if (system.allFinished()) return end('completed');
    const enabled = system.enabledSteps();
    if (enabled.length === 0) return end('deadlock', system.deadlock() ?? []);
    if (steps.length >= maxSteps) return end('step-limit');
    const event = scheduler.pick(system, enabled);
    if (!event) return end('stopped');
    const thread = eventThread(event);
    const client = system.clients.find((c) => c.name === thread);
    const cpu = client ? client.cpu : null;
    const logged = system.kernel.warnings.length;
    system.step(event);
    const after = system.observe();
    const record: StepRecord = {
      index: steps.length + 1,
      event,
      thread,
      cpu,
      changes: diffObservables(before, after),
      violations: after.violations.filter((v) => !before.violations.includes(v)).map(parseViolation),
      warnings: system.kernel.warnings.slice(logged),
    };
    before = after;
    steps.push(record);
    options.onStep?.(record);
  }
}

/**
 * Plays `script` on `system` step by step (each must be enabled in turn). The outcome is
 * `stopped` at the script's end, unless the system completed or deadlocked right there.
 */
export function replay(system: System, script: readonly (StepEvent | string)[]): RunResult {
  return runSchedule(system, scriptedScheduler(script), { maxSteps: script.length + 1 });
}
