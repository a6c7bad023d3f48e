/**
 * Reachability witnesses, without a change to the explorer: for each property, a safety
 * property "the trigger never holds" (its `witness`, machines/system/properties.ts) joins the same exploration; its
 * first "violation" is the witness, the shortest trace to the trigger. A property that holds
 * while its witness is never found holds vacuously: nothing in the explored space put it to
 * the test (stateright's "sometimes" properties).
 * @module
 */
import type { SystemContext, SystemModel } from '../../machines/system/index.ts';
import { type AnyProperty, PROPERTIES } from '../../machines/system/properties.ts';
import type { PropertyResult } from './engine/check.ts';
import type { SafetyProperty } from './engine/properties.ts';
import type { Trace } from './engine/trace.ts';

/** The name prefix of a witness property among a run's results. */
const PREFIX = 'witness:';

/** Whether a property's trigger was reached, and the shortest trace to it. */
export interface Witness {
  /** undefined: unknown (a limit stopped the search before the trigger was found). */
  readonly reached: boolean | undefined;
  readonly trace?: Trace;
}

/** The witness properties of `properties`: each "holds" while its trigger is not reached. */
export function witnessProperties(properties: readonly AnyProperty[]): SafetyProperty<SystemContext>[] {
  return properties.map(({ name, witness }) => ({
    name: PREFIX + name,
    description: `witness of ${name}: ${witness.text}`,
    holds: (v, m) => !witness.reached(v, m as SystemModel),
  }));
}

/** The witness of every property, as `dmaspec check` explores them (the same objects each time, so the parallel search can name them). */
export const WITNESSES: readonly SafetyProperty<SystemContext>[] = witnessProperties(PROPERTIES);

/** Separates the witness results from the property results of a check run. */
export function splitWitnesses(results: readonly PropertyResult[]): { results: PropertyResult[]; witnesses: ReadonlyMap<string, Witness> } {
  const witnesses = new Map<string, Witness>();
  for (const r of results)
    if (r.name.startsWith(PREFIX))
      witnesses.set(r.name.slice(PREFIX.length), {
        reached: r.verdict === 'violated' ? true : r.verdict === 'holds' ? false : undefined,
        ...(r.trace ? { trace: r.trace } : {}),
      });
  return { results: results.filter((r) => !r.name.startsWith(PREFIX)), witnesses };
}

/**
 * A verdict weighed with its witness: `holds` becomes vacuous when the trigger was never
 * reached; a liveness `n/a` (its trigger never holds) is that same vacuous `holds`.
 */
export function weighWitness(p: PropertyResult, w: Witness | undefined): PropertyResult & { readonly vacuous?: boolean } {
  if (!w || w.reached === undefined) return p;
  if (p.verdict === 'n/a' && !w.reached) return { ...p, verdict: 'holds', vacuous: true };
  if (p.verdict === 'holds') return { ...p, vacuous: !w.reached };
  return p;
}
