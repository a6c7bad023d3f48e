/**
 * Command-line options of `npm run bench:hotpath`, parsed with node:util parseArgs.
 * @module
 */
import { availableParallelism } from 'node:os';
import { parseArgs } from 'node:util';
import { UsageError } from '../../src/cli/usage-error.ts';
import { MAX_WORKERS } from './layout.ts';

/** The benchmark's settings. */
export interface HotpathOptions {
  /** Workers (simulated CPUs) in the contended pass. */
  readonly workers: number;
  /** Measured runs per scheme; figures are medians over them. */
  readonly runs: number;
  /** Milliseconds each scheme runs in each run. */
  readonly ms: number;
  /** Where the JSON report goes. */
  readonly json: string;
  /** Pin worker `i` to CPU `i` (Linux `taskset`); on unless `--no-pin`. */
  readonly pin: boolean;
  readonly help: boolean;
}

/** The usage text printed by `--help` and after a bad argument. */
export const USAGE = `usage: npm run bench:hotpath -- [options]

Measures the dma_find_channel -> dma_put_channel hot path of each refcount scheme on
worker threads sharing one SharedArrayBuffer, once on 1 worker and once on N, and prints
each design's static hot-path cost counted from its statechart.

options:
  --workers N   workers of the contended pass, one simulated CPU each
                (default: os.availableParallelism())
  --runs N      measured runs per scheme; figures are medians (default 15)
  --ms N        milliseconds per scheme per run (default 120)
  --json FILE   JSON report (default reports/hotpath.json)
  --no-pin      do not pin worker i to CPU i (pinning uses Linux taskset)
  --help        this text`;

function integer(name: string, text: string | undefined, fallback: number, min: number, max: number): number {
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(n) || n < min || n > max)
    throw new UsageError(`--${name} must be an integer from ${min} to ${max} (got '${text}')`);
  return n;
}

/**
 * Parses `argv` (without node and script).
 * @throws UsageError naming the bad option.
 */
export function parseHotpathArgs(argv: readonly string[]): HotpathOptions {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        workers: { type: 'string' },
        runs: { type: 'string' },
        ms: { type: 'string' },
        json: { type: 'string' },
        'no-pin': { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const json = values.json ?? 'reports/hotpath.json';
  if (json === '') throw new UsageError('--json needs a file name');
  return {
    workers: integer('workers', values.workers, Math.min(availableParallelism(), MAX_WORKERS), 1, MAX_WORKERS),
    runs: integer('runs', values.runs, 15, 1, 101),
    ms: integer('ms', values.ms, 120, 10, 60_000),
    json,
    pin: !(values['no-pin'] ?? false),
    help: values.help ?? false,
  };
}
