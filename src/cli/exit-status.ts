/**
 * The exit statuses of every `dmaspec` command, in one table: `--help` prints it and the
 * README copies it (test/cli/exit-status.test.ts keeps the two equal).
 * @module
 */

/** Exit status by meaning. */
export const EXIT = {
  /** The command finished (check: every search complete, no claimed property violated). */
  ok: 0,
  /** check: a property a design claims is violated in a scenario meeting its assumptions. */
  violated: 1,
  /** A bad command line or scenario file, or a user design's mistake: the message names the option, field, or design and rule; also an address-space limit too small to start. */
  usage: 2,
  /** A limit (--max-states, --max-seconds, --max-memory) or SIGINT/SIGTERM stopped a search: partial report. */
  limit: 3,
  /** An internal error (a bug in dmaspec): one line; the stack trace with --debug. */
  internal: 4,
  /** Standard output or an --out file could not be written (a missing folder, a full disk): one line naming it; an --out file is left as it was. */
  output: 5,
} as const;

/** The table `--help` prints. */
export const EXIT_TABLE = [
  'exit status:',
  '  0  finished: every search complete, no claimed property violated',
  "  1  check: a claimed property is violated in a scenario meeting the design's assumptions",
  '  2  usage or design error: a bad option, scenario file or design module (the message names',
  '     it; for a design, the design and the rule that failed); also an address-space limit',
  '     (ulimit -v) too small to start',
  '  3  a limit (--max-states, --max-seconds, --max-memory) or SIGINT/SIGTERM stopped a search',
  '     first: a partial report of what finished and which verdicts are unknown, and why',
  '  4  internal error (a dmaspec bug): a one-line message; --debug prints the stack trace',
  '  5  output error: standard output or an --out file could not be written (a missing folder,',
  '     a full disk): one line naming it; an --out file is left as it was',
  '',
  'A signal ends a command with 128 + its number (SIGINT 130, SIGTERM 143) and one line, except',
  'that check and export stop at the first SIGINT / SIGTERM like a limit (status 3).',
].join('\n');
