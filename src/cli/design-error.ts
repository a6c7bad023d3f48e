/**
 * The error of a user design module (`check --design FILE`): it does not load, exports no
 * design, or throws while its machine is built or checked. The CLI prints the message,
 * which names the design (and the rule, when one threw), and exits with status 2.
 * @module
 */
/** A mistake in a user design module: exit status 2, not 1 (a claim) nor 4 (a dmaspec bug). */
export class DesignError extends Error {
  override readonly name = 'DesignError';
  constructor(
    /** The design's name, or its file when it has none yet. */
    readonly design: string,
    message: string,
    /** The rule (guard or action) that threw, if one did. */
    readonly rule?: string,
  ) {
    super(`design error: design ${design}${rule ? `, rule ${rule}` : ''}: ${message}`);
  }
}
