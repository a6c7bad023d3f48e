/**
 * The implemented built-in designs by name, a view of the registry (src/designs/registry.ts)
 * for code that needs only strategies (the executable system, conformance).
 * @module
 */
import type { DesignStrategy } from '../core/design.ts';
import type { DesignName } from '../scenario.ts';
import { DESIGNS } from './registry.ts';

/** Implemented designs by name. */
export const STRATEGIES: Readonly<Partial<Record<DesignName, DesignStrategy>>> = Object.freeze(
  Object.fromEntries(Object.entries(DESIGNS).flatMap(([n, d]) => (d.strategy ? [[n, d.strategy]] : []))),
);
