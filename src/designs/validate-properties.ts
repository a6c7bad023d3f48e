/**
 * Validation of user properties (a design's own `properties`, a `--property FILE` module's):
 * each is a {@link defineProperty} record with a name no other property has, a description,
 * a trigger (text and predicate) and its predicates; and each predicate, run on the states
 * the design's dry run visits (src/designs/validate.ts), returns a boolean without throwing.
 * A property that breaks any of these would give a verdict about nothing, or crash the search.
 * @module
 */
import type { SystemContext } from '../../machines/system/context.ts';
import { didYouMean } from '../../machines/system/design-error.ts';
import type { SystemModel } from '../../machines/system/index.ts';
import { type AnyProperty, PROPERTY_NAMES, type SystemView } from '../../machines/system/properties.ts';

/** Records a mistake (where, what, the fix) and goes on. */
export type Note = (where: string, problem: string, fix: string) => void;

const NAME = /^[a-z0-9][a-z0-9-]*$/;
const MAKE_ONE = "make it with defineProperty({ name, description, trigger: { text, reached }, holds } or { …, goal }) from 'dmaspec/design'";

/** The name a mistake is reported under: `property NAME`, or `property N` for an unnamed one. */
const label = (p: unknown, i: number) => {
  const name = (p as { name?: unknown } | null)?.name;
  return `property ${typeof name === 'string' && name ? name : i + 1}`;
};

/**
 * Checks the shape of each property of `list` and that its name is new (`taken`: names
 * already in use, the built-in ones included; each name found is added).
 */
export function checkPropertyList(list: unknown, note: Note, taken: Set<string>): void {
  if (!Array.isArray(list)) {
    note('properties', 'must be a list', 'give properties as an array of defineProperty(…) records');
    return;
  }
  list.forEach((p, i) => {
    const where = label(p, i);
    const bad = (problem: string, fix = MAKE_ONE) => note(where, problem, fix);
    if (p === null || typeof p !== 'object') return bad('is not a property');
    const q = p as Record<string, unknown>;
    if (q.kind !== 'safety' && q.kind !== 'liveness') return bad('has no kind (safety or liveness)');
    if (typeof q.name !== 'string' || !NAME.test(q.name))
      return bad(`name ${JSON.stringify(q.name)} is not lower case, digits and dashes`, 'name it, e.g. callbacks-before-free');
    if (q.name === 'deadlock-free' || (PROPERTY_NAMES as readonly string[]).includes(q.name))
      return bad('is the name of a built-in property', `rename it (the built-in ones: ${PROPERTY_NAMES.join(', ')}, deadlock-free)`);
    if (taken.has(q.name)) return bad('is defined twice', 'give each property its own name');
    taken.add(q.name);
    if (typeof q.description !== 'string' || !q.description) bad('has no description', 'say in a sentence what must hold and why');
    const w = q.witness as { text?: unknown; reached?: unknown } | undefined;
    if (!w || typeof w.text !== 'string' || typeof w.reached !== 'function')
      bad('has no trigger { text, reached }', 'the trigger is the state that puts the property to the test: without it a verdict could hold of nothing');
    const fns = q.kind === 'safety' ? ['holds'] : ['trigger', 'goal'];
    for (const f of fns)
      if (typeof q[f] !== 'function') bad(`has no ${f} function${didYouMean(f, Object.keys(q))}`, `a ${q.kind} property has ${fns.join(' and ')}`);
  });
}

/** The predicates of `p`, by name, as the search calls them. */
function predicatesOf(p: AnyProperty): [string, (v: SystemView, m: SystemModel) => unknown][] {
  const reached: [string, (v: SystemView, m: SystemModel) => unknown] = ['trigger.reached', p.witness.reached];
  return p.kind === 'safety' ? [['holds', p.holds], reached] : [['trigger', p.trigger], ['goal', p.goal], reached];
}

/** The first mistake of `p`'s predicates on the state `view`: a throw, or a value that is not a boolean. */
export function propertyProblem(p: AnyProperty, view: SystemView, model: SystemModel): { where: string; problem: string; fix: string } | null {
  for (const [name, f] of predicatesOf(p)) {
    let r: unknown;
    try {
      r = f(view, model);
    } catch (err) {
      return {
        where: `property ${p.name}`,
        problem: `${name} throws ${(err as Error)?.message ?? String(err)}`,
        fix: 'it must read only fields the context has (view.context, view.active(id))',
      };
    }
    if (typeof r !== 'boolean')
      return { where: `property ${p.name}`, problem: `${name} returns ${r === undefined ? 'nothing' : typeof r}, not a boolean`, fix: 'return true or false' };
  }
  return null;
}

/** Checks every property of `list` on `view` (a state of the dry run). */
export function checkPropertiesOn(
  list: readonly AnyProperty[],
  view: { context: SystemContext; active(id: string): boolean },
  model: SystemModel,
  note: Note,
): void {
  for (const p of list) {
    const bad = propertyProblem(p, view, model);
    if (bad) note(bad.where, bad.problem, bad.fix);
  }
}
