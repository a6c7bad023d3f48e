/**
 * `dmaspec/design`: what a design module needs, in one import. A design module (run with
 * `dmaspec check --design FILE`) exports one {@link DesignModel}, written with
 * {@link defineDesign} so that a misspelled guard or action name fails to compile; the helpers
 * here are the ones the built-in designs (src/designs/<name>/model.ts) build theirs from. See
 * docs/writing-a-design.md.
 *
 * ```ts
 * import { defineDesign, freeStep } from 'dmaspec/design';
 * ```
 * @module
 */
// The design interface and its parts.
export type {
  ClientAssumption,
  ClientSteps as DesignClientSteps,
  DesignModel,
  DesignRules,
  DesignVariable,
  DesignVariables,
  RuleSet,
  SharedAction,
  SharedGuard,
} from '../machines/system/design.ts';
// A transition of a program, typed by the guard and action names it may reference.
export type { NamedRef, TransitionConfig, Transitions } from '../machines/make.ts';
export type { Design } from './designs/design.ts';
export type { DesignClientStep, DesignHooks, DesignStrategy } from './core/design.ts';
// The executable core a strategy drives (replay of counterexamples, simulate).
export type { ClientState } from './core/client-state.ts';
export type { DmaEngine } from './core/dmaengine.ts';
export type { DmaChan, DmaDevice } from './core/objects.ts';
export { at, type ThreadProgram } from './core/thread.ts';
export { dropDmaengineRefs, waitLoopThenFree, waitThenFree } from './core/removal.ts';
export { DesignError } from '../machines/system/design-error.ts';
// Types a design so that a misspelled guard or action name in its program does not compile.
export { defineDesign, NO_EARLY_RELEASE, type TypedDesign } from '../machines/system/design.ts';
// A design made from another (a built-in one, say), its rule names still typed.
export { extendDesign, type DesignChanges, type ExtendedRules } from '../machines/system/extend-design.ts';
// The built-in designs, to extend or to read (src/designs/<name>/model.ts).
export { baseline } from './designs/baseline/model.ts';
export { rfcWait } from './designs/rfc-wait/model.ts';
export { rfcWaitUnheld } from './designs/rfc-wait-unheld/model.ts';
export { notifier } from './designs/notifier/model.ts';
export { failFast } from './designs/fail-fast/model.ts';
export { kref } from './designs/kref/model.ts';
export { kref510 } from './designs/kref-5-10/model.ts';
export { krefFixed } from './designs/kref-fixed/model.ts';
export { percpuRef } from './designs/percpu-ref/model.ts';
export { percpuRefNoGp } from './designs/percpu-ref-nogp/model.ts';
export type { ChannelCtx, DeviceCtx, IohCtx, SystemContext, ThreadCtx } from '../machines/system/context.ts';
export type { ChannelInfo, ClientInfo, DeviceInfo, IohInfo, Layout } from '../machines/system/layout.ts';
export type { ActionRule, GuardRule, StepEvent } from '../machines/kit.ts';
export type { ClientSteps, HotPathKind, StateConfig } from '../machines/system/clients.ts';
export type { DropThenWaitText, EjectProgram, FreeWait, IohBuild, IohParams } from '../machines/system/ioh.ts';
export type { ThreadParams } from '../machines/system/hotpath.ts';
export type { ClientKind, ClientSpec, Capability } from './scenario.ts';
// Property names a design claims, and properties of your own (a design's `properties`, a --property FILE).
export {
  type AnyProperty,
  defineProperty,
  type LivenessRecord,
  PROPERTY_NAMES,
  type PropertyName,
  type SafetyRecord,
  type SystemView,
  type Trigger,
} from '../machines/system/properties.ts';
// Unregister's shared steps: the free, the wait for holders, the RFC quiesce.
export { channelLoop, dropRefsThenWait, freeStep, rcuSyncThenFree, waitLoopSync, waitState } from '../machines/system/ioh.ts';
export { quiesceRules, quiesceState, unlockState } from '../machines/system/quiesce.ts';
// The clients' rules (a design may refine a guard over them) and their use of a channel.
export { clientRules, recordUse } from '../machines/system/clients.ts';
// dmaengine's own functions on the model's context.
export { dmaChanGet, dmaChannelRebalance, dmaChanPut, dmaengineGet, dmaenginePut, isFreed, nthChan, privateCandidate } from '../machines/system/dmaengine.ts';
export { capIndex } from '../machines/system/layout.ts';
