/**
 * The `dmaspec` command line, in-process: dispatches to one module per subcommand. Each subcommand module
 * exports `run(argv, env): Promise<number>` (the exit status) and `summary` (one line of help).
 * Every failure ends in one exit status of src/cli/exit-status.ts: usage errors 2 with the
 * message, a user design's mistakes (machines/system/design-error.ts DesignError) 2 naming the design and the rule,
 * anything unexpected 4 with a one-line message (the stack with `--debug`).
 * @module
 */
import { ScenarioError } from '../scenario.ts';
import { processEnv, type CommandEnv } from './env.ts';
import { EXIT, EXIT_TABLE } from './exit-status.ts';
import { DesignError, didYouMean } from '../../machines/system/design-error.ts';
import { UnknownDesignError } from '../scenario.ts';
import { OutputError } from './output-error.ts';
import { quoted } from '../excerpt.ts';
import { UsageError } from './usage-error.ts';

interface Command {
  readonly summary: string;
  run(argv: string[], env: CommandEnv): Promise<number>;
}

/** Subcommands, loaded on demand so that `dmaspec check` does not load the path generator (a Map: a name typed by the user never finds Object.prototype's). */
const COMMANDS: ReadonlyMap<string, () => Promise<Command>> = new Map<string, () => Promise<Command>>([
  ['simulate', () => import('./simulate.ts')],
  ['check', () => import('./check.ts')],
  ['paths', () => import('./paths.ts')],
  ['export', () => import('./export.ts')],
  ['swarm', () => import('./swarm.ts')],
  ['kernel-replay', () => import('./kernel-replay.ts')],
  ['kernel-mutants', () => import('./kernel-mutants.ts')],
]);

/** What `dmaspec` with no subcommand runs (and so what `npm start` runs). */
const DEFAULT_COMMAND = 'check';

async function help(): Promise<string> {
  const lines = ['usage: dmaspec <command> [options] [--debug]', '', 'commands:'];
  for (const [name, load] of COMMANDS) lines.push(`  ${name.padEnd(14)} ${(await load()).summary}`);
  lines.push('', `With no command, runs '${DEFAULT_COMMAND}' on the built-in default scenario.`);
  lines.push("'dmaspec <command> --help' describes a command's options; --debug prints an internal error's stack trace.");
  lines.push('', EXIT_TABLE);
  return lines.join('\n');
}

/** The command `argv` runs and its own arguments (`--debug` taken out). */
export function commandOf(argv: string[]): { name: string; args: string[]; debug: boolean } {
  const debug = argv.includes('--debug');
  const rest = argv.filter((a) => a !== '--debug');
  const [first, ...more] = rest;
  const implicit = first === undefined || first.startsWith('-');
  return { name: implicit ? DEFAULT_COMMAND : first, args: implicit ? rest : more, debug };
}

/** The one line an internal error prints (its stack with --debug). */
export function internalErrorText(name: string, err: unknown, debug: boolean): string {
  const e = err instanceof Error ? err : new Error(String(err));
  const where = e.stack
    ?.split('\n')
    .find((l) => /^\s+at /.test(l))
    ?.trim();
  if (debug) return `dmaspec ${name}: internal error: ${e.stack ?? e.message}\n`;
  return `dmaspec ${name}: internal error (a dmaspec bug, please report it): ${e.name}: ${e.message.split('\n')[0]}${where ? ` (${where.replace(/^at /, 'at ')})` : ''}; --debug prints the stack\n`;
}

/** Runs the command line `argv` (without node and script) and returns the exit status. */
export async function main(argv: string[], over: Partial<CommandEnv> = {}): Promise<number> {
  const { name, args, debug } = commandOf(argv);
  const env = processEnv({ debug, ...over });
  if (argv[0] === '--help' || argv[0] === '-h' || argv[0] === 'help') {
    env.out((await help()) + '\n');
    return EXIT.ok;
  }
  const load = COMMANDS.get(name);
  if (!load) {
    const known = [...COMMANDS.keys()];
    env.err(`dmaspec: unknown command ${quoted(name)}${didYouMean(name, known)}; the commands are ${known.join(', ')} ('dmaspec --help' describes them)\n`);
    return EXIT.usage;
  }
  try {
    return await (await load()).run(args, env);
  } catch (err) {
    env.progress.stop();
    if (err instanceof UsageError || err instanceof ScenarioError || err instanceof DesignError || err instanceof UnknownDesignError) {
      env.err(`dmaspec ${name}: ${err.message}\n`);
      return EXIT.usage;
    }
    if (err instanceof OutputError) {
      env.err(`dmaspec ${name}: ${err.message}\n`);
      return EXIT.output;
    }
    env.err(internalErrorText(name, err, env.debug));
    return EXIT.internal;
  }
}
