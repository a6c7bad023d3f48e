/**
 * Command-line pieces every subcommand shares: option parsing that turns node:util's errors
 * into usage errors, scenario files, and integer options.
 * @module
 */
import { closeSync, existsSync, openSync, readSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { parseScenario, ScenarioError, type Scenario } from '../scenario.ts';
import { NAMED_SCENARIOS, namedScenario } from '../check/scenarios.ts';
import type { Design } from '../designs/design.ts';
import { isDesignFile, loadDesignFile } from '../designs/load.ts';
import { DESIGNS, designOf, isDesignName } from '../designs/registry.ts';
import { didYouMean } from '../../machines/system/design-error.ts';
import { escapeText, quoted } from '../excerpt.ts';
import { UsageError } from './usage-error.ts';

/** The options a command takes: each a string or a flag; a `multiple` string may be given more than once. */
type OptionsConfig = Record<string, { type: 'string' | 'boolean'; short?: string; multiple?: boolean }>;
/** The values parsed for `O`: a string (strings for a `multiple` one) or a boolean per option given. */
export type OptionValues<O extends OptionsConfig> = {
  [K in keyof O]?: O[K]['type'] extends 'boolean' ? boolean : O[K]['multiple'] extends true ? string[] : string;
};

/**
 * `argv` with a negative number after a string option joined to it (`--threshold -1` as
 * `--threshold=-1`), so that the option's range check reports it rather than node's
 * "argument is ambiguous".
 */
function joinNegativeNumbers(argv: string[], options: OptionsConfig): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const next = argv[i + 1];
    if (a.startsWith('--') && Object.hasOwn(options, a.slice(2)) && options[a.slice(2)]!.type === 'string' && next !== undefined && /^-\d/.test(next)) {
      out.push(`${a}=${next}`);
      i++;
    } else out.push(a);
  }
  return out;
}

/** Parses `argv` against `options` (no positionals); a bad option is a UsageError ending with `usage`. */
export function parseOptions<O extends OptionsConfig>(argv: string[], options: O, usage: string): OptionValues<O> {
  try {
    return parseArgs({ args: joinNegativeNumbers(argv, options), strict: true, allowPositionals: false, options }).values as OptionValues<O>;
  } catch (err) {
    throw new UsageError(`${escapeText((err as Error).message).slice(0, 300)}\n${usage}`);
  }
}

/** The largest scenario file read: the largest valid scenario (8 clients, 4 IOHs of 4 devices) is a few kilobytes. */
export const SCENARIO_FILE_LIMIT = 1 << 20;

/** The first `limit` + 1 bytes of `file` at most (a device such as /dev/zero never ends). @throws the read's error */
function readBounded(file: string, limit: number): Buffer {
  const fd = openSync(file, 'r');
  try {
    const buf = Buffer.alloc(limit + 1);
    let n = 0;
    for (let got = -1; got !== 0 && n <= limit; n += got) got = readSync(fd, buf, n, limit + 1 - n, null);
    return buf.subarray(0, n);
  } finally {
    closeSync(fd);
  }
}

/**
 * Reads and checks a scenario file. Unreadable files, bad JSON and broken scenario rules are
 * all usage errors naming the file (and, for a rule, the field).
 * @returns the scenario and the parsed JSON (to tell which fields the file gave).
 */
export function readScenarioFile(file: string): { scenario: Scenario; json: unknown } {
  const name = escapeText(file);
  let bytes: Buffer;
  try {
    bytes = readBounded(file, SCENARIO_FILE_LIMIT);
  } catch (err) {
    throw new UsageError(`cannot read scenario file ${name}: ${escapeText((err as Error).message)}`);
  }
  if (bytes.length > SCENARIO_FILE_LIMIT)
    throw new UsageError(
      `scenario file ${name} is larger than ${SCENARIO_FILE_LIMIT / 2 ** 20} MiB, the limit for a scenario file (a valid scenario is a few KB)`,
    );
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new UsageError(`scenario file ${name} is not UTF-8 text (a binary file?): it begins ${quoted(bytes.subarray(0, 24).toString('latin1'), 24)}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    // V8's message quotes the source, raw bytes and all: escaped and cut here.
    throw new UsageError(`scenario file ${name} is not JSON: ${escapeText((err as Error).message).slice(0, 200)}`);
  }
  try {
    return { scenario: parseScenario(json), json };
  } catch (err) {
    if (err instanceof ScenarioError) throw new UsageError(`scenario file ${name}: ${err.message}`);
    throw err;
  }
}

/** An integer option `--name` within [min, max], or undefined when absent. */
export function intOption(value: string | undefined, name: string, min: number, max = Number.MAX_SAFE_INTEGER): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > max)
    throw new UsageError(`--${name} must be an integer ${max === Number.MAX_SAFE_INTEGER ? `>= ${min}` : `from ${min} to ${max}`} (got ${quoted(value)})`);
  return Number(value);
}

/**
 * `--scenario NAME|FILE` of paths and simulate: a named scenario (src/check/scenarios.ts;
 * `default` is the standard one), else a scenario file of any name.
 * @throws UsageError, ScenarioError
 */
export function namedOrFileScenario(arg: string): Scenario {
  const named = namedScenario(arg);
  if (named) return named;
  // A bare word that is no file was meant as a name: say which names there are.
  if (!/[./]/.test(arg) && !existsSync(arg))
    throw new UsageError(`--scenario ${quoted(arg)}: not a scenario name${didYouMean(arg, NAMED_SCENARIOS)} (${NAMED_SCENARIOS.join(', ')}) nor a file`);
  return readScenarioFile(arg).scenario;
}

/**
 * `--scenario NAME|FILE.json`: a named scenario (src/check/scenarios.ts) or a scenario file,
 * with the design the file names explicitly (undefined when it names none).
 * @throws UsageError, ScenarioError
 */
export function scenarioArg(arg: string): { scenario: Scenario; design?: string } {
  const named = namedScenario(arg);
  if (named) return { scenario: named };
  if (!arg.endsWith('.json'))
    throw new UsageError(`--scenario ${quoted(arg)}: not a scenario name${didYouMean(arg, NAMED_SCENARIOS)} (${NAMED_SCENARIOS.join(', ')}) nor a .json file`);
  const { scenario, json } = readScenarioFile(arg);
  const explicit = typeof json === 'object' && json !== null && 'design' in json;
  return { scenario, design: explicit ? scenario.design : undefined };
}

/**
 * `--design NAME|FILE`: a built-in design, or a design module loaded and validated against
 * `scenario` (src/designs/load.ts).
 * @throws UsageError, DesignError
 */
export async function designArg(d: string, scenario: Scenario): Promise<Design> {
  if (isDesignFile(d)) return loadDesignFile(d, scenario);
  if (isDesignName(d)) return designOf(d);
  throw new UsageError(
    `--design ${quoted(d)}: unknown design${didYouMean(d, Object.keys(DESIGNS))} (built-in: ${Object.keys(DESIGNS).join(', ')}; or a .ts/.mts/.js/.mjs module)`,
  );
}
