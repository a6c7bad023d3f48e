/**
 * Design `percpu-ref-nogp`: the percpu-ref strategy without the grace period (see model.ts).
 * @module
 */
import { percpuRefStrategyOf } from '../percpu-ref/strategy.ts';

/** percpu-ref, summing right after the kill. */
export const percpuRefNoGpStrategy = percpuRefStrategyOf({ gracePeriod: false });
