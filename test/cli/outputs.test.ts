/**
 * Outputs that fail or are cut short, on the real program (spawned): standard output on a
 * full device, --out files written whole or not at all (a run killed while writing, two
 * runs writing one file), a report still being written when SIGINT arrives, and signals
 * while the program loads. No test waits on a clock: each acts when the program has
 * reached the point it tests (a temporary file exists, output has begun, a handler is set).
 */
import { execFileSync, spawn } from 'node:child_process';
import { closeSync, constants, existsSync, mkdtempSync, openSync, readdirSync, readFileSync, readSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { EXIT } from '../../src/cli/exit-status.ts';
import { ROOT, runInProcess, spawnWith, STACK_LINE } from './harness.ts';

const dir = mkdtempSync(join(tmpdir(), 'dmaspec-outputs-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A command line of each command, each writing to standard output. */
const EVERY_COMMAND: readonly string[][] = [
  ['--help'],
  ['check', '--help'],
  ['check', '--design', 'baseline', '--scenario', 'cooperative'],
  ['check', '--design', 'baseline', '--scenario', 'cooperative', '--json'],
  ['paths', '--machine', 'channel'],
  ['export', '--format', 'promela', '--scenario', 'cooperative', '--design', 'baseline'],
  ['simulate', '--steps', '20'],
];

describe('standard output on a full device (>/dev/full)', () => {
  it.each(EVERY_COMMAND.map((a) => [a.join(' '), a]))('dmaspec %s: one line naming standard output, exit 5, no stack trace', async (_, argv) => {
    const full = openSync('/dev/full', 'w');
    try {
      const r = await spawnWith(argv, { stdout: full });
      expect(r.status, r.err).toBe(EXIT.output);
      expect(r.err).toMatch(/^dmaspec \w+: cannot write standard output: ENOSPC: no space left on device/);
      expect(r.err.trimEnd().split('\n')).toHaveLength(1);
      expect(r.err).not.toMatch(STACK_LINE);
    } finally {
      closeSync(full);
    }
  });

  it('export --out /dev/full: one line naming the file, exit 5', async () => {
    const r = await runInProcess(['export', '--format', 'promela', '--scenario', 'cooperative', '--design', 'baseline', '--out', '/dev/full']);
    expect(r.status).toBe(EXIT.output);
    expect(r.err).toBe('dmaspec export: cannot write --out /dev/full: ENOSPC: no space left on device, write\n');
  });
});

/** The temporary files beside `file` (src/cli/out-file.ts names them `.NAME.dmaspec-PID-N.tmp`). */
const temporaries = (file: string) => readdirSync(resolve(file, '..')).filter((f) => f.startsWith(`.${file.split('/').pop()}.dmaspec-`));

/** Spawns `paths ... --out file` and resolves once its temporary file exists (the run is writing), with the child. */
function writingPaths(argv: string[], file: string) {
  const child = spawn(process.execPath, [resolve(ROOT, 'bin/dmaspec.js'), 'paths', ...argv, '--out', file], { stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  child.stderr.on('data', (d) => (err += d));
  const closed = new Promise<{ status: number | null; signal: NodeJS.Signals | null; err: string }>((done) =>
    child.on('close', (status, signal) => done({ status, signal, err })),
  );
  const writing = new Promise<void>((done, fail) => {
    // Bound by the run's progress: look again whenever the event loop is free, until the temporary exists.
    const look = () => {
      if (temporaries(file).length > 0) done();
      else if (child.exitCode !== null) fail(new Error(`paths ended before writing: ${err}`));
      else setTimeout(look, 2);
    };
    look();
  });
  return { child, writing, closed };
}

describe('--out is written whole or not at all', () => {
  it('a run killed (SIGKILL) while writing leaves nothing at the full name', async () => {
    const file = join(dir, 'killed.jsonl');
    const run = writingPaths(['--machine', 'system'], file);
    await run.writing;
    run.child.kill('SIGKILL');
    const r = await run.closed;
    expect(r.signal).toBe('SIGKILL');
    expect(existsSync(file)).toBe(false);
  });

  it('a run stopped by SIGTERM while writing says so, exits 143 and removes its temporary file', async () => {
    const file = join(dir, 'stopped.jsonl');
    const run = writingPaths(['--machine', 'system'], file);
    await run.writing;
    run.child.kill('SIGTERM');
    const r = await run.closed;
    expect(r.status).toBe(143);
    expect(r.err).toBe('dmaspec paths: SIGTERM: quitting (an unfinished --out file is removed)\n');
    expect(existsSync(file)).toBe(false);
    expect(temporaries(file)).toEqual([]);
  });

  it('two runs writing different output to one --out: each renames a complete file, the last wins, never a mix', async () => {
    const states = join(dir, 'states.jsonl');
    const transitions = join(dir, 'transitions.jsonl');
    const shared = join(dir, 'shared.jsonl');
    // The system machine on a small scenario: two different outputs are all the test needs.
    const SMALL = ['--machine', 'system', '--scenario', 'cooperative', '--design', 'baseline'];
    const alone = await Promise.all([
      runInProcess(['paths', ...SMALL, '--paths', 'states', '--out', states]),
      runInProcess(['paths', ...SMALL, '--paths', 'transitions', '--out', transitions]),
    ]);
    expect(alone.map((r) => r.status)).toEqual([0, 0]);
    const [a, b] = [writingPaths([...SMALL, '--paths', 'states'], shared), writingPaths([...SMALL, '--paths', 'transitions'], shared)];
    const [ra, rb] = await Promise.all([a.closed, b.closed]);
    expect([ra.status, rb.status], ra.err + rb.err).toEqual([0, 0]);
    const got = readFileSync(shared, 'utf8');
    expect([readFileSync(states, 'utf8'), readFileSync(transitions, 'utf8')]).toContain(got);
    expect(temporaries(shared)).toEqual([]);
  });
});

describe('SIGINT while the report is being written to a slow reader', () => {
  it('the report comes out whole (valid JSON), with the status of the check; the signal is acknowledged', async () => {
    // A kernel pipe (a FIFO: 64 KB), as in `dmaspec check --json | slow-reader`; the test is
    // the reader. Opened read-write and non-blocking here, so that neither end waits for the other.
    const fifo = join(dir, 'report.fifo');
    execFileSync('mkfifo', [fifo]);
    const reader = openSync(fifo, constants.O_RDWR | constants.O_NONBLOCK);
    const writer = openSync(fifo, 'w');
    const child = spawn(process.execPath, [resolve(ROOT, 'bin/dmaspec.js'), 'check', '--design', 'rfc-wait', '--json'], { stdio: ['ignore', writer, 'pipe'] });
    closeSync(writer);
    let err = '';
    child.stderr!.on('data', (d) => (err += d));
    const closed = new Promise<number | null>((done) => child.on('close', (code) => done(code)));
    const chunks: Buffer[] = [];
    /** Reads what the pipe holds now; resolves once something came (polling as the event loop turns). */
    const readSome = () =>
      new Promise<number>((done) => {
        const look = () => {
          const buf = Buffer.alloc(4096);
          let n = 0;
          try {
            n = readSync(reader, buf);
          } catch (e) {
            if ((e as NodeJS.ErrnoException).code !== 'EAGAIN') throw e;
          }
          if (n > 0) {
            chunks.push(buf.subarray(0, n));
            done(n);
          } else if (child.exitCode !== null) done(0);
          else setTimeout(look, 2);
        };
        look();
      });
    // The report (195 KB) starts coming: the program writes it into a full pipe and waits for the reader.
    await readSome();
    child.kill('SIGINT');
    await new Promise<void>((done) => {
      const look = () => (err.includes('SIGINT') ? done() : setTimeout(look, 2));
      look();
    });
    // Read on to the end: the program exits once the pipe has taken the last byte.
    while ((await readSome()) > 0);
    const status = await closed;
    for (let n = 1; n > 0; ) {
      const buf = Buffer.alloc(65536);
      n = 0;
      try {
        n = readSync(reader, buf);
      } catch {}
      if (n > 0) chunks.push(buf.subarray(0, n));
    }
    closeSync(reader);
    const doc = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    expect(doc.designs[0].design).toBe('rfc-wait');
    expect(status).toBe(doc.exitStatus);
    expect(err).toBe('dmaspec: SIGINT: the report is being written (SIGINT again quits at once)\n');
  });
});

describe('a signal while the program is still loading', () => {
  const loading = (sig: string) => ({ node: ['--import', join(ROOT, 'test/cli/fixtures/signal-while-loading.mjs')], env: { DMASPEC_TEST_SIGNAL: sig } });

  it('check: SIGINT is kept and stops the search at once, with a partial report (exit 3)', async () => {
    const r = await spawnWith(['check', '--design', 'notifier', '--json'], loading('SIGINT'));
    expect(r.status, r.err).toBe(EXIT.limit);
    expect(r.err).toBe('dmaspec: SIGINT: stopping the search for a partial report (SIGINT again quits at once)\n');
    const doc = JSON.parse(r.out);
    expect(doc.partial.stop.message).toBe('interrupted by SIGINT');
  });

  it('paths: SIGTERM ends it with one line, exit 143', async () => {
    const r = await spawnWith(['paths', '--machine', 'system'], loading('SIGTERM'));
    expect(r.status).toBe(143);
    expect(r.err).toBe('dmaspec paths: SIGTERM: quitting (an unfinished --out file is removed)\n');
  });
});
