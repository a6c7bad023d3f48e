/**
 * The `dmaspec` command: dispatches to one module per subcommand. Each subcommand module
 * exports `run(argv): Promise<number>` (the exit status) and `summary` (one line of help).
 * @module
 */
import { pathToFileURL } from 'node:url';
import { ScenarioError } from '../scenario.ts';
import { UsageError } from './usage-error.ts';

interface Command {
  readonly summary: string;
  run(argv: string[]): Promise<number>;
}

/** Subcommands, loaded on demand so that `dmaspec check` does not load the path generator. */
const COMMANDS: Record<string, () => Promise<Command>> = {
  simulate: () => import('./simulate.ts'),
  check: () => import('./check.ts'),
  paths: () => import('./paths.ts'),
};

/** What `dmaspec` with no subcommand runs (and so what `npm start` runs). */
const DEFAULT_COMMAND = 'check';

async function help(): Promise<string> {
  const lines = ['usage: dmaspec <command> [options]', '', 'commands:'];
  for (const [name, load] of Object.entries(COMMANDS)) lines.push(`  ${name.padEnd(10)} ${(await load()).summary}`);
  lines.push('', `With no command, runs '${DEFAULT_COMMAND}' on the built-in default scenario.`);
  lines.push("'dmaspec <command> --help' describes a command's options.");
  return lines.join('\n');
}

/** Runs the command line `argv` (without node and script) and returns the exit status. */
export async function main(argv: string[]): Promise<number> {
  const [first, ...rest] = argv;
  if (first === '--help' || first === '-h' || first === 'help') {
    process.stdout.write((await help()) + '\n');
    return 0;
  }
  const name = first === undefined || first.startsWith('-') ? DEFAULT_COMMAND : first;
  const args = first === undefined || first.startsWith('-') ? argv : rest;
  const load = COMMANDS[name];
  if (!load) {
    process.stderr.write(`dmaspec: unknown command '${name}'\n\n${await help()}\n`);
    return 2;
  }
  try {
    return await (await load()).run(args);
  } catch (err) {
    if (err instanceof UsageError || err instanceof ScenarioError) {
      process.stderr.write(`dmaspec ${name}: ${err.message}\n`);
      return 2;
    }
    throw err;
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  process.exitCode = await main(process.argv.slice(2));
}
