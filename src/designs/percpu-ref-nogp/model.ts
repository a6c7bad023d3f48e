/**
 * Design `percpu-ref-nogp`: `percpu-ref` without the RCU grace period between
 * `percpu_ref_kill` and the atomic-mode sum. A `percpu_ref_tryget_live` that read the ref
 * live before the kill counts after the sum read zero: the checker must find the use after
 * free this lets through (kernel review D18).
 * @module
 */
import { percpuRefDesign } from '../percpu-ref/model.ts';

/** percpu-ref, summing right after the kill. */
export const percpuRefNoGp = percpuRefDesign({ gracePeriod: false });
