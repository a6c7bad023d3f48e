/**
 * A user design's rules wrapped so that whatever throws while its machine is built or
 * checked is a {@link DesignError} naming the design and the rule (exit status 2), not an
 * internal error of dmaspec.
 * @module
 */
import { mapDesignRules, type DesignModel, type DesignRules } from '../../machines/system/design.ts';
import { DesignError } from '../../machines/system/design-error.ts';
import { isProbeSignal } from '../../machines/kit.ts';

/** `f()`, with an error it throws turned into a DesignError naming `design` and `rule`. */
function blame<T>(design: string, rule: string, f: () => T): T {
  try {
    return f();
  } catch (err) {
    // The design's own error, or a probe steering the rule (the export's decision trees): not the rule's fault.
    if (err instanceof DesignError || isProbeSignal(err)) throw err;
    const e = err instanceof Error ? err : new Error(String(err));
    throw new DesignError(design, rule, `threw ${e.name}: ${e.message.split('\n')[0]}`, '');
  }
}

/** `d` with its builders and rules wrapped so that whatever throws is a DesignError naming `d` and the rule. */
export function blameDesign(d: DesignModel): DesignModel {
  const rules = (r: DesignRules): DesignRules =>
    mapDesignRules(
      r,
      (name, g) => (ctx, p, e) => blame(d.name, `guard ${name}`, () => g(ctx, p, e)),
      (name, a) => (draft, p, e) => blame(d.name, `action ${name}`, () => a(draft, p, e)),
    );
  return {
    ...d,
    ejecting: (b) => blame(d.name, 'ejecting', () => d.ejecting(b)),
    ...(d.clientSteps ? { clientSteps: (c) => blame(d.name, 'clientSteps', () => d.clientSteps!(c)) } : {}),
    ...(d.threads ? { threads: (L) => blame(d.name, 'threads', () => d.threads!(L)) } : {}),
    rules: (L) => rules(blame(d.name, 'rules', () => d.rules(L))),
  };
}
