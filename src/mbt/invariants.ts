/**
 * The safety properties of machines/system/properties.ts that can be judged from the observable state
 * alone (spec/observable.ts), so that runs of the implementation — with no machine beside
 * it — are checked after every step. Derived from the property list: each rule is written
 * once, in machines/system/properties.ts, as its `observed` form next to the machine form.
 * @module
 */
import { type ObservedForm, type PropertyName, SAFETY } from '../../machines/system/properties.ts';
import type { Observable } from '../../spec/observable.ts';
import type { Scenario } from '../scenario.ts';

/** A safety property over the observable state; `violation` returns null when it holds, else why not. */
export interface ObservableInvariant extends ObservedForm {
  readonly name: PropertyName;
}

/** The observable forms of the safety properties, in the order of machines/system/properties.ts. */
export const OBSERVABLE_INVARIANTS: readonly ObservableInvariant[] = SAFETY.flatMap((p) =>
  p.observed ? [{ name: p.name, exact: p.observed.exact, violation: p.observed.violation }] : [],
);

/** The first invariant the observable breaks, as `<property>: <why>`, or null. */
export function brokenInvariant(o: Observable, scenario: Scenario): string | null {
  for (const inv of OBSERVABLE_INVARIANTS) {
    const why = inv.violation(o, scenario);
    if (why) return `${inv.name}: ${why}`;
  }
  return null;
}
