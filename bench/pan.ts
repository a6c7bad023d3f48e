/**
 * SPIN's pan for the benchmark, built once per model and run many times, each run timed
 * as a whole process (user + sys from bash's `time`, which waits for the child: pan's own
 * "elapsed time" leaves out its start-up and the kernel's work of zeroing its hash table).
 *
 * The build is the fastest fair one for an exact safety search: `-DSAFETY` (no cycle
 * detection), `-DNOREDUCE` (partial-order reduction removes no state of these models, and
 * its bookkeeping costs time), `-O2`; the hash table (`-w`) is sized for the state count
 * (load at most 1/2) and the depth bound (`-m`) from a calibration run, not pan's generous
 * defaults: `-w26 -m10000000` spent more CPU zeroing memory (sys 1.9 s) than searching
 * (user 1.6 s) on the standard scenario.
 * @module
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** One pan run. */
export interface PanRun {
  readonly states: number;
  readonly transitions: number;
  /** The whole pan process: user + sys seconds, and elapsed seconds. */
  readonly cpuSeconds: number;
  readonly wallSeconds: number;
  /** pan's "total actual memory usage", bytes. */
  readonly memoryBytes: number;
  readonly depth: number;
}

/** A compiled pan, ready to run. */
export interface Pan {
  readonly dir: string;
  /** The gcc flags it was built with, for the report. */
  readonly flags: readonly string[];
  run(args: readonly string[]): PanRun;
  dispose(): void;
}

function sh(cmd: string, args: readonly string[], cwd: string) {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', maxBuffer: 64 << 20 });
  if (r.error) throw new Error(`${cmd}: ${r.error.message}`);
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${r.status}: ${(r.stderr || r.stdout).trim().slice(0, 1000)}`);
  return r;
}

/** The number `re` captures in pan's output. */
function num(out: string, re: RegExp): number {
  const m = re.exec(out);
  if (!m) throw new Error(`pan printed no ${re.source}:\n${out.slice(0, 1000)}`);
  return Number(m[1]);
}

/** The exact-search gcc flags of the benchmark. */
export const PAN_FLAGS = ['-O2', '-DSAFETY', '-DNOREDUCE', '-DMEMLIM=20000'] as const;

/** Generates and compiles pan for `model` (Promela text) with `flags`. */
export function buildPan(model: string, flags: readonly string[] = PAN_FLAGS): Pan {
  const dir = mkdtempSync(join(tmpdir(), 'dmaspec-bench-pan-'));
  writeFileSync(join(dir, 'model.pml'), model);
  sh('spin', ['-a', '-o2', 'model.pml'], dir);
  sh('gcc', [...flags, '-w', '-o', 'pan', 'pan.c'], dir);
  return {
    dir,
    flags,
    run(args) {
      // bash's `time` reports the child's CPU as getrusage(RUSAGE_CHILDREN) sees it.
      const r = sh('bash', ['-c', `TIMEFORMAT='@@ %U %S %R'; time ./pan ${args.join(' ')} >out.txt`], dir);
      const t = /@@ ([\d.]+) ([\d.]+) ([\d.]+)/.exec(r.stderr);
      if (!t) throw new Error(`no timing from bash: ${r.stderr.slice(0, 500)}`);
      const out = spawnSync('cat', ['out.txt'], { cwd: dir, encoding: 'utf8', maxBuffer: 64 << 20 }).stdout;
      if (/max search depth too small/.test(out)) throw new Error('pan: max search depth too small');
      return {
        states: num(out, /(\d+) states, stored/),
        transitions: num(out, /(\d+) transitions \(= stored\+matched\)/),
        cpuSeconds: Number(t[1]) + Number(t[2]),
        wallSeconds: Number(t[3]),
        memoryBytes: num(out, /([\d.]+)\s+total actual memory usage/) * 1024 * 1024,
        depth: num(out, /depth reached (\d+)/),
      };
    },
    dispose() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * pan's search arguments for a space of `states` states: continue past errors (`-c0`, every
 * state is reached), no unreached-code report (`-n`), a hash table of at least twice the
 * states, and a depth bound from a calibration run with room to spare.
 */
export function panArgs(pan: Pan, states: number): string[] {
  const w = Math.max(10, Math.ceil(Math.log2(states * 2)));
  const calib = pan.run(['-c0', '-n', `-w${w}`, '-m1000000']);
  return ['-c0', '-n', `-w${w}`, `-m${Math.max(10_000, calib.depth * 2)}`];
}
