/**
 * Running the CLI from tests: in-process (fast; output captured through the command
 * environment) or as a spawned program (signals, the worker thread, real exit statuses).
 */
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { main } from '../../src/cli/main.ts';

export const ROOT = resolve(import.meta.dirname, '../..');
/** A scenario big enough that `check` runs for minutes under every design. */
export const BIG_SCENARIO = resolve(import.meta.dirname, 'fixtures/big.json');

export interface CliResult {
  readonly status: number | null;
  readonly signal?: NodeJS.Signals | null;
  readonly out: string;
  readonly err: string;
}

/** Runs `dmaspec argv` in this process. */
export async function runInProcess(argv: string[]): Promise<CliResult> {
  let out = '';
  let err = '';
  const status = await main(argv, {
    out: (s) => void (out += s),
    err: (s) => void (err += s),
    progress: { label() {}, update() {}, stop() {} },
  });
  return { status, out, err };
}

/** Spawns `node bin/dmaspec.js argv`. */
export function spawnCli(argv: string[]): Promise<CliResult> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [resolve(ROOT, 'bin/dmaspec.js'), ...argv], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('error', fail);
    child.on('close', (status, sig) => {
      done({ status, signal: sig, out, err });
    });
  });
}

/** Options of {@link spawnWith}. */
export interface SpawnOptions {
  /** Where the program's standard output goes: a pipe read into `out` (default) or a file descriptor (/dev/full). */
  readonly stdout?: 'pipe' | number;
  /** Node options before the program (e.g. `--import` of a fixture). */
  readonly node?: readonly string[];
  readonly cwd?: string;
  /** Variables added to the environment. */
  readonly env?: Readonly<Record<string, string>>;
}

/** Spawns `node bin/dmaspec.js argv` with `options`; resolves with its status, signal and output. */
export function spawnWith(argv: string[], options: SpawnOptions = {}): Promise<CliResult> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [...(options.node ?? []), resolve(ROOT, 'bin/dmaspec.js'), ...argv], {
      cwd: options.cwd ?? ROOT,
      env: { ...process.env, ...options.env },
      stdio: ['ignore', options.stdout ?? 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout?.on('data', (d) => (out += d));
    child.stderr!.on('data', (d) => (err += d));
    child.on('error', fail);
    child.on('close', (status, sig) => done({ status, signal: sig, out, err }));
  });
}

/** A stack-trace line, which no run without --debug may print. */
export const STACK_LINE = /^\s+at .+:\d+:\d+\)?$/m;
