/**
 * Typed errors of the executable core. Every misuse of the kernel API or of a step is one
 * {@link DmaRuleError} whose `rule` names the broken rule; the operation that throws it
 * checks before it mutates, so the state is unchanged afterwards.
 * @module
 */

/** The rules a caller can break, each named after the kernel check it stands for. */
export type DmaRule =
  /** `dma_chan_put` on a channel whose `client_count` is 0 (put without get). */
  | 'chan-put-without-get'
  /** `dmaengine_put` with `dmaengine_ref_count` 0 (the kernel's `BUG_ON(dmaengine_ref_count < 0)`). */
  | 'dmaengine-put-without-get'
  /** `dma_release_channel` of a channel not held through `dma_request_channel`. */
  | 'release-not-private'
  /** `dma_async_device_unregister` of a device that was never registered. */
  | 'unregister-unknown-device'
  /** `dma_async_device_unregister` of a device already taken off `dma_device_list`. */
  | 'unregister-twice'
  /** Unregister's channel loop on a channel whose `chan->local` it already freed (`free_percpu` twice). */
  | 'chan-unregister-twice'
  /** `dma_async_device_register` of a device already on `dma_device_list`. */
  | 'register-twice'
  /** `dma_async_device_register` of a device whose memory is freed (register a new instance). */
  | 'register-freed-device'
  /** A step or call names a CPU outside 0..cpus-1. */
  | 'cpu-unknown'
  /** A step or call runs on (or moves a thread to) an offline CPU. */
  | 'cpu-offline'
  /** Taking the last online CPU offline, or onlining an online CPU. */
  | 'cpu-hotplug'
  /** A step names no thread or no step of that thread's program. */
  | 'step-unknown'
  /** The step exists but is not enabled now (spec/threads.md, column "enabled when"). */
  | 'step-not-enabled'
  /** The scenario names a design that has no implementation strategy yet. */
  | 'design-unavailable'
  /** A synchronous helper drove a thread program to a point where it must wait. */
  | 'would-block'
  /** `mutex_lock(&dma_list_mutex)` while it is held across steps (the caller would block). */
  | 'mutex-held'
  /** `mutex_unlock(&dma_list_mutex)` by a thread that does not hold it. */
  | 'mutex-not-held'
  /** `dma_issue_pending_all` entered by a walker already inside it. */
  | 'rcu-walk-open'
  /** A step of a `dma_issue_pending_all` walk that was never begun. */
  | 'rcu-walk-closed'
  /** A walk's check while it holds a channel to issue on, or its issue while it holds none. */
  | 'rcu-walk-pending';

/** A broken rule of the dmaengine API or of the step vocabulary; state is unchanged. */
export class DmaRuleError extends Error {
  override readonly name = 'DmaRuleError';
  constructor(
    readonly rule: DmaRule,
    detail: string,
  ) {
    super(`${rule}: ${detail}`);
  }
}
