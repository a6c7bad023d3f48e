/**
 * The measured variants: a hot-path kernel plus the mode it runs in. `percpu-ref` is
 * measured twice, in per-CPU mode (alive) and in atomic mode (after `percpu_ref_kill`).
 * @module
 */
import { baseline, falseSharing, percpuRef, rfc, sharedAtomic, type HotPath } from './kernels.ts';
import { PCPU_MODE } from './layout.ts';

/** One row of the benchmark. */
export interface Scheme {
  /** Stable identifier (JSON key, `--only` value). */
  readonly id: string;
  readonly kernel: HotPath;
  /** Value of the percpu_ref mode flag during the run (1 = atomic mode). */
  readonly pcpuMode: 0 | 1;
  /** What the pair does, in kernel terms. */
  readonly description: string;
}

/** Every variant, baseline first (ratios are to it). */
export const SCHEMES: readonly Scheme[] = [
  { id: 'baseline', kernel: baseline, pcpuMode: 0, description: '3.4 dma_find_channel: per-CPU table read, no refcount' },
  { id: 'rfc', kernel: rfc, pcpuMode: 0, description: 'RFC: static key + this_cpu_inc/dec on a padded per-CPU slot' },
  { id: 'shared-atomic', kernel: sharedAtomic, pcpuMode: 0, description: 'atomic_inc/atomic_dec on one shared counter' },
  { id: 'percpu-ref', kernel: percpuRef, pcpuMode: 0, description: 'percpu_ref_get/put, per-CPU mode (alive)' },
  { id: 'percpu-ref-atomic', kernel: percpuRef, pcpuMode: 1, description: 'percpu_ref_get/put, atomic mode (after kill)' },
  { id: 'false-sharing', kernel: falseSharing, pcpuMode: 0, description: 'RFC with per-CPU counters packed in one cache line' },
];

/** Prepares the shared flags a scheme's run depends on (before the workers start). */
export function prepareScheme(i32: Int32Array, scheme: Scheme): void {
  Atomics.store(i32, PCPU_MODE, scheme.pcpuMode);
}
