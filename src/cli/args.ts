/**
 * Command-line pieces every subcommand shares: option parsing that turns node:util's errors
 * into usage errors, scenario files, and integer options.
 * @module
 */
import { readFileSync } from 'node:fs';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { parseScenario, ScenarioError, type Scenario } from '../scenario.ts';
import { NAMED_SCENARIOS, namedScenario } from '../check/scenarios.ts';
import type { Design } from '../designs/design.ts';
import { isDesignFile, loadDesignFile } from '../designs/load.ts';
import { DESIGNS, designOf, isDesignName } from '../designs/registry.ts';
import { UsageError } from './usage-error.ts';

/** Parses `argv` against `options` (no positionals); a bad option is a UsageError ending with `usage`. */
export function parseOptions<O extends NonNullable<ParseArgsConfig['options']>>(argv: string[], options: O, usage: string) {
  try {
    return parseArgs({ args: argv, strict: true, allowPositionals: false, options }).values;
  } catch (err) {
    throw new UsageError(`${(err as Error).message}\n${usage}`);
  }
}

/**
 * Reads and checks a scenario file. Unreadable files, bad JSON and broken scenario rules are
 * all usage errors naming the file (and, for a rule, the field).
 * @returns the scenario and the parsed JSON (to tell which fields the file gave).
 */
export function readScenarioFile(file: string): { scenario: Scenario; json: unknown } {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new UsageError(`cannot read scenario file ${file}: ${(err as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new UsageError(`scenario file ${file} is not JSON: ${(err as Error).message}`);
  }
  try {
    return { scenario: parseScenario(json), json };
  } catch (err) {
    if (err instanceof ScenarioError) throw new UsageError(`scenario file ${file}: ${err.message}`);
    throw err;
  }
}

/** An integer option `--name` within [min, max], or undefined when absent. */
export function intOption(value: string | undefined, name: string, min: number, max = Number.MAX_SAFE_INTEGER): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > max)
    throw new UsageError(
      `--${name} must be an integer ${max === Number.MAX_SAFE_INTEGER ? `>= ${min}` : `from ${min} to ${max}`} (got ${JSON.stringify(value)})`,
    );
  return Number(value);
}

/**
 * `--scenario NAME|FILE.json`: a named scenario (src/check/scenarios.ts) or a scenario file,
 * with the design the file names explicitly (undefined when it names none).
 * @throws UsageError, ScenarioError
 */
export function scenarioArg(arg: string): { scenario: Scenario; design?: string } {
  const named = namedScenario(arg);
  if (named) return { scenario: named };
  if (!arg.endsWith('.json')) throw new UsageError(`--scenario ${arg}: not a scenario name (${NAMED_SCENARIOS.join(', ')}) nor a .json file`);
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
  throw new UsageError(`--design ${d}: unknown design (built-in: ${Object.keys(DESIGNS).join(', ')}; or a .ts/.mts/.js/.mjs module)`);
}
