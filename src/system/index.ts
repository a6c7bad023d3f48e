/**
 * The stepped system: every thread of a scenario (clients, IOHs, the CPU-hotplug thread) run
 * on the kernel of src/core under a design, with schedulers to drive it and the observable
 * view spec/observable.ts defines.
 *
 * ```ts
 * import { System, randomScheduler, runSchedule } from './src/system/index.ts';
 * const run = runSchedule(new System(scenario), randomScheduler(1));
 * run.outcome; run.final.violations;
 * ```
 * @module
 */
export { diffObservables, observe } from './observe.ts';
export { mulberry32 } from './prng.ts';
export {
  randomScheduler,
  replay,
  roundRobinScheduler,
  runSchedule,
  scriptedScheduler,
  type RunOptions,
  type RunOutcome,
  type RunResult,
  type Scheduler,
  type StepRecord,
} from './scheduler.ts';
export { createSystem, System, type BlockedThread, type SystemOptions } from './system.ts';
