/**
 * A user design's rules wrapped so that whatever throws while its machine is built or
 * checked is a {@link DesignError} naming the design and the rule (exit status 2), not an
 * internal error of dmaspec.
 * @module
 */
import type { DesignModel, DesignRules } from '../../machines/system/design.ts';
import { DesignError } from '../../machines/system/design-error.ts';

/** `f()`, with an error it throws turned into a DesignError naming `design` and `rule`. */
function blame<T>(design: string, rule: string, f: () => T): T {
  try {
    return f();
  } catch (err) {
    if (err instanceof DesignError) throw err;
    const e = err instanceof Error ? err : new Error(String(err));
    throw new DesignError(design, rule, `threw ${e.name}: ${e.message.split('\n')[0]}`, '');
  }
}

/** Wraps every rule of a table so that a throw names the rule. */
function blameTable<F extends (...a: any[]) => unknown>(design: string, kind: string, table: Readonly<Record<string, F>> | undefined) {
  return table && Object.fromEntries(Object.entries(table).map(([name, f]) => [name, ((...a: any[]) => blame(design, `${kind} ${name}`, () => f(...a))) as F]));
}

/** `d` with its builders and rules wrapped so that whatever throws is a DesignError naming `d` and the rule. */
export function blameDesign(d: DesignModel): DesignModel {
  const rules = (r: DesignRules): DesignRules => ({
    ...r,
    guards: blameTable(d.name, 'guard', r.guards),
    actions: blameTable(d.name, 'action', r.actions),
    ...(r.overrides
      ? { overrides: { ...r.overrides, guards: blameTable(d.name, 'guard', r.overrides.guards), actions: blameTable(d.name, 'action', r.overrides.actions) } }
      : {}),
  });
  return {
    ...d,
    ejecting: (b) => blame(d.name, 'ejecting', () => d.ejecting(b)),
    ...(d.clientSteps ? { clientSteps: (c) => blame(d.name, 'clientSteps', () => d.clientSteps!(c)) } : {}),
    ...(d.threads ? { threads: (L) => blame(d.name, 'threads', () => d.threads!(L)) } : {}),
    rules: (L) => rules(blame(d.name, 'rules', () => d.rules(L))),
  };
}
