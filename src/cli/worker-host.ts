/**
 * The CLI's entry point. `check` runs in a worker thread so that this thread stays free
 * while a search runs: it draws the progress bar, and on SIGINT / SIGTERM it sets the
 * shared flag the searches poll, so the run stops like a limit, with the partial report
 * and exit status 3, and the terminal restored. A second signal quits at once (exit
 * 130 / 143, terminal restored). Other commands are short and run in this thread.
 * @module
 */
import { Worker } from 'node:worker_threads';
import { commandOf, internalErrorText, main } from './dispatch.ts';
import { terminalProgress, type Progress } from './env.ts';
import { EXIT } from './exit-status.ts';

/** What the worker sends. */
export type HostMessage = { t: 'out' | 'err' | 'label'; s: string } | { t: 'progress'; p: Progress } | { t: 'stop' } | { t: 'done'; status: number };

const SIGNALS = { SIGINT: 2, SIGTERM: 15 } as const;

/** Runs the command line and returns the exit status. */
export async function cli(argv: string[]): Promise<number> {
  const { name, debug } = commandOf(argv);
  // A reader that went away (`dmaspec check | head`) ends any command quietly.
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code !== 'EPIPE') throw err;
    process.exit(process.exitCode ?? EXIT.ok);
  });
  if (name !== 'check' || argv.includes('--help') || argv.includes('-h')) return main(argv);
  const interrupt = new Int32Array(new SharedArrayBuffer(4));
  const progress = terminalProgress();
  process.on('exit', () => progress.stop());
  const worker = new Worker(new URL('./worker-boot.mjs', import.meta.url), { workerData: { argv, interrupt } });
  return new Promise<number>((resolve) => {
    let settled = false;
    const finish = (status: number) => {
      if (settled) return;
      settled = true;
      progress.stop();
      for (const sig of Object.keys(SIGNALS)) process.removeAllListeners(sig);
      resolve(status);
    };
    for (const [sig, no] of Object.entries(SIGNALS))
      process.on(sig, () => {
        if (Atomics.load(interrupt, 0)) {
          progress.stop();
          process.stderr.write(`dmaspec: second ${sig}: quitting without a report\n`);
          void worker.terminate();
          finish(128 + no);
          return;
        }
        Atomics.store(interrupt, 0, no);
        progress.stop();
        process.stderr.write(`dmaspec: ${sig}: stopping the search for a partial report (${sig} again quits at once)\n`);
      });
    worker.on('message', (m: HostMessage) => {
      if (m.t === 'out') process.stdout.write(m.s);
      else if (m.t === 'err') process.stderr.write(m.s);
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
