/**
 * `dmaspec paths`: generate test paths from a statechart — a shortest path to every
 * reachable state and walks that take every reachable transition — and write them as JSON
 * Lines (format `dmaspec-paths/3`, src/mbt/export.ts, docs/replaying-paths.md) for another
 * implementation to replay, or replay them on ours and print the coverage table.
 *
 * Lines are written as they are generated: to an `--out` file opened before any work (so a
 * bad `--out` fails at once, exit 5 naming the path) and renamed into place only when
 * complete (src/cli/out-file.ts), or to standard output, where a reader that goes away
 * (`| head`) ends the run quietly with exit 0.
 * @module
 */
import { buildSystem } from '../../machines/system/index.ts';
import type { Design } from '../designs/design.ts';
import { isDesignFile, loadDesignFile } from '../designs/load.ts';
import { UnknownDesignError } from '../designs/models.ts';
import { TARGETS, TargetScenarioError, targetNamed, UnknownMachineError, type BuiltTarget } from '../mbt/adapters/index.ts';
import { systemAdapter, systemInputField } from '../mbt/adapters/system.ts';
import { runConformance, type PathKind } from '../mbt/conformance.ts';
import { coverageTable } from '../mbt/coverage-table.ts';
import { StateLimitError } from '../../machines/xstate.ts';
import { exportLines } from '../mbt/export.ts';
import { ConformanceError } from '../mbt/replay.ts';
import { DESIGN_NAMES, type DesignName, type Scenario } from '../scenario.ts';
import { quoted } from '../excerpt.ts';
import { processEnv, type CommandEnv } from './env.ts';
import { openOutFile } from './out-file.ts';
import { OutputError } from './output-error.ts';
import { UsageError } from './usage-error.ts';
import { namedOrFileScenario, parseOptions } from './args.ts';
import { NAMED_SCENARIOS } from '../check/scenarios.ts';

/** States a machine may have by default (rfc-wait's standard scenario has 55,682). */
const DEFAULT_LIMIT = 100_000;

/** One line of `dmaspec --help`. */
export const summary = 'generate test paths from a statechart as JSON Lines (dmaspec-paths/3), or replay them on the implementation with coverage';

const USAGE = `usage: dmaspec paths --machine NAME [--scenario NAME|FILE.json] [--design NAME|FILE]
                     [--format jsonl|table] [--paths states|transitions|both] [--out FILE] [--limit N]
                     [--include-internals]

  --machine NAME   ${Object.keys(TARGETS).join(' | ')}
  --scenario NAME|FILE  a scenario JSON file, or a name: ${NAMED_SCENARIOS.join(', ')} (default is
                   the standard scenario; without --scenario: the machine's small scenario of the
                   catalogue, src/catalogue.ts, on which every state node is reachable)
  --design NAME    override the scenario's design
  --design FILE    a design module (.ts/.mts/.js/.mjs): the paths of --machine system under it
                   (--format jsonl; replaying a design file on the implementation is not wired)
  --format jsonl   write the paths with the expected state after every step as JSON Lines:
                   a header line, one line per path, a trailer line with the counts (format
                   dmaspec-paths/3: docs/replaying-paths.md, schema/dmaspec-paths-3.schema.json);
                   the default
  --format table   replay the paths on this implementation instead, comparing after every
                   step, and print the coverage table (exit 1 on a divergence)
  --paths KIND     shortest paths to every state, walks over every transition, or both (default)
  --out FILE       write to FILE instead of standard output
  --limit N        refuse machines with more than N reachable states (default ${DEFAULT_LIMIT}: the
                   standard scenario, src/scenario.ts DEFAULT_SCENARIO, fits under the plain designs;
                   the RFC's split hot path needs --limit 1000000, minutes and several GB of paths)
  --include-internals  add each step's xstate state value and context (not to compare)

Same arguments, same output. Exit status 0 on success (also when the reader of standard
output goes away early), 1 when the implementation diverges from the machine (--format
table), 2 for bad arguments or scenario files, 5 when the output cannot be written (the
--out file is written beside its name and renamed into place when complete).`;

/** The parsed command line of `paths`. */
export interface PathsOptions {
  readonly machine: string;
  readonly scenario: Scenario;
  readonly format: 'jsonl' | 'table';
  readonly paths: PathKind;
  readonly out?: string;
  readonly limit: number;
  readonly includeInternals: boolean;
  /** `--design FILE`, loaded and validated by {@link run} into {@link design}. */
  readonly designFile?: string;
  /** A design object to build the system machine with (a loaded design file). */
  readonly design?: Design;
}

function oneOf<T extends string>(value: string | undefined, name: string, allowed: readonly T[], dflt: T): T {
  if (value === undefined) return dflt;
  if (!(allowed as readonly string[]).includes(value)) throw new UsageError(`--${name} must be one of ${allowed.join(', ')} (got ${quoted(value)})`);
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
      'include-internals': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
    USAGE,
  );
  if (values.help) return 'help';
  if (values.machine === undefined) throw new UsageError(`--machine is required\n${USAGE}`);
  if (!Object.hasOwn(TARGETS, values.machine)) throw new UsageError(new UnknownMachineError(values.machine).message);
  let scenario = values.scenario === undefined ? TARGETS[values.machine].entry.smallScenario : namedOrFileScenario(values.scenario);
  const designFile = values.design !== undefined && isDesignFile(values.design) ? values.design : undefined;
  if (designFile && values.machine !== 'system') throw new UsageError(`--design FILE builds --machine system only (got --machine ${values.machine})`);
  if (values.design !== undefined && !designFile)
    scenario = { ...scenario, design: oneOf(values.design, 'design', DESIGN_NAMES, scenario.design) as DesignName };
  const limit = values.limit === undefined ? DEFAULT_LIMIT : Number(values.limit);
  if (!/^\d+$/.test(values.limit ?? '1') || !Number.isSafeInteger(limit) || limit < 1)
    throw new UsageError(`--limit must be an integer >= 1 (got ${quoted(values.limit ?? '')})`);
  return {
    machine: values.machine,
    scenario,
    format: oneOf(values.format, 'format', ['jsonl', 'table'] as const, 'jsonl'),
    paths: oneOf(values.paths, 'paths', ['states', 'transitions', 'both'] as const, 'both'),
    ...(values.out !== undefined ? { out: values.out } : {}),
    limit,
    includeInternals: values['include-internals'] === true,
    ...(designFile ? { designFile } : {}),
  };
}

