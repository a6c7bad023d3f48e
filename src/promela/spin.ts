/**
 * Runs SPIN on an exported model: `spin -a -o2` (no hiding of variables only ever written,
 * which dmaspec stores too), `gcc -DNOREDUCE` (no partial-order reduction: the full state
 * space, as dmaspec explores it), `pan -c0` (search on past errors: every state is reached).
 * The liveness run compiles the never claims in (`spin -a -DLTL`) and looks for an
 * acceptance cycle per property (`pan -a -N name`) without `-f`: the claims carry dmaspec's
 * fairness themselves (src/promela/liveness.ts), so gcc gets `-DNOFAIR`. It is asynchronous,
 * so that several models compile and search side by side.
 * For `npm run test:external` and `npm run bench`; SPIN and gcc come from Debian
 * (`apt-get install spin gcc`), not npm.
 * @module
 */
import { execFile, spawnSync } from 'node:child_process';
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

/** gcc's flags besides the optimisation: the full state space, pan's memory bound, no warnings. */
const GCC_FLAGS = ['-DNOREDUCE', '-DMEMLIM=16384', '-w', '-o', 'pan', 'pan.c'];

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
    run('gcc', [opts.optimize ?? '-O2', ...GCC_FLAGS], dir);
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

/** {@link run} without blocking: several models compile and search side by side (also the swarm's runs). */
export function runAsync(cmd: string, args: readonly string[], cwd: string): Promise<string> {
  return new Promise((resolve, reject) =>
    execFile(cmd, [...args], { cwd, encoding: 'utf8', maxBuffer: 64 << 20 }, (err, stdout, stderr) => {
      if (!err) return resolve(stdout);
      const status = typeof err.code === 'number' ? `exited ${err.code}` : err.message;
      reject(new SpinError(`${cmd} ${args.join(' ')} ${status}: ${(stderr || stdout).trim().slice(0, 2000)}`));
    }),
  );
}

/** SPIN's verdict on one liveness property. */
export interface SpinLivenessResult {
  /** dmaspec's name of the property (`removal-completes`). */
  readonly property: string;
  /** pan found an acceptance cycle: a run that breaks the property under dmaspec's fairness. */
  readonly violated: boolean;
  /** States pan stored: the model's states paired with the claim's and the last stepping thread. */
  readonly states: number;
}

/** Options of {@link runSpinLiveness}. */
export interface SpinLivenessOptions {
  /** gcc optimisation (default -O2; -O0 compiles faster for small models). */
  readonly optimize?: string;
  /** pan's search depth bound `-m` (default 100,000); a search that reaches it is a SpinError, not a verdict. */
  readonly depth?: number;
}

/**
 * Checks the liveness properties `properties` (dmaspec's names) on `model` (Promela text
 * exported by dmaspec): compiled once with `-DLTL`, then one `pan -a -N <name>` per property.
 * `-A` leaves the safety assertions to {@link runSpin}: a failed one would end the search
 * before any cycle is looked for.
 * @throws SpinError (the promise rejects) when a tool fails, the model has no claim of
 * that name, or the search reached the depth bound.
 */
export async function runSpinLiveness(model: string, properties: readonly string[], opts: SpinLivenessOptions = {}): Promise<SpinLivenessResult[]> {
  const dir = mkdtempSync(join(tmpdir(), 'dmaspec-spin-'));
  try {
    writeFileSync(join(dir, 'model.pml'), model);
    await runAsync('spin', ['-a', '-o2', '-DLTL', 'model.pml'], dir);
    await runAsync('gcc', [opts.optimize ?? '-O2', '-DNOFAIR', ...GCC_FLAGS], dir);
    const results: SpinLivenessResult[] = [];
    for (const property of properties) {
      const name = identifier(property);
      const out = await runAsync('./pan', ['-a', '-A', '-N', name, `-m${opts.depth ?? 100_000}`, '-w20'], dir);
      const fail = (why: string) => new SpinError(`pan -a -N ${name}: ${why}:\n${out.slice(0, 2000)}`);
      if (/error: max search depth too small/.test(out)) throw fail('max search depth too small (raise depth)');
      if (/cannot find claim/.test(out)) throw fail('the model has no never claim of this name');
      const errors = /errors: (\d+)/.exec(out);
      const states = /(\d+) states, stored/.exec(out);
      if (!errors || !states) throw fail('no error count or state count');
      const violated = /acceptance cycle/.test(out);
      // pan stops at the first error (-c1): one acceptance cycle, or none and no other error.
      if (Number(errors[1]) !== (violated ? 1 : 0)) throw fail('an error that is not an acceptance cycle');
      results.push({ property, violated, states: Number(states[1]) });
    }
    return results;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
