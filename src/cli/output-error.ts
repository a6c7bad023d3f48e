/**
 * The error of an output that cannot be written.
 * @module
 */
/** Standard output or an `--out` file could not be written (a missing folder, a full disk): exit status 5, one line naming it. */
export class OutputError extends Error {
  override readonly name = 'OutputError';
}
