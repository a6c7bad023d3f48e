/**
 * The implemented built-in designs by name, a view of the registry (src/designs/registry.ts)
 * for code that needs only strategies (the executable system, conformance).
 * @module
 */
import type { DesignStrategy } from '../core/design.ts';
import { DmaRuleError } from '../core/errors.ts';
import type { DesignName } from '../scenario.ts';
import { DESIGNS, isDesignName } from './registry.ts';

/** Implemented designs by name. */
export const STRATEGIES: Readonly<Partial<Record<DesignName, DesignStrategy>>> = Object.freeze(
  Object.fromEntries(Object.entries(DESIGNS).flatMap(([n, d]) => (d.strategy ? [[n, d.strategy]] : []))),
);

/**
 * The strategy of design `name`.
 * @throws DmaRuleError `design-unavailable` for a design without an implementation yet.
 */
export function strategyFor(name: string): DesignStrategy {
  const s = isDesignName(name) ? STRATEGIES[name] : undefined;
  if (!s) throw new DmaRuleError('design-unavailable', `design ${name} has no implementation strategy (have: ${Object.keys(STRATEGIES).join(', ')})`);
  return s;
}
