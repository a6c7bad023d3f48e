/**
 * A mistake in a design, found before (or while) the system machine is built from it: the
 * message names the design, the rule or field at fault and the fix, in one line, so the
 * CLI can print it and exit 2 (src/designs/validate.ts finds the rest).
 * @module
 */
import { closest, distance } from 'fastest-levenshtein';

/** A design that cannot be built or checked as written. */
export class DesignError extends Error {
  override readonly name = 'DesignError';
  constructor(
    /** The design's name (`(unnamed)` when it has none). */
    readonly design: string,
    /** The rule, field or state at fault, e.g. `guard canFnd`, `claims`. */
    readonly where: string,
    /** What is wrong. */
    readonly problem: string,
    /** What to do about it (empty when the problem says it). */
    readonly fix: string,
  ) {
    super(`design error: design ${design}: ${where}: ${problem}${fix ? `; ${fix}` : ''}`);
  }
}

/** Several mistakes of one design, found in one run: one line each after the first. */
export class DesignErrors extends DesignError {
  constructor(readonly problems: readonly DesignError[]) {
    super(problems[0].design, `${problems.length} mistakes`, problems.map((p) => p.where).join(', '), '');
    this.message = [
      `design error: design ${problems[0].design}: ${problems.length} mistakes:`,
      ...problems.map((p) => `  ${p.where}: ${p.problem}${p.fix ? `; ${p.fix}` : ''}`),
    ].join('\n');
  }
}

/** ` (did you mean x?)` for the nearest of `known` within edit distance 3, or nothing. */
export function didYouMean(name: string, known: readonly string[]): string {
  if (known.length === 0) return '';
  const n = closest(name, known as string[]);
  return distance(name, n) <= 3 ? ` (did you mean ${n}?)` : '';
}
