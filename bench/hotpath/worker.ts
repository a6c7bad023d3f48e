/**
 * One benchmark worker: it plays CPU `workerData.cpu`. It sleeps on the generation word;
 * when the main thread bumps it, it reads the scheme, meets the other workers at a start
 * barrier and runs find→put pairs in batches of about {@link TARGET_BATCH_NS} until the stop
 * flag is set. Each batch is logged with its start and end on the monotonic clock shared by
 * all threads and whether this thread was switched out meanwhile (overlap.ts uses the log
 * to keep only batches during which every worker ran). Then it writes its result line and
 * counts itself done. Scheme {@link EXIT_SCHEME} ends it.
 * @module
 */
import { execFileSync } from 'node:child_process';
import { closeSync, openSync, readlinkSync, readSync } from 'node:fs';
import { workerData } from 'node:worker_threads';
import { attachMemory, BATCH_FIELDS, BATCH_STRIDE, CONTROL, EXIT_SCHEME, MAX_LOGGED_BATCHES, RESULT, RESULT_STRIDE, STOP } from './layout.ts';
import { SCHEMES } from './schemes.ts';

/** Aimed-at batch length: long against the ~25 µs of per-batch bookkeeping, short against a scheduler time slice. */
const TARGET_BATCH_NS = 500_000;
/** Batch size bounds (pairs); the upper one keeps a batch's int32 channel sum from wrapping. */
const MIN_PAIRS = 256;
const MAX_PAIRS = 1 << 21;

const { buffer, cpu, pin } = workerData as { buffer: SharedArrayBuffer; cpu: number; pin: number | null };
const { i32: m, results, batchLog } = attachMemory(buffer);

/**
 * Pins this thread to CPU `target` with util-linux `taskset` (Linux): per-CPU data is only
 * CPU-local if its CPU runs it, and unpinned workers may be stacked on one CPU by the
 * scheduler and never run at the same time. Returns whether it worked.
 */
function pinTo(target: number): boolean {
  try {
    const tid = readlinkSync('/proc/thread-self').split('/').pop()!;
    execFileSync('taskset', ['-p', '-c', String(target), tid], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
results[cpu * RESULT_STRIDE + RESULT.pinned] = pin !== null && pinTo(pin) ? 1 : 0;
const workers = Atomics.load(m, CONTROL.workers);
const logBase = cpu * MAX_LOGGED_BATCHES * BATCH_STRIDE;

const now = (): number => Number(process.hrtime.bigint());

/** A /proc file of this thread, opened once (the descriptor keeps naming this thread) and re-read in place. */
function procFile(name: string): { read(): string; close(): void } | undefined {
  let fd: number;
  try {
    fd = openSync(`/proc/thread-self/${name}`, 'r');
  } catch {
    return undefined;
  }
  const buf = Buffer.alloc(4096);
  return { read: () => buf.toString('latin1', 0, readSync(fd, buf, 0, buf.length, 0)), close: () => closeSync(fd) };
}

const status = procFile('status');
const schedstat = procFile('schedstat');

/** This thread's voluntary + involuntary context switches so far (Linux); -1 elsewhere, and every batch counts as clean. */
function switches(): number {
  if (!status) return -1;
  let total = 0;
  for (const match of status.read().matchAll(/voluntary_ctxt_switches:\s*(\d+)/g)) total += Number(match[1]);
  return total;
}

/**
 * On-CPU nanoseconds of this thread (Linux schedstat, updated at scheduler ticks), NaN
 * elsewhere: with the wall time it gives the share of the run the worker had a CPU.
 */
const onCpuNs = (): number => (schedstat ? Number(schedstat.read().split(' ')[0]) : NaN);

/** Waits until every worker has arrived, so that all loops start (and contend) together. */
function barrier(): void {
  const arrived = Atomics.add(m, CONTROL.arrived, 1) + 1;
  if (arrived === workers) {
    Atomics.notify(m, CONTROL.arrived);
    return;
  }
  for (let seen = arrived; seen < workers; seen = Atomics.load(m, CONTROL.arrived)) Atomics.wait(m, CONTROL.arrived, seen);
}

let generation = 0;
for (;;) {
  Atomics.wait(m, CONTROL.generation, generation);
  generation = Atomics.load(m, CONTROL.generation);
  const schemeIndex = Atomics.load(m, CONTROL.scheme);
  if (schemeIndex === EXIT_SCHEME) break;
  const kernel = SCHEMES[schemeIndex].kernel;
  barrier();
  let ops = 0;
  let sink = 0;
  let logged = 0;
  let pairs = 4096;
  let before = switches();
  const cpu0 = onCpuNs();
  const t0 = now();
  // At least one batch, even if the scheduler kept this worker off until after the stop flag.
  do {
    const start = now();
    sink += kernel.loop(m, cpu, pairs);
    const end = now();
    const after = switches();
    ops += pairs;
    if (logged < MAX_LOGGED_BATCHES) {
      const at = logBase + logged++ * BATCH_STRIDE;
      batchLog[at + BATCH_FIELDS.start] = start;
      batchLog[at + BATCH_FIELDS.end] = end;
      batchLog[at + BATCH_FIELDS.pairs] = pairs;
      batchLog[at + BATCH_FIELDS.clean] = after === before ? 1 : 0;
    }
    if (after === before && end > start) pairs = Math.max(MIN_PAIRS, Math.min(MAX_PAIRS, Math.round((pairs * TARGET_BATCH_NS) / (end - start))));
    before = after;
  } while (Atomics.load(m, STOP) === 0);
  const elapsedNs = now() - t0;
  const line = cpu * RESULT_STRIDE;
  results[line + RESULT.ops] = ops;
  results[line + RESULT.elapsedNs] = elapsedNs;
  results[line + RESULT.cpuNs] = onCpuNs() - cpu0;
  results[line + RESULT.sink] = sink;
  results[line + RESULT.batches] = logged;
  Atomics.add(m, CONTROL.done, 1);
  Atomics.notify(m, CONTROL.done);
}
status?.close();
schedstat?.close();