/** Where the lines go: an --out file or standard output. */
export interface LineSink {
  /** Writes `text`; resolves false once the reader is gone (EPIPE): stop quietly. @throws OutputError */
  write(text: string): Promise<boolean>;
  /** Done: an --out file takes its name. @throws OutputError */
  close(): void;
  /** Failed half-way: an --out file is left as it was. */
  abort(): void;
}

/** The --out file, opened now, before any work (src/cli/out-file.ts). @throws OutputError naming the file */
function fileSink(file: string): LineSink {
  const out = openOutFile(file);
  return {
    write: async (text) => {
      out.write(text);
      // Let a signal's handler run between chunks (src/cli/worker-host.ts: it removes the temporary file).
      await new Promise(setImmediate);
      return true;
    },
    close: () => out.commit(),
    abort: () => out.abort(),
  };
}

/** Standard output, one chunk at a time (its callback is the back-pressure); EPIPE ends the run quietly. */
function stdoutSink(): LineSink {
  let gone = false;
  let failed: NodeJS.ErrnoException | undefined;
  const onError = (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') gone = true;
    else failed = err;
  };
  process.stdout.on('error', onError);
  return {
    write: (text) =>
      gone
        ? Promise.resolve(false)
        : new Promise((resolve, reject) =>
            process.stdout.write(text, (err) => {
              const e = (err as NodeJS.ErrnoException | null | undefined) ?? failed;
              if (e && e.code !== 'EPIPE') reject(new OutputError(`cannot write standard output: ${e.message}`));
              else resolve(!e && !gone);
            }),
          ),
    close: () => void process.stdout.off('error', onError),
    abort: () => void process.stdout.off('error', onError),
  };
}

/** The system machine of `scenario` under a design object, as the `system` target builds it under a built-in one. */
function designTarget(scenario: Scenario, design: Design): BuiltTarget {
  const model = buildSystem(scenario, design.model);
  return {
    model,
    adapter: systemAdapter({ model, layout: model.layout, design: model.design, implScenario: scenario, options: { design } }),
    implementation: { scenario, reduced: null, steps: [], bounds: [] },
    inputField: systemInputField(model.layout, model.design),
    variables: design.model.variables,
  };
}

/** Lines are gathered to about this many characters per write. */
const CHUNK = 1 << 16;

/**
 * Writes `paths`' output for `options` to `sink`: the JSON Lines export as it is generated,
 * or the coverage table of a replay on the implementation. Deterministic.
 * @throws UsageError when the machine cannot be built from the scenario or is too large;
 *   ConformanceError when the implementation diverges (table format).
 */
export async function writePathsOutput(options: PathsOptions, sink: LineSink): Promise<void> {
  const target = targetNamed(options.machine);
  try {
    if (options.design && options.format === 'table')
      throw new UsageError(
        `design ${options.design.model.name} comes from a file: --format table cannot replay it on the implementation yet; --format jsonl exports its paths`,
      );
    if (options.format === 'table' && !target.implemented(options.scenario))
      throw new UsageError(
        `${options.machine} under design ${options.scenario.design} has no implementation in src/ to replay on; --format jsonl exports its paths`,
      );
    if (options.format === 'table') {
      await sink.write(coverageTable([{ ...runConformance(target, options.scenario, options.paths, options.limit), ms: 0 }]) + '\n');
      return;
    }
    let chunk = '';
    const built = options.design ? designTarget(options.scenario, options.design) : target.build(options.scenario);
    for (const line of exportLines(target, built, options)) {
      chunk += line;
      if (chunk.length >= CHUNK) {
        if (!(await sink.write(chunk))) return;
        chunk = '';
      }
    }
    if (chunk) await sink.write(chunk);
  } catch (err) {
    if (err instanceof StateLimitError) throw new UsageError(`${err.message}; raise --limit or use a smaller scenario`);
    if (err instanceof TargetScenarioError || err instanceof UnknownDesignError) throw new UsageError(err.message);
    throw err;
  }
}

/** `dmaspec paths [options]`. Returns the exit status; usage errors print and return 2. */
export async function run(argv: string[], env: CommandEnv = processEnv()): Promise<number> {
  let sink: LineSink | undefined;
  try {
    const parsed = parsePathsArgs(argv);
    if (parsed === 'help') {
      env.out(USAGE + '\n');
      return 0;
    }
    const options = parsed.designFile ? { ...parsed, design: await loadDesignFile(parsed.designFile, parsed.scenario) } : parsed;
    sink = options.out !== undefined ? fileSink(options.out) : stdoutSink();
    await writePathsOutput(options, sink);
    const done = sink;
    sink = undefined;
    done.close();
    return 0;
  } catch (err) {
    sink?.abort();
    sink = undefined;
    if (err instanceof UsageError) {
      env.err(`dmaspec paths: ${err.message}\n`);
      return 2;
    }
    if (err instanceof ConformanceError) {
      env.err(`dmaspec paths: ${err.message}\n`);
      return 1;
    }
    throw err;
  }
}
