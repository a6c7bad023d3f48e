/**
 * `dmaspec paths`: generate test paths from a statechart — a shortest path to every
 * reachable state and walks that take every reachable transition — and write them as JSON
 * (schema `dmaspec-paths/1`, src/mbt/export.ts) for another implementation to replay, or
 * replay them on ours and print the coverage table.
 * @module
 */
import { writeFileSync } from 'node:fs';
import { UnknownDesignError } from '../designs/models.ts';
import { TARGETS, TargetScenarioError, targetNamed, UnknownMachineError } from '../mbt/adapters/index.ts';
import { generatePaths, runConformance, type PathKind } from '../mbt/conformance.ts';
import { coverageTable } from '../mbt/coverage-table.ts';
import { StateLimitError } from '../mbt/explore.ts';
import { exportPaths } from '../mbt/export.ts';
import { ConformanceError } from '../mbt/replay.ts';
import { DESIGN_NAMES, type DesignName, type Scenario } from '../scenario.ts';
import { UsageError } from './usage-error.ts';
import { parseOptions, readScenarioFile } from './args.ts';

/** One line of `dmaspec --help`. */
export const summary = 'generate test paths from a statechart as JSON, or replay them on the implementation with coverage';

const USAGE = `usage: dmaspec paths --machine NAME [--scenario FILE.json] [--design NAME]
                     [--format json|table] [--paths states|transitions|both] [--out FILE] [--limit N]

  --machine NAME   ${Object.keys(TARGETS).join(' | ')}
  --scenario FILE  scenario JSON (default: the machine's small scenario of the catalogue,
                   machines/index.ts, on which every state node is reachable)
  --design NAME    override the scenario's design
  --format json    write the paths with the expected state after every step (schema
                   dmaspec-paths/1, see src/mbt/export.ts); the default
  --format table   replay the paths on this implementation instead, comparing after every
                   step, and print the coverage table (exit 1 on a divergence)
  --paths KIND     shortest paths to every state, walks over every transition, or both (default)
  --out FILE       write to FILE instead of standard output
  --limit N        refuse machines with more than N reachable states (default 50000)

Same arguments, same output. Exit status 0 on success, 1 when the implementation diverges
from the machine (--format table), 2 for bad arguments or scenario files.`;

/** The parsed command line of `paths`. */
export interface PathsOptions {
  readonly machine: string;
  readonly scenario: Scenario;
  readonly format: 'json' | 'table';
  readonly paths: PathKind;
  readonly out?: string;
  readonly limit: number;
}


function oneOf<T extends string>(value: string | undefined, name: string, allowed: readonly T[], dflt: T): T {
  if (value === undefined) return dflt;
  if (!(allowed as readonly string[]).includes(value)) throw new UsageError(`--${name} must be one of ${allowed.join(', ')} (got ${JSON.stringify(value)})`);
  return value as T;
}

/** Parses `paths`' arguments. @throws UsageError */
export function parsePathsArgs(argv: string[]): PathsOptions | 'help' {
  const values = parseOptions(
    argv,
    {
    machine: { type: 'string' },
    scenario: { type: 'string' },
    design: { type: 'string' },
    format: { type: 'string' },
    paths: { type: 'string' },
    out: { type: 'string' },
    limit: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  },
    USAGE,
  );
  if (values.help) return 'help';
  if (values.machine === undefined) throw new UsageError(`--machine is required\n${USAGE}`);
  if (!(values.machine in TARGETS)) throw new UsageError(new UnknownMachineError(values.machine).message);
  let scenario = values.scenario === undefined ? TARGETS[values.machine].entry.smallScenario : readScenarioFile(values.scenario).scenario;
  if (values.design !== undefined) scenario = { ...scenario, design: oneOf(values.design, 'design', DESIGN_NAMES, scenario.design) as DesignName };
  const limit = values.limit === undefined ? 50_000 : Number(values.limit);
  if (!/^\d+$/.test(values.limit ?? '1') || !Number.isSafeInteger(limit) || limit < 1)
    throw new UsageError(`--limit must be an integer >= 1 (got ${JSON.stringify(values.limit)})`);
  return {
    machine: values.machine,
    scenario,
    format: oneOf(values.format, 'format', ['json', 'table'] as const, 'json'),
    paths: oneOf(values.paths, 'paths', ['states', 'transitions', 'both'] as const, 'both'),
    ...(values.out !== undefined ? { out: values.out } : {}),
    limit,
  };
}

/**
 * What `paths` prints for `options`: the JSON export, or the coverage table of a replay on
 * the implementation. Deterministic.
 * @throws UsageError when the machine cannot be built from the scenario or is too large;
 *   ConformanceError when the implementation diverges (table format).
 */
export function pathsOutput(options: PathsOptions): string {
  const target = targetNamed(options.machine);
  try {
    if (options.format === 'table' && !target.implemented(options.scenario))
      throw new UsageError(`${options.machine} under design ${options.scenario.design} has no implementation in src/ to replay on; --format json exports its paths`);
    if (options.format === 'table') return coverageTable([{ ...runConformance(target, options.scenario, options.paths, options.limit), ms: 0 }]) + '\n';
    const { model, adapter } = target.build(options.scenario);
    const { paths } = generatePaths(model, options.paths, options.limit);
    return JSON.stringify(exportPaths(model, paths, (s) => adapter.expected(s), target.description)) + '\n';
  } catch (err) {
    if (err instanceof StateLimitError) throw new UsageError(`${err.message}; raise --limit or use a smaller scenario`);
    if (err instanceof TargetScenarioError || err instanceof UnknownDesignError) throw new UsageError(err.message);
    throw err;
  }
}

/** `dmaspec paths [options]`. Returns the exit status; usage errors print and return 2. */
export async function run(argv: string[]): Promise<number> {
  try {
    const options = parsePathsArgs(argv);
    if (options === 'help') {
      process.stdout.write(USAGE + '\n');
      return 0;
    }
    const text = pathsOutput(options);
    if (options.out !== undefined) writeFileSync(options.out, text);
    else process.stdout.write(text);
    return 0;
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`dmaspec paths: ${err.message}\n`);
      return 2;
    }
    if (err instanceof ConformanceError) {
      process.stderr.write(`dmaspec paths: ${err.message}\n`);
      return 1;
    }
    throw err;
  }
}
