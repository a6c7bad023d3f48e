/**
 * The design registry: every built-in design, by name, as a {@link Design} (model and
 * strategy). Adding a design is one folder `src/designs/<name>/` and one line here plus its
 * name in src/scenario.ts; the `satisfies` below makes the two lists agree at compile
 * time, and the check after it at load.
 * @module
 */
import { buildSystem, type SystemModel, type SystemOptions } from '../../machines/system/index.ts';
import { baseline } from './baseline/model.ts';
import { baselineStrategy } from './baseline/strategy.ts';
import type { Design } from './design.ts';
import { failFast } from './fail-fast/model.ts';
import { failFastStrategy } from './fail-fast/strategy.ts';
import { kref } from './kref/model.ts';
import { krefStrategy } from './kref/strategy.ts';
import { kref510 } from './kref-5-10/model.ts';
import { kref510Strategy } from './kref-5-10/strategy.ts';
import { krefFixed } from './kref-fixed/model.ts';
import { krefFixedStrategy } from './kref-fixed/strategy.ts';
import { DESIGN_NAMES, type DesignName, type Scenario, UnknownDesignError } from '../scenario.ts';
import { notifier } from './notifier/model.ts';
import { notifierStrategy } from './notifier/strategy.ts';
import { percpuRef } from './percpu-ref/model.ts';
import { percpuRefStrategy } from './percpu-ref/strategy.ts';
import { percpuRefNoGp } from './percpu-ref-nogp/model.ts';
import { percpuRefNoGpStrategy } from './percpu-ref-nogp/strategy.ts';
import { rfcWait } from './rfc-wait/model.ts';
import { rfcWaitStrategy } from './rfc-wait/strategy.ts';
import { rfcWaitUnheld } from './rfc-wait-unheld/model.ts';
import { rfcWaitUnheldStrategy } from './rfc-wait-unheld/strategy.ts';

/** Every built-in design, by name, in src/scenario.ts order. */
export const DESIGNS: Readonly<Record<DesignName, Design>> = {
  baseline: { model: baseline, strategy: baselineStrategy },
  'rfc-wait': { model: rfcWait, strategy: rfcWaitStrategy },
  'rfc-wait-unheld': { model: rfcWaitUnheld, strategy: rfcWaitUnheldStrategy },
  notifier: { model: notifier, strategy: notifierStrategy },
  'fail-fast': { model: failFast, strategy: failFastStrategy },
  kref: { model: kref, strategy: krefStrategy },
  'kref-5-10': { model: kref510, strategy: kref510Strategy },
  'kref-fixed': { model: krefFixed, strategy: krefFixedStrategy },
  'percpu-ref': { model: percpuRef, strategy: percpuRefStrategy },
  'percpu-ref-nogp': { model: percpuRefNoGp, strategy: percpuRefNoGpStrategy },
} satisfies Record<DesignName, Design>;

// The compile-time check covers keys; this one covers a model filed under another name.
for (const n of DESIGN_NAMES)
  if (DESIGNS[n].model.name !== n) throw new Error(`src/designs/registry.ts: design ${n} has model ${DESIGNS[n].model.name}; file it under its own name`);

export { UnknownDesignError };

/** Whether `name` is a built-in design. */
export const isDesignName = (name: string): name is DesignName => (DESIGN_NAMES as readonly string[]).includes(name);

/** The built-in design `name`. @throws UnknownDesignError */
export function designOf(name: string): Design {
  if (!isDesignName(name)) throw new UnknownDesignError(name);
  return DESIGNS[name];
}

/** The system machine of `scenario` under its own (built-in) design. @throws UnknownDesignError */
export function systemFor(scenario: Scenario, options: SystemOptions = {}): SystemModel {
  return buildSystem(scenario, designOf(scenario.design).model, options);
}
