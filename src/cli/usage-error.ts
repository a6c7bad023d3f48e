/**
 * The error every subcommand throws for a bad command line.
 * @module
 */
/** A bad command line: the CLI prints the message and exits with status 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}
