/**
 * The registry of implemented release-notification designs: adding a design is one folder
 * under src/designs/ and one line here.
 * @module
 */
import type { DesignStrategy } from '../core/design.ts';
import { DmaRuleError } from '../core/errors.ts';
import type { DesignName } from '../scenario.ts';
import { baselineStrategy } from './baseline/strategy.ts';
import { failFastStrategy } from './fail-fast/strategy.ts';
import { krefStrategy } from './kref/strategy.ts';
import { krefFixedStrategy } from './kref-fixed/strategy.ts';
import { notifierStrategy } from './notifier/strategy.ts';
import { percpuRefStrategy } from './percpu-ref/strategy.ts';
import { percpuRefNoGpStrategy } from './percpu-ref-nogp/strategy.ts';
import { rfcWaitStrategy } from './rfc-wait/strategy.ts';
import { rfcWaitUnheldStrategy } from './rfc-wait-unheld/strategy.ts';

/** Implemented designs by name. */
export const STRATEGIES: Readonly<Partial<Record<DesignName, DesignStrategy>>> = {
  baseline: baselineStrategy,
  'rfc-wait': rfcWaitStrategy,
  'rfc-wait-unheld': rfcWaitUnheldStrategy,
  notifier: notifierStrategy,
  'fail-fast': failFastStrategy,
  kref: krefStrategy,
  'kref-fixed': krefFixedStrategy,
  'percpu-ref': percpuRefStrategy,
  'percpu-ref-nogp': percpuRefNoGpStrategy,
};

/**
 * The strategy of design `name`.
 * @throws DmaRuleError `design-unavailable` for a design without an implementation yet.
 */
export function strategyFor(name: DesignName): DesignStrategy {
  const s = STRATEGIES[name];
  if (!s) throw new DmaRuleError('design-unavailable', `design ${name} has no implementation strategy (have: ${Object.keys(STRATEGIES).join(', ')})`);
  return s;
}
