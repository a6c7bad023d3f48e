/**
 * The kernel as the executable specification has it: the dmaengine API ({@link DmaEngine}),
 * the RFC's hot path and quiesce, rebalance, the thread programs' stepping primitives, and the
 * design seam. The stepped system built from a scenario is src/system/index.ts.
 * @module
 */
export { DmaEngine, type EngineOptions } from './dmaengine.ts';
export type { DesignHooks, DesignStrategy } from './design.ts';
export { ClientState, type WorkerPosition } from './client-state.ts';
export { DmaRuleError, type DmaRule } from './errors.ts';
export { dmaChannelQuiesce, rfcFindChannel, rfcFindChannelAtOnce, rfcGetChannel, rfcGetChannelAtOnce, rfcPutChannel } from './hotplug.ts';
export { createDevice, hasCap, type DmaChan, type DmaDevice } from './objects.ts';
export { dmaChannelRebalance, nthChan } from './rebalance.ts';
export { at, drive, offer, type Choice, type Offer, type Payload, type Point, type ThreadProgram } from './thread.ts';
