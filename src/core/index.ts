/**
 * The executable specification's public surface: the kernel API ({@link DmaEngine}), the
 * stepped system built from a scenario ({@link System}), schedulers, and the design seam.
 *
 * ```ts
 * import { System, randomScheduler, runSchedule } from './src/core/index.ts';
 * const run = runSchedule(new System(scenario), randomScheduler(1));
 * run.outcome; run.final.violations;
 * ```
 * @module
 */
export { DmaEngine, type EngineOptions } from './dmaengine.ts';
export type { DesignHooks, DesignStrategy } from './design.ts';
export { DmaRuleError, type DmaRule } from './errors.ts';
export { dmaChannelQuiesce, rfcFindChannel, rfcFindChannelAtOnce, rfcGetChannel, rfcGetChannelAtOnce, rfcPutChannel } from './hotplug.ts';
export { createDevice, hasCap, type DmaChan, type DmaDevice } from './objects.ts';
export { diffObservables, observe } from './observe.ts';
export { mulberry32 } from './prng.ts';
export { dmaChannelRebalance, nthChan } from './rebalance.ts';
export {
  randomScheduler,
  replay,
  roundRobinScheduler,
  runSchedule,
  scriptedScheduler,
  threadOf,
  type RunOptions,
  type RunOutcome,
  type RunResult,
  type Scheduler,
  type StepRecord,
} from './scheduler.ts';
export { createSystem, formatStep, Kernel, System, type BlockedThread, type SystemOptions } from './system.ts';
export { at, drive, offer, type Choice, type Offer, type Payload, type Point, type ThreadProgram } from './thread.ts';
