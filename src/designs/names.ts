/**
 * The names of the built-in designs, the one list every name type derives from. It lives
 * apart from the registry (src/designs/registry.ts) because scenario validation
 * (src/scenario.ts, imported by nearly everything) needs the names without importing the
 * models, which import the system machine; the registry is typed
 * `satisfies Record<DesignName, Design>`, so a name without a design, or a design without
 * a name, fails to compile.
 * @module
 */

/** Built-in release-notification designs (one folder each under src/designs/). */
export const DESIGN_NAMES = [
  'baseline',
  'rfc-wait',
  'rfc-wait-unheld',
  'notifier',
  'fail-fast',
  'kref',
  'kref-fixed',
  'percpu-ref',
  'percpu-ref-nogp',
] as const;

/** The name of a built-in release-notification design. */
export type DesignName = (typeof DESIGN_NAMES)[number];

/** A scenario or command line names a design that is not built in. */
export class UnknownDesignError extends Error {
  override readonly name = 'UnknownDesignError';
  constructor(readonly design: string) {
    super(`design ${design} is not a built-in design (known: ${DESIGN_NAMES.join(', ')})`);
  }
}
