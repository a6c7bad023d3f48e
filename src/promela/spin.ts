/**
 * Runs SPIN on an exported model: `spin -a -o2` (no hiding of variables only ever written,
 * which dmaspec stores too), `gcc -DNOREDUCE` (no partial-order reduction: the full state
 * space, as dmaspec explores it), `pan -c0` (search on past errors: every state is reached).
 * For `npm run test:external` and `npm run bench`; SPIN and gcc come from Debian
 * (`apt-get install spin gcc`), not npm.
 * @module
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { identifier } from './emit.ts';

/** What one SPIN search found. */
export interface SpinResult {
  readonly states: number;
  /** pan's count: dmaspec's transitions plus one (pan counts the initial state too). */
  readonly transitions: number;
  /** The checks that failed, by dmaspec's names (`no-use-after-free`, `deadlock-free`, `export-range`, …). */
  readonly failed: readonly string[];
  /** pan's own search time and rate. */
  readonly seconds: number;
  readonly statesPerSecond: number;
}

/** SPIN or gcc is missing, or a step failed: what ran and what it printed. */
export class SpinError extends Error {
  override readonly name = 'SpinError';
}

/** Whether `spin` and `gcc` are on the PATH. */
export function spinAvailable(): boolean {
  return spawnSync('spin', ['-V']).status === 0 && spawnSync('gcc', ['--version']).status === 0;
}

function run(cmd: string, args: string[], cwd: string): string {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', maxBuffer: 64 << 20 });
  if (r.error) throw new SpinError(`${cmd}: ${r.error.message}`);
  if (r.status !== 0) throw new SpinError(`${cmd} ${args.join(' ')} exited ${r.status}: ${(r.stderr || r.stdout).trim().slice(0, 2000)}`);
  return r.stdout;
}

/** Options of {@link runSpin}. */
export interface SpinOptions {
  /** gcc optimisation (default -O2; -O0 compiles faster for small models). */
  readonly optimize?: string;
  /** Check names the model's P_ flags stand for (property names, `deadlock-free`, …). */
  readonly names: readonly string[];
}

/** Compiles and runs `model` (Promela text) in a scratch directory. */
export function runSpin(model: string, opts: SpinOptions): SpinResult {
  const dir = mkdtempSync(join(tmpdir(), 'dmaspec-spin-'));
  try {
    writeFileSync(join(dir, 'model.pml'), model);
    run('spin', ['-a', '-o2', 'model.pml'], dir);
    run('gcc', [opts.optimize ?? '-O2', '-DNOREDUCE', '-DMEMLIM=16384', '-w', '-o', 'pan', 'pan.c'], dir);
    const out = run('./pan', ['-c0', '-n', '-m10000000', '-w26'], dir);
    const num = (re: RegExp) => {
      const m = re.exec(out);
      if (!m) throw new SpinError(`pan printed no ${re.source}:\n${out.slice(0, 2000)}`);
      return Number(m[1]);
    };
    if (/error: max search depth too small/.test(out)) throw new SpinError('pan: max search depth too small');
    const byFlag = new Map(opts.names.map((n) => [`P_${identifier(n)}`, n]));
    const failed = [...out.matchAll(/assertion violated (P_\w+)/g)].map((m) => byFlag.get(m[1]) ?? m[1]);
    const rate = /rate\s+([\d.]+) states\/second/.exec(out);
    return {
      states: num(/(\d+) states, stored/),
      transitions: num(/(\d+) transitions \(= stored\+matched\)/),
      failed: [...new Set(failed)],
      seconds: num(/elapsed time ([\d.e+-]+) seconds/),
      statesPerSecond: rate ? Number(rate[1]) : Number.NaN,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
