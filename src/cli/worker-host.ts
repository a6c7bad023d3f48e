/**
 * The CLI's entry point (src/cli/bin.ts). `check` and `export` run in a worker thread so
 * that this thread stays free while they search: it draws the progress bar, and
 * on SIGINT / SIGTERM it sets the shared flag the searches poll, so the run stops like a
 * limit, with the partial report and exit status 3, and the terminal restored. A second
 * signal quits at once (exit 130 / 143, terminal restored, unfinished --out files removed).
 * The signal handlers stay until the report is written out, however slow its reader.
 * `paths` streams its lines with standard output's back-pressure, so it runs in this
 * thread, as do the short `simulate`, `--help` and unknown commands; a signal ends those
 * with one line.
 *
 * Standard output that goes away (`| head`) ends any command quietly; one that fails
 * otherwise (a full disk) ends it with one line and exit status 5.
 * @module
 */
import { Worker } from 'node:worker_threads';
import { commandOf, internalErrorText, main } from './dispatch.ts';
import { terminalProgress, type Progress } from './env.ts';
import { EXIT } from './exit-status.ts';
import { removePendingOutFiles } from './out-file.ts';
import {
  ADDRESS_SPACE_HEADROOM,
  addressSpaceLimit,
  addressSpaceUsed,
  HOOKS_ADDRESS_SPACE,
  THREAD_ADDRESS_SPACE,
  WORKER_CODE_RANGE_MB,
} from '../check/engine/limits.ts';

/** What the worker sends. */
export type HostMessage = { t: 'out' | 'err' | 'label'; s: string } | { t: 'progress'; p: Progress } | { t: 'stop' } | { t: 'done'; status: number };

const SIGNALS = { SIGINT: 2, SIGTERM: 15 } as const;
type Signal = keyof typeof SIGNALS;

/** Commands run in the worker thread. */
const IN_WORKER = new Set(['check', 'export']);

/** The worker's entry: the build's JavaScript, or (from the sources) a boot file that registers tsx first. */
const WORKER_ENTRY = new URL(import.meta.url.endsWith('.ts') ? './worker-boot.mjs' : './worker.js', import.meta.url);

/** Quits now with `status`: unfinished --out files removed. */
function quit(status: number): never {
  removePendingOutFiles();
  process.exit(status);
}

/** Standard output's failures: EPIPE (the reader left) ends quietly, any other one with exit status 5. */
function watchOutput(name: string): void {
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') quit(typeof process.exitCode === 'number' ? process.exitCode : EXIT.ok);
    process.stderr.write(`dmaspec ${name}: cannot write standard output: ${err.message}\n`);
    quit(EXIT.output);
  });
  // Nowhere to report a broken standard error: the command goes on.
  process.stderr.on('error', () => {});
}

/**
 * Under `ulimit -v`, the line that refuses a limit below what the command needs to start
 * its threads (V8 would abort without a word), or undefined when it fits.
 */
function addressSpaceShort(argv: string[], inWorker: boolean): string | undefined {
  const limit = addressSpaceLimit();
  if (limit === Infinity) return undefined;
  const design = argv.indexOf('--design');
  const file = design >= 0 && /[./]/.test(argv[design + 1] ?? '');
  const need = addressSpaceUsed() + (inWorker ? THREAD_ADDRESS_SPACE : 0) + (file ? HOOKS_ADDRESS_SPACE : 0) + ADDRESS_SPACE_HEADROOM;
  if (limit >= need) return undefined;
  const mb = (b: number) => `${Math.ceil(b / 2 ** 20)} MB`;
  return `the address-space limit (ulimit -v) of ${mb(limit)} is below the ${mb(need)} this command needs to start its threads${file ? ' and load a design file' : ''}; raise ulimit -v`;
}

/** Resolves once everything written to standard output so far has been handed to the system. */
const flushed = () => new Promise<void>((resolve) => process.stdout.write('', () => resolve()));

/**
 * Runs the command line and returns the exit status. `started` is called once the command's
 * signal handlers are set; it returns a signal that arrived before, which is handled then.
 */
export async function cli(argv: string[], started: () => string | undefined = () => undefined): Promise<number> {
  const handleEarly = () => {
    const sig = started();
    if (sig) process.emit(sig as NodeJS.Signals, sig as NodeJS.Signals);
  };
  const { name, debug } = commandOf(argv);
  watchOutput(name);
  const inWorker = IN_WORKER.has(name) && !argv.includes('--help') && !argv.includes('-h');
  const short = addressSpaceShort(argv, inWorker);
  if (short) {
    process.stderr.write(`dmaspec ${name}: ${short}\n`);
    return EXIT.usage;
  }
  if (!inWorker) {
    for (const [sig, no] of Object.entries(SIGNALS))
      process.on(sig, () => {
        process.stderr.write(`dmaspec ${name}: ${sig}: quitting${name === 'paths' ? ' (an unfinished --out file is removed)' : ''}\n`);
        quit(128 + no);
      });
    handleEarly();
    return main(argv);
  }
  const interrupt = new Int32Array(new SharedArrayBuffer(4));
  const progress = terminalProgress();
  process.on('exit', () => progress.stop());
  const worker = new Worker(WORKER_ENTRY, { workerData: { argv, interrupt }, resourceLimits: { codeRangeSizeMb: WORKER_CODE_RANGE_MB } });
  /** Signals so far, and whether the worker's report is being written out. */
  let signals = 0;
  let writing = false;
  for (const [sig, no] of Object.entries(SIGNALS) as [Signal, number][])
    process.on(sig, () => {
      progress.stop();
      if (signals++ > 0) {
        process.stderr.write(`dmaspec: second ${sig}: quitting without a report\n`);
        quit(128 + no);
      }
      if (writing) {
        process.stderr.write(`dmaspec: ${sig}: the report is being written (${sig} again quits at once)\n`);
        return;
      }
      Atomics.store(interrupt, 0, no);
      process.stderr.write(`dmaspec: ${sig}: stopping the search for a partial report (${sig} again quits at once)\n`);
    });
  handleEarly();
  return new Promise<number>((resolve) => {
    let settled = false;
    const finish = (status: number) => {
      if (settled) return;
      settled = true;
      progress.stop();
      writing = true;
      // The handlers stay until the report is out: a signal now must not cut it short.
      void flushed().then(() => {
        for (const sig of Object.keys(SIGNALS)) process.removeAllListeners(sig);
        resolve(status);
      });
    };
    worker.on('message', (m: HostMessage) => {
      if (m.t === 'out') {
        // Each command of the worker writes its report once, at its end: from here on, a signal must not cut it.
        writing = true;
        process.stdout.write(m.s);
      } else if (m.t === 'err') process.stderr.write(m.s);
      else if (m.t === 'label') progress.label(m.s);
      else if (m.t === 'progress') progress.update(m.p);
      else if (m.t === 'stop') progress.stop();
      else if (m.t === 'done') finish(m.status);
    });
    worker.on('error', (err) => {
      progress.stop();
      process.stderr.write(internalErrorText(name, err, debug));
      finish(EXIT.internal);
    });
    worker.on('exit', (code) => {
      if (settled) return;
      process.stderr.write(`dmaspec ${name}: internal error: the worker thread exited (${code}) without a result\n`);
      finish(EXIT.internal);
    });
  });
}
